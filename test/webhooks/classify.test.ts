import t from 'tap'
import { classifyWebhook, webhookKindRules } from '../../src/webhooks/index.js'
import type { WebhookKind } from '../../src/webhooks/index.js'
import { fixture, fixtureNames } from '../fixtures/webhooks/load.js'

// The kind of every fixture. Answer and fallback requests have routes of their own and are not events:
// an answer has none of the event keys, and a fallback carries `reason` next to its original payload.
const kinds: Record<string, WebhookKind> = {
  'answer-app-get.query': 'unknown',
  'answer-app-to-app.json': 'unknown',
  'answer-app.json': 'unknown',
  'answer-get.query': 'unknown',
  'answer-post.json': 'unknown',
  'answer-sip.json': 'unknown',
  'error-get.query': 'error',
  'error.json': 'error',
  'event-answered.json': 'call_event',
  'event-app-answered.json': 'call_event',
  'event-busy.json': 'call_event',
  'event-cancelled.json': 'call_event',
  'event-completed-get.query': 'call_event',
  'event-completed.json': 'call_event',
  'event-disconnected.json': 'call_event',
  'event-failed.json': 'call_event',
  'event-human.json': 'call_event',
  'event-machine.json': 'call_event',
  'event-rejected.json': 'call_event',
  'event-ringing.json': 'call_event',
  'event-started.json': 'call_event',
  'event-timeout.json': 'call_event',
  'event-transcribed.json': 'call_event',
  'event-unanswered.json': 'call_event',
  'event-websocket-started.json': 'call_event',
  'fallback-answer.json': 'error',
  'fallback-event.json': 'input',
  'fallback-get.query': 'error',
  'input-app-speech.json': 'input',
  'input-conversation-only.json': 'input',
  'input-dtmf-get.query': 'input',
  'input-dtmf.json': 'input',
  'input-old-get.query': 'input',
  'input-old.json': 'input',
  'input-reference.json': 'input',
  'input-speech-get.query': 'input',
  'input-speech.json': 'input',
  'notify-get.query': 'notify',
  'notify.json': 'notify',
  'payment-failure.json': 'payment',
  'payment-get.query': 'payment',
  'payment-success.json': 'payment',
  'record-get.query': 'record',
  'record.json': 'record',
  'transfer.json': 'transfer',
}

t.test('every fixture is classified', async (t) => {
  t.strictSame(Object.keys(kinds).sort(), [...fixtureNames], 'the table lists every fixture')
  for (const [name, kind] of Object.entries(kinds)) t.equal(classifyWebhook(fixture(name)), kind, name)
})

t.test('rules apply in the reference order', async (t) => {
  t.strictSame(webhookKindRules.map((rule) => rule.kind), ['transfer', 'payment', 'call_event', 'input', 'record', 'error', 'notify'])
  t.equal(classifyWebhook({ type: 'transfer', status: 'answered' }), 'transfer', 'type transfer before status')
  t.equal(classifyWebhook({ conversation_uuid_from: 'CON-1', conversation_uuid_to: 'CON-2' }), 'transfer', 'conversation_uuid_from alone')
  t.equal(classifyWebhook({ status: 'transcribed', type: 'record', recording_uuid: 'r' }), 'call_event', 'transcribed is a call event')
  t.equal(classifyWebhook({ speech: { results: [] } }), 'input', 'speech without dtmf')
  t.equal(classifyWebhook({ dtmf: '1', recording_url: 'x' }), 'input', 'dtmf before recording_url')
  t.equal(classifyWebhook({ recording_url: 'x', reason: 'y' }), 'record', 'recording_url before reason')
  t.equal(classifyWebhook({ reason: 'y', payload: {} }), 'error', 'reason before payload')
  t.equal(classifyWebhook({ payload: {} }), 'notify')
  t.equal(classifyWebhook({ type: 'record' }), 'unknown', 'a type other than transfer decides nothing')
  t.equal(classifyWebhook({ status: undefined, uuid: 'u' }), 'unknown', 'an undefined key counts as absent')
})

t.test('bodies that are not objects are unknown', async (t) => {
  for (const body of [null, undefined, 'status=answered', 42, [{ status: 'answered' }]]) t.equal(classifyWebhook(body), 'unknown')
})
