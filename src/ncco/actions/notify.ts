import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction, eventUrlField } from '../define.js'
import { EventMethodSchema, UrlList, type Loose } from '../url.js'

// schema

/** The `notify` action: sends a payload to `eventUrl`; the response may replace the NCCO. */
export const NotifySchema = Type.Object(
  {
    action: Type.Literal('notify'),
    payload: Type.Record(Type.String(), Type.Unknown()),
    eventUrl: UrlList(),
    eventMethod: Type.Optional(EventMethodSchema),
  },
  { additionalProperties: false },
)

// type

/** A `notify` action as sent to Vonage. */
export type NotifyAction = Static<typeof NotifySchema>
/** Options of {@link notify}; `eventUrl` is required. */
export type NotifyOptions = Loose<Omit<NotifyAction, 'action' | 'payload'>>

// factory

/**
 * Builds a `notify` action.
 * @example notify({ step: 'paid' }, { eventUrl: 'https://example.com/notify' })
 */
export function notify(payload: Record<string, unknown>, options: NotifyOptions): NotifyAction {
  return buildAction(notifyDefinition, { payload }, options)
}

// guard

/** Tells whether an action is a `notify`. */
export function isNotify(value: unknown): value is NotifyAction {
  return (value as { action?: unknown } | null)?.action === 'notify'
}

// definition (callback fields and rules)

/** How nccoflow handles `notify`: its eventUrl answers with an NCCO, or `[]` to carry on. */
export const notifyDefinition = defineAction({
  name: 'notify',
  schema: NotifySchema,
  urls: [eventUrlField('notify', 'notify', true)],
})
