import t from 'tap'
import { Type } from '@sinclair/typebox'
import { compileWebhookSchema } from '../../src/webhooks/check.js'
import { requireOneOf } from '../../src/webhooks/fields.js'

t.test('issues for a value that is not an object name the payload', async (t) => {
  const checker = compileWebhookSchema(Type.Object({ uuid: Type.String() }))
  t.strictSame(checker.issues(null), [{ path: [], message: 'payload must be an object' }])
  t.strictSame(checker.issues({ uuid: 'u' }), [])
})

t.test('requireOneOf is JSON Schema that the compiled checker honours', async (t) => {
  const schema = Type.Object({ a: Type.Optional(Type.String()), b: Type.Optional(Type.String()) }, requireOneOf('a', 'b'))
  t.strictSame(JSON.parse(JSON.stringify(schema)).anyOf, [{ required: ['a'] }, { required: ['b'] }])
  const checker = compileWebhookSchema(schema)
  t.equal(checker.check({ b: 'x' }), true)
  t.equal(checker.check({}), false)
  t.strictSame(checker.issues({}), [{ path: ['a'], message: 'a or b is required and must be a string' }])
})

t.test('paths escape JSON Pointer characters back and use numbers for array indexes', async (t) => {
  const checker = compileWebhookSchema(Type.Object({ 'a/b~c': Type.Array(Type.Object({ n: Type.Null() })) }))
  t.strictSame(checker.issues({ 'a/b~c': [{ n: null }, { n: 1 }] }), [{ path: ['a/b~c', 1, 'n'], message: 'a/b~c[1].n must be null' }])
})

t.test('a union with no string member lists its literals', async (t) => {
  const checker = compileWebhookSchema(Type.Object({ mode: Type.Union([Type.Literal(1), Type.Literal(2)]) }))
  t.strictSame(checker.issues({ mode: 3 }), [{ path: ['mode'], message: 'mode must be 1 or 2' }])
})

t.test('a union of types lists each type', async (t) => {
  const checker = compileWebhookSchema(Type.Object({ level: Type.Union([Type.Number(), Type.Boolean()]) }))
  t.strictSame(checker.issues({ level: 'loud' }), [{ path: ['level'], message: 'level must be a number or a boolean' }])
})
