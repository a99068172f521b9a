import t from 'tap'
import { app, flow, phone } from '../../src/index.js'
import { step } from '../../src/dsl/step.js'

t.test('every NCCO action has a step method; handlers attach to the callbacks Vonage ignores', async (t) => {
  const onRecording = () => {}
  const onConversation = () => {}
  const onPay = () => {}
  const built = step<{ n: number }>('s')
    .update(({ context }) => ({ n: context.n + 1 }))
    .do(async () => ({ n: 2 }))
    .talk('a')
    .stream('https://cdn.test/a.mp3', { loop: 0 })
    .wait({ timeout: 2 })
    .record({ beepStart: true }, onRecording)
    .conversation('room', undefined, onConversation)
    .transfer('CON-1')
    .pay(5, { currency: 'gbp' }, onPay)
    .connect(app('alice'))
    .notify({ a: 1 })
    .input({ type: ['dtmf'] })
    .toDefinition()
  t.strictSame(built.ops.map((o) => (o.kind === 'action' ? [o.action, o.args.length, Object.keys(o.handlers)] : [o.kind])), [
    ['update'], ['do'],
    ['talk', 1, []],
    ['stream', 2, []],
    ['wait', 1, []],
    ['record', 1, ['record']],
    ['conversation', 1, ['conversation']],
    ['transfer', 1, []],
    ['pay', 2, ['pay']],
    ['connect', 1, []],
    ['notify', 2, []],
    ['input', 1, []],
  ])
  const record = built.ops[5]
  t.equal(record?.kind === 'action' && record.handlers.record, onRecording)
  t.ok(Object.isFrozen(built) && Object.isFrozen(built.ops))
})

t.test('a recording takes a handler for the recording, or one for each of its callbacks', async (t) => {
  const onRecording = () => {}
  const onTranscription = () => {}
  const handlers = (s: ReturnType<typeof step>) => s.toDefinition().ops.map((o) => (o.kind === 'action' ? o.handlers : {}))
  t.strictSame(handlers(step('s').record({}, { recording: onRecording, transcription: onTranscription })), [{ record: onRecording, 'record-transcription': onTranscription }])
  t.strictSame(handlers(step('s').conversation('room', {}, { transcription: onTranscription })), [{ 'conversation-transcription': onTranscription }])
  t.strictSame(handlers(step('s').notify({ a: 1 }, {}, onRecording)), [{ notify: onRecording }])
  t.throws(() => step('s').record({}, { recordings: onRecording } as never), { message: 'a handler object takes recording, transcription (functions); got recordings' })
})

t.test('branches keep their order; the last otherwise, onTimeout, onFailure and goto win', async (t) => {
  const built = step('s')
    .input({ type: ['dtmf', 'speech'] })
    .on({ dtmf: '1' }, 'a')
    .on({ speech: 'two' }, 'b')
    .otherwise('x')
    .otherwise('y')
    .onTimeout('t')
    .onFailure('f')
    .goto('g')
    .toDefinition()
  t.strictSame(built.branches, [{ match: { dtmf: '1' }, target: 'a' }, { match: { speech: 'two' }, target: 'b' }])
  t.equal(built.otherwise, 'y')
  t.equal(built.onTimeout, 't')
  t.equal(built.onFailure, 'f')
  t.strictSame(built.next, { kind: 'static', target: 'g' })
})

t.test('a step builder is immutable', async (t) => {
  const base = step('s').talk('a')
  const more = base.talk('b')
  t.equal(base.toDefinition().ops.length, 1)
  t.equal(more.toDefinition().ops.length, 2)
})

t.test('steps are usable in a whole flow with every kind of action', async (t) => {
  const definition = flow('all', { context: { n: 0 } }).steps({
    a: (s) => s
      .update(({ context }) => ({ n: context.n + 1 }))
      .talk('hi')
      .connect(phone('447700900001'), { eventType: 'synchronous' })
      .onFailure('b'),
    b: (s) => s.notify({ step: 'b' }).goto('c'),
    c: (s) => s.conversation('room'),
  })
    .toDefinition()
  t.strictSame(Object.keys(definition.steps), ['a', 'b', 'c'])
})
