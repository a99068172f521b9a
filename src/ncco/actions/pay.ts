import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction, eventUrlField } from '../define.js'
import { UrlList, type Loose } from '../url.js'
import { LanguageSchema } from './common.js'

// schema

const PromptError = Type.Object({ text: Type.String({ minLength: 1 }) }, { additionalProperties: false })

/** One spoken prompt of a `pay` action. */
export const PayPromptSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('CardNumber'), Type.Literal('ExpirationDate'), Type.Literal('SecurityCode')]),
    text: Type.String({ minLength: 1 }),
    errors: Type.Optional(
      Type.Object(
        {
          InvalidCardType: Type.Optional(PromptError),
          InvalidCardNumber: Type.Optional(PromptError),
          InvalidExpirationDate: Type.Optional(PromptError),
          InvalidSecurityCode: Type.Optional(PromptError),
          Timeout: Type.Optional(PromptError),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

/** The `pay` action: PCI-compliant card capture (needs payments enabled on the application). */
export const PaySchema = Type.Object(
  {
    action: Type.Literal('pay'),
    amount: Type.Number({ exclusiveMinimum: 0 }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'a three-letter ISO 4217 currency code' })),
    eventUrl: Type.Optional(UrlList()),
    prompts: Type.Optional(Type.Array(PayPromptSchema)),
    voice: Type.Optional(
      Type.Object({ language: Type.Optional(LanguageSchema), style: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
)

// type

/** A `pay` action as sent to Vonage. */
export type PayAction = Static<typeof PaySchema>
/** Options of {@link pay}. */
export type PayOptions = Loose<Omit<PayAction, 'action' | 'amount'>>

// factory

/**
 * Builds a `pay` action.
 * @example pay(9.99, { currency: 'gbp', eventUrl: 'https://example.com/pay' })
 */
export function pay(amount: number, options?: PayOptions): PayAction {
  return buildAction(payDefinition, { amount }, options)
}

// guard

/** Tells whether an action is a `pay`. */
export function isPay(value: unknown): value is PayAction {
  return (value as { action?: unknown } | null)?.action === 'pay'
}

// definition (callback fields and rules)

/** How nccoflow handles `pay`: a result callback whose body Vonage ignores. */
export const payDefinition = defineAction({ name: 'pay', schema: PaySchema, urls: [eventUrlField('pay', 'payment')] })
