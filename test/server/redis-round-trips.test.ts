// What one webhook costs in Redis: a TCP proxy between the server's store and the test's own redis-server counts the
// client's writes per webhook (node-redis writes the commands issued in one tick as one write: one round trip) and reads
// the commands in them. A whole call of flows/ivr-menu.ts must cost at most 2 round trips per webhook: the read, then
// one compare-and-set write carrying the alias SETs.
import { createServer, connect, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { createRedisStore } from '../../src/runtime/store/index.js'
import { buildServer } from '../../src/server/build.js'
import { needRedis, ownRedis, testPrefix } from '../fixtures/redis.js'
import { at } from './fixtures/app.js'

/** The commands (each its arguments) of a buffer of RESP arrays, as a client writes them. */
function parseCommands(data: Buffer): string[][] {
  const commands: string[][] = []
  let pos = 0
  const line = (): string => {
    const end = data.indexOf('\r\n', pos)
    const text = data.subarray(pos, end).toString()
    pos = end + 2
    return text
  }
  while (pos < data.length) {
    const count = Number(line().slice(1)) // *<count>
    const args: string[] = []
    for (let i = 0; i < count; i++) {
      const size = Number(line().slice(1)) // $<size>
      args.push(data.subarray(pos, pos + size).toString())
      pos += size + 2
    }
    commands.push(args)
  }
  return commands
}

/** A proxy to `port` that keeps each write of its clients (one round trip) as the commands in it. */
async function countingProxy(t: Test, port: number) {
  const writes: string[][][] = []
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => sockets.delete(socket))
    }
    client.on('data', (data: Buffer) => {
      writes.push(parseCommands(data))
      upstream.write(data)
    })
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  const address = server.address()
  return {
    url: `redis://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
    /** The writes since the last call. */
    take: () => writes.splice(0),
  }
}

if (await needRedis(t)) {
  t.test('a whole call of ivr-menu costs at most 2 round trips per webhook', async (t) => {
    const redis = await ownRedis(t)
    const proxy = await countingProxy(t, redis.port)
    const prefix = testPrefix('round-trips')
    const store = createRedisStore<CallRecord>({ url: proxy.url, prefix })
    const app: FastifyInstance = await buildServer({ flows: [ivrMenu], defaultFlow: 'ivr-menu', publicUrl: 'https://ivr.test', store })
    t.teardown(() => app.close())
    const post = (url: string, body: object) => app.inject({ method: 'POST', url, payload: body })
    const call = { uuid: 'rt-1', conversation_uuid: 'CON-rt-1' }
    const leg = { uuid: 'rt-leg', conversation_uuid: 'CON-rt-1', direction: 'outbound', from: '447700900000', to: '447700900001' }

    // The connection's handshake, and a first write: a fresh Redis does not know the script yet (EVALSHA, NOSCRIPT,
    // then EVAL: once per Redis start), so a call before the one counted loads it.
    t.equal((await post('/answer', { uuid: 'warm-up', conversation_uuid: 'CON-warm-up', to: '447700900000', from: '447700900123' })).statusCode, 200)
    proxy.take()

    const webhooks: [string, () => Promise<unknown>][] = [
      ['answer', () => app.inject({ method: 'GET', url: `/answer?uuid=rt-1&conversation_uuid=CON-rt-1&from=447700900123&to=447700900000` })],
      ['event started', () => post('/event', { ...call, status: 'started', direction: 'inbound', timestamp: at(1) })],
      ['event answered', () => post('/event', { ...call, status: 'answered', direction: 'inbound', timestamp: at(2) })],
      ['input 1 (sales)', () => post('/flows/ivr-menu/menu/input', { ...call, dtmf: { digits: '1', timed_out: false }, timestamp: at(5) })],
      ['leg event started', () => post('/event', { ...leg, status: 'started', timestamp: at(6) })],
      ['connect ringing', () => post('/flows/ivr-menu/sales/connect', { ...leg, status: 'ringing', timestamp: at(7) })],
      ['leg event ringing', () => post('/event', { ...leg, status: 'ringing', timestamp: at(7) })],
      ['connect unanswered', () => post('/flows/ivr-menu/sales/connect', { ...leg, status: 'unanswered', timestamp: at(27) })],
      ['leg event unanswered', () => post('/event', { ...leg, status: 'unanswered', timestamp: at(27) })],
      ['record', () => post('/flows/ivr-menu/voicemail/record', { ...call, recording_url: 'https://api.nexmo.com/v1/files/r-1', recording_uuid: 'r-1', start_time: at(30), end_time: at(40), size: 1000, timestamp: at(41) })],
      ['event completed', () => post('/event', { ...call, status: 'completed', direction: 'inbound', timestamp: at(45) })],
    ]
    const shortKey = (arg: string) => arg.replace(prefix, '')
    for (const [name, send] of webhooks) {
      const res = (await send()) as { statusCode: number }
      t.ok([200, 204].includes(res.statusCode), `${name}: ${res.statusCode}`)
      await app.nccoflow.runtime.drain() // handlers started by the webhook (the recording's) count too
      const writes = proxy.take()
      // A command and its key (EVALSHA's comes after the script's hash and the key count).
      const commands = writes.map((write) => write.map((args) => `${args[0]} ${shortKey((args[0] === 'EVALSHA' ? args[3] : args[1]) ?? '')}`).join(' + '))
      t.comment(`${name}: ${writes.length} round trip(s), ${writes.flat().length} command(s): ${commands.map((c) => `[${c}]`).join(' ')}`)
      t.ok(writes.length >= 1 && writes.length <= 2, `${name}: ${writes.length} round trip(s), at most 2`)
      t.equal(writes[0]?.length, 1, `${name}: one read first`)
      t.equal(writes[0]?.[0]?.[0], 'HMGET', `${name}: the read is one HMGET`)
      if (writes.length === 2) t.equal(writes[1]?.[0]?.[0], 'EVALSHA', `${name}: the write is one compare-and-set`)
    }
    const stored = await app.nccoflow.runtime.findCall('CON-rt-1')
    t.ok(stored?.value.history.some((h) => h.event === 'record'), 'the call went through to the voicemail')
  })

  t.test('the answer of a new call writes its leg alias in the same round trip as the record', async (t) => {
    const redis = await ownRedis(t)
    const proxy = await countingProxy(t, redis.port)
    const store = createRedisStore<CallRecord>({ url: proxy.url, prefix: testPrefix('round-trips') })
    const app = await buildServer({ flows: [ivrMenu], defaultFlow: 'ivr-menu', publicUrl: 'https://ivr.test', store })
    t.teardown(() => app.close())
    await store.put('warm-up', {} as CallRecord, null, 60) // loads the script
    proxy.take()
    await app.inject({ method: 'GET', url: '/answer?uuid=a-1&conversation_uuid=CON-a-1&from=447700900123&to=447700900000' })
    const writes = proxy.take()
    t.strictSame(writes.map((write) => write.map((args) => args[0])), [['HMGET'], ['EVALSHA', 'SET']], 'the call API off: no index entry, no inspector')
    t.match(writes[1]?.[1], ['SET', /alias:\{leg:a-1\}$/, 'CON-a-1', 'PX', /^\d+$/])
  })

  t.test('with the call API on, the index entry goes in the write\'s round trip; the inspector writes after the answer', async (t) => {
    const redis = await ownRedis(t)
    const proxy = await countingProxy(t, redis.port)
    const store = createRedisStore<CallRecord>({ url: proxy.url, prefix: testPrefix('round-trips') })
    const app = await buildServer({ flows: [ivrMenu], defaultFlow: 'ivr-menu', publicUrl: 'https://ivr.test', store, admin: { token: 'admin-token-for-tests-0123456789' } })
    t.teardown(() => app.close())
    await store.put('warm-up', {} as CallRecord, null, 60) // loads the script
    proxy.take()
    await app.inject({ method: 'GET', url: '/answer?uuid=a-2&conversation_uuid=CON-a-2&from=447700900123&to=447700900000' })
    const answered = proxy.take()
    await new Promise((resolve) => setTimeout(resolve, 100)) // the inspector's writes follow the answer
    const inspected = proxy.take()
    t.strictSame(answered.map((write) => write.map((args) => args[0])), [['HMGET'], ['EVALSHA', 'ZADD', 'ZREMRANGEBYSCORE', 'SET']], 'the answer: a read, then one write')
    t.match(answered[1]?.[1], ['ZADD', /calls$/, /^\d+$/, 'CON-a-2'])
    t.strictSame(inspected.map((write) => write.map((args) => args[0])), [['MULTI', 'RPUSH', 'LTRIM', 'PEXPIRE', 'INCR', 'PEXPIRE', 'EXEC'], ['PUBLISH']], 'then the log, in one MULTI, and the live event')
  })
}
