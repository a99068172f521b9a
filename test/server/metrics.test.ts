// Issue 10, metrics: METRICS=1 serves Prometheus text at GET /metrics; off, /metrics is a 404.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { StoreUnavailableError } from '../../src/runtime/store/index.js'
import { at, conv, testServer, validNcco } from './fixtures/app.js'

const menu = flow('menu', { fallback: 'Sorry.' }).steps({
  start: (s) => s.talk('Press 1 to leave a message, 2 to break.', { bargeIn: true }).input({ type: ['dtmf'] })
    .on({ dtmf: '1' }, 'message').on({ dtmf: '2' }, 'broken').otherwise('start'),
  message: (s) => s.record({ endOnKey: '#' }, () => {
    throw new Error('the recording handler failed')
  }).talk('Thanks.'),
  broken: (s) => s.update(() => {
    throw new Error('the step failed')
  }).talk('never'),
})

/** The value of one sample in Prometheus text, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null || match[1] !== name) continue
    const have = (match[2] ?? '').split(',').filter((l) => l !== '')
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(match[3])
  }
  return undefined
}

t.test('metrics are off unless asked for: /metrics is a 404 and no registry exists', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  t.equal((await server.get('/metrics')).statusCode, 404)
  t.equal(server.app.nccoflow.metrics, undefined)
  t.notOk(server.app.nccoflow.routes.some((r) => r.url === '/metrics'))
})

t.test('a whole call counted: webhooks by kind and status, durations, active calls, process metrics', async (t) => {
  const server = await testServer(t, { flows: [menu], metrics: true })
  t.ok(server.app.nccoflow.routes.some((r) => r.url === '/metrics' && r.kind === 'metrics'))
  validNcco(t, await server.answer('m1'))
  let text = (await server.get('/metrics')).body
  t.equal(sample(text, 'nccoflow_active_calls'), 1, 'answered: one active call')
  validNcco(t, await server.input('menu', 'start', 'm1', '9'))
  validNcco(t, await server.input('menu', 'start', 'm1', '1'))
  t.equal((await server.post('/flows/menu/message/record', { recording_url: 'https://api.nexmo.com/v1/files/r1', recording_uuid: 'r1', conversation_uuid: conv('m1'), timestamp: at(5) })).statusCode, 204)
  t.equal((await server.post('/event', { uuid: 'm1', conversation_uuid: conv('m1'), status: 'completed', timestamp: at(9) })).statusCode, 204)
  t.equal((await server.post('/event', { uuid: 'm1' })).statusCode, 400, 'a bad event is counted with its status')
  await server.app.nccoflow.runtime.drain()
  const res = await server.get('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  text = res.body
  t.equal(sample(text, 'nccoflow_webhooks_total', { kind: 'answer', status: '200' }), 1)
  t.equal(sample(text, 'nccoflow_webhooks_total', { kind: 'input', status: '200' }), 2)
  t.equal(sample(text, 'nccoflow_webhooks_total', { kind: 'record', status: '204' }), 1)
  t.equal(sample(text, 'nccoflow_webhooks_total', { kind: 'event', status: '204' }), 1)
  t.equal(sample(text, 'nccoflow_webhooks_total', { kind: 'event', status: '400' }), 1)
  t.equal(sample(text, 'nccoflow_webhook_duration_seconds_count', { kind: 'input' }), 2)
  t.equal(sample(text, 'nccoflow_webhook_duration_seconds_bucket', { kind: 'input', le: '+Inf' }), 2)
  t.equal(sample(text, 'nccoflow_active_calls'), 0, 'completed: none active')
  t.equal(sample(text, 'nccoflow_flow_errors_total', { flow: 'menu' }), 1, 'the recording handler that threw')
  t.equal(sample(text, 'nccoflow_fallbacks_total', { reason: 'flow_error' }), undefined, 'no fallback so far')
  t.ok((sample(text, 'process_cpu_user_seconds_total') ?? -1) >= 0, 'node\'s default process metrics')
  t.ok((sample(text, 'nodejs_heap_size_used_bytes') ?? 0) > 0)
  t.equal(sample(text, 'nccoflow_webhooks_total', { kind: 'metrics', status: '200' }), undefined, 'scrapes are not webhooks')
})

t.test('fallbacks are counted by reason, and errors of a flow\'s code by flow', async (t) => {
  const server = await testServer(t, { flows: [menu], metrics: true, logLevel: 'fatal' })
  await server.answer('f1')
  t.strictSame(validNcco(t, await server.input('menu', 'start', 'f1', '2')), [{ action: 'talk', text: 'Sorry.' }])
  t.strictSame(validNcco(t, await server.post('/answer', { to: '447700900100' })), [{ action: 'talk', text: 'Sorry.' }], 'an answer without a uuid')
  t.strictSame(validNcco(t, await server.post('/flows/menu/start/input', '{"uuid":', 'application/json')), [{ action: 'talk', text: 'Sorry.' }], 'a body that is not JSON')
  t.strictSame(validNcco(t, await server.post('/flows/menu/start/input', { dtmf: 'nope' })), [{ action: 'talk', text: 'Sorry.' }], 'a payload that does not parse')
  validNcco(t, await server.post('/fallback', { uuid: 'f1', conversation_uuid: conv('f1'), reason: 'Socket timeout.' }))
  const get = server.store.get
  server.store.get = () => Promise.reject(new StoreUnavailableError('Redis: connection refused'))
  t.strictSame(validNcco(t, await server.answer('f2')), [{ action: 'talk', text: 'Sorry.' }])
  t.equal((await server.post('/event', { uuid: 'f1', conversation_uuid: conv('f1'), status: 'answered', timestamp: at(1) })).statusCode, 503, 'an event when the store is down: Vonage retries it')
  server.store.get = get
  const text = (await server.get('/metrics')).body
  t.equal(sample(text, 'nccoflow_fallbacks_total', { reason: 'flow_error' }), 1)
  t.equal(sample(text, 'nccoflow_fallbacks_total', { reason: 'bad_request' }), 3)
  t.equal(sample(text, 'nccoflow_fallbacks_total', { reason: 'fallback_url' }), 1)
  t.equal(sample(text, 'nccoflow_fallbacks_total', { reason: 'store_unavailable' }), 1)
  t.equal(sample(text, 'nccoflow_flow_errors_total', { flow: 'menu' }), 1, 'the step that threw; a store that is down is not the flow\'s error')
  t.equal(sample(text, 'nccoflow_webhooks_total', { kind: 'event', status: '503' }), 1)
})

t.test('two servers in one process keep their own metrics', async (t) => {
  const a = await testServer(t, { flows: [menu], metrics: true })
  const b = await testServer(t, { flows: [menu], metrics: true })
  await a.answer('a1')
  t.equal(sample((await a.get('/metrics')).body, 'nccoflow_webhooks_total', { kind: 'answer', status: '200' }), 1)
  t.equal(sample((await b.get('/metrics')).body, 'nccoflow_webhooks_total', { kind: 'answer', status: '200' }), undefined)
})

t.test('docs/observability.md names every nccoflow metric and fallback reason, and the command reads METRICS', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { settings } = await import('../../src/cli/main.js')
  const doc = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')
  const server = await testServer(t, { flows: [menu], metrics: true })
  const names = (await server.app.nccoflow.metrics?.getMetricsAsJSON() ?? []).map((m) => m.name).filter((n) => n.startsWith('nccoflow_'))
  t.strictSame(names.sort(), ['nccoflow_active_calls', 'nccoflow_fallbacks_total', 'nccoflow_flow_errors_total', 'nccoflow_webhook_duration_seconds', 'nccoflow_webhooks_total'])
  for (const name of names) t.match(doc, `\`${name}\``, `${name} is documented`)
  for (const reason of ['flow_error', 'store_unavailable', 'store_conflict', 'bad_request', 'fallback_url']) t.match(doc, `\`${reason}\``, `reason ${reason} is documented`)
  t.match(doc, 'METRICS=1')
  t.equal(settings({ METRICS: '1' }).metrics, true)
})
