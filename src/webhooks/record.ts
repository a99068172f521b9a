import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { compact, IdSchema, lenient, NumberLikeSchema, TimestampSchema, toNumber } from './fields.js'

// Record webhook (reference §2.5): no `status` and, in captures, no `uuid`; `size` may be a string.

// ---------------------------------------------------------------------------------------------- schema

/** The record webhook as Vonage sends it. */
export const RecordWebhookSchema = Type.Object({
  recording_url: Type.String({ minLength: 1 }),
  recording_uuid: IdSchema,
  conversation_uuid: IdSchema,
  uuid: Type.Optional(IdSchema),
  start_time: Type.Optional(Type.String()),
  end_time: Type.Optional(Type.String()),
  size: Type.Optional(NumberLikeSchema),
  timestamp: Type.Optional(TimestampSchema),
}, lenient)

/** The normalised record webhook: `size` as a number. */
export const NormalizedRecordSchema = Type.Composite([
  Type.Omit(RecordWebhookSchema, ['size']),
  Type.Object({ size: Type.Optional(Type.Number()) }),
], lenient)

// ------------------------------------------------------------------------------------------------ type

/** The record webhook as received. */
export type RecordWebhook = Static<typeof RecordWebhookSchema>
/** The record webhook once normalised. */
export type NormalizedRecord = Static<typeof NormalizedRecordSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises a record webhook: `size` becomes a number (or is dropped when null). */
export function normalizeRecord(payload: RecordWebhook): NormalizedRecord {
  const { size, ...rest } = payload
  return compact(rest, { size: toNumber(size) })
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(RecordWebhookSchema)

/** Tells whether a value is a record webhook. */
export function isRecordWebhook(value: unknown): value is RecordWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises a record webhook. */
export const recordWebhook: WebhookDefinition<RecordWebhook, NormalizedRecord> = {
  jsonFields: [],
  checkerFor: () => checker,
  normalize: normalizeRecord,
}
