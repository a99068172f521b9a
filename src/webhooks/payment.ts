import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { compileWebhookSchema } from './check.js'
import type { WebhookDefinition } from './check.js'
import { AddressSchema, IdSchema, knownOr, lenient, requireOneOf, TimestampSchema } from './fields.js'

// Payment result (reference §1.11, Vonage's "Payments over the Phone" guide): sent to the `pay` action's eventUrl, or
// to the call's event URL when the action has none, once the caller has been charged or has given up. It carries a
// `status` like a call event, but its values are the payment's own.

// ---------------------------------------------------------------------------------------------- schema

/** Outcomes of a `pay` action: the card was charged, or the caller entered no valid card details in two tries. */
export const paymentStatuses = ['success', 'failure'] as const

/** The payment result as Vonage sends it. */
export const PaymentWebhookSchema = Type.Object({
  status: knownOr(paymentStatuses, { minLength: 1 }),
  type: Type.Optional(knownOr(['payment'])),
  uuid: Type.Optional(IdSchema),
  conversation_uuid: Type.Optional(IdSchema),
  from: Type.Optional(AddressSchema),
  to: Type.Optional(AddressSchema),
  timestamp: Type.Optional(TimestampSchema),
}, { ...lenient, ...requireOneOf('uuid', 'conversation_uuid') })

/** The normalised payment result (the payload needs no change). */
export const NormalizedPaymentSchema = PaymentWebhookSchema

// ------------------------------------------------------------------------------------------------ type

/** A known payment outcome. */
export type PaymentStatus = (typeof paymentStatuses)[number]
/** The payment result as received. */
export type PaymentWebhook = Static<typeof PaymentWebhookSchema>
/** The payment result once normalised. */
export type NormalizedPayment = Static<typeof NormalizedPaymentSchema>

// ------------------------------------------------------------------------------------------- normalize

/** Normalises a payment result: a copy, since it has no quirks to undo. */
export function normalizePayment(payload: PaymentWebhook): NormalizedPayment {
  return { ...payload }
}

// ----------------------------------------------------------------------------------------------- guard

const checker = compileWebhookSchema(PaymentWebhookSchema)

/** Tells whether a value is a payment result. */
export function isPaymentWebhook(value: unknown): value is PaymentWebhook {
  return checker.check(value)
}

/** How parsing decodes, checks and normalises a payment result. */
export const paymentWebhook: WebhookDefinition<PaymentWebhook, NormalizedPayment> = {
  jsonFields: [],
  checkerFor: () => checker,
  normalize: normalizePayment,
}
