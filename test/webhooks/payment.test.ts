import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import {
  NormalizedPaymentSchema, PaymentWebhookSchema, classifyWebhook, isPaymentWebhook, normalizePayment, parseEvent, parseWebhook,
} from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

// The pay action's result, as Vonage's "Payments over the Phone" guide shows it (reference §1.11).
const leg = {
  from: '15551234567', to: '15557654321', type: 'payment', uuid: '041f4dffd9f4aa932512dd55e3abc123',
  conversation_uuid: 'CON-0e4a51ee-af50-41aa-bd2d-4e895edef456', timestamp: '2021-06-23T15:27:46.479Z',
}

t.test('the documented results parse as payments, POST and GET alike', async (t) => {
  t.strictSame(parseWebhook('payment', fixture('payment-success.json')), { ok: true, value: { ...leg, status: 'success' } })
  t.strictSame(parseWebhook('payment', fixture('payment-failure.json')), { ok: true, value: { ...leg, status: 'failure' } })
  t.strictSame(parseWebhook('payment', fixture('payment-get.query')), { ok: true, value: { ...leg, status: 'success' } })
  for (const name of ['payment-success.json', 'payment-failure.json']) {
    t.ok(Value.Check(PaymentWebhookSchema, fixture(name)), `${name} matches the route schema`)
    t.ok(isPaymentWebhook(fixture(name)), name)
    const result = parseWebhook('payment', fixture(name))
    t.ok(result.ok && Value.Check(NormalizedPaymentSchema, result.value), `${name} matches the normalised schema`)
  }
})

t.test('a payment that reaches the event URL is a payment, not a call event with an unknown status', async (t) => {
  // Vonage sends it to the call's event URL when the pay action has no eventUrl of its own.
  t.strictSame(parseEvent(fixture('payment-failure.json')), { kind: 'payment', ok: true, value: { ...leg, status: 'failure' } })
  t.equal(classifyWebhook(fixture('payment-success.json')), 'payment')
  const { type: _type, ...untyped } = leg
  t.equal(classifyWebhook({ ...untyped, status: 'success' }), 'payment', 'a success status without type')
  t.equal(classifyWebhook({ ...untyped, status: 'failure' }), 'payment', 'a failure status without type')
  t.equal(classifyWebhook({ ...untyped, status: 'completed' }), 'call_event')
})

t.test('legs that are not phone numbers, a null from, unknown keys and statuses are kept', async (t) => {
  t.strictSame(parseWebhook('payment', { from: null, to: 'Unknown', uuid: 'u', status: 'success', client_ref: 'web-1' }), {
    ok: true, value: { to: 'Unknown', uuid: 'u', status: 'success', client_ref: 'web-1' },
  })
  t.strictSame(parseWebhook('payment', { conversation_uuid: 'CON-1', status: 'timeout', type: 'payment' }), {
    ok: true, value: { conversation_uuid: 'CON-1', status: 'timeout', type: 'payment' },
  })
  t.strictSame(normalizePayment({ uuid: 'u', status: 'success' }), { uuid: 'u', status: 'success' })
})

t.test('invalid payments name the field at fault', async (t) => {
  t.strictSame(parseWebhook('payment', { type: 'payment', status: 'success' }), {
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid or conversation_uuid is required and must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('payment', { type: 'payment', uuid: 'u' }), {
    ok: false,
    issues: [{ path: ['status'], message: 'status is required and must be a non-empty string' }],
  })
  t.strictSame(parseWebhook('payment', { uuid: 'u', status: '', to: 15557654321 }), {
    ok: false,
    issues: [{ path: ['status'], message: 'status must be a non-empty string' }, { path: ['to'], message: 'to must be a string' }],
  })
  t.equal(isPaymentWebhook({ status: 'success' }), false)
})
