import {
  actionDefinitions, connect, conversation, input, notify, pay, record, stream, talk, transfer, wait, isUrlOfKind,
  type ActionDefinition, type NccoAction,
} from '../ncco/index.js'
import type { StepArgs, StepOp } from './types.js'

/** The NCCO factory of each action, by name; the DSL calls them with the author's resolved arguments. */
const factories: Readonly<Record<string, (...args: never[]) => NccoAction>> = {
  talk, stream, input, record, conversation, connect, notify, wait, transfer, pay,
}

/** Where rendered callback and media URLs point. */
export interface UrlResolver {
  /** The absolute URL of a callback route of the current step, e.g. `https://host/flows/menu/main/input`. */
  callback(segment: string): string
  /** The absolute URL that serves a local audio file given as a relative path. */
  media(path: string): string
}

/** An action op of a step. */
export type ActionOp = Extract<StepOp, { kind: 'action' }>

/** Resolves a value that may be a function of the call. */
export function resolve<T>(value: T | ((args: StepArgs<never>) => T), args: StepArgs<never>): T {
  return typeof value === 'function' ? (value as (args: StepArgs<never>) => T)(args) : value
}

/** Sets `value` at `path` in a copy of `target`, copying only the objects on the path; undefined when a parent is missing. */
function setPath(target: Record<string, unknown>, path: readonly string[], value: (current: unknown) => unknown): Record<string, unknown> | undefined {
  const [key, ...rest] = path as [string, ...string[]]
  if (rest.length === 0) {
    const next = value(target[key])
    return next === target[key] ? undefined : { ...target, [key]: next }
  }
  const child = target[key]
  if (child === null || typeof child !== 'object' || Array.isArray(child)) return undefined
  const updated = setPath(child as Record<string, unknown>, rest, value)
  return updated === undefined ? undefined : { ...target, [key]: updated }
}

/**
 * Fills the URL fields an action declares: missing callback URLs point at the step's routes (only where their parent
 * object exists, so `transcription.eventUrl` is set only with a `transcription`), and media URLs that are relative
 * paths point at nccoflow's audio route. Returns a new action (copying only what changes); the input is frozen.
 */
export function fillUrls(action: NccoAction, definition: ActionDefinition, urls: UrlResolver): NccoAction {
  let out = action as unknown as Record<string, unknown>
  for (const field of definition.urls) {
    const updated = setPath(out, field.path, (current) => {
      if (field.role === 'callback') return current === undefined ? [urls.callback(field.segment)] : current
      const first = Array.isArray(current) ? current[0] : undefined
      return typeof first === 'string' && !isUrlOfKind(first, 'http') ? [urls.media(first)] : current
    })
    if (updated !== undefined) out = updated
  }
  return out as unknown as NccoAction
}

/** Renders one action op: resolves functions of the call, builds the action with its factory and fills its URLs. */
export function renderAction(op: ActionOp, args: StepArgs<never>, urls: UrlResolver): NccoAction {
  const factory = factories[op.action] as (...args: unknown[]) => NccoAction
  const action = factory(...op.args.map((arg) => resolve(arg, args)))
  return fillUrls(action, actionDefinitions[op.action] as ActionDefinition, urls)
}

/** Tells whether an action, as rendered, waits for a callback whose response is the next NCCO (input, notify, synchronous connect). */
export function awaitsCallback(action: NccoAction): boolean {
  const definition = actionDefinitions[action.action] as ActionDefinition
  return definition.urls.some((u) => u.role === 'callback' && u.returnsNcco(action as unknown as Record<string, unknown>))
}

/** The route segment of the callback an awaiting action answers on. */
export function awaitedSegment(action: NccoAction): string | undefined {
  const definition = actionDefinitions[action.action] as ActionDefinition
  return definition.urls.find((u) => u.role === 'callback' && u.returnsNcco(action as unknown as Record<string, unknown>))?.segment
}
