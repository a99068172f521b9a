import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction } from '../define.js'

// schema

/** The `wait` action: pauses the NCCO. */
export const WaitSchema = Type.Object(
  {
    action: Type.Literal('wait'),
    // Node SDK documents 0.1-7200 s, .NET 2-60 s; the wider range is accepted.
    timeout: Type.Optional(Type.Number({ minimum: 0.1, maximum: 7200, description: 'seconds; default 10' })),
  },
  { additionalProperties: false },
)

// type

/** A `wait` action as sent to Vonage. */
export type WaitAction = Static<typeof WaitSchema>
/** Options of {@link wait}. */
export type WaitOptions = Omit<WaitAction, 'action'>

// factory

/**
 * Builds a `wait` action.
 * @example wait({ timeout: 5 })
 */
export function wait(options?: WaitOptions): WaitAction {
  return buildAction(waitDefinition, {}, options)
}

// guard

/** Tells whether an action is a `wait`. */
export function isWait(value: unknown): value is WaitAction {
  return (value as { action?: unknown } | null)?.action === 'wait'
}

// definition (callback fields and rules)

/** How nccoflow handles `wait`: no callbacks. */
export const waitDefinition = defineAction({ name: 'wait', schema: WaitSchema, urls: [] })
