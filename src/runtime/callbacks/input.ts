import { chooseBranch } from '../../dsl/match.js'
import { resolve } from '../../dsl/render.js'
import type { MachineContext } from '../machine.js'
import { toInputResult } from '../input-result.js'
import { stepArgs } from '../render.js'
import { moving, rendered, type CallbackKind } from './context.js'

/** The input callback: branch on the caller's digits or speech (remembering what matched) and answer the next step's NCCO. */
export const inputCallback: CallbackKind = {
  returnsNcco: true,
  async handle(c) {
    const moves = await moving(c, 'input')
    if ('answer' in moves) return moves.answer
    const { seen } = moves
    const input = toInputResult(c.payload)
    const { compiled, definition } = c.flow
    let snapshot = compiled.advance(compiled.restore(c.record.state), { type: 'input.received', input })
    const branch = c.step.branches[chooseBranch(c.step.branches, input)]
    if (branch?.update !== undefined) {
      const patch = resolve(branch.update, stepArgs(definition, c.record.call, snapshot.context as MachineContext, c.step.name, c.log))
      snapshot = compiled.advance(snapshot, { type: 'context.patch', patch })
    }
    c.log.debug({ digits: input.digits, speech: input.speech[0]?.text, to: String(snapshot.value) }, 'input')
    return rendered(c, snapshot, seen)
  },
}
