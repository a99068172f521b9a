import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction } from '../define.js'
import { UrlList, type Loose } from '../url.js'
import { LevelSchema, LoopSchema } from './common.js'

// schema

/** The `stream` action: an MP3 or 16-bit WAV file played to the call. */
export const StreamSchema = Type.Object(
  {
    action: Type.Literal('stream'),
    streamUrl: UrlList(),
    level: Type.Optional(LevelSchema),
    bargeIn: Type.Optional(Type.Boolean()),
    loop: Type.Optional(LoopSchema),
  },
  { additionalProperties: false },
)

// type

/** A `stream` action as sent to Vonage. */
export type StreamAction = Static<typeof StreamSchema>
/** Options of {@link stream}. */
export type StreamOptions = Loose<Omit<StreamAction, 'action' | 'streamUrl'>>

// factory

/**
 * Builds a `stream` action; a string URL is emitted as an array of one.
 * @example stream('https://example.com/hold.mp3', { loop: 0 })
 */
export function stream(streamUrl: string | readonly string[], options?: StreamOptions): StreamAction {
  return buildAction(streamDefinition, { streamUrl }, options)
}

// guard

/** Tells whether an action is a `stream`. */
export function isStream(value: unknown): value is StreamAction {
  return (value as { action?: unknown } | null)?.action === 'stream'
}

// definition (callback fields and rules)

/** How nccoflow handles `stream`: one media URL; a prompt that may barge in. */
export const streamDefinition = defineAction({
  name: 'stream',
  schema: StreamSchema,
  urls: [{ path: ['streamUrl'], role: 'media', segment: 'audio', returnsNcco: () => false }],
  prompt: true,
})
