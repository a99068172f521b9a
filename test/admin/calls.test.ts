// The call API's list and detail, and the inspector log each webhook adds to a call.
import t from 'tap'
import { simulateCall } from '../../src/testing/index.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { TOKEN, adminServer, api, detailWith } from './fixtures/admin.js'

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

t.test('the list: most recently updated first, filtered by status and flow, in pages joined by a cursor', async (t) => {
  const app = await adminServer(t)
  const calls = ['first', 'second', 'third'].map((name, i) => simulateCall(app, { flow: 'ivr-menu', uuid: `leg-${name}`, conversationUuid: `CON-${name}`, from: `44770090000${i}` }))
  for (const call of calls) await call.answer()
  await calls[0]?.press('9') // the first call is now the most recently updated
  await calls[1]?.hangup()
  const all = await api(app, '/calls')
  t.equal(all.status, 200)
  t.strictSame(all.body.calls.map((c: { uuid: string }) => c.uuid), ['leg-second', 'leg-first', 'leg-third'])
  const row = all.body.calls[1]
  t.strictSame({ ...row, createdAt: ISO.test(row.createdAt), updatedAt: row.updatedAt > row.createdAt }, {
    uuid: 'leg-first', conversationUuid: 'CON-first', flow: 'ivr-menu', step: 'menu', ended: false, from: '447700900000', to: '447700900000', createdAt: true, updatedAt: true,
  })
  t.equal(all.body.next, undefined, 'one page: no next')

  t.strictSame((await api(app, '/calls?status=ended')).body.calls.map((c: { uuid: string }) => c.uuid), ['leg-second'])
  t.strictSame((await api(app, '/calls?status=active&flow=ivr-menu')).body.calls.map((c: { uuid: string }) => c.uuid), ['leg-first', 'leg-third'])
  t.strictSame((await api(app, '/calls?flow=survey')).body, { calls: [] })

  const page = await api(app, '/calls?limit=2')
  t.strictSame(page.body.calls.map((c: { uuid: string }) => c.uuid), ['leg-second', 'leg-first'])
  t.type(page.body.next, 'string')
  const rest = await api(app, `/calls?limit=2&cursor=${encodeURIComponent(page.body.next)}`)
  t.strictSame(rest.body.calls.map((c: { uuid: string }) => c.uuid), ['leg-third'])
  t.equal(rest.body.next, undefined)
})

t.test('a bad query value is a 400 naming the field', async (t) => {
  const app = await adminServer(t)
  const cases: [string, string, RegExp][] = [
    ['status=busy', 'query.status', /active or ended, got "busy"/],
    ['limit=0', 'query.limit', /from 1 to 200, got "0"/],
    ['limit=201', 'query.limit', /got "201"/],
    ['limit=ten', 'query.limit', /got "ten"/],
    ['limit=1.5', 'query.limit', /got "1.5"/],
    ['limit=1&limit=2', 'query.limit', /got "1,2"/],
    ['flow=a&flow=b', 'query.flow', /give it once/],
    ['cursor=nonsense', 'query.cursor', /not a cursor this server made/],
    ['cursor=a&cursor=b', 'query.cursor', /give it once/],
  ]
  for (const [query, field, message] of cases) {
    const { status, body } = await api(app, `/calls?${query}`)
    t.strictSame([status, body.code, body.error], [400, 'NCCOFLOW_ERR_ADMIN_REQUEST_INVALID', 'Bad Request'], query)
    t.match(body.message, new RegExp(`^Invalid ${field.replace('.', '\\.')}: .*${message.source}`), query)
  }
})

t.test('a call in detail, by its conversation uuid or a leg\'s: context, history, and each webhook with its request and response', async (t) => {
  const app = await adminServer(t)
  const call = simulateCall(app, { flow: 'ivr-menu', uuid: 'leg-d', conversationUuid: 'CON-d' })
  const first = await call.answer()
  const second = await call.press('9')
  await call.event('completed')
  const detail = await detailWith(app, 'CON-d', 3)
  t.strictSame(await detailWith(app, 'leg-d', 3), detail, 'the same call by its leg')
  const stamps = (entry: { at: string; ms: number }) => ISO.test(entry.at) && entry.ms >= 0
  t.ok(detail.webhooks.every(stamps), 'each entry has when and how long')
  const without = (entry: Record<string, unknown>) => ({ ...entry, at: 'at', ms: 'ms' })
  t.strictSame({ ...detail, createdAt: 'c', updatedAt: 'u', history: detail.history.map((h: { event: string }) => h.event), webhooks: detail.webhooks.map(without) }, {
    uuid: 'leg-d', conversationUuid: 'CON-d', flow: 'ivr-menu', step: 'menu', ended: true, from: '447700900123', to: '447700900000', createdAt: 'c', updatedAt: 'u',
    flowVersion: app.nccoflow.runtime.flows.get('ivr-menu')?.version, context: {}, history: ['answer', 'input', 'status:completed'],
    webhooks: [
      { index: 0, at: 'at', method: 'GET', path: '/flows/ivr-menu/answer', kind: 'answer', stepBefore: null, stepAfter: 'menu', status: 200, ms: 'ms', request: call.requests[0]?.payload, response: first },
      { index: 1, at: 'at', method: 'POST', path: '/flows/ivr-menu/menu/input', kind: 'input', stepBefore: 'menu', stepAfter: 'menu', status: 200, ms: 'ms', request: call.requests[1]?.payload, response: second },
      { index: 2, at: 'at', method: 'POST', path: '/event', kind: 'event', stepBefore: 'menu', stepAfter: 'menu', status: 204, ms: 'ms', request: call.requests[2]?.payload, response: null },
    ],
  })
  t.notOk('before' in detail.webhooks[1], 'what replay needs is never served')

  const unknown = await api(app, '/calls/nobody')
  t.strictSame(unknown, { status: 404, body: { statusCode: 404, code: 'NCCOFLOW_ERR_ADMIN_NOT_FOUND', error: 'Not Found', message: 'No call "nobody": the store has no call with that conversation or leg uuid (unknown, or expired)' } })
})

t.test('the inspector keeps the last 50 webhooks of a call, with stable indexes; webhooks of unknown calls add nothing', async (t) => {
  const app = await adminServer(t)
  const call = simulateCall(app, { flow: 'ivr-menu', uuid: 'leg-many', conversationUuid: 'CON-many' })
  await call.answer()
  for (let i = 0; i < 59; i++) await call.event('ringing')
  const detail = await detailWith(app, 'CON-many', 50)
  await new Promise((resolve) => setTimeout(resolve, 50))
  const again = await detailWith(app, 'CON-many', 50)
  t.equal(again.webhooks.length, 50)
  t.strictSame(again.webhooks.map((w: { index: number }) => w.index), Array.from({ length: 50 }, (_, i) => i + 10))
  t.ok(detail.webhooks.length === 50)

  const stranger = await app.inject({ method: 'POST', url: '/event', payload: { uuid: 'leg-stranger', conversation_uuid: 'CON-stranger', status: 'ringing', direction: 'inbound', timestamp: new Date().toISOString() } })
  t.equal(stranger.statusCode, 204)
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.strictSame(await app.nccoflow.runtime.store.readLog('CON-stranger'), [])
  t.equal((await api(app, '/calls/CON-stranger')).status, 404)
})

t.test('a callback that fails in the flow\'s code is kept too: the fallback NCCO, and the step unchanged', async (t) => {
  const { flow } = await import('../../src/index.js')
  let broken = true
  const fragile = flow('fragile').steps({
    ask: (s) => s.talk('Press a key.').input({ type: ['dtmf'] }).on({ dtmf: '1' }, 'done').otherwise('ask'),
    done: (s) => s.talk(() => {
      if (broken) throw new Error('lookup down')
      return 'Done.'
    }),
  })
  const app = await adminServer(t, { flows: [fragile], defaultFlow: 'fragile' })
  const call = simulateCall(app, { flow: 'fragile', uuid: 'leg-f', conversationUuid: 'CON-f' })
  await call.answer()
  const fallback = await call.press('1')
  const detail = await detailWith(app, 'CON-f', 2)
  t.match(detail.webhooks[1], { kind: 'input', stepBefore: 'ask', stepAfter: 'ask', status: 200, response: fallback })
  broken = false
})

t.test('a call answered without a conversation uuid or numbers: stored under its leg, null where nothing is known', async (t) => {
  const app = await adminServer(t)
  t.equal((await app.inject({ method: 'POST', url: '/answer', payload: { uuid: 'leg-bare' } })).statusCode, 200)
  const detail = await detailWith(app, 'leg-bare', 1)
  t.match(detail, { uuid: 'leg-bare', conversationUuid: null, from: null, to: null, step: 'menu' })
  t.match((await api(app, '/calls')).body.calls, [{ uuid: 'leg-bare', conversationUuid: null, from: null, to: null }])
  await app.inject({ method: 'POST', url: '/flows/ivr-menu/menu/input', payload: { uuid: 'leg-bare', dtmf: { digits: '9', timed_out: false }, timestamp: new Date().toISOString() } })
  await detailWith(app, 'leg-bare', 2)
  const replayed = await app.inject({ method: 'POST', url: '/_nccoflow/api/calls/leg-bare/webhooks/1/replay', headers: { authorization: `Bearer ${TOKEN}` } })
  t.match(replayed.json(), { then: { stepAfter: 'menu', response: [{ text: 'Sorry, I did not understand that.' }] }, now: { stepAfter: 'menu', response: [{ text: 'Sorry, I did not understand that.' }] } })
})

t.test('a store that does not answer: the list and the stream answer 503 with its code; the webhooks go on', async (t) => {
  const { createRedisStore } = await import('../../src/runtime/store/index.js')
  const app = await adminServer(t, { store: createRedisStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 100 }) })
  const list = await api(app, '/calls')
  t.strictSame([list.status, list.body.code], [503, 'NCCOFLOW_ERR_STORE_UNAVAILABLE'])
  const events = await app.inject({ url: '/_nccoflow/api/events', headers: { authorization: `Bearer ${TOKEN}` } })
  t.strictSame([events.statusCode, events.json().code], [503, 'NCCOFLOW_ERR_STORE_UNAVAILABLE'])
  const again = await app.inject({ url: '/_nccoflow/api/events', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(again.statusCode, 503, 'each request tries again')
})

t.test('an inspector log that cannot be written is a warning; the webhook was answered already', async (t) => {
  const { createMemoryStore } = await import('../../src/runtime/store/index.js')
  const inner = createMemoryStore<CallRecord>()
  const store = Object.assign(Object.create(inner) as typeof inner, {
    appendLog: async () => {
      throw new Error('disk full')
    },
  })
  const lines: { level: number; msg: string; uuid?: string }[] = []
  const app = await adminServer(t, { store, logger: { level: 'warn', stream: { write: (line: string) => void lines.push(JSON.parse(line)) } } })
  const call = simulateCall(app, { flow: 'ivr-menu', uuid: 'leg-w', conversationUuid: 'CON-w' })
  t.equal((await call.answer())?.length, 2)
  for (let i = 0; i < 100 && !lines.some((l) => l.msg.includes('inspector')); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.match(lines.find((l) => l.msg.includes('inspector')), { level: 40, uuid: 'leg-w', msg: 'the call inspector could not keep this webhook' })
})

t.test('Vonage\'s fallback request for a known call is kept in its log, with the fallback NCCO', async (t) => {
  const app = await adminServer(t)
  const call = simulateCall(app, { flow: 'ivr-menu', uuid: 'leg-fb', conversationUuid: 'CON-fb' })
  await call.answer()
  const res = await app.inject({ method: 'POST', url: '/fallback', payload: { uuid: 'leg-fb', conversation_uuid: 'CON-fb', reason: 'timeout', original_request: { url: 'https://ivr.test/flows/ivr-menu/menu/input' } } })
  const detail = await detailWith(app, 'CON-fb', 2)
  t.match(detail.webhooks[1], { index: 1, kind: 'fallback', path: '/fallback', stepBefore: 'menu', stepAfter: 'menu', status: 200, response: res.json() })
})
