import t, { type Test } from 'tap'
import { flow, phone, type NormalizedPayment } from '../../src/index.js'
import { buildServer } from '../../src/server/index.js'
import { simulateCall } from '../../src/testing/index.js'

// Whole calls through the features a flow author reaches for first: remembering what matched, retries counted over
// the call, going on after a connected leg hangs up, a payment, any step name. Every NCCO is compared whole.

const base = 'https://ivr.test/flows/pizza'
const payments: NormalizedPayment[] = []

const pizza = flow('pizza', { context: { size: '', count: 0 } }).steps({
  size: (s) => s
    .talk('Small, medium or large?', { bargeIn: true })
    .input({ type: ['dtmf', 'speech'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1', speech: 'small' }, 'count', { update: { size: 'small' } })
    .on({ dtmf: '3', speech: 'large' }, 'count', { update: ({ call }) => ({ size: call.input?.digits === '3' ? 'large (3)' : 'large' }) })
    .otherwise('sorry'),
  count: (s) => s
    .talk(({ context }) => `How many ${context.size} pizzas? Then press hash.`, { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 2, submitOnHash: true } })
    .on({ dtmf: /^[1-9]$/ }, 'kitchen', { update: ({ call }) => ({ count: Number(call.input?.digits) }) })
    .otherwise('sorry'),
  sorry: (s) => s.talk(({ call }) => `Sorry (${call.retries + 1}).`).retry({ times: 2, then: 'ended' }),
  kitchen: (s) => s
    .connect(phone('447700900001'), { eventType: 'synchronous', timeout: 20 })
    .onFailure('ended')
    .goto('pay'),
  pay: (s) => s
    .pay(({ context }) => context.count * 10, { currency: 'gbp' }, (result) => {
      payments.push(result)
    })
    .goto('ended'),
  // A step may have any name a user can write, even one the machine could use for itself.
  ended: (s) => s.talk(({ context }) => `Goodbye, ${context.count} ${context.size}.`),
})

async function start(t: Test) {
  const app = await buildServer({ flows: [pizza], publicUrl: 'https://ivr.test' })
  t.teardown(() => app.close())
  return app
}

const sizePrompt = [
  { action: 'talk', text: 'Small, medium or large?', bargeIn: true },
  { action: 'input', type: ['dtmf', 'speech'], dtmf: { maxDigits: 1 }, eventUrl: [`${base}/size/input`] },
]
const countPrompt = (size: string) => [
  { action: 'talk', text: `How many ${size} pizzas? Then press hash.`, bargeIn: true },
  { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 2, submitOnHash: true }, eventUrl: [`${base}/count/input`] },
]
const kitchen = [
  { action: 'connect', endpoint: [{ type: 'phone', number: '447700900001' }], eventType: 'synchronous', timeout: 20, eventUrl: [`${base}/kitchen/connect`] },
  { action: 'notify', payload: { resumed: 'connect' }, eventUrl: [`${base}/kitchen/notify`] },
]

t.test('on(..., { update }) remembers what matched; the context is typed by the flow in the test kit', async (t) => {
  const app = await start(t)
  const call = simulateCall(app, { flow: pizza })
  t.strictSame(await call.answer(), sizePrompt)
  t.strictSame(await call.say('a large one please'), countPrompt('large'))
  const size: string | undefined = call.context?.size
  t.equal(size, 'large')
  t.strictSame(await call.press('2#'), kitchen)
  t.strictSame([call.step, call.context], ['kitchen', { size: 'large', count: 2 }])
  const digits = simulateCall(app, { flow: pizza })
  await digits.answer()
  t.strictSame(await digits.press('3'), countPrompt('large (3)'), 'a function of the call sees the input that matched')
  const small = simulateCall(app, { flow: 'pizza' })
  await small.answer()
  t.strictSame(await small.press('1'), countPrompt('small'))
})

t.test('retry() goes back to the question being asked, counting over the call, then on', async (t) => {
  const app = await start(t)
  const call = simulateCall(app, { flow: pizza })
  await call.answer()
  t.strictSame(await call.press('7'), [{ action: 'talk', text: 'Sorry (1).' }, ...sizePrompt], 'back to size')
  t.strictSame(await call.press('1'), countPrompt('small'))
  t.strictSame(await call.press('0#'), [{ action: 'talk', text: 'Sorry (2).' }, ...countPrompt('small')], 'back to count, the question it was asked last')
  t.equal(call.retries, 2)
  t.strictSame(await call.press('99#'), [{ action: 'talk', text: 'Sorry (3).' }, { action: 'talk', text: 'Goodbye, 0 small.' }], 'retries used up: on to then')
  t.strictSame([call.step, call.retries], ['ended', 2])
  await call.finish()
  t.strictSame([call.step, call.ended], ['ended', true], 'a step named ended ends like any other')
})

t.test('after the connected leg hangs up, the call goes on with the step\'s goto; a payment reaches its handler', async (t) => {
  payments.length = 0
  const app = await start(t)
  const call = simulateCall(app, { flow: pizza })
  await call.answer()
  await call.press('1')
  t.strictSame(await call.press('3#'), kitchen)
  t.strictSame(await call.connectEvent('answered'), [])
  t.strictSame(await call.connectEvent('completed'), [], 'the kitchen hung up: Vonage goes on to the notify')
  t.strictSame(await call.notified(), [
    { action: 'pay', amount: 30, currency: 'gbp', eventUrl: [`${base}/pay/pay`] },
    { action: 'talk', text: 'Goodbye, 3 small.' },
  ])
  t.equal(call.step, 'ended')
  t.equal(await call.paymentDone('success'), undefined, 'the pay callback answers 204')
  await app.nccoflow.runtime.drain()
  t.match(payments, [{ status: 'success', uuid: call.uuid, conversation_uuid: call.conversationUuid }])
  const bad = await app.inject({ method: 'POST', url: '/flows/pizza/pay/pay', payload: { status: 'success' } })
  t.equal(bad.statusCode, 400, 'a payment result with no call id is refused')
  t.match(bad.json(), { code: 'NCCOFLOW_ERR_WEBHOOK_INVALID', message: /uuid/ })
})

t.test('a connect that fails still goes to onFailure; its notify is never reached', async (t) => {
  const app = await start(t)
  const call = simulateCall(app, { flow: pizza })
  await call.answer()
  await call.press('1')
  await call.press('1#')
  t.strictSame(await call.connectFails('busy'), [{ action: 'talk', text: 'Goodbye, 1 small.' }])
})

t.test('a notify sent again in other bytes with the same Vonage timestamp does not advance the call', async (t) => {
  const notified: unknown[] = []
  const poller = flow('poller', { context: { polls: 0 } }).steps({
    poll: (s) => s
      .update(({ context }) => ({ polls: context.polls + 1 }))
      .talk(({ context }) => `Poll ${context.polls}.`)
      .notify({ poll: true }, {}, (payload) => notified.push(payload.payload))
      .goto('poll'),
  })
  const app = await buildServer({ flows: [poller], publicUrl: 'https://ivr.test' })
  t.teardown(() => app.close())
  const call = simulateCall(app, { flow: poller })
  const notify = { action: 'notify', payload: { poll: true }, eventUrl: ['https://ivr.test/flows/poller/poll/notify'] }
  t.strictSame(await call.answer(), [{ action: 'talk', text: 'Poll 1.' }, notify])
  const first = await call.notified()
  t.strictSame(first, [{ action: 'talk', text: 'Poll 2.' }, notify])
  const sent = call.requests.at(-1)
  // The same notify, its keys in another order and spaced out: other bytes, the same Vonage timestamp.
  const again = await app.inject({
    method: 'POST',
    url: '/flows/poller/poll/notify',
    headers: { 'content-type': 'application/json' },
    payload: ` ${JSON.stringify({ timestamp: sent?.payload.timestamp, payload: { poll: true }, conversation_uuid: call.conversationUuid }, null, 2)}`,
  })
  t.strictSame(again.json(), first, 'the duplicate gets what the first got')
  await app.nccoflow.runtime.drain()
  await call.refresh()
  t.strictSame(call.context, { polls: 2 }, 'the call advanced once')
  t.equal(call.history.filter((h) => h.event === 'notify').length, 1)
  t.strictSame(notified, [{ poll: true }], 'the handler ran once')
  t.strictSame(await call.notified(), [{ action: 'talk', text: 'Poll 3.' }, notify], 'a new notify (a later timestamp) advances')
})
