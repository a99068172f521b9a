import type { FlowDefinition } from '../dsl/types.js'
import { errors } from '../errors.js'
import type { NccoAction } from '../ncco/index.js'
import { fromStored, type CallRecord } from './call-record.js'
import { callbackKind } from './callbacks/index.js'
import { handleEvent } from './events.js'
import { silentLogger, withBindings, type Logger } from './log.js'
import { compileFlow } from './machine.js'
import { fixedSteps, lastAnswer, lastNcco, renderFrom } from './render.js'
import { createMemoryStore, type CallStore, type Versioned } from './store/index.js'
import { CallTransactions, legAlias, type CallLocator, type CallTtl, type RuntimeObserver } from './transaction.js'
import type { LoadedFlow, Outcome, Payload, RequestInfo } from './types.js'

/** Options of {@link CallRuntime}. */
export interface RuntimeOptions {
  readonly flows: readonly FlowDefinition[]
  /** Where call records live; the memory store by default. */
  readonly store?: CallStore<CallRecord>
  readonly ttl?: CallTtl
  readonly logger?: Logger
  /** Told of saved calls, fallbacks and flow errors (the server's metrics). */
  readonly observer?: RuntimeObserver
  /** Write each call with its entry in the store's index by update time, for the call API; default false. */
  readonly indexCalls?: boolean
  /** Start the flows' handlers (effects) after a save; default true. A replay runs without them. */
  readonly effects?: boolean
}

/** A sample call for {@link CallRuntime.preview}: who calls, and the context it has by then. */
export interface PreviewCall {
  readonly uuid?: string
  readonly from?: string
  readonly to?: string
  /** Context keys to set over the flow's initial context. */
  readonly context?: Readonly<Record<string, unknown>>
}

/**
 * Runs calls: answers Vonage's webhooks for every flow, keeping one persisted xstate snapshot per call.
 * Webhooks of one call are handled one at a time; a retry gets the answer the first attempt got.
 */
export class CallRuntime {
  readonly #flows = new Map<string, LoadedFlow>()
  readonly #store: CallStore<CallRecord>
  readonly #transactions: CallTransactions
  readonly #log: Logger
  readonly #observer: RuntimeObserver

  constructor(options: RuntimeOptions) {
    for (const definition of options.flows) {
      this.#flows.set(definition.name, { definition, compiled: compileFlow(definition), fixed: fixedSteps(definition), rendered: new Map() })
    }
    this.#store = options.store ?? createMemoryStore<CallRecord>()
    this.#transactions = new CallTransactions(this.#store, options)
    this.#log = options.logger ?? silentLogger
    this.#observer = options.observer ?? {}
  }

  /** The store calls are kept in. */
  get store(): CallStore<CallRecord> {
    return this.#store
  }

  /** How long the store keeps a call after a write of this record, in seconds (its inspector log is kept as long). */
  ttlOf(record: CallRecord): number {
    return this.#transactions.ttlOf(record)
  }

  /** The flows this runtime serves, by name. */
  get flows(): ReadonlyMap<string, FlowDefinition> {
    return new Map([...this.#flows].map(([name, flow]) => [name, flow.definition]))
  }

  #flow(name: string): LoadedFlow {
    const flow = this.#flows.get(name)
    if (flow === undefined) throw new errors.FLOW_UNKNOWN.Error(name, `the flows are ${[...this.#flows.keys()].join(', ')}`)
    return flow
  }

  #step(flow: LoadedFlow, name: string) {
    const step = flow.definition.steps[name]
    if (step === undefined) throw new errors.FLOW_UNKNOWN_STEP.Error(flow.definition.name, name, Object.keys(flow.definition.steps).join(', '))
    return step
  }

  /** Answers the answer webhook of a new call with the first NCCO of the flow. A retried answer gets the same NCCO. */
  async answer(flowName: string, payload: Payload & { uuid: string }, request: RequestInfo): Promise<readonly NccoAction[]> {
    const flow = this.#flow(flowName)
    const uuid = payload.uuid
    const log = withBindings(request.log ?? this.#log, { uuid, flow: flowName, step: flow.definition.initial })
    // A new call: only its own key is read (no leg alias can exist yet); a retried answer finds the record there.
    return this.#transactions.run({ key: payload.conversation_uuid ?? uuid }, () => log, flow.definition.fallback, async (stored) => {
      if (stored !== undefined) {
        log.debug({ event: 'answer.retry' }, 'answer webhook for a call already answered: same NCCO again')
        return { response: stored.last === undefined ? flow.definition.fallback : await lastNcco(flow, stored.call, stored.last) }
      }
      const from = typeof payload.from === 'string' ? payload.from : typeof payload.from_user === 'string' ? payload.from_user : undefined
      const call: CallRecord['call'] = {
        uuid,
        ...(payload.conversation_uuid === undefined ? {} : { conversationUuid: payload.conversation_uuid }),
        ...(from === undefined ? {} : { from }),
        ...(typeof payload.to === 'string' ? { to: payload.to } : {}),
      }
      const start = flow.compiled.start({ ctx: structuredClone(flow.definition.context) as Record<string, unknown> })
      const rendering = await renderFrom(flow, call, start, request.baseUrl, log)
      const now = Date.now()
      const record: CallRecord = {
        flow: flowName,
        flowVersion: flow.definition.version,
        call,
        state: flow.compiled.persist(rendering.snapshot),
        ended: false,
        history: [{ event: 'answer', at: new Date(now).toISOString() }],
        last: lastAnswer(request.key, rendering),
        createdAt: now,
        updatedAt: now,
      }
      return { response: rendering.ncco, record }
    }, flowName, request.seen)
  }

  /**
   * Answers a callback of a step (`/flows/:flow/:step/:segment`). Returns the NCCO for callbacks whose response Vonage
   * uses (input, notify, synchronous connect; `[]` means carry on), or `undefined` for the others (answer 204).
   */
  async callback(flowName: string, stepName: string, segment: string, payload: Payload, request: RequestInfo): Promise<readonly NccoAction[] | undefined> {
    const flow = this.#flow(flowName)
    const step = flow.definition.steps[stepName]
    const locator = this.#locate(payload)
    const bindings = { uuid: payload.uuid ?? locator.key, flow: flowName, step: stepName }
    request.about?.(bindings)
    let log = withBindings(request.log ?? this.#log, bindings)
    const kind = callbackKind(segment)
    return this.#transactions.run(locator, () => log, kind.returnsNcco ? flow.definition.fallback : undefined, async (stored, id) => {
      let record = stored
      // Lines name the call by its first leg's uuid, also for a payload that carries only the conversation's.
      if (record !== undefined && record.call.uuid !== bindings.uuid) {
        request.about?.({ uuid: record.call.uuid })
        log = withBindings(request.log ?? this.#log, { ...bindings, uuid: record.call.uuid })
      }
      if (record === undefined || record.flow !== flowName) {
        log.warn({ event: 'callback.unknown-call', segment }, 'callback for a call this server does not know (expired or lost): answering from the flow and step in its URL with fresh context')
        // A step this flow does not have (any more) is no place to start a fresh record from.
        if (step === undefined) return this.#stepGone(flow, stepName, segment, kind.returnsNcco, log, bindings.uuid)
        record = this.#freshRecord(flow, stepName, id, payload)
      }
      if (step === undefined || flow.definition.steps[record.state.value] === undefined) {
        return this.#stepGone(flow, step === undefined ? stepName : record.state.value, segment, kind.returnsNcco, log, record.call.uuid)
      }
      if (kind.returnsNcco && record.last?.key === request.key) {
        log.debug({ event: 'callback.retry', segment }, 'retried callback: same NCCO again')
        return { response: await lastNcco(flow, record.call, record.last) }
      }
      return kind.handle({ flow, step, segment, payload, record, request, log })
    }, flowName, request.seen)
  }

  /**
   * The answer to a callback of a call whose step the flow no longer has (the flow changed since the call got there: a
   * reload under `nccoflow dev`, or a deploy sharing the store): the caller hears the flow's fallback NCCO (a callback
   * whose answer Vonage ignores gets none), with a warning naming the call. The record is left as it was.
   */
  #stepGone(flow: LoadedFlow, stepName: string, segment: string, returnsNcco: boolean, log: Logger, uuid: string): Outcome<readonly NccoAction[] | undefined> {
    log.warn({ event: 'callback.step-gone', segment, missing: stepName }, `call ${uuid} is at step "${stepName}", which flow "${flow.definition.name}" no longer has: ${returnsNcco ? 'the caller hears the fallback NCCO' : 'nothing runs'}`)
    if (!returnsNcco) return { response: undefined }
    this.#observer.fallback?.('step_gone')
    return { response: flow.definition.fallback }
  }

  /** Handles a webhook sent to the application's event URL (call status, transfer, error, ...). Never returns an NCCO. */
  async event(kind: string, payload: Payload, request: RequestInfo): Promise<void> {
    const locator = this.#locate(payload)
    let log = withBindings(request.log ?? this.#log, { uuid: payload.uuid ?? locator.key, event: kind })
    await this.#transactions.run(locator, () => log, undefined, async (record) => {
      if (record === undefined) {
        log.debug({ status: payload.status }, 'event for a call this server does not know: ignored')
        return { response: undefined }
      }
      request.about?.({ uuid: record.call.uuid, flow: record.flow, step: record.state.value })
      log = withBindings(request.log ?? this.#log, { uuid: record.call.uuid, event: kind, flow: record.flow, step: record.state.value })
      return handleEvent(this.#flows.get(record.flow), kind, payload, record, log)
    }, undefined, request.seen)
  }

  /** Answers Vonage's fallback request: the flow's fallback NCCO (the default flow's when the call is unknown). */
  async fallback(defaultFlow: string | undefined, payload: Payload, request: RequestInfo): Promise<readonly NccoAction[]> {
    const { key } = this.#locate(payload)
    // The fallback answers even when the store does not: then with the default flow's fallback NCCO.
    const stored = await this.findCall(key).catch((error: unknown) => {
      this.#log.error({ err: error, call: key }, 'the call store failed on a fallback request')
      return undefined
    })
    if (stored !== undefined) request.seen?.(stored.value, stored.value)
    const name = stored?.value.flow ?? defaultFlow
    const flow = name === undefined ? undefined : this.#flows.get(name)
    const log = withBindings(request.log ?? this.#log, { uuid: payload.uuid ?? key, flow: name, step: stored?.value.state.value })
    log.warn({ reason: payload.reason, originalRequest: payload.original_request }, 'Vonage used the fallback URL: answering with the fallback NCCO')
    return flow?.definition.fallback ?? [{ action: 'talk', text: 'Sorry, something went wrong. Goodbye.' }]
  }

  /**
   * The NCCO a step renders for a sample call, without storing anything (for `nccoflow ncco` and docs).
   * Async work and context updates run as they would for a real call.
   */
  async preview(flowName: string, stepName: string | undefined, baseUrl: string, call: PreviewCall = {}): Promise<readonly NccoAction[]> {
    const flow = this.#flow(flowName)
    const name = stepName ?? flow.definition.initial
    this.#step(flow, name)
    const uuid = call.uuid ?? 'preview'
    const record = this.#freshRecord(flow, name, uuid, {}, call.context)
    const info = { ...record.call, ...(call.from === undefined ? {} : { from: call.from }), ...(call.to === undefined ? {} : { to: call.to }) }
    const { ncco } = await renderFrom(flow, info, flow.compiled.restore(record.state), baseUrl, this.#log)
    return ncco
  }

  /**
   * A call's stored record, found by its conversation uuid (the key it is stored under) or by the uuid of one of its
   * legs; undefined when the store does not have it.
   */
  async findCall(id: string): Promise<Versioned<CallRecord> | undefined> {
    const stored = await this.#store.get(id)
    if (stored !== undefined) return { value: fromStored(id, stored.value), version: stored.version }
    const key = await this.#store.resolveAlias(legAlias(id))
    if (key === undefined) return undefined
    const aliased = await this.#store.get(key)
    return aliased === undefined ? undefined : { value: fromStored(key, aliased.value), version: aliased.version }
  }

  /** Resolves when every effect (handler) started so far has finished. */
  async drain(): Promise<void> {
    await this.#transactions.drain()
  }

  /** Where a webhook's call is kept: under its conversation uuid, else its leg uuid (normalised from an AMD event's `call_uuid`). */
  #locate(payload: Payload): CallLocator {
    const leg = payload.uuid
    const key = payload.conversation_uuid ?? leg ?? 'unknown'
    return leg === undefined ? { key } : { key, leg }
  }

  #freshRecord(flow: LoadedFlow, stepName: string, id: string, payload: Payload, context?: Readonly<Record<string, unknown>>): CallRecord {
    const ctx = { ...(structuredClone(flow.definition.context) as Record<string, unknown>), ...context }
    const snapshot = flow.compiled.restore({ value: stepName, context: { ctx } })
    const now = Date.now()
    return {
      flow: flow.definition.name,
      flowVersion: flow.definition.version,
      call: { uuid: payload.uuid ?? id, ...(payload.conversation_uuid === undefined ? {} : { conversationUuid: payload.conversation_uuid }) },
      state: flow.compiled.persist(snapshot),
      ended: false,
      history: [],
      createdAt: now,
      updatedAt: now,
    }
  }
}
