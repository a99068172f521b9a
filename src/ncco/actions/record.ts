import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction, eventUrlField } from '../define.js'
import { issue } from '../issues.js'
import { EventMethodSchema, UrlList, type Loose } from '../url.js'
import { LanguageSchema } from './common.js'

// schema

/** Transcription settings of a `record` or `conversation` (Vonage developer preview). */
export const TranscriptionSchema = Type.Object(
  {
    language: Type.Optional(LanguageSchema),
    eventUrl: Type.Optional(UrlList()),
    eventMethod: Type.Optional(EventMethodSchema),
    sentimentAnalysis: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

/** The `record` action: records the call and posts the recording's URL to `eventUrl`. */
export const RecordSchema = Type.Object(
  {
    action: Type.Literal('record'),
    format: Type.Optional(Type.Union([Type.Literal('mp3'), Type.Literal('wav'), Type.Literal('ogg')])),
    split: Type.Optional(Type.Literal('conversation')),
    channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 32 })),
    endOnSilence: Type.Optional(Type.Integer({ minimum: 3, maximum: 10 })),
    endOnKey: Type.Optional(Type.String({ pattern: '^[0-9*#]$', description: 'one key: 0-9, * or #' })),
    timeOut: Type.Optional(Type.Integer({ minimum: 3, maximum: 7200 })),
    beepStart: Type.Optional(Type.Boolean()),
    eventUrl: Type.Optional(UrlList()),
    eventMethod: Type.Optional(EventMethodSchema),
    transcription: Type.Optional(TranscriptionSchema),
  },
  { additionalProperties: false },
)

// type

/** A `record` action as sent to Vonage. */
export type RecordAction = Static<typeof RecordSchema>
/** Transcription settings. */
export type TranscriptionSettings = Static<typeof TranscriptionSchema>
/** Options of {@link record}. */
export type RecordOptions = Loose<Omit<RecordAction, 'action'>>

// factory

/**
 * Builds a `record` action.
 * @example record({ beepStart: true, endOnKey: '#', eventUrl: 'https://example.com/recording' })
 */
export function record(options?: RecordOptions): RecordAction {
  return buildAction(recordDefinition, {}, options)
}

// guard

/** Tells whether an action is a `record`. */
export function isRecord(value: unknown): value is RecordAction {
  return (value as { action?: unknown } | null)?.action === 'record'
}

// definition (callback fields and rules)

/** How nccoflow handles `record`: recording and transcription callbacks whose bodies Vonage ignores; `channels` needs `split`. */
export const recordDefinition = defineAction({
  name: 'record',
  schema: RecordSchema,
  urls: [
    eventUrlField('record', 'record'),
    { path: ['transcription', 'eventUrl'], role: 'callback', segment: 'record-transcription', payload: 'call_event', returnsNcco: () => false },
  ],
  rules: (action) =>
    action.channels !== undefined && action.split === undefined
      ? [issue('conflict', ['channels'], 'record channels needs split: "conversation"')]
      : [],
})
