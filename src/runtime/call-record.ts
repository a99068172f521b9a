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
   * The last NCCO-returning request: its key and the NCCO it got, so a retry gets the same answer; `event` names the
   * event that produced it when duplicates of that event can arrive with other bytes (connect leg statuses).
   */
  readonly last?: { readonly key: string; readonly ncco: readonly NccoAction[]; readonly event?: string }
  readonly createdAt: number
  readonly updatedAt: number
}

/** Most history entries kept per call. */
export const HISTORY_LIMIT = 50

/** Adds an event to a history in timestamp order; returns the same array when the event is already there. */
export function addHistory(history: readonly HistoryEntry[], entry: HistoryEntry): readonly HistoryEntry[] {
  if (history.some((h) => h.event === entry.event && h.at === entry.at && h.leg === entry.leg)) return history
  const next = [...history, entry].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  return next.length > HISTORY_LIMIT ? next.slice(next.length - HISTORY_LIMIT) : next
}
