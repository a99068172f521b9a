import { Type } from '@sinclair/typebox'
import type { StringOptions, TUnsafe } from '@sinclair/typebox'

// Field schemas and value helpers shared by every webhook module: each quirk of Vonage's payloads
// (numbers sent as strings, nulls, JSON inside query strings) is written here once.

/** Object options for every webhook payload: Vonage adds fields over time, so unknown keys are kept. */
export const lenient = { additionalProperties: true } as const

/** A Vonage identifier (`uuid`, `conversation_uuid`, `call_uuid`, `recording_uuid`): a non-empty string. */
export const IdSchema = Type.String({ minLength: 1, maxLength: 256 })

/**
 * A string that holds a decimal number (`"7"`, `"0.00450000"`, and `".91"` as speech confidences come), or the empty
 * string a query string sends for a null.
 */
export const NumericStringSchema = Type.String({ pattern: '^(-?([0-9]+(\\.[0-9]+)?|\\.[0-9]+))?$', description: 'a numeric string' })

// Null comes first in these unions: a validator that coerces types (fastify's ajv does) tries members in
// order and would otherwise turn null into 0 or ''.

/** A number as Vonage sends it: a JSON number, a numeric string or null. */
export const NumberLikeSchema = Type.Union([Type.Null(), Type.Number(), NumericStringSchema], {
  description: 'a number, a numeric string or null',
})

/** A string that Vonage may send as null when it has no value yet. */
export const NullableStringSchema = Type.Union([Type.Null(), Type.String()], { description: 'a string or null' })

/** A boolean as a JSON body or a query string carries it. */
export const BooleanLikeSchema = Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false')])

/** Any JSON object, such as `custom_data`, `headers` or a notify `payload`. */
export const JsonObjectSchema = Type.Record(Type.String(), Type.Unknown())

/** A string whose known values are listed but whose other values are accepted, typed as the known union plus string. */
export function knownOr<const T extends string>(values: readonly T[], options?: StringOptions): TUnsafe<T | (string & {})> {
  return Type.Unsafe<T | (string & {})>(Type.Union([...values.map((value) => Type.Literal(value)), Type.String(options)]))
}

/** Object options requiring at least one of the given keys, as plain JSON Schema (`anyOf` of `required`). */
export function requireOneOf(...keys: readonly string[]): { anyOf: { required: string[] }[] } {
  return { anyOf: keys.map((key) => ({ required: [key] })) }
}

/** Tells whether a value is a plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Turns a number-like field into a number, or undefined when it is null, empty or absent. */
export function toNumber(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  return Number(value)
}

/** Turns a boolean-like field into a boolean, or undefined when it is absent. */
export function toBoolean(value: boolean | 'true' | 'false' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === true || value === 'true'
}

/** Turns a null into undefined, so a normalised payload omits the field instead of holding null. */
export function nonNull<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined
}

/**
 * Returns a copy of an object without the keys whose value is undefined (a `__proto__` key stays a plain field);
 * `compact(rest, over)` is `compact({ ...rest, ...over })` without the spread. On Node 20 (V8 11) a spread followed
 * by keys its source does not have (`{ ...rest, size }`) costs about half a microsecond per key, and more again in
 * the code that reads the result: normalising one webhook took several microseconds that way.
 */
export function compact<T extends object>(value: T): T
export function compact<T extends object, O extends object>(value: T, over: O): Omit<T, keyof O> & O
export function compact(value: object, over?: object): object {
  const out: Record<string, unknown> = {}
  copyDefined(out, value)
  if (over !== undefined) copyDefined(out, over)
  return out
}

function copyDefined(out: Record<string, unknown>, from: object): void {
  for (const key of Object.keys(from)) {
    const field = (from as Record<string, unknown>)[key]
    if (field === undefined) {
      // A later undefined removes the field, as in a spread then compact.
      if (Object.hasOwn(out, key)) delete out[key]
    } else if (key === '__proto__') Object.defineProperty(out, key, { value: field, enumerable: true, writable: true, configurable: true })
    else out[key] = field
  }
}

/** A timestamp as Vonage sends it (ISO 8601); bounded, since it is kept in the call's history. */
export const TimestampSchema = Type.String({ maxLength: 64 })

/**
 * Who a leg is from or to: a phone number, but also `"Unknown"`, a Client SDK user name (`"Alice"`), a SIP URI or a
 * WebSocket URI with its query (`"wss://…?token=…"`). Kept with the call, so bounded, at the length of a long URL.
 */
export const AddressSchema = Type.String({ maxLength: 2048 })
