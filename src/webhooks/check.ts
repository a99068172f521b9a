import { Kind, Type } from '@sinclair/typebox'
import type { Static, TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValueErrorType } from '@sinclair/typebox/errors'
import type { ValueError } from '@sinclair/typebox/errors'
import { isObject } from './fields.js'

// Compiled checking shared by every webhook module: TypeBox errors become issues that name the field.

/** One problem found in a webhook payload: the path of the field at fault and a readable message. */
export const WebhookIssueSchema = Type.Object({
  path: Type.Array(Type.Union([Type.String(), Type.Number()])),
  message: Type.String(),
})

/** One problem found in a webhook payload, such as `{ path: ['uuid'], message: 'uuid must be a non-empty string' }`. */
export type WebhookIssue = Static<typeof WebhookIssueSchema>

/** A webhook schema compiled once: a type guard and the issues of a payload that fails it. */
export interface WebhookChecker<T> {
  readonly schema: TSchema
  check(value: unknown): value is T
  issues(value: unknown): WebhookIssue[]
}

/** What parsing needs to know about one payload kind: its JSON-encoded query fields, its schema and its normaliser. */
export interface WebhookDefinition<Payload, Normalized> {
  /** Fields that a GET query string carries as JSON-encoded text. */
  readonly jsonFields: readonly string[]
  /** The compiled schema a decoded payload is checked against; a kind with variants picks one from the payload. */
  checkerFor(payload: Record<string, unknown>): WebhookChecker<Payload>
  /** Turns a payload that passed its check into the normalised form. */
  normalize(payload: Payload): Normalized
}

/** Compiles a webhook schema with TypeBox's TypeCompiler, honouring a top-level `anyOf` of `required` keys. */
export function compileWebhookSchema<S extends TSchema>(schema: S): WebhookChecker<Static<S>> {
  const compiled = TypeCompiler.Compile(schema)
  // TypeCompiler ignores `anyOf` on an object schema; JSON Schema validators (fastify's ajv) honour it.
  const alternatives: string[] = schema[Kind] === 'Object' && Array.isArray(schema.anyOf)
    ? schema.anyOf.flatMap((entry: { required: string[] }) => entry.required)
    : []
  const hasAlternative = (value: Record<string, unknown>) =>
    alternatives.length === 0 || alternatives.some((key) => value[key] !== undefined)
  return {
    schema,
    check: (value): value is Static<S> => compiled.Check(value) && hasAlternative(value as Record<string, unknown>),
    issues(value) {
      const seen = new Set<string>()
      const issues: WebhookIssue[] = []
      for (const error of [...compiled.Errors(value)].flatMap(unionBranch)) {
        if (seen.has(error.path)) continue
        seen.add(error.path)
        issues.push(toIssue(error, value))
      }
      if (isObject(value) && !hasAlternative(value)) {
        const [first] = alternatives as [string]
        const expected = describe(schema.properties[first])
        issues.push({ path: [first], message: `${alternatives.join(' or ')} is required and must be ${expected}` })
      }
      return issues
    },
  }
}

// `speech.results[0].confidence`, or `payload` for the root.
function pathLabel(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'payload'
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('')
}

// A union that failed on a value of the right type for one of its members (an object whose field is
// wrong) is reported by that member's errors, which name the field; otherwise by the union as a whole.
function unionBranch(error: ValueError): ValueError[] {
  if (error.type !== ValueErrorType.Union) return [error]
  const inside = (e: ValueError) => e.path.startsWith(`${error.path}/`)
  const branch = error.errors.map((variant) => [...variant]).find((errors) => errors.every(inside))
  return branch ? branch.flatMap(unionBranch) : [error]
}

function toIssue(error: ValueError, root: unknown): WebhookIssue {
  const path = pointerToPath(error.path, root)
  const expected = describe(error.schema)
  const message = error.type === ValueErrorType.ObjectRequiredProperty
    ? `${pathLabel(path)} is required and must be ${expected}`
    : error.type === ValueErrorType.StringMaxLength
      ? `${pathLabel(path)} must be at most ${String(error.schema.maxLength)} characters`
      : `${pathLabel(path)} must be ${expected}`
  return { path, message }
}

// Array indexes become numbers; TypeBox reports errors only below values that exist, so every parent is there.
function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  let node = root as Record<string, unknown>
  return pointer.split('/').slice(1).map((raw) => {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    const segment = Array.isArray(node) ? Number(key) : key
    node = node[key] as Record<string, unknown>
    return segment
  })
}

function describe(schema: TSchema): string {
  if (typeof schema.description === 'string') return schema.description
  switch (schema[Kind]) {
    case 'String': return schema.minLength ? 'a non-empty string' : 'a string'
    case 'Number': return 'a number'
    case 'Boolean': return 'a boolean'
    case 'Null': return 'null'
    case 'Literal': return JSON.stringify(schema.const)
    case 'Array': return 'an array'
    case 'Union': return describeUnion(schema.anyOf)
    default: return 'an object'
  }
}

// A union with a string member accepts any string, so its listed string literals are only documentation.
function describeUnion(members: TSchema[]): string {
  const anyString = members.some((member) => member[Kind] === 'String')
  const relevant = members.filter((member) => !(anyString && member[Kind] === 'Literal'))
  const words = [...new Set(relevant.map(describe))]
  return words.length === 1 ? words[0] as string : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`
}
