import t, { type Test } from 'tap'
import surveyFlow, { surveyHandlers, type SurveyAnswers } from '../../flows/survey.js'
import { buildServer } from '../../src/server/index.js'
import { simulateCall, type SimulatedCall } from '../../src/testing/index.js'

// Whole calls of flows/survey.ts: every NCCO compared whole, and the stored step and context after each webhook.

const base = 'https://ivr.test/flows/survey'
const ratingPrompt = [
  { action: 'talk', text: 'Thanks for taking our survey. On a scale of 1 to 5, how did we do? Press a key.', bargeIn: true },
  { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1, timeOut: 5 }, eventUrl: [`${base}/rating/input`] },
]
const wordPrompt = (rating: number) => [
  { action: 'talk', text: `You gave us ${rating}. In one word, how would you describe us?` },
  { action: 'input', type: ['speech'], speech: { maxDuration: 5, endOnSilence: 1 }, eventUrl: [`${base}/word/input`] },
]
const closing = (text: string) => [{ action: 'talk', text }]

/** A server with the survey flow, and the answers `surveyHandlers.submit` received (restored when the test ends). */
async function start(t: Test) {
  const submitted: SurveyAnswers[] = []
  const original = surveyHandlers.submit
  surveyHandlers.submit = async (answers) => {
    submitted.push(answers)
  }
  const app = await buildServer({ flows: [surveyFlow], publicUrl: 'https://ivr.test' })
  t.teardown(async () => {
    surveyHandlers.submit = original
    await app.close()
  })
  return { app, submitted }
}

function stored(call: SimulatedCall) {
  return { step: call.step, context: call.context, ended: call.ended }
}

t.test('rating 4 and the word "great": the closing talk reads both back and the answers are submitted', async (t) => {
  const { app, submitted } = await start(t)
  const call = simulateCall(app, { flow: 'survey', from: '447700900555' })
  t.strictSame(await call.answer(), ratingPrompt)
  t.strictSame(stored(call), { step: 'rating', context: { rating: 0, word: '' }, ended: false })
  t.strictSame(await call.press('4'), wordPrompt(4))
  t.strictSame(stored(call), { step: 'word', context: { rating: 4, word: '' }, ended: false })
  t.strictSame(await call.say('great'), closing('You rated us 4 out of 5 and called us great. Thank you, goodbye.'))
  t.strictSame(stored(call), { step: 'thanks', context: { rating: 4, word: 'great' }, ended: false })
  t.strictSame(submitted, [{ caller: '447700900555', rating: 4, word: 'great' }])
  await call.finish()
  t.strictSame(stored(call), { step: 'thanks', context: { rating: 4, word: 'great' }, ended: true })
  t.strictSame(submitted.length, 1, 'submitted once')
})

t.test('an invalid rating (7): "press a key from 1 to 5", then the rating prompt again', async (t) => {
  const { app, submitted } = await start(t)
  const call = simulateCall(app, { flow: 'survey' })
  await call.answer()
  t.strictSame(await call.press('7'), [{ action: 'talk', text: 'Please press a key from 1 to 5.' }, ...ratingPrompt])
  t.strictSame(stored(call), { step: 'rating', context: { rating: 0, word: '' }, ended: false })
  t.strictSame(await call.silence(), [{ action: 'talk', text: 'Please press a key from 1 to 5.' }, ...ratingPrompt], 'a timeout is no rating either')
  await t.rejects(call.say('five'), { message: `simulateCall: say() needs an input that takes speech, but the input at [2] (eventUrl ${base}/rating/input) takes dtmf` }, 'the rating takes keys only')
  t.strictSame(await call.press('5'), wordPrompt(5))
  t.strictSame(stored(call), { step: 'word', context: { rating: 5, word: '' }, ended: false })
  t.strictSame(submitted, [])
})

t.test('the speech input times out: the closing talk without the word', async (t) => {
  const { app, submitted } = await start(t)
  const call = simulateCall(app, { flow: 'survey', from: '447700900556' })
  await call.answer()
  t.strictSame(await call.press('2'), wordPrompt(2))
  t.strictSame(await call.silence(), closing('You rated us 2 out of 5. Thank you, goodbye.'))
  t.strictSame(stored(call), { step: 'thanks', context: { rating: 2, word: '' }, ended: false })
  t.strictSame(submitted, [{ caller: '447700900556', rating: 2, word: '' }])
  await call.hangup()
  t.strictSame(stored(call), { step: 'thanks', context: { rating: 2, word: '' }, ended: true })
})

t.test('a retried speech input submits once and reads the same closing talk', async (t) => {
  const { app, submitted } = await start(t)
  const call = simulateCall(app, { flow: 'survey' })
  await call.answer()
  await call.press('3')
  const first = await call.say([{ text: 'friendly', confidence: 0.93 }, { text: 'friend lee', confidence: 0.41 }])
  t.strictSame(first, closing('You rated us 3 out of 5 and called us friendly. Thank you, goodbye.'))
  t.strictSame(await call.retry(), first)
  t.strictSame(submitted, [{ caller: '447700900123', rating: 3, word: 'friendly' }])
})
