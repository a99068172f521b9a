import { errors, isNccoflowError } from '../errors.js'
import { fromStored, toStored, type CallRecord } from './call-record.js'
import type { Logger } from './log.js'
import { KeyedQueue } from './queue.js'
import type { CallStore, Versioned } from './store/index.js'
import type { Effect, Outcome } from './types.js'

/** Most times one webhook is redone after losing a compare-and-set race with another instance. */
const MAX_ATTEMPTS = 5

/** Why an NCCO route answered the flow's fallback NCCO (the `reason` label of `nccoflow_fallbacks_total`). */
export type FallbackReason = 'flow_error' | 'store_unavailable' | 'store_conflict' | 'bad_request' | 'fallback_url' | 'step_gone'

/** Told what happens to calls, for metrics; each method is optional and must not throw. */
export interface RuntimeObserver {
  /** A call's record was saved: `before` is what was stored (undefined for a new record), `after` what is now. */
  callSaved?(before: CallRecord | undefined, after: CallRecord): void
  /** An NCCO route answered the fallback NCCO. */
  fallback?(reason: FallbackReason): void
  /** A flow's code failed (a step's function, a handler, an NCCO it built that is not valid). */
  flowError?(flow: string): void
}

/** How long calls are kept, in seconds. */
export interface CallTtl {
  /** A call that has not ended, since its last webhook; default 24 hours. */
  readonly activeSeconds?: number
  /** A call that has ended, kept for late events; default 1 hour. */
  readonly finishedSeconds?: number
}

/**
 * Where a webhook's call is kept. A call's record is stored under its conversation uuid (every leg of a call shares it,
 * and every webhook but a transfer or AMD event carries it), or under the leg uuid when the answer had no conversation
 * uuid. `leg` is the payload's leg uuid: a leg that moved to another conversation is found through the alias
 * `leg:<uuid>` written when its call was created.
 */
export interface CallLocator {
  readonly key: string
  readonly leg?: string
}

/** How the transactions run: TTLs, who is told, and what the call API needs. */
export interface TransactionOptions {
  readonly ttl?: CallTtl
  readonly observer?: RuntimeObserver
  /** Write each record with its entry in the store's index of calls by update time (the call API is on). */
  readonly indexCalls?: boolean
  /** Start the effects (handlers) of an outcome once it is saved; default true (a replay turns them off). */
  readonly effects?: boolean
}

/** Told of the call a webhook found (before) and, once saved, what it became (after), for the call API's inspector. */
export type SeenCall = (before: CallRecord | undefined, after: CallRecord | undefined) => void

/** The alias of a leg's call. */
export function legAlias(leg: string): string {
  return `leg:${leg}`
}

/**
 * The per-call transaction: webhooks of one call run one at a time (different calls never wait for each other); each
 * loads the record, computes its outcome, saves it with compare-and-set (redoing the work when another instance changed
 * the call meanwhile), and only then starts its effects.
 */
export class CallTransactions {
  readonly #store: CallStore<CallRecord>
  readonly #queue = new KeyedQueue()
  readonly #pending = new Set<Promise<unknown>>()
  readonly #activeTtl: number
  readonly #finishedTtl: number
  readonly #observer: RuntimeObserver
  readonly #indexCalls: boolean
  readonly #effects: boolean

  constructor(store: CallStore<CallRecord>, options: TransactionOptions = {}) {
    const { ttl = {}, observer = {} } = options
    this.#store = store
    this.#observer = observer
    this.#activeTtl = ttl.activeSeconds ?? 24 * 3600
    this.#finishedTtl = ttl.finishedSeconds ?? 3600
    this.#indexCalls = options.indexCalls === true
    this.#effects = options.effects !== false
  }

  /** How long a record is kept after a write: the active TTL, or the finished one once the call has ended. */
  ttlOf(record: CallRecord): number {
    return record.ended ? this.#finishedTtl : this.#activeTtl
  }

  /**
   * Runs `handle` for the call `id` inside its queue. When `fallback` is set (NCCO routes), any error gives the caller
   * the fallback NCCO instead of failing the request, and is logged with the call. `log` gives the call's logger (it may
   * name the call better once its record is read); `flow`, when known, is the flow a failure is counted against;
   * `seen`, when given, is told of the call found and of what it became once saved.
   */
  async run<R>(locator: CallLocator, log: () => Logger, fallback: R | undefined, handle: (record: CallRecord | undefined, id: string) => Promise<Outcome<R>>, flow?: string, seen?: SeenCall): Promise<R> {
    try {
      return await this.#queue.run(locator.key, () => this.#attempt(1, locator, log, handle, seen))
    } catch (error) {
      const reason = failureReason(error)
      if (reason === 'flow_error' && flow !== undefined) this.#observer.flowError?.(flow)
      if (fallback === undefined) throw error
      this.#observer.fallback?.(reason)
      log().error({ err: error }, 'the flow failed: the caller hears the fallback NCCO')
      return fallback
    }
  }

  /** One try of {@link CallTransactions.run}'s work: read, handle, compare-and-set; a conflict tries again. */
  async #attempt<R>(n: number, locator: CallLocator, log: () => Logger, handle: (record: CallRecord | undefined, id: string) => Promise<Outcome<R>>, seen: SeenCall | undefined): Promise<R> {
    const { id, stored } = await this.#load(locator)
    seen?.(stored?.value, undefined)
    const outcome = await handle(stored?.value, id)
    if (outcome.record !== undefined) {
      try {
        const ttl = this.ttlOf(outcome.record)
        // A new record under a conversation uuid gets the alias of its leg, written in the same round trip.
        const leg = outcome.record.call.uuid
        const aliases = stored === undefined && leg !== id ? [legAlias(leg)] : undefined
        // With the call API on, the index entry goes in the same round trip too; every record has expired after the longest TTL.
        const index = this.#indexCalls ? { updatedAt: outcome.record.updatedAt, horizonMs: Math.max(this.#activeTtl, this.#finishedTtl) * 1000 } : undefined
        await this.#store.put(id, toStored(id, outcome.record), stored?.version ?? null, ttl, aliases, index)
        this.#observer.callSaved?.(stored?.value, outcome.record)
        seen?.(stored?.value, outcome.record)
      } catch (error) {
        // Another instance changed the call between our read and write: read it again and redo the work.
        if (isNccoflowError(error, errors.STORE_CONFLICT.code) && n < MAX_ATTEMPTS) {
          log().debug({ event: 'store.conflict', attempt: n }, 'another instance changed the call meanwhile: reading it again')
          return this.#attempt(n + 1, locator, log, handle, seen)
        }
        throw error
      }
      if (this.#effects) for (const effect of outcome.effects ?? []) this.#start(effect, log(), outcome.record.flow)
    }
    return outcome.response
  }

  /** Reads the call (as {@link fromStored} gives it back): see {@link CallTransactions.#read}. */
  async #load(locator: CallLocator): Promise<{ id: string; stored: Versioned<CallRecord> | undefined }> {
    const { id, stored } = await this.#read(locator)
    return { id, stored: stored === undefined ? undefined : { value: fromStored(id, stored.value), version: stored.version } }
  }

  /** Reads the stored record: one read by its key; only when that misses, its leg's alias and the leg uuid itself. */
  async #read({ key, leg }: CallLocator): Promise<{ id: string; stored: Versioned<CallRecord> | undefined }> {
    const stored = await this.#store.get(key)
    if (stored !== undefined || leg === undefined) return { id: key, stored }
    const [aliased, byLeg] = await Promise.all([this.#store.resolveAlias(legAlias(leg)), leg === key ? undefined : this.#store.get(leg)])
    if (aliased !== undefined && aliased !== key) {
      const moved = await this.#store.get(aliased)
      if (moved !== undefined) return { id: aliased, stored: moved }
    }
    return byLeg === undefined ? { id: key, stored } : { id: leg, stored: byLeg }
  }

  /** Resolves when every effect started so far has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  #start(effect: Effect, log: Logger, flow: string): void {
    const running = (async () => effect())().catch((error: unknown) => {
      this.#observer.flowError?.(flow)
      log.error({ err: error }, 'a flow handler failed')
    })
    this.#pending.add(running)
    void running.finally(() => this.#pending.delete(running))
  }
}

/** What a failure of a webhook's transaction was: the store's, or the flow's. */
function failureReason(error: unknown): FallbackReason {
  if (isNccoflowError(error, errors.STORE_UNAVAILABLE.code)) return 'store_unavailable'
  if (isNccoflowError(error, errors.STORE_CONFLICT.code)) return 'store_conflict'
  return 'flow_error'
}
