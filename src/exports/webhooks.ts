/**
 * `nccoflow/webhooks`: the payloads Vonage sends, on their own (no server, no runtime). A schema and type per payload
 * as received and once normalised, guards, `parseWebhook(kind, body)`, `parseEvent(body)` and `classifyWebhook(body)`.
 * @example
 * import { parseWebhook } from 'nccoflow/webhooks'
 * const result = parseWebhook('input', body)
 * if (result.ok) console.log(result.value.dtmf?.digits)
 */
export {
  AnswerWebhookSchema, NormalizedAnswerSchema, endpointTypes, isAnswerWebhook, normalizeAnswer,
  type AnswerWebhook, type NormalizedAnswer,
} from '../webhooks/answer.js'
export {
  CallEventWebhookSchema, CallStatusWebhookSchema, NormalizedCallEventSchema, NormalizedCallStatusSchema, NormalizedTranscribedSchema,
  TranscribedWebhookSchema, callStatusDetails, callStatuses, isCallEventWebhook, isTranscribed, normalizeCallEvent,
  type CallEventWebhook, type CallStatus, type CallStatusWebhook, type NormalizedCallEvent, type NormalizedCallStatus,
  type NormalizedTranscribed, type TranscribedWebhook,
} from '../webhooks/call-event.js'
export {
  DtmfDigitsSchema, DtmfResultSchema, InputWebhookSchema, NormalizedDtmfSchema, NormalizedInputSchema, NormalizedSpeechResultSchema,
  NormalizedSpeechSchema, SpeechResultSchema, SpeechSchema, isInputWebhook, normalizeInput, speechTimeoutReasons,
  type InputWebhook, type NormalizedDtmf, type NormalizedInput, type NormalizedSpeech,
} from '../webhooks/input.js'
export { NormalizedRecordSchema, RecordWebhookSchema, isRecordWebhook, normalizeRecord, type NormalizedRecord, type RecordWebhook } from '../webhooks/record.js'
export { NormalizedNotifySchema, NotifyWebhookSchema, isNotifyWebhook, normalizeNotify, type NormalizedNotify, type NotifyWebhook } from '../webhooks/notify.js'
export {
  NormalizedTransferSchema, TransferWebhookSchema, isTransferWebhook, normalizeTransfer, type NormalizedTransfer, type TransferWebhook,
} from '../webhooks/transfer.js'
export { ErrorWebhookSchema, NormalizedErrorSchema, isErrorWebhook, normalizeError, type ErrorWebhook, type NormalizedError } from '../webhooks/error.js'
export {
  FallbackWebhookSchema, NormalizedFallbackSchema, OriginalRequestSchema, fallbackOriginalPayload, fallbackReasons, isFallbackWebhook,
  normalizeFallback, type FallbackWebhook, type NormalizedFallback,
} from '../webhooks/fallback.js'
export {
  NormalizedPaymentSchema, PaymentWebhookSchema, isPaymentWebhook, normalizePayment, paymentStatuses,
  type NormalizedPayment, type PaymentStatus, type PaymentWebhook,
} from '../webhooks/payment.js'
export {
  connectFailureStatuses, isConnectFailure, isTerminalStatus, terminalStatuses, type ConnectFailureStatus, type TerminalStatus,
} from '../webhooks/statuses.js'
export { classifyWebhook, type EventKind, type WebhookKind } from '../webhooks/classify.js'
export {
  decodeWebhook, parseEvent, parseWebhook, webhookSchemas,
  type EventResult, type NormalizedWebhooks, type PayloadKind, type WebhookResult,
} from '../webhooks/parse.js'
export { WebhookIssueSchema, type WebhookIssue } from '../webhooks/check.js'
