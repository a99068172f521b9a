import { StoreConflictError, checkLimit, decodeCursor, encodeCursor, encodeRecord, ttlToMs, type CallStore, type LogEntry, type Versioned } from './contract.js'

/** Options of {@link createMemoryStore}; each is checked when the store is created. */
export interface MemoryStoreOptions {
  /** Most records held at once (default 100_000); writing a new record beyond it evicts the least recently written one. */
  maxCalls?: number
  /** Most aliases held at once (default 4 × maxCalls), evicted the same way. */
  maxAliases?: number
  /** Most calls whose inspector log (the call API's) is held at once (default maxCalls, at most 1_000), evicted the same way. */
  maxLogs?: number
  /** How often expired records and aliases are dropped, in milliseconds (default 60_000). */
  sweepIntervalMs?: number
  /** The clock, in milliseconds since the epoch (default `Date.now`); tests pass a fake one. */
  now?: () => number
}

/** A {@link CallStore} held in this process's memory. */
export interface MemoryCallStore<T = unknown> extends CallStore<T> {
  /** Records held in memory: an expired record counts until a read, a write or the sweep drops it. */
  readonly size: number
}

interface Expiring {
  readonly expiresAt: number
}

interface RecordEntry extends Expiring {
  readonly json: string
  readonly version: number
  /** The store's write counter when it was written: its place in the list of calls (a cursor names it). */
  readonly seq: number
}

interface LogRecord extends Expiring {
  /** The entries kept, oldest first, as JSON. */
  readonly entries: readonly string[]
  /** Entries ever appended: the index of the next one. */
  readonly count: number
}

interface AliasEntry extends Expiring {
  readonly id: string
}

/**
 * Creates a call store in this process's memory: the default for one server, lost on restart. Records are kept as
 * JSON strings. Expired entries are dropped when read and by a sweep every `sweepIntervalMs` on an unref'd timer, so
 * the store never keeps the process alive; `close()` stops it.
 *
 * Memory is bounded: when `maxCalls` records (or `maxAliases` aliases) are held, writing a new one first evicts the
 * least recently written. Every write moves its key to the end of a Map, so that Map's order is write order and
 * eviction is O(1); as the runtime writes every record with the same TTL, write order is also expiry order, and the
 * evicted record is the one closest to expiry. An evicted record simply reads as absent: a put expecting its old
 * version fails with a conflict, and a put expecting null creates it again at version 1.
 *
 * The same write order lists calls for the call API (most recently written first; `put`'s `index` entry is not
 * needed). Inspector logs are kept beside the records, bounded by `maxLogs` the same way, and publish/subscribe
 * reaches the subscribers in this process.
 *
 * @example
 * ```ts
 * const store = createMemoryStore<{ step: string }>({ maxCalls: 10_000 })
 * const version = await store.put('leg-uuid', { step: 'menu' }, null, 3600)
 * await store.setAlias('conversation:CON-1', 'leg-uuid', 3600)
 * const id = await store.resolveAlias('conversation:CON-1') // 'leg-uuid'
 * await store.put('leg-uuid', { step: 'record' }, version, 3600) // 2
 * await store.close()
 * ```
 */
export function createMemoryStore<T = unknown>(options: MemoryStoreOptions = {}): MemoryCallStore<T> {
  const maxCalls = checkLimit('maxCalls', options.maxCalls ?? 100_000)
  const maxAliases = checkLimit('maxAliases', options.maxAliases ?? maxCalls * 4)
  const maxLogs = checkLimit('maxLogs', options.maxLogs ?? Math.min(maxCalls, 1_000))
  const sweepIntervalMs = checkLimit('sweepIntervalMs', options.sweepIntervalMs ?? 60_000)
  const now = options.now ?? Date.now
  const records = new Map<string, RecordEntry>()
  const aliases = new Map<string, AliasEntry>()
  const logs = new Map<string, LogRecord>()
  const listeners = new Set<{ readonly listener: (message: string) => void }>()
  let writes = 0

  const sweep = (): void => {
    const time = now()
    for (const [id, entry] of records) if (entry.expiresAt <= time) records.delete(id)
    for (const [alias, entry] of aliases) if (entry.expiresAt <= time) aliases.delete(alias)
    for (const [id, entry] of logs) if (entry.expiresAt <= time) logs.delete(id)
  }
  const timer = setInterval(sweep, sweepIntervalMs)
  timer.unref()

  return {
    kind: 'memory',

    get size() {
      return records.size
    },

    async get(id) {
      const entry = live(records, id, now())
      return entry === undefined ? undefined : { value: JSON.parse(entry.json) as T, version: entry.version } satisfies Versioned<T>
    },

    async put(id, value, expectedVersion, ttlSeconds, newAliases = []) {
      const ttlMs = ttlToMs(ttlSeconds)
      const json = compact(encodeRecord(value))
      const time = now()
      const actualVersion = live(records, id, time)?.version ?? null
      if (actualVersion !== expectedVersion) throw new StoreConflictError(id, expectedVersion, actualVersion)
      const version = (actualVersion ?? 0) + 1
      const key = compact(id)
      writes += 1
      write(records, key, { json, version, expiresAt: time + ttlMs, seq: writes }, maxCalls)
      for (const alias of newAliases) write(aliases, compact(alias), { id: key, expiresAt: time + ttlMs }, maxAliases)
      return version
    },

    async delete(id) {
      records.delete(id)
      logs.delete(id)
    },

    async listCalls({ limit, cursor, filter, scanLimit }) {
      checkLimit('limit', limit)
      const scan = checkLimit('scanLimit', scanLimit ?? limit * 10)
      const before = cursor === undefined ? Infinity : decodeCursor(cursor, isSeq)[0]
      const time = now()
      const entries = [...records]
      const calls: { id: string; value: T }[] = []
      let scanned = 0
      let last = 0
      for (let i = entries.length - 1; i >= 0; i--) {
        const [id, entry] = entries[i] as [string, RecordEntry]
        if (entry.seq >= before) continue
        if (entry.expiresAt <= time) {
          records.delete(id)
          continue
        }
        if (calls.length === limit || scanned === scan) return { calls, next: encodeCursor([last]) }
        scanned += 1
        last = entry.seq
        const value = JSON.parse(entry.json) as T
        if (filter === undefined || filter(value)) calls.push({ id, value })
      }
      return { calls }
    },

    async appendLog(id, entry, { max, ttlSeconds }) {
      const ttlMs = ttlToMs(ttlSeconds)
      checkLimit('max', max)
      const json = encodeRecord(entry)
      const time = now()
      const log = live(logs, id, time)
      const count = (log?.count ?? 0) + 1
      write(logs, id, { entries: [...(log?.entries ?? []), json].slice(-max), count, expiresAt: time + ttlMs }, maxLogs)
      return count - 1
    },

    async readLog(id) {
      const log = live(logs, id, now())
      if (log === undefined) return []
      const first = log.count - log.entries.length
      return log.entries.map((json, i): LogEntry => ({ index: first + i, value: JSON.parse(json) }))
    },

    async publish(message) {
      for (const { listener } of listeners) queueMicrotask(() => listener(message))
    },

    async subscribe(listener) {
      const subscription = { listener }
      listeners.add(subscription)
      return async () => {
        listeners.delete(subscription)
      }
    },

    async setAlias(alias, id, ttlSeconds) {
      const ttlMs = ttlToMs(ttlSeconds)
      write(aliases, alias, { id, expiresAt: now() + ttlMs }, maxAliases)
    },

    async resolveAlias(alias) {
      return live(aliases, alias, now())?.id
    },

    async ping() {},

    async close() {
      clearInterval(timer)
      records.clear()
      aliases.clear()
      logs.clear()
      listeners.clear()
    },
  }
}

/**
 * The same text in a flat string of its own length, for what the store keeps for hours. V8 gives JSON.stringify's
 * result more room than it needs and keeps that room for as long as the string lives (≈ 190 bytes for a call's
 * record, 30 % of its size); a key built with a template (`leg:${uuid}`) is a pair of strings (≈ 32 bytes more); and a
 * uuid read from a GET webhook's query is a slice that keeps the whole request URL alive (≈ 200 bytes more, as many as
 * Vonage's answer URL has). A copy through a Buffer is none of these. UTF-8 keeps every character of a well-formed
 * string, which JSON.stringify's output and the uuids in keys are.
 */
function compact(json: string): string {
  return Buffer.from(json, 'utf8').toString('utf8')
}

const isSeq = (parts: readonly unknown[]): parts is [number] => parts.length === 1 && Number.isSafeInteger(parts[0])

/** The entry under key, dropping it when it has expired. */
function live<E extends Expiring>(map: Map<string, E>, key: string, time: number): E | undefined {
  const entry = map.get(key)
  if (entry === undefined || entry.expiresAt > time) return entry
  map.delete(key)
  return undefined
}

/** Sets key as the most recently written entry, first evicting the least recently written one when the map is full. */
function write<E>(map: Map<string, E>, key: string, entry: E, max: number): void {
  if (!map.delete(key) && map.size >= max) map.delete(map.keys().next().value as string)
  map.set(key, entry)
}
