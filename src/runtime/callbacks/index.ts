import { connectCallback } from './connect.js'
import type { CallbackKind } from './context.js'
import { effectCallback } from './effect.js'
import { inputCallback } from './input.js'
import { notifyCallback } from './notify.js'

export type { CallbackContext, CallbackKind } from './context.js'

/** How each callback route segment is answered; segments not listed run the step's handlers and answer 204. */
const callbackKinds: Readonly<Record<string, CallbackKind>> = {
  input: inputCallback,
  connect: connectCallback,
  notify: notifyCallback,
}

/** The kind of callback a route segment is. */
export function callbackKind(segment: string): CallbackKind {
  return callbackKinds[segment] ?? effectCallback
}

/** Tells whether a callback route segment answers with an NCCO. */
export function callbackReturnsNcco(segment: string): boolean {
  return callbackKind(segment).returnsNcco
}
