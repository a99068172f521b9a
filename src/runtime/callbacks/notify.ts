import type { CallRecord } from '../call-record.js'
import { followNext } from '../render.js'
import { duplicateAnswer, handlerEffects, rendered, sight, staleAnswer, type CallbackKind } from './context.js'

/** The notify callback: run the step's handler, then continue with its `goto` (or carry on with `[]`). */
export const notifyCallback: CallbackKind = {
  returnsNcco: true,
  async handle(c) {
    const stale = staleAnswer(c)
    if (stale !== undefined) return stale
    const seen = sight(c, 'notify')
    // A notify in the history was answered (its goto's NCCO, or `[]`), and that answer was saved with it as `last`.
    if (seen.duplicate) return duplicateAnswer(c, seen, (c.record.last as NonNullable<CallRecord['last']>).ncco)
    const effects = handlerEffects(c, c.record)
    if (c.step.next === undefined) {
      return { response: [], record: { ...c.record, history: seen.history, last: { key: c.request.key, ncco: [], event: seen.id }, updatedAt: Date.now() }, effects }
    }
    const moved = followNext(c.flow, c.record.call, c.flow.compiled.restore(c.record.state), c.log)
    return { ...(await rendered(c, moved, seen)), effects }
  },
}
