import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { StoreArgumentError, StoreConflictError, createMemoryStore, type MemoryStoreOptions } from '../../../src/runtime/store/index.js'
import { runStoreContract } from './contract.js'

function fakeClock() {
  let time = Date.UTC(2025, 0, 1)
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms
    },
  }
}

function memoryStore(t: Test, options: MemoryStoreOptions = {}) {
  const store = createMemoryStore(options)
  t.teardown(() => store.close())
  return store
}

const clock = fakeClock()
runStoreContract(t, 'memory store with a fake clock', async () => {
  const store = createMemoryStore({ now: clock.now })
  return { store, cleanup: () => store.close() }
}, clock)

// The same suite in real time, as a Redis store will run it: this keeps the suite's TTL margins honest.
runStoreContract(t, 'memory store in real time', async () => {
  const store = createMemoryStore()
  return { store, cleanup: () => store.close() }
})

// Never closed: if the sweep timer held the event loop, this file would never end and tap would time it out.
createMemoryStore({ sweepIntervalMs: 10 })

t.test('writing a new record beyond maxCalls evicts the least recently written one', async (t) => {
  const store = memoryStore(t, { maxCalls: 3 })
  await store.put('a', { n: 'a' }, null, 60)
  await store.put('b', { n: 'b' }, null, 60)
  await store.put('c', { n: 'c' }, null, 60)
  t.equal(store.size, 3)
  t.equal(await store.put('b', { n: 'b2' }, 1, 60), 2, 'updating a held record evicts nothing')
  t.equal(store.size, 3)
  t.strictSame(await store.get('a'), { value: { n: 'a' }, version: 1 })

  await store.put('d', { n: 'd' }, null, 60)
  t.equal(store.size, 3)
  t.equal(await store.get('a'), undefined, 'a was written first')
  await store.put('e', { n: 'e' }, null, 60)
  t.equal(await store.get('c'), undefined, 'c goes before b, which was written again after it')
  t.strictSame(await store.get('b'), { value: { n: 'b2' }, version: 2 }, 'reading b does not make it recent')
  t.strictSame(await store.get('d'), { value: { n: 'd' }, version: 1 })
  t.strictSame(await store.get('e'), { value: { n: 'e' }, version: 1 })

  await t.rejects(store.put('a', { n: 'a2' }, 1, 60), { code: 'NCCOFLOW_ERR_STORE_CONFLICT', actualVersion: null }, 'an evicted record reads as absent')
  t.equal(await store.put('a', { n: 'a2' }, null, 60), 1)
  t.equal(await store.get('b'), undefined)
  t.equal(store.size, 3)
})

t.test('a write over an expired record takes its place instead of evicting a live one', async (t) => {
  const clock = fakeClock()
  const store = memoryStore(t, { maxCalls: 2, now: clock.now })
  await store.put('a', { n: 'a' }, null, 1)
  await store.put('b', { n: 'b' }, null, 60)
  clock.advance(2000)
  t.equal(await store.put('a', { n: 'a2' }, null, 60), 1)
  t.strictSame(await store.get('b'), { value: { n: 'b' }, version: 1 })
  t.strictSame(await store.get('a'), { value: { n: 'a2' }, version: 1 })
  t.equal(store.size, 2)
})

t.test('aliases beyond maxAliases evict the least recently set one', async (t) => {
  const store = memoryStore(t, { maxAliases: 2 })
  await store.setAlias('x', 'call-x', 60)
  await store.setAlias('y', 'call-y', 60)
  await store.setAlias('x', 'call-x2', 60)
  await store.setAlias('z', 'call-z', 60)
  t.equal(await store.resolveAlias('y'), undefined)
  t.equal(await store.resolveAlias('x'), 'call-x2')
  t.equal(await store.resolveAlias('z'), 'call-z')
})

t.test('maxAliases defaults to four times maxCalls', async (t) => {
  const store = memoryStore(t, { maxCalls: 1 })
  for (const n of [1, 2, 3, 4, 5]) await store.setAlias(`alias-${n}`, `call-${n}`, 60)
  t.equal(await store.resolveAlias('alias-1'), undefined)
  t.strictSame(await Promise.all([2, 3, 4, 5].map((n) => store.resolveAlias(`alias-${n}`))), ['call-2', 'call-3', 'call-4', 'call-5'])
})

t.test('maxCalls defaults to 100_000', async (t) => {
  const store = memoryStore(t)
  for (let n = 0; n <= 100_000; n++) await store.put(`call-${n}`, n, null, 60)
  t.equal(store.size, 100_000)
  t.equal(await store.get('call-0'), undefined)
  t.strictSame(await store.get('call-1'), { value: 1, version: 1 })
  t.strictSame(await store.get('call-100000'), { value: 100_000, version: 1 })
})

t.test('size counts the records held: deletes and reads of expired records lower it', async (t) => {
  const clock = fakeClock()
  const store = memoryStore(t, { now: clock.now })
  t.equal(store.size, 0)
  await store.put('a', 1, null, 1)
  await store.put('b', 2, null, 60)
  await store.put('c', 3, null, 60)
  await store.setAlias('alias', 'a', 60)
  t.equal(store.size, 3, 'aliases are not records')
  await store.delete('c')
  t.equal(store.size, 2)
  clock.advance(2000)
  t.equal(store.size, 2, 'an expired record is held until something drops it')
  t.equal(await store.get('a'), undefined)
  t.equal(store.size, 1)
})

t.test('the sweep drops expired records and aliases every sweepIntervalMs', async (t) => {
  const clock = fakeClock()
  const store = memoryStore(t, { now: clock.now, sweepIntervalMs: 5, maxAliases: 2 })
  await store.put('short', 1, null, 1)
  await store.put('long', 2, null, 60)
  await store.setAlias('long', 'call-1', 60)
  await store.setAlias('short', 'call-2', 1)
  clock.advance(2000)
  t.equal(store.size, 2)
  await sleep(50)
  t.equal(store.size, 1)
  t.strictSame(await store.get('long'), { value: 2, version: 1 })
  // Had the sweep left the expired alias in place, this write would evict 'long', the least recently set alias.
  await store.setAlias('new', 'call-3', 60)
  t.equal(await store.resolveAlias('long'), 'call-1')
  t.equal(await store.resolveAlias('new'), 'call-3')
})

t.test('inspector logs: the sweep drops expired ones; beyond maxLogs the least recently appended is evicted', async (t) => {
  const clock = fakeClock()
  const store = memoryStore(t, { now: clock.now, sweepIntervalMs: 5, maxLogs: 2 })
  await store.appendLog('short', { n: 1 }, { max: 50, ttlSeconds: 1 })
  await store.appendLog('long', { n: 2 }, { max: 50, ttlSeconds: 60 })
  clock.advance(2000)
  await sleep(50)
  // Had the sweep left the expired log in place, this append would evict 'long', the least recently appended.
  await store.appendLog('new', { n: 3 }, { max: 50, ttlSeconds: 60 })
  t.strictSame(await store.readLog('long'), [{ index: 0, value: { n: 2 } }])
  await store.appendLog('newer', { n: 4 }, { max: 50, ttlSeconds: 60 })
  t.strictSame(await store.readLog('long'), [], 'evicted')
  t.strictSame(await store.readLog('newer'), [{ index: 0, value: { n: 4 } }])
  t.throws(() => createMemoryStore({ maxLogs: 0 }), new StoreArgumentError('maxLogs must be a positive integer, got 0'))
})

t.test('the sweep timer is unref\'d and close() clears it and drops every record', async (t) => {
  const set = t.capture(globalThis, 'setInterval', setInterval)
  const clear = t.capture(globalThis, 'clearInterval', clearInterval)
  const store = createMemoryStore({ sweepIntervalMs: 1234 })
  const [created] = set()
  set.restore()
  t.equal(created?.args[1], 1234)
  const timer = (created !== undefined && 'returned' in created ? created.returned : undefined) as NodeJS.Timeout | undefined
  t.equal(timer?.hasRef(), false)
  await store.put('a', 1, null, 60)
  await store.setAlias('alias', 'a', 60)
  await store.close()
  t.ok(clear().some((call) => call.args[0] === timer), 'clearInterval was called with the sweep timer')
  t.equal(store.size, 0)
  t.equal(await store.get('a'), undefined)
  t.equal(await store.resolveAlias('alias'), undefined)
})

t.test('options are checked when the store is created', async (t) => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => createMemoryStore({ maxCalls: bad }), { code: 'NCCOFLOW_ERR_STORE_INVALID_ARGUMENT' }, `maxCalls ${bad}`)
    t.throws(() => createMemoryStore({ maxAliases: bad }), { code: 'NCCOFLOW_ERR_STORE_INVALID_ARGUMENT' }, `maxAliases ${bad}`)
    t.throws(() => createMemoryStore({ sweepIntervalMs: bad }), { code: 'NCCOFLOW_ERR_STORE_INVALID_ARGUMENT' }, `sweepIntervalMs ${bad}`)
  }
  t.throws(() => createMemoryStore({ maxCalls: 0 }), new StoreArgumentError('maxCalls must be a positive integer, got 0'))
})

t.test('store errors carry their code, status and a message naming what went wrong', async (t) => {
  const store = memoryStore(t)
  await store.put('call-1', 1, null, 60)
  const conflict = await store.put('call-1', 2, 5, 60).catch((error: unknown) => error)
  t.type(conflict, StoreConflictError)
  t.equal((conflict as Error).name, 'StoreConflictError')
  t.equal((conflict as Error).message, 'Call store conflict for call-1: expected version 5, found 1')
  t.hasStrict(conflict, { code: 'NCCOFLOW_ERR_STORE_CONFLICT', statusCode: 409, id: 'call-1', expectedVersion: 5, actualVersion: 1 })
  const missing = await store.put('call-2', 2, 1, 60).catch((error: unknown) => error)
  t.equal((missing as Error).message, 'Call store conflict for call-2: expected version 1, found null')

  const ttl = await store.put('call-1', 2, 1, 0).catch((error: unknown) => error)
  t.type(ttl, StoreArgumentError)
  t.equal((ttl as Error).name, 'StoreArgumentError')
  t.equal((ttl as Error).message, 'Invalid call store argument: ttlSeconds must be a positive number, got 0')
  t.hasStrict(ttl, { code: 'NCCOFLOW_ERR_STORE_INVALID_ARGUMENT', statusCode: 500 })
  const circular: { self?: unknown } = {}
  circular.self = circular
  const json = await store.put('call-1', circular, 1, 60).catch((error: unknown) => error)
  t.equal((json as Error).message, 'Invalid call store argument: the record is not JSON-serialisable')
  t.type((json as Error).cause, TypeError, 'the JSON error is kept as the cause')
  const nothing = await store.put('call-1', undefined, 1, 60).catch((error: unknown) => error)
  t.equal((nothing as Error).message, 'Invalid call store argument: the record is not JSON-serialisable')
  t.equal((nothing as Error).cause, undefined)
})
