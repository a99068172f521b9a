import t, { type Test } from 'tap'
import menuFlow from '../../flows/ivr-menu.js'
import { buildServer, type BuildServerOptions } from '../../src/server/index.js'
import { simulateCall, type SimulatedCall } from '../../src/testing/index.js'

// Whole calls of flows/ivr-menu.ts, played as Vonage plays them. Every NCCO is compared whole, and the stored step
// and context after each webhook.

const base = 'https://ivr.test/flows/ivr-menu'
const welcome = { action: 'talk', text: 'Welcome to Acme. For sales, press 1 or say sales. To leave a message, press 2 or say message.', bargeIn: true }
const menuInput = {
  action: 'input',
  type: ['dtmf', 'speech'],
  dtmf: { maxDigits: 1, timeOut: 5 },
  speech: { context: ['sales', 'message'] },
  eventUrl: [`${base}/menu/input`],
}
const menu = [welcome, menuInput]
const sorry = { action: 'talk', text: 'Sorry, I did not understand that.' }
const goodbye = { action: 'talk', text: 'Thank you for calling Acme. Goodbye.' }
const sales = [
  { action: 'talk', text: 'Connecting you to sales.' },
  {
    action: 'connect',
    endpoint: [{ type: 'phone', number: '447700900001' }],
    eventType: 'synchronous',
    timeout: 20,
    eventUrl: [`${base}/sales/connect`],
  },
]
const record = { action: 'record', beepStart: true, endOnKey: '#', eventUrl: [`${base}/voicemail/record`] }
const voicemail = [{ action: 'talk', text: 'Please leave a message after the tone, then press hash.' }, record, goodbye]

/** A server with the menu flow and the log lines it writes, closed when the test ends. */
async function start(t: Test, options: Partial<BuildServerOptions> = {}) {
  const logs: Record<string, unknown>[] = []
  const stream = { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }
  const app = await buildServer({ flows: [menuFlow], publicUrl: 'https://ivr.test', logger: { level: 'info', stream }, ...options })
  t.teardown(() => app.close())
  return { app, logs }
}

function stored(call: SimulatedCall) {
  return { step: call.step, retries: call.retries, ended: call.ended }
}

const active = (step: string, retries = 0) => ({ step, retries, ended: false })
/** A call that ended, hung up in `step` (a call keeps the step it was in). */
const ended = (step: string, retries = 0) => ({ step, retries, ended: true })

t.test('press 1: sales talk and a synchronous connect to the sales number', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  t.strictSame(await call.answer(), menu)
  t.strictSame(stored(call), active('menu'))
  t.strictSame(await call.press('1'), sales)
  t.strictSame(stored(call), active('sales'))
  t.strictSame(await call.connectEvent('ringing'), [], 'a leg that rings changes nothing')
  t.strictSame(await call.connectEvent('answered'), [], 'nor one that answers')
  t.strictSame(stored(call), active('sales'))
  t.strictSame(call.remaining, [sales[1]], 'Vonage stays in the connect while the legs talk')
  t.equal(await call.hangup(), undefined)
  t.strictSame(stored(call), ended('sales', 0))
  t.strictSame(call.history.map((h) => h.event), ['answer', 'input', 'connect:ringing', 'connect:answered', 'status:completed'])
  t.ok(call.history.filter((h) => h.event.startsWith('connect:')).every((h) => h.leg === call.legs[0]), 'leg events are kept with their leg')
})

for (const status of ['unanswered', 'busy', 'timeout', 'failed', 'rejected'] as const) {
  t.test(`the sales leg ends ${status}: voicemail, the recording reaches the handler, goodbye`, async (t) => {
    const { app, logs } = await start(t)
    const call = simulateCall(app, { flow: 'ivr-menu', from: '447700900222' })
    t.strictSame(await call.answer(), menu)
    t.strictSame(await call.press('1'), sales)
    t.strictSame(await call.connectFails(status), voicemail)
    // voicemail awaits nothing Vonage answers with an NCCO, so the call falls through to goodbye.
    t.strictSame(stored(call), active('goodbye'))
    t.strictSame(call.history.at(-1), { event: `connect:${status}`, at: call.requests.at(-1)?.payload.timestamp, leg: call.legs[0] })
    const recording = 'https://api.nexmo.com/v1/files/0d5c-voicemail'
    t.equal(await call.recordingDone({ recording_url: recording }), undefined, 'the record webhook gets a 204')
    t.strictSame(stored(call), active('goodbye'))
    t.strictSame(call.remaining, [goodbye])
    const line = logs.find((l) => l.msg === 'new voicemail')
    t.match(line, { recording, from: '447700900222', uuid: call.uuid, flow: 'ivr-menu', step: 'voicemail' }, 'the record handler ran')
    await call.finish()
    t.strictSame(stored(call), ended('goodbye', 0))
    t.equal(call.requests.at(-1)?.payload.disconnected_by, 'platform', 'Vonage hung up when the NCCO ran out')
  })
}

t.test('say "sales please": sales', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  t.strictSame(await call.say('sales please'), sales)
  t.strictSame(stored(call), active('sales'))
  t.strictSame(call.callRecord?.state.context.input, { digits: '', speech: [{ text: 'sales please', confidence: 0.9 }], timedOut: false })
})

t.test('say "I would like to leave a message": voicemail', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  t.strictSame(await call.say([{ text: 'I would like to leave a message', confidence: 0.8 }, { text: 'I would like to leave a massage', confidence: 0.4 }]), voicemail)
})

t.test('press 2: voicemail, then the caller hangs up before the recording arrives', async (t) => {
  const { app, logs } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  t.strictSame(await call.press('2'), voicemail)
  t.strictSame(stored(call), active('goodbye'))
  await call.hangup()
  t.strictSame(stored(call), ended('goodbye', 0))
  t.equal(await call.recordingDone(), undefined, 'Vonage posts the recording after the call ended')
  t.equal(logs.filter((l) => l.msg === 'new voicemail').length, 1, 'and the handler still runs')
  t.strictSame(call.history.map((h) => h.event), ['answer', 'input', 'status:completed', 'record'])
})

t.test('a timeout: the menu again, without "sorry"', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  t.strictSame(await call.silence(), menu)
  t.strictSame(stored(call), active('menu', 1))
  t.strictSame(call.callRecord?.state.context.input, { digits: '', speech: [], timedOut: true })
})

t.test('an unknown key: "sorry", then the menu again', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  t.strictSame(await call.press('9'), [sorry, ...menu])
  t.strictSame(stored(call), active('menu', 1))
  t.strictSame(await call.press('1'), sales, 'the menu still works after a miss')
  t.strictSame(stored(call), active('sales', 1))
})

t.test('three failed tries in a row: goodbye with no input, and the call ends', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  t.strictSame(await call.press('9'), [sorry, ...menu])
  t.strictSame(stored(call), active('menu', 1))
  t.strictSame(await call.silence(), menu)
  t.strictSame(stored(call), active('menu', 2))
  t.strictSame(await call.say('banana'), [sorry, goodbye], 'two retries used: the third miss goes to goodbye')
  t.strictSame(stored(call), active('goodbye', 2))
  await t.rejects(call.press('1'), { message: 'simulateCall: press() needs a pending input, and there is none: the NCCO Vonage runs is [talk, talk] and it is at [0]' })
  await call.finish()
  t.strictSame(stored(call), ended('goodbye', 2))
})

t.test('hangup ends the call; a late ringing after completed changes nothing', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  await call.event('started')
  await call.event('answered')
  await call.hangup()
  const after = ended('menu', 0)
  t.strictSame(stored(call), after)
  const record = call.callRecord
  // Sent before completed (its timestamp says so), delivered after it.
  const sentAt = call.requests.find((r) => r.payload.status === 'started')?.payload.timestamp
  t.equal(await call.event('ringing', { timestamp: sentAt }), undefined)
  t.strictSame(stored(call), after)
  t.strictSame(call.callRecord?.state, record?.state)
  t.strictSame(call.history.map((h) => h.event), ['answer', 'status:started', 'status:ringing', 'status:answered', 'status:completed'], 'history keeps it, in timestamp order')
  await call.retry()
  t.strictSame(call.callRecord?.history, call.history, 'the same event twice is kept once')
  t.equal(call.history.length, 5)
})

t.test('a retried input gets the identical NCCO and the retries do not advance twice', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  const first = await call.press('9')
  t.strictSame(first, [sorry, ...menu])
  t.strictSame(stored(call), active('menu', 1))
  const again = await call.retry()
  t.strictSame(again, first)
  t.strictSame(stored(call), active('menu', 1))
  t.equal(call.history.filter((h) => h.event === 'input').length, 1)
  t.strictSame(await call.silence(), menu, 'the next input counts from the first')
  t.strictSame(stored(call), active('menu', 2))
})

t.test('the menu over /answer and the GET form of every webhook', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { eventMethod: 'GET' })
  t.strictSame(await call.answer(), menu)
  t.match(call.requests[0], { method: 'GET', url: /^\/answer\?to=447700900000&from=447700900123&uuid=/ })
  await call.event('answered')
  t.match(call.requests[1], { method: 'GET', url: /^\/event\?/, statusCode: 204 })
  t.strictSame(await call.press('1'), sales)
  await call.hangup()
  t.strictSame(stored(call), ended('sales', 0))
})

t.test('a retried record webhook runs the voicemail handler once', async (t) => {
  const { app, logs } = await start(t)
  const call = simulateCall(app, { flow: menuFlow })
  await call.answer()
  await call.press('2')
  t.equal(await call.recordingDone(), undefined)
  t.equal(await call.retry(), undefined)
  t.equal(logs.filter((l) => l.msg === 'new voicemail').length, 1)
  t.strictSame(call.history.map((h) => h.event), ['answer', 'input', 'record'])
})

t.test('the caller hangs up while sales rings; the leg is cancelled after the call ended', async (t) => {
  const { app } = await start(t)
  const call = simulateCall(app, { flow: 'ivr-menu' })
  await call.answer()
  await call.press('1')
  await call.connectEvent('ringing')
  await call.hangup()
  t.strictSame(stored(call), ended('sales', 0))
  t.strictSame(call.remaining, [])
  t.strictSame(await call.connectFails('cancelled'), [], 'no voicemail for a caller who has gone')
  t.strictSame(stored(call), ended('sales', 0))
  t.strictSame(call.history.map((h) => h.event), ['answer', 'input', 'connect:ringing', 'status:completed', 'connect:cancelled'])
})
