// GET /_nccoflow/api/events over a real socket: a `webhook` and a `call` event per webhook, from every instance
// sharing the store (Redis pub/sub), and streams closed when the server closes.
import { request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { createMemoryStore, createRedisStore, type CallStore } from '../../src/runtime/store/index.js'
import { simulateCall } from '../../src/testing/index.js'
import { REDIS_URL, deletePrefix, needRedis, testPrefix } from '../fixtures/redis.js'
import { adminServer, auth, type Json } from './fixtures/admin.js'

interface SseEvent { event: string; data: Json }

/** Opens the event stream of a listening server; its events are parsed as they come. */
async function openEvents(t: Test, app: FastifyInstance, headers: Record<string, string> = auth) {
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port
  const events: SseEvent[] = []
  let text = ''
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/_nccoflow/api/events', headers }, resolve)
    req.on('error', reject)
    req.end()
  })
  const ended = new Promise<void>((resolve) => response.on('close', () => resolve()))
  response.setEncoding('utf8')
  let all = ''
  response.on('data', (chunk: string) => {
    all += chunk
    text += chunk
    let end: number
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end)
      text = text.slice(end + 2)
      const event = /^event: (.+)$/m.exec(block)?.[1]
      const data = /^data: (.+)$/m.exec(block)?.[1]
      if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) })
    }
  })
  t.teardown(() => response.destroy())
  return { address, response, events, ended, body: () => all }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  if (!condition()) throw new Error('timed out waiting')
}

t.test('a webhook event (the entry without request and response) and a call event (the list row) per webhook', async (t) => {
  const app = await adminServer(t)
  const stream = await openEvents(t, app)
  t.equal(stream.response.statusCode, 200)
  t.match(stream.response.headers, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  const call = simulateCall(app, { flow: 'ivr-menu', uuid: 'leg-sse', conversationUuid: 'CON-sse' })
  await call.answer()
  await call.press('9')
  await until(() => stream.events.length === 4)
  t.strictSame(stream.events.map((e) => e.event), ['webhook', 'call', 'webhook', 'call'])
  const [answered, row] = stream.events
  t.strictSame({ ...answered?.data, at: typeof answered?.data.at, ms: typeof answered?.data.ms }, {
    uuid: 'leg-sse', conversationUuid: 'CON-sse', flow: 'ivr-menu', index: 0, at: 'string', method: 'GET', path: '/flows/ivr-menu/answer', kind: 'answer',
    stepBefore: null, stepAfter: 'menu', status: 200, ms: 'number',
  })
  t.strictSame((await app.inject({ url: '/_nccoflow/api/calls', headers: auth })).json().calls[0], stream.events[3]?.data, 'the call event is the list row')
  t.match(row?.data, { uuid: 'leg-sse', step: 'menu', ended: false })
  t.match(stream.events[2]?.data, { index: 1, kind: 'input', stepBefore: 'menu', stepAfter: 'menu' })
  t.notOk('request' in (answered?.data ?? {}) || 'response' in (answered?.data ?? {}))

  await app.close()
  await stream.ended
  t.pass('closing the server ends the stream')
})

t.test('the stream needs the token', async (t) => {
  const app = await adminServer(t)
  const stream = await openEvents(t, app, {})
  t.equal(stream.response.statusCode, 401)
  await stream.ended
  t.match(JSON.parse(stream.body()), { code: 'NCCOFLOW_ERR_ADMIN_UNAUTHORIZED' })
})

t.test('an idle stream gets a keep-alive comment every 15 s; a client that goes away is dropped, and its timer', async (t) => {
  const app = await adminServer(t)
  // 15 s made 15 ms, so the test need not wait.
  const setTimer = globalThis.setInterval
  const timers = t.capture(globalThis, 'setInterval', ((fn: () => void, ms: number) => setTimer(fn, ms === 15_000 ? 15 : ms)) as typeof setInterval)
  const stream = await openEvents(t, app)
  await until(() => stream.body().includes(': keep-alive\n\n'))
  t.ok(timers().some((call) => call.args[1] === 15_000))
  t.equal(stream.body().indexOf(': nccoflow call events\n\n'), 0, 'the stream opens with a comment')
  stream.response.destroy()
  await stream.ended
  await new Promise((resolve) => setTimeout(resolve, 20))
  await simulateCall(app, { flow: 'ivr-menu' }).answer()
  t.pass('a webhook after the client left writes to nobody')
})

t.test('a client that leaves while the store is still subscribing is dropped at once, with its timer', async (t) => {
  // A store whose subscribe takes a while (Redis: a connection and a round trip), and a client gone before it is done.
  const memory = createMemoryStore<CallRecord>()
  const subscribe: CallStore<CallRecord>['subscribe'] = async (listener) => {
    await new Promise((resolve) => setTimeout(resolve, 150))
    return memory.subscribe(listener)
  }
  const slow = new Proxy(memory, { get: (target, key) => (key === 'subscribe' ? subscribe : Reflect.get(target, key)) })
  const app = await adminServer(t, { store: slow })
  const keepAlive: unknown[] = []
  const cleared: unknown[] = []
  const [setTimer, clearTimer] = [globalThis.setInterval, globalThis.clearInterval]
  t.capture(globalThis, 'setInterval', ((fn: () => void, ms: number) => {
    const timer = setTimer(fn, ms)
    if (ms === 15_000) keepAlive.push(timer)
    return timer
  }) as typeof setInterval)
  t.capture(globalThis, 'clearInterval', ((timer: Parameters<typeof clearInterval>[0]) => {
    cleared.push(timer)
    clearTimer(timer)
  }) as typeof clearInterval)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const req = request({ host: '127.0.0.1', port: (app.server.address() as AddressInfo).port, path: '/_nccoflow/api/events', headers: auth })
  req.on('error', () => {})
  req.end()
  await new Promise((resolve) => setTimeout(resolve, 50))
  req.destroy()
  await until(() => keepAlive.length === 1)
  await until(() => cleared.includes(keepAlive[0]))
  t.pass('its keep-alive timer was cleared as soon as the subscription was made')
})

if (await needRedis(t)) {
  t.test('two instances on one Redis: a client of one sees the webhooks the other handles', async (t) => {
    const prefix = testPrefix('sse')
    t.teardown(() => deletePrefix(prefix))
    const one = await adminServer(t, { store: createRedisStore<CallRecord>({ url: REDIS_URL, prefix }) })
    const two = await adminServer(t, { store: createRedisStore<CallRecord>({ url: REDIS_URL, prefix }) })
    const onOne = await openEvents(t, one)
    const onTwo = await openEvents(t, two)
    const call = simulateCall(one, { flow: 'ivr-menu', uuid: 'leg-shared', conversationUuid: 'CON-shared' })
    await call.answer()
    await simulateCall(two, { flow: 'ivr-menu', uuid: 'leg-other', conversationUuid: 'CON-other' }).answer()
    await until(() => onOne.events.length === 4 && onTwo.events.length === 4)
    const webhooks = (events: SseEvent[]) => events.filter((e) => e.event === 'webhook').map((e) => e.data.uuid).sort()
    t.strictSame(webhooks(onTwo.events), ['leg-other', 'leg-shared'], 'instance two saw the call instance one answered')
    t.strictSame(webhooks(onOne.events), ['leg-other', 'leg-shared'])
    const listed = (await two.inject({ url: '/_nccoflow/api/calls', headers: auth })).json().calls.map((c: { uuid: string }) => c.uuid)
    t.strictSame(listed, ['leg-other', 'leg-shared'], 'and lists it, from the shared index')
  })
}
