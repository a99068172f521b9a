// GET /_nccoflow/api/flows and a step's NCCO preview: what the dashboard's Flows page shows.
import t from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import survey from '../../flows/survey.js'
import { flowToMermaid } from '../../src/dsl/graph.js'
import { buildServer } from '../../src/server/build.js'

const TOKEN = 'admin-token-for-tests-0123456789'
const headers = { authorization: `Bearer ${TOKEN}` }
const problems = [{ file: 'flows/broken.ts', message: 'SyntaxError: Unexpected token' }]

t.test('flows: each flow with its steps, diagram and routes, and the files that failed to load', async (t) => {
  const app = await buildServer({ flows: [ivrMenu, survey], publicUrl: 'https://ivr.test', defaultFlow: 'ivr-menu', admin: { token: TOKEN, problems: () => problems } })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/_nccoflow/api/flows', headers })
  t.equal(res.statusCode, 200)
  const menu = ivrMenu.toDefinition()
  const quiz = survey.toDefinition()
  t.strictSame(res.json(), {
    flows: [
      {
        name: 'ivr-menu', version: menu.version, initial: 'menu', steps: ['menu', 'sorry', 'retry', 'sales', 'voicemail', 'goodbye'], mermaid: flowToMermaid(menu),
        routes: [
          { methods: ['GET', 'POST'], url: '/flows/ivr-menu/answer', kind: 'answer', flow: 'ivr-menu', step: 'menu' },
          { methods: ['GET', 'POST'], url: '/flows/ivr-menu/menu/input', kind: 'input', flow: 'ivr-menu', step: 'menu' },
          { methods: ['GET', 'POST'], url: '/flows/ivr-menu/sales/connect', kind: 'connect', flow: 'ivr-menu', step: 'sales' },
          { methods: ['GET', 'POST'], url: '/flows/ivr-menu/voicemail/record', kind: 'record', flow: 'ivr-menu', step: 'voicemail' },
          { methods: ['GET', 'POST'], url: '/flows/ivr-menu/voicemail/record-transcription', kind: 'record-transcription', flow: 'ivr-menu', step: 'voicemail' },
        ],
      },
      {
        name: 'survey', version: quiz.version, initial: quiz.initial, steps: Object.keys(quiz.steps), mermaid: flowToMermaid(quiz),
        routes: app.nccoflow.routes.filter((r) => r.flow === 'survey'),
      },
    ],
    problems,
  })
  t.ok(app.nccoflow.routes.filter((r) => r.flow === 'survey').length > 1, 'survey has routes too')
})

t.test('a step\'s NCCO for a sample call, with callback URLs under PUBLIC_URL or the request\'s host', async (t) => {
  const app = await buildServer({ flows: [ivrMenu], publicUrl: 'https://ivr.test', admin: { token: TOKEN } })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/_nccoflow/api/flows/ivr-menu/steps/menu/ncco', headers })
  t.strictSame([res.statusCode, res.json()], [200, {
    ncco: [
      { action: 'talk', text: 'Welcome to Acme. For sales, press 1 or say sales. To leave a message, press 2 or say message.', bargeIn: true },
      { action: 'input', type: ['dtmf', 'speech'], dtmf: { maxDigits: 1, timeOut: 5 }, speech: { context: ['sales', 'message'] }, eventUrl: ['https://ivr.test/flows/ivr-menu/menu/input'] },
    ],
  }])
  const noPublicUrl = await buildServer({ flows: [ivrMenu], admin: { token: TOKEN } })
  t.teardown(() => noPublicUrl.close())
  const fromHost = await noPublicUrl.inject({ url: '/_nccoflow/api/flows/ivr-menu/steps/menu/ncco', headers: { ...headers, host: 'dev.example:3000' } })
  t.strictSame(fromHost.json().ncco[1].eventUrl, ['http://dev.example:3000/flows/ivr-menu/menu/input'])

  const unknownFlow = await app.inject({ url: '/_nccoflow/api/flows/nope/steps/menu/ncco', headers })
  t.strictSame([unknownFlow.statusCode, unknownFlow.json()], [404, { statusCode: 404, code: 'NCCOFLOW_ERR_FLOW_UNKNOWN', error: 'Not Found', message: 'No flow named "nope": the flows are ivr-menu' }])
  const unknownStep = await app.inject({ url: '/_nccoflow/api/flows/ivr-menu/steps/nope/ncco', headers })
  t.strictSame([unknownStep.statusCode, unknownStep.json().code], [404, 'NCCOFLOW_ERR_FLOW_UNKNOWN_STEP'])
})

t.test('a step whose rendering fails answers 500 (the flow\'s own failure, logged), not a preview', async (t) => {
  const { flow } = await import('../../src/index.js')
  const failing = flow('failing').steps({
    start: (s) => s.talk(() => {
      throw new Error('lookup down')
    }),
  })
  const app = await buildServer({ flows: [failing], publicUrl: 'https://ivr.test', admin: { token: TOKEN } })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/_nccoflow/api/flows/failing/steps/start/ncco', headers })
  t.equal(res.statusCode, 500)
})
