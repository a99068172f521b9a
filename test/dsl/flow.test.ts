import t from 'tap'
import { FlowDefinitionError, errors, flow, isFlow, isNccoflowError, phone, toFlowDefinition } from '../../src/index.js'

const menu = () => flow('menu', { context: { tries: 0 } })
  .step('start', (s) => s
    .talk('Press 1', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'done')
    .otherwise('start'))
  .step('done', (s) => s.talk('Bye'))

function problems(build: () => { toDefinition(): unknown }): string[] {
  try {
    build().toDefinition()
  } catch (error) {
    if (error instanceof FlowDefinitionError) return error.problems.map((p) => (p.step === undefined ? p.message : `${p.step}: ${p.message}`))
    throw error
  }
  return []
}

t.test('a flow is plain data underneath', async (t) => {
  const definition = menu().toDefinition()
  t.equal(definition.name, 'menu')
  t.equal(definition.initial, 'start')
  t.strictSame(definition.context, { tries: 0 })
  t.strictSame(Object.keys(definition.steps), ['start', 'done'])
  const start = definition.steps.start
  t.strictSame(start?.ops.map((o) => (o.kind === 'action' ? [o.action, o.args] : [o.kind])), [
    ['talk', ['Press 1', { bargeIn: true }]],
    ['input', [{ type: ['dtmf'], dtmf: { maxDigits: 1 } }]],
  ])
  t.strictSame(start?.branches, [{ match: { dtmf: '1' }, target: 'done' }])
  t.equal(start?.otherwise, 'start')
  t.strictSame(definition.fallback, [{ action: 'talk', text: 'Sorry, something went wrong on our side. Please call again later. Goodbye.' }])
  t.equal(definition.budgetMs, 3000)
  t.match(definition.version, /^[0-9a-f]{12}$/)
  t.equal(menu().toDefinition().version, definition.version, 'the version is a hash of the shape: the same flow gets the same version')
  t.ok(Object.isFrozen(definition))
  const builder = menu()
  t.equal(builder.toDefinition(), builder.toDefinition(), 'built and checked once per builder')
  t.equal(builder.name, 'menu')
  t.ok(isFlow(menu()))
  t.notOk(isFlow(definition))
  t.equal(toFlowDefinition(definition), definition)
})

t.test('builders are immutable: a flow at module scope can be extended safely', async (t) => {
  const base = flow('base').step('a', (s) => s.talk('a').goto('b'))
  const one = base.step('b', (s) => s.talk('one'))
  const two = base.step('b', (s) => s.talk('two'))
  t.strictSame(one.toDefinition().steps.b?.ops.map((o) => o.kind === 'action' && o.args[0]), ['one'])
  t.strictSame(two.toDefinition().steps.b?.ops.map((o) => o.kind === 'action' && o.args[0]), ['two'])
  t.throws(() => base.toDefinition(), /goes to "b"/, 'the base itself is unchanged: it still lacks b')
  const shared = flow('s').step('a', (s) => s.talk('a'))
  t.not(shared.onStatus('*', () => {}), shared)
  t.strictSame(shared.toDefinition().statusHandlers, [])
})

t.test('options: fallback text or NCCO, budget, status handlers', async (t) => {
  const handler = () => {}
  const withText = flow('x', { fallback: 'We are sorry.', budgetMs: 100 }).step('a', (s) => s.talk('a')).onStatus(['completed', 'busy'], handler).toDefinition()
  t.strictSame(withText.fallback, [{ action: 'talk', text: 'We are sorry.' }])
  t.equal(withText.budgetMs, 100)
  t.strictSame(withText.statusHandlers.map((h) => h.status), ['completed', 'busy'])
  const withNcco = flow('y', { fallback: [{ action: 'talk', text: 'Sorry', language: 'en-GB' }] }).step('a', (s) => s.talk('a')).toDefinition()
  t.strictSame(withNcco.fallback, [{ action: 'talk', text: 'Sorry', language: 'en-GB' }])
})

t.test('mistakes fail when the flow is loaded, naming the flow and the step', async (t) => {
  t.strictSame(problems(() => flow('empty')), ['a flow needs at least one step'])
  t.strictSame(problems(() => flow('bad name!').step('a', (s) => s.talk('a'))), ['flow name "bad name!" must be letters, digits, - and _ (it is part of URLs)'])
  t.strictSame(problems(() => flow('f').step('a b', (s) => s.talk('a'))), ['a b: a step name must be letters, digits, - and _ (it is part of URLs)'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk('a').goto('a')).step('a', (s) => s.talk('b'))), ['a: is defined twice'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk('a').goto('nowhere'))), ['a: goes to "nowhere", which is not a step of this flow (steps: a)'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk('a')).step('b', (s) => s.talk('b'))), ['b: no step goes to it, so no caller can reach it (the flow starts at "a")'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk('Press 1', { bargeIn: true }))), ['a: it ends on a talk with bargeIn: true; an input must follow it in the same step'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.input({ type: ['dtmf'] }).talk('after'))),
    ['a: its input waits for the caller, so it must be the last action of the step; move what follows into the next step'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk('a').on({ dtmf: '1' }, 'a'))), ['a: on(), otherwise() and onTimeout() need an input as the step\'s last action'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.connect(phone('447700900001')).onFailure('a'))), ['a: onFailure() needs a connect with eventType: \'synchronous\' as the step\'s last action'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.input({ type: ['dtmf'] }).goto('a'))), ['a: goto() cannot follow a step that waits on input; use on() and otherwise()'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.connect(phone('447700900001'), { eventType: 'synchronous' }).goto('a'))), ['a: goto() cannot follow a step that waits on connect; use onFailure()'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.input({ type: ['dtmf'], dtmf: { maxDigits: 25 } }))), ['a: its input: input dtmf.maxDigits must be at most 20 (range 1 to 20), got 25'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk('a').goto(() => ['x', 'y'].join('')))), ['a: its goto function names no step; list where it can go: .goto(fn, [\'a\', \'b\'])'])
  t.strictSame(problems(() => flow('f', { fallback: [] }).step('a', (s) => s.talk('a'))), ['fallback NCCO is invalid: an NCCO must hold at least one action'])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.connect({ type: 'phone' } as never))), ['a: its connect: connect endpoint[0].number is required'])
  const hostile = { get loop(): number { throw new Error('no loop for you') } }
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk('a', hostile))), ['a: its talk cannot be built: no loop for you'])
  const error = t.throws(() => flow('f').step('a', (s) => s.talk('a').goto('b')).toDefinition()) as FlowDefinitionError
  t.ok(isNccoflowError(error, errors.FLOW_INVALID.code))
  t.equal(error.flow, 'f')
  t.equal(error.message, 'Flow "f" cannot run: step "a": goes to "b", which is not a step of this flow (steps: a)')
})

t.test('goto functions: targets are the step names written in them, or the ones listed', async (t) => {
  const inferred = flow('f', { context: { n: 0 } })
    .step('a', (s) => s.talk('a').goto(({ context }) => (context.n > 1 ? 'c' : "b")))
    .step('b', (s) => s.talk('b'))
    .step('c', (s) => s.talk('c'))
    .toDefinition()
  t.match(inferred.steps.a?.next, { kind: 'dynamic', targets: ['b', 'c'] })
  const listed = flow('g')
    .step('a', (s) => s.talk('a').goto(() => String.fromCharCode(98), ['b']))
    .step('b', (s) => s.talk('b'))
    .toDefinition()
  t.match(listed.steps.a?.next, { kind: 'dynamic', targets: ['b'] })
  t.strictSame(problems(() => flow('h').step('a', (s) => s.talk('a').goto(() => 'b', ['b', 'zz'])).step('b', (s) => s.talk('b'))), ['a: goes to "zz", which is not a step of this flow (steps: a, b)'])
})

t.test('actions whose options are functions of the call are checked when rendered, not at load', async (t) => {
  t.strictSame(problems(() => flow('f').step('a', (s) => s.talk(() => '').input(() => ({ type: ['dtmf'] })).on({ dtmf: '1' }, 'a'))), [])
  t.strictSame(problems(() => flow('f').step('a', (s) => s.connect(() => phone('1'), () => ({ eventType: 'synchronous' as const })).onFailure('a'))),
    ['a: onFailure() needs a connect with eventType: \'synchronous\' as the step\'s last action'], 'a connect whose options are computed is not known to be synchronous')
})
