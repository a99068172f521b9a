import { errors } from '../../errors.js'

/** A stored call record is opaque JSON-serialisable data to the store. */
export interface Versioned<T> {
  readonly value: T
  readonly version: number
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
  put(id: string, value: T, expectedVersion: number | null, ttlSeconds: number, aliases?: readonly string[]): Promise<number>
  /** Removes the record; aliases to it stay and resolve to an id that reads as absent. */
  delete(id: string): Promise<void>
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
