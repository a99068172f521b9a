import type { FlowDefinition } from '../dsl/types.js'
import type { NccoAction } from '../ncco/index.js'
import type { CallRecord } from './call-record.js'
import type { Logger } from './log.js'
import type { CompiledFlow } from './machine.js'
import type { SeenCall } from './transaction.js'

/** A flow the runtime serves: its definition, its compiled machine and the NCCOs of its fixed steps. */
export interface LoadedFlow {
  readonly definition: FlowDefinition
  readonly compiled: CompiledFlow
  /** The steps whose rendering depends on nothing of the call (see `fixedSteps`). */
  readonly fixed: ReadonlySet<string>
  /**
   * NCCOs validated once: those rendered from fixed steps, by base URL and step (the step the call ends in, and the
   * NCCO), and those of steps passed through whose actions are written without functions, by base URL and the steps.
   */
  readonly rendered: Map<string, { readonly step: string; readonly ncco: readonly NccoAction[] }>
}

/** A webhook payload, normalised. */
export type Payload = Readonly<Record<string, unknown>> & { readonly uuid?: string; readonly conversation_uuid?: string }

/** What the runtime needs to know about the HTTP request it serves. */
export interface RequestInfo {
  /** Absolute base of callback URLs, e.g. `https://ivr.example.com`. */
  readonly baseUrl: string
  /** A key equal for a request and Vonage's retries of it. */
  readonly key: string
  readonly log?: Logger
  /** Told which call the request is about once the runtime knows (a payload may carry only `conversation_uuid`). */
  readonly about?: (call: { uuid: string; flow?: string; step?: string }) => void
  /** Told of the call the request found and what it became (the call API's inspector); absent when that is off. */
  readonly seen?: SeenCall
}

/** Work to run once the call's new state is saved (a flow's handlers). */
export type Effect = () => unknown

/**
 * The outcome of handling one webhook inside a call's queue: the response and, when the call changed, the record to
 * save and the effects to start once it is saved (effects come only with a record: they run after the save).
 */
export type Outcome<R> =
  | { readonly response: R; readonly record?: undefined; readonly effects?: undefined }
  | { readonly response: R; readonly record: CallRecord; readonly effects?: readonly Effect[] }
