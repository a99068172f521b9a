import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { IdSchema, JsonObjectSchema, lenient, TimestampSchema } from './fields.js'

// Notify webhook (reference §1.8, §2.3): the action's `payload` sent back as-is; a GET query carries it
// as JSON text. The capture has no `uuid`, only `conversation_uuid`.

// ---------------------------------------------------------------------------------------------- schema

/** The notify webhook as Vonage sends it, once a GET query's JSON-encoded `payload` is decoded. */
export const NotifyWebhookSchema = Type.Object({
  payload: JsonObjectSchema,
  conversation_uuid: IdSchema,
  uuid: Type.Optional(IdSchema),
  timestamp: Type.Optional(TimestampSchema),
}, lenient)

/** The normalised notify webhook (the decoded payload needs no change). */
export const NormalizedNotifySchema = NotifyWebhookSchema

// ------------------------------------------------------------------------------------------------ type

/** The notify webhook as received. */
export type NotifyWebhook = Static<typeof NotifyWebhookSchema>
/** The notify webhook once normalised. */
export type NormalizedNotify = Static<typeof NormalizedNotifySchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises a notify webhook: a copy, since decoding the GET form is all it needs. */
export function normalizeNotify(payload: NotifyWebhook): NormalizedNotify {
  return { ...payload }
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(NotifyWebhookSchema)

/** Tells whether a value is a notify webhook (with `payload` already decoded). */
export function isNotifyWebhook(value: unknown): value is NotifyWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises a notify webhook. */
export const notifyWebhook: WebhookDefinition<NotifyWebhook, NormalizedNotify> = {
  jsonFields: ['payload'],
  checkerFor: () => checker,
  normalize: normalizeNotify,
}
