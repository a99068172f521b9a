import { Kind, type TSchema } from '@sinclair/typebox'
import { fieldName, warning, type NccoIssue, type NccoPath } from './issues.js'

// Vonage's API reads a number or a boolean written as a string ("timeout": "45", "beepStart": "true"), and its docs,
// snippets and the .NET SDK send them that way. Before an action is checked, such strings are read as the value they
// stand for, so range checks and rules see the parsed value; each one is reported as a `quoted_value` warning.

/** A decimal number as text: `45`, `-1`, `0.5`, `.5`. No exponent, sign `+`, spaces or hex, which Vonage's docs never use. */
const NUMBER = /^-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$/

/** The value a schema's number or boolean written as a string stands for, or undefined when it stands for none. */
function parse(kind: unknown, value: string): number | boolean | undefined {
  if (kind === 'Boolean') return value === 'true' ? true : value === 'false' ? false : undefined
  return NUMBER.test(value) ? Number(value) : undefined
}

/** The result of {@link coerceQuoted}: the value with quoted numbers and booleans parsed, and a warning for each. */
export interface Coerced {
  readonly value: unknown
  readonly issues: NccoIssue[]
}

/**
 * Reads the numbers and booleans of a value written as strings, where its schema wants a number, an integer or a
 * boolean and the string parses to one. Walks objects, arrays and discriminated unions (endpoints by `type`); records
 * (`payload`, `headers`) are left as they are. Objects and arrays are copied; the value given is not changed.
 */
export function coerceQuoted(schema: TSchema, value: unknown, path: NccoPath, subject: string): Coerced {
  const issues: NccoIssue[] = []
  const walk = (node: TSchema, item: unknown, at: NccoPath): unknown => {
    const kind = node[Kind]
    if (typeof item === 'string' && (kind === 'Number' || kind === 'Integer' || kind === 'Boolean')) {
      const parsed = parse(kind, item)
      if (parsed === undefined) return item
      issues.push(warning('quoted_value', at, `${subject} ${fieldName(at.slice(1))} is the string ${JSON.stringify(item)}: Vonage reads it as ${String(parsed)}; write ${String(parsed)} without quotes`))
      return parsed
    }
    if (kind === 'Array' && Array.isArray(item)) {
      const items = node.items as TSchema
      return item.map((entry, index) => walk(items, entry, [...at, index]))
    }
    if (kind === 'Object' && isPlainObject(item)) {
      const properties = node.properties as Record<string, TSchema>
      const out: Record<string, unknown> = { ...item }
      for (const key of Object.keys(item)) {
        if (Object.hasOwn(properties, key)) out[key] = walk(properties[key] as TSchema, item[key], [...at, key])
      }
      return out
    }
    const key = node.discriminator as string | undefined
    if (kind === 'Union' && key !== undefined && isPlainObject(item)) {
      const variant = (node.anyOf as TSchema[]).find((v) => (v.properties as Record<string, { const?: unknown }>)[key]?.const === item[key])
      return variant === undefined ? item : walk(variant, item, at)
    }
    // Other unions are enums of literals or URL forms, and records hold free data: nothing in them is read as a number.
    return item
  }
  return { value: walk(schema, value, path), issues }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
