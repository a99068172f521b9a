import t, { type Test } from 'tap'
import { createClient } from 'redis'
import type { Logger } from '../../../src/runtime/log.js'
import { createRedisStore, type RedisCommander } from '../../../src/runtime/store/index.js'
import { connectionLog, redactRedisUrl } from '../../../src/runtime/store/redis.js'
import { REDIS_URL, deletePrefix, needRedis, ownRedis, testPrefix } from '../../fixtures/redis.js'
import { runStoreContract } from './contract.js'

// Two runs of the contract (its TTL tests sleep for real) and a redis-server of our own: more than tap's 30 s.
t.setTimeout(120_000)

const redisThere = await needRedis(t)

if (redisThere) {
  runStoreContract(t, 'Redis store (own client from a URL)', async () => {
    const prefix = testPrefix('contract-url')
    const store = createRedisStore({ url: REDIS_URL, prefix })
    return { store, cleanup: async () => { await store.close(); await deletePrefix(prefix) } }
  })

  runStoreContract(t, 'Redis store (a client its owner connects)', async () => {
    const prefix = testPrefix('contract-client')
    const client = createClient({ url: REDIS_URL })
    await client.connect()
    const store = createRedisStore({ client, prefix })
    return { store, cleanup: async () => { await store.close(); await client.close(); await deletePrefix(prefix) } }
  })
}

/** A logger that keeps its lines. */
function keptLog() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = []
  const line = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg })
  const log: Logger = { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), child: () => log }
  return { log, lines }
}

/** A raw client on `url`, closed when the test ends. */
async function rawClient(t: Test, url = REDIS_URL) {
  const client = createClient({ url })
  await client.connect()
  t.teardown(() => client.close())
  return client
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** How many EVAL and EVALSHA commands a Redis ran (or refused), from INFO commandstats. */
function commandCalls(info: string): { eval: number; evalsha: number } {
  const count = (name: string) => {
    const fields = new RegExp(`^cmdstat_${name}:(.*)$`, 'm').exec(info)?.[1] ?? ''
    return [...fields.matchAll(/(?:^|,)(?:calls|rejected_calls)=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0)
  }
  return { eval: count('eval'), evalsha: count('evalsha') }
}

const UNAVAILABLE = { code: 'NCCOFLOW_ERR_STORE_UNAVAILABLE', statusCode: 503 }

t.test('options: a url or a client, a positive commandTimeoutMs, a redis:// URL', async (t) => {
  const invalid = (option: string) => ({ code: 'NCCOFLOW_ERR_OPTIONS_INVALID', message: new RegExp(`^Invalid nccoflow option ${option}: `) })
  t.throws(() => createRedisStore({}), invalid('store'), 'neither url nor client')
  t.throws(() => createRedisStore({ url: REDIS_URL, client: { sendCommand: async () => 'OK' } }), invalid('store'), 'both url and client')
  for (const commandTimeoutMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => createRedisStore({ url: REDIS_URL, commandTimeoutMs }), invalid('commandTimeoutMs'), `commandTimeoutMs ${commandTimeoutMs}`)
  }
  t.throws(() => createRedisStore({ url: 'not a url' }), { ...invalid('url'), message: /got "not a url"/ })
  t.throws(() => createRedisStore({ url: 'http://x' }), { ...invalid('url'), message: /with a host, got "http:\/\/x\/"/ })
  t.throws(() => createRedisStore({ url: 'redis://' }), invalid('url'), 'no host')
  const secret = (() => { try { createRedisStore({ url: 'redis:// :s3cret@' }) } catch (error) { return (error as Error).message } return '' })()
  t.match(secret, /\*\*\*/, 'a password in a malformed URL is replaced')
  t.notMatch(secret, /s3cret/)
})

t.test('redactRedisUrl replaces the password and nothing else', async (t) => {
  t.equal(redactRedisUrl('redis://:s3cret@r.test:6380/2'), 'redis://:***@r.test:6380/2')
  t.equal(redactRedisUrl('rediss://app:s3cret@r.test'), 'rediss://app:***@r.test')
  t.equal(redactRedisUrl('redis://r.test:6379'), 'redis://r.test:6379')
  t.equal(redactRedisUrl('not a url :s3cret@'), '(not a URL)')
})

t.test('a command the client never answers fails with STORE_UNAVAILABLE after commandTimeoutMs', async (t) => {
  let late: (error: Error) => void = () => {}
  const client: RedisCommander = { sendCommand: () => new Promise((_, reject) => { late = reject }) }
  const store = createRedisStore({ client, commandTimeoutMs: 50 })
  const started = performance.now()
  t.match(await rejection(store.get('call-1')), { ...UNAVAILABLE, message: 'Redis: no reply within 50 ms' })
  t.ok(performance.now() - started < 1000, 'within about commandTimeoutMs')
  late(new Error('connection reset')) // the abandoned command failing later is nobody's business: no unhandled rejection
  await new Promise((resolve) => setImmediate(resolve))
})

t.test('whatever a client rejects with becomes STORE_UNAVAILABLE, keeping it as the cause', async (t) => {
  const reason = 'a string, not an Error'
  const store = createRedisStore({ client: { sendCommand: () => Promise.reject(reason) } })
  t.match(await rejection(store.ping()), { ...UNAVAILABLE, message: `Redis: ${reason}`, cause: reason })
  const error = new Error('ERR something odd')
  const other = createRedisStore({ client: { sendCommand: () => Promise.reject(error) } })
  t.match(await rejection(other.put('call-1', {}, null, 60)), { ...UNAVAILABLE, message: 'Redis: ERR something odd', cause: error })
})

t.test('connectionLog: the first failure, a new one, every 30th, and the recovery', async (t) => {
  const { log, lines } = keptLog()
  const report = connectionLog('redis://:***@r.test:6379', log)
  report.ready()
  t.strictSame(lines, [], 'ready without a failure says nothing')
  const refused = new Error('connect ECONNREFUSED')
  for (let i = 0; i < 31; i++) report.failed(refused)
  t.strictSame(lines.map((l) => [l.level, l.obj.failures]), [['error', 1], ['error', 30]], 'the first failure, then the 30th')
  t.equal(lines[0]?.msg, 'Redis at redis://:***@r.test:6379 does not answer (connect ECONNREFUSED): calls get the fallback NCCO until it does; retrying')
  t.match(lines[0]?.obj, { err: refused, redis: 'redis://:***@r.test:6379' })
  report.failed(new Error('Socket closed unexpectedly'))
  t.equal(lines.length, 3, 'a new kind of failure is logged')
  report.ready()
  t.match(lines[3], { level: 'info', obj: { redis: 'redis://:***@r.test:6379', failures: 32 }, msg: 'Redis at redis://:***@r.test:6379 answers again' })
  report.failed(refused)
  t.equal(lines.length, 5, 'after a recovery, the next failure is logged again')
})

t.test('a store on a Redis that is not there: unavailable, logged without the password, closed at once', async (t) => {
  const { log, lines } = keptLog()
  const store = createRedisStore({ url: 'redis://:s3cret@127.0.0.1:1', logger: log, commandTimeoutMs: 200 })
  t.match(await rejection(store.ping()), UNAVAILABLE)
  for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.match(lines[0], { level: 'error', obj: { redis: 'redis://:***@127.0.0.1:1' } })
  t.notMatch(JSON.stringify(lines.map((l) => [l.msg, l.obj.redis])), /s3cret/)
  await store.close()
  t.match(await rejection(store.ping()), { ...UNAVAILABLE, message: 'the Redis store is closed' })
})

if (redisThere) {
  t.test('keys are where the doc comment says: a hash {v, d} with the TTL, and an alias string', async (t) => {
    const prefix = testPrefix('keys')
    t.teardown(() => deletePrefix(prefix))
    const store = createRedisStore({ url: REDIS_URL, prefix })
    t.teardown(() => store.close())
    const raw = await rawClient(t)
    const value = { flow: 'menu', step: 'main', ok: true }
    t.equal(await store.put('CON-1', value, null, 60, ['leg:a-1']), 1)
    t.strictSame(await raw.hGetAll(`${prefix}call:{CON-1}`), { v: '1', d: JSON.stringify(value) })
    const pttl = await raw.pTTL(`${prefix}call:{CON-1}`)
    t.ok(pttl > 55_000 && pttl <= 60_000, `the record's PTTL (${pttl}) is close to 60 s`)
    t.equal(await raw.get(`${prefix}alias:{leg:a-1}`), 'CON-1')
    const aliasTtl = await raw.pTTL(`${prefix}alias:{leg:a-1}`)
    t.ok(aliasTtl > 55_000 && aliasTtl <= 60_000, `the alias's PTTL (${aliasTtl}) is close to 60 s`)
    t.equal(await store.put('CON-1', { ...value, step: 'next' }, 1, 120), 2)
    t.equal(await raw.hGet(`${prefix}call:{CON-1}`, 'v'), '2')
    t.ok((await raw.pTTL(`${prefix}call:{CON-1}`)) > 115_000, 'each write sets the TTL again')
    await store.setAlias('leg:b-2', 'CON-1', 30)
    t.equal(await raw.get(`${prefix}alias:{leg:b-2}`), 'CON-1')
    t.strictSame((await raw.keys(`${prefix}*`)).sort(), [`${prefix}alias:{leg:a-1}`, `${prefix}alias:{leg:b-2}`, `${prefix}call:{CON-1}`])
    await raw.hSet(`${prefix}call:{half}`, 'v', '3')
    t.equal(await store.get('half'), undefined, 'a hash without its data reads as no record')
  })

  t.test('Redis forgot the script (SCRIPT FLUSH on the test\'s own redis-server): the write sends it whole, once', async (t) => {
    const own = await ownRedis(t)
    const store = createRedisStore({ url: own.url, prefix: testPrefix('noscript') })
    t.teardown(() => store.close())
    const raw = await rawClient(t, own.url)
    t.equal(await store.put('call-1', { n: 1 }, null, 60), 1)
    const calls = async () => commandCalls(await raw.info('commandstats'))
    t.equal((await calls()).eval, 1, 'a fresh Redis: the first write sent the script')
    await raw.scriptFlush()
    const before = await calls()
    t.equal(await store.put('call-1', { n: 2 }, 1, 60), 2, 'the write after the flush works')
    const after = await calls()
    t.equal(after.evalsha - before.evalsha, 1, 'it tried the hash')
    t.equal(after.eval - before.eval, 1, 'then sent the script')
    t.equal(await store.put('call-1', { n: 3 }, 2, 60), 3)
    const later = await calls()
    t.equal(later.eval - after.eval, 0, 'later writes use the hash again')
    t.strictSame(await store.get('call-1'), { value: { n: 3 }, version: 3 })
  })

  t.test('a closed store rejects every call with STORE_UNAVAILABLE; closing twice is fine', async (t) => {
    const store = createRedisStore({ url: REDIS_URL, prefix: testPrefix('closed') })
    await store.ping()
    await store.close()
    await store.close()
    for (const call of [store.get('x'), store.put('x', {}, null, 60), store.delete('x'), store.setAlias('a', 'x', 60), store.resolveAlias('a'), store.ping()]) {
      t.match(await rejection(call), { ...UNAVAILABLE, message: 'the Redis store is closed' })
    }
  })

  t.test('a client passed in is its owner\'s: store.close() leaves it open', async (t) => {
    const client = await rawClient(t)
    const store = createRedisStore({ client, prefix: testPrefix('owned') })
    await store.ping()
    await store.close()
    t.equal(client.isOpen, true)
    t.equal(await client.ping(), 'PONG')
  })
}
