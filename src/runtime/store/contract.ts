import { errors } from '../../errors.js'

/** A stored call record is opaque JSON-serialisable data to the store. */
export interface Versioned<T> {
  readonly value: T
  readonly version: number
}

/** What `put` adds to the index of calls by update time, when the call API is on (it lists calls from that index). */
export interface CallIndexEntry {
  /** The record's update time (ms since the epoch): its place in the index, most recent first. */
  readonly updatedAt: number
  /** How long an entry may stay in the index, in ms: older entries are dropped (every record has expired by then). */
  readonly horizonMs: number
}

/** A request for one page of calls, most recently written first. */
export interface CallPageQuery<T> {
  /** Most calls in the page. */
  readonly limit: number
  /** Where the page starts: the `next` of the page before; none for the first page. */
  readonly cursor?: string
  /** Only the calls it accepts are returned. */
  readonly filter?: (value: T) => boolean
  /** Most records read for one page (default 10 × limit): a filter that accepts few calls ends the page early, with a `next`. */
  readonly scanLimit?: number
}

/** One page of calls, and where the next starts (absent on the last page). */
export interface CallPage<T> {
  readonly calls: readonly { readonly id: string; readonly value: T }[]
  readonly next?: string
}

/** One entry of a call's inspector log: its index (from 0, stable as older entries are dropped) and its value. */
export interface LogEntry {
  readonly index: number
  readonly value: unknown
}

/** How a call's inspector log is kept. */
export interface LogOptions {
  /** Most entries kept: appending beyond it drops the oldest. */
  readonly max: number
  /** The log expires this long after its last append (the call's own TTL, so they go together). */
  readonly ttlSeconds: number
}

/**
 * Where the runtime keeps one record per call, with compare-and-set writes and expiry. Versions start at 1 for a
 * new record (also one that was deleted, evicted or expired) and increase by one on every put. Values are copied
 * in and out, so mutating what was put or got never changes what is stored.
 */
export interface CallStore<T = unknown> {
  /** What kind of store this is (`memory`, `redis`), as `/healthz` reports it. */
  readonly kind: string
  /** The record and its version, or undefined when absent or expired. */
  get(id: string): Promise<Versioned<T> | undefined>
  /**
   * Writes when the stored version equals expectedVersion (null = must not exist); returns the new version; throws
   * StoreConflictError otherwise. ttlSeconds sets the expiry from now. Each of `aliases` is mapped to id with the same
   * TTL, in the same round trip as the write (a store over the network sends them together, and may write them even
   * when the put conflicts: an alias names the id it maps to, so writing it again is harmless).
   */
  put(id: string, value: T, expectedVersion: number | null, ttlSeconds: number, aliases?: readonly string[], index?: CallIndexEntry): Promise<number>
  /** Removes the record (and its inspector log); aliases to it stay and resolve to an id that reads as absent. */
  delete(id: string): Promise<void>
  /**
   * One page of the calls in the index by update time, most recent first, without scanning every key: a memory store
   * lists every record in write order; a shared store lists the records written with an `index` entry. Records that
   * have expired are skipped (and dropped from the index). Throws StoreArgumentError for a cursor it did not make.
   */
  listCalls(query: CallPageQuery<T>): Promise<CallPage<T>>
  /** Appends a JSON-serialisable entry to the call's inspector log; resolves to its index (0 for a call's first). */
  appendLog(id: string, entry: unknown, options: LogOptions): Promise<number>
  /** The entries of a call's inspector log, oldest first; empty when it has none (or it expired). */
  readLog(id: string): Promise<readonly LogEntry[]>
  /** Sends a message to every subscriber of this store: in this process, or every instance sharing the store. */
  publish(message: string): Promise<void>
  /** Calls `listener` with every message published from now on; resolves to the function that stops it. */
  subscribe(listener: (message: string) => void): Promise<() => Promise<void>>
  /** Maps an alias key (e.g. 'conversation:CON-1', 'call:abc') to a call id, with its own TTL. */
  setAlias(alias: string, id: string, ttlSeconds: number): Promise<void>
  /** The call id an alias maps to, or undefined when absent or expired. */
  resolveAlias(alias: string): Promise<string | undefined>
  /** Resolves when the store answers; rejects with StoreUnavailableError when it does not (for `/healthz`). */
  ping(): Promise<void>
  /** Releases resources (connections, timers); calling it again does nothing. */
  close(): Promise<void>
}

/** A put whose expected version did not match the stored one; the record was left as it was. */
export class StoreConflictError extends errors.STORE_CONFLICT.Error {
  readonly id: string
  readonly expectedVersion: number | null
  readonly actualVersion: number | null

  constructor(id: string, expectedVersion: number | null, actualVersion: number | null) {
    super(id, String(expectedVersion), String(actualVersion))
    this.name = 'StoreConflictError'
    this.id = id
    this.expectedVersion = expectedVersion
    this.actualVersion = actualVersion
  }
}

/** The store did not answer (unreachable, or slower than its timeout); nothing is known to have been written. */
export class StoreUnavailableError extends errors.STORE_UNAVAILABLE.Error {

  constructor(detail: string, options?: ErrorOptions) {
    super(detail)
    if (options?.cause !== undefined) this.cause = options.cause
    this.name = 'StoreUnavailableError'
  }
}

/** A store call with an argument no store can honour (a TTL that is not a positive number, a value JSON cannot hold). */
export class StoreArgumentError extends errors.STORE_INVALID_ARGUMENT.Error {

  constructor(detail: string, options?: ErrorOptions) {
    super(detail)
    if (options?.cause !== undefined) this.cause = options.cause
    this.name = 'StoreArgumentError'
  }
}

/** Converts a TTL in seconds to milliseconds, throwing StoreArgumentError unless it is a positive finite number. */
export function ttlToMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new StoreArgumentError(`ttlSeconds must be a positive number, got ${String(ttlSeconds)}`)
  }
  return ttlSeconds * 1000
}

/** A page cursor: an opaque string for the parts that say where a page starts. */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url')
}

/** The parts of a cursor made by {@link encodeCursor}, checked by `valid`; throws StoreArgumentError for anything else. */
export function decodeCursor<P extends readonly (string | number)[]>(cursor: string, valid: (parts: readonly unknown[]) => parts is P): P {
  let parts: unknown
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString())
  } catch {
    parts = undefined
  }
  if (!Array.isArray(parts) || !valid(parts)) throw new StoreArgumentError(`"${cursor}" is not a cursor this store made`)
  return parts
}

/** Checks a page's limit: a positive integer. */
export function checkLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new StoreArgumentError(`${name} must be a positive integer, got ${String(value)}`)
  return value
}

/** Serialises a record to the JSON a store keeps, throwing StoreArgumentError when JSON cannot represent it. */
export function encodeRecord(value: unknown): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (cause) {
    throw new StoreArgumentError('the record is not JSON-serialisable', { cause })
  }
  if (json === undefined) throw new StoreArgumentError('the record is not JSON-serialisable')
  return json
}
