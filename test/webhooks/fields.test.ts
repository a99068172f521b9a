import t from 'tap'
import { compact } from '../../src/webhooks/fields.js'

// compact() is how every normaliser builds its result: the payload's other fields, then the normalised ones.

t.test('compact drops undefined fields and keeps the rest, in order, in a new object', async (t) => {
  const value = { a: 1, b: undefined, c: null, d: 'x' }
  const out = compact(value)
  t.strictSame(Object.entries(out), [['a', 1], ['c', null], ['d', 'x']])
  t.not(out, value)
  t.strictSame(Object.keys(value), ['a', 'b', 'c', 'd'], 'the input is not changed')
})

t.test('compact(rest, over) is compact({ ...rest, ...over }): over wins, and its undefined removes a field of rest', async (t) => {
  const rest = { a: 1, b: 2, c: 3 }
  const over = { b: undefined, c: 30, d: 4, e: undefined }
  const out = compact(rest, over)
  t.strictSame(out, compact({ ...rest, ...over }))
  t.strictSame(Object.entries(out), [['a', 1], ['c', 30], ['d', 4]])
  t.strictSame(rest, { a: 1, b: 2, c: 3 }, 'rest is not changed')
})

t.test('a __proto__ field of a parsed payload stays a plain field, in either argument', async (t) => {
  const parsed = JSON.parse('{"__proto__": {"polluted": true}, "uuid": "u1"}') as Record<string, unknown>
  const out = compact(parsed, JSON.parse('{"__proto__": {"again": true}}') as object) as Record<string, unknown>
  t.equal(Object.getPrototypeOf(out), Object.prototype)
  t.strictSame(Object.keys(out), ['__proto__', 'uuid'])
  t.strictSame(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { again: true })
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})
