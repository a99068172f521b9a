// DESIGN.md §6 rule 4: an error in user code, an invalid NCCO or an exhausted time budget never becomes a 500 on an
// NCCO-returning route: the caller hears the flow's fallback, and the error is logged with the call's uuid, flow and step.
import t, { type Test } from 'tap'
import type { StepBuilder } from '../../src/dsl/step.js'
import type { FlowDefinition } from '../../src/dsl/types.js'
import { flow, type FlowDefinitionError } from '../../src/dsl/flow.js'
import { buildServer } from '../../src/server/index.js'
import { talk } from '../../src/ncco/index.js'
import type { TestServer } from './fixtures/app.js'
import { at, conv, level, testServer, validNcco } from './fixtures/app.js'

type Ctx = { ok: boolean; text: string }
type Breaker = (s: StepBuilder<Ctx, string>) => StepBuilder<Ctx, string>

const DEFAULT_FALLBACK = 'Sorry, something went wrong on our side. Please call again later. Goodbye.'

/** Ways a step can fail at runtime, each with the error the log must show. */
const cases: { name: string; code?: RegExp; message: RegExp; budgetMs?: number; goesToEnd?: boolean; breaks: Breaker }[] = [
  {
    name: 'update-throws',
    message: /update exploded/,
    breaks: (s) => s.update(() => {
      throw new Error('update exploded')
    }).talk('never'),
  },
  {
    name: 'do-rejects',
    message: /lookup failed/,
    breaks: (s) => s.do(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      throw new Error('lookup failed')
    }).talk('never'),
  },
  {
    name: 'do-throws-sync',
    message: /sync boom/,
    breaks: (s) => s.do(() => {
      throw new Error('sync boom')
    }).talk('never'),
  },
  {
    name: 'bad-goto',
    code: /NCCOFLOW_ERR_RUNTIME_BAD_TARGET/,
    message: /went to "nowhere"/,
    goesToEnd: true,
    // TypeScript refuses a target that is not listed; a flow in JavaScript can still return one.
    breaks: (s) => s.talk('Moving on.').goto(({ context }) => (context.ok ? 'end' : 'nowhere') as 'end', ['end']),
  },
  {
    name: 'empty-talk',
    code: /NCCOFLOW_ERR_NCCO_INVALID/,
    message: /text/,
    breaks: (s) => s.talk(({ context }) => context.text),
  },
  {
    name: 'dynamic-options-throw',
    message: /options exploded/,
    breaks: (s) => s.talk('Hi', () => {
      throw new Error('options exploded')
    }),
  },
  {
    name: 'slow-do',
    code: /NCCOFLOW_ERR_RUNTIME_BUDGET/,
    message: /50 ms budget/,
    budgetMs: 50,
    breaks: (s) => s.do(async () => {
      await new Promise((resolve) => setTimeout(resolve, 500))
      return { ok: true }
    }).talk('too late'),
  },
]

/** Two flows per case: one that fails on its first step (answer), one that fails on the step after an input. */
function flowsFor(c: (typeof cases)[number], fallback: string | undefined) {
  const options = { context: { ok: false, text: '' }, ...(fallback === undefined ? {} : { fallback }), ...(c.budgetMs === undefined ? {} : { budgetMs: c.budgetMs }) }
  const end: Record<string, Breaker> = c.goesToEnd === true ? { end: (s) => s.talk('End.') } : {}
  const onAnswer = flow<Ctx>(`${c.name}-a`, options).steps({ start: c.breaks, ...end })
  const onInput = flow<Ctx>(`${c.name}-i`, options).steps({
    ask: (s) => s.talk('Press a key.', { bargeIn: true }).input({ type: ['dtmf'] }).otherwise('broken'),
    broken: c.breaks,
    ...end,
  })
  return [onAnswer, onInput]
}

function loggedError(t: Test, server: TestServer, uuid: string, flowName: string, step: string, c: (typeof cases)[number]) {
  const line = server.at(level.error).find((l) => l.uuid === uuid)
  t.ok(line, `an error is logged for ${uuid}`)
  t.equal(line?.flow, flowName, 'with the flow')
  t.equal(line?.step, step, 'with the step')
  t.match(line?.err?.message, c.message, 'with the error')
  if (c.code !== undefined) t.match(line?.err?.code, c.code, 'with its code')
}

for (const fallback of [undefined, 'We are sorry, please try again later.']) {
  t.test(fallback === undefined ? 'the default fallback' : 'the flow\'s fallback text', async (t) => {
    const server = await testServer(t, { flows: cases.flatMap((c) => flowsFor(c, fallback)), logLevel: 'error' })
    const expected = [talk(fallback ?? DEFAULT_FALLBACK)]
    for (const c of cases) {
      await t.test(c.name, async (t) => {
        const uuid = `${c.name}-${fallback === undefined ? 'd' : 'f'}`
        const answered = await server.answer(uuid, { url: `/flows/${c.name}-a/answer` })
        t.strictSame(validNcco(t, answered), expected, 'answer: 200 with the fallback')
        loggedError(t, server, uuid, `${c.name}-a`, 'start', c)
        t.equal(await server.record(uuid), undefined, 'no call stored from a failed answer')

        const uuid2 = `${uuid}-2`
        await server.answer(uuid2, { url: `/flows/${c.name}-i/answer` })
        const version = await server.version(uuid2)
        const input = await server.input(`${c.name}-i`, 'ask', uuid2, '1')
        t.strictSame(validNcco(t, input), expected, 'input: 200 with the fallback')
        loggedError(t, server, uuid2, `${c.name}-i`, 'ask', c)
        t.equal(await server.version(uuid2), version, 'the failed input wrote nothing')
      })
    }
  })
}

t.test('a flow whose fallback is a whole NCCO gets that NCCO', async (t) => {
  const fallback = [talk('One moment.'), talk('Goodbye.', { level: 0.5 })]
  const broken = flow('nccofallback', { fallback }).steps({
    start: (s) => s.update(() => {
      throw new Error('nope')
    }).talk('never'),
  })
  const server = await testServer(t, { flows: [broken], logLevel: 'error' })
  t.strictSame(validNcco(t, await server.answer('nf1')), fallback)
  t.strictSame(validNcco(t, await server.answer('nf2', { url: '/flows/nccofallback/answer' })), fallback)
})

t.test('notify and connect routes fail the same way', async (t) => {
  const broken = flow('other', { fallback: 'Apologies.' }).steps({
    start: (s) => s.talk('Press.', { bargeIn: true }).input({ type: ['dtmf'] }).on({ dtmf: '1' }, 'dial').otherwise('wait'),
    wait: (s) => s.notify({ x: 1 }).goto('boom'),
    dial: (s) => s.connect({ type: 'phone', number: '447700900001' }, { eventType: 'synchronous' }).onFailure('boom'),
    boom: (s) => s.update(() => {
      throw new Error('kaboom')
    }).talk('never'),
  })
  const server = await testServer(t, { flows: [broken], logLevel: 'error' })
  await server.answer('o1')
  await server.input('other', 'start', 'o1', '9')
  const notify = await server.post('/flows/other/wait/notify', { payload: { x: 1 }, conversation_uuid: conv('o1'), timestamp: at(1) })
  t.strictSame(validNcco(t, notify), [talk('Apologies.')])
  await server.answer('o2')
  await server.input('other', 'start', 'o2', '1')
  const connect = await server.post('/flows/other/dial/connect', { uuid: 'leg', conversation_uuid: conv('o2'), status: 'failed', timestamp: at(1) })
  t.strictSame(validNcco(t, connect), [talk('Apologies.')])
  t.same(server.at(level.error).map((l) => [l.uuid, l.step]), [['o1', 'wait'], ['o2', 'dial']])
})

t.test('a store that fails gives the fallback on NCCO routes and a 500 elsewhere', async (t) => {
  const menu = flow('menu', { fallback: 'Store down.' }).steps({
    start: (s) => s.talk('Press.', { bargeIn: true }).input({ type: ['dtmf'] }).otherwise('start'),
  })
  const server = await testServer(t, { flows: [menu], logLevel: 'error' })
  await server.answer('s1')
  const fail = async () => {
    throw new Error('store is down')
  }
  server.store.get = fail
  server.store.resolveAlias = fail
  t.strictSame(validNcco(t, await server.answer('s2')), [talk('Store down.')])
  t.strictSame(validNcco(t, await server.input('menu', 'start', 's1', '1')), [talk('Store down.')])
  t.strictSame(validNcco(t, await server.post('/fallback', { uuid: 's1', reason: 'Socket timeout.' })), [talk('Store down.')])
  t.equal((await server.status('s1', 'answered', at(1))).statusCode, 500, 'an event may fail: Vonage retries it')
  t.ok(server.at(level.error).some((l) => l.err?.message === 'store is down' && l.flow === 'menu'))
})

t.test('a hand-made definition with an action nccoflow does not know is refused at start, naming the step', async (t) => {
  const base = flow('handmade', { fallback: 'Handmade fallback.' }).steps({ hello: (s) => s.talk('Hello.') }).toDefinition()
  const handmade: FlowDefinition = { ...base, steps: { hello: { name: 'hello', ops: [{ kind: 'action', action: 'bogus', args: [], handlers: {} }], branches: [] } } }
  const error = await buildServer({ flows: [handmade] }).then(() => undefined, (e: unknown) => e) as FlowDefinitionError
  t.equal(error.code, 'NCCOFLOW_ERR_FLOW_INVALID')
  t.strictSame(error.problems.map((p) => [p.code, p.step]), [['invalid_action', 'hello']])
})
