import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { NormalizedTransferSchema, isTransferWebhook, parseWebhook } from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

t.test('POST capture', async (t) => {
  const result = parseWebhook('transfer', fixture('transfer.json'))
  t.strictSame(result, {
    ok: true,
    value: {
      conversation_uuid_from: 'CON-e386914b-4819-41f3-9b3d-a9bfd0838d68',
      type: 'transfer',
      uuid: '0A0000000123ABCD1',
      conversation_uuid_to: 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722',
      timestamp: '2020-07-01T20:45:36.850Z',
    },
  })
  t.ok(result.ok && Value.Check(NormalizedTransferSchema, result.value))
})

t.test('invalid transfers name the field at fault', async (t) => {
  t.strictSame(parseWebhook('transfer', { type: 'transfer', uuid: 'u', conversation_uuid_from: '' }), {
    ok: false,
    issues: [
      { path: ['conversation_uuid_to'], message: 'conversation_uuid_to is required and must be a non-empty string' },
      { path: ['conversation_uuid_from'], message: 'conversation_uuid_from must be a non-empty string' },
    ],
  })
  t.equal(isTransferWebhook(fixture('transfer.json')), true)
  t.equal(isTransferWebhook({ type: 'transfer' }), false)
})
