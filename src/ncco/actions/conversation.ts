import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction, eventUrlField } from '../define.js'
import { issue, type NccoIssue } from '../issues.js'
import { EventMethodSchema, UrlList, UrlString, type Loose } from '../url.js'
import { LegListSchema, NonEmpty } from './common.js'
import { TranscriptionSchema } from './record.js'

// schema

/** The `conversation` action: joins the call to a named conversation (a conference). */
export const ConversationSchema = Type.Object(
  {
    action: Type.Literal('conversation'),
    name: NonEmpty,
    // Vonage's 2021 JSON Schema has a bare string here; the docs and SDKs an array of one: both are accepted.
    musicOnHoldUrl: Type.Optional(Type.Union([UrlList(), UrlString('http')], { nccoUrl: 'list' })),
    startOnEnter: Type.Optional(Type.Boolean()),
    endOnExit: Type.Optional(Type.Boolean()),
    record: Type.Optional(Type.Boolean()),
    eventUrl: Type.Optional(UrlList()),
    eventMethod: Type.Optional(EventMethodSchema),
    canSpeak: Type.Optional(LegListSchema),
    canHear: Type.Optional(LegListSchema),
    mute: Type.Optional(Type.Boolean()),
    transcription: Type.Optional(TranscriptionSchema),
  },
  { additionalProperties: false },
)

// type

/** A `conversation` action as sent to Vonage. */
export type ConversationAction = Static<typeof ConversationSchema>
/** Options of {@link conversation}. */
export type ConversationOptions = Loose<Omit<ConversationAction, 'action' | 'name'>>

// factory

/**
 * Builds a `conversation` action; `musicOnHoldUrl` is emitted as an array of one URL.
 * @example conversation('support-room', { startOnEnter: false, musicOnHoldUrl: 'https://example.com/moh.mp3' })
 */
export function conversation(name: string, options?: ConversationOptions): ConversationAction {
  return buildAction(conversationDefinition, { name }, options)
}

// guard

/** Tells whether an action is a `conversation`. */
export function isConversation(value: unknown): value is ConversationAction {
  return (value as { action?: unknown } | null)?.action === 'conversation'
}

// definition (callback fields and rules)

/**
 * Rules shared by actions with `mute` and `canSpeak` (conversation, transfer): `mute: true` cannot be used with
 * `canSpeak`, which says who hears the leg; `mute: false` says nothing and goes with anything.
 */
export function muteRule(action: { mute?: boolean; canSpeak?: readonly string[] }): NccoIssue[] {
  return action.mute === true && action.canSpeak !== undefined
    ? [issue('conflict', ['mute'], 'mute: true cannot be used together with canSpeak: list who hears the leg in canSpeak ([] for nobody) or mute it, not both')]
    : []
}

/** How nccoflow handles `conversation`: a recording callback whose body Vonage ignores; terminal; `mute: true` not with `canSpeak`. */
export const conversationDefinition = defineAction({
  name: 'conversation',
  schema: ConversationSchema,
  urls: [
    eventUrlField('conversation', 'record'),
    { path: ['musicOnHoldUrl'], role: 'media', segment: 'music-on-hold', returnsNcco: () => false },
    { path: ['transcription', 'eventUrl'], role: 'callback', segment: 'conversation-transcription', payload: 'call_event', returnsNcco: () => false },
  ],
  terminal: true,
  rules: (action) => [
    ...muteRule(action),
    ...(action.transcription !== undefined && action.record !== true
      ? [issue('conflict', ['transcription'], 'conversation transcription needs record: true')]
      : []),
  ],
})
