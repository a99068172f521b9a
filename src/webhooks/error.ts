import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { IdSchema, lenient, TimestampSchema } from './fields.js'

// Error event (reference §2.3): Vonage could not carry out the NCCO, for example a syntax error.

// ---------------------------------------------------------------------------------------------- schema

/** The error event as Vonage sends it. */
export const ErrorWebhookSchema = Type.Object({
  reason: Type.String({ minLength: 1 }),
  conversation_uuid: IdSchema,
  uuid: Type.Optional(IdSchema),
  timestamp: Type.Optional(TimestampSchema),
}, lenient)

/** The normalised error event (the payload needs no change). */
export const NormalizedErrorSchema = ErrorWebhookSchema

// ------------------------------------------------------------------------------------------------ type

/** The error event as received. */
export type ErrorWebhook = Static<typeof ErrorWebhookSchema>
/** The error event once normalised. */
export type NormalizedError = Static<typeof NormalizedErrorSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises an error event: a copy, since it has no quirks to undo. */
export function normalizeError(payload: ErrorWebhook): NormalizedError {
  return { ...payload }
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(ErrorWebhookSchema)

/** Tells whether a value is an error event. */
export function isErrorWebhook(value: unknown): value is ErrorWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises an error event. */
export const errorWebhook: WebhookDefinition<ErrorWebhook, NormalizedError> = {
  jsonFields: [],
  checkerFor: () => checker,
  normalize: normalizeError,
}
