import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { AddressSchema, IdSchema, JsonObjectSchema, knownOr, lenient } from './fields.js'

// Answer webhook (reference §2.1): GET query by default, POST JSON when the application asks for it.

// ---------------------------------------------------------------------------------------------- schema

/** Kinds of endpoint a call can come from. */
export const endpointTypes = ['phone', 'sip', 'websocket', 'app', 'vbc'] as const

/** Prefix Vonage puts before each SIP `X-` header (and `User-to-User`) it forwards as a field. */
export const sipHeaderPrefix = 'SipHeader_'

/** The answer webhook as Vonage sends it, once a GET query's JSON-encoded `custom_data` is decoded. */
export const AnswerWebhookSchema = Type.Object({
  uuid: IdSchema,
  // Always sent by Vonage; optional here so that an answer without it still reaches the flow (the call is keyed by uuid).
  conversation_uuid: Type.Optional(IdSchema),
  to: Type.Optional(AddressSchema),
  from: Type.Optional(AddressSchema),
  from_user: Type.Optional(Type.String()),
  region_url: Type.Optional(Type.String()),
  endpoint_type: Type.Optional(knownOr(endpointTypes)),
  custom_data: Type.Optional(JsonObjectSchema),
}, lenient)

/** The normalised answer webhook: `SipHeader_*` fields gathered into `sipHeaders`, keyed by header name. */
export const NormalizedAnswerSchema = Type.Composite([
  AnswerWebhookSchema,
  Type.Object({ sipHeaders: Type.Record(Type.String(), Type.String()) }),
], lenient)

// ------------------------------------------------------------------------------------------------ type

/** The answer webhook as received. */
export type AnswerWebhook = Static<typeof AnswerWebhookSchema>
/** The answer webhook once normalised. */
export type NormalizedAnswer = Static<typeof NormalizedAnswerSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises an answer webhook: moves `SipHeader_X-Foo: v` to `sipHeaders['X-Foo'] = v` and keeps every other field. */
export function normalizeAnswer(payload: AnswerWebhook): NormalizedAnswer {
  const rest: Record<string, unknown> = {}
  const sipHeaders: Record<string, string> = {}
  for (const [key, value] of Object.entries(payload)) {
    if (key.startsWith(sipHeaderPrefix) && typeof value === 'string') sipHeaders[key.slice(sipHeaderPrefix.length)] = value
    else rest[key] = value
  }
  rest.sipHeaders = sipHeaders
  return rest as NormalizedAnswer
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(AnswerWebhookSchema)

/** Tells whether a value is an answer webhook (with `custom_data` already decoded). */
export function isAnswerWebhook(value: unknown): value is AnswerWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises an answer webhook. */
export const answerWebhook: WebhookDefinition<AnswerWebhook, NormalizedAnswer> = {
  jsonFields: ['custom_data'],
  checkerFor: () => checker,
  normalize: normalizeAnswer,
}
