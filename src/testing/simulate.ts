import { randomUUID } from 'node:crypto'
import { validateNcco, type Ncco, type NccoAction } from '../ncco/index.js'
import type { Flow } from '../dsl/flow.js'
import type { CallRecord, HistoryEntry } from '../runtime/call-record.js'
import { connectFailureStatuses, isConnectFailure, isTerminalStatus, type ConnectFailureStatus } from '../webhooks/statuses.js'
import {
  callbackOf, describe, emptyCursor, firstWait, locate, passAfter, passTo, replace, reported, type Located, type NccoCursor,
} from './cursor.js'
import {
  answerPayload, callEventPayload, inputPayload, legEventPayload, notifyPayload, paymentPayload, recordPayload, toQueryString,
  type CallIds, type CallerInput, type InputSettings, type SpeechAlternative, type WebhookBody,
} from './payloads.js'

/** An HTTP method Vonage uses for webhooks. */
export type WebhookMethod = 'GET' | 'POST'

/**
 * What the simulator needs of the server: fastify's `inject` and the runtime the nccoflow plugin decorates it with.
 * A fastify instance with nccoflow registered (`buildServer()`) fits.
 */
export interface SimulatorApp {
  inject(options: { method: WebhookMethod; url: string; headers?: Record<string, string>; payload?: string }): PromiseLike<{
    readonly statusCode: number
    readonly body: string
    readonly headers: Readonly<Record<string, number | string | readonly string[] | undefined>>
  }>
  readonly nccoflow: {
    readonly runtime: {
      findCall(id: string): Promise<{ readonly value: CallRecord } | undefined>
      readonly flows: ReadonlyMap<string, unknown>
      drain(): Promise<void>
    }
  }
}

/** Options of {@link simulateCall}. */
export interface SimulateOptions {
  /**
   * The flow to call through its own answer URL, `/flows/<flow>/answer`: its name, or the flow itself (then the call's
   * `context` and `step` have the flow's types); default: `/answer`, where the server picks the flow by `to`.
   */
  readonly flow?: string | { readonly name: string }
  /** The caller's number; default `447700900123`. */
  readonly from?: string
  /** The number called; default `447700900000`. */
  readonly to?: string
  /** Path (and query) of the answer URL; overrides `flow`'s. */
  readonly answerUrl?: string
  /** How Vonage fetches the answer URL; default `GET`, as Vonage does unless the application says otherwise. */
  readonly answerMethod?: WebhookMethod
  /** Path of the application's event URL, where call status events go; default `/event`. */
  readonly eventUrl?: string
  /** How Vonage sends to the event URL; default `POST`. */
  readonly eventMethod?: WebhookMethod
  /** The call's leg uuid; default a fresh `randomUUID()`. */
  readonly uuid?: string
  /** The conversation's uuid; default `CON-` and a fresh `randomUUID()`. */
  readonly conversationUuid?: string
  /** The clock webhook timestamps are read from (ms); default `Date.now`. Timestamps always increase, by 1 ms at least. */
  readonly now?: () => number
}

/** One request the simulator sent, and what the server answered. */
export interface SimulatedRequest {
  readonly method: WebhookMethod
  /** Path and query, as sent to `inject`. */
  readonly url: string
  /** The webhook's fields (for GET, before they were encoded into the query). */
  readonly payload: WebhookBody
  readonly statusCode: number
  /** The JSON the server answered (an NCCO, or `[]`), or undefined for an empty body. */
  readonly response: unknown
  /** True when `retry()` sent it again. */
  readonly retry: boolean
}

/** Statuses `connectFails()` sends: the ones that make Vonage give up on a connect. */
export type ConnectFailure = ConnectFailureStatus

/**
 * A call played against the server as Vonage would play it. Each method sends the webhook Vonage would send to the URL
 * the NCCOs name, and resolves to what Vonage gets back: the NCCO, `[]` (carry on), or undefined (an empty 204).
 * The call's step, context, history and `ended` are read from the store after each webhook, once the flow's handlers
 * have run; they are plain properties, current as soon as the method's promise resolves.
 */
export interface SimulatedCall<C = Readonly<Record<string, unknown>>, N extends string = string> {
  /** The call's leg uuid. */
  readonly uuid: string
  /** The conversation's uuid, shared by the legs connects create (the key of the call's record in the store). */
  readonly conversationUuid: string
  /** The caller's number. */
  readonly from: string
  /** The number called. */
  readonly to: string
  /** The NCCO Vonage is running: the last one it received; `[]` before `answer()`. */
  readonly ncco: Ncco
  /** The actions of `ncco` Vonage has not finished yet: the one it waits at and those after it. */
  readonly remaining: Ncco
  /** The step the call is in, as stored; undefined before `answer()` or when the server does not know the call. */
  readonly step: N | undefined
  /** The flow's context, as stored. */
  readonly context: Readonly<C> | undefined
  /** How many times the flow's `retry()` has sent the caller back, as stored. */
  readonly retries: number
  /** The call's stored history (every distinct event with its timestamp). */
  readonly history: readonly HistoryEntry[]
  /** Whether the server has recorded the end of the call. */
  readonly ended: boolean
  /** The whole stored record of the call. */
  readonly callRecord: CallRecord | undefined
  /** Every request sent, in order, with the status code and response. */
  readonly requests: readonly SimulatedRequest[]
  /** The uuids of the legs `connect` actions created, in order. */
  readonly legs: readonly string[]
  /** The caller calls in: Vonage fetches the answer URL (GET by default); resolves to the first NCCO. */
  answer(extra?: WebhookBody): Promise<Ncco | undefined>
  /** The caller presses keys at the input Vonage waits on; with `submitOnHash`, a last `#` ends the input and is not sent in `digits`, as Vonage does. */
  press(digits: string): Promise<Ncco | undefined>
  /** The caller speaks at the input Vonage waits on: one text, or several hypotheses with their confidence. */
  say(speech: string | readonly SpeechAlternative[]): Promise<Ncco | undefined>
  /** The input Vonage waits on times out: no keys, no speech. */
  silence(): Promise<Ncco | undefined>
  /** The leg of the pending connect ends in a failure status (new leg uuid, same conversation). */
  connectFails(status: ConnectFailure, extra?: WebhookBody): Promise<Ncco | undefined>
  /** Any status event of the pending connect's leg (`ringing`, `answered`, `completed`, ...). */
  connectEvent(status: string, extra?: WebhookBody): Promise<Ncco | undefined>
  /** The pending record action finishes: Vonage posts the recording (fields of `payload` override the defaults). */
  recordingDone(payload?: WebhookBody): Promise<Ncco | undefined>
  /** Vonage reaches the pending notify action and posts its payload. */
  notified(): Promise<Ncco | undefined>
  /** The pending pay action finishes: Vonage posts the payment result (`success` or `failure`). */
  paymentDone(status: 'success' | 'failure', extra?: WebhookBody): Promise<Ncco | undefined>
  /** A status event of the call's own leg, sent to the application's event URL. */
  event(status: string, extra?: WebhookBody): Promise<Ncco | undefined>
  /** The caller hangs up: `completed` (disconnected by the user) to the event URL. The action Vonage waited at may still call back late. */
  hangup(extra?: WebhookBody): Promise<Ncco | undefined>
  /** Vonage plays the rest of the NCCO and hangs up when it runs out (`completed`, disconnected by the platform); throws if something in it waits. */
  finish(): Promise<Ncco | undefined>
  /** Sends the last request again byte for byte, as Vonage does when an answer is late or fails; Vonage runs what the retry gets. */
  retry(): Promise<Ncco | undefined>
  /** Reads the call's record from the store again (after a test changed it, or effects it did not wait for). */
  refresh(): Promise<void>
}

interface Outgoing {
  readonly method: WebhookMethod
  readonly url: string
  readonly payload: WebhookBody
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Whether Vonage uses the response as an NCCO. */
  readonly usesNcco: boolean
}

/** How Vonage's place in the NCCO follows from where it was and the response it got. */
type Move = (from: NccoCursor, response: unknown) => NccoCursor

/** The last exchange, for `retry()`: what was sent, where Vonage was before, and how it moves on. */
interface Exchange {
  readonly request: Outgoing
  readonly from: NccoCursor
  readonly move: Move
}

function fail(message: string): never {
  throw new Error(`simulateCall: ${message}`)
}

/** Turns a URL from an NCCO (absolute) or an option (a path) into the path and query `inject` takes. */
function pathOf(url: string): string {
  const parsed = new URL(url, 'http://localhost')
  return `${parsed.pathname}${parsed.search}`
}

function outgoing(method: WebhookMethod, url: string, payload: WebhookBody, usesNcco: boolean): Outgoing {
  const path = pathOf(url)
  if (method === 'GET') return { method, url: `${path}${path.includes('?') ? '&' : '?'}${toQueryString(payload)}`, payload, usesNcco }
  return { method, url: path, payload, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), usesNcco }
}

function isNcco(value: unknown): value is Ncco {
  return Array.isArray(value)
}

class CallSimulator implements SimulatedCall {
  readonly uuid: string
  readonly conversationUuid: string
  readonly from: string
  readonly to: string
  readonly #app: SimulatorApp
  readonly #options: SimulateOptions
  readonly #now: () => number
  readonly #requests: SimulatedRequest[] = []
  readonly #legs = new Map<NccoAction, string>()
  #cursor: NccoCursor = emptyCursor
  #record: CallRecord | undefined
  #last: Exchange | undefined
  #time = 0
  #answeredAt: number | undefined

  constructor(app: SimulatorApp, options: SimulateOptions) {
    this.#app = app
    this.#options = options
    this.#now = options.now ?? Date.now
    this.uuid = options.uuid ?? randomUUID()
    this.conversationUuid = options.conversationUuid ?? `CON-${randomUUID()}`
    this.from = options.from ?? '447700900123'
    this.to = options.to ?? '447700900000'
  }

  get ncco(): Ncco {
    return this.#cursor.ncco
  }

  get remaining(): Ncco {
    return this.#cursor.ncco.slice(this.#cursor.at)
  }

  get step(): string | undefined {
    return this.#record?.state.value
  }

  get context(): Readonly<Record<string, unknown>> | undefined {
    return this.#record?.state.context.ctx
  }

  get retries(): number {
    return this.#record?.state.context.retries ?? 0
  }

  get history(): readonly HistoryEntry[] {
    return this.#record?.history ?? []
  }

  get ended(): boolean {
    return this.#record?.ended ?? false
  }

  get callRecord(): CallRecord | undefined {
    return this.#record
  }

  get requests(): readonly SimulatedRequest[] {
    return [...this.#requests]
  }

  get legs(): readonly string[] {
    return [...this.#legs.values()]
  }

  get #ids(): CallIds {
    return { uuid: this.uuid, conversationUuid: this.conversationUuid, from: this.from, to: this.to }
  }

  #timestamp(): string {
    this.#time = Math.max(this.#now(), this.#time + 1)
    return new Date(this.#time).toISOString()
  }

  async answer(extra?: WebhookBody): Promise<Ncco | undefined> {
    if (this.#answeredAt !== undefined) fail('answer() was already sent: use retry() to send it again, as Vonage does when the answer is late')
    const url = this.#options.answerUrl ?? (this.#options.flow === undefined ? '/answer' : `/flows/${this.#options.flow}/answer`)
    const request = outgoing(this.#options.answerMethod ?? 'GET', url, answerPayload(this.#ids, extra), true)
    const response = await this.#exchange(request, (_, ncco) => replace(emptyCursor, ncco as Ncco))
    this.#answeredAt = this.#time = Math.max(this.#now(), this.#time + 1)
    return response
  }

  async press(digits: string): Promise<Ncco | undefined> {
    if (!/^[0-9*#]+$/.test(digits)) fail(`press() takes keys 0-9, * and #, got ${JSON.stringify(digits)}`)
    return this.#input('press', { kind: 'dtmf', digits }, 'dtmf')
  }

  async say(speech: string | readonly SpeechAlternative[]): Promise<Ncco | undefined> {
    const results = typeof speech === 'string' ? [{ text: speech }] : speech
    if (results.length === 0 || results.some((r) => r.text === '')) fail('say() takes some words: use silence() for a caller who says nothing')
    return this.#input('say', { kind: 'speech', results }, 'speech')
  }

  async silence(): Promise<Ncco | undefined> {
    return this.#input('silence', { kind: 'timeout' }, undefined)
  }

  async connectFails(status: ConnectFailure, extra?: WebhookBody): Promise<Ncco | undefined> {
    if (!isConnectFailure(status)) fail(`connectFails() takes ${connectFailureStatuses.join(', ')}; got ${JSON.stringify(status)}: use connectEvent() for other statuses`)
    return this.connectEvent(status, extra)
  }

  async connectEvent(status: string, extra?: WebhookBody): Promise<Ncco | undefined> {
    const at = this.#find('connect', 'connectEvent')
    const action = at.action as { from?: string; endpoint?: readonly { number?: string; uri?: string; user?: string }[] }
    const endpoint = action.endpoint?.[0]
    const leg = this.#legs.get(at.action) ?? randomUUID()
    this.#legs.set(at.action, leg)
    const payload = legEventPayload(this.#ids, { uuid: leg, from: action.from, to: endpoint?.number ?? endpoint?.uri ?? endpoint?.user }, status, this.#timestamp(), extra)
    // A leg that ended (failed, or hung up after talking) lets Vonage carry on after the connect; otherwise it stays there.
    return this.#callback(at, payload, isTerminalStatus(status))
  }

  async recordingDone(payload?: WebhookBody): Promise<Ncco | undefined> {
    const at = this.#find('record', 'recordingDone')
    const start = new Date(this.#time).toISOString()
    const timestamp = this.#timestamp()
    return this.#callback(at, recordPayload(this.#ids, { start, end: timestamp }, timestamp, payload), true)
  }

  async paymentDone(status: 'success' | 'failure', extra?: WebhookBody): Promise<Ncco | undefined> {
    const at = this.#find('pay', 'paymentDone')
    return this.#callback(at, paymentPayload(this.#ids, status, this.#timestamp(), extra), true)
  }

  async notified(): Promise<Ncco | undefined> {
    const at = this.#find('notify', 'notified')
    return this.#callback(at, notifyPayload(this.#ids, (at.action as { payload?: unknown }).payload, this.#timestamp()), true)
  }

  async event(status: string, extra?: WebhookBody): Promise<Ncco | undefined> {
    return this.#event('event', status, () => extra ?? {})
  }

  async hangup(extra?: WebhookBody): Promise<Ncco | undefined> {
    return this.#completed('hangup', 'user', extra)
  }

  async finish(): Promise<Ncco | undefined> {
    this.#answered('finish')
    const wait = firstWait(this.#cursor)
    if (wait !== undefined) fail(`finish(): Vonage would not reach the end of the NCCO, it waits at the ${describe(wait)}`)
    return this.#completed('finish', 'platform')
  }

  async retry(): Promise<Ncco | undefined> {
    const last = this.#last ?? fail('retry() before any request: there is nothing to send again')
    const response = await this.#send(last.request, true)
    this.#cursor = last.move(last.from, response)
    return response as Ncco | undefined
  }

  async refresh(): Promise<void> {
    await this.#app.nccoflow.runtime.drain()
    this.#record = (await this.#app.nccoflow.runtime.findCall(this.conversationUuid))?.value
  }

  #answered(verb: string): void {
    if (this.#answeredAt === undefined) fail(`${verb}() before answer(): the call has not started`)
  }

  /** The action named `name` Vonage can send a callback for now, or an error that says where Vonage is instead. */
  #find(name: string, verb: string): Located {
    this.#answered(verb)
    const search = locate(this.#cursor, name)
    if (search.found !== undefined) return search.found
    if (search.blockedBy !== undefined) fail(`${verb}() needs a pending ${name}, but Vonage waits at the ${describe(search.blockedBy)} before any`)
    const ncco = `[${this.#cursor.ncco.map((a) => a.action).join(', ')}]`
    const where = this.#cursor.at >= this.#cursor.ncco.length ? 'it has finished' : `it is at [${this.#cursor.at}]`
    fail(`${verb}() needs a pending ${name}, and there is none: the NCCO Vonage runs is ${ncco} and ${where}`)
  }

  async #input(verb: string, input: CallerInput, needs: string | undefined): Promise<Ncco | undefined> {
    const at = this.#find('input', verb)
    // The input passed validation, so it has its `type`.
    const settings = at.action as unknown as InputSettings
    if (needs !== undefined && !settings.type.includes(needs)) fail(`${verb}() needs an input that takes ${needs}, but the ${describe(at)} takes ${settings.type.join(' and ')}`)
    if (input.kind === 'dtmf' && settings.dtmf?.submitOnHash === true && /#./.test(input.digits)) {
      fail(`${verb}(${JSON.stringify(input.digits)}): the ${describe(at)} submits on #, so keys after the # reach what comes next: press them in another call`)
    }
    return this.#callback(at, inputPayload(this.#ids, settings, input, this.#timestamp()), true)
  }

  /**
   * Sends an action's callback to the URL the action names (the event URL when it names none) and moves Vonage on:
   * an NCCO in the response replaces the rest when Vonage uses it; otherwise Vonage goes past the action once it is
   * `done`, or stays at it.
   */
  async #callback(at: Located, payload: WebhookBody, done: boolean): Promise<Ncco | undefined> {
    const callback = callbackOf(at.action)
    const url = callback.url ?? this.#options.eventUrl ?? '/event'
    const method = callback.method ?? (callback.url === undefined ? this.#options.eventMethod : undefined) ?? 'POST'
    const usesNcco = callback.returnsNcco && callback.url !== undefined
    return this.#exchange(outgoing(method, url, payload, usesNcco), (from, response) => {
      // A late callback from an action Vonage has left (a record, or what it waited at when the call ended) moves nothing.
      if (at.index === undefined) return reported(from, at.action)
      const moved = done ? passAfter(from, at.index) : passTo(from, at.index)
      return usesNcco && isNcco(response) && response.length > 0 ? replace(moved, response) : moved
    })
  }

  async #event(verb: string, status: string, extra: (timestamp: string) => WebhookBody): Promise<Ncco | undefined> {
    this.#answered(verb)
    const timestamp = this.#timestamp()
    const request = outgoing(this.#options.eventMethod ?? 'POST', this.#options.eventUrl ?? '/event', callEventPayload(this.#ids, status, timestamp, extra(timestamp)), false)
    return this.#exchange(request, (from) => {
      if (!isTerminalStatus(status)) return from
      // The call is over and nothing after runs; what Vonage passed and the action it waited at may still call back.
      const wait = firstWait(from)
      const passed = passTo(from, wait === undefined ? from.ncco.length : wait.index + 1)
      return { ...passed, at: passed.ncco.length }
    })
  }

  async #completed(verb: string, by: 'user' | 'platform', extra?: WebhookBody): Promise<Ncco | undefined> {
    return this.#event(verb, 'completed', (timestamp) => {
      const start = this.#answeredAt as number
      return {
        start_time: new Date(start).toISOString(),
        end_time: timestamp,
        duration: String(Math.round((Date.parse(timestamp) - start) / 1000)),
        disconnected_by: by,
        ...extra,
      }
    })
  }

  /** Sends a request and moves Vonage on with the response; remembers both so a retry starts from the same place. */
  async #exchange(request: Outgoing, move: Move): Promise<Ncco | undefined> {
    const from = this.#cursor
    const response = await this.#send(request, false)
    this.#last = { request, from, move }
    this.#cursor = move(from, response)
    return response as Ncco | undefined
  }

  /** Injects one request, checks what Vonage would check of the answer, and refreshes the stored call. */
  async #send(request: Outgoing, retry: boolean): Promise<unknown> {
    const reply = await this.#app.inject({
      method: request.method,
      url: request.url,
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(request.body === undefined ? {} : { payload: request.body }),
    })
    const type = String(reply.headers['content-type'] ?? '')
    const response: unknown = reply.body === '' ? undefined : type.startsWith('application/json') ? JSON.parse(reply.body) : reply.body
    this.#requests.push({ method: request.method, url: request.url, payload: request.payload, statusCode: reply.statusCode, response, retry })
    const label = `${request.method} ${request.url.split('?')[0]}`
    if (reply.statusCode < 200 || reply.statusCode > 205) fail(`${label} answered ${reply.statusCode}: ${reply.body}`)
    if (request.usesNcco) this.#checkNcco(label, response, type)
    await this.refresh()
    return response
  }

  #checkNcco(label: string, response: unknown, type: string): void {
    if (!isNcco(response)) fail(`${label} answered ${type === '' ? 'no body' : type} where Vonage needs an NCCO (a JSON array served as application/json)`)
    if (response.length === 0) return
    const issues = validateNcco(response).filter((i) => i.severity === 'error')
    if (issues.length > 0) fail(`${label} answered an NCCO Vonage would reject: ${issues.map((i) => `${JSON.stringify(i.path)} ${i.message}`).join('; ')}`)
  }
}

/**
 * Starts a simulated call to a server built in the test: nothing is sent until `answer()`.
 * @example
 * const app = await buildServer({ flows: [menu], publicUrl: 'https://ivr.test' })
 * const call = simulateCall(app, { flow: 'ivr-menu', from: '447700900123' })
 * await call.answer()
 * const ncco = await call.press('1')
 * console.log(call.step, call.context, ncco)
 */
export function simulateCall<C extends Record<string, unknown>, N extends string>(app: SimulatorApp, options: SimulateOptions & { readonly flow: Flow<C, N> }): SimulatedCall<C, N>
export function simulateCall(app: SimulatorApp, options?: SimulateOptions): SimulatedCall
export function simulateCall(app: SimulatorApp, options: SimulateOptions = {}): SimulatedCall {
  const runtime = (app as Partial<SimulatorApp>).nccoflow?.runtime
  if (runtime === undefined) fail('the app has no nccoflow runtime: pass a server built with buildServer(), or one that registered the nccoflow plugin')
  const flow = typeof options.flow === 'object' ? options.flow.name : options.flow
  if (flow !== undefined && !runtime.flows.has(flow)) {
    fail(`unknown flow ${JSON.stringify(flow)}: the app serves ${[...runtime.flows.keys()].map((f) => JSON.stringify(f)).join(', ')}`)
  }
  return new CallSimulator(app, { ...options, ...(flow === undefined ? {} : { flow }) })
}
