import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { IdSchema, knownOr, lenient, TimestampSchema } from './fields.js'

// Transfer event (reference §2.3): a leg moved from one conversation to another.

// ---------------------------------------------------------------------------------------------- schema

/** The transfer event as Vonage sends it. */
export const TransferWebhookSchema = Type.Object({
  uuid: IdSchema,
  conversation_uuid_from: IdSchema,
  conversation_uuid_to: IdSchema,
  type: Type.Optional(knownOr(['transfer'])),
  timestamp: Type.Optional(TimestampSchema),
}, lenient)

/** The normalised transfer event (the payload needs no change). */
export const NormalizedTransferSchema = TransferWebhookSchema

// ------------------------------------------------------------------------------------------------ type

/** The transfer event as received. */
export type TransferWebhook = Static<typeof TransferWebhookSchema>
/** The transfer event once normalised. */
export type NormalizedTransfer = Static<typeof NormalizedTransferSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises a transfer event: a copy, since it has no quirks to undo. */
export function normalizeTransfer(payload: TransferWebhook): NormalizedTransfer {
  return { ...payload }
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(TransferWebhookSchema)

/** Tells whether a value is a transfer event. */
export function isTransferWebhook(value: unknown): value is TransferWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises a transfer event. */
export const transferWebhook: WebhookDefinition<TransferWebhook, NormalizedTransfer> = {
  jsonFields: [],
  checkerFor: () => checker,
  normalize: normalizeTransfer,
}
