import { createHash } from 'node:crypto'
import { errors } from '../errors.js'
import { actionDefinitions, talk, validateNcco, type NccoAction } from '../ncco/index.js'
import { awaitsCallback, awaitedSegment, renderAction, type ActionOp } from './render.js'
import { step as emptyStep, type StepBuilder } from './step.js'
import type { FlowDefinition, FlowOptions, StatusHandler, StepArgs, StepDefinition } from './types.js'

/** A mistake in a flow, found when it is loaded. */
export interface FlowProblem {
  readonly step?: string
  readonly message: string
}

/** A flow that cannot run; `problems` lists each mistake with its step. */
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

/** The steps a step can go to, with the reason, for checks and diagrams. */
export function stepTargets(step: StepDefinition): { target: string; label: string }[] {
  const out = step.branches.map((b) => ({ target: b.target, label: describeMatch(b.match) }))
  if (step.onTimeout !== undefined) out.push({ target: step.onTimeout, label: 'timeout' })
  if (step.otherwise !== undefined) out.push({ target: step.otherwise, label: 'otherwise' })
  if (step.onFailure !== undefined) out.push({ target: step.onFailure, label: 'connect failed' })
  if (step.next?.kind === 'static') out.push({ target: step.next.target, label: 'next' })
  if (step.next?.kind === 'dynamic') for (const target of step.next.targets) out.push({ target, label: 'next?' })
  return out
}

function describeMatch(match: { dtmf?: unknown; speech?: unknown }): string {
  const show = (m: unknown) => (typeof m === 'function' ? 'fn' : String(m))
  return [match.dtmf === undefined ? '' : `dtmf ${show(match.dtmf)}`, match.speech === undefined ? '' : `speech ${show(match.speech)}`]
    .filter(Boolean)
    .join(' or ')
}

const sampleArgs = (flow: string, step: string, context: unknown): StepArgs<never> =>
  ({ call: { uuid: 'sample', flow, step, from: '447700900000', to: '447700900001' }, context, log: quiet }) as unknown as StepArgs<never>

const quiet = { info: Function.prototype, warn: Function.prototype, error: Function.prototype }

const sampleUrls = {
  callback: (segment: string) => `https://nccoflow.invalid/${segment}`,
  media: (path: string) => `https://nccoflow.invalid/audio/${path}`,
}

function isStatic(op: ActionOp): boolean {
  return op.args.every((arg) => typeof arg !== 'function')
}

/** Checks a flow's shape: targets exist, every step is reachable, awaiting actions end their step, static options are valid. */
export function checkFlow(definition: Omit<FlowDefinition<unknown>, 'version'>): FlowProblem[] {
  const problems: FlowProblem[] = []
  const names = Object.keys(definition.steps)
  if (names.length === 0) return [{ message: 'a flow needs at least one step' }]
  for (const step of Object.values(definition.steps)) {
    const at = (message: string) => problems.push({ step: step.name, message })
    for (const { target } of stepTargets(step)) {
      if (!names.includes(target)) at(`goes to "${target}", which is not a step of this flow (steps: ${names.join(', ')})`)
    }
    if (step.next?.kind === 'dynamic' && step.next.targets.length === 0) {
      at('its goto function names no step; list where it can go: .goto(fn, [\'a\', \'b\'])')
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
        at(`its ${op.action} cannot be built: ${(error as Error).message}`)
        return
      }
      for (const found of validateNcco([rendered])) {
        if (found.severity === 'error' && found.code !== 'barge_in') at(`its ${op.action}: ${found.message}`)
      }
      if (awaitsCallback(rendered) && awaiting === undefined) awaiting = { index, segment: awaitedSegment(rendered) as string }
    })
    if (awaiting !== undefined && awaiting.index < actions.length - 1) {
      at(`its ${actions[awaiting.index]?.action} waits for the caller, so it must be the last action of the step; move what follows into the next step`)
    }
    const last = actions[actions.length - 1]
    const lastOptions = last?.args.find((arg) => arg !== null && typeof arg === 'object' && !Array.isArray(arg)) as { bargeIn?: unknown } | undefined
    if (last !== undefined && actionDefinitions[last.action]?.prompt === true && lastOptions?.bargeIn === true) {
      at(`it ends on a ${last.action} with bargeIn: true; an input must follow it in the same step`)
    }
    const inputBranches = step.branches.length > 0 || step.otherwise !== undefined || step.onTimeout !== undefined
    if (inputBranches && awaiting?.segment !== 'input') at('on(), otherwise() and onTimeout() need an input as the step\'s last action')
    if (step.onFailure !== undefined && awaiting?.segment !== 'connect') at('onFailure() needs a connect with eventType: \'synchronous\' as the step\'s last action')
    if (step.next !== undefined && (awaiting?.segment === 'input' || awaiting?.segment === 'connect')) {
      at(`goto() cannot follow a step that waits on ${awaiting.segment}; use ${awaiting.segment === 'input' ? 'on() and otherwise()' : 'onFailure()'}`)
    }
  }
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
  for (const name of names) if (!reached.has(name)) problems.push({ step: name, message: `no step goes to it, so no caller can reach it (the flow starts at "${definition.initial}")` })
  return problems
}

function inferTargets(fn: (...args: never[]) => unknown, names: readonly string[]): string[] {
  const source = fn.toString()
  return names.filter((name) => new RegExp(`(['"\`])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`).test(source))
}

/** Builds a flow; immutable, so a flow defined at module scope is shared safely by every call. */
export class FlowBuilder<C extends Record<string, unknown>> {
  readonly [brand] = true
  readonly #name: string
  readonly #options: FlowOptions<C>
  readonly #steps: readonly StepDefinition[]
  readonly #statusHandlers: FlowDefinition['statusHandlers']
  #definition: FlowDefinition<C> | undefined

  /** Prefer {@link flow}. */
  constructor(name: string, options: FlowOptions<C>, steps: readonly StepDefinition[] = [], statusHandlers: FlowDefinition['statusHandlers'] = []) {
    this.#name = name
    this.#options = options
    this.#steps = steps
    this.#statusHandlers = statusHandlers
  }

  /** The flow's name. */
  get name(): string {
    return this.#name
  }

  /** Adds a step; the first step added is where every call starts. */
  step(name: string, build: (s: StepBuilder<C>) => StepBuilder<C>): FlowBuilder<C> {
    return new FlowBuilder(this.#name, this.#options, [...this.#steps, build(emptyStep<C>(name)).toDefinition()], this.#statusHandlers)
  }

  /** Runs `handler` after the state is saved whenever a call event with this status (or any, with `'*'`) arrives. */
  onStatus(status: string | readonly string[], handler: StatusHandler<C>): FlowBuilder<C> {
    const added = (typeof status === 'string' ? [status] : status).map((s) => Object.freeze({ status: s, handler: handler as StatusHandler<never> }))
    return new FlowBuilder(this.#name, this.#options, this.#steps, [...this.#statusHandlers, ...added])
  }

  /** The flow as plain data, checked; throws {@link FlowDefinitionError} (`NCCOFLOW_ERR_FLOW_INVALID`) listing every mistake. */
  toDefinition(): FlowDefinition<C> {
    if (this.#definition !== undefined) return this.#definition
    const names = this.#steps.map((s) => s.name)
    const problems: FlowProblem[] = []
    if (!/^[a-z0-9][a-z0-9_-]*$/i.test(this.#name)) problems.push({ message: `flow name "${this.#name}" must be letters, digits, - and _ (it is part of URLs)` })
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push({ step: name, message: 'is defined twice' })
    for (const name of names) if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name)) problems.push({ step: name, message: 'a step name must be letters, digits, - and _ (it is part of URLs)' })
    const steps = Object.fromEntries(this.#steps.map((s) => {
      if (s.next?.kind !== 'dynamic' || s.next.targets.length > 0) return [s.name, s]
      return [s.name, { ...s, next: { ...s.next, targets: inferTargets(s.next.fn, names) } }]
    })) as Record<string, StepDefinition>
    const fallback = typeof this.#options.fallback === 'string' || this.#options.fallback === undefined
      ? [talk(this.#options.fallback ?? DEFAULT_FALLBACK)]
      : this.#options.fallback
    const fallbackIssues = validateNcco(fallback).filter((i) => i.severity === 'error')
    if (fallbackIssues.length > 0) problems.push({ message: `fallback NCCO is invalid: ${fallbackIssues.map((i) => i.message).join('; ')}` })
    const base = {
      name: this.#name,
      initial: names[0] as string,
      context: structuredClone(this.#options.context ?? ({} as C)),
      steps,
      fallback,
      budgetMs: this.#options.budgetMs ?? DEFAULT_BUDGET_MS,
      statusHandlers: this.#statusHandlers,
    }
    problems.push(...checkFlow(base))
    if (problems.length > 0) throw new FlowDefinitionError(this.#name, problems)
    const shape = JSON.stringify(Object.values(steps).map((s) => [s.name, s.ops.map((o) => (o.kind === 'action' ? o.action : o.kind)), stepTargets(s)]))
    const version = createHash('sha256').update(shape).digest('hex').slice(0, 12)
    this.#definition = Object.freeze({ ...base, version })
    return this.#definition
  }
}

/**
 * Starts a flow. Steps are added with `.step(name, (s) => ...)`; the first is where a call starts.
 * @example
 * export default flow('hello', { context: { tries: 0 } })
 *   .step('menu', (s) => s
 *     .talk('Press 1 for sales', { bargeIn: true })
 *     .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
 *     .on({ dtmf: '1' }, 'sales')
 *     .otherwise('menu'))
 *   .step('sales', (s) => s.talk('Goodbye'))
 */
export function flow<C extends Record<string, unknown> = Record<string, never>>(name: string, options: FlowOptions<C> = {}): FlowBuilder<C> {
  return new FlowBuilder<C>(name, options)
}

/** Tells whether a value is a flow built with {@link flow} (works across module copies). */
export function isFlow(value: unknown): value is FlowBuilder<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[brand] === true
}

/** The flow's plain definition from a builder or a definition. */
export function toFlowDefinition(value: FlowBuilder<Record<string, unknown>> | FlowDefinition): FlowDefinition {
  return isFlow(value) ? value.toDefinition() : value
}
