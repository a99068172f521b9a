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

function getPath(target: Record<string, unknown>, path: readonly string[]): { parent: Record<string, unknown>; key: string } | undefined {
  let parent = target
  for (const key of path.slice(0, -1)) {
    const next = parent[key]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return undefined
    parent = next as Record<string, unknown>
  }
  return { parent, key: path[path.length - 1] as string }
}

/**
 * Fills the URL fields an action declares: missing callback URLs point at the step's routes (only where their parent
 * object exists, so `transcription.eventUrl` is set only with a `transcription`), and media URLs that are relative
 * paths point at nccoflow's audio route. Returns a new action; the input is frozen.
 */
export function fillUrls(action: NccoAction, definition: ActionDefinition, urls: UrlResolver): NccoAction {
  const copy = structuredClone(action) as Record<string, unknown>
  for (const field of definition.urls) {
    const at = getPath(copy, field.path)
    if (at === undefined) continue
    const value = at.parent[at.key]
    if (field.role === 'callback' && value === undefined) at.parent[at.key] = [urls.callback(field.segment)]
    if (field.role === 'media' && Array.isArray(value) && typeof value[0] === 'string' && !isUrlOfKind(value[0], 'http')) {
      at.parent[at.key] = [urls.media(value[0])]
    }
  }
  return copy as NccoAction
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
