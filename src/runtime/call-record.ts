import type { NccoAction } from '../ncco/index.js'
import type { PersistedState } from './machine.js'

/** One event in a call's history, as Vonage timestamped it. */
export interface HistoryEntry {
  /** `status:answered`, `input`, `record`, `transfer`, `error`, ... */
  readonly event: string
  /** Vonage's timestamp, or the time received when Vonage sent none. */
  readonly at: string
  /** The leg the event is about, when it is not the call's own leg. */
  readonly leg?: string
}

/** What the store keeps for one call. */
export interface CallRecord {
  readonly flow: string
  readonly flowVersion: string
  readonly call: { readonly uuid: string; readonly conversationUuid?: string; readonly from?: string; readonly to?: string }
  readonly state: PersistedState
  readonly ended: boolean
  /** Every distinct event, ordered by timestamp (bounded; the oldest are dropped first). */
  readonly history: readonly HistoryEntry[]
  /**
   * The last NCCO-returning request: its key and the answer it got, so a retry gets the same answer; `event` names the
   * event that answered it (duplicates of an event can arrive in other bytes). The answer is kept as the NCCO, or, when
   * it came from a fixed step (one whose NCCO depends on nothing of the call), as that step and the base URL it was
   * rendered for, or, when no action of the steps it passed through is written with a function, as those steps and the
   * base URL: the NCCO is rendered again, identical, when needed, and the record stays small.
   */
  readonly last?: LastAnswer
  readonly createdAt: number
  readonly updatedAt: number
}

/** The answer a call's last NCCO-returning request got (see {@link CallRecord.last}). */
export type LastAnswer = { readonly key: string; readonly event?: string } & (
  | { readonly ncco: readonly NccoAction[] }
  | { readonly fixed: { readonly step: string; readonly base: string } }
  | { readonly replay: { readonly steps: readonly string[]; readonly base: string } }
)

/** Most history entries kept per call. */
export const HISTORY_LIMIT = 50

/** Adds an event to a history in timestamp order; returns the same array when the event is already there. */
export function addHistory(history: readonly HistoryEntry[], entry: HistoryEntry): readonly HistoryEntry[] {
  if (history.some((h) => h.event === entry.event && h.at === entry.at && h.leg === entry.leg)) return history
  const next = [...history, entry].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  return next.length > HISTORY_LIMIT ? next.slice(next.length - HISTORY_LIMIT) : next
}

/**
 * A record as the store keeps it under `id`: without `call.conversationUuid` when that is `id` itself and the leg uuid
 * is not (a call is stored under its conversation uuid, so the key says it; 61 characters less per call).
 * {@link fromStored} undoes it.
 */
export function toStored(id: string, record: CallRecord): CallRecord {
  if (record.call.conversationUuid !== id || record.call.uuid === id) return record
  const { conversationUuid: _, ...call } = record.call
  return { ...record, call }
}

/** A record read from under `id` (see {@link toStored}): a call stored under another id than its leg's has it as its conversation uuid. */
export function fromStored(id: string, record: CallRecord): CallRecord {
  if (record.call.conversationUuid !== undefined || record.call.uuid === id) return record
  // The keys in the answer's order; not `{ ...call, conversationUuid }`, which costs a microsecond on Node 20.
  const { uuid, ...more } = record.call
  return { ...record, call: { uuid, conversationUuid: id, ...more } }
}
