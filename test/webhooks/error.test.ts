import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { NormalizedErrorSchema, isErrorWebhook, parseWebhook } from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

const conversation_uuid = 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722'

t.test('the reference example', async (t) => {
  const result = parseWebhook('error', fixture('error.json'))
  t.strictSame(result, {
    ok: true,
    value: { reason: 'Syntax error in NCCO. Invalid value type or action.', conversation_uuid, timestamp: '2020-01-01T12:00:00.000Z' },
  })
  t.ok(result.ok && Value.Check(NormalizedErrorSchema, result.value))
})

t.test('GET capture', async (t) => {
  t.strictSame(parseWebhook('error', fixture('error-get.query')), {
    ok: true, value: { conversation_uuid, reason: 'This is an error', timestamp: '2020-01-01T12:00:00.000Z' },
  })
})

t.test('invalid errors name the field at fault', async (t) => {
  t.strictSame(parseWebhook('error', { reason: '', conversation_uuid: 'c' }), {
    ok: false,
    issues: [{ path: ['reason'], message: 'reason must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('error', { reason: 'x' }), {
    ok: false,
    issues: [{ path: ['conversation_uuid'], message: 'conversation_uuid is required and must be a non-empty string' }],
  })
  t.equal(isErrorWebhook(fixture('error.json')), true)
  t.equal(isErrorWebhook([]), false)
})
