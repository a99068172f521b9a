import t from 'tap'
import type { InputResult } from '../../src/index.js'
import { isTimeout, matchesInput } from '../../src/dsl/match.js'

const digits = (d: string): InputResult => ({ digits: d, speech: [], timedOut: d === '' })
const said = (...texts: string[]): InputResult => ({ digits: '', speech: texts.map((text) => ({ text, confidence: 0.9 })), timedOut: false })

t.test('DTMF branches: exact, pattern, predicate', async (t) => {
  t.ok(matchesInput({ dtmf: '1' }, digits('1')))
  t.notOk(matchesInput({ dtmf: '1' }, digits('12')), 'exact means exact')
  t.ok(matchesInput({ dtmf: /^[1-5]$/ }, digits('4')))
  t.notOk(matchesInput({ dtmf: /^[1-5]$/ }, digits('7')))
  const global = /^\d{4}$/g
  t.ok(matchesInput({ dtmf: global }, digits('1234')))
  t.ok(matchesInput({ dtmf: global }, digits('1234')), 'a global regex does not keep state between calls')
  t.ok(matchesInput({ dtmf: (d) => Number(d) % 2 === 0 }, digits('42')))
  t.notOk(matchesInput({ speech: 'one' }, digits('1')), 'digits never match a speech-only branch')
})

t.test('speech branches: word or phrase (any case, whole words), pattern, predicate; any transcript', async (t) => {
  t.ok(matchesInput({ speech: 'sales' }, said('Sales please')))
  t.ok(matchesInput({ speech: 'leave a message' }, said('I want to leave a message')))
  t.notOk(matchesInput({ speech: 'sales' }, said('wholesalers')), 'whole words only')
  t.ok(matchesInput({ speech: 'sales' }, said('sails', 'sales')), 'a lower-ranked transcript can match')
  t.ok(matchesInput({ speech: /^yes\b/i }, said('Yes I do')))
  t.ok(matchesInput({ speech: (text) => text.length > 3 }, said('great')))
  t.notOk(matchesInput({ dtmf: '1' }, said('one')), 'speech never matches a DTMF-only branch')
  t.ok(matchesInput({ speech: 'c++' }, said('I like c++ a lot')), 'special characters are literal')
})

t.test('a timeout is no digits and no speech', async (t) => {
  t.ok(isTimeout(digits('')))
  t.notOk(isTimeout(digits('5')))
  t.notOk(isTimeout(said('hello')))
  t.notOk(matchesInput({ dtmf: '1', speech: 'one' }, digits('')))
})
