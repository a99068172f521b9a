import { actionDefinitions, type NccoAction } from '../ncco/index.js'

// Where Vonage is in the NCCO it runs. Actions that finish on their own (talk, stream, wait, an asynchronous
// record) are passed without help; Vonage stops at an action that awaits a callback whose response is the next NCCO
// (input, notify, synchronous connect) and never gets past a terminal one (conversation, transfer). Which action
// does what is read from the actions' declarations, never from their names.

/** One action of the NCCO Vonage runs, or of the ones it started earlier, and where it sits. */
export interface Located {
  readonly action: NccoAction
  /** Index in the current NCCO, or undefined for an action started earlier that still reports (an async record). */
  readonly index: number | undefined
}

/** An action of the current NCCO. */
export interface InNcco extends Located {
  readonly index: number
}

/** Where Vonage is: the NCCO, the index of the first action it has not finished, and actions still reporting. */
export interface NccoCursor {
  readonly ncco: readonly NccoAction[]
  readonly at: number
  /** Actions Vonage passed that still send their callback later (an asynchronous record). */
  readonly started: readonly NccoAction[]
}

/** The outcome of looking for an action Vonage could send a callback for. */
export type Search = { readonly found: Located } | { readonly found?: undefined; readonly blockedBy?: InNcco }

/** A cursor before any NCCO. */
export const emptyCursor: NccoCursor = { ncco: [], at: 0, started: [] }

/** Tells whether Vonage waits at an action until something outside it happens (a callback answered, the call's end). */
export function waitsAt(action: NccoAction): boolean {
  const definition = actionDefinitions[action.action]
  if (definition === undefined) return false
  return definition.terminal === true || definition.urls.some((u) => u.role === 'callback' && u.returnsNcco(action as unknown as Record<string, unknown>))
}

function hasCallback(action: NccoAction): boolean {
  return actionDefinitions[action.action]?.urls.some((u) => u.role === 'callback') ?? false
}

/** The first action named `name` Vonage can reach from where it is, else one it started earlier that still reports. */
export function locate(cursor: NccoCursor, name: string): Search {
  let blockedBy: InNcco | undefined
  for (let index = cursor.at; index < cursor.ncco.length; index += 1) {
    const action = cursor.ncco[index] as NccoAction
    if (action.action === name) return { found: { action, index } }
    if (waitsAt(action)) {
      blockedBy = { action, index }
      break
    }
  }
  const started = cursor.started.find((a) => a.action === name)
  if (started !== undefined) return { found: { action: started, index: undefined } }
  return blockedBy === undefined ? {} : { blockedBy }
}

/** The first action from the cursor at which Vonage waits, if any. */
export function firstWait(cursor: NccoCursor): InNcco | undefined {
  for (let index = cursor.at; index < cursor.ncco.length; index += 1) {
    const action = cursor.ncco[index] as NccoAction
    if (waitsAt(action)) return { action, index }
  }
  return undefined
}

/** Moves Vonage to `index`: the actions it passes on the way that still report are kept as started. */
export function passTo(cursor: NccoCursor, index: number): NccoCursor {
  const passed = cursor.ncco.slice(cursor.at, index).filter(hasCallback)
  return { ...cursor, at: Math.max(cursor.at, index), started: [...cursor.started, ...passed] }
}

/** Moves Vonage past the action at `index`, which has done its work (its callback was sent). */
export function passAfter(cursor: NccoCursor, index: number): NccoCursor {
  return { ...passTo(cursor, index), at: index + 1 }
}

/** Forgets an action started earlier once it has reported. */
export function reported(cursor: NccoCursor, action: NccoAction): NccoCursor {
  return { ...cursor, started: cursor.started.filter((a) => a !== action) }
}

/** A new NCCO replaces the rest of the current one; Vonage starts at its first action. */
export function replace(cursor: NccoCursor, ncco: readonly NccoAction[]): NccoCursor {
  return { ...cursor, ncco, at: 0 }
}

/** Describes an action for error messages, e.g. `input at [1] (eventUrl https://host/flows/menu/main/input)`. */
export function describe(located: Located): string {
  const where = located.index === undefined ? 'started earlier' : `at [${located.index}]`
  const url = (located.action as { eventUrl?: readonly string[] }).eventUrl?.[0]
  return `${located.action.action} ${where}${url === undefined ? '' : ` (eventUrl ${url})`}`
}

/** Where an action sends its callback, as its declaration says: URL and method, and whether Vonage uses the response. */
export interface Callback {
  /** The absolute URL, or undefined when the action has none (Vonage then uses the application's event URL). */
  readonly url: string | undefined
  readonly method: 'GET' | 'POST' | undefined
  readonly returnsNcco: boolean
}

/** Reads an action's callback (the one its module declares at the top level) from the action as rendered. */
export function callbackOf(action: NccoAction): Callback {
  const raw = action as unknown as Record<string, unknown>
  const field = actionDefinitions[action.action]?.urls.find((u) => u.role === 'callback' && u.path.length === 1)
  const value = field === undefined ? undefined : raw[field.path[0] as string]
  return {
    url: Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined,
    method: raw.eventMethod === 'GET' || raw.eventMethod === 'POST' ? raw.eventMethod : undefined,
    returnsNcco: field?.returnsNcco(raw) ?? false,
  }
}
