import type { AnyMachineSnapshot } from 'xstate'
import { awaitsCallback, renderAction, resolve } from '../dsl/render.js'
import type { CallInfo, FlowDefinition, InputResult, StepArgs, StepDefinition } from '../dsl/types.js'
import { errors, isNccoflowError } from '../errors.js'
import { validateNcco, type NccoAction } from '../ncco/index.js'
import { addHistory, type CallRecord } from './call-record.js'
import { silentLogger, type Logger } from './log.js'
import { compileFlow, type CompiledFlow, type MachineContext } from './machine.js'
import { KeyedQueue } from './queue.js'
import type { CallStore } from './store/index.js'
import { createMemoryStore } from './store/index.js'

/** How long calls are kept, in seconds. */
export interface CallTtl {
  /** A call that has not ended, since its last webhook; default 24 hours. */
  readonly activeSeconds?: number
  /** A call that has ended, kept for late events; default 1 hour. */
  readonly finishedSeconds?: number
}

/** Options of {@link CallRuntime}. */
export interface RuntimeOptions {
  readonly flows: readonly FlowDefinition[]
  /** Where call records live; the memory store by default. */
  readonly store?: CallStore<CallRecord>
  readonly ttl?: CallTtl
  readonly logger?: Logger
}

/** What the runtime needs to know about the HTTP request it serves. */
export interface RequestInfo {
  /** Absolute base of callback URLs, e.g. `https://ivr.example.com`. */
  readonly baseUrl: string
  /** A key equal for a request and Vonage's retries of it. */
  readonly key: string
  readonly log?: Logger
  /** Told which call the request is about once the runtime knows (a payload may carry only `conversation_uuid`). */
  readonly about?: (call: { uuid: string; flow?: string; step?: string }) => void
}

/** A webhook payload, normalised. */
export type Payload = Readonly<Record<string, unknown>> & { readonly uuid?: string; readonly conversation_uuid?: string }

/** Call statuses that end the leg they are about. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'rejected', 'failed', 'busy', 'unanswered', 'timeout', 'cancelled'])
/** Statuses of a connected leg that send a synchronous connect to `onFailure`. */
export const CONNECT_FAILURES: ReadonlySet<string> = new Set(['unanswered', 'busy', 'timeout', 'failed', 'rejected', 'cancelled'])

const MAX_STEPS = 64
const MAX_ATTEMPTS = 5

interface Flow {
  readonly definition: FlowDefinition
  readonly compiled: CompiledFlow
}

/** The outcome of handling one webhook inside a call's queue. */
interface Outcome<R> {
  readonly response: R
  readonly record?: CallRecord
  readonly effects?: readonly (() => unknown)[]
}

type Effect = () => unknown

/** Most speech transcripts kept from one input, and most characters of each: the result is stored with the call. */
const MAX_TRANSCRIPTS = 5
const MAX_TEXT = 500

function toInputResult(payload: Payload): InputResult {
  const dtmf = payload.dtmf as { digits?: string } | undefined
  const speech = (payload.speech as { results?: { text: string; confidence?: number }[] } | undefined)?.results ?? []
  const ranked = speech
    .filter((s) => typeof s.text === 'string' && s.text !== '')
    .sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))
    .slice(0, MAX_TRANSCRIPTS)
    .map((s) => (s.text.length > MAX_TEXT ? { ...s, text: s.text.slice(0, MAX_TEXT) } : s))
  const digits = (dtmf?.digits ?? '').slice(0, MAX_TEXT)
  return { digits, speech: ranked, timedOut: digits === '' && ranked.length === 0 }
}

async function withDeadline<T>(work: unknown, deadline: number, budgetMs: number): Promise<T> {
  const left = deadline - Date.now()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new errors.RUNTIME_BUDGET.Error(budgetMs)), Math.max(0, left))
  })
  try {
    return await Promise.race([Promise.resolve(work as T), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs calls: answers Vonage's webhooks for every flow, keeping one persisted xstate snapshot per call.
 * Webhooks of one call are handled one at a time; a retry gets the answer the first attempt got.
 */
export class CallRuntime {
  readonly #flows = new Map<string, Flow>()
  readonly #store: CallStore<CallRecord>
  readonly #queue = new KeyedQueue()
  readonly #pending = new Set<Promise<unknown>>()
  readonly #log: Logger
  readonly #activeTtl: number
  readonly #finishedTtl: number

  constructor(options: RuntimeOptions) {
    for (const definition of options.flows) this.#flows.set(definition.name, { definition, compiled: compileFlow(definition) })
    this.#store = options.store ?? createMemoryStore<CallRecord>()
    this.#log = options.logger ?? silentLogger
    this.#activeTtl = options.ttl?.activeSeconds ?? 24 * 3600
    this.#finishedTtl = options.ttl?.finishedSeconds ?? 3600
  }

  /** The store calls are kept in. */
  get store(): CallStore<CallRecord> {
    return this.#store
  }

  /** The flows this runtime serves, by name. */
  get flows(): ReadonlyMap<string, FlowDefinition> {
    return new Map([...this.#flows].map(([name, flow]) => [name, flow.definition]))
  }

  #flow(name: string): Flow {
    const flow = this.#flows.get(name)
    if (flow === undefined) throw new errors.FLOW_UNKNOWN.Error(name, `the flows are ${[...this.#flows.keys()].join(', ')}`)
    return flow
  }

  /** Answers the answer webhook of a new call with the first NCCO of the flow. A retried answer gets the same NCCO. */
  async answer(flowName: string, payload: Payload & { uuid: string }, request: RequestInfo): Promise<readonly NccoAction[]> {
    const flow = this.#flow(flowName)
    const uuid = payload.uuid
    const log = (request.log ?? this.#log).child({ uuid, flow: flowName, step: flow.definition.initial })
    return this.#inCall(uuid, log, flow.definition.fallback, async (stored) => {
      if (stored !== undefined) {
        log.info({ event: 'answer.retry' }, 'answer webhook for a call already answered: same NCCO again')
        return { response: stored.last?.ncco ?? flow.definition.fallback }
      }
      const call = {
        uuid,
        conversationUuid: payload.conversation_uuid,
        from: typeof payload.from === 'string' ? payload.from : typeof payload.from_user === 'string' ? payload.from_user : undefined,
        to: typeof payload.to === 'string' ? payload.to : undefined,
      }
      const start = flow.compiled.start({ ctx: structuredClone(flow.definition.context) as Record<string, unknown> })
      const { snapshot, ncco } = await this.#render(flow, call, start, request.baseUrl, log)
      const now = Date.now()
      const record: CallRecord = {
        flow: flowName,
        flowVersion: flow.definition.version,
        call: call as CallRecord['call'],
        state: flow.compiled.persist(snapshot),
        ended: false,
        history: [{ event: 'answer', at: new Date(now).toISOString() }],
        last: { key: request.key, ncco },
        createdAt: now,
        updatedAt: now,
      }
      if (call.conversationUuid !== undefined) await this.#store.setAlias(`conversation:${call.conversationUuid}`, uuid, this.#activeTtl)
      return { response: ncco, record }
    })
  }

  /**
   * Answers a callback of a step (`/flows/:flow/:step/:segment`). Returns the NCCO for callbacks whose response Vonage
   * uses (input, notify, synchronous connect; `[]` means carry on), or `undefined` for the others (answer 204).
   */
  async callback(flowName: string, stepName: string, segment: string, payload: Payload, request: RequestInfo): Promise<readonly NccoAction[] | undefined> {
    const flow = this.#flow(flowName)
    const step = flow.definition.steps[stepName]
    if (step === undefined) throw new errors.FLOW_UNKNOWN_STEP.Error(flowName, stepName, Object.keys(flow.definition.steps).join(', '))
    const id = await this.#callId(payload)
    request.about?.({ uuid: id, flow: flowName, step: stepName })
    const log = (request.log ?? this.#log).child({ uuid: id, flow: flowName, step: stepName })
    const kind = callbackKinds[segment] ?? effectCallback
    return this.#inCall(id, log, kind.returnsNcco ? flow.definition.fallback : undefined, async (stored) => {
      let record = stored
      if (record === undefined || record.flow !== flowName) {
        log.warn({ event: 'callback.unknown-call', segment }, 'callback for a call this server does not know (expired or lost): answering from the flow and step in its URL with fresh context')
        record = this.#freshRecord(flow, stepName, id, payload)
      }
      if (kind.returnsNcco && record.last?.key === request.key) {
        log.info({ event: 'callback.retry', segment }, 'retried callback: same NCCO again')
        return { response: record.last.ncco }
      }
      return kind.handle(this, { flow, step, segment, payload, record, request, log })
    })
  }

  /** Handles a webhook sent to the application's event URL (call status, transfer, error, ...). Never returns an NCCO. */
  async event(kind: string, payload: Payload, request: RequestInfo): Promise<void> {
    const id = await this.#callId(payload)
    const log = (request.log ?? this.#log).child({ uuid: id, event: kind })
    await this.#inCall(id, log, undefined, async (record) => {
      if (record === undefined) {
        log.debug({ status: payload.status }, 'event for a call this server does not know: ignored')
        return { response: undefined }
      }
      request.about?.({ uuid: id, flow: record.flow, step: record.state.value })
      const flow = this.#flows.get(record.flow)
      const stepLog = log.child({ flow: record.flow, step: record.state.value })
      const name = kind === 'call_event' ? `status:${String(payload.status)}` : kind
      const leg = payload.uuid !== undefined && payload.uuid !== record.call.uuid ? payload.uuid : undefined
      const entry = { event: name, at: typeof payload.timestamp === 'string' ? payload.timestamp : new Date().toISOString(), ...(leg === undefined ? {} : { leg }) }
      const history = addHistory(record.history, entry)
      if (history === record.history) {
        stepLog.debug({ event: name }, 'duplicate event: ignored')
        return { response: undefined }
      }
      if (kind === 'error') stepLog.warn({ reason: payload.reason }, 'Vonage reported an error for this call')
      let next: CallRecord = { ...record, history, updatedAt: Date.now() }
      const ends = kind === 'call_event' && leg === undefined && TERMINAL_STATUSES.has(String(payload.status)) && !record.ended
      if (ends && flow !== undefined) {
        const snapshot = flow.compiled.advance(flow.compiled.restore(record.state), { type: 'call.ended' })
        next = { ...next, ended: true, state: flow.compiled.persist(snapshot) }
        stepLog.info({ status: payload.status }, 'call ended')
      }
      // A late event for a call that has already ended is kept in history and changes nothing else: no handlers run.
      const effects = kind === 'call_event' && flow !== undefined && !record.ended ? this.#statusEffects(flow, next, payload, stepLog) : []
      return { response: undefined, record: next, effects }
    })
  }

  /** Answers Vonage's fallback request: the flow's fallback NCCO (the default flow's when the call is unknown). */
  async fallback(defaultFlow: string | undefined, payload: Payload, request: RequestInfo): Promise<readonly NccoAction[]> {
    const id = await this.#callId(payload)
    const stored = await this.#store.get(id)
    const name = stored?.value.flow ?? defaultFlow
    const flow = name === undefined ? undefined : this.#flows.get(name)
    const log = (request.log ?? this.#log).child({ uuid: id, flow: name, step: stored?.value.state.value })
    log.warn({ reason: payload.reason, originalRequest: payload.original_request }, 'Vonage used the fallback URL: answering with the fallback NCCO')
    return flow?.definition.fallback ?? [{ action: 'talk', text: 'Sorry, something went wrong. Goodbye.' }]
  }

  /**
   * The NCCO a step renders for a sample call, without storing anything (for `nccoflow ncco` and docs).
   * Async work and context updates run as they would for a real call; `context` is merged over the flow's initial one.
   */
  async preview(flowName: string, stepName: string | undefined, baseUrl: string, call: { uuid?: string; from?: string; to?: string } = {}, context: Readonly<Record<string, unknown>> = {}): Promise<readonly NccoAction[]> {
    const flow = this.#flow(flowName)
    const name = stepName ?? flow.definition.initial
    if (flow.definition.steps[name] === undefined) throw new errors.FLOW_UNKNOWN_STEP.Error(flowName, name, Object.keys(flow.definition.steps).join(', '))
    const record = this.#freshRecord(flow, name, call.uuid ?? 'preview', {})
    const state = { ...record.state, context: { ...record.state.context, ctx: { ...record.state.context.ctx, ...structuredClone(context) } } }
    const { ncco } = await this.#render(flow, { ...record.call, ...call, uuid: call.uuid ?? 'preview' }, flow.compiled.restore(state), baseUrl, this.#log)
    return ncco
  }

  /** Resolves when every effect (handler) started so far has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  async #callId(payload: Payload): Promise<string> {
    const conversation = payload.conversation_uuid
    if (conversation !== undefined) {
      const id = await this.#store.resolveAlias(`conversation:${conversation}`)
      if (id !== undefined) return id
    }
    return payload.uuid ?? `conversation:${String(conversation)}`
  }

  #freshRecord(flow: Flow, stepName: string, id: string, payload: Payload): CallRecord {
    const snapshot = flow.compiled.restore({ value: stepName, context: { ctx: structuredClone(flow.definition.context) as Record<string, unknown> } })
    const now = Date.now()
    return {
      flow: flow.definition.name,
      flowVersion: flow.definition.version,
      call: { uuid: id, ...(payload.conversation_uuid === undefined ? {} : { conversationUuid: payload.conversation_uuid }) },
      state: flow.compiled.persist(snapshot),
      ended: false,
      history: [],
      createdAt: now,
      updatedAt: now,
    }
  }

  /**
   * Runs one webhook of a call inside the call's queue: load, handle, save with compare-and-set (retrying on a
   * conflict with another instance), then start the effects. When `fallback` is set (NCCO routes), any error gives
   * the caller the fallback NCCO instead of failing the request.
   */
  async #inCall<R>(id: string, log: Logger, fallback: R | undefined, handle: (record: CallRecord | undefined) => Promise<Outcome<R>>): Promise<R> {
    try {
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
        for (const effect of outcome.effects ?? []) this.#startEffect(effect, log)
        return outcome.response
      }
      return await this.#queue.run(id, () => attempt(1))
    } catch (error) {
      if (fallback === undefined) throw error
      log.error({ err: error }, 'the flow failed: the caller hears the fallback NCCO')
      return fallback
    }
  }

  #startEffect(effect: Effect, log: Logger): void {
    const running = (async () => effect())().catch((error: unknown) => log.error({ err: error }, 'a flow handler failed'))
    this.#pending.add(running)
    void running.finally(() => this.#pending.delete(running))
  }

  #statusEffects(flow: Flow, record: CallRecord, payload: Payload, log: Logger): Effect[] {
    const args = this.#args(flow, record, record.state.value, log)
    return flow.definition.statusHandlers
      .filter((h) => h.status === '*' || h.status === payload.status)
      .map((h) => () => {
        log.debug({ status: payload.status }, 'running status handler')
        return h.handler(payload as never, args)
      })
  }

  #args(flow: Flow, record: CallRecord, step: string, log: Logger): StepArgs<never> {
    const call: CallInfo = { ...record.call, flow: flow.definition.name, step, ...(record.state.context.input === undefined ? {} : { input: record.state.context.input }) }
    return { call, context: record.state.context.ctx, log } as unknown as StepArgs<never>
  }

  /**
   * Renders from the step a snapshot is in: runs each step's operations in order (context updates, async work within
   * the budget, actions), follows `goto` through steps that await nothing, and stops at an action that awaits a callback
   * or at a step with nowhere to go. The NCCO is the concatenation, validated before it leaves.
   */
  async #render(flow: Flow, call: CallRecord['call'], from: AnyMachineSnapshot, baseUrl: string, log: Logger): Promise<{ snapshot: AnyMachineSnapshot; ncco: NccoAction[] }> {
    const { definition, compiled } = flow
    const deadline = Date.now() + definition.budgetMs
    const ncco: NccoAction[] = []
    let snapshot = from
    for (let visited = 1; ; visited += 1) {
      if (visited > MAX_STEPS) throw new errors.RUNTIME_LOOP.Error(MAX_STEPS)
      const name = String(snapshot.value)
      const step = definition.steps[name] as StepDefinition
      const args = (): StepArgs<never> => {
        const context = snapshot.context as MachineContext
        const info: CallInfo = { ...call, flow: definition.name, step: name, ...(context.input === undefined ? {} : { input: context.input }) }
        return { call: info, context: context.ctx, log } as unknown as StepArgs<never>
      }
      const prefix = `${baseUrl}/flows/${definition.name}`
      const urls = { callback: (segment: string) => `${prefix}/${name}/${segment}`, media: (path: string) => `${prefix}/audio/${path.replace(/^\.\//, '')}` }
      let awaits = false
      for (const op of step.ops) {
        if (op.kind === 'action') {
          const action = renderAction(op, args(), urls)
          ncco.push(action)
          awaits ||= awaitsCallback(action)
          continue
        }
        const patch = op.kind === 'do' ? await withDeadline<unknown>(op.fn(args()), deadline, definition.budgetMs) : op.fn(args())
        if (patch !== undefined && patch !== null) snapshot = compiled.advance(snapshot, { type: 'context.patch', patch: patch as Record<string, unknown> })
      }
      if (awaits || step.next === undefined) break
      const target = resolve(step.next.kind === 'static' ? step.next.target : step.next.fn, args())
      const moved = compiled.advance(snapshot, { type: 'step.next', target })
      if (moved === snapshot || String(moved.value) !== target) throw new errors.RUNTIME_BAD_TARGET.Error(name, target)
      log.debug({ from: name, to: target }, 'step')
      snapshot = moved
    }
    const issues = validateNcco(ncco).filter((i) => i.severity === 'error')
    if (issues.length > 0) throw new errors.NCCO_INVALID.Error(issues.map((i) => `${JSON.stringify(i.path)} ${i.message}`).join('; '))
    return { snapshot, ncco }
  }

  /** @internal Handles an input callback: branch on the result and render the next step. */
  async handleInput(c: CallbackContext): Promise<Outcome<readonly NccoAction[]>> {
    const stale = this.#stale(c)
    if (stale !== undefined) return stale
    const stamped = typeof c.payload.timestamp === 'string'
    const at = stamped ? c.payload.timestamp as string : new Date().toISOString()
    const history = addHistory(c.record.history, { event: 'input', at })
    // The same input again (Vonage's timestamp seen before) in other bytes: a duplicate, it must not advance the call.
    // Without Vonage's timestamp nothing tells a duplicate from a new input, so it counts as new.
    if (stamped && history === c.record.history) {
      c.log.info({ segment: c.segment, at }, 'duplicate input: not advancing')
      // An input in the history was answered with an NCCO, and that answer was saved with it as `last`.
      return { response: (c.record.last as NonNullable<CallRecord['last']>).ncco }
    }
    const input = toInputResult(c.payload)
    const snapshot = c.flow.compiled.advance(c.flow.compiled.restore(c.record.state), { type: 'input.received', input })
    c.log.info({ digits: input.digits, speech: input.speech[0]?.text, to: String(snapshot.value) }, 'input')
    return this.#rendered(c, snapshot, history)
  }

  /** @internal Handles a synchronous connect's leg event: on a failure status, go to `onFailure`; otherwise carry on. */
  async handleConnect(c: CallbackContext): Promise<Outcome<readonly NccoAction[]>> {
    const status = String(c.payload.status)
    const at = typeof c.payload.timestamp === 'string' ? c.payload.timestamp : new Date().toISOString()
    const leg = c.payload.uuid !== undefined && c.payload.uuid !== c.record.call.uuid ? { leg: c.payload.uuid } : {}
    const history = addHistory(c.record.history, { event: `connect:${status}`, at, ...leg })
    const event = `connect:${status}@${at}@${String(c.payload.uuid)}`
    // A duplicate gets what the first got: the NCCO it produced, or `[]` (a status that carries on, or a late one).
    if (history === c.record.history) return { response: c.record.last?.event === event ? c.record.last.ncco : [] }
    if (this.#stale(c) !== undefined || !CONNECT_FAILURES.has(status) || c.step.onFailure === undefined) {
      return { response: [], record: { ...c.record, history, updatedAt: Date.now() } }
    }
    const snapshot = c.flow.compiled.advance(c.flow.compiled.restore(c.record.state), { type: 'connect.failed', status })
    c.log.info({ status, to: String(snapshot.value) }, 'connect failed')
    return this.#rendered(c, snapshot, history, event)
  }

  /** @internal Handles a notify callback: continue with the step's `goto`, or carry on with `[]`. */
  async handleNotify(c: CallbackContext): Promise<Outcome<readonly NccoAction[]>> {
    const stale = this.#stale(c)
    if (stale !== undefined) return stale
    const at = typeof c.payload.timestamp === 'string' ? c.payload.timestamp : new Date().toISOString()
    const history = addHistory(c.record.history, { event: 'notify', at })
    const effects = this.#handlers(c, c.record)
    if (c.step.next === undefined) return { response: [], record: { ...c.record, history, last: { key: c.request.key, ncco: [] }, updatedAt: Date.now() }, effects }
    const from = c.flow.compiled.restore(c.record.state)
    const target = resolve(c.step.next.kind === 'static' ? c.step.next.target : c.step.next.fn, this.#args(c.flow, c.record, c.step.name, c.log))
    const snapshot = c.flow.compiled.advance(from, { type: 'step.next', target })
    if (String(snapshot.value) !== target) throw new errors.RUNTIME_BAD_TARGET.Error(c.step.name, target)
    return { ...(await this.#rendered(c, snapshot, history)), effects }
  }

  /** The step's handlers for this callback, as effects to run after saving. */
  #handlers(c: CallbackContext, record: CallRecord): Effect[] {
    const handlers = c.step.ops.flatMap((op) => (op.kind === 'action' && op.handlers[c.segment] !== undefined ? [op.handlers[c.segment] as (p: unknown, a: unknown) => unknown] : []))
    const args = this.#args(c.flow, record, c.step.name, c.log)
    return handlers.map((h) => () => h(c.payload, args))
  }

  /** @internal Handles a callback whose body Vonage ignores: record it and run the step's handler after saving. */
  async handleEffect(c: CallbackContext): Promise<Outcome<undefined>> {
    const at = typeof c.payload.timestamp === 'string' ? c.payload.timestamp : new Date().toISOString()
    const history = addHistory(c.record.history, { event: c.segment, at })
    if (history === c.record.history) {
      c.log.debug({ segment: c.segment }, 'duplicate callback: ignored')
      return { response: undefined }
    }
    const record = { ...c.record, history, updatedAt: Date.now() }
    return { response: undefined, record, effects: this.#handlers(c, record) }
  }

  #stale(c: CallbackContext): Outcome<readonly NccoAction[]> | undefined {
    if (c.record.ended) {
      c.log.info({ segment: c.segment }, 'callback for a call that has ended: carry on')
      return { response: [] }
    }
    if (c.record.state.value !== c.step.name) {
      c.log.warn({ segment: c.segment, current: c.record.state.value }, 'callback for a step the call has left (late or duplicate): not advancing')
      return { response: c.record.last?.ncco ?? [] }
    }
    return undefined
  }

  async #rendered(c: CallbackContext, snapshot: AnyMachineSnapshot, history: CallRecord['history'], event?: string): Promise<Outcome<readonly NccoAction[]>> {
    const { snapshot: after, ncco } = await this.#render(c.flow, c.record.call, snapshot, c.request.baseUrl, c.log)
    const last = { key: c.request.key, ncco, ...(event === undefined ? {} : { event }) }
    const record: CallRecord = { ...c.record, state: c.flow.compiled.persist(after), history, last, updatedAt: Date.now() }
    return { response: ncco, record }
  }
}

/** @internal What a callback handler gets. */
export interface CallbackContext {
  readonly flow: Flow
  readonly step: StepDefinition
  readonly segment: string
  readonly payload: Payload
  readonly record: CallRecord
  readonly request: RequestInfo
  readonly log: Logger
}

interface CallbackKind {
  readonly returnsNcco: boolean
  handle(runtime: CallRuntime, c: CallbackContext): Promise<Outcome<readonly NccoAction[] | undefined>>
}

const effectCallback: CallbackKind = { returnsNcco: false, handle: (r, c) => r.handleEffect(c) }

/** How each callback route segment is handled; segments not listed run the step's handlers and answer 204. */
const callbackKinds: Readonly<Record<string, CallbackKind>> = {
  input: { returnsNcco: true, handle: (r, c) => r.handleInput(c) },
  connect: { returnsNcco: true, handle: (r, c) => r.handleConnect(c) },
  notify: { returnsNcco: true, handle: (r, c) => r.handleNotify(c) },
}

/** Tells whether a callback route segment answers with an NCCO. */
export function callbackReturnsNcco(segment: string): boolean {
  return callbackKinds[segment]?.returnsNcco ?? false
}

