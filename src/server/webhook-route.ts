import { hash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../errors.js'
import { renderedText } from '../runtime/render.js'
import type { FallbackReason } from '../runtime/transaction.js'
import type { Payload } from '../runtime/types.js'
import { parseWebhook, type PayloadKind, type WebhookIssue } from '../webhooks/index.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The call a webhook is about, for its log line. */
    nccoflowCall?: { uuid?: string; flow?: string; step?: string }
  }
}

/** One route nccoflow registered, for `nccoflow routes` and docs. */
export interface RouteInfo {
  readonly methods: readonly string[]
  readonly url: string
  readonly flow?: string
  readonly step?: string
  readonly kind: string
}

/** A webhook as its handler gets it: the payload parsed and normalised once, or the problem that kept it from parsing. */
export type WebhookHandler = (request: FastifyRequest, reply: FastifyReply, payload: Payload | undefined, problem: string | undefined) => Promise<unknown>

/** Largest webhook body accepted, in bytes. */
const BODY_LIMIT = 64 * 1024

/** Webhook issues as one line for a 400 body or a log: `dtmf.digits: ...; uuid: ...`. */
export function describeIssues(issues: readonly WebhookIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')
}

/** A key equal for a request and Vonage's retries of it: a digest of method, URL and body bytes (latin1 keeps every byte). */
export function requestKey(request: FastifyRequest): string {
  return hash('sha1', `${request.method}\n${request.url}\n${request.rawBody?.toString('latin1') ?? ''}`, 'hex').slice(0, 20)
}

/** Answers 400 `NCCOFLOW_ERR_WEBHOOK_INVALID` naming the field at fault (routes whose body Vonage ignores). */
export function badRequest(reply: FastifyReply, kind: string, problem: string): FastifyReply {
  const error = new errors.WEBHOOK_INVALID.Error(kind, problem)
  return reply.code(400).send({ statusCode: 400, code: error.code, error: 'Bad Request', message: error.message })
}

/** Answers an NCCO (or `[]`); one the runtime keeps rendered goes out as the JSON text it keeps with it. */
export function sendNcco(reply: FastifyReply, ncco: unknown): FastifyReply {
  return reply.code(200).type('application/json').send(renderedText(ncco) ?? ncco)
}

/** How one webhook route is registered. */
export interface WebhookRoute {
  readonly url: string
  /** The payload kind its body is parsed as (once, by `parseWebhook`); undefined: any object. */
  readonly kind: PayloadKind | undefined
  readonly meta: Omit<RouteInfo, 'methods' | 'url'>
  readonly handler: WebhookHandler
  /** For routes whose answer Vonage uses as an NCCO: what any failure answers, so the caller never hears silence. */
  readonly fallback?: unknown
  /** Told when a failure made the route answer `fallback` (metrics). */
  readonly onFallback?: (reason: FallbackReason) => void
}

/**
 * Registers GET and POST for a webhook: the body (or query) is parsed and checked once, the call is tagged for the log
 * line, and a failure answers a 400 (routes whose body Vonage ignores) or the fallback NCCO (routes whose answer is one).
 */
export function registerWebhook(app: FastifyInstance, route: WebhookRoute, fallbackFlow: string): RouteInfo {
  const { url, kind, meta, handler, fallback, onFallback } = route
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url,
      // The signature and allowedIps options guard it (webhook-guard.ts).
      config: { webhook: true, kind: meta.kind },
      // Vonage's payloads are small; a bound keeps a hostile one from growing the store.
      bodyLimit: BODY_LIMIT,
      errorHandler: fallback === undefined
        ? (error: Error & { statusCode?: number }, _request: FastifyRequest, reply: FastifyReply) => {
            // A body that is not JSON, or not sent as JSON: the same 400 as any other bad payload.
            if (error.statusCode !== 400 && error.statusCode !== 415) throw error
            return badRequest(reply, meta.kind, `body: ${error.message}`)
          }
        // An NCCO route never fails: whatever goes wrong (a body that is not JSON, a store that is down), the caller hears the fallback.
        : (error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
            request.log.error({ err: error, ...meta, ...request.nccoflowCall, flow: meta.flow ?? fallbackFlow }, 'NCCO route failed: the caller hears the fallback NCCO')
            onFallback?.(error.statusCode === 400 || error.statusCode === 415 ? 'bad_request' : 'flow_error')
            return sendNcco(reply, fallback)
          },
      handler: async (request, reply) => {
        const raw = (method === 'GET' ? request.query : request.body) as Record<string, unknown> | null | undefined
        const uuid = raw !== null && typeof raw === 'object' ? (raw as Payload).uuid ?? (raw as Payload).conversation_uuid : undefined
        // Each log line about the call carries its uuid, flow and step, including fastify's own for this request.
        request.nccoflowCall = { uuid: typeof uuid === 'string' ? uuid : undefined, flow: meta.flow, step: meta.step }
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return handler(request, reply, undefined, 'the payload must be a JSON object')
        if (kind === undefined) return handler(request, reply, raw as Payload, undefined)
        // The one check of the payload: decodes a GET query's JSON-text fields, names the field at fault, normalises.
        const parsed = parseWebhook(kind, raw)
        if (!parsed.ok) return handler(request, reply, undefined, describeIssues(parsed.issues))
        return handler(request, reply, parsed.value as Payload, undefined)
      },
    })
  }
  return { methods: ['GET', 'POST'], url, ...meta }
}
