import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { NormalizedNotifySchema, isNotifyWebhook, parseWebhook } from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

const conversation_uuid = 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722'

t.test('POST capture', async (t) => {
  const result = parseWebhook('notify', fixture('notify.json'))
  t.strictSame(result, { ok: true, value: { payload: { foo: 'bar' }, conversation_uuid, timestamp: '2020-07-29T17:32:26.628Z' } })
  t.ok(result.ok && Value.Check(NormalizedNotifySchema, result.value))
})

t.test('GET capture: payload sent as JSON text', async (t) => {
  t.strictSame(parseWebhook('notify', fixture('notify-get.query')), {
    ok: true, value: { payload: { foo: 'bar' }, conversation_uuid, timestamp: '2020-07-29T17:33:00.043Z' },
  })
})

t.test('uuid and unknown keys are kept', async (t) => {
  t.strictSame(parseWebhook('notify', { payload: { step: 2 }, conversation_uuid: 'c', uuid: 'u', leg: 'a' }), {
    ok: true, value: { payload: { step: 2 }, conversation_uuid: 'c', uuid: 'u', leg: 'a' },
  })
})

t.test('invalid notify payloads name the field at fault', async (t) => {
  t.strictSame(parseWebhook('notify', { payload: '{"foo":', conversation_uuid: '' }), {
    ok: false,
    issues: [
      { path: ['payload'], message: 'payload must be valid JSON when sent as text' },
      { path: ['conversation_uuid'], message: 'conversation_uuid must be a non-empty string' },
    ],
  })
  t.strictSame(parseWebhook('notify', { payload: 'foo', conversation_uuid: 'c' }), {
    ok: false,
    issues: [{ path: ['payload'], message: 'payload must be an object' }],
  })
  t.equal(isNotifyWebhook(fixture('notify.json')), true)
  t.equal(isNotifyWebhook(fixture('notify-get.query')), false)
})
