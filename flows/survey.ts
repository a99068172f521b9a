/**
 * A two-question survey: a rating (one key, 1 to 5) and one spoken word, read back in the closing talk and handed to
 * `surveyHandlers.submit`. Shows context and text computed from the call.
 */
import { flow } from 'nccoflow'

/** One caller's answers. */
export interface SurveyAnswers {
  readonly caller?: string
  readonly rating: number
  readonly word: string
}

/** Where finished surveys go; replace `submit` to store them (tests do). */
export const surveyHandlers = {
  submit: async (answers: SurveyAnswers, log: { info(obj: object, msg?: string): void }): Promise<void> => {
    log.info({ answers }, 'survey answered')
  },
}

export default flow('survey', { context: { rating: 0, word: '' } }).steps({
  rating: (s) => s
    .talk('Thanks for taking our survey. On a scale of 1 to 5, how did we do? Press a key.', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1, timeOut: 5 } })
    .on({ dtmf: /^[1-5]$/ }, 'word', { update: ({ call }) => ({ rating: Number(call.input?.digits) }) })
    .otherwise('rating-again'),
  'rating-again': (s) => s
    .talk('Please press a key from 1 to 5.')
    .goto('rating'),
  word: (s) => s
    .talk(({ context }) => `You gave us ${context.rating}. In one word, how would you describe us?`)
    .input({ type: ['speech'], speech: { maxDuration: 5, endOnSilence: 1 } })
    .otherwise('thanks'),
  thanks: (s) => s
    .update(({ call }) => ({ word: call.input?.speech[0]?.text ?? '' }))
    .do(async ({ call, context, log }) => surveyHandlers.submit({ caller: call.from, rating: context.rating, word: context.word }, log))
    .talk(({ context }) => (context.word === ''
      ? `You rated us ${context.rating} out of 5. Thank you, goodbye.`
      : `You rated us ${context.rating} out of 5 and called us ${context.word}. Thank you, goodbye.`)),
})
