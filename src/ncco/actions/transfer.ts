import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction } from '../define.js'
import { issue, type NccoIssue } from '../issues.js'
import { LegListSchema, NonEmpty } from './common.js'
import { muteRule } from './conversation.js'

// schema

/** The `transfer` action: moves every leg of the call into another conversation. */
export const TransferSchema = Type.Object(
  {
    action: Type.Literal('transfer'),
    conversationId: Type.Optional(NonEmpty),
    // The Ruby SDK sends the snake-case key; validation accepts it, the builder emits conversationId.
    conversation_id: Type.Optional(NonEmpty),
    canHear: Type.Optional(LegListSchema),
    canSpeak: Type.Optional(LegListSchema),
    mute: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

// type

/** A `transfer` action as sent to Vonage. */
export type TransferAction = Static<typeof TransferSchema>
/** Options of {@link transfer}. */
export type TransferOptions = Omit<TransferAction, 'action' | 'conversationId' | 'conversation_id'>

// factory

/**
 * Builds a `transfer` action to the conversation with the given id.
 * @example transfer('CON-d4b4b3b0-0000-4000-8000-000000000000', { mute: true })
 */
export function transfer(conversationId: string, options?: TransferOptions): TransferAction {
  return buildAction(transferDefinition, { conversationId }, options)
}

// guard

/** Tells whether an action is a `transfer`. */
export function isTransfer(value: unknown): value is TransferAction {
  return (value as { action?: unknown } | null)?.action === 'transfer'
}

// definition (callback fields and rules)

function rules(action: TransferAction): NccoIssue[] {
  const issues = muteRule(action)
  if (action.conversationId === undefined && action.conversation_id === undefined) {
    issues.push(issue('missing_field', ['conversationId'], 'transfer needs conversationId, the conversation to move the call into'))
  } else if (action.conversationId !== undefined && action.conversation_id !== undefined) {
    issues.push(issue('conflict', ['conversation_id'], 'give the target once: conversationId and conversation_id are the same option'))
  }
  return issues
}

/** How nccoflow handles `transfer`: no callbacks; terminal for the current NCCO. */
export const transferDefinition = defineAction({ name: 'transfer', schema: TransferSchema, urls: [], terminal: true, rules })
