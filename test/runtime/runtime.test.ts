// CallRuntime used directly, without the server: defaults, store conflicts and TTLs, preview, and the edges of each
// callback kind that the HTTP tests (test/server/) do not reach.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { phone, talk } from '../../src/ncco/index.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { silentLogger, type Logger } from '../../src/runtime/log.js'
import { callbackReturnsNcco } from '../../src/runtime/callbacks/index.js'
import { CallRuntime } from '../../src/runtime/runtime.js'
import type { RequestInfo } from '../../src/runtime/types.js'
import { StoreConflictError, createMemoryStore, type CallStore } from '../../src/runtime/store/index.js'
import { eventId } from '../../src/runtime/callbacks/context.js'

const base = 'https://ivr.test'
let n = 0
/** A request with a fresh key, as each distinct webhook has. */
const req = (key = `key-${(n += 1)}`): RequestInfo => ({ baseUrl: base, key })

const menu = flow('menu', { context: { tries: 0 } }).steps({
  ask: (s) => s
    .talk(({ call }) => `Hello ${call.from ?? 'stranger'}.`, { bargeIn: true })
    .input({ type: ['dtmf', 'speech'], speech: { context: ['yes', 'no'] } })
    .on({ dtmf: '1', speech: 'yes' }, 'yes')
    .onTimeout('silence')
    .otherwise('ask'),
  yes: (s) => s
    .talk('Yes.', { bargeIn: true })
    .input({ type: ['dtmf'] })
    .on({ dtmf: '9' }, 'ask'),
  silence: (s) => s
    .update(({ context }) => ({ tries: context.tries + 1 }))
    .talk(({ context }) => `Silence ${context.tries}.`)
    .notify({ waiting: true })
    .goto(({ context }) => (context.tries > 1 ? 'dial' : 'ask'), ['dial', 'ask']),
  dial: (s) => s
    .talk('Dialling.')
    .connect(phone('447700900001'), { eventType: 'synchronous' })
    .onFailure('ask'),
})

const extras = flow('extras').steps({
  start: (s) => s
    .talk('Start.')
    .record({}, async (payload) => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      recorded.push(payload)
    })
    .notify({ a: 1 })
    .goto('link'),
  link: (s) => s.talk('Link.').notify({ b: 2 }),
})
const recorded: unknown[] = []

/** A logger that keeps every call, to check the runtime's own logger is used when a request brings none. */
function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = []
  const make = (bindings: Record<string, unknown>): Logger => ({
    info: (obj, msg) => void lines.push({ level: 'info', obj: { ...bindings, ...obj }, msg }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj: { ...bindings, ...obj }, msg }),
    error: (obj, msg) => void lines.push({ level: 'error', obj: { ...bindings, ...obj }, msg }),
    debug: (obj, msg) => void lines.push({ level: 'debug', obj: { ...bindings, ...obj }, msg }),
    child: (more) => make({ ...bindings, ...more }),
  })
  return { lines, logger: make({}) }
}

t.test('silentLogger discards everything', async (t) => {
  for (const method of ['info', 'warn', 'error', 'debug'] as const) t.equal(silentLogger[method]({}, 'x'), undefined)
  t.equal(silentLogger.child({ a: 1 }), silentLogger)
})

t.test('defaults: a memory store and a silent logger', async (t) => {
  const runtime = new CallRuntime({ flows: [menu.toDefinition()] })
  t.teardown(() => runtime.store.close())
  t.same([...runtime.flows.keys()], ['menu'])
  t.equal(runtime.flows.get('menu'), menu.toDefinition())
  const ncco = await runtime.answer('menu', { uuid: 'd1', conversation_uuid: 'CON-d1', from: '447700900200' }, req())
  t.same(ncco[0], { action: 'talk', text: 'Hello 447700900200.', bargeIn: true })
  t.same(await runtime.answer('menu', { uuid: 'd1', conversation_uuid: 'CON-d1' }, req()), ncco, 'a retry')
  t.equal((await runtime.findCall('d1'))?.version, 1)
  await runtime.event('call_event', { uuid: 'd1', status: 'answered', timestamp: '2030-01-01T00:00:00.000Z' }, req())
  await runtime.event('call_event', { uuid: 'd1', status: 'answered', timestamp: '2030-01-01T00:00:00.000Z' }, req())
  t.same(await runtime.callback('menu', 'yes', 'input', { uuid: 'd1', dtmf: { digits: '1' } }, req()), ncco, 'stale: the last NCCO')
  t.same(await runtime.callback('menu', 'ask', 'input', { uuid: 'ghost', dtmf: { digits: '1' } }, req()), [talk('Yes.', { bargeIn: true }), { action: 'input', type: ['dtmf'], eventUrl: [`${base}/flows/menu/yes/input`] }])
  // No conversation_uuid: answered all the same, with no alias.
  t.same((await runtime.answer('menu', { uuid: 'd2' }, req()))?.[0], { action: 'talk', text: 'Hello stranger.', bargeIn: true })
  t.same((await runtime.findCall('d2'))?.value.call, { uuid: 'd2' })
})

t.test('the runtime\'s logger is used when a request brings none', async (t) => {
  const { lines, logger } = recordingLogger()
  const runtime = new CallRuntime({ flows: [menu.toDefinition()], logger })
  t.teardown(() => runtime.store.close())
  await runtime.answer('menu', { uuid: 'l1', conversation_uuid: 'CON-l1' }, req())
  await runtime.answer('menu', { uuid: 'l1', conversation_uuid: 'CON-l1' }, req())
  await runtime.callback('menu', 'ask', 'input', { uuid: 'l2', dtmf: { digits: '5' } }, req())
  await runtime.event('call_event', { uuid: 'nobody', status: 'ringing' }, req())
  await runtime.fallback('menu', { uuid: 'l1', reason: 'Socket timeout.' }, req())
  t.match(lines.find((l) => l.msg?.includes('already answered')), { level: 'debug', obj: { uuid: 'l1', flow: 'menu', step: 'ask' } })
  t.match(lines.find((l) => l.msg?.includes('does not know (expired')), { level: 'warn', obj: { uuid: 'l2', flow: 'menu', step: 'ask', segment: 'input' } })
  t.match(lines.find((l) => l.msg?.includes('event for a call this server does not know')), { level: 'debug', obj: { uuid: 'nobody' } })
  t.match(lines.find((l) => l.msg?.includes('fallback URL')), { level: 'warn', obj: { uuid: 'l1', flow: 'menu', step: 'ask', reason: 'Socket timeout.' } })
})

t.test('unknown flows and steps are refused (a callback of an unknown step hears the fallback)', async (t) => {
  const runtime = new CallRuntime({ flows: [menu.toDefinition()] })
  t.teardown(() => runtime.store.close())
  await t.rejects(runtime.answer('nope', { uuid: 'u' }, req()), { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN', message: 'No flow named "nope": the flows are menu' })
  await t.rejects(runtime.callback('nope', 'ask', 'input', { uuid: 'u' }, req()), { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN' })
  t.strictSame(await runtime.callback('menu', 'nowhere', 'input', { uuid: 'u' }, req()), menu.toDefinition().fallback, 'a callback of a step the flow does not have hears the fallback')
  await t.rejects(runtime.preview('nope', undefined, base), { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN' })
  await t.rejects(runtime.preview('menu', 'nowhere', base), { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN_STEP', message: `Flow "menu" has no step named "nowhere": its steps are ${Object.keys(menu.toDefinition().steps).join(', ')}` })
})

t.test('preview renders a step for a sample call and stores nothing', async (t) => {
  const runtime = new CallRuntime({ flows: [menu.toDefinition()] })
  t.teardown(() => runtime.store.close())
  const first = await runtime.preview('menu', undefined, base)
  t.same(first[0], { action: 'talk', text: 'Hello stranger.', bargeIn: true })
  t.same((first[1] as { eventUrl: string[] }).eventUrl, [`${base}/flows/menu/ask/input`])
  t.same(await runtime.preview('menu', 'silence', base, { uuid: 'p1', from: '447700900200' }), [
    talk('Silence 1.'),
    { action: 'notify', payload: { waiting: true }, eventUrl: [`${base}/flows/menu/silence/notify`] },
  ])
  t.same((await runtime.preview('menu', 'ask', base, { from: '447700900200' }))[0], { action: 'talk', text: 'Hello 447700900200.', bargeIn: true })
  t.equal(await runtime.findCall('preview'), undefined)
  t.equal(await runtime.findCall('p1'), undefined)
})

t.test('inputs: speech ranked by confidence, empty results dropped, timeouts and no otherwise', async (t) => {
  const runtime = new CallRuntime({ flows: [menu.toDefinition()] })
  t.teardown(() => runtime.store.close())
  await runtime.answer('menu', { uuid: 'i1', conversation_uuid: 'CON-i1' }, req())
  const speech = { results: [{ text: '' }, { text: 'maybe', confidence: 0.2 }, { text: 'yes please' }, { text: 'no', confidence: 0.9 }] }
  // Best first: "no" (0.9), "maybe" (0.2), "yes please" (no confidence counts as 0); "no" does not match, "yes please" does.
  const res = await runtime.callback('menu', 'ask', 'input', { uuid: 'i1', speech }, req())
  t.same(res?.[0], talk('Yes.', { bargeIn: true }))
  const record = (await runtime.findCall('i1'))?.value
  t.same(record?.state.context.input, { digits: '', speech: [{ text: 'no', confidence: 0.9 }, { text: 'maybe', confidence: 0.2 }, { text: 'yes please' }], timedOut: false })
  // `yes` has no otherwise: anything but 9 stays on `yes`.
  t.same((await runtime.callback('menu', 'yes', 'input', { uuid: 'i1', dtmf: { digits: '4' } }, req()))?.[0], talk('Yes.', { bargeIn: true }))
  t.equal((await runtime.findCall('i1'))?.value.state.value, 'yes')
  t.same((await runtime.callback('menu', 'yes', 'input', { uuid: 'i1', dtmf: { digits: '9' } }, req()))?.[0], { action: 'talk', text: 'Hello stranger.', bargeIn: true })
  // Nothing said or pressed: onTimeout.
  const silent = await runtime.callback('menu', 'ask', 'input', { uuid: 'i1', speech: { results: [], timeout_reason: 'start_timeout' } }, req())
  t.same(silent?.[0], talk('Silence 1.'))
  t.same((await runtime.findCall('i1'))?.value.state.context.input, { digits: '', speech: [], timedOut: true })
})

t.test('notify: goto after the payload, [] when the step has nowhere to go, fallback on a bad target', async (t) => {
  const broken = flow('broken', { context: { to: 'end' } }).steps({
    start: (s) => s.notify({ x: 1 }).goto(({ context }) => (context.to === 'x' ? 'end' : context.to) as 'end', ['end']),
    end: (s) => s.talk('End.'),
  })
  const runtime = new CallRuntime({ flows: [menu.toDefinition(), extras.toDefinition(), broken.toDefinition()] })
  t.teardown(() => runtime.store.close())
  await runtime.answer('menu', { uuid: 'n1', conversation_uuid: 'CON-n1' }, req())
  await runtime.callback('menu', 'ask', 'input', { uuid: 'n1', dtmf: { digits: '' } }, req())
  // No timestamp: stamped on arrival.
  const next = await runtime.callback('menu', 'silence', 'notify', { conversation_uuid: 'CON-n1', payload: { waiting: true } }, req())
  t.same(next?.[0], { action: 'talk', text: 'Hello stranger.', bargeIn: true })
  t.ok((await runtime.findCall('n1'))?.value.history.some((h) => h.event === 'notify' && !Number.isNaN(Date.parse(h.at))))

  await runtime.answer('extras', { uuid: 'n2', conversation_uuid: 'CON-n2' }, req())
  t.same((await runtime.callback('extras', 'start', 'notify', { conversation_uuid: 'CON-n2', payload: { a: 1 } }, req()))?.[0], talk('Link.'))
  const key = req()
  t.same(await runtime.callback('extras', 'link', 'notify', { conversation_uuid: 'CON-n2', payload: { b: 2 }, timestamp: '2030-01-01T00:00:00.000Z' }, key), [], 'no goto: carry on')
  const stored = await runtime.findCall('n2')
  t.same(stored?.value.last, { key: key.key, ncco: [], event: eventId('notify', '2030-01-01T00:00:00.000Z', undefined) })
  t.same(await runtime.callback('extras', 'link', 'notify', { conversation_uuid: 'CON-n2', payload: { b: 2 }, timestamp: '2030-01-01T00:00:00.000Z' }, key), [], 'a retry: the same []')
  t.equal((await runtime.findCall('n2'))?.version, stored?.version)

  // A goto function that names a step the flow does not list for it.
  const { lines, logger } = recordingLogger()
  const logged = new CallRuntime({ flows: [broken.toDefinition()], logger, store: runtime.store })
  await logged.answer('broken', { uuid: 'n3', conversation_uuid: 'CON-n3' }, req())
  const record = (await runtime.findCall('n3'))?.value as CallRecord
  await runtime.store.put('CON-n3', { ...record, state: { ...record.state, context: { ctx: { to: 'nowhere' } } } }, 1, 60)
  t.same(await logged.callback('broken', 'start', 'notify', { conversation_uuid: 'CON-n3', payload: { x: 1 } }, req()), broken.toDefinition().fallback)
  t.match(lines.find((l) => l.level === 'error'), { obj: { uuid: 'n3', flow: 'broken', step: 'start', err: { code: 'NCCOFLOW_ERR_RUNTIME_BAD_TARGET' } } })
})

t.test('synchronous connect: the call leg, no timestamp, a failure with no onFailure', async (t) => {
  const noFailure = flow('nofail').steps({
    dial: (s) => s.talk('Dialling.').connect(phone('447700900001'), { eventType: 'synchronous' }),
  })
  const runtime = new CallRuntime({ flows: [menu.toDefinition(), noFailure.toDefinition()] })
  t.teardown(() => runtime.store.close())
  await runtime.answer('nofail', { uuid: 'c1', conversation_uuid: 'CON-c1' }, req())
  t.same(await runtime.callback('nofail', 'dial', 'connect', { uuid: 'c1', conversation_uuid: 'CON-c1', status: 'busy' }, req()), [], 'nowhere to go: carry on')
  const record = (await runtime.findCall('c1'))?.value
  t.equal(record?.state.value, 'dial')
  t.match(record?.history.at(-1), { event: 'connect:busy' })
  t.notOk(record?.history.at(-1)?.leg, 'the call\'s own leg is not recorded as another')
  // A connect event for a call that has ended: carry on, but kept in history.
  await runtime.event('call_event', { uuid: 'c1', status: 'completed', timestamp: '2030-01-01T00:00:00.000Z' }, req())
  t.same(await runtime.callback('nofail', 'dial', 'connect', { uuid: 'leg', conversation_uuid: 'CON-c1', status: 'failed', timestamp: '2030-01-01T00:00:01.000Z' }, req()), [])
  t.match((await runtime.findCall('c1'))?.value.history.at(-1), { event: 'connect:failed', leg: 'leg' })
})

t.test('a record callback without a timestamp is stamped on arrival; drain waits for slow handlers', async (t) => {
  recorded.length = 0
  const runtime = new CallRuntime({ flows: [extras.toDefinition()] })
  t.teardown(() => runtime.store.close())
  await runtime.answer('extras', { uuid: 'r1', conversation_uuid: 'CON-r1' }, req())
  t.equal(await runtime.callback('extras', 'start', 'record', { conversation_uuid: 'CON-r1', recording_url: 'https://x/1', recording_uuid: 'ru' }, req()), undefined)
  t.same(recorded, [], 'the handler is still running')
  await runtime.drain()
  t.same(recorded, [{ conversation_uuid: 'CON-r1', recording_url: 'https://x/1', recording_uuid: 'ru' }])
  t.ok((await runtime.findCall('r1'))?.value.history.some((h) => h.event === 'record'))
  await runtime.drain()
})

t.test('an input for a step a call never had an NCCO for gets []', async (t) => {
  const runtime = new CallRuntime({ flows: [extras.toDefinition(), menu.toDefinition()] })
  t.teardown(() => runtime.store.close())
  // A recording for an unknown call creates a record on `start` with no NCCO sent yet.
  await runtime.callback('extras', 'start', 'record', { conversation_uuid: 'CON-s1', uuid: 's1', recording_url: 'https://x/1', recording_uuid: 'ru', timestamp: '2030-01-01T00:00:00.000Z' }, req())
  const record = (await runtime.findCall('s1'))?.value
  t.equal(record?.last, undefined)
  t.same(await runtime.callback('extras', 'link', 'notify', { conversation_uuid: 'CON-s1', uuid: 's1', payload: {} }, req()), [], 'stale, and nothing to repeat')
  // An answer for it cannot repeat an NCCO either: the flow's fallback.
  t.same(await runtime.answer('extras', { uuid: 's1', conversation_uuid: 'CON-s1' }, req()), extras.toDefinition().fallback)
})

t.test('events for a call of a flow this runtime no longer serves are kept, and end it, without running the flow', async (t) => {
  const store = createMemoryStore<CallRecord>()
  t.teardown(() => store.close())
  const before = new CallRuntime({ flows: [menu.toDefinition()], store })
  await before.answer('menu', { uuid: 'o1', conversation_uuid: 'CON-o1' }, req())
  const after = new CallRuntime({ flows: [extras.toDefinition()], store })
  await after.event('call_event', { uuid: 'o1', status: 'completed', timestamp: '2030-01-01T00:00:00.000Z' }, req())
  const record = (await store.get('CON-o1'))?.value
  t.equal(record?.ended, true, 'the call ends though its flow is gone')
  t.match(record?.history.at(-1), { event: 'status:completed' })
  t.same(await after.fallback('extras', { uuid: 'o1' }, req()), [{ action: 'talk', text: 'Sorry, something went wrong. Goodbye.' }])
  t.same(await after.fallback(undefined, { uuid: 'nobody' }, req()), [{ action: 'talk', text: 'Sorry, something went wrong. Goodbye.' }])
})

/** A store that lets a test act between a read and the write that follows it. */
function interceptedStore(beforePut: (id: string, attempt: number, inner: CallStore<CallRecord>) => Promise<void>) {
  const inner = createMemoryStore<CallRecord>()
  const puts: { id: string; ttl: number; expected: number | null }[] = []
  let attempt = 0
  const store: CallStore<CallRecord> = {
    kind: 'intercepted',
    ping: () => inner.ping(),
    get: (id) => inner.get(id),
    delete: (id) => inner.delete(id),
    setAlias: (alias, id, ttl) => inner.setAlias(alias, id, ttl),
    resolveAlias: (alias) => inner.resolveAlias(alias),
    close: () => inner.close(),
    listCalls: (query) => inner.listCalls(query),
    appendLog: (id, entry, options) => inner.appendLog(id, entry, options),
    readLog: (id) => inner.readLog(id),
    publish: (message) => inner.publish(message),
    subscribe: (listener) => inner.subscribe(listener),
    async put(id, value, expected, ttl, aliases) {
      attempt += 1
      await beforePut(id, attempt, inner)
      puts.push({ id, ttl, expected })
      return inner.put(id, value, expected, ttl, aliases)
    },
  }
  return { store, inner, puts }
}

t.test('a write that conflicts with another instance is retried on the fresh record', async (t) => {
  let meddle = false
  const { store, inner, puts } = interceptedStore(async (id) => {
    if (!meddle) return
    meddle = false
    // Another server instance records an event for the same call in between.
    const current = await inner.get(id)
    const value = current?.value as CallRecord
    await inner.put(id, { ...value, history: [...value.history, { event: 'status:answered', at: '2000-01-01T00:00:00.000Z' }] }, current?.version ?? null, 60)
  })
  const runs: number[] = []
  const counted = flow('counted', { context: { n: 0 } }).steps({
    ask: (s) => s
      .update(({ context }) => {
        runs.push(context.n)
        return { n: context.n + 1 }
      })
      .talk('Again?', { bargeIn: true })
      .input({ type: ['dtmf'] })
      .otherwise('ask'),
  })
  const runtime = new CallRuntime({ flows: [counted.toDefinition()], store, ttl: { activeSeconds: 120, finishedSeconds: 30 } })
  t.teardown(() => runtime.store.close())
  await runtime.answer('counted', { uuid: 'w1', conversation_uuid: 'CON-w1' }, req())
  meddle = true
  const ncco = await runtime.callback('counted', 'ask', 'input', { uuid: 'w1', dtmf: { digits: '1' }, timestamp: '2030-01-01T00:00:00.000Z' }, req())
  t.same(ncco?.[0], talk('Again?', { bargeIn: true }))
  const record = await inner.get('CON-w1')
  t.equal(record?.version, 3, 'answer, the other instance, then this input')
  t.same(record?.value.history.map((h) => h.event), ['status:answered', 'answer', 'input'], 'the other instance\'s event was kept')
  t.equal(record?.value.state.context.ctx.n, 2)
  t.same(runs, [0, 1, 1], 'the input was handled again on the fresh record')
  t.same(puts.map((p) => [p.expected, p.ttl]), [[null, 120], [1, 120], [2, 120]], 'active TTL while the call runs')
  await runtime.event('call_event', { uuid: 'w1', status: 'completed', timestamp: '2030-01-01T00:01:00.000Z' }, req())
  t.same(puts.at(-1), { id: 'CON-w1', ttl: 30, expected: 3 }, 'finished TTL once it ends')
})

t.test('a write that keeps conflicting gives up: the fallback on NCCO routes, an error elsewhere', async (t) => {
  let conflicts = 0
  const { store } = interceptedStore(async (id, attempt) => {
    if (attempt === 1) return
    conflicts += 1
    throw new StoreConflictError(id, 1, 2)
  })
  const { lines, logger } = recordingLogger()
  const runtime = new CallRuntime({ flows: [menu.toDefinition()], store, logger })
  t.teardown(() => runtime.store.close())
  await runtime.answer('menu', { uuid: 'x1', conversation_uuid: 'CON-x1' }, req())
  t.same(await runtime.callback('menu', 'ask', 'input', { uuid: 'x1', dtmf: { digits: '1' } }, req()), menu.toDefinition().fallback)
  t.equal(conflicts, 5, 'five attempts')
  t.match(lines.find((l) => l.level === 'error'), { obj: { uuid: 'x1', err: { code: 'NCCOFLOW_ERR_STORE_CONFLICT' } } })
  await t.rejects(runtime.event('call_event', { uuid: 'x1', status: 'answered', timestamp: '2030-01-01T00:00:00.000Z' }, req()), { code: 'NCCOFLOW_ERR_STORE_CONFLICT' })
  await t.rejects(runtime.callback('menu', 'ask', 'record', { conversation_uuid: 'CON-x1', recording_url: 'https://x', recording_uuid: 'r' }, req()), { code: 'NCCOFLOW_ERR_STORE_CONFLICT' }, 'a callback whose body Vonage ignores fails too')
  t.equal(conflicts, 15)
})

t.test('a store error other than a conflict is not retried', async (t) => {
  let puts = 0
  const { store } = interceptedStore(async (_id, attempt) => {
    if (attempt === 1) return
    puts += 1
    throw new Error('disk full')
  })
  const runtime = new CallRuntime({ flows: [menu.toDefinition()], store })
  t.teardown(() => runtime.store.close())
  await runtime.answer('menu', { uuid: 'y1', conversation_uuid: 'CON-y1' }, req())
  t.same(await runtime.callback('menu', 'ask', 'input', { uuid: 'y1', dtmf: { digits: '1' } }, req()), menu.toDefinition().fallback)
  t.equal(puts, 1)
})

t.test('callbackReturnsNcco names the segments whose response is an NCCO', async (t) => {
  t.same(['input', 'notify', 'connect', 'record', 'record-transcription', 'conversation', 'pay', 'other'].map(callbackReturnsNcco), [true, true, true, false, false, false, false, false])
})
