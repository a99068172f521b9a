import t from 'tap'
import { stepTargets } from '../../src/dsl/flow.js'
import { FlowDefinitionError, errors, flow, isFlow, isNccoflowError, phone, toFlowDefinition, type StepDefinition } from '../../src/index.js'

const menu = () => flow('menu', { context: { tries: 0 } }).steps({
  start: (s) => s
    .talk('Press 1', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'done')
    .otherwise('start'),
  done: (s) => s.talk('Bye'),
})

/** The codes and steps of the problems a flow has, as `[code, step]`. */
function problems(build: () => { toDefinition(): unknown }): [string, string | undefined][] {
  try {
    build().toDefinition()
  } catch (error) {
    if (error instanceof FlowDefinitionError) return error.problems.map((p) => [p.code, p.step])
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

t.test('flows are immutable: a flow at module scope is shared safely', async (t) => {
  const shared = flow('s').steps({ a: (s) => s.talk('a') })
  const withHandler = shared.onStatus('*', () => {})
  t.not(withHandler, shared)
  t.strictSame(shared.toDefinition().statusHandlers, [])
  t.strictSame(withHandler.toDefinition().statusHandlers.map((h) => h.status), ['*'])
  t.strictSame(shared.stepNames, ['a'])
})

t.test('options: fallback text or NCCO, budget, status handlers', async (t) => {
  const handler = () => {}
  const withText = flow('x', { fallback: 'We are sorry.', budgetMs: 100 }).steps({ a: (s) => s.talk('a') }).onStatus(['completed', 'busy'], handler).toDefinition()
  t.strictSame(withText.fallback, [{ action: 'talk', text: 'We are sorry.' }])
  t.equal(withText.budgetMs, 100)
  t.strictSame(withText.statusHandlers.map((h) => h.status), ['completed', 'busy'])
  const withNcco = flow('y', { fallback: [{ action: 'talk', text: 'Sorry', language: 'en-GB' }] }).steps({ a: (s) => s.talk('a') }).toDefinition()
  t.strictSame(withNcco.fallback, [{ action: 'talk', text: 'Sorry', language: 'en-GB' }])
})

// The compiler refuses these in TypeScript (test/dsl/typed-flows.test.ts); `as never` writes them as JavaScript would.
t.test('mistakes fail when the flow is loaded, each with its code and step', async (t) => {
  t.strictSame(problems(() => flow('empty')), [['no_steps', undefined]])
  t.equal(flow('empty').name, 'empty')
  t.strictSame(problems(() => flow('bad name!').steps({ a: (s) => s.talk('a') })), [['invalid_flow_name', undefined]])
  t.strictSame(problems(() => flow('f').steps({ 'a b': (s) => s.talk('a') })), [['invalid_step_name', 'a b']])
  t.strictSame(problems(() => flow('f').steps({ 12: (s) => s.talk('b') })), [['invalid_step_name', '12']], 'a step named by a whole number would be reordered by JavaScript')
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('a').goto('nowhere' as never) })), [['unknown_target', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('a'), b: (s) => s.talk('b') })), [['unreachable_step', 'b']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('Press 1', { bargeIn: true }) })), [['barge_in_at_end', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.input({ type: ['dtmf'] }).talk('after') })), [['action_after_wait', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('a').on({ dtmf: '1' }, 'a') })), [['branch_without_input', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.connect(phone('447700900001')).onFailure('a') })), [['failure_without_connect', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.input({ type: ['dtmf'] }).goto('a') })), [['goto_after_wait', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.input({ type: ['dtmf'] }).retry({ times: 1, then: 'a' }) })), [['goto_after_wait', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.connect(phone('447700900001'), { eventType: 'synchronous' }).goto('a') })), [], 'after a connect, goto is where the call goes once the other leg hangs up')
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.input({ type: ['dtmf'], dtmf: { maxDigits: 25 } }) })), [['invalid_action', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('a').goto((() => 'a') as never) })), [['goto_without_targets', 'a']])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('a').retry({ times: -1, then: 'a' }) })), [['invalid_retry', 'a']])
  t.strictSame(problems(() => flow('f', { fallback: [] }).steps({ a: (s) => s.talk('a') })), [['invalid_fallback', undefined]])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('a') }).onStatus('complted' as never, () => {})), [['unknown_status', undefined]])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.connect({ type: 'phone' } as never) })), [['invalid_action', 'a']])
  const hostile = { get loop(): number { throw new Error('no loop for you') } }
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk('a', hostile) })), [['invalid_action', 'a']])
  const error = t.throws(() => flow('f').steps({ a: (s) => s.talk('a').goto('b' as never) }).toDefinition()) as FlowDefinitionError
  t.ok(isNccoflowError(error, errors.FLOW_INVALID.code))
  t.equal(error.flow, 'f')
  t.strictSame(error.problems, [{ code: 'unknown_target', step: 'a', message: 'goes to "b", which is not a step of this flow (steps: a)' }])
  t.equal(error.message, 'Flow "f" cannot run: step "a": goes to "b", which is not a step of this flow (steps: a)')
})

t.test('a flow written as plain data gets the same checks', async (t) => {
  const good = flow('plain').steps({ a: (s) => s.talk('a').goto('b'), b: (s) => s.talk('b') }).toDefinition()
  t.equal(toFlowDefinition({ ...good }).name, 'plain')
  const error = t.throws(() => toFlowDefinition({ ...good, steps: { a: good.steps.a as StepDefinition } })) as FlowDefinitionError
  t.strictSame(error.problems.map((p) => [p.code, p.step]), [['unknown_target', 'a']])
})

t.test('any step name a user can write works, including the names of the machine\'s own states', async (t) => {
  const definition = flow('names').steps({ ended: (s) => s.talk('a').goto('done'), done: (s) => s.talk('b').goto('final'), final: (s) => s.talk('c') }).toDefinition()
  t.strictSame(Object.keys(definition.steps), ['ended', 'done', 'final'])
  t.equal(definition.initial, 'ended')
})

t.test('goto functions choose among the targets they list', async (t) => {
  const listed = flow('g', { context: { n: 0 } }).steps({
    a: (s) => s.talk('a').goto(({ context }) => (context.n > 1 ? 'c' : 'b'), ['b', 'c']),
    b: (s) => s.talk('b'),
    c: (s) => s.talk('c'),
  }).toDefinition()
  t.match(listed.steps.a?.next, { kind: 'dynamic', targets: ['b', 'c'] })
  t.strictSame(problems(() => flow('h').steps({ a: (s) => s.talk('a').goto(() => 'b', ['b', 'zz' as never]), b: (s) => s.talk('b') })), [['unknown_target', 'a']])
})

t.test('retry: back to the question asked, then on; drawn as its way out', async (t) => {
  const definition = flow('r').steps({
    ask: (s) => s.input({ type: ['dtmf'] }).on({ dtmf: '1' }, 'done').otherwise('sorry'),
    sorry: (s) => s.talk('Sorry.').retry({ times: 2, then: 'done' }),
    done: (s) => s.talk('Bye.'),
  }).toDefinition()
  t.strictSame(definition.steps.sorry?.next, { kind: 'retry', times: 2, then: 'done' })
  t.strictSame(stepTargets(definition.steps.sorry as StepDefinition), [{ target: 'done', label: 'after 2 retries' }])
})

t.test('actions whose options are functions of the call are checked when rendered, not at load', async (t) => {
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.talk(() => '').input(() => ({ type: ['dtmf'] })).on({ dtmf: '1' }, 'a') })), [])
  t.strictSame(problems(() => flow('f').steps({ a: (s) => s.connect(() => phone('1'), () => ({ eventType: 'synchronous' as const })).onFailure('a') })),
    [['failure_without_connect', 'a']], 'a connect whose options are computed is not known to be synchronous')
})
