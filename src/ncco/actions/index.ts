import { Type, type Static } from '@sinclair/typebox'
import type { ActionDefinition } from '../define.js'
import { ConnectSchema, connectDefinition } from './connect.js'
import { ConversationSchema, conversationDefinition } from './conversation.js'
import { InputSchema, inputDefinition } from './input.js'
import { NotifySchema, notifyDefinition } from './notify.js'
import { PaySchema, payDefinition } from './pay.js'
import { RecordSchema, recordDefinition } from './record.js'
import { StreamSchema, streamDefinition } from './stream.js'
import { TalkSchema, talkDefinition } from './talk.js'
import { TransferSchema, transferDefinition } from './transfer.js'
import { WaitSchema, waitDefinition } from './wait.js'

/** Every NCCO action nccoflow knows, by name. */
export const actionDefinitions: Readonly<Record<string, ActionDefinition>> = Object.freeze(
  Object.fromEntries(
    [
      talkDefinition,
      streamDefinition,
      inputDefinition,
      recordDefinition,
      conversationDefinition,
      connectDefinition,
      notifyDefinition,
      waitDefinition,
      transferDefinition,
      payDefinition,
    ].map((d): [string, ActionDefinition] => [d.name, d]),
  ),
)

/** Any NCCO action, told apart by `action`. */
export const NccoActionSchema = Type.Union(
  [TalkSchema, StreamSchema, InputSchema, RecordSchema, ConversationSchema, ConnectSchema, NotifySchema, WaitSchema, TransferSchema, PaySchema],
  { discriminator: 'action' },
)

/** Any NCCO action. */
export type NccoAction = Static<typeof NccoActionSchema>

/** An NCCO: the array of actions Vonage runs in order. */
export const NccoSchema = Type.Array(NccoActionSchema, { minItems: 1 })

/** An NCCO. */
export type Ncco = readonly NccoAction[]

export * from './common.js'
export * from './connect.js'
export * from './conversation.js'
export * from './endpoints.js'
export * from './input.js'
export * from './notify.js'
export * from './pay.js'
export * from './record.js'
export * from './stream.js'
export * from './talk.js'
export * from './transfer.js'
export * from './wait.js'
