/**
 * `nccoflow/testing`: the call simulator. `simulateCall(app)` plays Vonage against a server built in a test (it
 * loads no test runner and no server of its own).
 * @example
 * import { simulateCall } from 'nccoflow/testing'
 * const call = simulateCall(app)
 * await call.answer()
 * await call.press('2')
 */
export {
  simulateCall, type ConnectFailure, type SimulateOptions, type SimulatedCall, type SimulatedRequest, type SimulatorApp,
  type WebhookMethod,
} from '../testing/simulate.js'
export type { SpeechAlternative, WebhookBody } from '../testing/payloads.js'
