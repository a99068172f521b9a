import { createHash } from 'node:crypto'
import { createClient } from 'redis'
import { errors } from '../../errors.js'
import { silentLogger, type Logger } from '../log.js'
import { StoreArgumentError, StoreConflictError, StoreUnavailableError, checkLimit, decodeCursor, encodeCursor, encodeRecord, ttlToMs, type CallStore, type LogEntry, type Versioned } from './contract.js'

/**
 * What the Redis store needs of a client: node-redis's `sendCommand` (a `createClient()` client, connected by its owner,
 * fits). Commands carry a timeout, so a client that cannot reach Redis fails them instead of holding them.
 */
export interface RedisCommander {
  sendCommand(args: readonly string[], options?: { timeout?: number }): Promise<unknown>
  /** node-redis's `duplicate()`: the store subscribes (for the call API's live events) on a copy of the client. */
  duplicate?(): unknown
}

/** What the store needs of the client it subscribes on (node-redis's, made by `duplicate()`). */
interface SubscriberClient {
  connect(): Promise<unknown>
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  on(event: 'error', listener: (error: Error) => void): unknown
  close(): Promise<void>
  destroy(): void
}

/** Options of {@link createRedisStore}: a `url` (the store makes, connects and closes its client) or a `client`. */
export interface RedisStoreOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (env `REDIS_URL`). */
  readonly url?: string
  /** A node-redis client its owner connects and closes; used instead of `url`. */
  readonly client?: RedisCommander
  /** Prepended to every key (env `REDIS_PREFIX`); default `nccoflow:`. */
  readonly prefix?: string
  /**
   * Most milliseconds a command may take before the store reports itself unavailable; default 900. A webhook sends at
   * most two commands one after the other (a read, then a write), so it is answered within 2 s even when Redis is slow.
   */
  readonly commandTimeoutMs?: number
  /** Where connection errors and recoveries are logged (with the URL, never its password). */
  readonly logger?: Logger
}

/**
 * Compare-and-set of one record, kept as a hash `{ v: version, d: JSON }` under one key (one hash slot): writes when
 * the stored version is ARGV[1] ('' = none), sets the TTL, and returns {1, new version} or {0, stored version}.
 */
const PUT_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then v = '' end
if v ~= ARGV[1] then return {0, v} end
local n = (tonumber(v) or 0) + 1
redis.call('HSET', KEYS[1], 'v', n, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, n}
`
const PUT_SHA = createHash('sha1').update(PUT_SCRIPT).digest('hex')

/** A Redis URL as given, with its password replaced by `***` (for logs and errors). */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(not a URL)'
  }
}

/** Checks a Redis URL, throwing NCCOFLOW_ERR_OPTIONS_INVALID naming `option` when it is not one. */
export function checkRedisUrl(url: string, option: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new errors.OPTIONS_INVALID.Error(option, `it must be a redis:// or rediss:// URL, got "${url.replace(/:[^:@/]*@/, ':***@')}"`)
  }
  if (!['redis:', 'rediss:'].includes(parsed.protocol) || parsed.hostname === '') {
    throw new errors.OPTIONS_INVALID.Error(option, `it must be a redis:// or rediss:// URL with a host, got "${redactRedisUrl(url)}"`)
  }
}

/** A {@link CallStore} kept in Redis, shared by every instance that uses the same Redis and prefix. */
export interface RedisCallStore<T = unknown> extends CallStore<T> {
  readonly kind: 'redis'
  /** The prefix of every key this store writes. */
  readonly prefix: string
}

/**
 * Creates a call store in Redis (or Valkey), so that calls survive restarts and any instance can serve any webhook.
 *
 * A record is a hash under `<prefix>call:{<id>}` and an alias a string under `<prefix>alias:{<alias>}`; the braces make
 * the id (or alias) the key's hash tag, so each command touches one hash slot. A read is one `HMGET`; a write is one
 * Lua compare-and-set on the record's key, sent in the same round trip as the `SET`s of its aliases. Every key has the
 * TTL the runtime gives (Redis expires it).
 *
 * For the call API (only when it is on): a put with an `index` entry adds the call to the sorted set `<prefix>calls`,
 * scored by its update time, in the same round trip (entries older than the longest TTL are dropped by score then, and
 * those whose record has expired when a listing meets them). A call's inspector log is the list `<prefix>log:{<id>}`
 * and its counter `<prefix>log:{<id>}:n`, appended, trimmed and given the call's TTL in one MULTI. Messages go through
 * Redis pub/sub on `<prefix>events`, received on a copy of the client opened by the first `subscribe`. A command that does not answer within `commandTimeoutMs` fails with
 * NCCOFLOW_ERR_STORE_UNAVAILABLE; with a `url`, the client reconnects by itself and the store works again once Redis
 * answers.
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: process.env.REDIS_URL, prefix: 'ivr:' })
 * await app.register(nccoflow, { flows: [menu], store })
 * ```
 */
export function createRedisStore<T = unknown>(options: RedisStoreOptions): RedisCallStore<T> {
  const prefix = options.prefix ?? 'nccoflow:'
  const timeout = options.commandTimeoutMs ?? 900
  if (!Number.isFinite(timeout) || timeout <= 0) throw new errors.OPTIONS_INVALID.Error('commandTimeoutMs', `it must be a positive number of milliseconds, got ${String(options.commandTimeoutMs)}`)
  if ((options.url === undefined) === (options.client === undefined)) throw new errors.OPTIONS_INVALID.Error('store', 'createRedisStore needs either a url or a client')
  const log = options.logger ?? silentLogger
  let owned: OwnedClient | undefined
  let client: RedisCommander
  if (options.url !== undefined) {
    checkRedisUrl(options.url, 'url')
    owned = connect(options.url, log)
    client = owned
  } else {
    client = options.client as RedisCommander
  }
  let closed = false

  const send = async (args: readonly string[]): Promise<unknown> => {
    if (closed) throw new StoreUnavailableError('the Redis store is closed')
    try {
      return await withDeadline(client.sendCommand(args, { timeout }), timeout)
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) throw error
      throw new StoreUnavailableError(`Redis: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    }
  }
  const recordKey = (id: string) => `${prefix}call:{${id}}`
  const aliasKey = (alias: string) => `${prefix}alias:{${alias}}`
  const logKey = (id: string) => `${prefix}log:{${id}}`
  const indexKey = `${prefix}calls`
  const channel = `${prefix}events`
  const listeners = new Set<{ readonly listener: (message: string) => void }>()
  let subscriber: Promise<SubscriberClient> | undefined

  /** Opens the subscribing copy of the client, once; a failure lets the next subscribe try again. */
  const subscribed = (): Promise<SubscriberClient> => {
    subscriber ??= (async () => {
      const base = owned ?? client
      if (typeof base.duplicate !== 'function') throw new StoreArgumentError('subscribe needs a node-redis client (one with duplicate()), or a url')
      const copy = base.duplicate() as SubscriberClient
      copy.on('error', (error) => log.error({ err: error }, 'Redis subscriber connection failed: the call API\'s live events wait for it'))
      try {
        await withDeadline(copy.connect(), timeout)
        await withDeadline(copy.subscribe(channel, (message) => {
          for (const { listener } of listeners) listener(message)
        }), timeout)
      } catch (error) {
        copy.destroy()
        throw new StoreUnavailableError(`Redis: ${(error as Error).message}`, { cause: error })
      }
      return copy
    })()
    subscriber.catch(() => {
      subscriber = undefined
    })
    return subscriber
  }

  const compareAndSet = async (key: string, expected: string, json: string, ttlMs: string): Promise<unknown> => {
    try {
      return await send(['EVALSHA', PUT_SHA, '1', key, expected, json, ttlMs])
    } catch (error) {
      // Redis forgot the script (a restart, SCRIPT FLUSH): send it whole once; later calls use the hash again.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return send(['EVAL', PUT_SCRIPT, '1', key, expected, json, ttlMs])
    }
  }

  return {
    kind: 'redis',
    prefix,

    async get(id) {
      const [version, json] = (await send(['HMGET', recordKey(id), 'v', 'd'])) as [string | null, string | null]
      if (version === null || json === null) return undefined
      return { value: JSON.parse(json) as T, version: Number(version) } satisfies Versioned<T>
    },

    async put(id, value, expectedVersion, ttlSeconds, aliases = [], index) {
      const ttlMs = String(Math.ceil(ttlToMs(ttlSeconds)))
      const json = encodeRecord(value)
      const write = compareAndSet(recordKey(id), expectedVersion === null ? '' : String(expectedVersion), json, ttlMs)
      // Issued in the same tick, the alias SETs (and the index's commands) leave with the script: one round trip.
      const indexed = index === undefined ? [] : [
        send(['ZADD', indexKey, String(index.updatedAt), id]),
        send(['ZREMRANGEBYSCORE', indexKey, '-inf', `(${index.updatedAt - index.horizonMs}`]),
      ]
      const [result] = await Promise.all([write, ...aliases.map((alias) => send(['SET', aliasKey(alias), id, 'PX', ttlMs])), ...indexed])
      const [ok, version] = result as [number, number | string]
      if (ok !== 1) throw new StoreConflictError(id, expectedVersion, version === '' ? null : Number(version))
      return Number(version)
    },

    async delete(id) {
      await Promise.all([send(['DEL', recordKey(id), logKey(id), `${logKey(id)}:n`]), send(['ZREM', indexKey, id])])
    },

    async listCalls({ limit, cursor, filter, scanLimit }) {
      checkLimit('limit', limit)
      const scan = checkLimit('scanLimit', scanLimit ?? limit * 10)
      const [maxScore, afterId] = cursor === undefined ? ['+inf', undefined] : decodeCursor(cursor, isScoreAndId)
      const calls: { id: string; value: T }[] = []
      let scanned = 0
      let last: [number, string] | undefined
      // Each batch starts where the one before ended, less the expired members it dropped from the index (those after
      // them moved up by as many places).
      for (let offset = 0; ; ) {
        const batch = scored(await send(['ZRANGE', indexKey, String(maxScore), '-inf', 'BYSCORE', 'REV', 'LIMIT', String(offset), String(limit + 1), 'WITHSCORES']))
        // Calls with the cursor's score were listed down to its id (Redis lists equal scores in reverse order of id).
        const members = batch.filter(([score, id]) => score !== maxScore || afterId === undefined || id < afterId)
        // Read in the same tick: one round trip.
        const stored = await Promise.all(members.map(([, id]) => send(['HMGET', recordKey(id), 'd']) as Promise<[string | null]>))
        const expired = members.filter((_, i) => stored[i]?.[0] === null).map(([, id]) => id)
        if (expired.length > 0) await send(['ZREM', indexKey, ...expired])
        for (const [i, [score, id]] of members.entries()) {
          const json = (stored[i] as [string | null])[0]
          if (json === null) continue
          if (calls.length === limit || scanned === scan) return { calls, next: encodeCursor(last as [number, string]) }
          scanned += 1
          last = [score, id]
          const value = JSON.parse(json) as T
          if (filter === undefined || filter(value)) calls.push({ id, value })
        }
        if (batch.length < limit + 1) return { calls }
        offset += batch.length - expired.length
      }
    },

    async appendLog(id, entry, { max, ttlSeconds }) {
      const ttlMs = String(Math.ceil(ttlToMs(ttlSeconds)))
      checkLimit('max', max)
      const json = encodeRecord(entry)
      const key = logKey(id)
      // One MULTI, issued in one tick: appended, trimmed and given the call's TTL together, from any instance.
      const replies = await Promise.all([
        send(['MULTI']), send(['RPUSH', key, json]), send(['LTRIM', key, String(-max), '-1']), send(['PEXPIRE', key, ttlMs]),
        send(['INCR', `${key}:n`]), send(['PEXPIRE', `${key}:n`, ttlMs]), send(['EXEC']),
      ])
      return Number((replies[6] as unknown[])[3]) - 1
    },

    async readLog(id) {
      const key = logKey(id)
      const replies = await Promise.all([send(['MULTI']), send(['LRANGE', key, '0', '-1']), send(['GET', `${key}:n`]), send(['EXEC'])])
      const [entries, count] = replies[3] as [string[], string | null]
      const first = Number(count) - entries.length
      return entries.map((json, i): LogEntry => ({ index: first + i, value: JSON.parse(json) }))
    },

    async publish(message) {
      await send(['PUBLISH', channel, message])
    },

    async subscribe(listener) {
      if (closed) throw new StoreUnavailableError('the Redis store is closed')
      await subscribed()
      const subscription = { listener }
      listeners.add(subscription)
      return async () => {
        listeners.delete(subscription)
      }
    },

    async setAlias(alias, id, ttlSeconds) {
      const ttlMs = String(Math.ceil(ttlToMs(ttlSeconds)))
      await send(['SET', aliasKey(alias), id, 'PX', ttlMs])
    },

    async resolveAlias(alias) {
      const id = (await send(['GET', aliasKey(alias)])) as string | null
      return id ?? undefined
    },

    async ping() {
      await send(['PING'])
    },

    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      const copy = await subscriber?.catch(() => undefined)
      await copy?.close()
      if (owned === undefined) return
      if (owned.isReady) return owned.close()
      // Not connected (yet): node-redis goes on with a connection attempt in progress after destroy(), and that socket
      // would keep the process alive; it is ended as soon as it opens.
      const client = owned
      client.once('connect', () => client.destroy())
      client.destroy()
    },
  }
}

/** A `WITHSCORES` reply as [score, member] pairs: RESP3 sends pairs (node-redis's default), RESP2 one flat list. */
function scored(reply: unknown): [number, string][] {
  const items = reply as (string | number | [string, string | number])[]
  const pairs: [number, string][] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (Array.isArray(item)) pairs.push([Number(item[1]), item[0]])
    else pairs.push([Number(items[++i]), String(item)])
  }
  return pairs
}

const isScoreAndId = (parts: readonly unknown[]): parts is [number, string] =>
  parts.length === 2 && Number.isFinite(parts[0]) && typeof parts[1] === 'string'

/**
 * `reply`, or a rejection once `ms` have passed. node-redis's own `timeout` only covers a command still waiting to be
 * written (Redis unreachable: the client is reconnecting); a command written to a Redis that accepts connections but
 * does not answer (stopped, overloaded, a network that drops packets) would wait for its reply for ever. The reply that
 * comes late is ignored: node-redis still pairs it with its command, so later commands get their own replies.
 */
function withDeadline(reply: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms)
  })
  reply.catch(() => {}) // a late failure of an abandoned command is no one's to handle
  return Promise.race([reply, deadline]).finally(() => clearTimeout(timer))
}

/** The client the store makes and closes. */
interface OwnedClient extends RedisCommander {
  readonly isReady: boolean
  once(event: 'connect', listener: () => void): unknown
  close(): Promise<void>
  destroy(): void
}

/**
 * What the store logs about its client's connection to `where` (a redacted URL): the first failure, a failure of a new
 * kind, then one line every 30 failures (about a minute, retries being 2 s apart at most), and the recovery.
 */
export function connectionLog(where: string, log: Logger): { failed(error: Error): void; ready(): void } {
  let failing: string | undefined
  let failures = 0
  return {
    failed(error) {
      failures += 1
      if (error.message !== failing || failures % 30 === 0) {
        failing = error.message
        log.error({ err: error, redis: where, failures }, `Redis at ${where} does not answer (${error.message}): calls get the fallback NCCO until it does; retrying`)
      }
    },
    ready() {
      if (failing !== undefined) log.info({ redis: where, failures }, `Redis at ${where} answers again`)
      failing = undefined
      failures = 0
    },
  }
}

/** A node-redis client for `url` that connects in the background, retries for ever, and logs what happens. */
function connect(url: string, log: Logger): OwnedClient {
  const where = redactRedisUrl(url)
  const client = createClient({
    url,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  })
  const report = connectionLog(where, log)
  client.on('error', report.failed)
  client.on('ready', report.ready)
  client.connect().catch(() => {
    // Reported by the 'error' listener; the client keeps reconnecting.
  })
  return client as unknown as OwnedClient
}
