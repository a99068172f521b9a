// DESIGN.md §6 rule 2: events arrive late, twice or out of order. A finished call stays finished, a `ringing`
// after `completed` changes nothing but is kept in history by its timestamp, and callbacks for a step the call has
// left, or for a call that has ended, do not move it.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { at, conv, testServer, validNcco } from './fixtures/app.js'

const menu = flow('order', { context: { visits: 0 } }).steps({
  menu: (s) => s
    .talk('Press 1.', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'next')
    .otherwise('menu'),
  next: (s) => s
    .update(({ context }) => ({ visits: context.visits + 1 }))
    .talk(({ context }) => `Next, visit ${context.visits}.`)
    .notify({ step: 'next' })
    .goto('done'),
  done: (s) => s.talk('Done.'),
})

t.test('a duplicate status event adds one history entry', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('d1')
  const first = await server.status('d1', 'answered', at(1))
  t.equal(first.statusCode, 204)
  const version = await server.version('d1')
  t.equal((await server.record('d1'))?.history.length, 2)
  // A retry (same bytes) and a copy with other bytes but the same status and timestamp.
  t.equal((await server.status('d1', 'answered', at(1))).statusCode, 204)
  t.equal((await server.status('d1', 'answered', at(1), { network: null, start_time: null })).statusCode, 204)
  t.strictSame((await server.record('d1'))?.history.map((h) => h.event), ['answer', 'status:answered'])
  t.equal(await server.version('d1'), version, 'duplicates write nothing')
})

t.test('a ringing after completed keeps the call ended and its step, and is kept in history by timestamp', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('r1')
  await server.status('r1', 'started', at(1))
  await server.status('r1', 'completed', at(5), { duration: '4', disconnected_by: 'user' })
  const ended = await server.record('r1')
  t.equal(ended?.ended, true)
  t.equal(ended?.state.value, 'menu', 'a call that ended keeps the step it was in')
  // Delivered last, stamped before `completed`.
  t.equal((await server.status('r1', 'ringing', at(2))).statusCode, 204)
  const after = await server.record('r1')
  t.equal(after?.ended, true, 'still ended')
  t.equal(after?.state.value, ended?.state.value, 'step unchanged')
  t.strictSame(after?.state, ended?.state)
  t.strictSame(after?.history, [
    ended?.history[0],
    { event: 'status:started', at: at(1) },
    { event: 'status:ringing', at: at(2) },
    { event: 'status:completed', at: at(5) },
  ])
  // A second terminal status (an out-of-order `timeout` of the same leg) does not end the call again.
  await server.status('r1', 'answered', at(3))
  const answered = await server.record('r1')
  t.equal(answered?.ended, true)
  t.equal(answered?.state.value, 'menu')
})

t.test('an input for a step the call has left gets the last NCCO and does not advance', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('s1')
  const moved = await server.input('order', 'menu', 's1', '1')
  const before = await server.stored('s1')
  t.equal(before?.value.state.value, 'next')
  // A late input for `menu` with other bytes (not a retry): the call is on `next` now.
  const late = await server.input('order', 'menu', 's1', '2', { timestamp: at(11) })
  t.equal(late.body, moved.body, 'the last NCCO')
  validNcco(t, late)
  const after = await server.stored('s1')
  t.equal(after?.version, before?.version, 'nothing written')
  t.strictSame(after?.value.state, before?.value.state)
  t.ok(server.logs.some((l) => l.msg?.includes('step the call has left') && l.uuid === 's1' && l.step === 'menu'), 'logged as a warning')
})

t.test('a notify for a step the call has left gets the last NCCO', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('s2')
  await server.input('order', 'menu', 's2', '1')
  const done = await server.post('/flows/order/next/notify', { payload: { step: 'next' }, conversation_uuid: conv('s2'), timestamp: at(20) })
  t.same(JSON.parse(done.body), [{ action: 'talk', text: 'Done.' }])
  const version = await server.version('s2')
  const late = await server.post('/flows/order/next/notify', { payload: { step: 'next' }, conversation_uuid: conv('s2'), timestamp: at(21) })
  t.equal(late.body, done.body)
  t.equal(await server.version('s2'), version)
})

t.test('a callback after the call ended gets [] and changes nothing', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('e1')
  await server.status('e1', 'completed', at(3))
  const before = await server.stored('e1')
  const input = await server.input('order', 'menu', 'e1', '1')
  t.equal(input.statusCode, 200)
  t.match(input.headers['content-type'], /^application\/json/)
  t.equal(input.body, '[]')
  const notify = await server.post('/flows/order/next/notify', { payload: {}, conversation_uuid: conv('e1'), timestamp: at(4) })
  t.equal(notify.body, '[]')
  const after = await server.stored('e1')
  t.equal(after?.version, before?.version)
  t.strictSame(after?.value, before?.value)
})

t.test('events of another leg are kept with the leg and do not end the call', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('l1')
  await server.post('/event', { uuid: 'other-leg', conversation_uuid: conv('l1'), status: 'completed', timestamp: at(2) })
  const record = await server.record('l1')
  t.equal(record?.ended, false)
  t.equal(record?.state.value, 'menu')
  t.strictSame(record?.history.at(-1), { event: 'status:completed', at: at(2), leg: 'other-leg' })
})

t.test('non-status events are kept in history under their kind', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('k1')
  t.equal((await server.post('/event', { reason: 'Syntax error in NCCO.', conversation_uuid: conv('k1'), timestamp: at(1) })).statusCode, 204)
  t.equal((await server.post('/event', { type: 'transfer', conversation_uuid_from: conv('k1'), conversation_uuid_to: 'CON-x', uuid: 'k1', timestamp: at(2) })).statusCode, 204)
  t.strictSame((await server.record('k1'))?.history.slice(1).map((h) => h.event), ['error', 'transfer'])
  t.ok(server.logs.some((l) => l.level === 40 && l.uuid === 'k1' && l.reason === 'Syntax error in NCCO.'), 'a Vonage error is a warning')
})

t.test('an event without a timestamp is stamped on arrival', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('n1')
  await server.post('/event', { uuid: 'n1', status: 'answered' })
  const entry = (await server.record('n1'))?.history.find((h) => h.event === 'status:answered')
  t.ok(entry !== undefined && !Number.isNaN(Date.parse(entry.at)))
})

t.test('an event for a call this server does not know is ignored', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  t.equal((await server.status('nobody', 'answered', at(1))).statusCode, 204)
  t.equal(server.store.size, 0)
})
