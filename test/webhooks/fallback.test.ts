import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import {
  NormalizedFallbackSchema, fallbackOriginalPayload, isFallbackWebhook, parseWebhook,
} from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

const uuid = '0A0000000123ABCD1'
const conversation_uuid = 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722'
const answer = { to: '16105553939', from: '14845552121', uuid, conversation_uuid }

t.test('fallback for the answer webhook', async (t) => {
  const result = parseWebhook('fallback', fixture('fallback-answer.json'))
  t.strictSame(result, {
    ok: true,
    value: {
      ...answer,
      region_url: 'https://api-us-1.nexmo.com',
      reason: 'Connection closed.',
      original_request: { url: 'https://example.com/answer', type: 'answer' },
    },
  })
  t.ok(result.ok && Value.Check(NormalizedFallbackSchema, result.value))
})

t.test('fallback for an input event: the original payload parses as the input it was', async (t) => {
  const result = parseWebhook('fallback', fixture('fallback-event.json'))
  const input = {
    speech: { results: [] },
    dtmf: { digits: '1', timed_out: false },
    from: '16105553939',
    to: '14845552121',
    uuid,
    conversation_uuid,
    timestamp: '2020-07-29T19:20:33.015Z',
  }
  t.strictSame(result, {
    ok: true,
    value: { ...input, reason: 'Socket timeout.', original_request: { url: 'https://example.com/flows/ivr-menu/menu/input', type: 'event' } },
  })
  t.strictSame(result.ok && fallbackOriginalPayload(result.value), input)
  t.strictSame(result.ok && parseWebhook('input', fallbackOriginalPayload(result.value)), { ok: true, value: input })
})

t.test('GET form: original_request sent as JSON text', async (t) => {
  t.strictSame(parseWebhook('fallback', fixture('fallback-get.query')), {
    ok: true,
    value: { ...answer, reason: 'Invalid NCCO.', original_request: { url: 'https://example.com/answer', type: 'answer' } },
  })
})

t.test('unknown reasons and request types are kept', async (t) => {
  t.strictSame(parseWebhook('fallback', { reason: 'Gateway gone.', original_request: { url: 'u', type: 'input' } }), {
    ok: true, value: { reason: 'Gateway gone.', original_request: { url: 'u', type: 'input' } },
  })
})

t.test('invalid fallbacks name the field at fault', async (t) => {
  t.strictSame(parseWebhook('fallback', { reason: 5, original_request: { type: 'answer' }, uuid: '' }), {
    ok: false,
    issues: [
      { path: ['reason'], message: 'reason must be a string' },
      { path: ['original_request', 'url'], message: 'original_request.url is required and must be a string' },
      { path: ['uuid'], message: 'uuid must be a non-empty string' },
    ],
  })
  t.strictSame(parseWebhook('fallback', { reason: 'Invalid NCCO.', original_request: '{url' }), {
    ok: false,
    issues: [{ path: ['original_request'], message: 'original_request must be valid JSON when sent as text' }],
  })
  t.equal(isFallbackWebhook(fixture('fallback-answer.json')), true)
  t.equal(isFallbackWebhook(fixture('fallback-get.query')), false)
})
