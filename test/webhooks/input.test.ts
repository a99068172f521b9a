import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import {
  InputWebhookSchema, NormalizedInputSchema, isInputWebhook, normalizeInput, parseWebhook,
} from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

const php = { from: '16105553939', to: '14845552121', uuid: '0A0000000123ABCD1', conversation_uuid: 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722' }
const ids = { uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', conversation_uuid: 'bbbbbbbb-cccc-dddd-eeee-0123456789ab' }
const recordingUrl = 'https://api-us.nexmo.com/v1/files/eeeeeeee-ffff-0000-1111-0123456789ab'

const expected = {
  'input-dtmf.json': {
    ...php, timestamp: '2020-07-29T19:20:33.015Z',
    dtmf: { digits: '2', timed_out: true },
    speech: { error: 'Speech was not enabled', results: [] },
  },
  'input-dtmf-get.query': {
    ...php, timestamp: '2020-07-30T03:58:48.984Z',
    dtmf: { digits: '3', timed_out: true },
    speech: { error: 'Speech was not enabled', results: [] },
  },
  'input-reference.json': {
    ...ids, from: '15551234567', to: '15557654321', timestamp: '2020-01-01T14:00:00.000Z',
    dtmf: { digits: '1234', timed_out: true },
    speech: { results: [] },
  },
  'input-speech.json': {
    ...ids, from: '15551234567', to: '15557654321', timestamp: '2020-01-01T14:00:00.000Z',
    dtmf: { digits: '', timed_out: false },
    speech: {
      timeout_reason: 'end_on_silence_timeout',
      results: [{ text: 'sales', confidence: 0.9405097 }, { text: 'sails', confidence: 0.70543784 }],
      recording_url: recordingUrl,
    },
  },
  'input-speech-get.query': {
    ...ids, from: '15551234567', to: '15557654321', timestamp: '2020-01-01T14:00:00.000Z',
    dtmf: { digits: '', timed_out: false },
    speech: { timeout_reason: 'end_on_silence_timeout', results: [{ text: 'sales', confidence: 0.9405097 }] },
  },
  'input-old.json': {
    ...ids, from: '15551234567', to: '15557654321', timestamp: '2017-01-01T14:00:00.000Z',
    dtmf: { digits: '1234', timed_out: true },
  },
  'input-old-get.query': {
    ...ids, timestamp: '2017-01-01T14:00:00.000Z',
    dtmf: { digits: '1234', timed_out: false },
  },
  // A Client SDK leg: from and to are no phone numbers; confidences written as ".91".
  'input-app-speech.json': {
    from: 'Alice', to: 'Unknown', uuid: ids.uuid, conversation_uuid: 'CON-bbbbbbbb-cccc-dddd-eeee-0123456789ab',
    timestamp: '2023-05-02T10:15:20.500Z', client_ref: 'web-7f3a',
    dtmf: { digits: '', timed_out: false },
    speech: { timeout_reason: 'end_on_silence_timeout', results: [{ text: 'sales', confidence: 0.91 }, { text: 'sails', confidence: 0.6 }] },
  },
  'input-conversation-only.json': {
    conversation_uuid: ids.conversation_uuid, timestamp: '2020-01-01T14:00:10.000Z',
    dtmf: { digits: '', timed_out: true },
    speech: { timeout_reason: 'start_timeout', results: [] },
  },
}

t.test('every fixture normalises to the complete expected input', async (t) => {
  for (const [name, value] of Object.entries(expected)) {
    const result = parseWebhook('input', fixture(name))
    t.strictSame(result, { ok: true, value }, name)
    t.ok(result.ok && Value.Check(NormalizedInputSchema, result.value), `${name} matches the normalised schema`)
  }
})

t.test('the received JSON fixtures match the route schema', async (t) => {
  for (const name of Object.keys(expected).filter((name) => name.endsWith('.json'))) {
    t.ok(Value.Check(InputWebhookSchema, fixture(name)), name)
    t.ok(isInputWebhook(fixture(name)), name)
  }
  t.equal(isInputWebhook(fixture('input-dtmf-get.query')), false, 'the GET form needs decoding first')
})

t.test('DTMF in every shape', async (t) => {
  t.strictSame(normalizeInput({ uuid: 'u', dtmf: {} }), { uuid: 'u', dtmf: { digits: '', timed_out: false } })
  t.strictSame(normalizeInput({ uuid: 'u', dtmf: { digits: '9' }, timed_out: 'true' }), { uuid: 'u', dtmf: { digits: '9', timed_out: true } })
  t.strictSame(normalizeInput({ uuid: 'u', dtmf: '#' }), { uuid: 'u', dtmf: { digits: '#', timed_out: false } })
  t.strictSame(normalizeInput({ uuid: 'u', timed_out: true }), { uuid: 'u', dtmf: { digits: '', timed_out: true } })
  t.strictSame(normalizeInput({ uuid: 'u' }), { uuid: 'u' })
})

t.test('speech confidence as number or text, and unknown keys kept at every level', async (t) => {
  t.strictSame(
    parseWebhook('input', {
      uuid: 'u',
      channel: 'left',
      dtmf: { digits: '1', timed_out: false, mode: 'sync' },
      speech: { results: [{ text: 'yes', confidence: 0.5, language: 'en-GB' }, { text: 'yeah' }], provider: 'x' },
    }),
    {
      ok: true,
      value: {
        uuid: 'u',
        channel: 'left',
        dtmf: { digits: '1', timed_out: false, mode: 'sync' },
        speech: { results: [{ text: 'yes', confidence: 0.5, language: 'en-GB' }, { text: 'yeah' }], provider: 'x' },
      },
    },
  )
})

t.test('speech confidence in every form a sender writes it becomes a number', async (t) => {
  const confidences = (raw: unknown[]) => {
    const result = parseWebhook('input', { uuid: 'u', speech: { results: raw.map((confidence) => ({ text: 'yes', confidence })) } })
    return result.ok ? result.value.speech?.results.map((r) => r.confidence) : result.issues
  }
  t.strictSame(confidences(['.91', '0.9405097', 0.5, '1', 1, '0', '-.5', '']), [0.91, 0.9405097, 0.5, 1, 1, 0, -0.5, undefined])
  t.strictSame(confidences(['.']), [{ path: ['speech', 'results', 0, 'confidence'], message: 'speech.results[0].confidence must be a number, a numeric string or null' }])
  t.strictSame(confidences(['9.1e-1']), [{ path: ['speech', 'results', 0, 'confidence'], message: 'speech.results[0].confidence must be a number, a numeric string or null' }])
})

t.test('invalid inputs name the field at fault', async (t) => {
  t.strictSame(parseWebhook('input', { dtmf: { digits: '1', timed_out: false } }), {
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid or conversation_uuid is required and must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('input', { uuid: '', dtmf: '1' }), {
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('input', { uuid: 'u', dtmf: '{"digits":"3",', speech: '{"results":[]}' }), {
    ok: false,
    issues: [{ path: ['dtmf'], message: 'dtmf must be valid JSON when sent as text' }],
  })
  t.strictSame(parseWebhook('input', { uuid: 'u', dtmf: 'one', speech: '[]' }), {
    ok: false,
    issues: [
      { path: ['dtmf'], message: 'dtmf must be an object or a string of DTMF digits' },
      { path: ['speech'], message: 'speech must be an object' },
    ],
  })
  t.strictSame(parseWebhook('input', { uuid: 'u', dtmf: { digits: 1, timed_out: 'yes' }, timed_out: 'maybe' }), {
    ok: false,
    issues: [
      { path: ['dtmf', 'digits'], message: 'dtmf.digits must be a string or null' },
      { path: ['dtmf', 'timed_out'], message: 'dtmf.timed_out must be a boolean' },
      { path: ['timed_out'], message: 'timed_out must be a boolean, "true" or "false"' },
    ],
  })
  t.strictSame(
    parseWebhook('input', { conversation_uuid: 'c', speech: { results: [{ text: 'hi', confidence: 'high' }, { confidence: 1 }], error: 3 } }),
    {
      ok: false,
      issues: [
        { path: ['speech', 'results', 0, 'confidence'], message: 'speech.results[0].confidence must be a number, a numeric string or null' },
        { path: ['speech', 'results', 1, 'text'], message: 'speech.results[1].text is required and must be a string' },
        { path: ['speech', 'error'], message: 'speech.error must be a string' },
      ],
    },
  )
  t.strictSame(parseWebhook('input', { uuid: 'u', speech: { results: {} } }), {
    ok: false,
    issues: [{ path: ['speech', 'results'], message: 'speech.results must be an array' }],
  })
})
