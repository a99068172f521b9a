import type { FastifyInstance, FastifyReply } from 'fastify'
import { errors, isNccoflowError } from '../errors.js'
import type { CallRecord } from '../runtime/call-record.js'
import type { AdminContext } from './context.js'
import { sendAdminError } from './errors.js'
import { servedEntry, type StoredEntry } from './inspector.js'
import { callKey, callRow } from './rows.js'

/** Calls per page: 50 unless `limit` says otherwise, 200 at most. */
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 200

interface CallsQuery {
  readonly status?: unknown
  readonly flow?: unknown
  readonly limit?: unknown
  readonly cursor?: unknown
}

/** A 400 naming the field at fault. */
export function invalid(reply: FastifyReply, field: string, problem: string): FastifyReply {
  return sendAdminError(reply, new errors.ADMIN_REQUEST_INVALID.Error(field, problem))
}

/** A 404 for a call the store does not have. */
export function unknownCall(reply: FastifyReply, uuid: string): FastifyReply {
  return sendAdminError(reply, new errors.ADMIN_NOT_FOUND.Error(`call "${uuid}"`, 'the store has no call with that conversation or leg uuid (unknown, or expired)'))
}

/**
 * `GET <api>/calls`: the calls, most recently updated first, from the store's index (no scan of every key), filtered by
 * `status` (active, ended) and `flow`, `limit` a page (default 50, at most 200), `next` the cursor of the next page.
 * `GET <api>/calls/:uuid`: one call, by its conversation uuid or a leg's, with its context, history and inspector log.
 */
export function registerCallsApi(app: FastifyInstance, context: AdminContext): void {
  const { runtime, apiPath } = context

  app.get<{ Querystring: CallsQuery }>(`${apiPath}/calls`, async (request, reply) => {
    const { status, flow, limit: limitText, cursor } = request.query
    if (status !== undefined && status !== 'active' && status !== 'ended') return invalid(reply, 'query.status', `it must be active or ended, got "${String(status)}"`)
    if (flow !== undefined && typeof flow !== 'string') return invalid(reply, 'query.flow', 'give it once')
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText)
    if (typeof (limitText ?? '') !== 'string' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return invalid(reply, 'query.limit', `it must be a whole number from 1 to ${MAX_LIMIT}, got "${String(limitText)}"`)
    }
    if (cursor !== undefined && typeof cursor !== 'string') return invalid(reply, 'query.cursor', 'give it once')
    const filter = status === undefined && flow === undefined ? undefined : (record: CallRecord) =>
      (status === undefined || record.ended === (status === 'ended')) && (flow === undefined || record.flow === flow)
    try {
      const page = await runtime.store.listCalls({ limit, ...(cursor === undefined ? {} : { cursor }), ...(filter === undefined ? {} : { filter }) })
      return { calls: page.calls.map((c) => callRow(c.value)), ...(page.next === undefined ? {} : { next: page.next }) }
    } catch (error) {
      if (isNccoflowError(error, errors.STORE_INVALID_ARGUMENT.code)) return invalid(reply, 'query.cursor', 'it is not a cursor this server made (pass the `next` of a page as it is)')
      throw error
    }
  })

  app.get<{ Params: { uuid: string } }>(`${apiPath}/calls/:uuid`, async (request, reply) => {
    const stored = await runtime.findCall(request.params.uuid)
    if (stored === undefined) return unknownCall(reply, request.params.uuid)
    const record = stored.value
    const log = await runtime.store.readLog(callKey(record))
    return {
      ...callRow(record),
      flowVersion: record.flowVersion,
      context: record.state.context.ctx,
      history: record.history,
      webhooks: log.map((entry) => servedEntry(entry.index, entry.value as StoredEntry)),
    }
  })
}
