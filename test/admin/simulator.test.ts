// Issue 10, the dashboard's simulator API: it places real calls through the server's own routes, as Vonage would, and
// plays the caller (keys, speech, a timeout, a failed connect, hang up), answering what the caller hears each turn.
import t, { type Test } from 'tap'
import { buildServer } from '../../src/server/build.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { createMemoryStore, type CallStore } from '../../src/runtime/store/index.js'
import { SIMULATED_CALLS_KEPT } from '../../src/admin/simulator.js'
import menu from '../../flows/ivr-menu.js'
import survey from '../../flows/survey.js'

const TOKEN = 'a-dashboard-admin-token-0123456789'
const auth = { authorization: `Bearer ${TOKEN}` }
const API = '/_nccoflow/api/simulator/calls'

async function server(t: Test, options: Partial<Parameters<typeof buildServer>[0]> = {}) {
  const app = await buildServer({ flows: [menu, survey], defaultFlow: 'ivr-menu', publicUrl: 'https://ivr.test', admin: { token: TOKEN }, ...options })
  t.teardown(() => app.close())
  const post = async (url: string, body: unknown, headers: Record<string, string> = auth) => {
    const reply = await app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) })
    return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown> }
  }
  const get = async (url: string, headers: Record<string, string> = auth) => {
    const reply = await app.inject({ method: 'GET', url, headers })
    return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown> }
  }
  return { app, post, get }
}

const welcome = 'Welcome to Acme. For sales, press 1 or say sales. To leave a message, press 2 or say message.'
const menuInput = {
  action: 'input', type: ['dtmf', 'speech'], dtmf: { maxDigits: 1, timeOut: 5 }, speech: { context: ['sales', 'message'] },
  eventUrl: ['https://ivr.test/flows/ivr-menu/menu/input'],
}
const menuNcco = [{ action: 'talk', text: welcome, bargeIn: true }, menuInput]
const salesConnect = {
  action: 'connect', endpoint: [{ type: 'phone', number: '447700900001' }], eventType: 'synchronous', timeout: 20,
  eventUrl: ['https://ivr.test/flows/ivr-menu/sales/connect'],
}

t.test('a whole call: the menu, a wrong key, "sales", a busy line, voicemail; the NCCO runs out and the call ends', async (t) => {
  const { app, post, get } = await server(t)
  const placed = await post(API, { flow: 'ivr-menu' })
  t.equal(placed.status, 201)
  const { uuid, conversationUuid } = placed.body as { uuid: string; conversationUuid: string }
  t.match(conversationUuid, /^CON-/)
  const ids = { uuid, conversationUuid, flow: 'ivr-menu' }
  t.strictSame(placed.body, {
    ...ids, step: 'menu', heard: [{ step: 'menu', lines: [welcome, '[waiting for keys or speech]'] }], ncco: menuNcco,
    waitingAt: menuInput, accepts: ['press', 'say', 'wait', 'hangup'], ended: false, context: {},
  })
  t.strictSame(await get(`${API}/${uuid}`), { status: 200, body: placed.body }, 'GET reads the same state')

  const wrong = await post(`${API}/${uuid}`, { action: 'press', digits: '9' })
  t.strictSame(wrong, {
    status: 200,
    body: {
      ...ids, step: 'menu', heard: [{ step: 'menu', lines: ['Sorry, I did not understand that.', welcome, '[waiting for keys or speech]'] }],
      ncco: [{ action: 'talk', text: 'Sorry, I did not understand that.' }, ...menuNcco], waitingAt: menuInput,
      accepts: ['press', 'say', 'wait', 'hangup'], ended: false, context: {},
    },
  })

  const sales = await post(`${API}/${uuid}`, { action: 'say', words: ' sales ' })
  t.strictSame(sales.body, {
    ...ids, step: 'sales', heard: [{ step: 'sales', lines: ['Connecting you to sales.', '[connecting to 447700900001]'] }],
    ncco: [{ action: 'talk', text: 'Connecting you to sales.' }, salesConnect], waitingAt: salesConnect, accepts: ['fail', 'hangup'],
    ended: false, context: {},
  })

  const busy = await post(`${API}/${uuid}`, { action: 'fail', status: 'busy' })
  t.strictSame(busy.body, {
    ...ids, step: 'goodbye',
    heard: [{ step: 'goodbye', lines: ['Please leave a message after the tone, then press hash.', '[recording]', 'Thank you for calling Acme. Goodbye.'] }],
    ncco: (busy.body as { ncco: unknown }).ncco, waitingAt: null, accepts: [], ended: true, context: {},
  })
  t.strictSame((busy.body.ncco as { action: string }[]).map((a) => a.action), ['talk', 'record', 'talk'])

  // A real call: the store has it, ended, with the recording Vonage would have posted when the call ended.
  const record = (await app.nccoflow.runtime.findCall(conversationUuid))?.value
  t.equal(record?.state.value, 'goodbye')
  t.equal(record?.ended, true)
  t.ok(record?.history.some((h) => h.event === 'status:completed'), 'the call ended with a completed event')

  const after = await post(`${API}/${uuid}`, { action: 'hangup' })
  t.strictSame(after, {
    status: 400,
    body: { statusCode: 400, code: 'NCCOFLOW_ERR_ADMIN_REQUEST_INVALID', error: 'Bad Request', message: 'Invalid body.action: hangup does not fit: the call has ended' },
  })
})

t.test('a timeout and a hang-up: the caller lets the menu time out, then hangs up', async (t) => {
  const { post } = await server(t)
  const { uuid } = (await post(API, { flow: 'ivr-menu' })).body as { uuid: string }
  const timedOut = await post(`${API}/${uuid}`, { action: 'wait' })
  t.strictSame(timedOut.body.heard, [{ step: 'menu', lines: [welcome, '[waiting for keys or speech]'] }], 'retry: the menu again')
  t.strictSame((timedOut.body.context as object), {})
  const hungUp = await post(`${API}/${uuid}`, { action: 'hangup' })
  t.match(hungUp, { status: 200, body: { step: 'menu', heard: [], waitingAt: null, accepts: [], ended: true } })
})

t.test('keys a multi-key input takes, and the survey\'s context as it changes', async (t) => {
  const { post } = await server(t)
  const placed = await post(API, { flow: 'survey' })
  t.equal(placed.status, 201)
  t.equal(placed.body.flow, 'survey')
  const { uuid } = placed.body as { uuid: string }
  const accepts = placed.body.accepts as string[]
  t.ok(accepts.includes('press'), 'the survey asks for keys')
  const rated = await post(`${API}/${uuid}`, { action: 'press', digits: '4' })
  t.equal(rated.status, 200)
  t.not(rated.body.step, placed.body.step, 'the step moved on')
})

t.test('bad requests: 400 naming the field; an unknown call: 404', async (t) => {
  const { post, get } = await server(t)
  const invalid = (field: string, message: string) => ({
    status: 400, body: { statusCode: 400, code: 'NCCOFLOW_ERR_ADMIN_REQUEST_INVALID', error: 'Bad Request', message: `Invalid ${field}: ${message}` },
  })
  const flows = 'name the flow to call: one of ivr-menu, survey'
  t.strictSame(await post(API, {}), invalid('body.flow', flows))
  t.strictSame(await post(API, { flow: 'nope' }), invalid('body.flow', flows))
  t.strictSame(await post(API, ['ivr-menu']), invalid('body.flow', flows))
  const { uuid } = (await post(API, { flow: 'ivr-menu' })).body as { uuid: string }
  const call = `${API}/${uuid}`
  t.strictSame(await post(call, { action: 'dance' }), invalid('body.action', 'it must be one of press, say, wait, fail, hangup'))
  t.strictSame(await post(call, null), invalid('body.action', 'it must be one of press, say, wait, fail, hangup'))
  t.strictSame(await post(call, { action: 'press' }), invalid('body.digits', 'press needs the keys pressed, digits 0-9, * and #, e.g. "1" or "42#"'))
  t.strictSame(await post(call, { action: 'press', digits: '1a' }), invalid('body.digits', 'press needs the keys pressed, digits 0-9, * and #, e.g. "1" or "42#"'))
  t.strictSame(await post(call, { action: 'say', words: '  ' }), invalid('body.words', 'say needs the words the caller says, e.g. "sales"'))
  t.strictSame(await post(call, { action: 'fail', status: 'answered' }), invalid('body.status', 'a connect fails with unanswered, busy, timeout, failed, rejected, cancelled'))
  t.strictSame(await post(call, { action: 'fail' }), invalid('body.action', 'fail does not fit: Vonage waits at the input, where the caller can press, say, wait, hangup'))
  t.equal((await get(call)).body.step, 'menu', 'nothing was sent: the call is where it was')
  const unknown = { status: 404, body: { statusCode: 404, code: 'NCCOFLOW_ERR_ADMIN_NOT_FOUND', error: 'Not Found', message: 'No simulated call nope: place one with POST simulator/calls; this process keeps the last ones it placed' } }
  t.strictSame(await get(`${API}/nope`), unknown)
  t.strictSame(await post(`${API}/nope`, { action: 'hangup' }), unknown)
})

t.test('the caller\'s turns are taken one at a time: a second key sent at once meets the connect the first led to', async (t) => {
  const { post } = await server(t)
  const { uuid } = (await post(API, { flow: 'ivr-menu' })).body as { uuid: string }
  const [first, second] = await Promise.all([post(`${API}/${uuid}`, { action: 'press', digits: '1' }), post(`${API}/${uuid}`, { action: 'press', digits: '2' })])
  t.equal(first?.body.step, 'sales')
  t.strictSame(second?.body.message, 'Invalid body.action: press does not fit: Vonage waits at the connect, where the caller can fail, hangup')
})

t.test('the simulator needs the admin token, like the rest of the API', async (t) => {
  const { post, get } = await server(t)
  for (const reply of [await post(API, { flow: 'ivr-menu' }, {}), await get(`${API}/x`, {}), await post(`${API}/x`, { action: 'hangup' }, {})]) {
    t.equal(reply.status, 401)
    t.equal(reply.body.code, 'NCCOFLOW_ERR_ADMIN_UNAUTHORIZED')
  }
})

t.test('with a signature secret, the simulator signs its webhooks as Vonage does: the guarded routes take them', async (t) => {
  const secret = 'a-signature-secret-of-32-bytes!!'
  for (const signature of [{ secret }, { secret: [secret, 'the-old-secret-of-32-bytes-long!!'], apiKey: 'abcd1234', applicationId: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab' }]) {
    const { app, post } = await server(t, { signature })
    const placed = await post(API, { flow: 'ivr-menu' })
    t.equal(placed.status, 201, 'the answer (a GET, no body) got in')
    t.equal(placed.body.step, 'menu')
    const { uuid } = placed.body as { uuid: string }
    const turn = await post(`${API}/${uuid}`, { action: 'press', digits: '1' })
    t.equal(turn.status, 200, 'the input (a POST, its body hashed) got in')
    t.equal(turn.body.step, 'sales')
    t.equal((await post(`${API}/${uuid}`, { action: 'hangup' })).body.ended, true)
    // A webhook without the simulator's signature is still refused.
    const unsigned = await app.inject({ method: 'POST', url: '/event', payload: { uuid, status: 'completed' } })
    t.equal(unsigned.statusCode, 503)
  }
})

t.test('a simulated webhook the server refuses: 502 saying what answered', async (t) => {
  const store = createMemoryStore<CallRecord>()
  let down = false
  const failing: CallStore<CallRecord> = { ...store, get: async (id) => (down ? Promise.reject(new Error('the store is down')) : store.get(id)) }
  const { post } = await server(t, { store: failing })
  const { uuid } = (await post(API, { flow: 'ivr-menu' })).body as { uuid: string }
  down = true
  const hangup = await post(`${API}/${uuid}`, { action: 'hangup' })
  t.equal(hangup.status, 502)
  t.equal(hangup.body.code, 'NCCOFLOW_ERR_ADMIN_SIMULATOR_FAILED')
  t.match(hangup.body.message, /^A simulated webhook failed: .*answered 5\d\d/)
})

t.test('with ALLOWED_IPS not allowing 127.0.0.1, where its webhooks come from: 409 naming the option', async (t) => {
  const { post } = await server(t, { allowedIps: ['198.51.100.0/24'] })
  const placed = await post(API, { flow: 'ivr-menu' })
  t.strictSame(placed, {
    status: 409,
    body: {
      statusCode: 409,
      code: 'NCCOFLOW_ERR_ADMIN_SIMULATOR_BLOCKED',
      error: 'Conflict',
      message: 'The simulator cannot place calls here: its webhooks come from 127.0.0.1, which the allowedIps option (ALLOWED_IPS) does not allow: add 127.0.0.1 to it, or use the simulator where it is unset (nccoflow dev)',
    },
  })
  const allowed = await server(t, { allowedIps: ['198.51.100.0/24', '127.0.0.1'] })
  t.equal((await allowed.post(API, { flow: 'ivr-menu' })).status, 201, 'with 127.0.0.1 in the list it places calls')
})

t.test(`the process keeps the last ${SIMULATED_CALLS_KEPT} simulated calls`, async (t) => {
  const { post, get } = await server(t)
  const first = (await post(API, { flow: 'ivr-menu' })).body.uuid as string
  const second = (await post(API, { flow: 'ivr-menu' })).body.uuid as string
  for (let i = 2; i < SIMULATED_CALLS_KEPT; i += 1) await post(API, { flow: 'ivr-menu' })
  t.equal((await get(`${API}/${first}`)).status, 200)
  await post(API, { flow: 'ivr-menu' })
  t.equal((await get(`${API}/${first}`)).status, 404, 'the oldest is forgotten')
  t.equal((await get(`${API}/${second}`)).status, 200)
})
