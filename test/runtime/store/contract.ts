import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import t, { type Test } from 'tap'
import { StoreArgumentError, StoreConflictError, type CallStore } from '../../../src/runtime/store/index.js'

/** A store made fresh for one test, with what removes its data and connections afterwards. */
export interface StoreFixture {
  readonly store: CallStore
  cleanup(): Promise<void>
}

/** Moves time forward for the stores under test: a fake clock for the memory store, a real sleep for Redis. */
export interface ContractClock {
  advance(ms: number): Promise<void> | void
}

/** The clock of a store that reads real time: advancing it sleeps. */
export const realClock: ContractClock = { advance: (ms) => sleep(ms) }

const CONFLICT = 'NCCOFLOW_ERR_STORE_CONFLICT'
const INVALID = 'NCCOFLOW_ERR_STORE_INVALID_ARGUMENT'
// TTL tests use one-second TTLs and check well inside and well past them, so they hold when the clock is real.
const TTL = 1
const WITHIN = 400
const BEYOND = 1200
const LONG = 3600

/** A call record shaped like the runtime's, with every JSON type in it. */
function record(step: string) {
  return {
    flow: { name: 'menu', version: 3 },
    snapshot: { status: 'active', value: { menu: step }, context: { digits: '12', attempts: 0, caller: null } },
    lastRequest: { key: 'input:abc', response: [{ action: 'talk', text: 'Hello, “world” ✓', bargeIn: true }] },
    history: [{ status: 'answered', at: '2025-01-01T00:00:00.000Z' }],
    ratio: -1.5e-7,
    flags: [true, false],
    empty: { list: [], object: {} },
  }
}

async function settle<V>(promise: Promise<V>): Promise<{ ok: true; value: V } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, error }
  }
}

/** Resolves once `condition` holds (messages arrive asynchronously); fails after 2 s. */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10)
  if (!condition()) throw new Error('timed out waiting')
}

async function rejectsCoded(t: Test, promise: Promise<unknown>, type: new (...args: never[]) => Error, code: string, fields: object = {}): Promise<void> {
  const result = await settle(promise)
  if (result.ok) {
    t.fail(`expected ${code}, got ${JSON.stringify(result.value)}`)
    return
  }
  t.type(result.error, type)
  t.hasStrict(result.error, { code, ...fields })
}

/**
 * Runs the tests every {@link CallStore} must pass. `makeStore` gives a fresh, empty store for each test;
 * `clock.advance` moves that store's time forward (pass {@link realClock} for a store that reads real time).
 */
export function runStoreContract(t: Test, name: string, makeStore: () => Promise<StoreFixture>, clock: ContractClock = realClock): void {
  t.test(`${name} keeps the CallStore contract`, async (t) => {
    async function fresh(t: Test): Promise<CallStore> {
      const { store, cleanup } = await makeStore()
      t.teardown(cleanup)
      return store
    }

    t.test('unknown ids and aliases read as undefined', async (t) => {
      const store = await fresh(t)
      t.equal(await store.get('nobody'), undefined)
      t.equal(await store.resolveAlias('conversation:nobody'), undefined)
    })

    t.test('a new record starts at version 1 and reads back whole', async (t) => {
      const store = await fresh(t)
      t.equal(await store.put('call-1', record('main'), null, LONG), 1)
      t.strictSame(await store.get('call-1'), { value: record('main'), version: 1 })
    })

    t.test('values go through JSON: undefined properties are dropped, dates become strings', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', { a: 1, b: undefined, at: new Date('2025-01-01T00:00:00.000Z'), list: [undefined] }, null, LONG)
      t.strictSame(await store.get('call-1'), { value: { a: 1, at: '2025-01-01T00:00:00.000Z', list: [null] }, version: 1 })
      await store.put('call-2', 'just a string', null, LONG)
      t.strictSame(await store.get('call-2'), { value: 'just a string', version: 1 })
      await store.put('call-3', null, null, LONG)
      t.strictSame(await store.get('call-3'), { value: null, version: 1 })
    })

    t.test('text in any script reads back unchanged: accents, CJK, emoji, a lone surrogate, control characters', async (t) => {
      const store = await fresh(t)
      const said = { speech: 'Ça va, 日本語で 👋', odd: 'a\ud800b', control: 'tab\tnul\u0000end', latin1: 'ÿ\u0080' }
      await store.put('call-1', said, null, LONG)
      t.strictSame(await store.get('call-1'), { value: said, version: 1 })
    })

    t.test('each put increases the version by one and replaces the whole value', async (t) => {
      const store = await fresh(t)
      let version: number | null = null
      for (const [i, step] of ['a', 'b', 'c', 'd', 'e'].entries()) {
        version = await store.put('call-1', { step, [`only-${step}`]: i }, version, LONG)
        t.equal(version, i + 1)
      }
      t.strictSame(await store.get('call-1'), { value: { step: 'e', 'only-e': 4 }, version: 5 })
    })

    t.test('records are independent: each has its own versions', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      await store.put('call-1', record('b'), 1, LONG)
      t.equal(await store.put('call-2', record('c'), null, LONG), 1)
      t.strictSame(await store.get('call-1'), { value: record('b'), version: 2 })
      t.strictSame(await store.get('call-2'), { value: record('c'), version: 1 })
    })

    t.test('a put with the wrong expected version throws a conflict and changes nothing', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      await store.put('call-1', record('b'), 1, LONG)
      await rejectsCoded(t, store.put('call-1', record('stale'), 1, LONG), StoreConflictError, CONFLICT, { id: 'call-1', expectedVersion: 1, actualVersion: 2 })
      await rejectsCoded(t, store.put('call-1', record('ahead'), 3, LONG), StoreConflictError, CONFLICT, { expectedVersion: 3, actualVersion: 2 })
      await rejectsCoded(t, store.put('call-1', record('create'), null, LONG), StoreConflictError, CONFLICT, { expectedVersion: null, actualVersion: 2 })
      t.strictSame(await store.get('call-1'), { value: record('b'), version: 2 })
      t.equal(await store.put('call-1', record('c'), 2, LONG), 3)
    })

    t.test('a put on a missing record with a version throws a conflict and creates nothing', async (t) => {
      const store = await fresh(t)
      await rejectsCoded(t, store.put('call-1', record('a'), 1, LONG), StoreConflictError, CONFLICT, { id: 'call-1', expectedVersion: 1, actualVersion: null })
      t.equal(await store.get('call-1'), undefined)
      t.equal(await store.put('call-1', record('a'), null, LONG), 1)
    })

    t.test('concurrent puts on the same version: exactly one wins, the others conflict', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('start'), null, LONG)
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => settle(store.put('call-1', record(`writer-${i}`), 1, LONG))))
      const winners = results.flatMap((r, i) => (r.ok ? [{ i, version: r.value }] : []))
      t.equal(winners.length, 1)
      t.equal(winners[0]?.version, 2)
      for (const r of results) if (!r.ok) t.match(r.error, { code: CONFLICT })
      t.strictSame(await store.get('call-1'), { value: record(`writer-${winners[0]?.i}`), version: 2 })
    })

    t.test('concurrent creates of one record: exactly one wins, the others conflict', async (t) => {
      const store = await fresh(t)
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => settle(store.put('call-1', record(`creator-${i}`), null, LONG))))
      const winners = results.flatMap((r, i) => (r.ok ? [{ i, version: r.value }] : []))
      t.equal(winners.length, 1)
      t.equal(winners[0]?.version, 1)
      t.equal(results.filter((r) => !r.ok && (r.error as { code?: unknown }).code === CONFLICT).length, 24)
      t.strictSame(await store.get('call-1'), { value: record(`creator-${winners[0]?.i}`), version: 1 })
    })

    t.test('concurrent chains of read-then-write lose no update', async (t) => {
      const store = await fresh(t)
      await store.put('counter', { n: 0 }, null, LONG)
      const increment = async (): Promise<void> => {
        for (;;) {
          const current = await store.get('counter')
          const result = await settle(store.put('counter', { n: (current?.value as { n: number }).n + 1 }, current?.version ?? null, LONG))
          if (result.ok) return
        }
      }
      await Promise.all(Array.from({ length: 10 }, increment))
      t.strictSame(await store.get('counter'), { value: { n: 10 }, version: 11 })
    })

    t.test('concurrent puts to different records all succeed', async (t) => {
      const store = await fresh(t)
      const ids = Array.from({ length: 25 }, (_, i) => `call-${i}`)
      t.strictSame(await Promise.all(ids.map((id) => store.put(id, record(id), null, LONG))), ids.map(() => 1))
      for (const id of ids) t.strictSame(await store.get(id), { value: record(id), version: 1 })
    })

    t.test('mutating a value after put or after get never changes what is stored', async (t) => {
      const store = await fresh(t)
      const value = record('a')
      await store.put('call-1', value, null, LONG)
      value.snapshot.context.digits = 'changed'
      value.history.push({ status: 'changed', at: 'now' })
      const got = await store.get('call-1')
      t.strictSame(got, { value: record('a'), version: 1 })
      const mutable = got?.value as ReturnType<typeof record>
      mutable.flow.name = 'changed'
      mutable.flags.length = 0
      t.strictSame(await store.get('call-1'), { value: record('a'), version: 1 })
      t.not((await store.get('call-1'))?.value, (await store.get('call-1'))?.value, 'each get returns its own copy')
    })

    t.test('delete removes the record; writing it again starts at version 1', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      await store.put('call-1', record('b'), 1, LONG)
      await store.put('call-2', record('other'), null, LONG)
      await store.delete('call-1')
      t.equal(await store.get('call-1'), undefined)
      await rejectsCoded(t, store.put('call-1', record('c'), 2, LONG), StoreConflictError, CONFLICT, { actualVersion: null })
      t.equal(await store.put('call-1', record('c'), null, LONG), 1)
      t.strictSame(await store.get('call-1'), { value: record('c'), version: 1 })
      t.strictSame(await store.get('call-2'), { value: record('other'), version: 1 }, 'other records are untouched')
      await store.delete('never-written')
      t.equal(await store.get('never-written'), undefined)
    })

    t.test('aliases map to ids, can be overwritten and live apart from records', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      await store.setAlias('conversation:CON-1', 'call-1', LONG)
      await store.setAlias('call:abc', 'call-1', LONG)
      t.equal(await store.resolveAlias('conversation:CON-1'), 'call-1')
      t.equal(await store.resolveAlias('call:abc'), 'call-1')
      await store.setAlias('call:abc', 'call-2', LONG)
      t.equal(await store.resolveAlias('call:abc'), 'call-2')
      t.equal(await store.resolveAlias('conversation:CON-1'), 'call-1')
      // An alias spelt like a record id is still only an alias, and the other way round.
      await store.setAlias('call-1', 'call-9', LONG)
      t.strictSame(await store.get('call-1'), { value: record('a'), version: 1 })
      t.equal(await store.resolveAlias('call-1'), 'call-9')
      t.equal(await store.get('call:abc'), undefined)
    })

    t.test('a put maps its aliases to the id, with the same TTL as the record', async (t) => {
      const store = await fresh(t)
      t.equal(await store.put('call-1', record('a'), null, TTL, ['leg:abc', 'leg:def']), 1)
      await store.put('call-2', record('b'), null, LONG, ['leg:xyz'])
      t.equal(await store.resolveAlias('leg:abc'), 'call-1')
      t.equal(await store.resolveAlias('leg:def'), 'call-1')
      t.equal(await store.resolveAlias('leg:xyz'), 'call-2')
      t.equal(await store.put('call-1', record('b'), 1, TTL, []), 2, 'an empty list of aliases is no alias')
      await clock.advance(BEYOND)
      t.equal(await store.resolveAlias('leg:abc'), undefined)
      t.equal(await store.get('call-1'), undefined)
      t.equal(await store.resolveAlias('leg:xyz'), 'call-2')
    })

    t.test('ping resolves while the store answers, and the store names its kind', async (t) => {
      const store = await fresh(t)
      t.equal(await store.ping(), undefined)
      t.match(store.kind, /^[a-z]+$/)
    })

    t.test('delete leaves aliases, which resolve to an id that reads as absent', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      await store.setAlias('conversation:CON-1', 'call-1', LONG)
      await store.delete('call-1')
      t.equal(await store.resolveAlias('conversation:CON-1'), 'call-1')
      t.equal(await store.get('call-1'), undefined)
    })

    t.test('an expired record reads as absent and can be created again', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, TTL)
      await store.put('call-2', record('b'), null, LONG)
      await clock.advance(WITHIN)
      t.strictSame(await store.get('call-1'), { value: record('a'), version: 1 })
      await clock.advance(BEYOND - WITHIN)
      t.equal(await store.get('call-1'), undefined)
      t.strictSame(await store.get('call-2'), { value: record('b'), version: 1 })
      await rejectsCoded(t, store.put('call-1', record('late'), 1, LONG), StoreConflictError, CONFLICT, { actualVersion: null })
      t.equal(await store.put('call-1', record('c'), null, LONG), 1)
      t.strictSame(await store.get('call-1'), { value: record('c'), version: 1 })
    })

    t.test('each put sets the expiry again from now', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, TTL)
      await clock.advance(BEYOND / 2)
      await store.put('call-1', record('b'), 1, TTL)
      await clock.advance(BEYOND / 2)
      t.strictSame(await store.get('call-1'), { value: record('b'), version: 2 })
      await clock.advance(BEYOND / 2)
      t.equal(await store.get('call-1'), undefined)
    })

    t.test('aliases expire on their own TTL, apart from their records', async (t) => {
      const store = await fresh(t)
      await store.put('call-long', record('a'), null, LONG)
      await store.setAlias('short', 'call-long', TTL)
      await store.put('call-short', record('b'), null, TTL)
      await store.setAlias('long', 'call-short', LONG)
      await clock.advance(WITHIN)
      t.equal(await store.resolveAlias('short'), 'call-long')
      await clock.advance(BEYOND - WITHIN)
      t.equal(await store.resolveAlias('short'), undefined)
      t.strictSame(await store.get('call-long'), { value: record('a'), version: 1 })
      t.equal(await store.resolveAlias('long'), 'call-short')
      t.equal(await store.get('call-short'), undefined)
      await store.setAlias('short', 'call-long', TTL)
      t.equal(await store.resolveAlias('short'), 'call-long', 'an expired alias can be set again')
    })

    t.test('setting an alias again sets its expiry again from now', async (t) => {
      const store = await fresh(t)
      await store.setAlias('conversation:CON-1', 'call-1', TTL)
      await clock.advance(BEYOND / 2)
      await store.setAlias('conversation:CON-1', 'call-1', TTL)
      await clock.advance(BEYOND / 2)
      t.equal(await store.resolveAlias('conversation:CON-1'), 'call-1')
      await clock.advance(BEYOND / 2)
      t.equal(await store.resolveAlias('conversation:CON-1'), undefined)
    })

    t.test('a TTL that is not a positive number is rejected and nothing is written', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await rejectsCoded(t, store.put('call-1', record('b'), 1, ttl), StoreArgumentError, INVALID)
        await rejectsCoded(t, store.put('call-2', record('b'), null, ttl), StoreArgumentError, INVALID)
        await rejectsCoded(t, store.setAlias('conversation:CON-1', 'call-1', ttl), StoreArgumentError, INVALID)
      }
      t.strictSame(await store.get('call-1'), { value: record('a'), version: 1 })
      t.equal(await store.get('call-2'), undefined)
      t.equal(await store.resolveAlias('conversation:CON-1'), undefined)
    })

    t.test('a value JSON cannot hold is rejected and nothing is written', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      const circular: Record<string, unknown> = { a: 1 }
      circular.self = circular
      for (const value of [undefined, () => 1, Symbol('s'), 1n, { big: 1n }, circular]) {
        await rejectsCoded(t, store.put('call-1', value, 1, LONG), StoreArgumentError, INVALID)
        await rejectsCoded(t, store.put('call-2', value, null, LONG), StoreArgumentError, INVALID)
      }
      t.strictSame(await store.get('call-1'), { value: record('a'), version: 1 })
      t.equal(await store.get('call-2'), undefined)
    })

    /** Puts calls in this order, each updated a millisecond after the one before, indexed. */
    let updatedAt = Date.now()
    async function writeCalls(store: CallStore, ids: readonly string[], ttl = LONG): Promise<void> {
      for (const [i, id] of ids.entries()) {
        const existing = await store.get(id)
        updatedAt += 1
        await store.put(id, { id, odd: i % 2 === 1 }, existing?.version ?? null, ttl, undefined, { updatedAt, horizonMs: LONG * 1000 })
      }
    }
    const ids = (page: { calls: readonly { id: string }[] }) => page.calls.map((c) => c.id)

    t.test('listCalls: most recently written first, in pages joined by an opaque cursor, absent on the last page', async (t) => {
      const store = await fresh(t)
      t.strictSame(await store.listCalls({ limit: 10 }), { calls: [] }, 'no calls')
      await writeCalls(store, ['a', 'b', 'c', 'd', 'e'])
      await writeCalls(store, ['b'])
      const first = await store.listCalls({ limit: 2 })
      t.strictSame(first.calls, [{ id: 'b', value: { id: 'b', odd: false } }, { id: 'e', value: { id: 'e', odd: false } }], 'b was written last')
      t.type(first.next, 'string')
      const second = await store.listCalls({ limit: 2, cursor: first.next })
      t.strictSame(ids(second), ['d', 'c'])
      const third = await store.listCalls({ limit: 2, cursor: second.next })
      t.strictSame(third, { calls: [{ id: 'a', value: { id: 'a', odd: false } }] }, 'the last page has no next')
      t.strictSame(ids(await store.listCalls({ limit: 5 })), ['b', 'e', 'd', 'c', 'a'])
      t.strictSame(await store.listCalls({ limit: 4, cursor: first.next }).then((p) => [ids(p), p.next]), [['d', 'c', 'a'], undefined], 'exactly the rest')
    })

    t.test('listCalls: a filter keeps the calls it accepts; a page reads at most scanLimit records', async (t) => {
      const store = await fresh(t)
      await writeCalls(store, ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
      const odd = (value: unknown) => (value as { odd: boolean }).odd
      t.strictSame(ids(await store.listCalls({ limit: 10, filter: odd })), ['f', 'd', 'b'])
      const short = await store.listCalls({ limit: 10, filter: odd, scanLimit: 3 })
      t.strictSame(ids(short), ['f'], 'g, f, e read: one accepted')
      const rest = await store.listCalls({ limit: 10, filter: odd, scanLimit: 3, cursor: short.next })
      t.strictSame([ids(rest), typeof rest.next], [['d', 'b'], 'string'], 'd, c, b read')
      t.strictSame(await store.listCalls({ limit: 10, filter: odd, scanLimit: 3, cursor: rest.next }), { calls: [] }, 'a read: none, and the end')
    })

    t.test('listCalls skips calls whose record expired or was deleted', async (t) => {
      const store = await fresh(t)
      await writeCalls(store, ['short'], TTL)
      await writeCalls(store, ['long', 'gone'])
      await store.delete('gone')
      await clock.advance(BEYOND)
      t.strictSame(ids(await store.listCalls({ limit: 10 })), ['long'])
      t.strictSame(ids(await store.listCalls({ limit: 1 })), ['long'])
      t.strictSame((await store.listCalls({ limit: 1 })).next, undefined, 'nothing after it')
    })

    t.test('listCalls refuses a cursor it did not make, and a limit that is not a positive integer', async (t) => {
      const store = await fresh(t)
      for (const cursor of ['', 'nonsense', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["x","y","z"]').toString('base64url')]) {
        await rejectsCoded(t, store.listCalls({ limit: 1, cursor }), StoreArgumentError, INVALID)
      }
      for (const limit of [0, -1, 1.5, Number.NaN]) await rejectsCoded(t, store.listCalls({ limit }), StoreArgumentError, INVALID)
      await rejectsCoded(t, store.listCalls({ limit: 1, scanLimit: 0 }), StoreArgumentError, INVALID)
    })

    t.test('a call\'s inspector log: entries in order with stable indexes, the last `max` kept', async (t) => {
      const store = await fresh(t)
      t.strictSame(await store.readLog('call-1'), [], 'no log')
      for (let i = 0; i < 5; i++) t.equal(await store.appendLog('call-1', { n: i, nested: { ok: true } }, { max: 3, ttlSeconds: LONG }), i)
      t.equal(await store.appendLog('call-2', { n: 'other' }, { max: 3, ttlSeconds: LONG }), 0, 'each call counts its own')
      t.strictSame(await store.readLog('call-1'), [2, 3, 4].map((n) => ({ index: n, value: { n, nested: { ok: true } } })))
      t.strictSame(await store.readLog('call-2'), [{ index: 0, value: { n: 'other' } }])
      await rejectsCoded(t, store.appendLog('call-1', { n: 1n }, { max: 3, ttlSeconds: LONG }), StoreArgumentError, INVALID)
      await rejectsCoded(t, store.appendLog('call-1', {}, { max: 3, ttlSeconds: 0 }), StoreArgumentError, INVALID)
      await rejectsCoded(t, store.appendLog('call-1', {}, { max: 0, ttlSeconds: LONG }), StoreArgumentError, INVALID)
      t.equal((await store.readLog('call-1')).length, 3, 'nothing written by a refused append')
    })

    t.test('a call\'s inspector log expires with the TTL of its last append, and goes with a delete', async (t) => {
      const store = await fresh(t)
      await store.appendLog('call-1', { n: 0 }, { max: 50, ttlSeconds: TTL })
      await clock.advance(BEYOND / 2)
      await store.appendLog('call-1', { n: 1 }, { max: 50, ttlSeconds: TTL })
      await clock.advance(BEYOND / 2)
      t.equal((await store.readLog('call-1')).length, 2, 'the second append set the expiry again')
      await clock.advance(BEYOND / 2)
      t.strictSame(await store.readLog('call-1'), [])
      t.equal(await store.appendLog('call-1', { n: 2 }, { max: 50, ttlSeconds: LONG }), 0, 'a new log starts at 0')
      await store.put('call-1', record('a'), null, LONG)
      await store.delete('call-1')
      t.strictSame(await store.readLog('call-1'), [])
    })

    t.test('publish reaches every subscriber until it unsubscribes', async (t) => {
      const store = await fresh(t)
      const got: string[][] = [[], []]
      const stops = await Promise.all(got.map((list) => store.subscribe((message) => list.push(message))))
      await store.publish('one')
      await until(() => got[1]?.length === 1)
      await stops[0]?.()
      await store.publish('two')
      await until(() => got[1]?.length === 2)
      t.strictSame(got, [['one'], ['one', 'two']])
    })

    t.test('close resolves, and again when called twice', async (t) => {
      const store = await fresh(t)
      await store.put('call-1', record('a'), null, LONG)
      await store.close()
      await store.close()
      t.pass('closed twice')
    })
  })
}

// tap runs every file under test/ as a test file, this one too. Run on its own, it checks that each store in
// src/runtime/store has a test file here that runs the suite above.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  t.test('every store in src/runtime/store has a test file that runs the contract suite', async (t) => {
    const stores = readdirSync(new URL('../../../src/runtime/store/', import.meta.url))
      .filter((file) => file.endsWith('.ts') && !['contract.ts', 'index.ts'].includes(file))
    t.ok(stores.includes('memory.ts'))
    for (const file of stores) {
      const test = new URL(file.replace(/\.ts$/, '.test.ts'), import.meta.url)
      t.match(readFileSync(test, 'utf8'), /\brunStoreContract\(/, `${file} runs the contract`)
    }
  })
}
