import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { NormalizedRecordSchema, RecordWebhookSchema, isRecordWebhook, parseWebhook } from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

t.test('the reference example', async (t) => {
  const result = parseWebhook('record', fixture('record.json'))
  t.strictSame(result, {
    ok: true,
    value: {
      start_time: '2020-01-01T12:00:00Z',
      recording_url: 'https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      size: 12345,
      recording_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      end_time: '2020-01-01T12:01:00Z',
      conversation_uuid: 'bbbbbbbb-cccc-dddd-eeee-0123456789ab',
      timestamp: '2020-01-01T14:00:00.000Z',
    },
  })
  t.ok(result.ok && Value.Check(NormalizedRecordSchema, result.value))
  t.ok(Value.Check(RecordWebhookSchema, fixture('record.json')))
})

t.test('the GET capture: size sent as text becomes a number', async (t) => {
  t.strictSame(parseWebhook('record', fixture('record-get.query')), {
    ok: true,
    value: {
      start_time: '2020-07-14T01:23:04Z',
      recording_url: 'https://api.nexmo.com/v1/files/87b8851a-dbfa-4142-bc01-82a7854ac4fd',
      size: 18990,
      recording_uuid: '2e7855d6-b952-45ac-bd92-c0a99103095f',
      end_time: '2020-07-14T01:23:09Z',
      conversation_uuid: 'CON-181f3e7e-c343-44b4-8439-29a2dd415cb4',
      timestamp: '2020-07-14T01:23:09.426Z',
    },
  })
})

t.test('uuid, a null size and unknown keys', async (t) => {
  const base = { recording_url: 'https://api.nexmo.com/v1/files/f', recording_uuid: 'r', conversation_uuid: 'c' }
  t.strictSame(parseWebhook('record', { ...base, uuid: 'u', size: null, channels: 2 }), {
    ok: true, value: { ...base, uuid: 'u', channels: 2 },
  })
})

t.test('a recording of a Client SDK or WebSocket leg keeps the fields it comes with', async (t) => {
  const base = { recording_url: 'https://api-us-3.vonage.com/v1/files/f', recording_uuid: 'r', conversation_uuid: 'c', size: '4096' }
  t.strictSame(parseWebhook('record', { ...base, from: 'Alice', to: 'wss://ws.example.com/socket', client_ref: 'web-7f3a', end_time: null }), {
    ok: true, value: { ...base, size: 4096, from: 'Alice', to: 'wss://ws.example.com/socket', client_ref: 'web-7f3a' },
  })
})

t.test('invalid records name the field at fault', async (t) => {
  t.strictSame(parseWebhook('record', { recording_url: 'https://api.nexmo.com/v1/files/f', recording_uuid: '', size: '12kB' }), {
    ok: false,
    issues: [
      { path: ['conversation_uuid'], message: 'conversation_uuid is required and must be a non-empty string' },
      { path: ['recording_uuid'], message: 'recording_uuid must be a non-empty string' },
      { path: ['size'], message: 'size must be a number, a numeric string or null' },
    ],
  })
  t.equal(isRecordWebhook(fixture('record.json')), true)
  t.equal(isRecordWebhook({}), false)
})
