import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import {
  CallEventWebhookSchema, NormalizedCallEventSchema, callStatuses, decodeWebhook, isCallEventWebhook, isTranscribed,
  normalizeCallEvent, parseWebhook,
} from '../../src/webhooks/index.js'
import type { NormalizedCallEvent } from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

const uuid = '0A0000000123ABCD1'
const conversation_uuid = 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722'
const leg = { headers: {}, from: '14845552121', to: '16105553939', uuid, conversation_uuid }

const expected: Record<string, NormalizedCallEvent> = {
  'event-started.json': { ...leg, status: 'started', direction: 'inbound', timestamp: '2020-07-01T20:45:34.796Z' },
  'event-ringing.json': { ...leg, status: 'ringing', direction: 'inbound', timestamp: '2020-07-01T20:45:34.796Z' },
  // start_time, rate and network arrive as null: dropped.
  'event-answered.json': { ...leg, status: 'answered', direction: 'inbound', timestamp: '2020-07-01T20:45:35.084Z' },
  'event-busy.json': { ...leg, status: 'busy', sip_code: 486, direction: 'outbound', timestamp: '2020-07-01T20:45:40.100Z' },
  'event-cancelled.json': { ...leg, status: 'cancelled', direction: 'outbound', timestamp: '2020-07-01T20:45:40.200Z' },
  'event-unanswered.json': {
    ...leg, status: 'unanswered', detail: 'unavailable', sip_code: 480, direction: 'outbound', timestamp: '2020-07-01T20:45:40.300Z',
  },
  'event-rejected.json': {
    ...leg, status: 'rejected', detail: 'declined', sip_code: 603, direction: 'outbound', timestamp: '2020-07-01T20:45:40.400Z',
  },
  'event-failed.json': { ...leg, status: 'failed', detail: 'cannot_route', direction: 'outbound', timestamp: '2020-07-01T20:45:34.796Z' },
  'event-timeout.json': { ...leg, status: 'timeout', direction: 'outbound', timestamp: '2020-07-01T20:46:10.000Z' },
  'event-human.json': {
    from: '14845552121', to: '16105553939', uuid, call_uuid: uuid, conversation_uuid, status: 'human', direction: 'outbound',
    timestamp: '2020-07-01T20:45:38.000Z',
  },
  'event-machine.json': {
    from: '14845552121', to: '16105553939', uuid, call_uuid: uuid, conversation_uuid, status: 'machine', sub_state: 'beep_start',
    direction: 'outbound', timestamp: '2020-07-01T20:45:41.000Z',
  },
  'event-disconnected.json': {
    ...leg, headers: { 'X-Room': 'support' }, to: 'wss://ws.example.com/socket', status: 'disconnected', direction: 'outbound',
    timestamp: '2020-07-01T20:47:00.000Z',
  },
  'event-completed.json': {
    ...leg, status: 'completed', direction: 'inbound', timestamp: '2020-07-01T20:45:41.712Z',
    start_time: '2020-07-01T20:45:35.000Z', end_time: '2020-07-01T20:45:42.000Z', duration: 7, rate: 0.0045, price: 0.000525,
    network: 'US-VIRTUAL-LEVEL3', disconnected_by: 'user', sip_code: 200,
  },
  // GET form: every value is text, `headers` JSON-encoded.
  'event-completed-get.query': {
    ...leg, status: 'completed', direction: 'inbound', timestamp: '2020-07-01T20:45:41.712Z',
    start_time: '2020-07-01T20:45:35.000Z', end_time: '2020-07-01T20:45:42.000Z', duration: 7, rate: 0.0045, price: 0.000525,
    network: 'GB-FIXED', disconnected_by: 'platform', sip_code: 200,
  },
  // Legs of the Client SDK and of WebSockets: from and to are no phone numbers, from may be null, client_ref comes along.
  'event-app-answered.json': {
    headers: {}, from: 'Unknown', to: 'Alice', uuid: 'cccccccc-dddd-eeee-ffff-0123456789ab',
    conversation_uuid: 'CON-bbbbbbbb-cccc-dddd-eeee-0123456789ab', status: 'answered', direction: 'outbound',
    timestamp: '2023-05-02T10:15:04.210Z', client_ref: 'web-7f3a',
  } as NormalizedCallEvent,
  'event-websocket-started.json': {
    headers: {}, to: fixture('event-websocket-started.json').to as string, uuid: 'dddddddd-eeee-ffff-0000-0123456789ab',
    conversation_uuid: 'CON-bbbbbbbb-cccc-dddd-eeee-0123456789ab', status: 'started', direction: 'outbound',
    timestamp: '2023-05-02T10:15:05.001Z',
  },
  'event-transcribed.json': {
    status: 'transcribed', type: 'record', recording_uuid: '2e7855d6-b952-45ac-bd92-c0a99103095f',
    transcription_url: 'https://api.nexmo.com/v1/files/5f6e7d8c-aaaa-bbbb-cccc-0123456789ab', conversation_uuid,
    timestamp: '2020-07-14T01:23:30.000Z',
  },
}

t.test('every fixture normalises to the complete expected event', async (t) => {
  for (const [name, value] of Object.entries(expected)) {
    const result = parseWebhook('call_event', fixture(name))
    t.strictSame(result, { ok: true, value }, name)
    t.ok(result.ok && Value.Check(NormalizedCallEventSchema, result.value), `${name} matches the normalised schema`)
  }
})

t.test('there is a fixture for every status the reference lists', async (t) => {
  const covered = new Set(Object.values(expected).map((event) => event.status))
  t.strictSame(callStatuses.filter((status) => !covered.has(status)), [])
})

t.test('the received JSON fixtures match the route schema once decoded (a top-level null counts as absent)', async (t) => {
  for (const name of Object.keys(expected).filter((name) => name.endsWith('.json'))) {
    const { payload } = decodeWebhook('call_event', fixture(name))
    t.ok(Value.Check(CallEventWebhookSchema, payload), name)
    t.ok(isCallEventWebhook(payload), name)
  }
})

t.test('a WebSocket leg with a long query in its URI parses; from and to stay bounded', async (t) => {
  t.ok(String(fixture('event-websocket-started.json').to).length > 256, 'the fixture URI is longer than an id')
  const prefix = 'wss://ws.example.com/socket?'
  const to = `${prefix}${'q'.repeat(2048 - prefix.length)}`
  t.strictSame(parseWebhook('call_event', { status: 'started', uuid: 'u', from: null, to }), { ok: true, value: { status: 'started', uuid: 'u', to } })
  t.strictSame(parseWebhook('call_event', { status: 'started', uuid: 'u', to: `${to}q` }), {
    ok: false, issues: [{ path: ['to'], message: 'to must be at most 2048 characters' }],
  })
})

t.test('numbers sent as text, as empty text or as null', async (t) => {
  t.strictSame(
    normalizeCallEvent({ status: 'completed', uuid: 'u', duration: '12', rate: '', price: null, sip_code: '486', network: '' }),
    { status: 'completed', uuid: 'u', duration: 12, sip_code: 486, network: '' },
  )
  t.strictSame(normalizeCallEvent({ status: 'completed', uuid: 'u', duration: 12, rate: 0.1, price: -0.5 }), {
    status: 'completed', uuid: 'u', duration: 12, rate: 0.1, price: -0.5,
  })
})

t.test('machine detection: uuid comes from call_uuid, and uuid wins when both are sent', async (t) => {
  t.strictSame(parseWebhook('call_event', { status: 'machine', call_uuid: 'leg', sub_state: 'beep_timeout' }), {
    ok: true, value: { status: 'machine', uuid: 'leg', call_uuid: 'leg', sub_state: 'beep_timeout' },
  })
  t.strictSame(parseWebhook('call_event', { status: 'human', uuid: 'a', call_uuid: 'b' }), {
    ok: true, value: { status: 'human', uuid: 'a', call_uuid: 'b' },
  })
})

t.test('unknown statuses, details and keys are kept', async (t) => {
  t.strictSame(parseWebhook('call_event', { status: 'on_hold', uuid: 'u', detail: 'new_detail', extra: [1, 2] }), {
    ok: true, value: { status: 'on_hold', uuid: 'u', detail: 'new_detail', extra: [1, 2] },
  })
})

t.test('isTranscribed tells the transcription event apart', async (t) => {
  const transcribed = parseWebhook('call_event', fixture('event-transcribed.json'))
  const completed = parseWebhook('call_event', fixture('event-completed.json'))
  t.equal(transcribed.ok && isTranscribed(transcribed.value), true)
  t.equal(completed.ok && isTranscribed(completed.value), false)
})

t.test('invalid events name the field at fault', async (t) => {
  t.strictSame(parseWebhook('call_event', { status: 'answered', conversation_uuid: 'c' }), {
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid or call_uuid is required and must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('call_event', { status: 'answered', uuid: '' }), {
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('call_event', { status: 'machine', call_uuid: '' }), {
    ok: false,
    issues: [{ path: ['call_uuid'], message: 'call_uuid must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('call_event', { status: '', uuid: 'u' }), {
    ok: false,
    issues: [{ path: ['status'], message: 'status must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('call_event', { uuid: 'u', duration: 'seven', sip_code: true, start_time: 5, headers: 'x' }), {
    ok: false,
    issues: [
      { path: ['status'], message: 'status is required and must be a non-empty string' },
      { path: ['sip_code'], message: 'sip_code must be a number, a numeric string or null' },
      { path: ['duration'], message: 'duration must be a number, a numeric string or null' },
      { path: ['start_time'], message: 'start_time must be a string or null' },
      { path: ['headers'], message: 'headers must be an object' },
    ],
  })
  t.strictSame(parseWebhook('call_event', { status: 'completed', uuid: 'u', headers: '{"X-Room":' }), {
    ok: false,
    issues: [{ path: ['headers'], message: 'headers must be valid JSON when sent as text' }],
  })
  t.equal(isCallEventWebhook({ status: 'answered' }), false)
  t.equal(isCallEventWebhook('answered'), false)
})

t.test('a transcribed event is checked as one', async (t) => {
  t.strictSame(parseWebhook('call_event', { status: 'transcribed', type: 'record', uuid: 'u', conversation_uuid: 'c' }), {
    ok: false,
    issues: [
      { path: ['recording_uuid'], message: 'recording_uuid is required and must be a non-empty string' },
      { path: ['transcription_url'], message: 'transcription_url is required and must be a non-empty string' },
    ],
  })
})
