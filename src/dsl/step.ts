import {
  actionDefinitions, type ActionDefinition,
  type ConnectOptions, type ConversationOptions, type Endpoint, type InputOptions, type NotifyOptions, type PayOptions,
  type RecordOptions, type StreamOptions, type TalkOptions, type TransferOptions, type WaitOptions,
} from '../ncco/index.js'
import type { CallbackHandler, ContextPatch, Dynamic, InputMatch, StepArgs, StepDefinition, StepOp, StepTarget } from './types.js'

/** `notify` options in a flow: `eventUrl` is filled in by nccoflow. */
export type FlowNotifyOptions = Omit<NotifyOptions, 'eventUrl'> & Partial<Pick<NotifyOptions, 'eventUrl'>>

function handlersFor(action: string, handler: CallbackHandler<never> | undefined): Record<string, CallbackHandler<never>> {
  if (handler === undefined) return {}
  // The handler takes the payloads of every callback the action declares (record: recording and transcription).
  const segments = (actionDefinitions[action] as ActionDefinition).urls.filter((u) => u.role === 'callback').map((u) => u.segment)
  return Object.fromEntries(segments.map((segment) => [segment, handler]))
}

/**
 * Builds one step of a flow. Immutable: every method returns a new builder.
 * Actions render in the order written; `update` and `do` change the context for the actions after them.
 */
export class StepBuilder<C> {
  readonly #data: StepDefinition

  /** Prefer `flow().step(name, (s) => ...)`. */
  constructor(data: StepDefinition) {
    this.#data = Object.freeze(data)
  }

  #with(patch: Partial<StepDefinition>): StepBuilder<C> {
    return new StepBuilder<C>({ ...this.#data, ...patch })
  }

  #op(op: StepOp): StepBuilder<C> {
    return this.#with({ ops: Object.freeze([...this.#data.ops, Object.freeze(op)]) })
  }

  #action(action: string, args: readonly unknown[], handler?: CallbackHandler<C>): StepBuilder<C> {
    // Trailing undefined arguments are dropped so the stored args read as the author wrote them.
    const trimmed = [...args]
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === undefined) trimmed.pop()
    return this.#op({ kind: 'action', action, args: Object.freeze(trimmed), handlers: Object.freeze(handlersFor(action, handler as CallbackHandler<never> | undefined)) })
  }

  /** Changes the context synchronously; return the keys to replace. */
  update(fn: (args: StepArgs<C>) => ContextPatch<C>): StepBuilder<C> {
    return this.#op({ kind: 'update', fn: fn as (args: StepArgs<never>) => unknown })
  }

  /** Runs async work (look up the caller, call an API) within the flow's time budget; return the keys of the context to replace. */
  do(fn: (args: StepArgs<C>) => Promise<ContextPatch<C>> | ContextPatch<C>): StepBuilder<C> {
    return this.#op({ kind: 'do', fn: fn as (args: StepArgs<never>) => unknown })
  }

  /** Speaks text. */
  talk(text: Dynamic<string, C>, options?: Dynamic<TalkOptions, C>): StepBuilder<C> {
    return this.#action('talk', [text, options])
  }

  /** Plays audio: an absolute URL, or a path relative to the flow's file, served by nccoflow with cache headers. */
  stream(streamUrl: Dynamic<string, C>, options?: Dynamic<StreamOptions, C>): StepBuilder<C> {
    return this.#action('stream', [streamUrl, options])
  }

  /** Collects DTMF and/or speech; branch on the result with `on`, `otherwise` and `onTimeout`. */
  input(options: Dynamic<InputOptions, C>): StepBuilder<C> {
    return this.#action('input', [options])
  }

  /** Records the call; `handler` gets the recording (and transcription) payloads after the state is saved. */
  record(options?: Dynamic<RecordOptions, C>, handler?: CallbackHandler<C>): StepBuilder<C> {
    return this.#action('record', [options], handler)
  }

  /** Joins a named conversation; `handler` gets its recording payload. */
  conversation(name: Dynamic<string, C>, options?: Dynamic<ConversationOptions, C>, handler?: CallbackHandler<C>): StepBuilder<C> {
    return this.#action('conversation', [name, options], handler)
  }

  /** Connects the call to an endpoint; with `eventType: 'synchronous'` a failed leg goes to `onFailure`. */
  connect(endpoint: Dynamic<Endpoint, C>, options?: Dynamic<ConnectOptions, C>): StepBuilder<C> {
    return this.#action('connect', [endpoint, options])
  }

  /**
   * Sends a payload to nccoflow's notify route and continues with `goto` once it arrives; `handler` gets the notify
   * webhook (with its `payload`) after the state is saved.
   */
  notify(payload: Dynamic<Record<string, unknown>, C>, options?: Dynamic<FlowNotifyOptions, C>, handler?: CallbackHandler<C>): StepBuilder<C> {
    return this.#action('notify', [payload, options ?? {}], handler)
  }

  /** Pauses. */
  wait(options?: Dynamic<WaitOptions, C>): StepBuilder<C> {
    return this.#action('wait', [options])
  }

  /** Moves the call into another conversation. */
  transfer(conversationId: Dynamic<string, C>, options?: Dynamic<TransferOptions, C>): StepBuilder<C> {
    return this.#action('transfer', [conversationId, options])
  }

  /** Takes a card payment; `handler` gets the result payload. */
  pay(amount: Dynamic<number, C>, options?: Dynamic<PayOptions, C>, handler?: CallbackHandler<C>): StepBuilder<C> {
    return this.#action('pay', [amount, options], handler)
  }

  /** After an input: go to `target` when the digits or the speech match. */
  on(match: InputMatch, target: string): StepBuilder<C> {
    return this.#with({ branches: Object.freeze([...this.#data.branches, Object.freeze({ match: Object.freeze({ ...match }), target })]) })
  }

  /** After an input: go to `target` when no branch matches (and on a timeout, unless `onTimeout` is set). */
  otherwise(target: string): StepBuilder<C> {
    return this.#with({ otherwise: target })
  }

  /** After an input: go to `target` when the caller pressed and said nothing. */
  onTimeout(target: string): StepBuilder<C> {
    return this.#with({ onTimeout: target })
  }

  /** After a synchronous connect: go to `target` when the leg is unanswered, busy, times out, fails or is rejected. */
  onFailure(target: string): StepBuilder<C> {
    return this.#with({ onFailure: target })
  }

  /**
   * Continues with another step: a name, or a function of the call that returns one. A function's possible targets
   * are the step names written as string literals in it, or the `targets` you list.
   */
  goto(target: string | ((args: StepArgs<C>) => string), targets?: readonly string[]): StepBuilder<C> {
    const next: StepTarget = typeof target === 'string'
      ? { kind: 'static', target }
      : { kind: 'dynamic', fn: target as (args: StepArgs<never>) => string, targets: Object.freeze([...(targets ?? [])]) }
    return this.#with({ next: Object.freeze(next) })
  }

  /** The step as plain data. */
  toDefinition(): StepDefinition {
    return this.#data
  }
}

/** An empty step builder. */
export function step<C>(name: string): StepBuilder<C> {
  return new StepBuilder<C>({ name, ops: [], branches: [] })
}
