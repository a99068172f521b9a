// DESIGN.md §6 rule 5: a callback for a call the store does not have (expired, or a store that lost it) is answered
// from the flow and step in its URL with fresh context, logged as a warning, and creates the record.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { at, level, talks, testServer, validNcco } from './fixtures/app.js'

const recordings: Record<string, unknown>[] = []

const menu = flow('lost', { context: { visits: 0, name: 'fresh' } }).steps({
  welcome: (s) => s
    .update(({ context }) => ({ visits: context.visits + 1, name: 'answered' }))
    .talk('Welcome.', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'menu')
    .otherwise('welcome'),
  menu: (s) => s
    .update(({ context }) => ({ visits: context.visits + 1 }))
    .talk(({ context }) => `Menu, visit ${context.visits}, context ${context.name}.`, { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'menu')
    .on({ dtmf: '2' }, 'voicemail')
    .otherwise('menu'),
  voicemail: (s) => s
    .talk('Leave a message.')
    .record({ endOnKey: '#' }, (payload) => {
      recordings.push(payload)
    })
    .notify({ done: true })
    .goto('bye'),
  bye: (s) => s.talk('Bye.'),
})

t.test('an input for an unknown call is answered from the URL\'s flow and step with fresh context', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  t.equal(server.store.size, 0)
  const res = await server.input('lost', 'menu', 'ghost', '1')
  // From `menu` (not `welcome`): `1` loops to `menu`, whose update runs once on the flow's initial context.
  t.same(talks(validNcco(t, res)), ['Menu, visit 1, context fresh.'])
  const record = await server.record('ghost')
  t.ok(record, 'the record is created')
  t.equal(record?.flow, 'lost')
  t.equal(record?.state.value, 'menu')
  t.same(record?.state.context.ctx, { visits: 1, name: 'fresh' })
  t.same(record?.call, { uuid: 'ghost', conversationUuid: 'CON-ghost' })
  t.same(record?.history.map((h) => h.event), ['input'])
  const warning = server.at(level.warn).find((l) => l.msg?.includes('does not know'))
  t.ok(warning, 'logged as a warning')
  t.equal(warning?.level, level.warn)
  t.match(warning, { uuid: 'ghost', flow: 'lost', step: 'menu', segment: 'input' })

  // The next callback finds the record it created.
  const next = await server.input('lost', 'menu', 'ghost', '1', { timestamp: at(20) })
  t.same(talks(JSON.parse(next.body)), ['Menu, visit 2, context fresh.'])
  t.equal(server.at(level.warn).filter((l) => l.msg?.includes('does not know')).length, 1)
})

t.test('a notify for an unknown call (conversation_uuid only) continues from its step', async (t) => {
  const server = await testServer(t, { flows: [menu] })
  const res = await server.post('/flows/lost/voicemail/notify', { payload: { done: true }, conversation_uuid: 'CON-gone', timestamp: at(1) })
  t.same(validNcco(t, res), [{ action: 'talk', text: 'Bye.' }])
  const record = await server.record('CON-gone')
  t.equal(record?.state.value, 'bye')
  t.same(record?.call, { uuid: 'CON-gone', conversationUuid: 'CON-gone' })
  t.ok(server.at(level.warn).some((l) => l.uuid === 'CON-gone' && l.step === 'voicemail'))
})

t.test('a recording for an unknown call runs its handler and creates the record', async (t) => {
  recordings.length = 0
  const server = await testServer(t, { flows: [menu] })
  const payload = { recording_url: 'https://api.nexmo.com/v1/files/r1', recording_uuid: 'r1', conversation_uuid: 'CON-old', size: '1234', timestamp: at(3) }
  const res = await server.post('/flows/lost/voicemail/record', payload)
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  await server.app.nccoflow.runtime.drain()
  t.same(recordings, [{ ...payload, size: 1234 }], 'the handler got the normalised payload')
  const record = await server.record('CON-old')
  t.equal(record?.state.value, 'voicemail')
  t.same(record?.history, [{ event: 'record', at: at(3) }])
  t.ok(server.at(level.warn).some((l) => l.uuid === 'CON-old' && l.flow === 'lost' && l.step === 'voicemail' && l.segment === 'record'))
})

t.test('a callback whose stored call belongs to another flow is treated as unknown', async (t) => {
  const other = flow('other').steps({ hello: (s) => s.talk('Hi.', { bargeIn: true }).input({ type: ['dtmf'] }).otherwise('hello') })
  const server = await testServer(t, { flows: [menu, other], defaultFlow: 'other' })
  await server.answer('mixed')
  const res = await server.input('lost', 'menu', 'mixed', '9')
  t.same(talks(JSON.parse(res.body)), ['Menu, visit 1, context fresh.'])
  t.equal((await server.record('mixed'))?.flow, 'lost')
})
