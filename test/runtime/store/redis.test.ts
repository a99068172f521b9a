import t, { type Test } from 'tap'
import { createClient } from 'redis'
import type { Logger } from '../../../src/runtime/log.js'
import { createRedisStore, type RedisCommander } from '../../../src/runtime/store/index.js'
import { connectionLog, redactRedisUrl } from '../../../src/runtime/store/redis.js'
import { REDIS_URL, deletePrefix, needRedis, ownRedis, testPrefix } from '../../fixtures/redis.js'
import { runStoreContract, until } from './contract.js'

// Two runs of the contract (its TTL tests sleep for real) and a redis-server of our own: more than tap's 30 s.
t.setTimeout(120_000)

const redisThere = await needRedis(t)

if (redisThere) {
  runStoreContract(t, 'Redis store (own client from a URL)', async () => {
    const prefix = testPrefix('contract-url')
    const store = createRedisStore({ url: REDIS_URL, prefix })
    return { store, cleanup: async () => { await store.close(); await deletePrefix(prefix) } }
  })

  runStoreContract(t, 'Redis store (a client its owner connects)', async () => {
    const prefix = testPrefix('contract-client')
    const client = createClient({ url: REDIS_URL })
    await client.connect()
    const store = createRedisStore({ client, prefix })
    return { store, cleanup: async () => { await store.close(); await client.close(); await deletePrefix(prefix) } }
  })
}

/** A logger that keeps its lines. */
function keptLog() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = []
  const line = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg })
  const log: Logger = { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), child: () => log }
  return { log, lines }
}

/** A raw client on `url`, closed when the test ends. */
async function rawClient(t: Test, url = REDIS_URL) {
  const client = createClient({ url })
  await client.connect()
  t.teardown(() => client.close())
  return client
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** How many EVAL and EVALSHA commands a Redis ran (or refused), from INFO commandstats. */
function commandCalls(info: string): { eval: number; evalsha: number } {
  const count = (name: string) => {
    const fields = new RegExp(`^cmdstat_${name}:(.*)$`, 'm').exec(info)?.[1] ?? ''
    return [...fields.matchAll(/(?:^|,)(?:calls|rejected_calls)=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0)
  }
  return { eval: count('eval'), evalsha: count('evalsha') }
}

const UNAVAILABLE = { code: 'NCCOFLOW_ERR_STORE_UNAVAILABLE', statusCode: 503 }

t.test('options: a url or a client, a positive commandTimeoutMs, a redis:// URL', async (t) => {
  const invalid = (option: string) => ({ code: 'NCCOFLOW_ERR_OPTIONS_INVALID', message: new RegExp(`^Invalid nccoflow option ${option}: `) })
  t.throws(() => createRedisStore({}), invalid('store'), 'neither url nor client')
  t.throws(() => createRedisStore({ url: REDIS_URL, client: { sendCommand: async () => 'OK' } }), invalid('store'), 'both url and client')
  for (const commandTimeoutMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => createRedisStore({ url: REDIS_URL, commandTimeoutMs }), invalid('commandTimeoutMs'), `commandTimeoutMs ${commandTimeoutMs}`)
  }
  t.throws(() => createRedisStore({ url: 'not a url' }), { ...invalid('url'), message: /got "not a url"/ })
  t.throws(() => createRedisStore({ url: 'http://x' }), { ...invalid('url'), message: /with a host, got "http:\/\/x\/"/ })
  t.throws(() => createRedisStore({ url: 'redis://' }), invalid('url'), 'no host')
  const secret = (() => { try { createRedisStore({ url: 'redis:// :s3cret@' }) } catch (error) { return (error as Error).message } return '' })()
  t.match(secret, /\*\*\*/, 'a password in a malformed URL is replaced')
  t.notMatch(secret, /s3cret/)
})

t.test('redactRedisUrl replaces the password and nothing else', async (t) => {
  t.equal(redactRedisUrl('redis://:s3cret@r.test:6380/2'), 'redis://:***@r.test:6380/2')
  t.equal(redactRedisUrl('rediss://app:s3cret@r.test'), 'rediss://app:***@r.test')
  t.equal(redactRedisUrl('redis://r.test:6379'), 'redis://r.test:6379')
  t.equal(redactRedisUrl('not a url :s3cret@'), '(not a URL)')
})

t.test('a command the client never answers fails with STORE_UNAVAILABLE after commandTimeoutMs', async (t) => {
  let late: (error: Error) => void = () => {}
  const client: RedisCommander = { sendCommand: () => new Promise((_, reject) => { late = reject }) }
  const store = createRedisStore({ client, commandTimeoutMs: 50 })
  const started = performance.now()
  t.match(await rejection(store.get('call-1')), { ...UNAVAILABLE, message: 'Redis: no reply within 50 ms' })
  t.ok(performance.now() - started < 1000, 'within about commandTimeoutMs')
  late(new Error('connection reset')) // the abandoned command failing later is nobody's business: no unhandled rejection
  await new Promise((resolve) => setImmediate(resolve))
})

t.test('whatever a client rejects with becomes STORE_UNAVAILABLE, keeping it as the cause', async (t) => {
  const reason = 'a string, not an Error'
  const store = createRedisStore({ client: { sendCommand: () => Promise.reject(reason) } })
  t.match(await rejection(store.ping()), { ...UNAVAILABLE, message: `Redis: ${reason}`, cause: reason })
  const error = new Error('ERR something odd')
  const other = createRedisStore({ client: { sendCommand: () => Promise.reject(error) } })
  t.match(await rejection(other.put('call-1', {}, null, 60)), { ...UNAVAILABLE, message: 'Redis: ERR something odd', cause: error })
})

t.test('connectionLog: the first failure, a new one, every 30th, and the recovery', async (t) => {
  const { log, lines } = keptLog()
  const report = connectionLog('redis://:***@r.test:6379', log)
  report.ready()
  t.strictSame(lines, [], 'ready without a failure says nothing')
  const refused = new Error('connect ECONNREFUSED')
  for (let i = 0; i < 31; i++) report.failed(refused)
  t.strictSame(lines.map((l) => [l.level, l.obj.failures]), [['error', 1], ['error', 30]], 'the first failure, then the 30th')
  t.equal(lines[0]?.msg, 'Redis at redis://:***@r.test:6379 does not answer (connect ECONNREFUSED): calls get the fallback NCCO until it does; retrying')
  t.match(lines[0]?.obj, { err: refused, redis: 'redis://:***@r.test:6379' })
  report.failed(new Error('Socket closed unexpectedly'))
  t.equal(lines.length, 3, 'a new kind of failure is logged')
  report.ready()
  t.match(lines[3], { level: 'info', obj: { redis: 'redis://:***@r.test:6379', failures: 32 }, msg: 'Redis at redis://:***@r.test:6379 answers again' })
  report.failed(refused)
  t.equal(lines.length, 5, 'after a recovery, the next failure is logged again')
})

t.test('a store on a Redis that is not there: unavailable, logged without the password, closed at once', async (t) => {
  const { log, lines } = keptLog()
  const store = createRedisStore({ url: 'redis://:s3cret@127.0.0.1:1', logger: log, commandTimeoutMs: 200 })
  t.match(await rejection(store.ping()), UNAVAILABLE)
  for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.match(lines[0], { level: 'error', obj: { redis: 'redis://:***@127.0.0.1:1' } })
  t.notMatch(JSON.stringify(lines.map((l) => [l.msg, l.obj.redis])), /s3cret/)
  await store.close()
  t.match(await rejection(store.ping()), { ...UNAVAILABLE, message: 'the Redis store is closed' })
})

if (redisThere) {
  t.test('keys are where the doc comment says: a hash {v, d} with the TTL, and an alias string', async (t) => {
    const prefix = testPrefix('keys')
    t.teardown(() => deletePrefix(prefix))
    const store = createRedisStore({ url: REDIS_URL, prefix })
    t.teardown(() => store.close())
    const raw = await rawClient(t)
    const value = { flow: 'menu', step: 'main', ok: true }
    t.equal(await store.put('CON-1', value, null, 60, ['leg:a-1']), 1)
    t.strictSame(await raw.hGetAll(`${prefix}call:{CON-1}`), { v: '1', d: JSON.stringify(value) })
    const pttl = await raw.pTTL(`${prefix}call:{CON-1}`)
    t.ok(pttl > 55_000 && pttl <= 60_000, `the record's PTTL (${pttl}) is close to 60 s`)
    t.equal(await raw.get(`${prefix}alias:{leg:a-1}`), 'CON-1')
    const aliasTtl = await raw.pTTL(`${prefix}alias:{leg:a-1}`)
    t.ok(aliasTtl > 55_000 && aliasTtl <= 60_000, `the alias's PTTL (${aliasTtl}) is close to 60 s`)
    t.equal(await store.put('CON-1', { ...value, step: 'next' }, 1, 120), 2)
    t.equal(await raw.hGet(`${prefix}call:{CON-1}`, 'v'), '2')
    t.ok((await raw.pTTL(`${prefix}call:{CON-1}`)) > 115_000, 'each write sets the TTL again')
    await store.setAlias('leg:b-2', 'CON-1', 30)
    t.equal(await raw.get(`${prefix}alias:{leg:b-2}`), 'CON-1')
    t.strictSame((await raw.keys(`${prefix}*`)).sort(), [`${prefix}alias:{leg:a-1}`, `${prefix}alias:{leg:b-2}`, `${prefix}call:{CON-1}`])
    await raw.hSet(`${prefix}call:{half}`, 'v', '3')
    t.equal(await store.get('half'), undefined, 'a hash without its data reads as no record')
  })

  t.test('Redis forgot the script (SCRIPT FLUSH on the test\'s own redis-server): the write sends it whole, once', async (t) => {
    const own = await ownRedis(t)
    const store = createRedisStore({ url: own.url, prefix: testPrefix('noscript') })
    t.teardown(() => store.close())
    const raw = await rawClient(t, own.url)
    t.equal(await store.put('call-1', { n: 1 }, null, 60), 1)
    const calls = async () => commandCalls(await raw.info('commandstats'))
    t.equal((await calls()).eval, 1, 'a fresh Redis: the first write sent the script')
    await raw.scriptFlush()
    const before = await calls()
    t.equal(await store.put('call-1', { n: 2 }, 1, 60), 2, 'the write after the flush works')
    const after = await calls()
    t.equal(after.evalsha - before.evalsha, 1, 'it tried the hash')
    t.equal(after.eval - before.eval, 1, 'then sent the script')
    t.equal(await store.put('call-1', { n: 3 }, 2, 60), 3)
    const later = await calls()
    t.equal(later.eval - after.eval, 0, 'later writes use the hash again')
    t.strictSame(await store.get('call-1'), { value: { n: 3 }, version: 3 })
  })

  t.test('a closed store rejects every call with STORE_UNAVAILABLE; closing twice is fine', async (t) => {
    const store = createRedisStore({ url: REDIS_URL, prefix: testPrefix('closed') })
    await store.ping()
    await store.close()
    await store.close()
    for (const call of [store.get('x'), store.put('x', {}, null, 60), store.delete('x'), store.setAlias('a', 'x', 60), store.resolveAlias('a'), store.ping()]) {
      t.match(await rejection(call), { ...UNAVAILABLE, message: 'the Redis store is closed' })
    }
  })

  t.test('a client passed in is its owner\'s: store.close() leaves it open', async (t) => {
    const client = await rawClient(t)
    const store = createRedisStore({ client, prefix: testPrefix('owned') })
    await store.ping()
    await store.close()
    t.equal(client.isOpen, true)
    t.equal(await client.ping(), 'PONG')
  })

  t.test('the call API\'s keys: the index sorted set scored by update time, pruned by score; the log list, its counter, their TTL', async (t) => {
    const prefix = testPrefix('admin-keys')
    t.teardown(() => deletePrefix(prefix))
    const store = createRedisStore({ url: REDIS_URL, prefix })
    t.teardown(() => store.close())
    const raw = await rawClient(t)
    const now = Date.now()
    await store.put('CON-old', { n: 0 }, null, 60, undefined, { updatedAt: now - 10_000, horizonMs: 60_000 })
    await store.put('CON-1', { n: 1 }, null, 60, ['leg:a'], { updatedAt: now, horizonMs: 60_000 })
    t.strictSame(await raw.zRangeWithScores(`${prefix}calls`, 0, -1), [{ value: 'CON-old', score: now - 10_000 }, { value: 'CON-1', score: now }])
    await store.put('CON-2', { n: 2 }, null, 60, undefined, { updatedAt: now + 1, horizonMs: 5_000 })
    t.strictSame(await raw.zRange(`${prefix}calls`, 0, -1), ['CON-1', 'CON-2'], 'an entry older than the horizon is dropped by score on a write')
    await store.put('CON-3', { n: 3 }, null, 60)
    t.equal(await raw.zScore(`${prefix}calls`, 'CON-3'), null, 'a put without an index entry is not indexed (the call API is off)')

    await raw.del(`${prefix}call:{CON-1}`)
    t.strictSame((await store.listCalls({ limit: 10 })).calls.map((c) => c.id), ['CON-2'])
    t.strictSame(await raw.zRange(`${prefix}calls`, 0, -1), ['CON-2'], 'a listing drops the entry of a record that expired')

    t.equal(await store.appendLog('CON-2', { n: 'a' }, { max: 2, ttlSeconds: 60 }), 0)
    t.equal(await store.appendLog('CON-2', { n: 'b' }, { max: 2, ttlSeconds: 60 }), 1)
    t.equal(await store.appendLog('CON-2', { n: 'c' }, { max: 2, ttlSeconds: 90 }), 2)
    t.strictSame(await raw.lRange(`${prefix}log:{CON-2}`, 0, -1), ['{"n":"b"}', '{"n":"c"}'])
    t.equal(await raw.get(`${prefix}log:{CON-2}:n`), '3')
    for (const key of [`${prefix}log:{CON-2}`, `${prefix}log:{CON-2}:n`]) {
      const pttl = await raw.pTTL(key)
      t.ok(pttl > 85_000 && pttl <= 90_000, `${key}: PTTL ${pttl} is the last append's`)
    }
    await store.delete('CON-2')
    t.strictSame((await raw.keys(`${prefix}*`)).sort(), [`${prefix}alias:{leg:a}`, `${prefix}call:{CON-3}`, `${prefix}call:{CON-old}`], 'delete removed the record, its log and its index entry')
  })

  t.test('listing pages through calls written in the same millisecond, without losing or repeating one', async (t) => {
    const prefix = testPrefix('ties')
    t.teardown(() => deletePrefix(prefix))
    const store = createRedisStore({ url: REDIS_URL, prefix })
    t.teardown(() => store.close())
    const at = Date.now()
    for (const id of ['a', 'b', 'c', 'd', 'e']) await store.put(id, { id }, null, 60, undefined, { updatedAt: at, horizonMs: 60_000 })
    await store.put('f', { id: 'f' }, null, 60, undefined, { updatedAt: at - 1, horizonMs: 60_000 })
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await store.listCalls({ limit: 2, ...(cursor === undefined ? {} : { cursor }) })
      seen.push(...page.calls.map((c) => c.id))
      cursor = page.next
    } while (cursor !== undefined)
    t.strictSame(seen, ['e', 'd', 'c', 'b', 'a', 'f'])
  })

  t.test('a filtered listing that meets expired calls loses none of the calls after them', async (t) => {
    const prefix = testPrefix('expired-list')
    t.teardown(() => deletePrefix(prefix))
    const store = createRedisStore<{ keep: boolean }>({ url: REDIS_URL, prefix })
    t.teardown(() => store.close())
    const at = Date.now()
    // Most recent first: two that expire at once, two the filter refuses, then three it accepts.
    const rows = [['gone-1', false, 1], ['gone-2', false, 1], ['no-1', false, 60], ['no-2', false, 60], ['yes-1', true, 60], ['yes-2', true, 60], ['yes-3', true, 60]] as const
    for (const [i, [id, keep, ttl]] of rows.entries()) await store.put(id, { keep }, null, ttl, undefined, { updatedAt: at - i, horizonMs: 60_000 })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await store.listCalls({ limit: 2, filter: (v) => v.keep, ...(cursor === undefined ? {} : { cursor }) })
      seen.push(...page.calls.map((c) => c.id))
      cursor = page.next
    } while (cursor !== undefined)
    t.strictSame(seen, ['yes-1', 'yes-2', 'yes-3'])
  })

  t.test('a RESP2 client (flat WITHSCORES replies) lists calls and reads logs the same', async (t) => {
    const prefix = testPrefix('resp2')
    t.teardown(() => deletePrefix(prefix))
    const client = createClient({ url: REDIS_URL, RESP: 2 })
    await client.connect()
    t.teardown(() => client.close())
    const store = createRedisStore({ client, prefix })
    await store.put('a', { id: 'a' }, null, 60, undefined, { updatedAt: Date.now(), horizonMs: 60_000 })
    await store.put('b', { id: 'b' }, null, 60, undefined, { updatedAt: Date.now() + 1, horizonMs: 60_000 })
    t.strictSame(await store.listCalls({ limit: 5 }), { calls: [{ id: 'b', value: { id: 'b' } }, { id: 'a', value: { id: 'a' } }] })
    await store.appendLog('a', { n: 1 }, { max: 5, ttlSeconds: 60 })
    t.strictSame(await store.readLog('a'), [{ index: 0, value: { n: 1 } }])
  })

  t.test('pub/sub across instances: each store subscribes on a copy of its client, opened by the first subscribe only', async (t) => {
    const prefix = testPrefix('pubsub')
    const raw = await rawClient(t)
    const subscribers = async () => Number((await raw.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}events`]) as [string, number])[1])
    const one = createRedisStore({ url: REDIS_URL, prefix })
    const owner = await rawClient(t)
    const two = createRedisStore({ client: owner, prefix })
    t.teardown(() => Promise.all([one.close(), two.close()]))
    await one.put('x', {}, null, 60)
    t.equal(await subscribers(), 0, 'nothing subscribes before a subscriber asks')
    const got: string[][] = [[], []]
    const stopOne = await one.subscribe((m) => got[0]?.push(m))
    await two.subscribe((m) => got[1]?.push(m))
    await two.subscribe((m) => got[1]?.push(`again ${m}`))
    t.equal(await subscribers(), 2, 'one connection per store, however many listeners')
    await one.publish('from one')
    await two.publish('from two')
    await until(() => got[0]?.length === 2 && got[1]?.length === 4)
    t.strictSame(got, [['from one', 'from two'], ['from one', 'again from one', 'from two', 'again from two']])
    await stopOne()
    await two.publish('three')
    await until(() => got[1]?.length === 6)
    t.equal(got[0]?.length, 2, 'an unsubscribed listener hears nothing more')
    await one.close()
    await two.close()
    for (let i = 0; i < 50 && (await subscribers()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    t.equal(await subscribers(), 0, 'closing a store closes its subscriber')
    t.equal(owner.isOpen, true, 'the owner\'s client stays open')
    t.match(await rejection(one.subscribe(() => {})), { ...UNAVAILABLE, message: 'the Redis store is closed' })
  })

  t.test('subscribe needs a client that can be copied; a Redis that does not answer fails it, and a later one works', async (t) => {
    const store = createRedisStore({ client: { sendCommand: async () => 'OK' }, prefix: testPrefix('no-dup') })
    t.match(await rejection(store.subscribe(() => {})), { code: 'NCCOFLOW_ERR_STORE_INVALID_ARGUMENT', message: /duplicate\(\)/ })
    const own = await ownRedis(t)
    await own.stop()
    const { log, lines } = keptLog()
    const down = createRedisStore({ url: own.url, prefix: testPrefix('sub-down'), commandTimeoutMs: 300, logger: log })
    t.teardown(() => down.close())
    t.match(await rejection(down.subscribe(() => {})), UNAVAILABLE)
    t.ok(lines.some((l) => l.level === 'error'), 'the failure is logged')
    await own.start()
    const got: string[] = []
    for (let i = 0; i < 50; i++) {
      try {
        await down.subscribe((m) => got.push(m))
        break
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    await down.publish('back')
    await until(() => got.length === 1)
    t.strictSame(got, ['back'])
  })
}
