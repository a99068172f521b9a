import type {
  ConnectOptions, ConversationOptions, Endpoint, InputOptions, NotifyOptions, PayOptions, RecordOptions, StreamOptions,
  TalkOptions, TransferOptions, WaitOptions,
} from '../ncco/index.js'
import type { NormalizedNotify, NormalizedPayment, NormalizedRecord, NormalizedTranscribed } from '../webhooks/index.js'
import type { CallbackHandler, ContextPatch, Dynamic, InputMatch, StepArgs, StepDefinition, StepOp, StepTarget } from './types.js'

/** `notify` options in a flow: `eventUrl` is filled in by nccoflow. */
export type FlowNotifyOptions = Omit<NotifyOptions, 'eventUrl'> & Partial<Pick<NotifyOptions, 'eventUrl'>>

/** Handlers of a recording: a function for the recording, or one for each of its callbacks. */
export type RecordingHandlers<C> =
  | CallbackHandler<NormalizedRecord, C>
  | { readonly recording?: CallbackHandler<NormalizedRecord, C>; readonly transcription?: CallbackHandler<NormalizedTranscribed, C> }


/** Options of `on()`: what to remember when the branch is taken. */
export interface BranchOptions<C> {
  /** Context keys to replace when this branch is taken, or a function of the call (whose `input` is the one that matched). */
  readonly update?: Dynamic<Partial<C>, C>
}

/** Options of `retry()`. */
export interface RetryOptions<N extends string> {
  /** How many times a call is sent back to the question, counted over the whole call; the next failure goes to `then`. */
  readonly times: number
  /** Where the call goes once its retries are used up. */
  readonly then: N
}

/** Maps a handler (a function, or an object of named handlers) to the route segments of its callbacks. */
function handlersFor(handler: unknown, segments: Readonly<Record<string, string>>): Record<string, CallbackHandler<never, never>> {
  if (handler === undefined) return {}
  if (typeof handler === 'function') return { [Object.values(segments)[0] as string]: handler as CallbackHandler<never, never> }
  return Object.fromEntries(Object.entries(handler as Record<string, unknown>)
    .filter(([, fn]) => fn !== undefined)
    .map(([key, fn]) => {
      const segment = segments[key]
      if (segment === undefined || typeof fn !== 'function') throw new TypeError(`a handler object takes ${Object.keys(segments).join(', ')} (functions); got ${key}`)
      return [segment, fn as CallbackHandler<never, never>]
    }))
}

const recordSegments = { recording: 'record', transcription: 'record-transcription' }
const conversationSegments = { recording: 'conversation', transcription: 'conversation-transcription' }

/**
 * Builds one step of a flow. Immutable: every method returns a new builder. `N` is the union of the flow's step names,
 * so a transition to a step that does not exist is a compile error.
 * Actions render in the order written; `update` and `do` change the context for the actions after them.
 */
export class StepBuilder<C, N extends string = string> {
  readonly #data: StepDefinition

  /** Prefer `flow().steps({ name: (s) => ... })`. */
  constructor(data: StepDefinition) {
    this.#data = Object.freeze(data)
  }

  #with(patch: Partial<StepDefinition>): StepBuilder<C, N> {
    return new StepBuilder<C, N>({ ...this.#data, ...patch })
  }

  #op(op: StepOp): StepBuilder<C, N> {
    return this.#with({ ops: Object.freeze([...this.#data.ops, Object.freeze(op)]) })
  }

  #action(action: string, args: readonly unknown[], handlers: Record<string, CallbackHandler<never, never>> = {}): StepBuilder<C, N> {
    // Trailing undefined arguments are dropped so the stored args read as the author wrote them.
    const trimmed = [...args]
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === undefined) trimmed.pop()
    return this.#op({ kind: 'action', action, args: Object.freeze(trimmed), handlers: Object.freeze(handlers) })
  }

  /** Changes the context synchronously; return the keys to replace. */
  update(fn: (args: StepArgs<C>) => ContextPatch<C>): StepBuilder<C, N> {
    return this.#op({ kind: 'update', fn: fn as (args: StepArgs<never>) => unknown })
  }

  /** Runs async work (look up the caller, call an API) within the flow's time budget; return the keys of the context to replace. */
  do(fn: (args: StepArgs<C>) => Promise<ContextPatch<C>> | ContextPatch<C>): StepBuilder<C, N> {
    return this.#op({ kind: 'do', fn: fn as (args: StepArgs<never>) => unknown })
  }

  /** Speaks text. */
  talk(text: Dynamic<string, C>, options?: Dynamic<TalkOptions, C>): StepBuilder<C, N> {
    return this.#action('talk', [text, options])
  }

  /** Plays audio: an absolute URL, or a path relative to the flow's file, served by nccoflow with cache headers. */
  stream(streamUrl: Dynamic<string, C>, options?: Dynamic<StreamOptions, C>): StepBuilder<C, N> {
    return this.#action('stream', [streamUrl, options])
  }

  /** Collects DTMF and/or speech; branch on the result with `on`, `otherwise` and `onTimeout`. */
  input(options: Dynamic<InputOptions, C>): StepBuilder<C, N> {
    return this.#action('input', [options])
  }

  /**
   * Records the call; the handler gets the recording payload after the state is saved, or pass
   * `{ recording, transcription }` for a handler of each.
   */
  record(options?: Dynamic<RecordOptions, C>, handler?: RecordingHandlers<C>): StepBuilder<C, N> {
    return this.#action('record', [options], handlersFor(handler, recordSegments))
  }

  /** Joins a named conversation; the handler gets its recording payload (or `{ recording, transcription }`). */
  conversation(name: Dynamic<string, C>, options?: Dynamic<ConversationOptions, C>, handler?: RecordingHandlers<C>): StepBuilder<C, N> {
    return this.#action('conversation', [name, options], handlersFor(handler, conversationSegments))
  }

  /** Connects the call to an endpoint; with `eventType: 'synchronous'` a failed leg goes to `onFailure`. */
  connect(endpoint: Dynamic<Endpoint, C>, options?: Dynamic<ConnectOptions, C>): StepBuilder<C, N> {
    return this.#action('connect', [endpoint, options])
  }

  /**
   * Sends a payload to nccoflow's notify route and continues with `goto` once it arrives; `handler` gets the notify
   * webhook (with its `payload`) after the state is saved.
   */
  notify(payload: Dynamic<Record<string, unknown>, C>, options?: Dynamic<FlowNotifyOptions, C>, handler?: CallbackHandler<NormalizedNotify, C>): StepBuilder<C, N> {
    return this.#action('notify', [payload, options ?? {}], handlersFor(handler, { notify: 'notify' }))
  }

  /** Pauses. */
  wait(options?: Dynamic<WaitOptions, C>): StepBuilder<C, N> {
    return this.#action('wait', [options])
  }

  /** Moves the call into another conversation. */
  transfer(conversationId: Dynamic<string, C>, options?: Dynamic<TransferOptions, C>): StepBuilder<C, N> {
    return this.#action('transfer', [conversationId, options])
  }

  /** Takes a card payment; `handler` gets the payment result (`status: 'success' | 'failure'`). */
  pay(amount: Dynamic<number, C>, options?: Dynamic<PayOptions, C>, handler?: CallbackHandler<NormalizedPayment, C>): StepBuilder<C, N> {
    return this.#action('pay', [amount, options], handlersFor(handler, { payment: 'pay' }))
  }

  /** After an input: go to `target` when the digits or the speech match; `update` remembers what matched. */
  on(match: InputMatch, target: N, options?: BranchOptions<C>): StepBuilder<C, N> {
    const branch = { match: Object.freeze({ ...match }), target, ...(options?.update === undefined ? {} : { update: options.update as never }) }
    return this.#with({ branches: Object.freeze([...this.#data.branches, Object.freeze(branch)]) })
  }

  /** After an input: go to `target` when no branch matches (and on a timeout, unless `onTimeout` is set). */
  otherwise(target: N): StepBuilder<C, N> {
    return this.#with({ otherwise: target })
  }

  /** After an input: go to `target` when the caller pressed and said nothing. */
  onTimeout(target: N): StepBuilder<C, N> {
    return this.#with({ onTimeout: target })
  }

  /** After a synchronous connect: go to `target` when the leg is unanswered, busy, times out, fails or is rejected. */
  onFailure(target: N): StepBuilder<C, N> {
    return this.#with({ onFailure: target })
  }

  /**
   * Continues with another step: a name, or a function of the call choosing one of the `targets` listed (the
   * compiler checks that it returns only those, and that they are steps of the flow).
   * @example
   * .goto(({ context }) => (context.vip ? 'agent' : 'queue'), ['agent', 'queue'])
   */
  goto(target: N): StepBuilder<C, N>
  goto<const T extends N>(choose: (args: StepArgs<C>) => NoInfer<T>, targets: readonly T[]): StepBuilder<C, N>
  goto(target: N | ((args: StepArgs<C>) => N), targets?: readonly N[]): StepBuilder<C, N> {
    const next: StepTarget = typeof target === 'function'
      ? { kind: 'dynamic', fn: target as (args: StepArgs<never>) => string, targets: Object.freeze([...(targets ?? [])]) }
      : { kind: 'static', target }
    return this.#with({ next: Object.freeze(next) })
  }

  /**
   * Sends the call back to the question it was last asked (the step of its last input), up to `times` times in the
   * whole call; the failure after that goes to `then`. The count is `call.retries`.
   * @example
   * sorry: (s) => s.talk('Sorry, I did not get that.').retry({ times: 2, then: 'goodbye' })
   */
  retry(options: RetryOptions<N>): StepBuilder<C, N> {
    return this.#with({ next: Object.freeze({ kind: 'retry', times: options.times, then: options.then }) })
  }

  /** The step as plain data. */
  toDefinition(): StepDefinition {
    return this.#data
  }
}

/** An empty step builder. */
export function step<C, N extends string = string>(name: string): StepBuilder<C, N> {
  return new StepBuilder<C, N>({ name, ops: [], branches: [] })
}
