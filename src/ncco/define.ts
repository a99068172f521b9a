import type { Static, TSchema } from '@sinclair/typebox'
import type { NccoIssue } from './issues.js'

/** A field of an action that holds a URL Vonage calls or fetches, declared by the action's module. */
export interface UrlField {
  /** Where the field sits inside the action, e.g. `['transcription', 'eventUrl']`. */
  readonly path: readonly string[]
  /** `callback`: Vonage sends a webhook there; `media`: Vonage fetches audio from it. */
  readonly role: 'callback' | 'media'
  /** Name of the route segment a server gives this callback, e.g. `input` or `record-transcription`. */
  readonly segment: string
  /** Whether Vonage uses the response body of this callback as an NCCO, for this action. */
  readonly returnsNcco: (action: Record<string, unknown>) => boolean
  /** The kind of webhook payload Vonage sends to this callback (a `parseWebhook` kind: `input`, `record`, ...). */
  readonly payload?: string
}

/** Everything shared code needs to know about one NCCO action; no code elsewhere switches on the name. */
export interface ActionDefinition<S extends TSchema = TSchema> {
  readonly name: string
  readonly schema: S
  /** URL fields (array-of-one URLs, plus media URLs), walked by the builder, validator and server. */
  readonly urls: readonly UrlField[]
  /** A prompt that may set `bargeIn` (talk, stream). */
  readonly prompt?: boolean
  /** Collects caller input; a `bargeIn` prompt must reach one (input). */
  readonly collectsInput?: boolean
  /** The call never returns from it, so later actions never run (conversation, transfer). */
  readonly terminal?: boolean
  /**
   * Vonage goes on with the next action once it ends, even when it awaited a callback (a connect whose other leg hangs
   * up): a server that wants to be told then puts a `notify` after it.
   */
  readonly resumes?: boolean
  /**
   * Rules across the action's own fields; paths are relative to the action. They also run on actions that failed
   * the schema (so one pass reports every problem), so they must read fields defensively.
   */
  rules?(action: Static<S>): NccoIssue[]
}

/** Declares an action; a typed identity function that keeps the schema's static type. */
export function defineAction<S extends TSchema>(definition: ActionDefinition<S>): ActionDefinition<S> {
  return Object.freeze(definition)
}

/** Declares the usual `eventUrl` callback of an action: its route segment, the payload it receives, and whether its answer is an NCCO. */
export function eventUrlField(segment: string, payload: string, returnsNcco: boolean | ((action: Record<string, unknown>) => boolean) = false): UrlField {
  return {
    path: ['eventUrl'],
    role: 'callback',
    segment,
    payload,
    returnsNcco: typeof returnsNcco === 'function' ? returnsNcco : () => returnsNcco,
  }
}

/** Copies plain data exactly, leaving out only `undefined` values (`0`, `false`, `''` and `null` survive). */
export function copyDefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => copyDefined(item)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = copyDefined(item)
    }
    return out as T
  }
  return value
}

/** Freezes plain data all the way down. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}

/** Builds an action object from its name, required fields and options: copies exactly, wraps string URL lists into arrays of one, freezes. */
export function buildAction<A>(definition: ActionDefinition, fields: Record<string, unknown>, options: object | undefined): A {
  const action = copyDefined({ action: definition.name, ...fields, ...(options ?? {}) }) as Record<string, unknown>
  for (const field of definition.urls) wrapUrl(action, field.path)
  return deepFreeze(action) as A
}

function wrapUrl(target: Record<string, unknown>, path: readonly string[]): void {
  const [head, ...rest] = path
  if (head === undefined || !(head in target)) return
  const value = target[head]
  if (rest.length > 0) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) wrapUrl(value as Record<string, unknown>, rest)
    return
  }
  if (typeof value === 'string') target[head] = [value]
}
