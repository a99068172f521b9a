import { errors, isNccoflowError } from '../errors.js'
import type { CallRecord } from './call-record.js'
import type { Logger } from './log.js'
import { KeyedQueue } from './queue.js'
import type { CallStore } from './store/index.js'
import type { Effect, Outcome } from './types.js'

/** Most times one webhook is redone after losing a compare-and-set race with another instance. */
const MAX_ATTEMPTS = 5

/** How long calls are kept, in seconds. */
export interface CallTtl {
  /** A call that has not ended, since its last webhook; default 24 hours. */
  readonly activeSeconds?: number
  /** A call that has ended, kept for late events; default 1 hour. */
  readonly finishedSeconds?: number
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

  constructor(store: CallStore<CallRecord>, ttl: CallTtl = {}) {
    this.#store = store
    this.#activeTtl = ttl.activeSeconds ?? 24 * 3600
    this.#finishedTtl = ttl.finishedSeconds ?? 3600
  }

  /** Seconds an active call is kept after its last webhook (aliases to it live as long). */
  get activeTtl(): number {
    return this.#activeTtl
  }

  /**
   * Runs `handle` for the call `id` inside its queue. When `fallback` is set (NCCO routes), any error gives the caller
   * the fallback NCCO instead of failing the request, and is logged with the call.
   */
  async run<R>(id: string, log: Logger, fallback: R | undefined, handle: (record: CallRecord | undefined) => Promise<Outcome<R>>): Promise<R> {
    const attempt = async (n: number): Promise<R> => {
      const stored = await this.#store.get(id)
      const outcome = await handle(stored?.value)
      if (outcome.record !== undefined) {
        try {
          const ttl = outcome.record.ended ? this.#finishedTtl : this.#activeTtl
          await this.#store.put(id, outcome.record, stored?.version ?? null, ttl)
        } catch (error) {
          // Another instance changed the call between our read and write: read it again and redo the work.
          if (isNccoflowError(error, errors.STORE_CONFLICT.code) && n < MAX_ATTEMPTS) return attempt(n + 1)
          throw error
        }
      }
      for (const effect of outcome.effects ?? []) this.#start(effect, log)
      return outcome.response
    }
    try {
      return await this.#queue.run(id, () => attempt(1))
    } catch (error) {
      if (fallback === undefined) throw error
      log.error({ err: error }, 'the flow failed: the caller hears the fallback NCCO')
      return fallback
    }
  }

  /** Resolves when every effect started so far has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  #start(effect: Effect, log: Logger): void {
    const running = (async () => effect())().catch((error: unknown) => log.error({ err: error }, 'a flow handler failed'))
    this.#pending.add(running)
    void running.finally(() => this.#pending.delete(running))
  }
}
