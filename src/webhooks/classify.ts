import { isObject } from './fields.js'

// Which event a body sent to the generic event URL is, decided by its keys in the order Vonage's own
// SDKs use (reference §2.3): transfer, status, dtmf/speech, recording_url, reason, payload. A payment result
// (`type: "payment"`, status `success` or `failure`) comes before status: it reaches the event URL when its `pay`
// action has no eventUrl of its own.

/** The kinds of payload that can reach the event URL; `unknown` when no rule matches. */
export type WebhookKind = 'call_event' | 'transfer' | 'payment' | 'input' | 'record' | 'error' | 'notify' | 'unknown'

/** A recognised event kind (every {@link WebhookKind} but `unknown`). */
export type EventKind = Exclude<WebhookKind, 'unknown'>

/** One classification rule: the first rule whose test passes names the kind. */
export interface WebhookKindRule {
  readonly kind: EventKind
  readonly test: (body: Record<string, unknown>) => boolean
}

const has = (body: Record<string, unknown>, key: string) => body[key] !== undefined

/** The classification rules, in the order they are tried. */
export const webhookKindRules: readonly WebhookKindRule[] = [
  { kind: 'transfer', test: (body) => body.type === 'transfer' || has(body, 'conversation_uuid_from') },
  { kind: 'payment', test: (body) => body.type === 'payment' || body.status === 'success' || body.status === 'failure' },
  { kind: 'call_event', test: (body) => has(body, 'status') },
  { kind: 'input', test: (body) => has(body, 'dtmf') || has(body, 'speech') },
  { kind: 'record', test: (body) => has(body, 'recording_url') },
  { kind: 'error', test: (body) => has(body, 'reason') },
  { kind: 'notify', test: (body) => has(body, 'payload') },
]

/**
 * Tells which kind of event a webhook body is, from its keys alone (a `transcribed` event is a `call_event`, a
 * `pay` action's result a `payment`).
 *
 * @example
 * classifyWebhook({ status: 'answered', uuid: 'a', conversation_uuid: 'CON-1' }) // 'call_event'
 * classifyWebhook({ dtmf: { digits: '1', timed_out: false }, uuid: 'a' })       // 'input'
 */
export function classifyWebhook(body: unknown): WebhookKind {
  if (!isObject(body)) return 'unknown'
  return webhookKindRules.find((rule) => rule.test(body))?.kind ?? 'unknown'
}
