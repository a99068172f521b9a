import type { TSchema } from '@sinclair/typebox'
import { AnswerWebhookSchema, answerWebhook } from './answer.js'
import type { NormalizedAnswer } from './answer.js'
import { CallEventWebhookSchema, callEventWebhook } from './call-event.js'
import type { NormalizedCallEvent } from './call-event.js'
import type { WebhookDefinition, WebhookIssue } from './check.js'
import { classifyWebhook } from './classify.js'
import type { EventKind } from './classify.js'
import { ErrorWebhookSchema, errorWebhook } from './error.js'
import type { NormalizedError } from './error.js'
import { FallbackWebhookSchema, fallbackWebhook } from './fallback.js'
import type { NormalizedFallback } from './fallback.js'
import { isObject } from './fields.js'
import { InputWebhookSchema, inputWebhook } from './input.js'
import type { NormalizedInput } from './input.js'
import { NotifyWebhookSchema, notifyWebhook } from './notify.js'
import type { NormalizedNotify } from './notify.js'
import { PaymentWebhookSchema, paymentWebhook } from './payment.js'
import type { NormalizedPayment } from './payment.js'
import { RecordWebhookSchema, recordWebhook } from './record.js'
import type { NormalizedRecord } from './record.js'
import { TransferWebhookSchema, transferWebhook } from './transfer.js'
import type { NormalizedTransfer } from './transfer.js'

export type { WebhookIssue } from './check.js'

/** The normalised form of each kind of payload {@link parseWebhook} accepts. */
export interface NormalizedWebhooks {
  answer: NormalizedAnswer
  call_event: NormalizedCallEvent
  transfer: NormalizedTransfer
  input: NormalizedInput
  record: NormalizedRecord
  error: NormalizedError
  notify: NormalizedNotify
  payment: NormalizedPayment
  fallback: NormalizedFallback
}

/** A kind of payload {@link parseWebhook} accepts: every event kind plus `answer` and `fallback`. */
export type PayloadKind = keyof NormalizedWebhooks

/** The outcome of parsing a payload: its normalised value, or the issues that name each field at fault. */
export type WebhookResult<K extends PayloadKind> =
  | { ok: true; value: NormalizedWebhooks[K] }
  | { ok: false; issues: WebhookIssue[] }

/** The outcome of parsing a body sent to the generic event URL, tagged with the kind it was classified as. */
export type EventResult =
  | { [K in EventKind]: { kind: K } & WebhookResult<K> }[EventKind]
  | { kind: 'unknown'; ok: false; issues: WebhookIssue[] }

// Method parameters are bivariant, so each module's typed definition fits this table.
const definitions: { [K in PayloadKind]: WebhookDefinition<unknown, NormalizedWebhooks[K]> } = {
  answer: answerWebhook,
  call_event: callEventWebhook,
  transfer: transferWebhook,
  input: inputWebhook,
  record: recordWebhook,
  error: errorWebhook,
  notify: notifyWebhook,
  payment: paymentWebhook,
  fallback: fallbackWebhook,
}

/** The route schema of each kind of payload, as received (after {@link decodeWebhook}). */
export const webhookSchemas: { readonly [K in PayloadKind]: TSchema } = {
  answer: AnswerWebhookSchema,
  call_event: CallEventWebhookSchema,
  transfer: TransferWebhookSchema,
  input: InputWebhookSchema,
  record: RecordWebhookSchema,
  error: ErrorWebhookSchema,
  notify: NotifyWebhookSchema,
  payment: PaymentWebhookSchema,
  fallback: FallbackWebhookSchema,
}

const notAnObject: WebhookIssue = { path: [], message: 'payload must be an object' }

/**
 * Decodes the fields a GET query string carries as JSON text (`dtmf`, `speech`, `payload`, ...) and drops top-level
 * nulls, in a copy of the payload when either changes it (else the payload itself, unchanged).
 */
export function decodeWebhook(kind: PayloadKind, raw: Record<string, unknown>): { payload: Record<string, unknown>; issues: WebhookIssue[] } {
  // Vonage sends `null` for fields it has no value for (captures show it for rates, times, networks): a top-level
  // null counts as absent, so a required field that is null is reported as missing.
  // The usual payload (a POST body without nulls) is used as it is: a copy is made only to change it.
  let payload = raw
  for (const key in raw) {
    if (raw[key] !== null) continue
    payload = {}
    for (const field in raw) if (raw[field] !== null) payload[field] = raw[field]
    break
  }
  const issues: WebhookIssue[] = []
  for (const field of definitions[kind].jsonFields) {
    const value = payload[field]
    // Only text that opens like JSON is decoded: an old-format `dtmf` such as "123" stays the digits it is.
    if (typeof value !== 'string' || !/^\s*[{[]/.test(value)) continue
    if (payload === raw) payload = { ...raw }
    try {
      payload[field] = JSON.parse(value)
    } catch {
      issues.push({ path: [field], message: `${field} must be valid JSON when sent as text` })
    }
  }
  return { payload, issues }
}

/**
 * Decodes, checks and normalises a payload of a known kind (a POST body or a GET query object).
 *
 * @example
 * const result = parseWebhook('input', request.body)
 * if (result.ok) console.log(result.value.dtmf?.digits)
 * else console.log(result.issues) // [{ path: ['uuid'], message: 'uuid must be a non-empty string' }]
 */
export function parseWebhook<K extends PayloadKind>(kind: K, raw: unknown): WebhookResult<K> {
  if (!isObject(raw)) return { ok: false, issues: [notAnObject] }
  const definition = definitions[kind] as WebhookDefinition<unknown, NormalizedWebhooks[K]>
  const decoded = decodeWebhook(kind, raw)
  const checker = definition.checkerFor(decoded.payload)
  if (decoded.issues.length === 0 && checker.check(decoded.payload)) {
    return { ok: true, value: definition.normalize(decoded.payload) }
  }
  // A field that is not valid JSON also fails its schema; report it once.
  const undecoded = new Set(decoded.issues.map((issue) => issue.path[0]))
  const issues = checker.issues(decoded.payload).filter((issue) => !undecoded.has(issue.path[0]))
  return { ok: false, issues: [...decoded.issues, ...issues] }
}

/**
 * Classifies a body sent to the generic event URL, then parses it as that kind.
 *
 * @example
 * const event = parseEvent(request.body)
 * if (event.ok && event.kind === 'call_event') console.log(event.value.status)
 */
export function parseEvent(raw: unknown): EventResult {
  const kind = classifyWebhook(raw)
  if (kind === 'unknown') {
    const issue = isObject(raw)
      ? { path: [], message: 'payload is not a known Vonage event: it has no status, dtmf, speech, recording_url, reason, payload or transfer field' }
      : notAnObject
    return { kind, ok: false, issues: [issue] }
  }
  return { kind, ...parseWebhook(kind, raw) } as EventResult
}
