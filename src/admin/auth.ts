import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../errors.js'
import type { ResolvedAdmin } from '../server/options.js'
import { sendAdminError } from './errors.js'

/** The cookie `POST /_nccoflow/api/session` sets. */
export const SESSION_COOKIE = 'nccoflow_admin'

/** How long a sign-in lasts. */
const SESSION_SECONDS = 12 * 3600

/** An onRequest hook that lets a request through only with the admin token (bearer) or a valid session cookie. */
export type RequireAdmin = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/** Whether two strings are equal, in a time that does not tell how much of them matched. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/**
 * The admin routes' authentication: `Authorization: Bearer <token>`, or the HttpOnly cookie a sign-in sets. The cookie
 * holds its expiry time signed with the token (HMAC-SHA256, by @fastify/cookie), so every instance that has the token
 * accepts it, no session is stored, and changing the token signs everybody out. Open admin (no token) lets all through.
 */
export function adminAuth(admin: ResolvedAdmin, cookiePath: string) {
  const { token } = admin

  const signedIn = (request: FastifyRequest): boolean => {
    if (token === undefined) return true
    const header = request.headers.authorization
    if (header !== undefined) {
      const match = /^Bearer\s+(.+)$/i.exec(header)
      return match !== null && sameSecret((match[1] as string).trim(), token)
    }
    const cookie = request.cookies[SESSION_COOKIE]
    if (cookie === undefined) return false
    const { valid, value } = request.unsignCookie(cookie)
    return valid && Number(value) > Date.now()
  }

  const requireAdmin: RequireAdmin = async (request, reply) => {
    if (signedIn(request)) return
    const why = request.headers.authorization !== undefined ? 'the bearer token is not the admin token' : 'send Authorization: Bearer <ADMIN_TOKEN>, or sign in with POST /_nccoflow/api/session'
    await sendAdminError(reply, new errors.ADMIN_UNAUTHORIZED.Error(why))
  }

  /** `POST <path>/api/session` `{ token }` signs in (204 and the cookie); `DELETE` signs out. */
  const registerSession = (app: FastifyInstance, apiPath: string): void => {
    app.post(`${apiPath}/session`, async (request, reply) => {
      const body = request.body as { token?: unknown } | null | undefined
      const given = body !== null && typeof body === 'object' ? body.token : undefined
      if (typeof given !== 'string') return sendAdminError(reply, new errors.ADMIN_REQUEST_INVALID.Error('body.token', 'send a JSON body { "token": "<ADMIN_TOKEN>" }'))
      if (token === undefined) return reply.code(204).send()
      if (!sameSecret(given, token)) return sendAdminError(reply, new errors.ADMIN_UNAUTHORIZED.Error('the token is not the admin token'))
      const expires = Date.now() + SESSION_SECONDS * 1000
      return reply
        .setCookie(SESSION_COOKIE, String(expires), { signed: true, httpOnly: true, sameSite: 'strict', path: cookiePath, maxAge: SESSION_SECONDS, secure: request.protocol === 'https' })
        .code(204)
        .send()
    })
    app.delete(`${apiPath}/session`, async (_request, reply) =>
      reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: cookiePath }).code(204).send())
  }

  return { requireAdmin, registerSession }
}
