import { hash } from 'node:crypto'
import type { AnyMachineSnapshot } from 'xstate'
import type { StepDefinition } from '../../dsl/types.js'
import type { NccoAction } from '../../ncco/index.js'
import { addHistory, type CallRecord } from '../call-record.js'
import type { Logger } from '../log.js'
import { lastAnswer, lastNcco, renderFrom, stepArgs } from '../render.js'
import { receivedAt } from '../time.js'
import type { Effect, LoadedFlow, Outcome, Payload, RequestInfo } from '../types.js'

/** What a callback handler gets: the flow and step in the URL, the payload and the call's record. */
export interface CallbackContext {
  readonly flow: LoadedFlow
  readonly step: StepDefinition
  readonly segment: string
  readonly payload: Payload
  readonly record: CallRecord
  readonly request: RequestInfo
  readonly log: Logger
}

/** How one kind of callback (by route segment) is answered. */
export interface CallbackKind {
  /** Whether Vonage uses the response as an NCCO (then errors answer the fallback NCCO). */
  readonly returnsNcco: boolean
  handle(c: CallbackContext): Promise<Outcome<readonly NccoAction[] | undefined>>
}

/** A callback's event as the call's history keeps it, and whether that event was seen before. */
export interface Sighting {
  readonly history: CallRecord['history']
  /**
   * Identity of the event (a digest of its name, Vonage timestamp and leg, 11 characters where the three take ≈ 40),
   * kept with the answer it got (`last.event`) so a duplicate gets the same answer.
   */
  readonly id: string
  /** The same event (name, Vonage timestamp, leg) is already in the history: a duplicate, in whatever bytes. */
  readonly duplicate: boolean
}

/**
 * Notes a callback's event in the call's history. An event is a duplicate when Vonage's timestamp says it was seen
 * before; without Vonage's timestamp nothing tells a duplicate from a new event, so it counts as new.
 */
export function sight(c: CallbackContext, event: string): Sighting {
  const { at, stamped } = receivedAt(c.payload)
  const leg = c.payload.uuid !== undefined && c.payload.uuid !== c.record.call.uuid ? c.payload.uuid : undefined
  const history = addHistory(c.record.history, { event, at, ...(leg === undefined ? {} : { leg }) })
  return { history, id: eventId(event, at, leg), duplicate: stamped && history === c.record.history }
}

/** The identity of an event in a call: 66 bits of a digest, as the record keeps it in `last.event`. */
export function eventId(event: string, at: string, leg: string | undefined): string {
  return hash('sha1', `${event}@${at}@${leg ?? ''}`, 'base64url').slice(0, 11)
}

/** The call's latest NCCO (the answer to its last NCCO-returning request), or `otherwise` when it has none. */
export async function latestNcco(c: CallbackContext, otherwise: readonly NccoAction[] = []): Promise<readonly NccoAction[]> {
  return c.record.last === undefined ? otherwise : lastNcco(c.flow, c.record.call, c.record.last)
}

/** What a duplicate of an NCCO-returning callback gets: the first one's answer, or `otherwise` if the call has moved on. */
export async function duplicateAnswer(c: CallbackContext, seen: Sighting, otherwise: () => Promise<readonly NccoAction[]>): Promise<Outcome<readonly NccoAction[]>> {
  c.log.debug({ segment: c.segment, event: seen.id }, 'duplicate callback: not advancing')
  return { response: c.record.last?.event === seen.id ? await latestNcco(c) : await otherwise() }
}

/**
 * For a callback that moves the call on from its step (input, notify): the answer when it comes too late (the call
 * ended or left the step) or is a duplicate (the answer saved with it as `last`), or else its sighting to go on with.
 */
export async function moving(c: CallbackContext, event: string): Promise<{ readonly answer: Outcome<readonly NccoAction[]> } | { readonly seen: Sighting }> {
  const stale = await staleAnswer(c)
  if (stale !== undefined) return { answer: stale }
  const seen = sight(c, event)
  return seen.duplicate ? { answer: await duplicateAnswer(c, seen, () => latestNcco(c)) } : { seen }
}

/** The answer to a callback for a call that has ended (carry on) or for a step it has left (its latest NCCO); undefined when current. */
export async function staleAnswer(c: CallbackContext): Promise<Outcome<readonly NccoAction[]> | undefined> {
  if (c.record.ended) {
    c.log.debug({ segment: c.segment }, 'callback for a call that has ended: carry on')
    return { response: [] }
  }
  if (c.record.state.value !== c.step.name) {
    c.log.warn({ segment: c.segment, current: c.record.state.value }, 'callback for a step the call has left (late or duplicate): not advancing')
    return { response: await latestNcco(c) }
  }
  return undefined
}

/** Renders from a snapshot and builds the record to save, with the answer kept for retries and duplicates. */
export async function rendered(c: CallbackContext, snapshot: AnyMachineSnapshot, seen: Sighting): Promise<Outcome<readonly NccoAction[]> & { readonly record: CallRecord }> {
  const rendering = await renderFrom(c.flow, c.record.call, snapshot, c.request.baseUrl, c.log)
  const record: CallRecord = { ...c.record, state: c.flow.compiled.persist(rendering.snapshot), history: seen.history, last: lastAnswer(c.request.key, rendering, seen.id), updatedAt: Date.now() }
  return { response: rendering.ncco, record }
}

/** The step's handlers for this callback, as effects to run after saving. */
export function handlerEffects(c: CallbackContext, record: CallRecord): Effect[] {
  const handlers = c.step.ops.flatMap((op) => (op.kind === 'action' && op.handlers[c.segment] !== undefined ? [op.handlers[c.segment] as (p: unknown, a: unknown) => unknown] : []))
  const args = stepArgs(c.flow.definition, record.call, record.state.context, c.step.name, c.log)
  return handlers.map((h) => () => h(c.payload, args))
}
