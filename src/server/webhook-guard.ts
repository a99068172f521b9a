import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { errors } from '../errors.js'
import { parseAllowlist } from './allowlist.js'
import { createSignatureVerifier, type SignatureOptions, type SignatureResult, type VonageClaims } from './signature.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a route Vonage calls: the `signature` and `allowedIps` options guard it. */
    webhook?: boolean
    /** A webhook route's kind (`answer`, `event`, `input`, …): the `kind` label of its metrics. */
    kind?: string
  }
}

/** The options that decide who may call a webhook route. */
export interface WebhookGuardOptions {
  readonly signature?: SignatureOptions | undefined
  readonly allowedIps?: readonly string[] | undefined
}

type Refusal = Extract<SignatureResult, { ok: false }>

function prepend<T>(hook: T, existing: T | T[] | undefined): T[] {
  return [hook].concat(existing ?? [])
}

/**
 * Guards every route registered after it with `config: { webhook: true }`: the address check (`allowedIps`, 403) and
 * the token check (`signature`: 503 without an `Authorization` header, 401 for a token that fails) run in `onRequest`,
 * before the body is read; the body hash runs in `preValidation`, once the raw body is kept. A refusal is a JSON
 * `{ code, message }` and a warning with the reason; the route's handler (and its error handler) never runs.
 * Without a secret it logs one warning that webhooks are not verified.
 * @throws NCCOFLOW_ERR_OPTIONS_INVALID for a bad `signature` or `allowedIps`, when the plugin registers.
 * @example
 * webhookGuard(app, { signature: { secret: 'new,old'.split(',') }, allowedIps: ['198.51.100.0/24'] })
 * app.post('/answer', { config: { webhook: true } }, handler)
 */
export function webhookGuard(app: FastifyInstance, options: WebhookGuardOptions): void {
  const allowlist = options.allowedIps === undefined ? undefined : parseAllowlist(options.allowedIps)
  const verifier = options.signature === undefined ? undefined : createSignatureVerifier(options.signature)
  if (verifier === undefined) app.log.warn('VONAGE_SIGNATURE_SECRET is not set: webhooks are not verified, anyone who knows their URLs can drive calls')
  if (allowlist === undefined && verifier === undefined) return
  const claimsOf = new WeakMap<FastifyRequest, VonageClaims>()

  const refuse = (request: FastifyRequest, reply: FastifyReply, error: Error & { code: string; statusCode: number }, reason: string) => {
    request.log.warn({ code: error.code, reason, ip: request.ip, method: request.method, url: request.url.split('?')[0] }, error.message)
    return reply.code(error.statusCode).type('application/json').send({ code: error.code, message: error.message })
  }
  const signatureRefusal = (request: FastifyRequest, reply: FastifyReply, result: Refusal) =>
    result.reason === 'missing'
      ? refuse(request, reply, new errors.SIGNATURE_MISSING.Error(`${result.detail}; a 5xx makes Vonage retry it signed`), result.reason)
      : refuse(request, reply, new errors.SIGNATURE_INVALID.Error(result.reason, result.detail), result.reason)

  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    if (allowlist !== undefined && !allowlist.allows(request.ip)) {
      return refuse(request, reply, new errors.IP_FORBIDDEN.Error(String(request.ip), 'the address is not in ALLOWED_IPS'), 'address')
    }
    if (verifier === undefined) return
    const result = await verifier.token(request.headers.authorization)
    if (!result.ok) return signatureRefusal(request, reply, result)
    claimsOf.set(request, result.claims)
  }
  const preValidation = async (request: FastifyRequest, reply: FastifyReply) => {
    const result = verifier?.body(claimsOf.get(request) as VonageClaims, request.rawBody)
    if (result?.ok === false) return signatureRefusal(request, reply, result)
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config?.webhook !== true) return
    route.onRequest = prepend(onRequest, route.onRequest as typeof onRequest | undefined) as RouteOptions['onRequest']
    if (verifier !== undefined) route.preValidation = prepend(preValidation, route.preValidation as typeof preValidation | undefined) as RouteOptions['preValidation']
  })
}
