import { handlerEffects, sight, type CallbackKind } from './context.js'

/** A callback whose body Vonage ignores (record, transcription, conversation, pay): note it and run the step's handler after saving. */
export const effectCallback: CallbackKind = {
  returnsNcco: false,
  async handle(c) {
    const seen = sight(c, c.segment)
    if (seen.duplicate) {
      c.log.debug({ segment: c.segment }, 'duplicate callback: ignored')
      return { response: undefined }
    }
    const record = { ...c.record, history: seen.history, updatedAt: Date.now() }
    return { response: undefined, record, effects: handlerEffects(c, record) }
  },
}
