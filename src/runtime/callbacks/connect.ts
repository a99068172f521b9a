import { isConnectFailure } from '../../webhooks/index.js'
import { duplicateAnswer, rendered, sight, staleAnswer, type CallbackKind } from './context.js'

/** A synchronous connect's leg event: on a failure status go to `onFailure`; otherwise carry on (`[]`). */
export const connectCallback: CallbackKind = {
  returnsNcco: true,
  async handle(c) {
    const status = String(c.payload.status)
    const seen = sight(c, `connect:${status}`)
    // A duplicate gets what the first got: the NCCO it produced, or `[]` (a status that carries on, or a late one).
    if (seen.duplicate) return duplicateAnswer(c, seen, async () => [])
    if (await staleAnswer(c) !== undefined || !isConnectFailure(status) || c.step.onFailure === undefined) {
      return { response: [], record: { ...c.record, history: seen.history, updatedAt: Date.now() } }
    }
    const snapshot = c.flow.compiled.advance(c.flow.compiled.restore(c.record.state), { type: 'connect.failed', status })
    c.log.debug({ status, to: String(snapshot.value) }, 'connect failed')
    return rendered(c, snapshot, seen)
  },
}
