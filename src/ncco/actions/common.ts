import { Type } from '@sinclair/typebox'

/** A BCP-47 language tag such as `en-US`, `cmn-CN` or `en-GB-WLS`. */
export const LanguageSchema = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'a BCP-47 language tag such as en-US' })

/** Audio level from -1 (quietest) to 1 (loudest); 0 is the default. */
export const LevelSchema = Type.Number({ minimum: -1, maximum: 1 })

/** How many times to play; 0 plays until the call ends. */
export const LoopSchema = Type.Integer({ minimum: 0 })

/** A list of call leg UUIDs. */
export const LegListSchema = Type.Array(Type.String({ minLength: 1 }))

/** A non-empty string. */
export const NonEmpty = Type.String({ minLength: 1 })

/** Vonage phone numbers: E.164 digits without the leading `+`. */
export const PhoneNumberSchema = Type.String({ pattern: '^[0-9]*$', minLength: 7, maxLength: 15, description: 'an E.164 number: digits only, no +' })
