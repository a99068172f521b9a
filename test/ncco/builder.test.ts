import t from 'tap'
import { NccoValidationError, errors, isNccoflowError, ncco, phone, talk } from '../../src/index.js'

t.test('the builder is immutable: each call returns a new builder', async (t) => {
  const base = ncco().talk('Welcome', { bargeIn: true })
  const a = base.input({ type: ['dtmf'], dtmf: { maxDigits: 1 }, eventUrl: 'https://example.com/a' })
  const b = base.talk('Goodbye')
  t.equal(base.length, 1)
  t.strictSame(a.toJSON(), [
    { action: 'talk', text: 'Welcome', bargeIn: true },
    { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1 }, eventUrl: ['https://example.com/a'] },
  ])
  t.strictSame(b.toJSON(), [{ action: 'talk', text: 'Welcome', bargeIn: true }, { action: 'talk', text: 'Goodbye' }])
  t.ok(Object.isFrozen(a.toJSON()))
  t.throws(() => (a.toJSON() as unknown[]).push(1))
})

t.test('JSON.stringify gives the document Vonage expects', async (t) => {
  const doc = ncco()
    .talk('Connecting you', { loop: 0 })
    .connect(phone('447700900001'), { timeout: 20, eventType: 'synchronous', eventUrl: 'https://example.com/connect' })
  t.equal(
    JSON.stringify(doc),
    '[{"action":"talk","text":"Connecting you","loop":0},{"action":"connect","endpoint":[{"type":"phone","number":"447700900001"}],"timeout":20,"eventType":"synchronous","eventUrl":["https://example.com/connect"]}]',
  )
})

t.test('every action has a builder method', async (t) => {
  const url = 'https://example.com/e'
  const doc = ncco(talk('start'))
    .stream('https://example.com/a.mp3')
    .wait({ timeout: 2 })
    .record({ eventUrl: url })
    .notify({ a: 1 }, { eventUrl: url })
    .pay(1, { eventUrl: url })
    .connect(phone('447700900001'))
    .conversation('room')
    .concat(ncco().transfer('CON-1'))
    .concat([talk('after')])
  t.strictSame(doc.toJSON().map((a) => a.action), ['talk', 'stream', 'wait', 'record', 'notify', 'pay', 'connect', 'conversation', 'transfer', 'talk'])
  t.strictSame(doc.validate().map((i) => [i.severity, i.code, i.path]), [['warning', 'unreachable', [8]], ['warning', 'unreachable', [9]]])
  t.strictSame(doc.build(), doc.toJSON(), 'warnings do not stop build()')
})

t.test('build() throws a coded error listing the issues', async (t) => {
  const bad = ncco().talk('Press 1', { bargeIn: true })
  const error = t.throws(() => bad.build()) as NccoValidationError
  t.ok(isNccoflowError(error, errors.NCCO_INVALID.code))
  t.ok(error instanceof NccoValidationError)
  t.match(error.message, /bargeIn: true but no input follows it/)
  t.strictSame(error.issues.map((i) => i.code), ['barge_in'])
})
