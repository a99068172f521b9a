import type { CallRecord } from '../runtime/call-record.js'

/** One call in the list the call API serves (and its SSE `call` events carry). */
export interface CallRow {
  readonly uuid: string
  readonly conversationUuid: string | null
  readonly flow: string
  readonly step: string
  readonly ended: boolean
  readonly from: string | null
  readonly to: string | null
  /** ISO 8601. */
  readonly createdAt: string
  readonly updatedAt: string
}

/** The key the runtime stores a call under: its conversation uuid, or its leg uuid when the answer had none. */
export function callKey(record: CallRecord): string {
  return record.call.conversationUuid ?? record.call.uuid
}

/** A call as a row of the list. */
export function callRow(record: CallRecord): CallRow {
  const { call } = record
  return {
    uuid: call.uuid,
    conversationUuid: call.conversationUuid ?? null,
    flow: record.flow,
    step: record.state.value,
    ended: record.ended,
    from: call.from ?? null,
    to: call.to ?? null,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  }
}
