// Issue 9: ALLOWED_IPS lets webhooks in only from the listed addresses and ranges (IPv4, IPv6, and the IPv4-mapped
// IPv6 addresses a dual-stack socket reports). The address that counts is the socket's unless TRUST_PROXY says which
// proxies' X-Forwarded-For to believe; the address check comes before the token check.
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { parseAllowlist } from '../../src/server/allowlist.js'
import { buildServer } from '../../src/server/build.js'
import { level, logSink, testServer, type ServerOptions } from './fixtures/app.js'
import { SECRET, vonageToken } from './fixtures/vonage-token.js'

const hello = flow('hello').steps({ hi: (s) => s.talk('Hello.') })
const answer = { uuid: 'a1', conversation_uuid: 'CON-a1', to: '447700900100', from: '447700900200' }

function ipServer(t: Test, allowedIps: readonly string[], options: Partial<ServerOptions> = {}) {
  return testServer(t, { flows: [hello], allowedIps, ...options })
}

t.test('a webhook from an address outside the list gets 403 with a warning, nothing stored', async (t) => {
  const server = await ipServer(t, ['198.51.100.0/24', '203.0.113.7', '2001:db8::/32', '::1'])
  const from = (remoteAddress: string, url = '/answer') => server.app.inject({ method: 'POST', url, payload: answer, remoteAddress })
  for (const address of ['198.51.100.1', '198.51.100.254', '203.0.113.7', '2001:db8::1', '2001:db8:ffff::42', '::1', '::ffff:198.51.100.9', '::ffff:cb00:7107']) {
    t.equal((await from(address)).statusCode, 200, `${address} is allowed`)
  }
  for (const address of ['198.51.101.1', '203.0.113.8', '127.0.0.1', '2001:db9::1', '::2', '::ffff:203.0.113.8', 'not-an-address']) {
    const res = await from(address)
    t.equal(res.statusCode, 403, `${address} is refused`)
    t.match(res.headers['content-type'], /^application\/json/)
    t.strictSame(res.json(), { code: 'NCCOFLOW_ERR_IP_FORBIDDEN', message: `Webhook from ${address} refused: the address is not in ALLOWED_IPS` })
  }
  t.match(server.at(level.warn).at(-1), { code: 'NCCOFLOW_ERR_IP_FORBIDDEN', reason: 'address', ip: 'not-an-address', method: 'POST', url: '/answer' })
  t.equal((await from('10.0.0.1', '/event')).statusCode, 403, '/event too')
  t.equal((await server.app.inject({ method: 'GET', url: '/answer?uuid=a2', remoteAddress: '10.0.0.1' })).statusCode, 403, 'GET too')
  t.equal((await server.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.0.0.1' })).statusCode, 200, '/healthz is not a webhook')
  t.strictSame((await server.stored('a1'))?.value.call.uuid, 'a1')
  t.equal(server.store.size, 1, 'only the allowed answers stored a call')
})

t.test('the address check comes before the token check', async (t) => {
  const server = await ipServer(t, ['198.51.100.0/24'], { signature: { secret: SECRET } })
  const post = (remoteAddress: string, authorization?: string) => server.app.inject({ method: 'POST', url: '/answer', payload: answer, remoteAddress, headers: authorization === undefined ? {} : { authorization } })
  t.equal((await post('10.0.0.1')).statusCode, 403, 'no token from outside: 403, not 503')
  t.equal((await post('10.0.0.1', `Bearer ${vonageToken({ body: JSON.stringify(answer) })}`)).statusCode, 403, 'a good token from outside: 403')
  t.equal((await post('198.51.100.1')).statusCode, 503)
  t.equal((await post('198.51.100.1', `Bearer ${vonageToken({ body: JSON.stringify(answer) })}`)).statusCode, 200)
})

t.test('bad allowedIps fail at ready() naming the option and the entry', async (t) => {
  const cases: [unknown, string][] = [
    [[], 'list at least one address or CIDR range, or leave it unset'],
    ['10.0.0.0/8', 'list at least one address or CIDR range, or leave it unset'],
    [['10.0.0.0/33'], '"10.0.0.0/33" is not an IPv4 or IPv6 address or CIDR range'],
    [['::/129'], '"::/129" is not an IPv4 or IPv6 address or CIDR range'],
    [['10.0.0.0/-1'], '"10.0.0.0/-1" is not an IPv4 or IPv6 address or CIDR range'],
    [['10.0.0.0/'], '"10.0.0.0/" is not an IPv4 or IPv6 address or CIDR range'],
    [['10.0.0.0/8/1'], '"10.0.0.0/8/1" is not an IPv4 or IPv6 address or CIDR range'],
    [['vonage.com'], '"vonage.com" is not an IPv4 or IPv6 address or CIDR range'],
    [['10.0.0.256'], '"10.0.0.256" is not an IPv4 or IPv6 address or CIDR range'],
    [[''], '"" is not an IPv4 or IPv6 address or CIDR range'],
    [[42], '"42" is not an IPv4 or IPv6 address or CIDR range'],
  ]
  for (const [allowedIps, problem] of cases) {
    await t.rejects(ipServer(t, allowedIps as string[]), { code: 'NCCOFLOW_ERR_OPTIONS_INVALID', message: `Invalid nccoflow option allowedIps: ${problem}` }, JSON.stringify(allowedIps))
  }
  t.strictSame(parseAllowlist([' 10.0.0.0/8 ', '::/0']).entries, [' 10.0.0.0/8 ', '::/0'], 'entries are trimmed when parsed and kept as given')
  t.ok(parseAllowlist(['::/0']).allows('2001:db8::1'))
  t.ok(parseAllowlist(['0.0.0.0/0']).allows('192.0.2.1'))
  t.notOk(parseAllowlist(['0.0.0.0/0']).allows(undefined), 'a socket with no address is refused')
})

/** A server listening on a real socket; its base URL and log lines. */
async function listening(t: Test, options: Partial<ServerOptions> & { trustProxy?: number | boolean | string[]; host?: string }) {
  const logs = logSink()
  const { host = '127.0.0.1', ...rest } = options
  const app = await buildServer({ flows: [hello], publicUrl: 'https://ivr.test', logger: { level: 'warn', stream: logs.stream }, ...rest })
  t.teardown(() => app.close())
  await app.listen({ port: 0, host })
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, logs: logs.lines }
}

const postAnswer = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/answer`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(answer) })

t.test('behind a proxy: X-Forwarded-For is ignored by default, believed for TRUST_PROXY hops', async (t) => {
  const byDefault = await listening(t, { allowedIps: ['198.51.100.0/24'] })
  const forged = await postAnswer(byDefault.url, { 'x-forwarded-for': '198.51.100.7' })
  t.equal(forged.status, 403, 'a forged X-Forwarded-For does not get in')
  t.strictSame(await forged.json(), { code: 'NCCOFLOW_ERR_IP_FORBIDDEN', message: 'Webhook from 127.0.0.1 refused: the address is not in ALLOWED_IPS' })
  const socketAllowed = await listening(t, { allowedIps: ['127.0.0.1'] })
  t.equal((await postAnswer(socketAllowed.url, { 'x-forwarded-for': '203.0.113.9' })).status, 200, 'the socket\'s address counts')

  const oneHop = await listening(t, { allowedIps: ['198.51.100.0/24'], trustProxy: 1 })
  t.equal((await postAnswer(oneHop.url, { 'x-forwarded-for': '198.51.100.7' })).status, 200, 'one trusted hop: the client the proxy saw')
  t.equal((await postAnswer(oneHop.url, { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' })).status, 403, 'the last hop is the one the proxy appended')
  t.equal((await postAnswer(oneHop.url)).status, 403, 'without the header, the proxy itself')
  const twoHops = await listening(t, { allowedIps: ['198.51.100.0/24'], trustProxy: 2 })
  t.equal((await postAnswer(twoHops.url, { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' })).status, 200, 'two hops: the client the first proxy saw')
  const byAddress = await listening(t, { allowedIps: ['198.51.100.0/24'], trustProxy: ['127.0.0.1'] })
  t.equal((await postAnswer(byAddress.url, { 'x-forwarded-for': '198.51.100.7' })).status, 200, 'a trusted proxy address')
  t.match(byDefault.logs.find((l) => l.code === 'NCCOFLOW_ERR_IP_FORBIDDEN'), { level: level.warn, ip: '127.0.0.1', reason: 'address' })
})

t.test('a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; an IPv4 entry matches them', async (t) => {
  let server: Awaited<ReturnType<typeof listening>>
  try {
    server = await listening(t, { allowedIps: ['127.0.0.0/8'], host: '::' })
  } catch (error) {
    t.pass(`no IPv6 on this machine: ${(error as Error).message}`)
    return
  }
  const res = await postAnswer(server.url)
  t.equal(res.status, 200)
  const refused = await listening(t, { allowedIps: ['10.0.0.0/8'], host: '::' })
  const denied = await postAnswer(refused.url)
  t.equal(denied.status, 403)
  t.strictSame(await denied.json(), { code: 'NCCOFLOW_ERR_IP_FORBIDDEN', message: 'Webhook from ::ffff:127.0.0.1 refused: the address is not in ALLOWED_IPS' })
})
