import { assign, createActor, setup, type AnyActorScope, type AnyMachineSnapshot } from 'xstate'
import { chooseBranch, isTimeout } from '../dsl/match.js'
import type { FlowDefinition, InputResult, StepDefinition } from '../dsl/types.js'

/** What the machine of a call holds: the flow's context, the caller's last input and where it was asked. JSON data only. */
export interface MachineContext {
  readonly ctx: Record<string, unknown>
  readonly input?: InputResult
  /** The step whose input the caller answered last: where `retry()` goes back to. */
  readonly asked?: string
  /** How many times `retry()` sent the call back; absent for none. */
  readonly retries?: number
}

/** Events a call's machine takes. Lowercase and dotted, as xstate v5 names them. */
export type FlowEvent =
  | { type: 'input.received'; input: InputResult }
  | { type: 'connect.failed'; status: string }
  | { type: 'step.next'; target: string; retry?: boolean }
  | { type: 'context.patch'; patch: Record<string, unknown> }

/** The persisted form of a call's machine: its step and context. */
export interface PersistedState {
  readonly value: string
  readonly context: MachineContext
}

function inputTransitions(step: StepDefinition) {
  const reenter = (target: string) => ({ target, reenter: true, actions: { type: 'storeInput' as const, params: { step: step.name } } })
  return [
    ...step.branches.map((branch, index) => ({ guard: { type: 'branch' as const, params: { step: step.name, index } }, ...reenter(branch.target) })),
    ...(step.onTimeout === undefined ? [] : [{ guard: 'timedOut' as const, ...reenter(step.onTimeout) }]),
    reenter(step.otherwise ?? step.name),
  ]
}

/** The steps a step's `step.next` may go to: its goto's targets, or for a retry any step (the question asked) and `then`. */
function nextTargets(step: StepDefinition, names: readonly string[]): readonly string[] {
  if (step.next === undefined) return []
  if (step.next.kind === 'static') return [step.next.target]
  if (step.next.kind === 'dynamic') return step.next.targets
  return names
}

/**
 * Compiles a flow into an xstate machine: one state per step (a call that ended keeps its last step; the record says it ended). Guards are named implementations
 * (so snapshots persist as plain JSON); the runtime advances calls with pure `transition()`.
 */
export function compileFlow(definition: FlowDefinition) {
  const machine = setup({
    types: { context: {} as MachineContext, events: {} as FlowEvent, input: {} as MachineContext },
    guards: {
      branch: ({ event }, params: { step: string; index: number }) =>
        chooseBranch((definition.steps[params.step] as StepDefinition).branches, (event as Extract<FlowEvent, { type: 'input.received' }>).input) === params.index,
      // Each guard is attached to one event type only.
      timedOut: ({ event }) => isTimeout((event as Extract<FlowEvent, { type: 'input.received' }>).input),
      nextIs: ({ event }, params: { target: string }) => (event as Extract<FlowEvent, { type: 'step.next' }>).target === params.target,
    },
    actions: {
      storeInput: assign(({ event }, params: { step: string }) => ({ input: (event as Extract<FlowEvent, { type: 'input.received' }>).input, asked: params.step })),
      countRetry: assign(({ context, event }) => ((event as Extract<FlowEvent, { type: 'step.next' }>).retry === true ? { retries: (context.retries ?? 0) + 1 } : {})),
      applyPatch: assign(({ context, event }) => ({ ctx: { ...context.ctx, ...(event as Extract<FlowEvent, { type: 'context.patch' }>).patch } })),
    },
  }).createMachine({
    id: definition.name,
    context: ({ input }) => input,
    initial: definition.initial,
    on: {
      'context.patch': { actions: 'applyPatch' },
    },
    states: Object.fromEntries(
        Object.values(definition.steps).map((step) => {
          const targets = nextTargets(step, Object.keys(definition.steps))
          return [
            step.name,
            {
              on: {
                'input.received': inputTransitions(step),
                ...(step.onFailure === undefined ? {} : { 'connect.failed': { target: step.onFailure } }),
                'step.next': targets.map((target) => ({ guard: { type: 'nextIs' as const, params: { target } }, target, reenter: true, actions: 'countRetry' as const })),
              },
            },
          ]
        }),
      ),
  })

  // xstate's `transition()` builds a throw-away actor (and computes the initial state) on every call: ~60 µs here.
  // Our machines have no side effects (only `assign`) and no children, so one inert scope per flow serves every
  // call; the transition itself is still pure, ~8 µs.
  const actor = createActor(machine, { input: { ctx: {} } })
  const noop = Function.prototype
  const scope = { self: actor, system: actor.system, id: '', sessionId: '', defer: noop, logger: noop, stopChild: noop, emit: noop, actionExecutor: noop } as unknown as AnyActorScope

  return {
    machine,
    /**
     * The state a new call starts in. The machine has no entry actions and no initial actions, so resolving its initial
     * step with the context is the initial snapshot (a quarter of the cost of `getInitialSnapshot`).
     */
    start(context: MachineContext): AnyMachineSnapshot {
      return machine.resolveState({ value: definition.initial, context })
    },
    /** A stored state, ready for `advance`. */
    restore(state: PersistedState): AnyMachineSnapshot {
      return machine.resolveState({ value: state.value, context: state.context })
    },
    /** The pure transition of a snapshot by an event. */
    advance(snapshot: AnyMachineSnapshot, event: FlowEvent): AnyMachineSnapshot {
      return machine.transition(snapshot as never, event, scope)
    },
    /** The form stored in the call record. */
    persist(snapshot: AnyMachineSnapshot): PersistedState {
      return { value: String(snapshot.value), context: snapshot.context as MachineContext }
    },
  }
}

/** A compiled flow. */
export type CompiledFlow = ReturnType<typeof compileFlow>
