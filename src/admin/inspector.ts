import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { CallRecord } from '../runtime/call-record.js'
import type { SeenCall } from '../runtime/transaction.js'
import type { AdminEvents } from './events.js'
import { callKey, callRow } from './rows.js'

/** Most inspector entries kept per call. */
export const LOG_LIMIT = 50

/** One webhook a call handled, as the call API serves it. */
export interface InspectorEntry {
  readonly index: number
  /** When the request arrived (ISO 8601). */
  readonly at: string
  readonly method: string
  /** The URL path, without its query. */
  readonly path: string
  /** The route's kind: `answer`, `event`, `input`, `record`, … */
  readonly kind: string
  readonly stepBefore: string | null
  readonly stepAfter: string | null
  /** The HTTP status answered. */
  readonly status: number
  readonly ms: number
  /** The payload as received: the JSON body, or a GET's query. */
  readonly request: unknown
  /** The JSON answered (an NCCO), or null for an empty answer (204). */
  readonly response: unknown
}

/** What the store keeps per entry: the entry, and what a replay needs (never served). */
export interface StoredEntry extends Omit<InspectorEntry, 'index'> {
  /** The call's record before the webhook; null when the webhook created it. */
  readonly before: CallRecord | null
  /** The base of callback URLs the webhook was answered with. */
  readonly base: string
}

interface Seen {
  before: CallRecord | undefined
  after: CallRecord | undefined
  response?: unknown
}

/** The entry as served: without what only a replay needs. */
export function servedEntry(index: number, stored: StoredEntry): InspectorEntry {
  const { before: _before, base: _base, ...entry } = stored
  return { index, ...entry }
}

/** A webhook's answer as sent: JSON text (an NCCO, a 400's body), or nothing (204). */
function parseResponse(payload: unknown): unknown {
  return typeof payload === 'string' && payload !== '' ? JSON.parse(payload) : null
}

/**
 * The inspector: keeps, for each webhook whose call the store knows, an entry in that call's log (the last
 * {@link LOG_LIMIT}, expiring with the call), and publishes it as live events. The runtime tells it the call found and
 * what it became through `RequestInfo.seen`; the entry is written once the answer has been sent, so Vonage never waits
 * for it. Only created when the call API is on: off, webhooks carry no `seen` and no hook of this runs.
 */
export function createInspector() {
  const seen = new WeakMap<FastifyRequest, Seen>()
  return {
    /** What the runtime tells of a webhook's call (its request info's `seen`). */
    seenBy(request: FastifyRequest): SeenCall {
      return (before, after) => {
        seen.set(request, { before, after })
      }
    },

    /** Adds the hooks that write each entry and publish it. */
    register(app: FastifyInstance, options: { events: AdminEvents; ttlOf: (record: CallRecord) => number; baseUrl: (request: FastifyRequest) => string }): void {
      app.addHook('onSend', async (request, _reply, payload) => {
        const call = seen.get(request)
        if (call !== undefined) call.response = parseResponse(payload)
        return payload
      })
      app.addHook('onResponse', async (request, reply) => {
        const call = seen.get(request)
        const record = call?.after ?? call?.before
        if (call === undefined || record === undefined) return
        const ms = Math.round(reply.elapsedTime * 10) / 10
        const method = request.method
        const entry: StoredEntry = {
          at: new Date(Date.now() - reply.elapsedTime).toISOString(),
          method,
          path: request.url.split('?')[0] as string,
          kind: request.routeOptions.config.kind as string,
          stepBefore: call.before?.state.value ?? null,
          stepAfter: record.state.value,
          status: reply.statusCode,
          ms,
          request: method === 'GET' ? request.query : request.body,
          response: call.response ?? null,
          before: call.before ?? null,
          base: options.baseUrl(request),
        }
        try {
          const index = await options.events.store.appendLog(callKey(record), entry, { max: LOG_LIMIT, ttlSeconds: options.ttlOf(record) })
          const { request: _request, response: _response, ...fields } = servedEntry(index, entry)
          await options.events.publish({ webhook: { uuid: record.call.uuid, conversationUuid: record.call.conversationUuid ?? null, flow: record.flow, ...fields }, call: callRow(record) })
        } catch (error) {
          request.log.warn({ err: error, uuid: record.call.uuid }, 'the call inspector could not keep this webhook')
        }
      })
    },
  }
}

/** The inspector of one server (see {@link createInspector}). */
export type Inspector = ReturnType<typeof createInspector>
