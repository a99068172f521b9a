// A flow that changed while calls were in progress (a reload under `nccoflow dev`, or a deploy sharing the store): a
// call whose step still exists goes on from it; a call whose step is gone hears the flow's fallback NCCO, with a
// warning naming the call, on its next NCCO webhook, instead of a 404.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { createMemoryStore } from '../../src/runtime/store/index.js'
import { buildServer } from '../../src/server/build.js'
import { at, conv, level, logSink } from './fixtures/app.js'

const fallback = [{ action: 'talk' as const, text: 'Sorry, this line changed. Goodbye.' }]

const before = flow('desk', { fallback }).steps({
  menu: (s) => s.talk('Press 1 for sales.', { bargeIn: true }).input({ type: ['dtmf'], dtmf: { maxDigits: 1 } }).on({ dtmf: '1' }, 'sales').otherwise('menu'),
  sales: (s) => s.talk('Leave your name for sales.').record({ endOnKey: '#' }).input({ type: ['dtmf'], dtmf: { maxDigits: 1 } }).otherwise('bye'),
  bye: (s) => s.talk('Bye.'),
})

// `menu` is now `main`, and says something else; `sales` and `bye` are still there.
const after = flow('desk', { fallback }).steps({
  main: (s) => s.talk('Press 1 for our sales team.', { bargeIn: true }).input({ type: ['dtmf'], dtmf: { maxDigits: 1 } }).on({ dtmf: '1' }, 'sales').otherwise('main'),
  sales: (s) => s.talk('Leave your name for the sales team.').record({ endOnKey: '#' }).input({ type: ['dtmf'], dtmf: { maxDigits: 1 } }).otherwise('bye'),
  bye: (s) => s.talk('See you.'),
})

const payload = (uuid: string, extra: Record<string, unknown>) => JSON.stringify({ uuid, conversation_uuid: conv(uuid), ...extra })

t.test('after the flow changes, calls go on from their step when it exists and hear the fallback when it does not', async (t) => {
  const store = createMemoryStore<CallRecord>()
  const logs = logSink()
  const old = await buildServer({ flows: [before], publicUrl: 'https://ivr.test', store, logger: false })
  const post = (app: typeof old, url: string, body: string) => app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json' } })
  t.equal((await post(old, '/answer', payload('stays', {}))).statusCode, 200)
  t.equal((await post(old, '/answer', payload('moved', {}))).statusCode, 200)
  // `stays` reaches `sales`, a step the new flow keeps; `moved` waits at `menu`, which it drops.
  t.equal((await post(old, '/flows/desk/menu/input', payload('stays', { dtmf: { digits: '1', timed_out: false }, timestamp: at(1) }))).statusCode, 200)
  t.teardown(() => old.close())

  const app = await buildServer({ flows: [after], publicUrl: 'https://ivr.test', store, logger: { level: 'info', stream: logs.stream }, metrics: true })
  t.teardown(() => app.close())

  const going = await post(app, '/flows/desk/sales/input', payload('stays', { dtmf: { digits: '', timed_out: true }, timestamp: at(2) }))
  t.equal(going.statusCode, 200)
  t.strictSame(JSON.parse(going.body), [{ action: 'talk', text: 'See you.' }], 'the call in a step that still exists goes on, with the new code')

  const gone = await post(app, '/flows/desk/menu/input', payload('moved', { dtmf: { digits: '1', timed_out: false }, timestamp: at(3) }))
  t.equal(gone.statusCode, 200)
  t.match(gone.headers['content-type'], /^application\/json/)
  t.strictSame(JSON.parse(gone.body), fallback, 'the call whose step is gone hears the fallback')
  const warnings = logs.lines.filter((l) => l.level === level.warn && l.event === 'callback.step-gone')
  t.equal(warnings.length, 1)
  t.match(warnings[0], { uuid: 'moved', flow: 'desk', missing: 'menu', segment: 'input', msg: 'call moved is at step "menu", which flow "desk" no longer has: the caller hears the fallback NCCO' })
  t.equal((await app.nccoflow.runtime.findCall('moved'))?.value.state.value, 'menu', 'the record is left as it was')
  t.match(await app.inject({ url: '/metrics' }).then((r) => r.body), /nccoflow_fallbacks_total\{reason="step_gone"\} 1/)

  // A callback at a step the flow has, for a call whose own step is gone (a late callback of a step it passed): the
  // fallback too, naming the step the call is at.
  const elsewhere = await post(app, '/flows/desk/sales/input', payload('moved', { dtmf: { digits: '1', timed_out: false }, timestamp: at(3) }))
  t.strictSame(JSON.parse(elsewhere.body), fallback)
  t.match(logs.lines.filter((l) => l.event === 'callback.step-gone').at(-1), { uuid: 'moved', missing: 'menu', segment: 'input' })

  // A callback whose answer Vonage ignores (a recording) for a step that is gone: 204, nothing runs, a warning.
  const recording = await post(app, '/flows/desk/menu/record', payload('moved', { recording_url: 'https://api.nexmo.com/v1/files/x', recording_uuid: 'r1', start_time: at(4), end_time: at(5), size: 10, timestamp: at(5) }))
  t.equal(recording.statusCode, 204)
  t.match(logs.lines.filter((l) => l.event === 'callback.step-gone').at(-1), { uuid: 'moved', segment: 'record', msg: 'call moved is at step "menu", which flow "desk" no longer has: nothing runs' })

  // A callback for an unknown call at a step the flow does not have: the fallback too (no record to start from).
  const ghost = await post(app, '/flows/desk/nowhere/input', payload('ghost', { dtmf: { digits: '1', timed_out: false }, timestamp: at(6) }))
  t.strictSame(JSON.parse(ghost.body), fallback)
  t.equal(await app.nccoflow.runtime.findCall('ghost'), undefined, 'nothing is stored')
  // The same for a call that exists and has moved on, when its old callback names a step that is gone.
  const late = await post(app, '/flows/desk/menu/input', payload('stays', { dtmf: { digits: '1', timed_out: false }, timestamp: at(7) }))
  t.strictSame(JSON.parse(late.body), fallback)
  // A payload nccoflow cannot use still gets the fallback (NCCO routes) or a 400 naming the field (the others).
  t.strictSame(JSON.parse((await post(app, '/flows/desk/menu/input', '[]')).body), fallback)
  t.equal((await post(app, '/flows/desk/menu/record', '[]')).statusCode, 400)
  t.equal((await app.inject({ url: '/flows/desk/menu/nothing' })).statusCode, 404, 'only callback segments are caught')
})
