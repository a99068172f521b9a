// Issue 9: with a signature secret, only webhooks Vonage signed get in. Tokens are signed the way Vonage signs them
// (fixtures/vonage-token.ts) and cross-checked with Vonage's own verifier (@vonage/jwt) and signer (jsonwebtoken).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { verifySignature } from '@vonage/jwt'
import Fastify from 'fastify'
import jsonwebtoken from 'jsonwebtoken'
import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { nccoflow } from '../../src/server/plugin.js'
import { signLikeVonage, type SignatureOptions } from '../../src/server/signature.js'
import { conv, level, talks, testServer, validNcco, type ServerOptions, type TestServer } from './fixtures/app.js'
import { API_KEY, APPLICATION_ID, SECRET, payloadHash, unsecuredToken, vonageToken } from './fixtures/vonage-token.js'

const menu = flow('signed', { fallback: 'Fallback here.' }).steps({
  menu: (s) => s
    .talk('Press 1 to leave a message.', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'voicemail')
    .otherwise('menu'),
  voicemail: (s) => s
    .record({ endOnKey: '#' })
    .talk('Thanks.'),
})

const signature: SignatureOptions = { secret: SECRET }
const now = () => Math.floor(Date.now() / 1000)

function signedServer(t: Test, options: Partial<ServerOptions> = {}) {
  return testServer(t, { flows: [menu], signature, ...options })
}

/** POSTs a JSON body with an Authorization header (none when `authorization` is undefined). */
function post(server: TestServer, url: string, body: string, authorization: string | undefined, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return server.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }), ...extra } })
}

const answerBody = (uuid: string) => JSON.stringify({ uuid, conversation_uuid: conv(uuid), to: '447700900100', from: '447700900200' })
const bearer = (token: string) => `Bearer ${token}`

/** The whole refusal document, after checking the status and the JSON content type. */
function refusal(t: Test, res: LightMyRequestResponse, status: number) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(res.headers['content-type'], /^application\/json/)
  return JSON.parse(res.body) as unknown
}

t.test('a webhook signed the way Vonage signs is accepted on every webhook route', async (t) => {
  const server = await signedServer(t)
  const body = answerBody('s1')
  const ncco = validNcco(t, await post(server, '/answer', body, bearer(vonageToken({ body }))))
  t.same(talks(ncco), ['Press 1 to leave a message.'])
  const flowAnswer = answerBody('s2')
  t.same(talks(validNcco(t, await post(server, '/flows/signed/answer', flowAnswer, bearer(vonageToken({ body: flowAnswer }))))), ['Press 1 to leave a message.'])
  const input = JSON.stringify({ uuid: 's1', conversation_uuid: conv('s1'), dtmf: { digits: '1', timed_out: false }, timestamp: '2026-01-01T00:00:01.000Z' })
  t.same(validNcco(t, await post(server, '/flows/signed/menu/input', input, bearer(vonageToken({ body: input })))).map((a) => a.action), ['record', 'talk'])
  const record = JSON.stringify({ recording_url: 'https://api.nexmo.com/v1/files/r1', recording_uuid: 'r1', conversation_uuid: conv('s1'), timestamp: '2026-01-01T00:00:02.000Z' })
  t.equal((await post(server, '/flows/signed/voicemail/record', record, bearer(vonageToken({ body: record })))).statusCode, 204)
  const event = JSON.stringify({ uuid: 's1', conversation_uuid: conv('s1'), status: 'completed', direction: 'inbound', timestamp: '2026-01-01T00:00:03.000Z' })
  t.equal((await post(server, '/event', event, bearer(vonageToken({ body: event })))).statusCode, 204)
  t.equal((await server.record('s1'))?.ended, true, 'the completed event ended the call')
  const fallback = JSON.stringify({ uuid: 's2', conversation_uuid: conv('s2'), reason: 'Socket timeout.', original_request: { url: 'https://ivr.test/answer', type: 'answer' } })
  t.equal((await post(server, '/fallback', fallback, bearer(vonageToken({ body: fallback })))).statusCode, 200)
  t.equal(server.at(level.warn).filter((l) => l.code !== undefined).length, 0, 'no refusal logged')
})

t.test('Vonage\'s verifier accepts our tokens, and we accept tokens from Vonage\'s signer', async (t) => {
  const body = answerBody('x1')
  const ours = vonageToken({ body })
  t.equal(verifySignature(ours, SECRET), true, '@vonage/jwt verifySignature accepts a token signed as in the fixture')
  t.equal(verifySignature(ours, 'another-secret'), false, 'and refuses it with another secret')
  // jsonwebtoken is what @vonage/jwt signs and verifies with; it adds iat itself.
  const theirs = jsonwebtoken.sign({ jti: 'f4b5c6d7-0000-4000-8000-000000000001', iss: 'Vonage', payload_hash: payloadHash(body), api_key: API_KEY, application_id: APPLICATION_ID }, SECRET, { algorithm: 'HS256' })
  t.equal(verifySignature(theirs, SECRET), true)
  const server = await signedServer(t, { signature: { secret: SECRET, apiKey: API_KEY, applicationId: APPLICATION_ID } })
  t.same(talks(validNcco(t, await post(server, '/answer', body, bearer(theirs)))), ['Press 1 to leave a message.'])
  const tampered = jsonwebtoken.sign({ iss: 'Vonage', payload_hash: payloadHash(body) }, 'not-the-secret', { algorithm: 'HS256' })
  t.equal(verifySignature(tampered, SECRET), false)
  t.strictSame(refusal(t, await post(server, '/answer', body, bearer(tampered)), 401), { code: 'NCCOFLOW_ERR_SIGNATURE_INVALID', message: 'Webhook signature rejected (signature): no signature secret verifies it' })
})

t.test('signLikeVonage (the dashboard simulator\'s tokens): Vonage\'s verifier accepts them, with Vonage\'s claims', async (t) => {
  const body = answerBody('y1')
  const header = await signLikeVonage({ secret: [SECRET, 'the-old-secret'], apiKey: API_KEY, applicationId: APPLICATION_ID }, body)
  const token = header.replace(/^Bearer /, '')
  t.equal(verifySignature(token, SECRET), true, 'signed with the first secret')
  t.equal(verifySignature(token, 'the-old-secret'), false)
  const claims = jsonwebtoken.decode(token, { complete: true }) as jsonwebtoken.Jwt
  t.strictSame(claims.header, { alg: 'HS256', typ: 'JWT' })
  t.match(claims.payload, { iss: 'Vonage', payload_hash: payloadHash(body), api_key: API_KEY, application_id: APPLICATION_ID, iat: Number, jti: String })
  const bare = jsonwebtoken.decode((await signLikeVonage({ secret: SECRET }, undefined)).replace(/^Bearer /, '')) as Record<string, unknown>
  t.strictSame(Object.keys(bare).sort(), ['iat', 'iss', 'jti'], 'a GET has no payload_hash; no api_key or application_id unless required')
})

t.test('every reason a token is refused: 401 with the reason, a warning, nothing stored, no NCCO', async (t) => {
  const server = await signedServer(t, { signature: { secret: SECRET, apiKey: API_KEY, applicationId: APPLICATION_ID } })
  const body = answerBody('r1')
  // The age is in whole seconds; a second may tick between signing and checking.
  const cases: { name: string; authorization: string; reason: string; message: string | RegExp }[] = [
    { name: 'not a Bearer token', authorization: `Basic ${Buffer.from('user:pass').toString('base64')}`, reason: 'malformed', message: 'the Authorization header is not "Bearer <token>"' },
    { name: 'an empty Bearer', authorization: 'Bearer ', reason: 'malformed', message: 'the Authorization header is not "Bearer <token>"' },
    { name: 'not a JWT', authorization: 'Bearer not-a-jwt', reason: 'malformed', message: 'Invalid Compact JWS' },
    { name: 'a JWT whose claims are not JSON', authorization: `Bearer ${vonageToken({ body }).split('.')[0]}.bm90IGpzb24.${vonageToken({ body }).split('.')[2]}`, reason: 'signature', message: 'no signature secret verifies it' },
    { name: 'another secret', authorization: bearer(vonageToken({ body, secret: 'an-old-secret-nobody-configured' })), reason: 'signature', message: 'no signature secret verifies it' },
    { name: 'alg none', authorization: bearer(unsecuredToken(body)), reason: 'signature', message: '"alg" (Algorithm) Header Parameter value not allowed: only HS256 is accepted' },
    { name: 'HS512 with the right secret', authorization: bearer(vonageToken({ body, header: { alg: 'HS512', typ: 'JWT' }, hmac: 'sha512' })), reason: 'signature', message: '"alg" (Algorithm) Header Parameter value not allowed: only HS256 is accepted' },
    { name: 'iat too old', authorization: bearer(vonageToken({ body, iat: now() - 400 })), reason: 'expired', message: /^iat is 40[01] s in the past, more than 300 s from now$/ },
    { name: 'iat in the future', authorization: bearer(vonageToken({ body, iat: now() + 400 })), reason: 'expired', message: /^iat is (399|400) s in the future, more than 300 s from now$/ },
    { name: 'an exp in the past', authorization: bearer(vonageToken({ body, claims: { exp: now() - 10 } })), reason: 'expired', message: '"exp" claim timestamp check failed' },
    { name: 'an nbf in the future', authorization: bearer(vonageToken({ body, claims: { nbf: now() + 60 } })), reason: 'expired', message: '"nbf" claim timestamp check failed' },
    { name: 'no iat', authorization: bearer(vonageToken({ body, claims: { iat: undefined } })), reason: 'malformed', message: 'missing required "iat" claim' },
    { name: 'iat not a number', authorization: bearer(vonageToken({ body, claims: { iat: 'yesterday' } })), reason: 'malformed', message: '"iat" claim must be a number' },
    { name: 'another issuer', authorization: bearer(vonageToken({ body, claims: { iss: 'Mallory' } })), reason: 'issuer', message: 'iss is not "Vonage"' },
    { name: 'no issuer', authorization: bearer(vonageToken({ body, claims: { iss: undefined } })), reason: 'issuer', message: 'iss is not "Vonage"' },
    { name: 'the body changed', authorization: bearer(vonageToken({ body: answerBody('someone-else') })), reason: 'body', message: 'payload_hash is not the SHA-256 of the body: the body changed' },
    { name: 'no payload_hash for a body', authorization: bearer(vonageToken()), reason: 'body', message: 'the token has no payload_hash for the body' },
    { name: 'another API key', authorization: bearer(vonageToken({ body, claims: { api_key: 'ffff0000' } })), reason: 'api-key', message: 'api_key "ffff0000" is not the configured one' },
    { name: 'no API key', authorization: bearer(vonageToken({ body, claims: { api_key: undefined } })), reason: 'api-key', message: 'api_key null is not the configured one' },
    { name: 'another application', authorization: bearer(vonageToken({ body, claims: { application_id: 'ffffffff-0000-0000-0000-000000000000' } })), reason: 'application', message: 'application_id "ffffffff-0000-0000-0000-000000000000" is not the configured one' },
    { name: 'no application', authorization: bearer(vonageToken({ body, claims: { application_id: undefined } })), reason: 'application', message: 'application_id null is not the configured one' },
  ]
  for (const c of cases) {
    const warnings = server.at(level.warn).length
    for (const url of ['/answer', '/flows/signed/menu/input', '/event']) {
      const doc = refusal(t, await post(server, url, body, c.authorization), 401) as { message: string }
      const message = `Webhook signature rejected (${c.reason}): ${typeof c.message === 'string' ? c.message : (c.message.exec(doc.message.replace(/^[^:]*: /, ''))?.[0] ?? '(no match)')}`
      t.strictSame(doc, { code: 'NCCOFLOW_ERR_SIGNATURE_INVALID', message }, `${c.name} on ${url}`)
    }
    const logged = server.at(level.warn).slice(warnings)
    t.equal(logged.length, 3, `${c.name}: one warning per request`)
    t.match(logged[0], { code: 'NCCOFLOW_ERR_SIGNATURE_INVALID', reason: c.reason, ip: '127.0.0.1', method: 'POST', url: '/answer', msg: new RegExp(`^Webhook signature rejected \\(${c.reason}\\): `) })
  }
  t.equal(server.store.size, 0, 'nothing stored')
  t.equal(server.logs.filter((l) => l.msg === 'webhook').length, 0, 'no webhook reached a handler')
})

t.test('no Authorization header: 503 so that Vonage retries signed; address and token checks come before the body is read', async (t) => {
  const server = await signedServer(t)
  for (const url of ['/answer', '/flows/signed/answer', '/flows/signed/menu/input', '/flows/signed/voicemail/record', '/event', '/fallback']) {
    t.strictSame(refusal(t, await post(server, url, answerBody('m1'), undefined), 503), {
      code: 'NCCOFLOW_ERR_SIGNATURE_MISSING',
      message: 'Webhook is not signed: no Authorization header; a 5xx makes Vonage retry it signed',
    }, url)
    t.equal((await server.get(url, { uuid: 'm1', conversation_uuid: conv('m1') })).statusCode, 503, `GET ${url}`)
  }
  t.match(server.at(level.warn).at(-1), { code: 'NCCOFLOW_ERR_SIGNATURE_MISSING', reason: 'missing', method: 'GET', url: '/fallback' })
  // A body that is not JSON would be the fallback NCCO on an NCCO route: the refusal comes first.
  t.equal((await post(server, '/answer', '{not json', undefined)).statusCode, 503)
  t.equal((await post(server, '/answer', '{not json', 'Bearer x')).statusCode, 401)
  t.equal(server.store.size, 0)
})

t.test('a GET webhook has no body to hash; its token is checked in every other way', async (t) => {
  const server = await signedServer(t)
  const query = '?uuid=g1&conversation_uuid=CON-g1&to=447700900100&from=447700900200'
  const get = (authorization: string) => server.app.inject({ method: 'GET', url: `/answer${query}`, headers: { authorization } })
  t.same(talks(validNcco(t, await get(bearer(vonageToken())))), ['Press 1 to leave a message.'], 'no payload_hash')
  t.same(talks(validNcco(t, await get(bearer(vonageToken({ body: '' }))))), ['Press 1 to leave a message.'], 'the hash of no body')
  t.strictSame(refusal(t, await get(bearer(vonageToken({ iat: now() - 301 }))), 401), { code: 'NCCOFLOW_ERR_SIGNATURE_INVALID', message: 'Webhook signature rejected (expired): iat is 301 s in the past, more than 300 s from now' })
  t.strictSame(refusal(t, await get(bearer(vonageToken({ secret: 'wrong' }))), 401), { code: 'NCCOFLOW_ERR_SIGNATURE_INVALID', message: 'Webhook signature rejected (signature): no signature secret verifies it' })
  const head = await server.app.inject({ method: 'HEAD', url: `/answer${query}` })
  t.equal(head.statusCode, 503, 'HEAD, which fastify adds beside GET, is guarded too')
})

t.test('a retry from Vonage (same token, same body) is accepted and gets the same NCCO', async (t) => {
  const server = await signedServer(t)
  const body = answerBody('retry-1')
  const token = bearer(vonageToken({ body }))
  const first = await post(server, '/answer', body, token)
  const again = await post(server, '/answer', body, token)
  t.equal(again.statusCode, 200)
  t.equal(again.body, first.body)
  const input = JSON.stringify({ uuid: 'retry-1', conversation_uuid: conv('retry-1'), dtmf: { digits: '1', timed_out: false }, timestamp: '2026-01-01T00:00:01.000Z' })
  const inputToken = bearer(vonageToken({ body: input }))
  const one = await post(server, '/flows/signed/menu/input', input, inputToken)
  const version = await server.version('retry-1')
  const two = await post(server, '/flows/signed/menu/input', input, inputToken)
  t.equal(two.body, one.body, 'the same NCCO')
  t.equal(await server.version('retry-1'), version, 'the call did not advance twice')
})

t.test('rotation: every secret of the list is accepted, the new one first', async (t) => {
  const server = await signedServer(t, { signature: { secret: ['the-new-secret', SECRET] } })
  for (const [uuid, secret] of [['new', 'the-new-secret'], ['old', SECRET]] as const) {
    const body = answerBody(uuid)
    t.equal((await post(server, '/answer', body, bearer(vonageToken({ body, secret })))).statusCode, 200, secret)
  }
  const body = answerBody('other')
  t.equal((await post(server, '/answer', body, bearer(vonageToken({ body, secret: 'a-third-secret' })))).statusCode, 401)
  t.strictSame([...(await Promise.all(['new', 'old', 'other'].map((id) => server.record(id))))].map((r) => r !== undefined), [true, true, false])
})

t.test('max age: VONAGE_SIGNATURE_MAX_AGE widens or narrows the window', async (t) => {
  const server = await signedServer(t, { signature: { secret: SECRET, maxAgeSeconds: 30 } })
  const body = answerBody('age')
  t.equal((await post(server, '/answer', body, bearer(vonageToken({ body, iat: now() - 20 })))).statusCode, 200)
  t.match(refusal(t, await post(server, '/answer', body, bearer(vonageToken({ body, iat: now() - 60 }))), 401), { message: /more than 30 s from now/ })
})

t.test('without a secret: one warning at start-up, and webhooks get in unsigned', async (t) => {
  const open = await testServer(t, { flows: [menu] })
  const warning = 'VONAGE_SIGNATURE_SECRET is not set: webhooks are not verified, anyone who knows their URLs can drive calls'
  t.equal(open.logs.filter((l) => l.msg === warning && l.level === level.warn).length, 1)
  t.equal((await open.answer('u1')).statusCode, 200)
  t.equal((await open.answer('u2')).statusCode, 200)
  t.equal(open.logs.filter((l) => l.msg === warning).length, 1, 'only once')
  const signed = await signedServer(t)
  t.equal(signed.logs.filter((l) => l.msg === warning).length, 0, 'none with a secret')
})

t.test('/healthz and local audio are not webhook routes; a user route marked webhook is guarded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nccoflow-audio-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'hold.mp3'), Buffer.from([0x49, 0x44, 0x33]))
  const music = { ...flow('music').steps({ play: (s) => s.stream('./hold.mp3') }).toDefinition(), baseDir: dir }
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(nccoflow, { flows: [music], publicUrl: 'https://ivr.test', signature, allowedIps: ['198.51.100.0/24'] })
  app.post('/mine', { config: { webhook: true } }, async () => ({ mine: true }))
  app.post('/free', async () => ({ free: true }))
  await app.ready()
  const outside = { remoteAddress: '203.0.113.9' }
  t.strictSame((await app.inject({ method: 'GET', url: '/healthz', ...outside })).json(), { status: 'ok', store: 'memory', flows: ['music'] })
  t.equal((await app.inject({ method: 'GET', url: '/flows/music/audio/hold.mp3', ...outside })).statusCode, 200, 'audio: Vonage fetches it unsigned')
  t.equal((await app.inject({ method: 'POST', url: '/free', ...outside })).statusCode, 200)
  t.strictSame((await app.inject({ method: 'POST', url: '/mine', ...outside })).json(), { code: 'NCCOFLOW_ERR_IP_FORBIDDEN', message: 'Webhook from 203.0.113.9 refused: the address is not in ALLOWED_IPS' })
  t.equal((await app.inject({ method: 'POST', url: '/mine', remoteAddress: '198.51.100.1' })).statusCode, 503)
  t.strictSame((await app.inject({ method: 'POST', url: '/mine', remoteAddress: '198.51.100.1', headers: { authorization: bearer(vonageToken()) } })).json(), { mine: true })
})

t.test('bad signature options fail at ready() naming the option', async (t) => {
  const cases: { signature: unknown; message: RegExp }[] = [
    { signature: null, message: /Invalid nccoflow option signature: it must be an object with a secret/ },
    { signature: {}, message: /option signature\.secret: it must be a non-empty string or a non-empty list/ },
    { signature: { secret: '' }, message: /option signature\.secret/ },
    { signature: { secret: [] }, message: /option signature\.secret/ },
    { signature: { secret: ['ok', ' '] }, message: /option signature\.secret/ },
    { signature: { secret: SECRET, maxAgeSeconds: 0 }, message: /option signature\.maxAgeSeconds: it must be a positive number of seconds, got 0/ },
    { signature: { secret: SECRET, maxAgeSeconds: Number.NaN }, message: /got NaN/ },
    { signature: { secret: SECRET, maxAgeSeconds: '300' }, message: /got 300/ },
    { signature: { secret: SECRET, apiKey: '' }, message: /option signature\.apiKey: it must be a non-empty string when set/ },
    { signature: { secret: SECRET, applicationId: 42 }, message: /option signature\.applicationId/ },
  ]
  for (const c of cases) {
    await t.rejects(testServer(t, { flows: [menu], signature: c.signature as SignatureOptions }), { code: 'NCCOFLOW_ERR_OPTIONS_INVALID', message: c.message }, String(c.message))
  }
})
