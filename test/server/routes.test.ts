// The routes the plugin registers, as Vonage calls them: GET and POST forms, content types, callback URLs, the
// fallback and health routes, payloads mapped to calls by conversation, and the handlers that run after saving.
import Fastify from 'fastify'
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { talk } from '../../src/ncco/index.js'
import { nccoflow } from '../../src/server/plugin.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { StoreUnavailableError } from '../../src/runtime/store/index.js'
import { at, conv, level, talks, testServer, validNcco } from './fixtures/app.js'

const seen: { kind: string; payload: Record<string, unknown>; record?: CallRecord; step?: string; context?: unknown }[] = []
let readRecord: (id: string) => Promise<CallRecord | undefined> = async () => undefined

const menu = flow('shop', { context: { choice: '' }, fallback: 'Shop fallback.' }).steps({
  menu: (s) => s
    .talk(({ call }) => `Hello ${call.from ?? 'caller'}.`, { bargeIn: true })
    .input({ type: ['dtmf', 'speech'], dtmf: { maxDigits: 1 }, speech: { context: ['sales'] } })
    .on({ dtmf: '1', speech: 'sales' }, 'sales')
    .on({ dtmf: '2' }, 'voicemail')
    .otherwise('menu'),
  sales: (s) => s
    .update(({ call }) => ({ choice: call.input?.speech[0]?.text ?? call.input?.digits ?? '' }))
    .talk(({ context }) => `You chose ${context.choice}.`)
    .notify({ stage: 'sales' })
    .goto('menu'),
  voicemail: (s) => s
    .talk('Leave a message.')
    .record({ endOnKey: '#', transcription: { language: 'en-GB' } }, async (payload, { call }) => {
      seen.push({ kind: 'record', payload, record: await readRecord(call.uuid), step: call.step })
    })
    .talk('Thanks, goodbye.'),
})
  .onStatus('completed', async (event, { call, context }) => {
    seen.push({ kind: 'completed', payload: event, record: await readRecord(call.uuid), step: call.step, context })
  })
  .onStatus(['answered', 'ringing'], (event) => {
    seen.push({ kind: 'early', payload: event })
  })

const other = flow('other', { fallback: [talk('Other fallback.')] }).steps({
  only: (s) => s.talk('Other flow.'),
})

t.test('answer: GET with a query string and POST with JSON give the same NCCO, as application/json', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  const get = await server.get('/answer', { uuid: 'g1', conversation_uuid: conv('g1'), to: '447700900100', from: '447700900200', region_url: 'https://api-eu-1.nexmo.com' })
  const post = await server.answer('p1')
  const a = validNcco(t, get)
  const b = validNcco(t, post)
  t.same(a, b)
  t.equal(get.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(post.headers['content-type'], 'application/json; charset=utf-8')
  t.same(talks(a), ['Hello 447700900200.'])
  t.same((await server.record('g1'))?.call, { uuid: 'g1', conversationUuid: conv('g1'), from: '447700900200', to: '447700900100' })
  // An app user calling (from_user, no from).
  const app = await server.post('/flows/shop/answer', { uuid: 'u1', conversation_uuid: conv('u1'), from_user: 'alice', to: '447700900100' })
  t.same(talks(validNcco(t, app)), ['Hello alice.'])
})

t.test('a POST answer whose custom_data arrives as JSON text is answered from the flow, not the fallback', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  const res = await server.post('/answer', { uuid: 'cd1', conversation_uuid: conv('cd1'), from: '447700900200', custom_data: '{"vip":true}' })
  t.same(talks(validNcco(t, res)), ['Hello 447700900200.'])
  t.equal((await server.record('cd1'))?.state.value, 'menu')
  const get = await server.get('/answer', { uuid: 'cd2', conversation_uuid: conv('cd2'), custom_data: { vip: true } })
  t.same(talks(validNcco(t, get)), ['Hello caller.'])
})

t.test('input: GET with dtmf and speech JSON-encoded in the query, as Vonage sends them', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('g2')
  const res = await server.get('/flows/shop/menu/input', {
    uuid: 'g2',
    conversation_uuid: conv('g2'),
    dtmf: { digits: null, timed_out: false },
    speech: { results: [{ text: 'sales please', confidence: '0.93' }, { text: 'tails', confidence: '0.2' }] },
    timestamp: at(5),
  })
  t.same(talks(validNcco(t, res)), ['You chose sales please.'])
  const record = await server.record('g2')
  t.equal(record?.state.value, 'sales')
  t.same(record?.state.context.input, { digits: '', speech: [{ text: 'sales please', confidence: 0.93 }, { text: 'tails', confidence: 0.2 }], timedOut: false })
  // The old format: digits as a plain string.
  await server.answer('g3')
  const old = await server.get('/flows/shop/menu/input', { uuid: 'g3', dtmf: '2', timed_out: 'false' })
  t.same(talks(validNcco(t, old)), ['Leave a message.', 'Thanks, goodbye.'])
})

t.test('an input that timed out takes the otherwise branch', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  await server.answer('to1')
  const res = await server.input('shop', 'menu', 'to1', '')
  t.same(talks(validNcco(t, res)), ['Hello 447700900200.'])
  t.same((await server.record('to1'))?.state.context.input, { digits: '', speech: [], timedOut: true })
})

t.test('callback URLs are absolute, an array of one string, and name the flow and step', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  const ncco = validNcco(t, await server.answer('u2'))
  t.same(ncco[1], {
    action: 'input',
    type: ['dtmf', 'speech'],
    dtmf: { maxDigits: 1 },
    speech: { context: ['sales'] },
    eventUrl: ['https://ivr.test/flows/shop/menu/input'],
  })
  const sales = validNcco(t, await server.input('shop', 'menu', 'u2', '1'))
  t.same(sales.find((a) => a.action === 'notify'), { action: 'notify', payload: { stage: 'sales' }, eventUrl: ['https://ivr.test/flows/shop/sales/notify'] })
  await server.answer('u3')
  const voicemail = validNcco(t, await server.input('shop', 'menu', 'u3', '2'))
  t.same(voicemail.find((a) => a.action === 'record'), {
    action: 'record',
    endOnKey: '#',
    transcription: { language: 'en-GB', eventUrl: ['https://ivr.test/flows/shop/voicemail/record-transcription'] },
    eventUrl: ['https://ivr.test/flows/shop/voicemail/record'],
  })
  const routes = server.app.nccoflow.routes.map((r) => r.url)
  for (const url of ['/flows/shop/menu/input', '/flows/shop/sales/notify', '/flows/shop/voicemail/record', '/flows/shop/voicemail/record-transcription']) {
    t.ok(routes.includes(url), `${url} is registered`)
  }
})

t.test('a trailing slash on publicUrl is dropped', async (t) => {
  const server = await testServer(t, { flows: [menu], publicUrl: 'https://ivr.test/base/' })
  const ncco = validNcco(t, await server.answer('s1'))
  t.same((ncco[1] as { eventUrl: string[] }).eventUrl, ['https://ivr.test/base/flows/shop/menu/input'])
})

t.test('without publicUrl the base comes from X-Forwarded-Proto/Host, with one warning', async (t) => {
  const server = await testServer(t, { flows: [menu], publicUrl: undefined })
  const body = JSON.stringify({ uuid: 'f1', conversation_uuid: conv('f1') })
  const forwarded = await server.app.inject({
    method: 'POST', url: '/answer', payload: body,
    headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'ivr.example.com, proxy.local', host: 'internal:3000' },
  })
  t.same((validNcco(t, forwarded)[1] as { eventUrl: string[] }).eventUrl, ['https://ivr.example.com/flows/shop/menu/input'])
  const direct = await server.app.inject({ method: 'POST', url: '/answer', payload: JSON.stringify({ uuid: 'f2', conversation_uuid: conv('f2') }), headers: { 'content-type': 'application/json', host: 'ivr.local:8080' } })
  t.same((validNcco(t, direct)[1] as { eventUrl: string[] }).eventUrl, ['http://ivr.local:8080/flows/shop/menu/input'])
  const warnings = server.at(level.warn).filter((l) => l.msg?.includes('PUBLIC_URL'))
  t.equal(warnings.length, 1, 'warned once')
})

t.test('the prefix option puts every route and callback URL under it', async (t) => {
  const server = await testServer(t, { flows: [menu], prefix: '/vonage/' })
  const ncco = validNcco(t, await server.answer('x1', { url: '/vonage/answer' }))
  t.same((ncco[1] as { eventUrl: string[] }).eventUrl, ['https://ivr.test/vonage/flows/shop/menu/input'])
  t.equal((await server.input('shop', 'menu', 'x1', '1')).statusCode, 404)
  const input = await server.post('/vonage/flows/shop/menu/input', { uuid: 'x1', dtmf: { digits: '1' }, timestamp: at(9) })
  t.same(talks(validNcco(t, input)), ['You chose 1.'])
  t.equal((await server.get('/vonage/healthz')).statusCode, 200)
  t.equal((await server.get('/answer')).statusCode, 404, 'nothing outside the prefix')
  t.ok(server.app.nccoflow.routes.every((r) => r.url.startsWith('/vonage/')))
  const derived = await testServer(t, { flows: [menu], prefix: '/vonage', publicUrl: undefined })
  const res = await derived.app.inject({ method: 'POST', url: '/vonage/answer', payload: JSON.stringify({ uuid: 'x2', conversation_uuid: conv('x2') }), headers: { 'content-type': 'application/json', host: 'h.test' } })
  t.same((validNcco(t, res)[1] as { eventUrl: string[] }).eventUrl, ['http://h.test/vonage/flows/shop/menu/input'])
})

t.test('/healthz names the store and lists the flows; 503 while the store does not answer', async (t) => {
  const server = await testServer(t, { flows: [menu, other], defaultFlow: 'shop' })
  const res = await server.get('/healthz')
  t.equal(res.statusCode, 200)
  t.strictSame(JSON.parse(res.body), { status: 'ok', store: 'memory', flows: ['shop', 'other'] })
  const ping = server.store.ping
  server.store.ping = () => Promise.reject(new StoreUnavailableError('Redis: connection refused'))
  const down = await server.get('/healthz')
  t.equal(down.statusCode, 503)
  t.strictSame(JSON.parse(down.body), { status: 'unavailable', store: 'memory' })
  t.match(server.at(level.warn).at(-1), { msg: '/healthz: the call store does not answer', store: 'memory', err: { code: 'NCCOFLOW_ERR_STORE_UNAVAILABLE' } })
  server.store.ping = ping
  t.equal((await server.get('/healthz')).statusCode, 200, 'back once it answers')
})

t.test('/fallback (GET and POST) answers a safe NCCO and logs the reason', async (t) => {
  const server = await testServer(t, { flows: [menu, other], defaultFlow: 'shop' })
  await server.answer('fb1', { url: '/flows/other/answer' })
  const known = await server.post('/fallback', { uuid: 'fb1', conversation_uuid: conv('fb1'), reason: 'Socket timeout.', original_request: { url: 'https://ivr.test/flows/other/answer', type: 'answer' } })
  t.same(validNcco(t, known), [{ action: 'talk', text: 'Other fallback.' }], 'the call\'s own flow')
  const line = server.at(level.warn).find((l) => l.msg?.includes('fallback URL'))
  t.match(line, { uuid: 'fb1', flow: 'other', step: 'only', reason: 'Socket timeout.', originalRequest: { type: 'answer' } })

  const unknown = await server.get('/fallback', { uuid: 'nobody', conversation_uuid: 'CON-x', reason: 'Connection closed.', original_request: { url: 'https://ivr.test/answer', type: 'answer' } })
  t.same(validNcco(t, unknown), [{ action: 'talk', text: 'Shop fallback.' }], 'the default flow\'s')
  t.ok(server.at(level.warn).some((l) => l.uuid === 'nobody' && l.reason === 'Connection closed.' && l.originalRequest !== undefined))

  const empty = await server.post('/fallback', {})
  t.same(validNcco(t, empty), [{ action: 'talk', text: 'Shop fallback.' }])
  const junk = await server.post('/fallback', '[1, 2]')
  t.same(validNcco(t, junk), [{ action: 'talk', text: 'Shop fallback.' }])
  const broken = await server.post('/fallback', '{', 'application/json')
  t.same(validNcco(t, broken), [{ action: 'talk', text: 'Shop fallback.' }])
  const odd = await server.post('/fallback', { uuid: 'fb1', original_request: 'not json' })
  t.same(validNcco(t, odd), [{ action: 'talk', text: 'Other fallback.' }], 'a payload that does not parse still finds the call')
  t.equal(server.store.size, 1, 'the fallback stores nothing')
})

t.test('/fallback without a default flow and an unknown call answers a built-in apology', async (t) => {
  const server = await testServer(t, { flows: [menu, other] })
  t.equal(server.app.nccoflow.defaultFlow, undefined)
  const res = await server.post('/fallback', { uuid: 'z', reason: 'Invalid NCCO.' })
  t.same(validNcco(t, res), [{ action: 'talk', text: 'Sorry, something went wrong. Goodbye.' }])
})

t.test('record and notify payloads with only conversation_uuid map to the call', async (t) => {
  seen.length = 0
  const server = await testServer(t, { flows: [menu] })
  readRecord = (id) => server.record(id)
  await server.answer('m1')
  await server.input('shop', 'menu', 'm1', '1')
  const notify = await server.post('/flows/shop/sales/notify', { payload: { stage: 'sales' }, conversation_uuid: conv('m1'), timestamp: at(20) })
  t.same(talks(validNcco(t, notify)), ['Hello 447700900200.'])
  t.equal((await server.record('m1'))?.state.value, 'menu', 'the goto after the notify ran on the call')
  t.equal(server.store.size, 1, 'no record under the conversation')

  await server.input('shop', 'menu', 'm1', '2', { timestamp: at(30) })
  const recording = { recording_url: 'https://api.nexmo.com/v1/files/f1', recording_uuid: 'rec-1', conversation_uuid: conv('m1'), start_time: at(31), end_time: at(40), size: 4321, timestamp: at(41) }
  const res = await server.post('/flows/shop/voicemail/record', recording)
  t.equal(res.statusCode, 204)
  await server.app.nccoflow.runtime.drain()
  const handled = seen.find((s) => s.kind === 'record')
  t.same(handled?.payload, recording, 'the handler got the payload')
  t.equal(handled?.step, 'voicemail')
  t.same(handled?.record?.history.at(-1), { event: 'record', at: at(41) }, 'after the record was saved')
  // A duplicate recording callback is ignored: the handler does not run twice.
  t.equal((await server.post('/flows/shop/voicemail/record', recording)).statusCode, 204)
  await server.app.nccoflow.runtime.drain()
  t.equal(seen.filter((s) => s.kind === 'record').length, 1)
  // The transcription callback (a `transcribed` event) is kept in history.
  const transcribed = { status: 'transcribed', type: 'record', recording_uuid: 'rec-1', transcription_url: 'https://api.nexmo.com/v1/files/t1', conversation_uuid: conv('m1'), timestamp: at(50) }
  t.equal((await server.post('/flows/shop/voicemail/record-transcription', transcribed)).statusCode, 204)
  t.same((await server.record('m1'))?.history.at(-1), { event: 'record-transcription', at: at(50) })
  t.equal(server.store.size, 1)
})

t.test('status handlers run after the state is saved', async (t) => {
  seen.length = 0
  const server = await testServer(t, { flows: [menu] })
  readRecord = (id) => server.record(id)
  await server.answer('h1')
  await server.status('h1', 'ringing', at(1))
  await server.status('h1', 'completed', at(9), { duration: '8', price: '0.01', end_time: at(9) })
  await server.app.nccoflow.runtime.drain()
  t.same(seen.map((s) => s.kind), ['early', 'completed'])
  const completed = seen.find((s) => s.kind === 'completed')
  t.match(completed?.payload, { status: 'completed', uuid: 'h1', duration: 8, price: 0.01 }, 'the normalised event')
  t.equal(completed?.record?.ended, true, 'the handler reads the saved, ended call')
  t.same(completed?.record?.history.at(-1), { event: 'status:completed', at: at(9) })
  t.equal(completed?.step, 'menu')
  t.same(completed?.context, { choice: '' })
  // A duplicate does not run the handler again.
  await server.status('h1', 'completed', at(9))
  await server.app.nccoflow.runtime.drain()
  t.equal(seen.filter((s) => s.kind === 'completed').length, 1)
})

t.test('a failing handler is logged and does not fail the request', async (t) => {
  const failing = flow('failing').steps({
    only: (s) => s.talk('Hi.').record({}, () => {
      throw new Error('handler broke')
    }),
  })
    .onStatus('*', async () => {
      throw new Error('status handler broke')
    })
  const server = await testServer(t, { flows: [failing] })
  await server.answer('fh1')
  t.equal((await server.status('fh1', 'answered', at(1))).statusCode, 204)
  t.equal((await server.post('/flows/failing/only/record', { recording_url: 'https://x/y', recording_uuid: 'r', conversation_uuid: conv('fh1'), timestamp: at(2) })).statusCode, 204)
  await server.app.nccoflow.runtime.drain()
  const errors = server.at(level.error).map((l) => [l.uuid, l.err?.message])
  t.same(errors, [['fh1', 'status handler broke'], ['fh1', 'handler broke']])
})

t.test('the raw body bytes are kept on request.rawBody', async (t) => {
  const app = Fastify()
  await app.register(nccoflow, { flows: [menu], publicUrl: 'https://ivr.test' })
  const raw: (Buffer | undefined)[] = []
  app.addHook('preHandler', async (request) => {
    raw.push(request.rawBody)
  })
  await app.ready()
  t.teardown(() => app.close())
  const bytes = '{ "uuid": "rb1",\n  "conversation_uuid": "CON-rb1", "to": "\u00e9" }'
  const res = await app.inject({ method: 'POST', url: '/answer', payload: bytes, headers: { 'content-type': 'application/json' } })
  t.equal(res.statusCode, 200)
  t.ok(Buffer.isBuffer(raw[0]))
  t.equal(raw[0]?.toString('utf8'), bytes, 'exactly as sent, whitespace and all')
  const empty = await app.inject({ method: 'POST', url: '/event', payload: '', headers: { 'content-type': 'application/json' } })
  t.equal(empty.statusCode, 400, 'an empty JSON body parses as {}')
  t.equal(raw[1]?.length, 0)
  await app.inject({ method: 'GET', url: '/answer?uuid=rb2&conversation_uuid=CON-rb2' })
  t.equal(raw[2], undefined, 'a GET has no body')
  const poisoned = await app.inject({ method: 'POST', url: '/event', payload: '{"__proto__": {"x": 1}, "status": "answered", "uuid": "u"}', headers: { 'content-type': 'application/json' } })
  t.equal(poisoned.statusCode, 400, 'prototype poisoning is refused')
  t.equal(JSON.parse(poisoned.body).code, 'NCCOFLOW_ERR_WEBHOOK_INVALID')
})

t.test('HEAD on an NCCO route gets the fallback headers, never an error', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  const res = await server.app.inject({ method: 'HEAD', url: '/answer' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
})
