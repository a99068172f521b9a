import t from 'tap'
import { surveyHandlers } from '../../flows/survey.js'

t.test('by default a finished survey is logged with its answers', async (t) => {
  const logged: unknown[] = []
  await surveyHandlers.submit({ caller: '447700900123', rating: 5, word: 'great' }, { info: (obj, msg) => logged.push([obj, msg]) })
  t.strictSame(logged, [[{ answers: { caller: '447700900123', rating: 5, word: 'great' } }, 'survey answered']])
})
