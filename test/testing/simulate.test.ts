import t, { type Test } from 'tap'
import { flow, phone, type NccoAction } from '../../src/index.js'
import { buildServer } from '../../src/server/index.js'
import { simulateCall, type SimulatorApp } from '../../src/testing/index.js'

// The simulator itself, against small flows that use each kind of callback, and against a fake app for answers no
// nccoflow server gives.

const base = 'https://ivr.test/flows'
const recordings: Record<string, unknown>[] = []

const kit = flow('kit', { context: { tries: 0 } }).steps({
  menu: (s) => s
    .talk('Pick one.', { bargeIn: true })
    .input({ type: ['dtmf', 'speech'], dtmf: { maxDigits: 2, submitOnHash: true }, eventMethod: 'GET' })
    .on({ dtmf: '1' }, 'sync')
    .on({ dtmf: '2' }, 'bridge')
    .on({ dtmf: '3' }, 'ping')
    .on({ dtmf: '4' }, 'taping')
    .on({ dtmf: '5', speech: 'notify me' }, 'pinged')
    .otherwise('again'),
  again: (s) => s
    .update(({ context }) => ({ tries: context.tries + 1 }))
    .goto('menu'),
  sync: (s) => s
    .connect(phone('447700900001'), { eventType: 'synchronous', from: '447700900999' })
    .onFailure('bye'),
  bridge: (s) => s
    .connect(phone('447700900002'))
    .talk('The other side hung up.'),
  ping: (s) => s
    .notify({ order: 42 }),
  pinged: (s) => s
    .notify({ order: 43 }, { eventMethod: 'GET' })
    .goto('bye'),
  taping: (s) => s
    .record({ eventMethod: 'GET' }, (recording) => {
      recordings.push({ ...recording })
    })
    .talk('Recording. Press a key.')
    .input({ type: ['dtmf'] })
    .otherwise('bye'),
  bye: (s) => s.talk('Bye.'),
})

const pick = { action: 'talk', text: 'Pick one.', bargeIn: true }
const menuInput = { action: 'input', type: ['dtmf', 'speech'], dtmf: { maxDigits: 2, submitOnHash: true }, eventMethod: 'GET', eventUrl: [`${base}/kit/menu/input`] }
const bye = { action: 'talk', text: 'Bye.' }

async function server(t: Test) {
  const app = await buildServer({ flows: [kit], publicUrl: 'https://ivr.test' })
  t.teardown(() => app.close())
  return app
}

/** A clock that stands still, so every timestamp is the last one plus 1 ms. */
const still = () => Date.parse('2030-01-01T00:00:00.000Z')

t.test('answer: GET /flows/<flow>/answer with the call in the query; ids, step and context after it', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit', uuid: 'leg-1', conversationUuid: 'CON-1', from: '447700900111', to: '447700900000' })
  t.equal(call.step, undefined)
  t.strictSame(call.ncco, [])
  t.strictSame(await call.answer({ custom_data: { vip: true } }), [pick, menuInput])
  t.strictSame(call.requests, [{
    method: 'GET',
    url: '/flows/kit/answer?to=447700900000&from=447700900111&uuid=leg-1&conversation_uuid=CON-1&region_url=https%3A%2F%2Fapi-eu-1.nexmo.com&custom_data=%7B%22vip%22%3Atrue%7D',
    payload: { to: '447700900000', from: '447700900111', uuid: 'leg-1', conversation_uuid: 'CON-1', region_url: 'https://api-eu-1.nexmo.com', custom_data: { vip: true } },
    statusCode: 200,
    response: [pick, menuInput],
    retry: false,
  }])
  t.strictSame([call.uuid, call.conversationUuid, call.from, call.to], ['leg-1', 'CON-1', '447700900111', '447700900000'])
  t.strictSame(call.ncco, [pick, menuInput])
  t.strictSame(call.remaining, [pick, menuInput])
  t.strictSame([call.step, call.context, call.ended], ['menu', { tries: 0 }, false])
  t.strictSame(call.callRecord?.call, { uuid: 'leg-1', conversationUuid: 'CON-1', from: '447700900111', to: '447700900000' })
  await t.rejects(call.answer(), { message: 'simulateCall: answer() was already sent: use retry() to send it again, as Vonage does when the answer is late' })
})

t.test('answer over POST to a given URL; fresh uuids for every call', async (t) => {
  const app = await server(t)
  const one = simulateCall(app, { answerUrl: '/answer', answerMethod: 'POST' })
  const two = simulateCall(app)
  t.strictSame(await one.answer(), [pick, menuInput])
  t.match(one.requests[0], { method: 'POST', url: '/answer', payload: { uuid: one.uuid } })
  t.not(one.uuid, two.uuid)
  t.not(one.conversationUuid, two.conversationUuid)
  t.match(one.conversationUuid, /^CON-[0-9a-f-]{36}$/)
})

t.test('press, say and silence use the GET form the input asks for: dtmf and speech as JSON text', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit', uuid: 'leg-2', conversationUuid: 'CON-2', now: still })
  await call.answer()
  t.strictSame(await call.press('9'), [pick, menuInput])
  t.strictSame(call.requests[1], {
    method: 'GET',
    url: '/flows/kit/menu/input?speech=%7B%22results%22%3A%5B%5D%7D&dtmf=%7B%22digits%22%3A%229%22%2C%22timed_out%22%3Atrue%7D&from=447700900123&to=447700900000&uuid=leg-2&conversation_uuid=CON-2&timestamp=2030-01-01T00%3A00%3A00.001Z',
    payload: {
      speech: { results: [] },
      dtmf: { digits: '9', timed_out: true },
      from: '447700900123', to: '447700900000', uuid: 'leg-2', conversation_uuid: 'CON-2', timestamp: '2030-01-01T00:00:00.001Z',
    },
    statusCode: 200,
    response: [pick, menuInput],
    retry: false,
  }, 'fewer keys than maxDigits: timed out waiting for more')
  t.strictSame(call.context, { tries: 1 })
  await call.press('99')
  t.strictSame(call.requests[2]?.payload.dtmf, { digits: '99', timed_out: false }, 'maxDigits reached')
  await call.say([{ text: 'nothing', confidence: 0.5 }, { text: 'nutting' }])
  t.strictSame(call.requests[3]?.payload.speech, { results: [{ text: 'nothing', confidence: '0.5' }, { text: 'nutting', confidence: '0.9' }], timeout_reason: 'end_on_silence_timeout' })
  t.strictSame(call.requests[3]?.payload.dtmf, { digits: null, timed_out: false })
  await call.silence()
  t.strictSame(call.requests[4]?.payload.speech, { results: [], timeout_reason: 'start_timeout' })
  t.strictSame(call.requests[4]?.payload.dtmf, { digits: '', timed_out: true })
  t.strictSame(call.context, { tries: 4 })
  t.strictSame(call.requests.map((r) => r.payload.timestamp), [undefined, ...[1, 2, 3, 4].map((ms) => `2030-01-01T00:00:00.00${ms}Z`)], 'timestamps increase even when the clock stands still')
  t.strictSame(await call.press('5#'), [{ action: 'notify', payload: { order: 43 }, eventMethod: 'GET', eventUrl: [`${base}/kit/pinged/notify`] }])
  t.strictSame(call.requests.at(-1)?.payload.dtmf, { digits: '5', timed_out: false }, 'submitted with #, which Vonage leaves out of digits')
})

t.test('press with submitOnHash: the # ends the input and is not in digits, as Vonage sends it', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit', uuid: 'leg-hash', conversationUuid: 'CON-hash', now: still })
  await call.answer()
  t.strictSame(await call.press('3#'), [{ action: 'notify', payload: { order: 42 }, eventUrl: [`${base}/kit/ping/notify`] }], 'the flow matched "3"')
  t.strictSame(call.requests.at(-1)?.payload, {
    speech: { results: [] },
    dtmf: { digits: '3', timed_out: false },
    from: '447700900123', to: '447700900000', uuid: 'leg-hash', conversation_uuid: 'CON-hash', timestamp: '2030-01-01T00:00:00.001Z',
  })
  const hashOnly = simulateCall(app, { flow: 'kit', now: still })
  await hashOnly.answer()
  t.strictSame(await hashOnly.press('#'), [pick, menuInput], '# alone submits no digits')
  t.strictSame(hashOnly.requests.at(-1)?.payload.dtmf, { digits: '', timed_out: false })
  await t.rejects(hashOnly.press('12#3'), { message: `simulateCall: press("12#3"): the input at [1] (eventUrl ${base}/kit/menu/input) submits on #, so keys after the # reach what comes next: press them in another call` })
  t.equal(hashOnly.requests.length, 2, 'nothing sent')
})

t.test('press without submitOnHash: # is a key like the others', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit', now: still })
  await call.answer()
  await call.press('4')
  t.strictSame(await call.press('1#'), [bye])
  t.strictSame(call.requests.at(-1)?.payload.dtmf, { digits: '1#', timed_out: true }, 'fewer than the 4 digits Vonage waits for by default')
})

t.test('retry sends the last request byte for byte and Vonage runs what the retry gets', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit' })
  await t.rejects(call.retry(), { message: 'simulateCall: retry() before any request: there is nothing to send again' })
  const answered = await call.answer()
  t.strictSame(await call.retry(), answered, 'a retried answer gets the same NCCO')
  t.strictSame(call.ncco, answered)
  const first = await call.say('notify me')
  const again = await call.retry()
  t.strictSame(again, first)
  t.strictSame(call.ncco, first)
  const [sent, resent] = call.requests.slice(-2)
  t.strictSame({ ...resent, retry: false }, sent, 'same method, URL (with the query), payload and response')
  t.equal(resent?.retry, true)
  t.strictSame(call.history.map((h) => h.event), ['answer', 'input'])
  t.equal(call.step, 'pinged')
})

t.test('a synchronous connect: a new leg on the same conversation; failures replace the NCCO', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit' })
  await call.answer()
  const connect = { action: 'connect', endpoint: [{ type: 'phone', number: '447700900001' }], eventType: 'synchronous', from: '447700900999', eventUrl: [`${base}/kit/sync/connect`] }
  t.strictSame(await call.press('1#'), [connect])
  t.strictSame(await call.connectEvent('ringing'), [])
  t.strictSame(call.remaining, [connect], 'Vonage stays in the connect')
  await t.rejects(call.connectFails('answered' as never), { message: 'simulateCall: connectFails() takes unanswered, busy, timeout, failed, rejected, cancelled; got "answered": use connectEvent() for other statuses' })
  t.strictSame(await call.connectFails('busy', { sip_code: 486 }), [bye])
  t.equal(call.legs.length, 1)
  const [ringing, busy] = call.requests.slice(-2).map((r) => r.payload)
  t.strictSame(busy, { from: '447700900999', to: '447700900001', uuid: call.legs[0], conversation_uuid: call.conversationUuid, status: 'busy', direction: 'outbound', timestamp: busy?.timestamp, sip_code: 486 })
  t.equal(ringing?.uuid, busy?.uuid, 'one leg per connect')
  t.not(busy?.uuid, call.uuid)
  t.equal(call.step, 'bye')
  await t.rejects(call.connectFails('busy'), { message: 'simulateCall: connectEvent() needs a pending connect, and there is none: the NCCO Vonage runs is [talk] and it is at [0]' })
})

t.test('a connect that is not synchronous: its events carry on, Vonage leaves it when the leg completes', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit' })
  await call.answer()
  const connect = { action: 'connect', endpoint: [{ type: 'phone', number: '447700900002' }], eventUrl: [`${base}/kit/bridge/connect`] }
  const after = { action: 'talk', text: 'The other side hung up.' }
  t.strictSame(await call.press('2#'), [connect, after])
  t.strictSame(await call.connectEvent('answered'), [], 'the server answers [] and Vonage ignores it')
  t.strictSame(call.remaining, [connect, after])
  t.strictSame(call.requests.at(-1)?.payload.from, call.to, 'the leg calls from the number called when connect has no from')
  t.strictSame(await call.connectEvent('completed'), [])
  t.strictSame(call.remaining, [after])
  t.strictSame(call.ncco, [connect, after])
})

t.test('notify: an empty answer carries on after the notify', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit' })
  await call.answer()
  const notify = { action: 'notify', payload: { order: 42 }, eventUrl: [`${base}/kit/ping/notify`] }
  t.strictSame(await call.press('3#'), [notify])
  await t.rejects(call.press('1'), { message: `simulateCall: press() needs a pending input, but Vonage waits at the notify at [0] (eventUrl ${base}/kit/ping/notify) before any` })
  t.strictSame(await call.notified(), [])
  t.strictSame(call.requests.at(-1)?.payload, { payload: { order: 42 }, conversation_uuid: call.conversationUuid, timestamp: call.requests.at(-1)?.payload.timestamp })
  t.strictSame(call.ncco, [notify])
  t.strictSame(call.remaining, [])
  await t.rejects(call.notified(), { message: 'simulateCall: notified() needs a pending notify, and there is none: the NCCO Vonage runs is [notify] and it has finished' })
})

t.test('notify over GET: the response NCCO replaces the rest', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit' })
  await call.answer()
  await call.say('notify me')
  t.strictSame(await call.notified(), [bye])
  t.match(call.requests.at(-1), { method: 'GET', url: /^\/flows\/kit\/pinged\/notify\?payload=%7B%22order%22%3A43%7D&conversation_uuid=CON-/ })
  t.strictSame(call.remaining, [bye])
})

t.test('an asynchronous record keeps reporting after Vonage moved on; recordingDone posts it (GET form)', async (t) => {
  recordings.length = 0
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit', now: still })
  await call.answer()
  const record = { action: 'record', eventMethod: 'GET', eventUrl: [`${base}/kit/taping/record`] }
  const taping = [record, { action: 'talk', text: 'Recording. Press a key.' }, { action: 'input', type: ['dtmf'], eventUrl: [`${base}/kit/taping/input`] }]
  t.strictSame(await call.press('4#'), taping)
  await t.rejects(call.say('hello'), { message: `simulateCall: say() needs an input that takes speech, but the input at [2] (eventUrl ${base}/kit/taping/input) takes dtmf` })
  t.strictSame(await call.press('1'), [bye])
  t.strictSame(call.remaining, [bye])
  t.equal(await call.recordingDone({ size: 999 }), undefined)
  const sent = call.requests.at(-1)
  t.match(sent, { method: 'GET', url: /^\/flows\/kit\/taping\/record\?start_time=/, statusCode: 204, response: undefined })
  t.strictSame(Object.keys(sent?.payload ?? {}), ['start_time', 'recording_url', 'size', 'recording_uuid', 'end_time', 'conversation_uuid', 'timestamp'])
  t.match(sent?.payload, { recording_url: /^https:\/\/api\.nexmo\.com\/v1\/files\/[0-9a-f-]{36}$/, size: 999, recording_uuid: /^[0-9a-f-]{36}$/, conversation_uuid: call.conversationUuid })
  t.ok(String(sent?.payload.start_time) < String(sent?.payload.end_time), 'the recording ends after it starts')
  t.equal(sent?.payload.end_time, sent?.payload.timestamp)
  t.equal(recordings.length, 1, 'the flow handler ran before recordingDone resolved')
  t.match(recordings[0], { recording_url: sent?.payload.recording_url, size: 999 })
  await t.rejects(call.recordingDone(), { message: 'simulateCall: recordingDone() needs a pending record, and there is none: the NCCO Vonage runs is [talk] and it is at [0]' })
})

t.test('event, hangup and finish go to the application event URL', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit', now: still })
  await t.rejects(call.event('answered'), { message: 'simulateCall: event() before answer(): the call has not started' })
  await t.rejects(call.hangup(), { message: 'simulateCall: hangup() before answer(): the call has not started' })
  await t.rejects(call.finish(), { message: 'simulateCall: finish() before answer(): the call has not started' })
  await t.rejects(call.press('1'), { message: 'simulateCall: press() before answer(): the call has not started' })
  await call.answer()
  t.equal(await call.event('answered', { start_time: null }), undefined)
  t.strictSame(call.requests.at(-1)?.payload, {
    from: call.from, to: call.to, uuid: call.uuid, conversation_uuid: call.conversationUuid, status: 'answered', direction: 'inbound',
    timestamp: '2030-01-01T00:00:00.001Z', start_time: null,
  })
  await t.rejects(call.finish(), { message: `simulateCall: finish(): Vonage would not reach the end of the NCCO, it waits at the input at [1] (eventUrl ${base}/kit/menu/input)` })
  await call.hangup({ network: 'GB-FIXED' })
  t.strictSame(call.requests.at(-1)?.payload, {
    from: call.from, to: call.to, uuid: call.uuid, conversation_uuid: call.conversationUuid, status: 'completed', direction: 'inbound',
    timestamp: '2030-01-01T00:00:00.002Z', start_time: '2030-01-01T00:00:00.000Z', end_time: '2030-01-01T00:00:00.002Z', duration: '0',
    disconnected_by: 'user', network: 'GB-FIXED',
  })
  t.strictSame([call.step, call.ended], ['menu', true])
  t.strictSame(call.remaining, [])
  t.strictSame(await call.press('1'), [], 'an input that arrives after completed: the server carries on')
  t.strictSame([call.step, call.ended, call.context], ['menu', true, { tries: 0 }])
  await t.rejects(call.press('1'), { message: 'simulateCall: press() needs a pending input, and there is none: the NCCO Vonage runs is [talk, input] and it has finished' })
})

t.test('the event URL and method are options', async (t) => {
  const app = await server(t)
  const call = simulateCall(app, { flow: 'kit', eventUrl: '/event?source=test', eventMethod: 'GET' })
  await call.answer()
  await call.event('ringing', { start_time: null, network: undefined })
  t.match(call.requests.at(-1), { method: 'GET', url: /^\/event\?source=test&from=.*&status=ringing&direction=inbound&timestamp=[^&]+&start_time=$/, statusCode: 204 })
})

t.test('a server under a route prefix: the application URLs are options, callbacks follow the NCCOs', async (t) => {
  const app = await buildServer({ flows: [kit], publicUrl: 'https://ivr.test', prefix: '/vonage' })
  t.teardown(() => app.close())
  const call = simulateCall(app, { answerUrl: '/vonage/flows/kit/answer', eventUrl: '/vonage/event' })
  t.strictSame(await call.answer(), [pick, { ...menuInput, eventUrl: ['https://ivr.test/vonage/flows/kit/menu/input'] }])
  t.strictSame(await call.press('3#'), [{ action: 'notify', payload: { order: 42 }, eventUrl: ['https://ivr.test/vonage/flows/kit/ping/notify'] }])
  await call.hangup()
  t.strictSame(call.requests.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.statusCode}`), [
    'GET /vonage/flows/kit/answer 200',
    'GET /vonage/flows/kit/menu/input 200',
    'POST /vonage/event 204',
  ])
  t.equal(call.ended, true)
})

t.test('errors that say what is wrong', async (t) => {
  const app = await server(t)
  t.throws(() => simulateCall({} as SimulatorApp), { message: 'simulateCall: the app has no nccoflow runtime: pass a server built with buildServer(), or one that registered the nccoflow plugin' })
  t.throws(() => simulateCall(app, { flow: 'nope' }), { message: 'simulateCall: unknown flow "nope": the app serves "kit"' })
  const call = simulateCall(app, { flow: 'kit' })
  await call.answer()
  await t.rejects(call.press('1a'), { message: 'simulateCall: press() takes keys 0-9, * and #, got "1a"' })
  await t.rejects(call.say(''), { message: 'simulateCall: say() takes some words: use silence() for a caller who says nothing' })
  await t.rejects(call.say([]), { message: 'simulateCall: say() takes some words: use silence() for a caller who says nothing' })
  await t.rejects(call.recordingDone(), { message: `simulateCall: recordingDone() needs a pending record, but Vonage waits at the input at [1] (eventUrl ${base}/kit/menu/input) before any` })
  await t.rejects(call.event(''), { message: /^simulateCall: POST \/event answered 400: .*status/ })
  t.match(call.requests.at(-1), { statusCode: 400, url: '/event' }, 'a failed request is listed too')
})

/** A stand-in app that answers requests with canned replies in turn (the last one again and again). */
function fakeApp(...replies: { statusCode?: number; body: string; type?: string }[]): SimulatorApp {
  let next = 0
  return {
    inject: async () => {
      const reply = replies[Math.min(next++, replies.length - 1)] ?? { body: '' }
      return { statusCode: reply.statusCode ?? 200, body: reply.body, headers: reply.type === undefined ? {} : { 'content-type': reply.type } }
    },
    nccoflow: { runtime: { findCall: async () => undefined, flows: new Map(), drain: async () => {} } },
  }
}

const json = 'application/json; charset=utf-8'

t.test('what Vonage would refuse: no JSON, not an array, an empty or invalid NCCO', async (t) => {
  await t.rejects(simulateCall(fakeApp({ body: '<Response/>', type: 'text/xml' })).answer(), { message: 'simulateCall: GET /answer answered text/xml where Vonage needs an NCCO (a JSON array served as application/json)' })
  await t.rejects(simulateCall(fakeApp({ body: '' })).answer(), { message: 'simulateCall: GET /answer answered no body where Vonage needs an NCCO (a JSON array served as application/json)' })
  await t.rejects(simulateCall(fakeApp({ body: '{"action":"talk"}', type: json })).answer(), { message: /needs an NCCO/ })
  await t.rejects(simulateCall(fakeApp({ body: '[{"action":"talk"}]', type: json })).answer(), { message: /^simulateCall: GET \/answer answered an NCCO Vonage would reject: \[0(,"text")?\]/ })
  await t.rejects(simulateCall(fakeApp({ statusCode: 500, body: 'boom' })).answer(), { message: 'simulateCall: GET /answer answered 500: boom' })
  const app = fakeApp({ body: '[]', type: json })
  const call = simulateCall(app)
  t.strictSame(await call.answer(), [], 'an empty NCCO is returned as it came')
  t.equal(call.step, undefined, 'a call the store does not know has no step')
  t.strictSame([call.context, call.history, call.ended, call.callRecord], [undefined, [], false, undefined])
})

t.test('an action without eventUrl reports to the event URL, whose answer Vonage does not run', async (t) => {
  const talk = { action: 'talk', text: 'Press a key.' }
  const input = { action: 'input', type: ['dtmf'] }
  const app = fakeApp({ body: JSON.stringify([talk, input]), type: json })
  const call = simulateCall(app, { eventMethod: 'GET' })
  t.strictSame(await call.answer(), [talk, input])
  t.strictSame(await call.press('1'), [talk, input], 'what the server answered is returned')
  t.match(call.requests.at(-1), { method: 'GET', url: /^\/event\?dtmf=/ })
  t.strictSame(call.ncco, [talk, input], 'but Vonage carries on after the input instead')
  t.strictSame(call.remaining, [])
})

t.test('an empty answer to a notify that is not last: Vonage runs the actions after it', async (t) => {
  const ncco = [{ action: 'notify', payload: {}, eventUrl: ['https://ivr.test/hook'] }, { action: 'talk', text: 'Still here.' }]
  const call = simulateCall(fakeApp({ body: JSON.stringify(ncco), type: json }, { body: '[]', type: json }))
  await call.answer()
  t.strictSame(await call.notified(), [])
  t.strictSame(call.remaining, [ncco[1]])
  t.match(call.requests.at(-1), { method: 'POST', url: '/hook', payload: { payload: {} } })
})

t.test('the leg of a connect calls the endpoint\'s number, URI or user', async (t) => {
  const connectTo = (endpoint: Record<string, unknown>) => [{ action: 'connect', endpoint: [endpoint], eventType: 'synchronous', eventUrl: ['https://ivr.test/c'] }]
  const to = async (endpoint: Record<string, unknown>) => {
    const call = simulateCall(fakeApp({ body: JSON.stringify(connectTo(endpoint)), type: json }, { body: '[]', type: json }))
    await call.answer()
    await call.connectEvent('started')
    return call.requests.at(-1)?.payload.to
  }
  t.equal(await to({ type: 'websocket', uri: 'wss://ivr.test/socket', 'content-type': 'audio/l16;rate=16000' }), 'wss://ivr.test/socket')
  t.equal(await to({ type: 'app', user: 'alice' }), 'alice')
  t.equal(await to({ type: 'vbc', extension: '1234' }), undefined, 'none for an extension')
})

t.test('Vonage never gets past a conversation', async (t) => {
  const ncco: NccoAction[] = [{ action: 'conversation', name: 'room' }, { action: 'input', type: ['dtmf'] }]
  const call = simulateCall(fakeApp({ body: JSON.stringify([{ action: 'talk', text: 'Hi.' }]), type: json }))
  await call.answer()
  t.strictSame(call.remaining, [{ action: 'talk', text: 'Hi.' }])
  const stuck = simulateCall(fakeApp({ body: JSON.stringify(ncco), type: json }))
  await stuck.answer()
  await t.rejects(stuck.press('1'), { message: 'simulateCall: press() needs a pending input, but Vonage waits at the conversation at [0] before any' })
  await t.rejects(stuck.finish(), { message: 'simulateCall: finish(): Vonage would not reach the end of the NCCO, it waits at the conversation at [0]' })
})
