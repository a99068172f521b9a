import type { TSchema } from '@sinclair/typebox'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import { fieldName, issue, type NccoIssue, type NccoIssueCode, type NccoPath } from './issues.js'
import { describeUrlKind, urlMarker } from './url.js'

const T = ValueErrorType

const rangeTypes = new Set<ValueErrorType>([
  T.ArrayMaxItems, T.ArrayMinItems, T.IntegerMaximum, T.IntegerMinimum, T.IntegerExclusiveMaximum, T.IntegerExclusiveMinimum,
  T.NumberMaximum, T.NumberMinimum, T.NumberExclusiveMaximum, T.NumberExclusiveMinimum, T.StringMaxLength, T.StringMinLength,
])

const typeNames: Partial<Record<ValueErrorType, string>> = {
  [T.Array]: 'an array',
  [T.Boolean]: 'true or false',
  [T.Integer]: 'a whole number',
  [T.Number]: 'a number',
  [T.Object]: 'an object',
  [T.String]: 'a string',
}

/** Splits a TypeBox JSON pointer into path parts; digits become array indexes. */
export function pointerToPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
}

function show(value: unknown): string {
  const text = String(JSON.stringify(value))
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function literals(schema: TSchema): unknown[] {
  return (schema as unknown as { anyOf: TSchema[] }).anyOf.map((v) => (v as { const?: unknown }).const)
}

function bound(error: ValueError): string {
  const s = error.schema as Record<string, number>
  const pairs: [ValueErrorType[], string, unknown][] = [
    [[T.IntegerMaximum, T.NumberMaximum], 'at most', s.maximum],
    [[T.IntegerMinimum, T.NumberMinimum], 'at least', s.minimum],
    [[T.IntegerExclusiveMaximum, T.NumberExclusiveMaximum], 'less than', s.exclusiveMaximum],
    [[T.IntegerExclusiveMinimum, T.NumberExclusiveMinimum], 'greater than', s.exclusiveMinimum],
    [[T.StringMaxLength], 'at most', `${s.maxLength} characters long`],
    [[T.StringMinLength], 'at least', `${s.minLength} character${s.minLength === 1 ? '' : 's'} long`],
    [[T.ArrayMaxItems], 'at most', `${s.maxItems} item${s.maxItems === 1 ? '' : 's'}`],
    [[T.ArrayMinItems], 'at least', `${s.minItems} item${s.minItems === 1 ? '' : 's'}`],
  ]
  const found = pairs.find(([types]) => types.includes(error.type))
  const [, word, limit] = found as [ValueErrorType[], string, unknown]
  const range = (s.minimum !== undefined && s.maximum !== undefined) ? ` (range ${s.minimum} to ${s.maximum})` : ''
  return `must be ${word} ${String(limit)}${range}, got ${show(error.value)}`
}

function closest(name: string, known: string[]): string | undefined {
  const lower = name.toLowerCase().replace(/[_-]/g, '')
  return known.find((k) => k.toLowerCase().replace(/[_-]/g, '') === lower)
}

/** Options that moved from the top level of `input` into `dtmf` in 2021. */
const legacyInputKeys = new Set(['timeOut', 'maxDigits', 'submitOnHash'])

function describe(error: ValueError, subject: string, where: NccoPath, full: NccoPath): { code: NccoIssueCode; message: string } {
  const field = `${subject} ${fieldName(full.slice(1))}`
  const marker = urlMarker(error.schema)
  if (marker !== undefined && error.type !== T.ObjectAdditionalProperties && error.type !== T.ObjectRequiredProperty) {
    const message = marker === 'list'
      ? `${field} must be an array holding exactly one absolute http(s) URL, like ["https://example.com/webhooks/event"]; got ${show(error.value)}`
      : marker === 'item'
        ? `${field} must hold one absolute http or https URL; ${show(error.value)} is not one`
        : `${field} must be ${describeUrlKind(marker)}; got ${show(error.value)}`
    return { code: 'invalid_url', message }
  }
  switch (error.type) {
    case T.ObjectRequiredProperty:
      return { code: 'missing_field', message: `${field} is required` }
    case T.ObjectAdditionalProperties: {
      const key = String(where[where.length - 1])
      const hint = closest(key, Object.keys((error.schema as unknown as { properties: Record<string, unknown> }).properties))
      const legacy = subject === 'input' && where.length === 1 && legacyInputKeys.has(key)
      const extra = legacy
        ? `; since 2021 it belongs in dtmf: { ${key}: ... } and input needs type: ["dtmf"]`
        : hint !== undefined ? `; did you mean ${hint}?` : ''
      return { code: 'unknown_field', message: `${field} is not a known option${extra}` }
    }
    case T.Union: {
      if ((error.schema as { discriminator?: string }).discriminator !== undefined) {
        return { code: 'invalid_type', message: `${field} must be an object, got ${show(error.value)}` }
      }
      // The other unions in our schemas are enums of literals.
      return { code: 'invalid_value', message: `${field} must be one of ${literals(error.schema).map(show).join(', ')}; got ${show(error.value)}` }
    }
    case T.Literal:
      return { code: 'invalid_value', message: `${field} must be ${show((error.schema as { const?: unknown }).const)}; got ${show(error.value)}` }
    case T.StringPattern:
      // Every pattern in our schemas carries a description a person can act on.
      return { code: 'invalid_value', message: `${field} must be ${String((error.schema as { description?: string }).description)}; got ${show(error.value)}` }
    case T.ArrayUniqueItems:
      return { code: 'invalid_value', message: `${field} must not repeat items; got ${show(error.value)}` }
    default:
      break
  }
  if (rangeTypes.has(error.type)) return { code: 'out_of_range', message: `${field} ${bound(error)}` }
  // What is left are type errors: our schemas use no other TypeBox kinds.
  /* c8 ignore next */
  const expected = typeNames[error.type] ?? error.message
  return { code: 'invalid_type', message: `${field} must be ${expected}, got ${show(error.value)}` }
}

/**
 * Checks a value against a schema and turns TypeBox's errors into NCCO issues: paths are prefixed with `base`,
 * messages name the field, and discriminated unions (endpoints by `type`) report the errors of the matching variant.
 */
export function schemaIssues(schema: TSchema, value: unknown, base: NccoPath, subject: string, errors?: Iterable<ValueError>): NccoIssue[] {
  const issues: NccoIssue[] = []
  for (const error of errors ?? Value.Errors(schema, value)) {
    // A missing required field is reported once, as missing, not again for its type.
    if (error.value === undefined && error.type !== T.ObjectRequiredProperty) continue
    const where = pointerToPath(error.path)
    const variant = pickVariant(error)
    if (variant !== undefined) {
      const at = [...base, ...where, variant.key]
      const label = `${subject} ${fieldName(at.slice(1))}`
      const choices = `one of ${variant.known.map(show).join(', ')}`
      const nested = variant.schema !== undefined
        ? schemaIssues(variant.schema, error.value, [...base, ...where], subject)
        : variant.value === undefined
          ? [issue('missing_field', at, `${label} is required: ${choices}`)]
          : [issue('invalid_value', at, `${label} must be ${choices}; got ${show(variant.value)}`)]
      issues.push(...nested)
      continue
    }
    // A bad URL inside a URL list is reported on the list field: the field is what the author wrote wrong.
    if (urlMarker(error.schema) === 'item') where.pop()
    const path = [...base, ...where]
    const { code, message } = describe(error, subject, where, path)
    issues.push(issue(code, path, message))
  }
  return issues
}

function pickVariant(error: ValueError): { schema?: TSchema; key: string; known: unknown[]; value: unknown } | undefined {
  const key = (error.schema as { discriminator?: string }).discriminator
  if (error.type !== T.Union || key === undefined) return undefined
  const variants = (error.schema as unknown as { anyOf: TSchema[] }).anyOf
  const known = variants.map((v) => (v.properties as Record<string, { const: unknown }>)[key]?.const)
  if (error.value === null || typeof error.value !== 'object' || Array.isArray(error.value)) return undefined
  const value = (error.value as Record<string, unknown>)[key]
  const index = known.indexOf(value)
  return { schema: index === -1 ? undefined : variants[index], key, known, value }
}
