import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction } from '../define.js'
import { issue } from '../issues.js'
import type { Loose } from '../url.js'
import { LanguageSchema, LevelSchema, LoopSchema } from './common.js'

// schema

/** The `talk` action: text-to-speech played to the call. */
export const TalkSchema = Type.Object(
  {
    action: Type.Literal('talk'),
    text: Type.String({ minLength: 1 }),
    bargeIn: Type.Optional(Type.Boolean()),
    loop: Type.Optional(LoopSchema),
    level: Type.Optional(LevelSchema),
    language: Type.Optional(LanguageSchema),
    style: Type.Optional(Type.Integer({ minimum: 0 })),
    premium: Type.Optional(Type.Boolean()),
    voiceName: Type.Optional(Type.String({ minLength: 1, description: 'deprecated: use language and style' })),
  },
  { additionalProperties: false },
)

// type

/** A `talk` action as sent to Vonage. */
export type TalkAction = Static<typeof TalkSchema>
/** Options of {@link talk}. */
export type TalkOptions = Loose<Omit<TalkAction, 'action' | 'text'>>

// factory

/**
 * Builds a `talk` action.
 * @example talk('Welcome to Acme', { bargeIn: true, language: 'en-GB' })
 */
export function talk(text: string, options?: TalkOptions): TalkAction {
  return buildAction(talkDefinition, { text }, options)
}

// guard

/** Tells whether an action is a `talk`. */
export function isTalk(value: unknown): value is TalkAction {
  return (value as { action?: unknown } | null)?.action === 'talk'
}

// definition (callback fields and rules)

const MAX_TEXT = 1500

/** How nccoflow handles `talk`: no callbacks; a prompt that may barge in; text at most 1500 characters besides SSML tags. */
export const talkDefinition = defineAction({
  name: 'talk',
  schema: TalkSchema,
  urls: [],
  prompt: true,
  rules: (action) => {
    if (typeof action.text !== 'string') return []
    const spoken = action.text.replace(/<[^>]*>/g, '')
    return spoken.length > MAX_TEXT
      ? [issue('out_of_range', ['text'], `talk text must be at most ${MAX_TEXT} characters besides SSML tags (got ${spoken.length})`)]
      : []
  },
})
