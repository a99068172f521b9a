import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { decodeWebhook, parseEvent, parseWebhook, webhookSchemas } from '../../src/webhooks/index.js'
import type { PayloadKind } from '../../src/webhooks/index.js'
import { fixture } from '../fixtures/webhooks/load.js'

const kinds: PayloadKind[] = ['answer', 'call_event', 'transfer', 'input', 'record', 'error', 'notify', 'payment', 'fallback']

t.test('parseEvent classifies, then parses as that kind', async (t) => {
  t.strictSame(parseEvent(fixture('event-machine.json')), {
    kind: 'call_event',
    ok: true,
    value: {
      from: '14845552121', to: '16105553939', uuid: '0A0000000123ABCD1', call_uuid: '0A0000000123ABCD1',
      conversation_uuid: 'CON-2541d01c-253e-48be-a8e0-da4bbe4c3722', status: 'machine', sub_state: 'beep_start',
      direction: 'outbound', timestamp: '2020-07-01T20:45:41.000Z',
    },
  })
  t.strictSame(parseEvent(fixture('input-dtmf-get.query')), { kind: 'input', ...parseWebhook('input', fixture('input-dtmf-get.query')) })
  for (const name of ['transfer.json', 'record-get.query', 'error.json', 'notify-get.query']) {
    const result = parseEvent(fixture(name))
    t.equal(result.ok, true, name)
  }
})

t.test('parseEvent reports a failure with the kind it chose', async (t) => {
  t.strictSame(parseEvent({ status: 'answered' }), {
    kind: 'call_event',
    ok: false,
    issues: [{ path: ['uuid'], message: 'uuid or call_uuid is required and must be a non-empty string' }],
  })
  t.strictSame(parseEvent({ uuid: 'u', conversation_uuid: 'c' }), {
    kind: 'unknown',
    ok: false,
    issues: [{ path: [], message: 'payload is not a known Vonage event: it has no status, dtmf, speech, recording_url, reason, payload or transfer field' }],
  })
  t.strictSame(parseEvent('status=answered'), { kind: 'unknown', ok: false, issues: [{ path: [], message: 'payload must be an object' }] })
})

t.test('every kind rejects a body that is not an object', async (t) => {
  for (const kind of kinds) {
    for (const raw of [null, 'uuid=u', [], 7]) {
      t.strictSame(parseWebhook(kind, raw), { ok: false, issues: [{ path: [], message: 'payload must be an object' }] }, kind)
    }
  }
})

t.test('decodeWebhook drops top-level nulls into a copy; a payload it need not change is given back as it is', async (t) => {
  const raw = { uuid: 'u', rate: null, dtmf: { digits: '1', timed_out: false } }
  const { payload } = decodeWebhook('input', raw)
  t.strictSame(payload, { uuid: 'u', dtmf: { digits: '1', timed_out: false } })
  t.strictSame(raw, { uuid: 'u', rate: null, dtmf: { digits: '1', timed_out: false } }, 'the input is not changed')
  const clean = { uuid: 'u', dtmf: { digits: '1', timed_out: false } }
  t.equal(decodeWebhook('input', clean).payload, clean, 'nothing to change: no copy')
})

t.test('decodeWebhook decodes only JSON-looking text in the declared fields, into a copy', async (t) => {
  const raw = { dtmf: '123', speech: ' {"results":[]}', payload: '{"a":1}', uuid: 'u' }
  t.strictSame(decodeWebhook('input', raw), {
    payload: { dtmf: '123', speech: { results: [] }, payload: '{"a":1}', uuid: 'u' },
    issues: [],
  })
  t.strictSame(raw, { dtmf: '123', speech: ' {"results":[]}', payload: '{"a":1}', uuid: 'u' }, 'the input is not changed')
  t.strictSame(decodeWebhook('record', { size: '[1' }), { payload: { size: '[1' }, issues: [] }, 'record has no JSON fields')
  t.strictSame(decodeWebhook('notify', { payload: '[1' }), {
    payload: { payload: '[1' },
    issues: [{ path: ['payload'], message: 'payload must be valid JSON when sent as text' }],
  })
})

t.test('webhookSchemas are plain JSON Schema objects for every kind', async (t) => {
  t.strictSame(Object.keys(webhookSchemas).sort(), [...kinds].sort())
  for (const kind of kinds) {
    const schema = JSON.parse(JSON.stringify(webhookSchemas[kind]))
    t.ok(schema.type === 'object' || Array.isArray(schema.anyOf), kind)
  }
  t.ok(Value.Check(webhookSchemas.answer, fixture('answer-post.json')))
})

t.test('a GET form and its POST form normalise alike', async (t) => {
  const post = parseWebhook('input', fixture('input-dtmf.json'))
  const get = parseWebhook('input', fixture('input-dtmf-get.query'))
  t.ok(post.ok && get.ok)
  if (post.ok && get.ok) t.strictSame({ ...get.value, dtmf: undefined, timestamp: undefined }, { ...post.value, dtmf: undefined, timestamp: undefined })
})

t.test('null is the first member of every union that allows it, so a coercing validator keeps it null', async (t) => {
  const unionsWithNull: unknown[][] = []
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (typeof node !== 'object' || node === null) return
    const { anyOf } = node as { anyOf?: { type?: string }[] }
    if (anyOf?.some((member) => member.type === 'null')) unionsWithNull.push(anyOf)
    Object.values(node).forEach(walk)
  }
  walk(JSON.parse(JSON.stringify(webhookSchemas)))
  t.ok(unionsWithNull.length > 0)
  for (const anyOf of unionsWithNull) t.strictSame(anyOf[0], { type: 'null' })
})

t.test('a payload with a "__proto__" field keeps it as a plain field: nothing gains a prototype', async (t) => {
  const raw = JSON.parse('{"uuid":"u","conversation_uuid":"c","__proto__":{"polluted":true},"dtmf":{"digits":"1","timed_out":false}}') as Record<string, unknown>
  const result = parseWebhook('input', raw)
  t.ok(result.ok)
  const value = (result as { value: Record<string, unknown> }).value
  t.equal(Object.getPrototypeOf(value), Object.prototype)
  t.strictSame(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: true })
  t.equal((value as { polluted?: unknown }).polluted, undefined)
  t.equal(({} as { polluted?: unknown }).polluted, undefined)
})
