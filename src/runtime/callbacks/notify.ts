import { followNext } from '../render.js'
import { handlerEffects, moving, rendered, type CallbackKind } from './context.js'

/** The notify callback: run the step's handler, then continue with its `goto` (or carry on with `[]`). */
export const notifyCallback: CallbackKind = {
  returnsNcco: true,
  async handle(c) {
    const moves = await moving(c, 'notify')
    if ('answer' in moves) return moves.answer
    const { seen } = moves
    const effects = handlerEffects(c, c.record)
    if (c.step.next === undefined) {
      return { response: [], record: { ...c.record, history: seen.history, last: { key: c.request.key, ncco: [], event: seen.id }, updatedAt: Date.now() }, effects }
    }
    const moved = followNext(c.flow, c.record.call, c.flow.compiled.restore(c.record.state), c.log)
    return { ...(await rendered(c, moved, seen)), effects }
  },
}
