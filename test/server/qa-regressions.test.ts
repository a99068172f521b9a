// Regressions found by playing Vonage against `npm start` from outside; each test is named after what broke.
import t from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import { buildServer } from '../../src/index.js'
import { conv, testServer, validNcco } from './fixtures/app.js'

const inputUrl = '/flows/ivr-menu/menu/input'

t.test('a confident "message" is not sent to sales because a doubtful guess says "sales"', async (t) => {
  const server = await testServer(t, { flows: [ivrMenu] })
  await server.answer('s1')
  const res = await server.post(inputUrl, {
    uuid: 's1', conversation_uuid: conv('s1'), timestamp: '2026-01-01T12:00:05.000Z',
    speech: { results: [{ text: 'message', confidence: '0.95' }, { text: 'sales', confidence: '0.20' }] },
  })
  t.strictSame(validNcco(t, res).map((a) => a.action), ['talk', 'record', 'talk'], 'voicemail, not sales')
  t.equal((await server.record('s1'))?.state.value, 'goodbye')
})

t.test('an input sent again in other bytes (same Vonage timestamp) does not count as another failed try', async (t) => {
  const server = await testServer(t, { flows: [ivrMenu] })
  await server.answer('d1')
  const timeout = (at: string) => ({ uuid: 'd1', conversation_uuid: conv('d1'), dtmf: { digits: '', timed_out: true }, timestamp: at })
  await server.post(inputUrl, timeout('2026-01-01T12:00:10.000Z'))
  const second = await server.post(inputUrl, timeout('2026-01-01T12:00:20.000Z'))
  // The first again, with its keys in another order and spaces: not the same bytes, the same input.
  const { timestamp, ...rest } = timeout('2026-01-01T12:00:10.000Z')
  const again = await server.post(inputUrl, ` ${JSON.stringify({ timestamp, ...rest }, null, 1)}`)
  t.strictSame(again.json(), second.json(), 'the call\'s current NCCO, unchanged')
  t.equal((await server.record('d1'))?.state.context.retries, 2, 'two failed tries, not three')
  t.equal((await server.record('d1'))?.state.value, 'menu')
})

t.test('ids of the wrong type are refused, not coerced into strings and stored', async (t) => {
  const server = await testServer(t, { flows: [ivrMenu], logLevel: 'error' })
  const record = await server.post('/flows/ivr-menu/voicemail/record', { recording_url: true, recording_uuid: 12345, conversation_uuid: ['CON-q1'], size: false })
  t.equal(record.statusCode, 400)
  t.match(record.json().message, /recording_url: recording_url must be/)
  t.match(record.json().message, /conversation_uuid: conversation_uuid must be/)
  const answer = await server.post('/answer', { uuid: 12345, conversation_uuid: 'CON-n' })
  t.equal(answer.statusCode, 200)
  t.strictSame(validNcco(t, answer), ivrMenu.toDefinition().fallback, 'the caller hears the fallback')
  t.equal(server.store.size, 0, 'nothing stored')
})

t.test('a huge uuid or body cannot grow the store', async (t) => {
  const server = await testServer(t, { flows: [ivrMenu], logLevel: 'error' })
  const long = 'u'.repeat(257)
  const event = await server.post('/event', { uuid: long, status: 'completed' })
  t.equal(event.statusCode, 400)
  t.match(event.json().message, /uuid: uuid must be at most 256 characters/)
  const answer = await server.post('/answer', { uuid: long, conversation_uuid: 'CON-l' })
  t.strictSame(validNcco(t, answer), ivrMenu.toDefinition().fallback)
  const big = await server.post('/answer', { uuid: 'big', conversation_uuid: 'CON-big', custom_data: { x: 'y'.repeat(70_000) } })
  t.strictSame(validNcco(t, big), ivrMenu.toDefinition().fallback, 'a body over 64 KiB gets the fallback on an NCCO route')
  const bigEvent = await server.post('/event', { uuid: 'big', status: 'completed', padding: 'y'.repeat(70_000) })
  t.equal(bigEvent.statusCode, 413)
  t.equal(server.store.size, 0)
})

t.test('log lines carry uuid, flow and step once each', async (t) => {
  const lines: string[] = []
  const app = await buildServer({ flows: [ivrMenu], publicUrl: 'https://ivr.test', logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } } })
  t.teardown(() => app.close())
  await app.inject({ method: 'GET', url: '/answer?uuid=l1&conversation_uuid=CON-l1' })
  await app.inject({ method: 'POST', url: inputUrl, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ conversation_uuid: 'CON-l1', dtmf: { digits: '2' }, timestamp: '2026-01-01T12:00:00.000Z' }) })
  const about = lines.filter((l) => l.includes('"l1"') || l.includes('CON-l1'))
  t.equal(about.length, 2, 'one line per webhook at info')
  for (const line of about) {
    for (const key of ['uuid', 'flow', 'step']) t.equal(line.split(`"${key}":`).length - 1, 1, `one ${key} in ${line}`)
    t.equal(JSON.parse(line).uuid, 'l1', 'the call\'s uuid, also when the payload has only its conversation_uuid')
    t.equal(JSON.parse(line).flow, 'ivr-menu')
  }
})

t.test('what is kept of one input is bounded: five transcripts, 500 characters each', async (t) => {
  const server = await testServer(t, { flows: [ivrMenu] })
  await server.answer('b1')
  const results = Array.from({ length: 7 }, (_, i) => ({ text: `${'blah '.repeat(150)}${i}`, confidence: String(0.9 - i / 10) }))
  await server.post(inputUrl, { uuid: 'b1', conversation_uuid: conv('b1'), timestamp: '2026-01-01T12:00:05.000Z', speech: { results }, dtmf: { digits: '' } })
  const input = (await server.record('b1'))?.state.context.input
  t.equal(input?.speech.length, 5)
  t.ok(input?.speech.every((s) => s.text.length === 500))
  t.equal(input?.speech[0]?.confidence, 0.9, 'best first')
})

t.test('several flows and no default: /answer serves the first, and the start-up log says so', async (t) => {
  const survey = (await import('../../flows/survey.js')).default
  const server = await testServer(t, { flows: [ivrMenu, survey], logLevel: 'warn' })
  t.ok(server.logs.some((l) => l.msg?.startsWith('no default flow (set DEFAULT_FLOW or name a flow "default"): /answer serves "ivr-menu"')))
  const res = await server.answer('nd1')
  t.match(validNcco(t, res)[0], { action: 'talk', text: /^Welcome to Acme/ })
})

t.test('nulls where Vonage has no value, and an answer without conversation_uuid, are accepted', async (t) => {
  const server = await testServer(t, { flows: [ivrMenu] })
  const answer = await server.post('/answer', { uuid: 'n1', to: null, from: null, region_url: 'https://api-sg-1.nexmo.com' })
  t.match(validNcco(t, answer)[0], { action: 'talk', text: /^Welcome to Acme/ }, 'the menu, not the fallback')
  t.strictSame((await server.record('n1'))?.call, { uuid: 'n1' })
  const event = await server.post('/event', { uuid: 'n1', status: 'answered', direction: null, from: null, to: null, headers: null, timestamp: null, rate: null, network: null })
  t.equal(event.statusCode, 204)
  t.ok((await server.record('n1'))?.history.some((h) => h.event === 'status:answered'))
  const missing = await server.post('/event', { uuid: null, status: 'completed' })
  t.equal(missing.statusCode, 400)
  t.match(missing.json().message, /uuid or call_uuid is required/)
})
