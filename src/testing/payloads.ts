import { randomUUID } from 'node:crypto'

// The webhook bodies Vonage sends, shaped as the reference (§2) and the captured requests show them: an input's
// `speech.results[].confidence` as a string, a record payload without `uuid`, a notify payload with only the
// conversation's id. Each builder takes the call's ids and the request's timestamp and returns plain JSON data.

/** The ids and numbers of a simulated call that go into every payload. */
export interface CallIds {
  readonly uuid: string
  readonly conversationUuid: string
  readonly from: string
  readonly to: string
}

/** One speech recognition hypothesis, as `say()` takes it; confidence defaults to 0.9. */
export interface SpeechAlternative {
  readonly text: string
  readonly confidence?: number
}

/** What the caller did at an input: pressed keys, spoke, or did nothing until it timed out. */
export type CallerInput =
  | { readonly kind: 'dtmf'; readonly digits: string }
  | { readonly kind: 'speech'; readonly results: readonly SpeechAlternative[] }
  | { readonly kind: 'timeout' }

/** The settings of the `input` action a payload answers. */
export interface InputSettings {
  readonly type: readonly string[]
  readonly dtmf?: { readonly maxDigits?: number; readonly submitOnHash?: boolean }
}

/** A JSON object sent as a webhook body. */
export type WebhookBody = Record<string, unknown>

const DEFAULT_MAX_DIGITS = 4
const DEFAULT_CONFIDENCE = 0.9

function dtmfResult(input: CallerInput, settings: InputSettings): WebhookBody {
  if (input.kind === 'dtmf') {
    // With submitOnHash, the # that ends the input is not in `digits` (Vonage: "1234#" is received as "1234").
    const submitted = settings.dtmf?.submitOnHash === true && input.digits.endsWith('#')
    const digits = submitted ? input.digits.slice(0, -1) : input.digits
    const full = digits.length >= (settings.dtmf?.maxDigits ?? DEFAULT_MAX_DIGITS)
    return { digits, timed_out: !submitted && !full }
  }
  if (input.kind === 'speech') return { digits: null, timed_out: false }
  return { digits: '', timed_out: true }
}

function speechResult(input: CallerInput): WebhookBody {
  if (input.kind === 'speech') {
    const results = input.results.map((r) => ({ text: r.text, confidence: String(r.confidence ?? DEFAULT_CONFIDENCE) }))
    return { results, timeout_reason: 'end_on_silence_timeout' }
  }
  if (input.kind === 'timeout') return { results: [], timeout_reason: 'start_timeout' }
  return { results: [] }
}

/** The input webhook for what the caller did, with `dtmf` and `speech` only where the input collects them. */
export function inputPayload(ids: CallIds, settings: InputSettings, input: CallerInput, timestamp: string): WebhookBody {
  const types = settings.type
  return {
    ...(types.includes('speech') ? { speech: speechResult(input) } : {}),
    ...(types.includes('dtmf') ? { dtmf: dtmfResult(input, settings) } : {}),
    from: ids.from,
    to: ids.to,
    uuid: ids.uuid,
    conversation_uuid: ids.conversationUuid,
    timestamp,
  }
}

/** The answer webhook of an inbound call. */
export function answerPayload(ids: CallIds, extra: WebhookBody = {}): WebhookBody {
  return {
    to: ids.to,
    from: ids.from,
    uuid: ids.uuid,
    conversation_uuid: ids.conversationUuid,
    region_url: 'https://api-eu-1.nexmo.com',
    ...extra,
  }
}

/** A status event of the call's own leg, as sent to the application's event URL. */
export function callEventPayload(ids: CallIds, status: string, timestamp: string, extra: WebhookBody = {}): WebhookBody {
  return {
    from: ids.from,
    to: ids.to,
    uuid: ids.uuid,
    conversation_uuid: ids.conversationUuid,
    status,
    direction: 'inbound',
    timestamp,
    ...extra,
  }
}

/** A status event of the leg a `connect` created: its own uuid, the call's conversation. */
export function legEventPayload(ids: CallIds, leg: { uuid: string; from?: string; to?: string }, status: string, timestamp: string, extra: WebhookBody = {}): WebhookBody {
  return {
    from: leg.from ?? ids.to,
    ...(leg.to === undefined ? {} : { to: leg.to }),
    uuid: leg.uuid,
    conversation_uuid: ids.conversationUuid,
    status,
    direction: 'outbound',
    timestamp,
    ...extra,
  }
}

/** The record webhook: no `uuid` and no `status`, only the conversation's id (reference §2.5). */
export function recordPayload(ids: CallIds, times: { start: string; end: string }, timestamp: string, extra: WebhookBody = {}): WebhookBody {
  return {
    start_time: times.start,
    recording_url: `https://api.nexmo.com/v1/files/${randomUUID()}`,
    size: 12345,
    recording_uuid: randomUUID(),
    end_time: times.end,
    conversation_uuid: ids.conversationUuid,
    timestamp,
    ...extra,
  }
}

/** The result of a `pay` action, as Vonage posts it to the action's eventUrl (reference §1.11). */
export function paymentPayload(ids: CallIds, status: 'success' | 'failure', timestamp: string, extra: WebhookBody = {}): WebhookBody {
  return { from: ids.from, to: ids.to, uuid: ids.uuid, conversation_uuid: ids.conversationUuid, status, timestamp, ...extra }
}

/** The notify webhook: the action's `payload`, the conversation's id and a timestamp. */
export function notifyPayload(ids: CallIds, payload: unknown, timestamp: string): WebhookBody {
  return { payload, conversation_uuid: ids.conversationUuid, timestamp }
}

/** Encodes a payload as Vonage's GET form does: one query parameter per field, objects as JSON text. */
export function toQueryString(payload: WebhookBody): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined) continue
    params.append(key, value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value ?? ''))
  }
  return params.toString()
}
