import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { AddressSchema, compact, IdSchema, isObject, JsonObjectSchema, knownOr, lenient, nonNull, NullableStringSchema, NumberLikeSchema, requireOneOf, TimestampSchema, toNumber } from './fields.js'

// Call status events (reference §2.2, §2.3): one schema for every status, plus the `transcribed` event,
// which carries `status` but belongs to a recording and has no leg `uuid`.

// ---------------------------------------------------------------------------------------------- schema

/** Every call status the reference lists, in lifecycle order. */
export const callStatuses = [
  'started', 'ringing', 'answered', 'busy', 'cancelled', 'unanswered', 'rejected', 'failed', 'timeout',
  'human', 'machine', 'disconnected', 'completed', 'transcribed',
] as const

/** Known values of `detail` on `unanswered`, `rejected` and `failed` events (the SDKs' union). */
export const callStatusDetails = [
  'unavailable', 'timeout', 'carrier_timeout', 'invalid_number', 'restricted', 'declined', 'cannot_route',
  'number_out_of_service', 'internal_error',
] as const

/** A call status event as Vonage sends it: `status` and `uuid` (or `call_uuid` for machine detection) required. */
export const CallStatusWebhookSchema = Type.Object({
  status: knownOr(callStatuses, { minLength: 1 }),
  uuid: Type.Optional(IdSchema),
  call_uuid: Type.Optional(IdSchema),
  conversation_uuid: Type.Optional(IdSchema),
  from: Type.Optional(AddressSchema),
  to: Type.Optional(AddressSchema),
  direction: Type.Optional(knownOr(['inbound', 'outbound'])),
  timestamp: Type.Optional(TimestampSchema),
  detail: Type.Optional(knownOr(callStatusDetails)),
  sub_state: Type.Optional(knownOr(['beep_start', 'beep_timeout'])),
  disconnected_by: Type.Optional(knownOr(['platform', 'user'])),
  sip_code: Type.Optional(NumberLikeSchema),
  duration: Type.Optional(NumberLikeSchema),
  rate: Type.Optional(NumberLikeSchema),
  price: Type.Optional(NumberLikeSchema),
  start_time: Type.Optional(NullableStringSchema),
  end_time: Type.Optional(NullableStringSchema),
  network: Type.Optional(NullableStringSchema),
  headers: Type.Optional(JsonObjectSchema),
}, { ...lenient, ...requireOneOf('uuid', 'call_uuid') })

/** The `transcribed` event sent to a recording's transcription `eventUrl`. */
export const TranscribedWebhookSchema = Type.Object({
  status: Type.Literal('transcribed'),
  type: Type.Optional(knownOr(['record'])),
  recording_uuid: IdSchema,
  transcription_url: Type.String({ minLength: 1 }),
  conversation_uuid: IdSchema,
  uuid: Type.Optional(IdSchema),
  timestamp: Type.Optional(TimestampSchema),
}, lenient)

/** Any event with a `status`, as a route schema. */
export const CallEventWebhookSchema = Type.Union([CallStatusWebhookSchema, TranscribedWebhookSchema])

/** A normalised call status event: `uuid` always set, numbers as numbers, nulls dropped. */
export const NormalizedCallStatusSchema = Type.Composite([
  Type.Omit(CallStatusWebhookSchema, ['uuid', 'sip_code', 'duration', 'rate', 'price', 'start_time', 'end_time', 'network']),
  Type.Object({
    uuid: IdSchema,
    sip_code: Type.Optional(Type.Number()),
    duration: Type.Optional(Type.Number()),
    rate: Type.Optional(Type.Number()),
    price: Type.Optional(Type.Number()),
    start_time: Type.Optional(Type.String()),
    end_time: Type.Optional(Type.String()),
    network: Type.Optional(Type.String()),
  }),
], lenient)

/** A normalised `transcribed` event (the payload needs no change). */
export const NormalizedTranscribedSchema = TranscribedWebhookSchema

/** Any normalised event with a `status`. */
export const NormalizedCallEventSchema = Type.Union([NormalizedCallStatusSchema, NormalizedTranscribedSchema])

// ------------------------------------------------------------------------------------------------ type

/** A known call status. */
export type CallStatus = (typeof callStatuses)[number]
/** A call status event as received. */
export type CallStatusWebhook = Static<typeof CallStatusWebhookSchema>
/** A `transcribed` event as received. */
export type TranscribedWebhook = Static<typeof TranscribedWebhookSchema>
/** Any event with a `status`, as received. */
export type CallEventWebhook = Static<typeof CallEventWebhookSchema>
/** A call status event once normalised. */
export type NormalizedCallStatus = Static<typeof NormalizedCallStatusSchema>
/** A `transcribed` event once normalised. */
export type NormalizedTranscribed = Static<typeof NormalizedTranscribedSchema>
/** Any event with a `status`, once normalised. */
export type NormalizedCallEvent = Static<typeof NormalizedCallEventSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises a call event: `uuid` taken from `uuid` or `call_uuid`, numeric strings to numbers, nulls removed. */
export function normalizeCallEvent(payload: CallEventWebhook): NormalizedCallEvent {
  if (isTranscribed(payload)) return { ...payload }
  const { uuid, call_uuid, sip_code, duration, rate, price, start_time, end_time, network, ...rest } = payload
  return compact(rest, {
    uuid: (uuid ?? call_uuid) as string,
    call_uuid,
    sip_code: toNumber(sip_code),
    duration: toNumber(duration),
    rate: toNumber(rate),
    price: toNumber(price),
    start_time: nonNull(start_time),
    end_time: nonNull(end_time),
    network: nonNull(network),
  })
}

// ----------------------------------------------------------------------------------------------- guard

const statusChecker = compileWebhookSchema(CallStatusWebhookSchema)
const transcribedChecker = compileWebhookSchema(TranscribedWebhookSchema)

function checkerFor(value: unknown) {
  return isObject(value) && value.status === 'transcribed' ? transcribedChecker : statusChecker
}

/** Tells whether a value is a call event (a status event or a `transcribed` event). */
export function isCallEventWebhook(value: unknown): value is CallEventWebhook {
  return checkerFor(value).check(value)
}

/** Tells whether a call event, received or normalised, is the `transcribed` event of a recording. */
export function isTranscribed<T extends { status: string }>(event: T): event is Extract<T, { status: 'transcribed' }> {
  return event.status === 'transcribed'
}

/** How parsing decodes, checks and normalises a call event. */
export const callEventWebhook: WebhookDefinition<CallEventWebhook, NormalizedCallEvent> = {
  jsonFields: ['headers'],
  checkerFor,
  normalize: normalizeCallEvent,
}
