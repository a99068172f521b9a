import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { IdSchema, knownOr, lenient, TimestampSchema } from './fields.js'

// Fallback request (reference §2.6): the original answer or event payload plus `reason` and
// `original_request`, which a GET query carries as JSON text. Every original field is kept, so the
// original payload can be parsed again as what it was.

// ---------------------------------------------------------------------------------------------- schema

/** Reasons Vonage gives for calling the fallback URL. */
export const fallbackReasons = [
  'Connection closed.', 'Connection reset.', 'Socket timeout.', 'Invalid NCCO.', 'Invalid response code.',
] as const

/** The request that failed: its URL and whether it was the answer webhook or an event. */
export const OriginalRequestSchema = Type.Object({
  url: Type.String(),
  type: knownOr(['answer', 'event']),
}, lenient)

/** The fallback request as Vonage sends it, once a GET query's JSON-encoded `original_request` is decoded. */
export const FallbackWebhookSchema = Type.Object({
  reason: Type.Optional(knownOr(fallbackReasons)),
  original_request: Type.Optional(OriginalRequestSchema),
  uuid: Type.Optional(IdSchema),
  conversation_uuid: Type.Optional(IdSchema),
  timestamp: Type.Optional(TimestampSchema),
}, lenient)

/** The normalised fallback request (the decoded payload needs no change). */
export const NormalizedFallbackSchema = FallbackWebhookSchema

// ------------------------------------------------------------------------------------------------ type

/** The fallback request as received. */
export type FallbackWebhook = Static<typeof FallbackWebhookSchema>
/** The fallback request once normalised. */
export type NormalizedFallback = Static<typeof NormalizedFallbackSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises a fallback request: a copy, since decoding the GET form is all it needs. */
export function normalizeFallback(payload: FallbackWebhook): NormalizedFallback {
  return { ...payload }
}

/** Returns the payload of the request that failed, without `reason` and `original_request`, ready to parse as its kind. */
export function fallbackOriginalPayload(fallback: FallbackWebhook): Record<string, unknown> {
  const { reason: _reason, original_request: _original, ...original } = fallback
  return original
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(FallbackWebhookSchema)

/** Tells whether a value is a fallback request (with `original_request` already decoded). */
export function isFallbackWebhook(value: unknown): value is FallbackWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises a fallback request. */
export const fallbackWebhook: WebhookDefinition<FallbackWebhook, NormalizedFallback> = {
  jsonFields: ['original_request'],
  checkerFor: () => checker,
  normalize: normalizeFallback,
}
