import t from 'tap'
import { buildServer, flow, phone, validateNcco } from '../../src/index.js'

const publicUrl = 'https://ivr.test'
const json = (payload: unknown) => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) })

t.test('a connect failure that arrives while the call is elsewhere, and its duplicate, both carry on', async (t) => {
  const app = await buildServer({
    flows: [flow('c').steps({
      menu: (s) => s.talk('Press 1', { bargeIn: true }).input({ type: ['dtmf'] }).on({ dtmf: '1' }, 'sales').otherwise('menu'),
      sales: (s) => s.connect(phone('447700900001'), { eventType: 'synchronous' }).onFailure('sorry'),
      sorry: (s) => s.talk('Sorry'),
    })],
    publicUrl,
  })
  t.teardown(() => app.close())
  await app.inject({ method: 'GET', url: '/answer?uuid=e-1&conversation_uuid=CON-e-1' })
  const busy = { uuid: 'leg-2', conversation_uuid: 'CON-e-1', status: 'busy', timestamp: '2026-01-01T00:00:01.000Z' }
  // The call is still at the menu: the connect callback is late (or early), and must not move it.
  const first = await app.inject({ url: '/flows/c/sales/connect', ...json(busy) })
  t.strictSame([first.statusCode, first.json()], [200, []])
  const again = await app.inject({ url: '/flows/c/sales/connect', ...json({ ...busy, timestamp: '2026-01-01T00:00:01.000Z' }) })
  t.strictSame([again.statusCode, again.json()], [200, []])
  t.equal((await app.nccoflow.runtime.findCall('e-1'))?.value.state.value, 'menu')
})

t.test('the fallback URL answers a safe NCCO whatever the body', async (t) => {
  const app = await buildServer({ flows: [flow('f', { fallback: 'Sorry.' }).steps({ a: (s) => s.talk('a') })], publicUrl })
  t.teardown(() => app.close())
  for (const payload of [[], { uuid: 42, reason: ['x'] }, { reason: 'Socket timeout.', original_request: { url: 'https://ivr.test/answer', type: 'answer' } }]) {
    const response = await app.inject({ url: '/fallback', ...json(payload) })
    t.equal(response.statusCode, 200, JSON.stringify(payload))
    t.strictSame(response.json(), [{ action: 'talk', text: 'Sorry.' }])
    t.strictSame(validateNcco(response.json()).filter((i) => i.severity === 'error'), [])
  }
})

t.test('a notify handler gets the notify payload after the state is saved, and the call goes on', async (t) => {
  const seen: unknown[] = []
  const app = await buildServer({
    flows: [flow('n', { context: { order: 'A1' } }).steps({
      wait: (s) => s
        .talk('Checking your order.')
        .notify(({ context }) => ({ order: context.order }), undefined, (event, { call, context }) => {
          seen.push({ payload: event.payload, step: call.step, context })
        })
        .goto('done'),
      done: (s) => s.talk('Done.'),
    })],
    publicUrl,
  })
  t.teardown(() => app.close())
  const answer = await app.inject({ method: 'GET', url: '/answer?uuid=nh-1&conversation_uuid=CON-nh-1' })
  t.strictSame(answer.json(), [
    { action: 'talk', text: 'Checking your order.' },
    { action: 'notify', payload: { order: 'A1' }, eventUrl: ['https://ivr.test/flows/n/wait/notify'] },
  ])
  const notified = await app.inject({ url: '/flows/n/wait/notify', ...json({ conversation_uuid: 'CON-nh-1', payload: { order: 'A1' }, timestamp: '2026-01-01T00:00:01.000Z' }) })
  t.strictSame(notified.json(), [{ action: 'talk', text: 'Done.' }])
  await app.nccoflow.runtime.drain()
  t.strictSame(seen, [{ payload: { order: 'A1' }, step: 'wait', context: { order: 'A1' } }])
})
