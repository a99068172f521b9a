export {
  simulateCall, type ConnectFailure, type SimulateOptions, type SimulatedCall, type SimulatedRequest, type SimulatorApp,
  type WebhookMethod,
} from './simulate.js'
export type { SpeechAlternative, WebhookBody } from './payloads.js'
