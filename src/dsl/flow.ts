import { createHash } from 'node:crypto'
import { errors } from '../errors.js'
import { actionDefinitions, talk, validateNcco, type NccoAction } from '../ncco/index.js'
import { callStatuses, type CallStatus } from '../webhooks/index.js'
import { awaitsCallback, awaitedSegment, renderAction, type ActionOp } from './render.js'
import { step as emptyStep, type StepBuilder } from './step.js'
import type { FlowDefinition, FlowOptions, StatusHandler, StatusHandlerDefinition, StepArgs, StepDefinition } from './types.js'

/** What kind of mistake a {@link FlowProblem} is; tools and tests compare these, not the English. */
export type FlowProblemCode =
  | 'no_steps' | 'invalid_flow_name' | 'invalid_step_name' | 'unknown_target' | 'unreachable_step'
  | 'goto_without_targets' | 'invalid_retry' | 'invalid_action' | 'action_after_wait' | 'barge_in_at_end'
  | 'branch_without_input' | 'failure_without_connect' | 'goto_after_wait' | 'invalid_fallback' | 'unknown_status'

/** A mistake in a flow, found when it is loaded. */
export interface FlowProblem {
  readonly code: FlowProblemCode
  readonly step?: string
  readonly message: string
}

/** A flow that cannot run; `problems` lists each mistake with its code and step. */
export class FlowDefinitionError extends errors.FLOW_INVALID.Error {
  readonly flow: string
  readonly problems: readonly FlowProblem[]
  constructor(flow: string, problems: readonly FlowProblem[]) {
    super(flow, problems.map((p) => (p.step === undefined ? p.message : `step "${p.step}": ${p.message}`)).join('; '))
    this.flow = flow
    this.problems = problems
  }
}

const DEFAULT_FALLBACK = 'Sorry, something went wrong on our side. Please call again later. Goodbye.'
const DEFAULT_BUDGET_MS = 3000
const brand = Symbol.for('nccoflow.flow')
const SAFE_NAME = /^[a-z0-9][a-z0-9_-]*$/i
const knownStatuses: ReadonlySet<string> = new Set(['*', ...callStatuses])

/** The steps a step can go to, with the reason, for checks and diagrams. */
export function stepTargets(step: StepDefinition): { target: string; label: string }[] {
  const out = step.branches.map((b) => ({ target: b.target, label: describeMatch(b.match) }))
  if (step.onTimeout !== undefined) out.push({ target: step.onTimeout, label: 'timeout' })
  if (step.otherwise !== undefined) out.push({ target: step.otherwise, label: 'otherwise' })
  if (step.onFailure !== undefined) out.push({ target: step.onFailure, label: 'connect failed' })
  if (step.next?.kind === 'static') out.push({ target: step.next.target, label: 'next' })
  if (step.next?.kind === 'dynamic') for (const target of step.next.targets) out.push({ target, label: 'next?' })
  if (step.next?.kind === 'retry') out.push({ target: step.next.then, label: `after ${step.next.times} retries` })
  return out
}

function describeMatch(match: { dtmf?: unknown; speech?: unknown }): string {
  const show = (m: unknown) => (typeof m === 'function' ? 'fn' : String(m))
  return [match.dtmf === undefined ? '' : `dtmf ${show(match.dtmf)}`, match.speech === undefined ? '' : `speech ${show(match.speech)}`]
    .filter(Boolean)
    .join(' or ')
}

const sampleArgs = (flow: string, step: string, context: unknown): StepArgs<never> =>
  ({ call: { uuid: 'sample', flow, step, from: '447700900000', to: '447700900001', retries: 0 }, context, log: quiet }) as unknown as StepArgs<never>

const quiet = { info: Function.prototype, warn: Function.prototype, error: Function.prototype }

const sampleUrls = {
  callback: (segment: string) => `https://nccoflow.invalid/${segment}`,
  media: (path: string) => `https://nccoflow.invalid/audio/${path}`,
}

function isStatic(op: ActionOp): boolean {
  return op.args.every((arg) => typeof arg !== 'function')
}

/** The steps a call can reach from the first; a retry can go back to any step with an input it passed. */
function reachable(definition: Omit<FlowDefinition<unknown>, 'version'>): Set<string> {
  const reached = new Set([definition.initial])
  const queue = [definition.initial]
  while (queue.length > 0) {
    const current = definition.steps[queue.shift() as string]
    for (const { target } of current === undefined ? [] : stepTargets(current)) {
      if (!reached.has(target)) {
        reached.add(target)
        queue.push(target)
      }
    }
  }
  return reached
}

/** Checks one step: awaiting actions end it, its transitions fit what it awaits, its static options are valid. */
function checkStep(definition: Omit<FlowDefinition<unknown>, 'version'>, step: StepDefinition, names: readonly string[]): FlowProblem[] {
  const problems: FlowProblem[] = []
  const at = (code: FlowProblemCode, message: string) => problems.push({ code, step: step.name, message })
  for (const { target } of stepTargets(step)) {
    if (!names.includes(target)) at('unknown_target', `goes to "${target}", which is not a step of this flow (steps: ${names.join(', ')})`)
  }
  if (step.next?.kind === 'dynamic' && step.next.targets.length === 0) {
    at('goto_without_targets', 'its goto function lists no step; list where it can go: .goto(fn, [\'a\', \'b\'])')
  }
  if (step.next?.kind === 'retry' && !(Number.isInteger(step.next.times) && step.next.times >= 0)) {
    at('invalid_retry', `retry() needs times: a whole number of 0 or more, got ${String(step.next.times)}`)
  }
  const actions = step.ops.filter((op): op is ActionOp => op.kind === 'action')
  let awaiting: { index: number; segment: string } | undefined
  actions.forEach((op, index) => {
    if (!isStatic(op)) {
      // Options computed per call: only actions that always await (input, notify) are known to await.
      const segment = actionDefinitions[op.action]?.urls.find((u) => u.role === 'callback' && u.returnsNcco({}))?.segment
      if (segment !== undefined && awaiting === undefined) awaiting = { index, segment }
      return
    }
    let rendered: NccoAction
    try {
      rendered = renderAction(op, sampleArgs(definition.name, step.name, definition.context), sampleUrls)
    } catch (error) {
      at('invalid_action', `its ${op.action} cannot be built: ${(error as Error).message}`)
      return
    }
    for (const found of validateNcco([rendered])) {
      if (found.severity === 'error' && found.code !== 'barge_in') at('invalid_action', `its ${op.action}: ${found.message}`)
    }
    if (awaitsCallback(rendered) && awaiting === undefined) awaiting = { index, segment: awaitedSegment(rendered) as string }
  })
  if (awaiting !== undefined && awaiting.index < actions.length - 1) {
    at('action_after_wait', `its ${actions[awaiting.index]?.action} waits for the caller, so it must be the last action of the step; move what follows into the next step`)
  }
  const last = actions[actions.length - 1]
  const lastOptions = last?.args.find((arg) => arg !== null && typeof arg === 'object' && !Array.isArray(arg)) as { bargeIn?: unknown } | undefined
  if (last !== undefined && actionDefinitions[last.action]?.prompt === true && lastOptions?.bargeIn === true) {
    at('barge_in_at_end', `it ends on a ${last.action} with bargeIn: true; an input must follow it in the same step`)
  }
  const inputBranches = step.branches.length > 0 || step.otherwise !== undefined || step.onTimeout !== undefined
  if (inputBranches && awaiting?.segment !== 'input') at('branch_without_input', 'on(), otherwise() and onTimeout() need an input as the step\'s last action')
  if (step.onFailure !== undefined && awaiting?.segment !== 'connect') at('failure_without_connect', 'onFailure() needs a connect with eventType: \'synchronous\' as the step\'s last action')
  if (step.next !== undefined && awaiting?.segment === 'input') {
    at('goto_after_wait', 'goto() and retry() cannot follow a step that waits on input; use on() and otherwise()')
  }
  return problems
}

/** Checks a flow's shape: names, targets, reachability, each step, its fallback and status handlers. */
export function checkFlow(definition: Omit<FlowDefinition<unknown>, 'version'>): FlowProblem[] {
  const problems: FlowProblem[] = []
  const names = Object.keys(definition.steps)
  if (!SAFE_NAME.test(definition.name)) problems.push({ code: 'invalid_flow_name', message: `flow name "${definition.name}" must be letters, digits, - and _ (it is part of URLs)` })
  if (names.length === 0) return [...problems, { code: 'no_steps', message: 'a flow needs at least one step' }]
  for (const name of names) {
    if (!SAFE_NAME.test(name)) problems.push({ code: 'invalid_step_name', step: name, message: 'a step name must be letters, digits, - and _ (it is part of URLs)' })
    // JavaScript puts keys that are whole numbers first in an object, so such a step could not keep its place.
    else if (/^[0-9]+$/.test(name)) problems.push({ code: 'invalid_step_name', step: name, message: 'a step name must not be a whole number (JavaScript would reorder it); start it with a letter' })
  }
  for (const step of Object.values(definition.steps)) problems.push(...checkStep(definition, step, names))
  const reached = reachable(definition)
  // A retry returns to a step with an input that led to it, which is reached already.
  for (const name of names) if (!reached.has(name)) problems.push({ code: 'unreachable_step', step: name, message: `no step goes to it, so no caller can reach it (the flow starts at "${definition.initial}")` })
  const fallbackIssues = validateNcco(definition.fallback).filter((i) => i.severity === 'error')
  if (fallbackIssues.length > 0) problems.push({ code: 'invalid_fallback', message: `fallback NCCO is invalid: ${fallbackIssues.map((i) => i.message).join('; ')}` })
  for (const { status } of definition.statusHandlers) {
    if (!knownStatuses.has(status)) problems.push({ code: 'unknown_status', message: `onStatus("${status}"): not a call status (${[...knownStatuses].join(', ')})` })
  }
  return problems
}

/** Tells whether a value is a flow built with {@link flow} (works across module copies). */
export function isFlow(value: unknown): value is { readonly name: string; toDefinition(): FlowDefinition } {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[brand] === true
}

/** A flow with its steps: its step names `N` are known to the compiler. Immutable; build it with {@link flow}. */
export class Flow<C extends Record<string, unknown> = Record<string, unknown>, N extends string = string> {
  readonly [brand] = true
  readonly #name: string
  readonly #options: FlowOptions<C>
  readonly #steps: readonly StepDefinition[]
  readonly #statusHandlers: readonly StatusHandlerDefinition[]
  #definition: FlowDefinition<C> | undefined

  /** Prefer {@link flow}. */
  constructor(name: string, options: FlowOptions<C>, steps: readonly StepDefinition[], statusHandlers: readonly StatusHandlerDefinition[] = []) {
    this.#name = name
    this.#options = options
    this.#steps = steps
    this.#statusHandlers = statusHandlers
  }

  /** The flow's name. */
  get name(): string {
    return this.#name
  }

  /** The step names, in the order written; the first is where every call starts. */
  get stepNames(): readonly N[] {
    return this.#steps.map((s) => s.name as N)
  }

  /**
   * Runs `handler` after the state is saved whenever a call event with this status (or one of these, or any with
   * `'*'`) arrives for a call of this flow.
   */
  onStatus<S extends CallStatus | '*'>(status: S | readonly S[], handler: StatusHandler<S extends '*' ? CallStatus : S, C>): Flow<C, N> {
    const added = (typeof status === 'string' ? [status] : status as readonly S[]).map((s) => Object.freeze({ status: s, handler: handler as StatusHandlerDefinition['handler'] }))
    return new Flow<C, N>(this.#name, this.#options, this.#steps, [...this.#statusHandlers, ...added])
  }

  /** The flow as plain data, checked; throws {@link FlowDefinitionError} (`NCCOFLOW_ERR_FLOW_INVALID`) listing every mistake. */
  toDefinition(): FlowDefinition<C> {
    if (this.#definition !== undefined) return this.#definition
    const names = this.#steps.map((s) => s.name)
    const steps = Object.fromEntries(this.#steps.map((s) => [s.name, s])) as Record<string, StepDefinition>
    const fallback = typeof this.#options.fallback === 'string' || this.#options.fallback === undefined
      ? [talk(this.#options.fallback ?? DEFAULT_FALLBACK)]
      : this.#options.fallback
    const base = {
      name: this.#name,
      initial: names[0] as string,
      context: structuredClone(this.#options.context ?? ({} as C)),
      steps,
      fallback,
      budgetMs: this.#options.budgetMs ?? DEFAULT_BUDGET_MS,
      statusHandlers: this.#statusHandlers,
    }
    const problems = checkFlow(base)
    if (problems.length > 0) throw new FlowDefinitionError(this.#name, problems)
    const shape = JSON.stringify(Object.values(steps).map((s) => [s.name, s.ops.map((o) => (o.kind === 'action' ? o.action : o.kind)), stepTargets(s)]))
    const version = createHash('sha256').update(shape).digest('hex').slice(0, 12)
    this.#definition = Object.freeze({ ...base, version })
    return this.#definition
  }
}

/** The steps of a flow: one builder function per step name; the first is where a call starts. */
export type StepsOf<C, N extends string> = { readonly [K in N]: (s: StepBuilder<C, NoInfer<N>>) => StepBuilder<C, NoInfer<N>> }

/** A flow before its steps: its name and options. Immutable; `steps()` gives the {@link Flow}. */
export class FlowBuilder<C extends Record<string, unknown> = Record<string, unknown>> {
  readonly [brand] = true
  readonly #name: string
  readonly #options: FlowOptions<C>

  /** Prefer {@link flow}. */
  constructor(name: string, options: FlowOptions<C>) {
    this.#name = name
    this.#options = options
  }

  /** The flow's name. */
  get name(): string {
    return this.#name
  }

  /**
   * Gives the flow its steps, one builder function per step name. Every step name a step goes to (`on`, `otherwise`,
   * `onTimeout`, `onFailure`, `goto`, `retry`) is checked by the compiler against these keys.
   */
  steps<N extends string>(steps: StepsOf<C, N>): Flow<C, N> {
    const built = Object.entries(steps).map(([name, build]) => (build as (s: StepBuilder<C, N>) => StepBuilder<C, N>)(emptyStep<C, N>(name)).toDefinition())
    return new Flow<C, N>(this.#name, this.#options, built)
  }

  /** A flow with no steps cannot run: throws {@link FlowDefinitionError}. */
  toDefinition(): FlowDefinition<C> {
    return this.steps({}).toDefinition()
  }
}

/**
 * Starts a flow: its name (part of its URLs) and options; `.steps({ ... })` adds the steps, the first being where a
 * call starts.
 * @example
 * export default flow('hello', { context: { tries: 0 } }).steps({
 *   menu: (s) => s
 *     .talk('Press 1 for sales', { bargeIn: true })
 *     .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
 *     .on({ dtmf: '1' }, 'sales')
 *     .otherwise('menu'),
 *   sales: (s) => s.talk('Goodbye'),
 * })
 */
export function flow<C extends Record<string, unknown> = Record<string, never>>(name: string, options: FlowOptions<C> = {}): FlowBuilder<C> {
  return new FlowBuilder<C>(name, options)
}

/**
 * The flow's plain definition from a flow or a definition. A definition written as plain data (or in JavaScript) gets
 * the same checks as a flow: throws {@link FlowDefinitionError} listing every mistake.
 */
export function toFlowDefinition(value: { toDefinition(): FlowDefinition } | FlowDefinition): FlowDefinition {
  if (isFlow(value)) return value.toDefinition()
  const definition = value as FlowDefinition
  const problems = checkFlow(definition)
  if (problems.length > 0) throw new FlowDefinitionError(definition.name, problems)
  return definition
}
