// Who may use the call API: the admin token as a bearer, or the HttpOnly cookie a sign-in sets; nobody when admin is off.
import t, { type Test } from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import { buildServer } from '../../src/server/build.js'
import { SESSION_COOKIE } from '../../src/admin/auth.js'

const TOKEN = 'admin-token-for-tests-0123456789'
const bearer = { authorization: `Bearer ${TOKEN}` }

async function server(t: Test, admin: Parameters<typeof buildServer>[0]['admin'], prefix?: string, trustProxy = false) {
  const app = await buildServer({ flows: [ivrMenu], publicUrl: 'https://ivr.test', admin, prefix, trustProxy })
  t.teardown(() => app.close())
  return app
}

const unauthorized = (message: string) => ({ statusCode: 401, code: 'NCCOFLOW_ERR_ADMIN_UNAUTHORIZED', error: 'Unauthorized', message: `The call API needs the admin token: ${message}` })

t.test('admin off: every /_nccoflow path is 404, even with a token, and no hook is added to webhooks', async (t) => {
  const app = await server(t, undefined)
  for (const url of ['/_nccoflow/', '/_nccoflow/api/flows', '/_nccoflow/api/calls', '/_nccoflow/api/session']) {
    t.equal((await app.inject({ url, headers: bearer })).statusCode, 404, url)
  }
  t.equal((await app.inject({ method: 'POST', url: '/_nccoflow/api/session', payload: { token: TOKEN } })).statusCode, 404)
  t.notOk(app.hasPlugin('@fastify/cookie'), 'no cookie parser')
  t.equal(app.printRoutes().includes('_nccoflow'), false, 'no admin route')
})

t.test('a request without the token, or with another, is refused with 401 and a code', async (t) => {
  const app = await server(t, { token: TOKEN })
  const none = await app.inject({ url: '/_nccoflow/api/flows' })
  t.equal(none.statusCode, 401)
  t.strictSame(none.json(), unauthorized('send Authorization: Bearer <ADMIN_TOKEN>, or sign in with POST /_nccoflow/api/session'))
  for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer ']) {
    const wrong = await app.inject({ url: '/_nccoflow/api/flows', headers: { authorization } })
    t.strictSame([wrong.statusCode, wrong.json()], [401, unauthorized('the bearer token is not the admin token')], authorization)
  }
  t.equal((await app.inject({ url: '/_nccoflow/api/flows', headers: { authorization: `bearer  ${TOKEN}` } })).statusCode, 200, 'the scheme is case-insensitive')
  t.equal((await app.inject({ url: '/_nccoflow/api/flows', headers: { cookie: `${SESSION_COOKIE}=${Date.now() + 60_000}` } })).statusCode, 401, 'an unsigned cookie')
})

t.test('sign in once: the cookie is HttpOnly, SameSite=Strict, for /_nccoflow only, and lets the API through; sign out', async (t) => {
  const app = await server(t, { token: TOKEN })
  const wrong = await app.inject({ method: 'POST', url: '/_nccoflow/api/session', payload: { token: 'not-the-token' } })
  t.strictSame([wrong.statusCode, wrong.json(), wrong.headers['set-cookie']], [401, unauthorized('the token is not the admin token'), undefined])
  const missing = await app.inject({ method: 'POST', url: '/_nccoflow/api/session', payload: { secret: TOKEN } })
  t.strictSame(missing.json(), { statusCode: 400, code: 'NCCOFLOW_ERR_ADMIN_REQUEST_INVALID', error: 'Bad Request', message: 'Invalid body.token: send a JSON body { "token": "<ADMIN_TOKEN>" }' })
  const empty = await app.inject({ method: 'POST', url: '/_nccoflow/api/session' })
  t.equal(empty.statusCode, 400, 'no body')

  const signIn = await app.inject({ method: 'POST', url: '/_nccoflow/api/session', payload: { token: TOKEN } })
  t.equal(signIn.statusCode, 204)
  const setCookie = String(signIn.headers['set-cookie'])
  t.match(setCookie, new RegExp(`^${SESSION_COOKIE}=\\d+\\.[\\w+/=-]+; Max-Age=43200; Path=/_nccoflow; HttpOnly; SameSite=Strict$`))
  t.notMatch(setCookie, TOKEN, 'the cookie does not hold the token')
  t.notMatch(setCookie, 'Secure', 'plain http: no Secure flag')
  const cookie = setCookie.split(';')[0] as string
  t.equal((await app.inject({ url: '/_nccoflow/api/flows', headers: { cookie } })).statusCode, 200)

  const [name, value] = cookie.split('=') as [string, string]
  const [expires, signature] = value.split('.') as [string, string]
  t.equal((await app.inject({ url: '/_nccoflow/api/flows', headers: { cookie: `${name}=${Number(expires) + 1}.${signature}` } })).statusCode, 401, 'a cookie whose expiry was changed')

  const signOut = await app.inject({ method: 'DELETE', url: '/_nccoflow/api/session', headers: { cookie } })
  t.equal(signOut.statusCode, 204)
  t.match(String(signOut.headers['set-cookie']), new RegExp(`^${SESSION_COOKIE}=; Max-Age=0; Path=/_nccoflow; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$`))

  const behindTls = await server(t, { token: TOKEN }, undefined, true)
  const secure = await behindTls.inject({ method: 'POST', url: '/_nccoflow/api/session', payload: { token: TOKEN }, headers: { 'x-forwarded-proto': 'https' } })
  t.match(String(secure.headers['set-cookie']), /; HttpOnly; Secure; SameSite=Strict$/, 'served over https: Secure')
})

t.test('an expired sign-in is refused; another token (a server with a new one) does not accept the old cookie', async (t) => {
  const app = await server(t, { token: TOKEN })
  const signIn = await app.inject({ method: 'POST', url: '/_nccoflow/api/session', payload: { token: TOKEN } })
  const cookie = String(signIn.headers['set-cookie']).split(';')[0] as string
  const rotated = await server(t, { token: `${TOKEN}-rotated` })
  t.equal((await rotated.inject({ url: '/_nccoflow/api/flows', headers: { cookie } })).statusCode, 401)
  const { unsign, sign } = await import('@fastify/cookie')
  const past = sign(String(Date.now() - 1000), TOKEN)
  t.ok(unsign(past, TOKEN).valid, 'a well-signed cookie')
  t.equal((await app.inject({ url: '/_nccoflow/api/flows', headers: { cookie: `${SESSION_COOKIE}=${past}` } })).statusCode, 401, 'but expired')
})

t.test('open admin (nccoflow dev): no token needed; signing in answers 204 without a cookie', async (t) => {
  const app = await server(t, { open: true })
  t.equal((await app.inject({ url: '/_nccoflow/api/flows' })).statusCode, 200)
  const signIn = await app.inject({ method: 'POST', url: '/_nccoflow/api/session', payload: { token: 'anything' } })
  t.strictSame([signIn.statusCode, signIn.headers['set-cookie']], [204, undefined])
  t.equal((await server(t, { open: false })).hasPlugin('@fastify/cookie'), false, 'open: false and no token is off')
})

t.test('with a prefix, the admin routes and the cookie path are under it', async (t) => {
  const app = await server(t, { token: TOKEN }, '/vonage')
  t.equal((await app.inject({ url: '/vonage/_nccoflow/api/flows', headers: bearer })).statusCode, 200)
  t.equal((await app.inject({ url: '/_nccoflow/api/flows', headers: bearer })).statusCode, 404)
  const signIn = await app.inject({ method: 'POST', url: '/vonage/_nccoflow/api/session', payload: { token: TOKEN } })
  t.match(String(signIn.headers['set-cookie']), /; Path=\/vonage\/_nccoflow;/)
})

t.test('a token shorter than 16 characters fails ready() naming the option', async (t) => {
  await t.rejects(buildServer({ flows: [ivrMenu], admin: { token: 'short' } }), { code: 'NCCOFLOW_ERR_OPTIONS_INVALID', message: /admin\.token/ })
})
