// DESIGN.md §6 rule 7: every NCCO leaving the server passes validateNcco. A flow that renders an invalid NCCO at
// runtime sends the fallback instead.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { talk, validateNcco, type NccoAction } from '../../src/ncco/index.js'
import { at, level, testServer, validNcco } from './fixtures/app.js'

type Ctx = { volume: number; digits: number; text: string }

const risky = flow<Ctx>('risky', { context: { volume: 0.5, digits: 1, text: 'Hi.' }, fallback: 'Safe fallback.' }).steps({
  menu: (s) => s
    .talk(({ context }) => context.text, ({ context }) => ({ level: context.volume, bargeIn: true }))
    .input(({ context }) => ({ type: ['dtmf'], dtmf: { maxDigits: context.digits } }))
    .on({ dtmf: '1' }, 'loud')
    .on({ dtmf: '2' }, 'many')
    .on({ dtmf: '3' }, 'silent')
    .on({ dtmf: '4' }, 'nothing')
    .otherwise('menu'),
  loud: (s) => s
    .update(() => ({ volume: 7 }))
    .talk('Too loud.', ({ context }) => ({ level: context.volume })),
  many: (s) => s
    .update(() => ({ digits: 99 }))
    .talk('Enter many digits.', { bargeIn: true })
    .input(({ context }) => ({ type: ['dtmf'], dtmf: { maxDigits: context.digits } }))
    .otherwise('menu'),
  silent: (s) => s
    .update(() => ({ text: '' }))
    .talk(({ context }) => context.text),
  nothing: (s) => s.update(() => ({ text: 'x' })),
})

const loop = flow('loop').steps({
  a: (s) => s.talk('A.').goto('b'),
  b: (s) => s.goto('a'),
})

t.test('normal responses pass validateNcco', async (t) => {
  const server = await testServer(t, { flows: [risky] })
  const answer = validNcco(t, await server.answer('v1'))
  t.same(answer[0], { action: 'talk', text: 'Hi.', level: 0.5, bargeIn: true })
  const again = validNcco(t, await server.input('risky', 'menu', 'v1', '9'))
  t.same(again, answer)
  t.same(validateNcco(again), [])
})

for (const [digit, step, message] of [['1', 'loud', /level/], ['2', 'many', /maxDigits/], ['3', 'silent', /text/], ['4', 'nothing', /at least one action/]] as const) {
  t.test(`a step that renders an invalid NCCO (${step}) sends the fallback`, async (t) => {
    const server = await testServer(t, { flows: [risky], logLevel: 'error' })
    await server.answer(step)
    const before = await server.stored(step)
    const res = await server.input('risky', 'menu', step, digit)
    t.strictSame(validNcco(t, res), [talk('Safe fallback.')])
    const line = server.at(level.error).find((l) => l.uuid === step)
    t.match(line, { flow: 'risky', step: 'menu', err: { code: 'NCCOFLOW_ERR_NCCO_INVALID', message } })
    t.strictSame(await server.stored(step), before, 'the call did not move')
  })
}

t.test('an invalid NCCO on the answer sends the fallback and stores no call', async (t) => {
  const quiet = flow('quiet', { fallback: [talk('Nothing to say.')] }).steps({ only: (s) => s.update(() => ({})) })
  const server = await testServer(t, { flows: [quiet], logLevel: 'error' })
  t.strictSame(validNcco(t, await server.answer('q1')), [talk('Nothing to say.')])
  t.equal(server.store.size, 0)
})

t.test('a goto loop is stopped and sends the fallback', async (t) => {
  const server = await testServer(t, { flows: [loop], logLevel: 'error' })
  const res = await server.answer('l1')
  t.strictSame(validNcco(t, res), [talk('Sorry, something went wrong on our side. Please call again later. Goodbye.')])
  t.match(server.at(level.error)[0], { uuid: 'l1', flow: 'loop', step: 'a', err: { code: 'NCCOFLOW_ERR_RUNTIME_LOOP' } })
})

t.test('the `[]` of a carry-on response is the only body that is not a full NCCO', async (t) => {
  const server = await testServer(t, { flows: [risky] })
  await server.answer('c1')
  await server.status('c1', 'completed', at(1))
  const res = await server.input('risky', 'menu', 'c1', '1')
  const body = JSON.parse(res.body) as NccoAction[]
  t.same(body, [], 'an ended call: carry on')
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
})
