import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { AddressSchema, BooleanLikeSchema, compact, IdSchema, knownOr, lenient, NullableStringSchema, NumberLikeSchema, requireOneOf, TimestampSchema, toBoolean, toNumber } from './fields.js'

// Input webhook (reference §2.4): DTMF and speech results. A GET query carries `dtmf` and `speech` as
// JSON text; the very old format sent `dtmf` as a digit string with `timed_out` at the top level.
// An input that timed out may carry only `conversation_uuid` (reference §5.1).

// ---------------------------------------------------------------------------------------------- schema

/** Known reasons a speech recognition ended. */
export const speechTimeoutReasons = ['end_on_silence_timeout', 'max_duration', 'start_timeout'] as const

/** The `dtmf` object of an input webhook. */
export const DtmfResultSchema = Type.Object({
  digits: Type.Optional(NullableStringSchema),
  timed_out: Type.Optional(Type.Boolean()),
}, lenient)

/** The very old `dtmf` field: the digits themselves. */
export const DtmfDigitsSchema = Type.String({ pattern: '^[0-9*#]*$', description: 'a string of DTMF digits' })

/** One speech recognition hypothesis; `confidence` arrives as a string in the documented example. */
export const SpeechResultSchema = Type.Object({
  text: Type.String(),
  confidence: Type.Optional(NumberLikeSchema),
}, lenient)

/** The `speech` object of an input webhook. */
export const SpeechSchema = Type.Object({
  results: Type.Optional(Type.Array(SpeechResultSchema)),
  timeout_reason: Type.Optional(knownOr(speechTimeoutReasons)),
  error: Type.Optional(Type.String()),
  recording_url: Type.Optional(Type.String()),
}, lenient)

/** The input webhook as Vonage sends it, once a GET query's JSON-encoded fields are decoded. */
export const InputWebhookSchema = Type.Object({
  uuid: Type.Optional(IdSchema),
  conversation_uuid: Type.Optional(IdSchema),
  from: Type.Optional(AddressSchema),
  to: Type.Optional(AddressSchema),
  timestamp: Type.Optional(TimestampSchema),
  dtmf: Type.Optional(Type.Union([DtmfResultSchema, DtmfDigitsSchema])),
  speech: Type.Optional(SpeechSchema),
  timed_out: Type.Optional(BooleanLikeSchema),
}, { ...lenient, ...requireOneOf('uuid', 'conversation_uuid') })

/** The normalised `dtmf` result: digits as a string (empty when none) and `timed_out` as a boolean. */
export const NormalizedDtmfSchema = Type.Object({
  digits: Type.String(),
  timed_out: Type.Boolean(),
}, lenient)

/** A normalised speech hypothesis: `confidence` as a number. */
export const NormalizedSpeechResultSchema = Type.Composite([
  Type.Omit(SpeechResultSchema, ['confidence']),
  Type.Object({ confidence: Type.Optional(Type.Number()) }),
], lenient)

/** The normalised `speech` result: `results` always an array. */
export const NormalizedSpeechSchema = Type.Composite([
  Type.Omit(SpeechSchema, ['results']),
  Type.Object({ results: Type.Array(NormalizedSpeechResultSchema) }),
], lenient)

/** The normalised input webhook: old-format DTMF folded into the `dtmf` object. */
export const NormalizedInputSchema = Type.Composite([
  Type.Omit(InputWebhookSchema, ['dtmf', 'speech', 'timed_out']),
  Type.Object({
    dtmf: Type.Optional(NormalizedDtmfSchema),
    speech: Type.Optional(NormalizedSpeechSchema),
  }),
], lenient)

// ------------------------------------------------------------------------------------------------ type

/** The input webhook as received. */
export type InputWebhook = Static<typeof InputWebhookSchema>
/** The input webhook once normalised. */
export type NormalizedInput = Static<typeof NormalizedInputSchema>
/** The normalised `dtmf` result. */
export type NormalizedDtmf = Static<typeof NormalizedDtmfSchema>
/** The normalised `speech` result. */
export type NormalizedSpeech = Static<typeof NormalizedSpeechSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises an input webhook: one `dtmf` shape for every format, `confidence` as a number, `results` always present. */
export function normalizeInput(payload: InputWebhook): NormalizedInput {
  const { dtmf, speech, timed_out, ...rest } = payload
  return compact(rest, {
    dtmf: normalizeDtmf(dtmf, toBoolean(timed_out)),
    speech: speech && normalizeSpeech(speech),
  })
}

function normalizeDtmf(dtmf: InputWebhook['dtmf'], timedOut: boolean | undefined): NormalizedDtmf | undefined {
  if (typeof dtmf === 'object') return compact(dtmf, { digits: dtmf.digits ?? '', timed_out: dtmf.timed_out ?? timedOut ?? false })
  if (dtmf === undefined && timedOut === undefined) return undefined
  return { digits: dtmf ?? '', timed_out: timedOut ?? false }
}

function normalizeSpeech(speech: Static<typeof SpeechSchema>): NormalizedSpeech {
  const { results = [], ...rest } = speech
  return compact(rest, {
    results: results.map(({ confidence, ...result }) => compact(result, { confidence: toNumber(confidence) })),
  })
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(InputWebhookSchema)

/** Tells whether a value is an input webhook (with `dtmf` and `speech` already decoded). */
export function isInputWebhook(value: unknown): value is InputWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises an input webhook. */
export const inputWebhook: WebhookDefinition<InputWebhook, NormalizedInput> = {
  jsonFields: ['dtmf', 'speech'],
  checkerFor: () => checker,
  normalize: normalizeInput,
}
