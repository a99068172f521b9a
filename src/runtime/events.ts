import type { StatusHandlerDefinition } from '../dsl/types.js'
import { isTerminalStatus } from '../webhooks/index.js'
import { addHistory, type CallRecord } from './call-record.js'
import type { Logger } from './log.js'
import { stepArgs } from './render.js'
import { receivedAt } from './time.js'
import type { Effect, LoadedFlow, Outcome, Payload } from './types.js'

function statusEffects(flow: LoadedFlow, record: CallRecord, payload: Payload, log: Logger): Effect[] {
  const args = stepArgs(flow.definition, record.call, record.state.context, record.state.value, log)
  return flow.definition.statusHandlers
    .filter((h: StatusHandlerDefinition) => h.status === '*' || h.status === payload.status)
    .map((h) => () => {
      log.debug({ status: payload.status }, 'running status handler')
      return h.handler(payload as never, args)
    })
}

/**
 * An event sent to the application's event URL (call status, transfer, error, ...): kept in the call's history in
 * timestamp order; a terminal status of the call's own leg ends it; status handlers run for a call that had not ended.
 * A duplicate, or an event after the end, changes nothing else.
 */
export function handleEvent(flow: LoadedFlow | undefined, kind: string, payload: Payload, record: CallRecord, log: Logger): Outcome<undefined> {
  const name = kind === 'call_event' ? `status:${String(payload.status)}` : kind
  const leg = payload.uuid !== undefined && payload.uuid !== record.call.uuid ? payload.uuid : undefined
  const history = addHistory(record.history, { event: name, at: receivedAt(payload).at, ...(leg === undefined ? {} : { leg }) })
  if (history === record.history) {
    log.debug({ event: name }, 'duplicate event: ignored')
    return { response: undefined }
  }
  if (kind === 'error') log.warn({ reason: payload.reason }, 'Vonage reported an error for this call')
  const ends = kind === 'call_event' && leg === undefined && isTerminalStatus(payload.status) && !record.ended
  if (ends) log.debug({ status: payload.status }, 'call ended')
  const next: CallRecord = { ...record, history, updatedAt: Date.now(), ...(ends ? { ended: true } : {}) }
  // A late event for a call that has already ended is kept in history and changes nothing else: no handlers run.
  const effects = kind === 'call_event' && flow !== undefined && !record.ended ? statusEffects(flow, next, payload, log) : []
  return { response: undefined, record: next, effects }
}
