import type { AnyMachineSnapshot } from 'xstate'
import { awaitsCallback, renderAction, resolve, type UrlResolver } from '../dsl/render.js'
import type { CallInfo, FlowDefinition, StepArgs, StepDefinition } from '../dsl/types.js'
import { errors } from '../errors.js'
import { actionDefinitions, deepFreeze, notify, validateNcco, type NccoAction } from '../ncco/index.js'
import type { CallRecord, LastAnswer } from './call-record.js'
import { silentLogger, type Logger } from './log.js'
import type { MachineContext } from './machine.js'
import type { LoadedFlow } from './types.js'

/** Most steps one request may pass through without waiting for the caller. */
const MAX_STEPS = 64

/** The arguments every function of a flow gets: the call (with its last input and retry count), the context, the logger. */
export function stepArgs(definition: FlowDefinition, call: CallRecord['call'], context: MachineContext, step: string, log: Logger): StepArgs<never> {
  // The call's fields after the new keys: a spread followed by keys its source lacks is slow on Node 20 (fields.ts).
  const info: CallInfo = { flow: definition.name, step, retries: context.retries ?? 0, ...(context.input === undefined ? {} : { input: context.input }), ...call }
  return { call: info, context: context.ctx, log } as unknown as StepArgs<never>
}

async function withDeadline<T>(work: unknown, deadline: number, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new errors.RUNTIME_BUDGET.Error(budgetMs)), Math.max(0, deadline - Date.now()))
  })
  try {
    return await Promise.race([Promise.resolve(work as T), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Where a step that awaits nothing goes next, as the event that takes the call there. */
function nextEvent(step: StepDefinition, context: MachineContext, initial: string, args: () => StepArgs<never>) {
  const next = step.next as NonNullable<StepDefinition['next']>
  if (next.kind === 'static') return { type: 'step.next' as const, target: next.target }
  if (next.kind === 'dynamic') return { type: 'step.next' as const, target: resolve(next.fn, args()) }
  // Back to the question asked while retries last (counted over the call), then on to `then`.
  const back = (context.retries ?? 0) < next.times
  return back ? { type: 'step.next' as const, target: context.asked ?? initial, retry: true } : { type: 'step.next' as const, target: next.then }
}

/** Takes a step's way out (`goto` or `retry`) from a snapshot in that step; a target that is not one of its own is an error. */
export function followNext(flow: LoadedFlow, call: CallRecord['call'], snapshot: AnyMachineSnapshot, log: Logger): AnyMachineSnapshot {
  const name = String(snapshot.value)
  const step = flow.definition.steps[name] as StepDefinition
  const context = snapshot.context as MachineContext
  const event = nextEvent(step, context, flow.definition.initial, () => stepArgs(flow.definition, call, context, name, log))
  const moved = flow.compiled.advance(snapshot, event)
  if (moved === snapshot || String(moved.value) !== event.target) throw new errors.RUNTIME_BAD_TARGET.Error(name, event.target)
  log.debug({ from: name, to: event.target }, 'step')
  return moved
}

/**
 * What rendering gives: the snapshot the call ends in, the NCCO, and how to render that NCCO again without the call:
 * the fixed step it was rendered from, or else the steps it passed through when none of their actions is written with
 * a function (their NCCO depends only on which steps they were, whatever moved the call between them).
 */
export interface Rendered {
  readonly snapshot: AnyMachineSnapshot
  readonly ncco: readonly NccoAction[]
  readonly fixed?: { readonly step: string; readonly base: string }
  readonly replay?: { readonly steps: readonly string[]; readonly base: string }
}

/** The answer to keep as `last` for a request answered with what was rendered. */
export function lastAnswer(key: string, rendered: Rendered, event?: string): LastAnswer {
  const answer = rendered.fixed !== undefined ? { fixed: rendered.fixed } : rendered.replay !== undefined ? { replay: rendered.replay } : { ncco: rendered.ncco }
  return { key, ...(event === undefined ? {} : { event }), ...answer }
}

/**
 * The NCCO a call's last answer was: kept as it is, the fixed step's rendered again (identical) from the cache, or the
 * actions of the steps it passed through rendered again (identical: none of them depends on the call).
 */
export async function lastNcco(flow: LoadedFlow, call: CallRecord['call'], last: LastAnswer): Promise<readonly NccoAction[]> {
  if ('ncco' in last) return last.ncco
  if ('replay' in last) {
    const ncco: NccoAction[] = []
    for (const name of last.replay.steps) {
      const step = flow.definition.steps[name]
      if (step === undefined) throw new errors.FLOW_UNKNOWN_STEP.Error(flow.definition.name, name, Object.keys(flow.definition.steps).join(', '))
      const args = () => stepArgs(flow.definition, call, { ctx: {} }, name, silentLogger)
      let awaits = false
      for (const op of step.ops) if (op.kind === 'action') awaits = pushAction(ncco, op, step, args, stepUrls(flow.definition, last.replay.base, name), awaits)
    }
    return ncco
  }
  const from = flow.compiled.restore({ value: last.fixed.step, context: { ctx: {} } })
  return (await renderFrom(flow, call, from, last.fixed.base, silentLogger)).ncco
}

/** The callback and media URLs of a step's actions, and the base URL they start with. */
function stepUrls(definition: FlowDefinition, baseUrl: string, name: string): StepUrls {
  return new StepUrls(baseUrl, `${baseUrl}/flows/${definition.name}`, name)
}

/** The URLs of one step's callbacks and of its flow's local audio (a class: no closures made per step rendered). */
class StepUrls implements UrlResolver {
  readonly base: string
  readonly #prefix: string
  readonly #name: string

  constructor(base: string, prefix: string, name: string) {
    this.base = base
    this.#prefix = prefix
    this.#name = name
  }

  callback(segment: string): string {
    return `${this.#prefix}/${this.#name}/${segment}`
  }

  media(path: string): string {
    return `${this.#prefix}/audio/${path.replace(/^\.\//, '')}`
  }
}

type ActionOp = Extract<StepDefinition['ops'][number], { kind: 'action' }>

/** An action op rendered: the action, whether it awaits a callback, and the notify that follows it (see {@link pushAction}). */
interface RenderedOp {
  readonly action: NccoAction
  readonly awaits: boolean
  readonly notify?: NccoAction
}

/** The actions written without functions, rendered once per step and base URL (by step, then base): they are frozen. */
const fixedOps = new WeakMap<ActionOp, Map<string, RenderedOp>>()

function renderOp(op: ActionOp, step: StepDefinition, args: () => StepArgs<never>, urls: StepUrls): RenderedOp {
  const action = renderAction(op, args(), urls)
  const awaits = awaitsCallback(action)
  const resumed = awaits && step.next !== undefined && actionDefinitions[action.action]?.resumes === true
  return resumed ? { action, awaits, notify: notify({ resumed: action.action }, { eventUrl: urls.callback('notify') }) } : { action, awaits }
}

/**
 * Renders one action of a step onto the NCCO; returns whether the step now awaits a callback. A step whose awaited
 * action Vonage resumes after (a synchronous connect whose leg hangs up) and that has a way out is told of it by a
 * notify: its callback takes that way out. An action written without functions is rendered once per base URL.
 */
function pushAction(ncco: NccoAction[], op: ActionOp, step: StepDefinition, args: () => StepArgs<never>, urls: StepUrls, awaits: boolean): boolean {
  let rendered: RenderedOp | undefined
  if (op.args.every((arg) => typeof arg !== 'function')) {
    let byBase = fixedOps.get(op)
    if (byBase === undefined) fixedOps.set(op, (byBase = new Map()))
    const key = `${step.name}\n${urls.base}`
    rendered = byBase.get(key)
    if (rendered === undefined) {
      rendered = deepFreeze(renderOp(op, step, args, urls))
      if (byBase.size < MAX_RENDERED) byBase.set(key, rendered)
    }
  } else {
    rendered = renderOp(op, step, args, urls)
  }
  ncco.push(rendered.action)
  if (!awaits && rendered.notify !== undefined) ncco.push(rendered.notify)
  return awaits || rendered.awaits
}

/** Most NCCOs kept rendered per flow (base URLs taken from requests could otherwise grow it without bound). */
const MAX_RENDERED = 1024

/** The JSON text of each NCCO kept rendered (deeply frozen, so the text stays true): answered without serialising. */
const texts = new WeakMap<readonly NccoAction[], string>()

/** The JSON text of an NCCO {@link renderFrom} keeps rendered, or undefined for any other value. */
export function renderedText(ncco: unknown): string | undefined {
  // A WeakMap answers undefined for a key that cannot be one.
  return texts.get(ncco as readonly NccoAction[])
}

function keep(flow: LoadedFlow, key: string, step: string, ncco: readonly NccoAction[]): void {
  if (flow.rendered.size >= MAX_RENDERED) return
  flow.rendered.set(key, { step, ncco })
  texts.set(ncco, JSON.stringify(ncco))
}

/**
 * The steps from which rendering depends on nothing of the call: every op is an action written without functions (no
 * `update`, no `do`), and the step awaits, ends, or goes on with a `goto` to another such step. Their NCCO is rendered
 * and validated once per base URL.
 */
export function fixedSteps(definition: FlowDefinition): Set<string> {
  const fixed = new Set<string>()
  const visiting = new Set<string>()
  const isFixed = (name: string): boolean => {
    if (fixed.has(name)) return true
    if (visiting.has(name)) return false
    visiting.add(name)
    const step = definition.steps[name] as StepDefinition
    const opsFixed = step.ops.every((op) => op.kind === 'action' && op.args.every((arg) => typeof arg !== 'function'))
    const ok = opsFixed && (step.next === undefined || step.next.kind === 'static' && isFixed(step.next.target))
    if (ok) fixed.add(name)
    return ok
  }
  for (const name of Object.keys(definition.steps)) isFixed(name)
  return fixed
}

/**
 * Renders from the step a snapshot is in: runs each step's operations in order (context updates, async work within
 * the budget, actions), follows `goto` and `retry` through steps that await nothing, and stops at an action that
 * awaits a callback or at a step with nowhere to go. The NCCO is the concatenation, validated before it leaves.
 */
export async function renderFrom(flow: LoadedFlow, call: CallRecord['call'], from: AnyMachineSnapshot, baseUrl: string, log: Logger): Promise<Rendered> {
  const { definition, compiled } = flow
  const start = String(from.value)
  const cacheKey = flow.fixed.has(start) ? `${baseUrl}\n${start}` : undefined
  const cached = cacheKey === undefined ? undefined : flow.rendered.get(cacheKey)
  if (cached !== undefined) {
    const snapshot = cached.step === start ? from : compiled.restore({ value: cached.step, context: from.context as MachineContext })
    return { snapshot, ncco: cached.ncco, fixed: { step: start, base: baseUrl } }
  }
  const deadline = Date.now() + definition.budgetMs
  const ncco: NccoAction[] = []
  const steps: string[] = []
  let replayable = true
  let snapshot = from
  for (let visited = 1; ; visited += 1) {
    if (visited > MAX_STEPS) throw new errors.RUNTIME_LOOP.Error(MAX_STEPS)
    const name = String(snapshot.value)
    const step = definition.steps[name] as StepDefinition
    const args = () => stepArgs(definition, call, snapshot.context as MachineContext, name, log)
    const urls = stepUrls(definition, baseUrl, name)
    steps.push(name)
    let awaits = false
    for (const op of step.ops) {
      if (op.kind === 'action') {
        replayable &&= op.args.every((arg) => typeof arg !== 'function')
        awaits = pushAction(ncco, op, step, args, urls, awaits)
        continue
      }
      const patch = op.kind === 'do' ? await withDeadline<unknown>(op.fn(args()), deadline, definition.budgetMs) : op.fn(args())
      if (patch !== undefined && patch !== null) snapshot = compiled.advance(snapshot, { type: 'context.patch', patch: patch as Record<string, unknown> })
    }
    if (awaits || step.next === undefined) break
    snapshot = followNext(flow, call, snapshot, log)
  }
  // An NCCO of actions written without functions is the same whenever the call passes through the same steps: it is
  // validated the first time, and the same frozen NCCO comes back after.
  const replayKey = cacheKey === undefined && replayable ? `${baseUrl}\n${steps.join('\n')}\n` : undefined
  const replayed = replayKey === undefined ? undefined : flow.rendered.get(replayKey)
  if (replayed !== undefined) return { snapshot, ncco: replayed.ncco, replay: { steps, base: baseUrl } }
  const issues = validateNcco(ncco).filter((i) => i.severity === 'error')
  if (issues.length > 0) throw new errors.NCCO_INVALID.Error(issues.map((i) => `${JSON.stringify(i.path)} ${i.message}`).join('; '))
  Object.freeze(ncco)
  if (replayKey !== undefined) {
    keep(flow, replayKey, String(snapshot.value), ncco)
    return { snapshot, ncco, replay: { steps, base: baseUrl } }
  }
  if (cacheKey === undefined) return { snapshot, ncco }
  keep(flow, cacheKey, String(snapshot.value), ncco)
  return { snapshot, ncco, fixed: { step: start, base: baseUrl } }
}
