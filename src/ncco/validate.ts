import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { TSchema } from '@sinclair/typebox'
import { actionDefinitions, type Ncco } from './actions/index.js'
import { coerceQuoted } from './coerce.js'
import type { ActionDefinition } from './define.js'
import { issue, warning, type NccoIssue } from './issues.js'
import { schemaIssues } from './schema-issues.js'

const compiled = new Map<string, TypeCheck<TSchema>>()

function checker(definition: ActionDefinition): TypeCheck<TSchema> {
  let check = compiled.get(definition.name)
  if (check === undefined) {
    check = TypeCompiler.Compile(definition.schema)
    compiled.set(definition.name, check)
  }
  return check
}

const known = Object.keys(actionDefinitions)

function definitionOf(value: unknown): ActionDefinition | undefined {
  const name = (value as { action?: unknown } | null)?.action
  return typeof name === 'string' && Object.hasOwn(actionDefinitions, name) ? actionDefinitions[name] : undefined
}

/**
 * Checks one action against its schema and rules. Returns the issues and the action as Vonage reads it: an action that
 * fails its schema has its quoted numbers and booleans read first (a `quoted_value` warning each), and is checked as read.
 */
function actionIssues(value: unknown, index: number): { read: unknown; issues: NccoIssue[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { read: value, issues: [issue('not_object', [index], `action ${index} must be an object with an "action" field, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`)] }
  }
  const definition = definitionOf(value)
  if (definition === undefined) {
    const name = (value as { action?: unknown }).action
    const got = name === undefined ? 'it has none' : `got ${JSON.stringify(name)}`
    return { read: value, issues: [issue('unknown_action', [index, 'action'], `action ${index} must have "action" set to one of ${known.join(', ')}; ${got}`)] }
  }
  const check = checker(definition)
  // An action that passes its schema holds no quoted number or boolean, so the usual case copies nothing.
  const passes = check.Check(value)
  const { value: read, issues } = passes ? { value, issues: [] } : coerceQuoted(definition.schema, value, [index], definition.name)
  if (!passes && !check.Check(read)) issues.push(...schemaIssues(definition.schema, read, [index], definition.name, check.Errors(read)))
  // Rules run on schema-invalid actions too, so one pass reports every problem; they read fields defensively.
  for (const found of definition.rules?.(read as never) ?? []) issues.push({ ...found, path: [index, ...found.path] })
  return { read, issues }
}

/** Rules across actions; `ncco` holds the actions with their quoted numbers and booleans already read. */
function sequenceIssues(ncco: readonly unknown[]): NccoIssue[] {
  const issues: NccoIssue[] = []
  let bargeIn: number | undefined
  let terminal: number | undefined
  ncco.forEach((value, index) => {
    const definition = definitionOf(value)
    if (definition === undefined) return
    if (terminal !== undefined) {
      issues.push(warning('unreachable', [index], `action ${index} (${definition.name}) never runs: the call does not come back from the ${(ncco[terminal] as { action: string }).action} at ${terminal}`))
    }
    if (bargeIn !== undefined && !definition.prompt && !definition.collectsInput) {
      issues.push(issue('barge_in', [bargeIn, 'bargeIn'], `action ${bargeIn} has bargeIn: true, so an input must follow it before any other action; action ${index} is ${definition.name}`))
      bargeIn = undefined
    }
    if (definition.collectsInput) bargeIn = undefined
    if (definition.prompt && (value as { bargeIn?: unknown }).bargeIn === true && bargeIn === undefined) bargeIn = index
    if (definition.terminal && terminal === undefined) terminal = index
  })
  if (bargeIn !== undefined) {
    issues.push(issue('barge_in', [bargeIn, 'bargeIn'], `action ${bargeIn} has bargeIn: true but no input follows it; add an input after it or set bargeIn: false`))
  }
  return issues
}

/**
 * Checks a whole NCCO: each action against its schema and rules, and the rules that span actions.
 * Returns the issues found; none with severity `error` means Vonage will accept it. A number or boolean written as a
 * string that parses (`"timeout": "45"`, `"bargeIn": "true"`) is accepted as Vonage accepts it, with a `quoted_value`
 * warning; ranges and rules apply to the value it parses to.
 * @example
 * validateNcco([{ action: 'talk', text: 'Hi', bargeIn: true }])
 * // [{ code: 'barge_in', path: [0, 'bargeIn'], severity: 'error', message: 'action 0 has bargeIn: true but no input follows it; ...' }]
 */
export function validateNcco(value: unknown): NccoIssue[] {
  if (!Array.isArray(value)) {
    return [issue('not_array', [], `an NCCO must be a JSON array of actions, got ${value === null ? 'null' : typeof value}`)]
  }
  if (value.length === 0) return [issue('empty', [], 'an NCCO must hold at least one action')]
  const issues: NccoIssue[] = []
  const read = value.map((action, index) => {
    const checked = actionIssues(action, index)
    issues.push(...checked.issues)
    return checked.read
  })
  issues.push(...sequenceIssues(read))
  return issues
}

/**
 * Tells whether an NCCO has no error-severity issue. A quoted number or boolean counts as valid, as Vonage reads it, but
 * stays a string in the value: the narrowed type holds only for NCCOs without `quoted_value` warnings.
 */
export function isValidNcco(value: unknown): value is Ncco {
  return validateNcco(value).every((found) => found.severity !== 'error')
}
