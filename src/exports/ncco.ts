/**
 * `nccoflow/ncco`: the NCCO layer on its own (no server, no runtime). One schema, type, factory and guard per NCCO
 * action and `connect` endpoint, the immutable `ncco()` builder and `validateNcco`.
 * @example
 * import { ncco, phone } from 'nccoflow/ncco'
 * const doc = ncco().talk('Connecting you.').connect(phone('447700900001'), { timeout: 20 })
 * doc.validate() // []
 */
export {
  ConnectSchema, AdvancedMachineDetectionSchema, connect, isConnect, type ConnectAction, type ConnectOptions,
} from '../ncco/actions/connect.js'
export { ConversationSchema, conversation, isConversation, type ConversationAction, type ConversationOptions } from '../ncco/actions/conversation.js'
export {
  InputSchema, DtmfSettingsSchema, SpeechSettingsSchema, input, isInput, type DtmfSettings, type InputAction, type InputOptions,
  type SpeechSettings,
} from '../ncco/actions/input.js'
export { NotifySchema, isNotify, notify, type NotifyAction, type NotifyOptions } from '../ncco/actions/notify.js'
export { PaySchema, PayPromptSchema, isPay, pay, type PayAction, type PayOptions } from '../ncco/actions/pay.js'
export {
  RecordSchema, TranscriptionSchema, isRecord, record, type RecordAction, type RecordOptions, type TranscriptionSettings,
} from '../ncco/actions/record.js'
export { StreamSchema, isStream, stream, type StreamAction, type StreamOptions } from '../ncco/actions/stream.js'
export { TalkSchema, isTalk, talk, type TalkAction, type TalkOptions } from '../ncco/actions/talk.js'
export { TransferSchema, isTransfer, transfer, type TransferAction, type TransferOptions } from '../ncco/actions/transfer.js'
export { WaitSchema, isWait, wait, type WaitAction, type WaitOptions } from '../ncco/actions/wait.js'
export {
  AppEndpointSchema, EndpointSchema, PhoneEndpointSchema, SipEndpointSchema, VbcEndpointSchema, WebsocketEndpointSchema,
  app, isEndpoint, phone, sip, vbc, websocket,
  type AppEndpoint, type Endpoint, type PhoneEndpoint, type SipEndpoint, type VbcEndpoint, type WebsocketEndpoint,
} from '../ncco/actions/endpoints.js'
export { NccoActionSchema, NccoSchema, type Ncco, type NccoAction } from '../ncco/actions/index.js'
export { NccoBuilder, NccoValidationError, ncco } from '../ncco/builder.js'
export type { NccoIssue, NccoIssueCode, NccoPath } from '../ncco/issues.js'
export type { UrlInput } from '../ncco/url.js'
export { isValidNcco, validateNcco } from '../ncco/validate.js'
