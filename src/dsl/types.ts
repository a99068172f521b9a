import type { NccoAction } from '../ncco/index.js'
import type { CallStatus, NormalizedCallStatus } from '../webhooks/index.js'

/** What a flow knows about the caller's last input. */
export interface InputResult {
  /** Digits pressed, `''` when none. */
  readonly digits: string
  /** Speech results, best first. */
  readonly speech: readonly { readonly text: string; readonly confidence?: number }[]
  /** True when the caller gave no digits and no speech. */
  readonly timedOut: boolean
}

/** What a flow knows about the call; passed to every function in a flow. */
export interface CallInfo {
  readonly uuid: string
  readonly conversationUuid?: string
  /** The caller; absent when Vonage sent none (some SIP and app legs). */
  readonly from?: string
  readonly to?: string
  /** The flow's name. */
  readonly flow: string
  /** The step being rendered. */
  readonly step: string
  /** The last input result, if the caller has answered an input. */
  readonly input?: InputResult
  /** How many times `retry()` has sent the caller back in this call. */
  readonly retries: number
}

/** The logger flow functions get: the call's own, so each line carries its uuid, flow and step. */
export interface FlowLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** Arguments of every function in a flow: the call, the flow's context and the call's logger. */
export interface StepArgs<C> {
  readonly call: CallInfo
  readonly context: Readonly<C>
  readonly log: FlowLogger
}

/** A value, or a function of the call that gives it. */
export type Dynamic<T, C> = T | ((args: StepArgs<C>) => T)

/** Matches DTMF digits: exactly, by pattern or by predicate. */
export type DigitsMatch = string | RegExp | ((digits: string) => boolean)
/** Matches speech: a word or phrase (case-insensitive), a pattern, or a predicate over the best transcript. */
export type SpeechMatch = string | RegExp | ((text: string) => boolean)
/** A branch condition of an input step; it matches when any of its parts matches. */
export interface InputMatch {
  readonly dtmf?: DigitsMatch
  readonly speech?: SpeechMatch
}

/** A context change, returned by `update` and `do` functions: the keys to replace. */
export type ContextPatch<C> = Partial<C> | void

/** A handler of a webhook whose body Vonage ignores (recording, transcription, notify, payment), run after the state is saved. */
export type CallbackHandler<P, C> = (payload: P, args: StepArgs<C>) => unknown

/** A call status event as a status handler gets it, narrowed to the statuses it was registered for. */
export type StatusEvent<S extends CallStatus = CallStatus> = NormalizedCallStatus & { readonly status: S }

/** A call-status handler of a flow, run after the state is saved. */
export type StatusHandler<S extends CallStatus, C> = (event: StatusEvent<S>, args: StepArgs<C>) => unknown

/** One operation of a step, in the order the author wrote it. */
export type StepOp =
  | { readonly kind: 'update'; readonly fn: (args: StepArgs<never>) => unknown }
  | { readonly kind: 'do'; readonly fn: (args: StepArgs<never>) => unknown }
  | {
      readonly kind: 'action'
      readonly action: string
      /** The factory's arguments; each may be a function of the call. */
      readonly args: readonly unknown[]
      /** Handlers of this action's callbacks whose bodies Vonage ignores, by route segment. */
      readonly handlers: Readonly<Record<string, CallbackHandler<never, never>>>
    }

/** Where a step goes next: a step, a function of the call choosing among listed steps, or back to the question asked. */
export type StepTarget =
  | { readonly kind: 'static'; readonly target: string }
  | { readonly kind: 'dynamic'; readonly fn: (args: StepArgs<never>) => string; readonly targets: readonly string[] }
  | { readonly kind: 'retry'; readonly times: number; readonly then: string }

/** One input branch: where a match goes, and what it remembers in the context. */
export interface BranchDefinition {
  readonly match: InputMatch
  readonly target: string
  /** Context keys to replace when this branch is taken: the keys, or a function of the call (its `input` set). */
  readonly update?: Dynamic<Record<string, unknown>, never>
}

/** One step of a flow, as plain data. */
export interface StepDefinition {
  readonly name: string
  readonly ops: readonly StepOp[]
  /** Input branches, tried in order. */
  readonly branches: readonly BranchDefinition[]
  /** Input with no match (and timeouts, unless `onTimeout` is set). */
  readonly otherwise?: string
  /** Input timeout (no digits, no speech). */
  readonly onTimeout?: string
  /** A synchronous connect that failed (unanswered, busy, timeout, failed, rejected, cancelled). */
  readonly onFailure?: string
  /** Where the step goes when it awaits nothing, or after a notify. */
  readonly next?: StepTarget
}

/** Flow-wide options. */
export interface FlowOptions<C> {
  /** The context every call starts with (JSON data only). */
  readonly context?: C
  /** What the caller hears when something goes wrong: text for a talk, or a whole NCCO. */
  readonly fallback?: string | readonly NccoAction[]
  /** Time budget for async work in one request, in ms; default 3000 (Vonage waits 5 s for an answer). */
  readonly budgetMs?: number
}

/** A status handler as data: `'*'` runs for every status. */
export interface StatusHandlerDefinition {
  readonly status: CallStatus | '*'
  readonly handler: (event: never, args: StepArgs<never>) => unknown
}

/** A flow as plain data: the machine, the routes, the diagram and the simulator are derived from it. */
export interface FlowDefinition<C = Record<string, unknown>> {
  readonly name: string
  /** A hash of the flow's shape, stored with each call so a changed flow is noticed. */
  readonly version: string
  readonly initial: string
  readonly context: C
  readonly steps: Readonly<Record<string, StepDefinition>>
  readonly fallback: readonly NccoAction[]
  readonly budgetMs: number
  readonly statusHandlers: readonly StatusHandlerDefinition[]
  /** Folder that relative local audio paths resolve against (set by the loader; defaults to the working directory). */
  readonly baseDir?: string
}
