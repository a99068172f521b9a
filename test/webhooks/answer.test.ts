import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import {
  AnswerWebhookSchema, NormalizedAnswerSchema, isAnswerWebhook, normalizeAnswer, parseWebhook,
} from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

const uuid = 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab'
const conversation_uuid = 'CON-bbbbbbbb-cccc-dddd-eeee-0123456789ab'

t.test('GET query from the PHP capture', async (t) => {
  t.strictSame(parseWebhook('answer', fixture('answer-get.query')), {
    ok: true,
    value: {
      to: '16105553939',
      from: '14845552121',
      conversation_uuid: 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722',
      uuid: '0A0000000123ABCD1',
      sipHeaders: {},
    },
  })
})

t.test('POST body with region_url and endpoint_type', async (t) => {
  t.strictSame(parseWebhook('answer', fixture('answer-post.json')), {
    ok: true,
    value: {
      to: '447700900000',
      from: '447700900001',
      uuid,
      conversation_uuid,
      region_url: 'https://api-eu-1.nexmo.com',
      endpoint_type: 'phone',
      sipHeaders: {},
    },
  })
})

t.test('SIP headers are gathered into sipHeaders under their header names', async (t) => {
  t.strictSame(parseWebhook('answer', fixture('answer-sip.json')), {
    ok: true,
    value: {
      to: '447700900000',
      from: 'sip:alice@example.com',
      uuid,
      conversation_uuid,
      region_url: 'https://api-us-1.nexmo.com',
      endpoint_type: 'sip',
      sipHeaders: { 'X-Customer-Id': '42', 'X-Campaign': 'spring', 'User-to-User': '342342ef34;encoding=hex' },
    },
  })
})

const appCall = {
  to: '447700900000',
  from_user: 'alice',
  uuid,
  conversation_uuid,
  region_url: 'https://api-sg-1.nexmo.com',
  endpoint_type: 'app',
  custom_data: { ticket: 1234, lang: 'en-GB', vip: true },
  sipHeaders: {},
}

t.test('Client SDK call: from_user and custom_data, POST and GET forms give the same value', async (t) => {
  t.strictSame(parseWebhook('answer', fixture('answer-app.json')), { ok: true, value: appCall })
  t.strictSame(parseWebhook('answer', fixture('answer-app-get.query')), { ok: true, value: appCall })
})

t.test('Client SDK caller as the sender writes it: from null, a to that is no number, client_ref kept', async (t) => {
  t.strictSame(parseWebhook('answer', fixture('answer-app-to-app.json')), {
    ok: true,
    value: {
      from_user: 'Alice',
      to: 'Unknown',
      uuid,
      conversation_uuid,
      region_url: 'https://api-us-3.vonage.com',
      endpoint_type: 'app',
      client_ref: 'web-7f3a',
      custom_data: { to: 'Bob' },
      sipHeaders: {},
    },
  })
  t.strictSame(parseWebhook('answer', { uuid: 'u', from: 'Unknown', to: 'Alice' }), { ok: true, value: { uuid: 'u', from: 'Unknown', to: 'Alice', sipHeaders: {} } })
  const socket = `wss://ws.example.com/socket?token=${'t'.repeat(600)}`
  t.strictSame(parseWebhook('answer', { uuid: 'u', from: socket, endpoint_type: 'websocket' }), {
    ok: true, value: { uuid: 'u', from: socket, endpoint_type: 'websocket', sipHeaders: {} },
  }, 'a WebSocket URI with a long query')
  t.strictSame(parseWebhook('answer', { uuid: 'u', from: 'x'.repeat(2049) }), {
    ok: false, issues: [{ path: ['from'], message: 'from must be at most 2048 characters' }],
  }, 'still bounded')
})

t.test('normalised values match the normalised schema; received ones match the route schema', async (t) => {
  for (const name of ['answer-get.query', 'answer-post.json', 'answer-sip.json', 'answer-app.json', 'answer-app-to-app.json']) {
    const result = parseWebhook('answer', fixture(name))
    t.ok(result.ok && Value.Check(NormalizedAnswerSchema, result.value), name)
  }
  t.ok(Value.Check(AnswerWebhookSchema, fixture('answer-sip.json')))
})

t.test('unknown keys and endpoint types are kept', async (t) => {
  const result = parseWebhook('answer', { uuid: 'u', conversation_uuid: 'c', endpoint_type: 'phone-v2', novel: { a: 1 } })
  t.strictSame(result, { ok: true, value: { uuid: 'u', conversation_uuid: 'c', endpoint_type: 'phone-v2', novel: { a: 1 }, sipHeaders: {} } })
})

t.test('a SipHeader_ field that is not a string stays where it is', async (t) => {
  t.strictSame(normalizeAnswer({ uuid: 'u', conversation_uuid: 'c', 'SipHeader_X-Odd': 5 } as never), {
    uuid: 'u', conversation_uuid: 'c', 'SipHeader_X-Odd': 5, sipHeaders: {},
  })
})

t.test('invalid payloads name the field at fault', async (t) => {
  t.strictSame(parseWebhook('answer', { conversation_uuid: 'c' }), {
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid is required and must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('answer', { uuid: '', conversation_uuid: 'c' }), {
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('answer', { uuid: 'u', conversation_uuid: 'c', to: 447700900000, endpoint_type: 3 }), {
    ok: false,
    issues: [
      { path: ['to'], message: 'to must be a string' },
      { path: ['endpoint_type'], message: 'endpoint_type must be a string' },
    ],
  })
  t.strictSame(parseWebhook('answer', { uuid: 'u', conversation_uuid: 'c', custom_data: '{"ticket":' }), {
    ok: false,
    issues: [{ path: ['custom_data'], message: 'custom_data must be valid JSON when sent as text' }],
  })
  t.strictSame(parseWebhook('answer', { uuid: 'u', conversation_uuid: 'c', custom_data: 'ticket' }), {
    ok: false,
    issues: [{ path: ['custom_data'], message: 'custom_data must be an object' }],
  })
  t.strictSame(parseWebhook('answer', { uuid: 'u', conversation_uuid: 'c', custom_data: '[1]' }), {
    ok: false,
    issues: [{ path: ['custom_data'], message: 'custom_data must be an object' }],
  })
})

t.test('isAnswerWebhook checks the decoded form', async (t) => {
  t.equal(isAnswerWebhook(fixture('answer-app.json')), true)
  t.equal(isAnswerWebhook(fixture('answer-app-get.query')), false)
  t.equal(isAnswerWebhook(null), false)
})
