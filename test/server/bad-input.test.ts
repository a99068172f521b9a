// DESIGN.md §6 rule 6: bad input gets a clear 400 naming the field on routes whose body Vonage ignores, and nothing
// is stored from it. On NCCO routes bad input gets the fallback NCCO (200, application/json), never a 400 or 500.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { talk } from '../../src/ncco/index.js'
import { at, conv, level, testServer, validNcco } from './fixtures/app.js'

const handled: unknown[] = []
const menu = flow('bad', { fallback: 'Fallback here.' }).steps({
  menu: (s) => s
    .talk('Press 1 to leave a message.', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'voicemail')
    .otherwise('menu'),
  voicemail: (s) => s
    .record({ endOnKey: '#', beepStart: true }, (payload) => {
      handled.push(payload)
    })
    .talk('Thanks.'),
})
  .onStatus('*', (event) => {
    handled.push(event)
  })
const fallback = [talk('Fallback here.')]

const json = 'application/json'

/** Bodies that are not a usable payload, what the message must name, and the content type they are sent with. */
const eventCases: { name: string; body: unknown; contentType?: string; message: RegExp }[] = [
  { name: 'missing uuid', body: { status: 'answered', conversation_uuid: conv('c1'), timestamp: at(1) }, message: /uuid/ },
  { name: 'empty uuid', body: { status: 'answered', uuid: '', conversation_uuid: conv('c1') }, message: /uuid: uuid must be a non-empty string/ },
  { name: 'status not a string', body: { status: 5, uuid: 'c1', conversation_uuid: conv('c1') }, message: /status: status must be/ },
  { name: 'body not JSON', body: '{"status": "answered", uuid: c1', contentType: json, message: /body: .*JSON/ },
  { name: 'body a JSON array', body: '[{"status":"answered","uuid":"c1"}]', contentType: json, message: /payload must be a JSON object/ },
  { name: 'body JSON null', body: 'null', contentType: json, message: /payload must be a JSON object/ },
  { name: 'no known event field', body: { uuid: 'c1', conversation_uuid: conv('c1') }, message: /not a known Vonage event/ },
  { name: 'input with a bad dtmf', body: { uuid: 'c1', dtmf: 12 }, message: /dtmf/ },
]

const recordCases: { name: string; body: unknown; contentType?: string; message: RegExp }[] = [
  { name: 'missing conversation_uuid', body: { recording_url: 'https://api.nexmo.com/v1/files/x', recording_uuid: 'r' }, message: /conversation_uuid/ },
  { name: 'empty recording_url', body: { recording_url: '', recording_uuid: 'r', conversation_uuid: conv('c1') }, message: /recording_url/ },
  { name: 'size not a number', body: { recording_url: 'https://x', recording_uuid: 'r', conversation_uuid: conv('c1'), size: 'big' }, message: /size/ },
  { name: 'body not JSON', body: 'recording_url=x', contentType: json, message: /body: .*JSON/ },
  { name: 'body a JSON array', body: '[]', contentType: json, message: /payload must be a JSON object/ },
]

t.test('/event answers bad input with a 400 naming the field, and stores nothing', async (t) => {
  handled.length = 0
  const server = await testServer(t, { flows: [menu] })
  await server.answer('c1')
  const before = await server.stored('c1')
  for (const c of eventCases) {
    const res = await server.post('/event', c.body, c.contentType)
    t.equal(res.statusCode, 400, `${c.name}: 400`)
    const body = JSON.parse(res.body) as { code: string; message: string; statusCode: number }
    t.equal(body.code, 'NCCOFLOW_ERR_WEBHOOK_INVALID', `${c.name}: code`)
    t.equal(body.statusCode, 400)
    t.match(body.message, c.message, `${c.name}: ${body.message}`)
  }
  const get = await server.get('/event', { status: 'answered' })
  t.equal(get.statusCode, 400, 'GET form too')
  t.match(JSON.parse(get.body), { code: 'NCCOFLOW_ERR_WEBHOOK_INVALID', message: /uuid/ })
  const after = await server.stored('c1')
  t.strictSame(after, before, 'the call is unchanged')
  t.equal(server.store.size, 1, 'no other record')
  await server.app.nccoflow.runtime.drain()
  t.same(handled, [], 'no handler ran')
})

t.test('a record callback answers bad input with a 400 naming the field, and stores nothing', async (t) => {
  handled.length = 0
  const server = await testServer(t, { flows: [menu] })
  await server.answer('c1')
  await server.input('bad', 'menu', 'c1', '1')
  const before = await server.stored('c1')
  for (const c of recordCases) {
    const res = await server.post('/flows/bad/voicemail/record', c.body, c.contentType)
    t.equal(res.statusCode, 400, `${c.name}: 400`)
    const body = JSON.parse(res.body) as { code: string; message: string }
    t.equal(body.code, 'NCCOFLOW_ERR_WEBHOOK_INVALID', `${c.name}: code`)
    t.match(body.message, /^Invalid record webhook payload: /)
    t.match(body.message, c.message, `${c.name}: ${body.message}`)
  }
  t.strictSame(await server.stored('c1'), before, 'the call is unchanged')
  t.equal(server.store.size, 1)
  await server.app.nccoflow.runtime.drain()
  t.same(handled, [], 'the record handler did not run')
})

t.test('a body with an unsupported content type on /event is refused with a 400 and stores nothing', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  const res = await server.post('/event', 'status=answered&uuid=c1', 'application/x-www-form-urlencoded')
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'NCCOFLOW_ERR_WEBHOOK_INVALID', message: /^Invalid event webhook payload: body: Unsupported Media Type/ })
  t.equal(server.store.size, 0)
})

t.test('NCCO routes answer bad input with the fallback NCCO', async (t) => {
  const server = await testServer(t, { flows: [menu], logLevel: 'error' })
  await server.answer('c1')
  const before = await server.stored('c1')
  const cases: { name: string; url: string; body: unknown; contentType?: string }[] = [
    { name: 'answer: body not JSON', url: '/answer', body: '{"uuid": ', contentType: json },
    { name: 'answer: unsupported content type', url: '/answer', body: 'uuid=a&conversation_uuid=b', contentType: 'application/x-www-form-urlencoded' },
    { name: 'answer: no uuid', url: '/answer', body: { conversation_uuid: 'CON-1', to: '1' } },
    { name: 'answer: empty uuid', url: '/flows/bad/answer', body: { uuid: '', conversation_uuid: 'CON-1' } },
    { name: 'answer: a JSON array', url: '/answer', body: '[]', contentType: json },
    { name: 'input: body not JSON', url: '/flows/bad/menu/input', body: 'digits=1', contentType: json },
    { name: 'input: unsupported content type', url: '/flows/bad/menu/input', body: 'dtmf=1', contentType: 'text/plain' },
    { name: 'input: no uuid', url: '/flows/bad/menu/input', body: { dtmf: { digits: '1' } } },
    { name: 'input: dtmf of the wrong type', url: '/flows/bad/menu/input', body: { uuid: 'c1', dtmf: { digits: '1', timed_out: 'maybe' } } },
    { name: 'input: a JSON array', url: '/flows/bad/menu/input', body: '[1]', contentType: json },
  ]
  for (const c of cases) {
    const res = await server.post(c.url, c.body, c.contentType)
    t.strictSame(validNcco(t, res), fallback, c.name)
  }
  const get = await server.get('/answer', { to: '447700900100' })
  t.strictSame(validNcco(t, get), fallback, 'answer GET without uuid')
  t.strictSame(await server.stored('c1'), before, 'the call is unchanged')
  t.equal(server.store.size, 1, 'no call was created')
  t.equal(server.at(level.error).length, cases.length + 1, 'each one is logged as an error')
  t.ok(server.at(level.error).every((l) => l.flow === 'bad'), 'with the flow')
})
