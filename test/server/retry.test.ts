// DESIGN.md §6 rule 1: a retried NCCO request (same method, URL and body bytes) gets the identical NCCO, and the
// machine does not advance twice. Every step here loops back to itself and counts its visits, so a second advance
// would show in the counters, the stored version and the history.
import t, { type Test } from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { phone } from '../../src/ncco/index.js'
import { at, conv, testServer, validNcco } from './fixtures/app.js'

const counting = flow('retry', { context: { answers: 0, asks: 0, polls: 0, dials: 0 } }).steps({
  start: (s) => s
    .update(({ context }) => ({ answers: context.answers + 1 }))
    .talk(({ context }) => `Hello, visit ${context.answers}.`, { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'ask')
    .on({ dtmf: '2' }, 'poll')
    .on({ dtmf: '3' }, 'dial')
    .otherwise('start'),
  ask: (s) => s
    .update(({ context }) => ({ asks: context.asks + 1 }))
    .talk(({ context }) => `Ask number ${context.asks}.`, { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .otherwise('ask'),
  poll: (s) => s
    .update(({ context }) => ({ polls: context.polls + 1 }))
    .talk(({ context }) => `Poll number ${context.polls}.`)
    .notify({ poll: true })
    .goto(({ context }) => (context.polls > 100 ? 'start' : 'poll'), ['start', 'poll']),
  dial: (s) => s
    .update(({ context }) => ({ dials: context.dials + 1 }))
    .talk(({ context }) => `Dial number ${context.dials}.`)
    .connect(phone('447700900001'), { eventType: 'synchronous', timeout: 20 })
    .onFailure('dial'),
})

async function setup(t: Test) {
  return testServer(t, { flows: [counting] })
}

t.test('a retried answer gets the identical NCCO and creates the call once', async (t) => {
  const server = await setup(t)
  const body = { uuid: 'a1', conversation_uuid: conv('a1'), to: '447700900100', from: '447700900200' }
  const first = await server.post('/answer', body)
  const before = await server.stored('a1')
  const retry = await server.post('/answer', body)
  t.equal(retry.body, first.body, 'identical bytes')
  validNcco(t, retry)
  const after = await server.stored('a1')
  t.equal(after?.version, before?.version, 'nothing written')
  t.equal(after?.value.state.context.ctx.answers, 1, 'the first step ran once')
  t.equal(after?.value.history.length, 1)
  t.ok(server.logs.some((l) => l.msg?.includes('already answered') && l.uuid === 'a1'), 'the retry is logged')
})

t.test('a retried input gets the identical NCCO and advances the call once', async (t) => {
  const server = await setup(t)
  await server.answer('i1')
  const first = await server.input('retry', 'start', 'i1', '1')
  t.same(JSON.parse(first.body)[0], { action: 'talk', text: 'Ask number 1.', bargeIn: true })
  const looped = await server.input('retry', 'ask', 'i1', '9')
  t.same(JSON.parse(looped.body)[0], { action: 'talk', text: 'Ask number 2.', bargeIn: true })
  const before = await server.stored('i1')
  // The call is still on `ask`, so only the request key tells this retry from a new input.
  const retry = await server.input('retry', 'ask', 'i1', '9')
  t.equal(retry.body, looped.body, 'identical bytes')
  validNcco(t, retry)
  const after = await server.stored('i1')
  t.equal(after?.version, before?.version, 'nothing written')
  t.equal(after?.value.state.value, 'ask')
  t.equal(after?.value.state.context.ctx.asks, 2, 'ask ran twice, not three times')
  t.equal(after?.value.history.length, before?.value.history.length)
})

t.test('a retried GET input (same query) gets the identical NCCO', async (t) => {
  const server = await setup(t)
  await server.answer('g1')
  const query = { uuid: 'g1', conversation_uuid: conv('g1'), dtmf: { digits: '7', timed_out: false }, timestamp: at(10) }
  const first = await server.get('/flows/retry/start/input', query)
  const version = await server.version('g1')
  const retry = await server.get('/flows/retry/start/input', query)
  t.equal(retry.body, first.body)
  t.equal(await server.version('g1'), version)
  t.equal((await server.record('g1'))?.state.context.ctx.answers, 2, 'otherwise -> start ran once more, not twice')
})

t.test('a retried notify gets the identical NCCO and the goto runs once', async (t) => {
  const server = await setup(t)
  await server.answer('n1')
  await server.input('retry', 'start', 'n1', '2')
  const notify = { payload: { poll: true }, conversation_uuid: conv('n1'), timestamp: at(20) }
  const first = await server.post('/flows/retry/poll/notify', notify)
  t.same(JSON.parse(first.body)[0], { action: 'talk', text: 'Poll number 2.' })
  const before = await server.stored('n1')
  const retry = await server.post('/flows/retry/poll/notify', notify)
  t.equal(retry.body, first.body, 'identical bytes')
  validNcco(t, retry)
  const after = await server.stored('n1')
  t.equal(after?.version, before?.version, 'nothing written')
  t.equal(after?.value.state.context.ctx.polls, 2)
  t.equal(after?.value.history.length, before?.value.history.length)
})

t.test('a retried connect failure gets the identical NCCO and onFailure runs once', async (t) => {
  const server = await setup(t)
  await server.answer('c1')
  await server.input('retry', 'start', 'c1', '3')
  const failed = { uuid: 'leg-1', conversation_uuid: conv('c1'), status: 'timeout', timestamp: at(30) }
  const first = await server.post('/flows/retry/dial/connect', failed)
  t.same(JSON.parse(first.body)[0], { action: 'talk', text: 'Dial number 2.' })
  const before = await server.stored('c1')
  const retry = await server.post('/flows/retry/dial/connect', failed)
  t.equal(retry.body, first.body, 'identical bytes')
  validNcco(t, retry)
  const after = await server.stored('c1')
  t.equal(after?.version, before?.version, 'nothing written')
  t.equal(after?.value.state.context.ctx.dials, 2)
  t.equal(after?.value.history.length, before?.value.history.length)
})

t.test('a retried connect event that carries on gets [] again, not the call\'s last NCCO', async (t) => {
  const server = await setup(t)
  await server.answer('c2')
  await server.input('retry', 'start', 'c2', '3')
  const ringing = { uuid: 'leg-2', conversation_uuid: conv('c2'), status: 'ringing', timestamp: at(30) }
  const first = await server.post('/flows/retry/dial/connect', ringing)
  t.equal(first.body, '[]')
  const before = await server.stored('c2')
  t.same(before?.value.history.at(-1), { event: 'connect:ringing', at: ringing.timestamp, leg: 'leg-2' })
  const retry = await server.post('/flows/retry/dial/connect', ringing)
  t.equal(retry.statusCode, 200)
  t.equal(retry.body, '[]', 'the same answer the first attempt got')
  const after = await server.stored('c2')
  t.equal(after?.version, before?.version, 'nothing written')
  t.equal(after?.value.state.context.ctx.dials, 1)
})

t.test('a duplicate connect failure with different bytes gets the failure NCCO and does not advance', async (t) => {
  const server = await setup(t)
  await server.answer('c3')
  await server.input('retry', 'start', 'c3', '3')
  const failed = { uuid: 'leg-3', conversation_uuid: conv('c3'), status: 'busy', timestamp: at(30) }
  const first = await server.post('/flows/retry/dial/connect', failed)
  const version = await server.version('c3')
  const again = await server.post('/flows/retry/dial/connect', { ...failed, sip_code: 486 })
  t.equal(again.body, first.body)
  t.equal(await server.version('c3'), version)
  t.equal((await server.record('c3'))?.state.context.ctx.dials, 2)
})
