import t from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import { HISTORY_LIMIT, addHistory, fromStored, toStored, type CallRecord, type HistoryEntry } from '../../src/runtime/call-record.js'
import { CallRuntime } from '../../src/runtime/runtime.js'
import { createMemoryStore } from '../../src/runtime/store/memory.js'

const ts = (second: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, second)).toISOString()

t.test('an entry already there returns the same array', async (t) => {
  const history: HistoryEntry[] = [{ event: 'status:answered', at: ts(1) }]
  t.equal(addHistory(history, { event: 'status:answered', at: ts(1) }), history, 'same event and timestamp')
  t.not(addHistory(history, { event: 'status:answered', at: ts(2) }), history, 'another timestamp is another event')
  t.not(addHistory(history, { event: 'status:ringing', at: ts(1) }), history, 'another event at the same time')
  t.not(addHistory(history, { event: 'status:answered', at: ts(1), leg: 'other' }), history, 'the same status of another leg')
  const withLeg = addHistory(history, { event: 'status:answered', at: ts(1), leg: 'other' })
  t.equal(addHistory(withLeg, { event: 'status:answered', at: ts(1), leg: 'other' }), withLeg)
})

t.test('entries are kept in timestamp order, whatever the arrival order', async (t) => {
  let history: readonly HistoryEntry[] = []
  for (const [event, second] of [['status:completed', 9], ['status:started', 1], ['status:answered', 3], ['status:ringing', 2], ['input', 5]] as const) {
    history = addHistory(history, { event, at: ts(second) })
  }
  t.same(history.map((h) => h.event), ['status:started', 'status:ringing', 'status:answered', 'input', 'status:completed'])
  // Equal timestamps keep arrival order.
  const tied = addHistory(addHistory([], { event: 'b', at: ts(1) }), { event: 'a', at: ts(1) })
  t.same(tied.map((h) => h.event), ['b', 'a'])
})

t.test('the input array is never changed', async (t) => {
  const history = Object.freeze([{ event: 'x', at: ts(5) }]) as readonly HistoryEntry[]
  const next = addHistory(history, { event: 'y', at: ts(1) })
  t.same(history, [{ event: 'x', at: ts(5) }])
  t.same(next.map((h) => h.event), ['y', 'x'])
})

t.test('at most HISTORY_LIMIT entries are kept, dropping the oldest', async (t) => {
  t.equal(HISTORY_LIMIT, 50)
  let history: readonly HistoryEntry[] = []
  for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) history = addHistory(history, { event: `e${i}`, at: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString() })
  t.equal(history.length, HISTORY_LIMIT)
  t.equal(history[0]?.event, 'e5', 'the five oldest were dropped')
  t.equal(history.at(-1)?.event, `e${HISTORY_LIMIT + 4}`)
  // A late entry older than everything kept is dropped at once.
  const late = addHistory(history, { event: 'late', at: ts(0).replace('2025', '2024') })
  t.equal(late.length, HISTORY_LIMIT)
  t.notOk(late.some((h) => h.event === 'late'))
  // A newer one pushes the oldest out.
  const newer = addHistory(history, { event: 'newest', at: '2030-01-01T00:00:00.000Z' })
  t.equal(newer[0]?.event, 'e6')
  t.equal(newer.at(-1)?.event, 'newest')
})

t.test('a record is stored without the conversation uuid it is stored under, and read back with it', async (t) => {
  const record = (call: CallRecord['call']): CallRecord => ({ flow: 'f', flowVersion: 'v', call, state: { value: 'menu', context: { ctx: {} } }, ended: false, history: [], createdAt: 1, updatedAt: 1 })
  const full = record({ uuid: 'leg-1', conversationUuid: 'CON-1', from: '447700900123' })
  t.strictSame(toStored('CON-1', full).call, { uuid: 'leg-1', from: '447700900123' }, 'the key says it')
  t.strictSame(fromStored('CON-1', toStored('CON-1', full)), full, 'read back whole')
  const byLeg = record({ uuid: 'leg-2' })
  t.equal(toStored('leg-2', byLeg), byLeg, 'a call stored under its leg (the answer had no conversation uuid) is kept as it is')
  t.equal(fromStored('leg-2', byLeg), byLeg, 'and read as it is')
  const other = record({ uuid: 'leg-3', conversationUuid: 'CON-3' })
  t.equal(toStored('CON-9', other), other, 'a conversation uuid that is not the key is kept')
  const conversationOnly = record({ uuid: 'CON-5', conversationUuid: 'CON-5' })
  t.equal(toStored('CON-5', conversationOnly), conversationOnly, 'a call known only by its conversation uuid (a callback for an unknown call) is kept as it is')
  t.equal(fromStored('CON-5', conversationOnly), conversationOnly)

  // Through the runtime: the store holds the short form, every reader gets the call whole.
  const store = createMemoryStore<CallRecord>()
  t.teardown(() => store.close())
  const runtime = new CallRuntime({ flows: [ivrMenu.toDefinition()], store })
  await runtime.answer('ivr-menu', { uuid: 'leg-4', conversation_uuid: 'CON-4', from: '447700900123' }, { baseUrl: 'https://a.test', key: 'k1' })
  t.strictSame((await store.get('CON-4'))?.value.call, { uuid: 'leg-4', from: '447700900123' })
  t.strictSame((await runtime.findCall('CON-4'))?.value.call, { uuid: 'leg-4', conversationUuid: 'CON-4', from: '447700900123' })
  t.strictSame((await runtime.findCall('leg-4'))?.value.call, { uuid: 'leg-4', conversationUuid: 'CON-4', from: '447700900123' }, 'by its leg too')
  await runtime.callback('ivr-menu', 'menu', 'input', { uuid: 'leg-4', conversation_uuid: 'CON-4', dtmf: { digits: '1' } }, { baseUrl: 'https://a.test', key: 'k2' })
  t.strictSame((await runtime.findCall('CON-4'))?.value.call, { uuid: 'leg-4', conversationUuid: 'CON-4', from: '447700900123' }, 'a webhook reads it whole and stores it short again')
  await store.delete('CON-4')
  t.equal(await runtime.findCall('leg-4'), undefined, 'a leg whose call is gone: its alias stays, and names no call')

  // An answer without a conversation uuid: the call is stored under its leg, and found there by a webhook that has one.
  await runtime.answer('ivr-menu', { uuid: 'leg-6' }, { baseUrl: 'https://a.test', key: 'k3' })
  t.strictSame((await store.get('leg-6'))?.value.call, { uuid: 'leg-6' })
  const sales = await runtime.callback('ivr-menu', 'menu', 'input', { uuid: 'leg-6', conversation_uuid: 'CON-6', dtmf: { digits: '1' } }, { baseUrl: 'https://a.test', key: 'k4' })
  t.match(sales, [{ action: 'talk', text: 'Connecting you to sales.' }], 'the input moved the call stored under its leg')
  t.equal((await runtime.findCall('leg-6'))?.value.state.value, 'sales')
  t.equal(await store.get('CON-6'), undefined, 'and no second record was made under the conversation uuid')
})
