import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { createClient } from 'redis'
import { loadFlows } from '../../src/cli/load-flows.js'
import { fromStored, type CallRecord } from '../../src/runtime/call-record.js'
import { buildServer } from '../../src/server/build.js'
import { multiFlowsDir, post, publicUrl, startInstance, type Instance, type Reply } from '../fixtures/instances.js'
import { REDIS_URL, deletePrefix, needRedis, ownRedis, testPrefix } from '../fixtures/redis.js'

// Issue 8: several `nccoflow start` processes on one Redis serve the same calls as one process would. Real processes,
// real sockets, real Redis; each call's webhooks go to the instances in turn (answer on A, input on B, event on C...).

/** One webhook as Vonage sends it: a path and the exact bytes of its JSON body. */
interface Webhook {
  readonly path: string
  readonly body: string
}

const T0 = Date.now() + 60_000

/** A Vonage timestamp `seconds` into a call, after the server-stamped answer entry. */
function stamp(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString()
}

function webhook(path: string, body: Record<string, unknown>): Webhook {
  return { path, body: JSON.stringify(body) }
}

const answer = (flow: string, uuid: string) => webhook(`/flows/${flow}/answer`, { uuid, conversation_uuid: `CON-${uuid}`, to: '447700900001', from: '447700900555' })
const status = (uuid: string, value: string, second: number) => webhook('/event', { uuid, conversation_uuid: `CON-${uuid}`, status: value, direction: 'inbound', timestamp: stamp(second) })
const press = (path: string, uuid: string, digits: string, second: number) => webhook(path, { uuid, conversation_uuid: `CON-${uuid}`, dtmf: { digits, timed_out: false }, timestamp: stamp(second) })
const say = (path: string, uuid: string, text: string, second: number) => webhook(path, { uuid, conversation_uuid: `CON-${uuid}`, speech: { results: [{ confidence: '0.9', text }] }, dtmf: { digits: null, timed_out: false }, timestamp: stamp(second) })
const recording = (path: string, uuid: string, second: number) => webhook(path, {
  start_time: stamp(second - 1), end_time: stamp(second), size: 12345, conversation_uuid: `CON-${uuid}`, timestamp: stamp(second),
  recording_uuid: `rec-${uuid}`, recording_url: `https://api.nexmo.com/v1/files/rec-${uuid}`,
})
const notify = (uuid: string, second: number) => webhook('/flows/relay/message/notify', { payload: { done: true }, conversation_uuid: `CON-${uuid}`, timestamp: stamp(second) })

/** A whole ivr-menu call: a wrong key (sorry, the menu again), 2 (voicemail), the recording, hang up. */
function ivrMenuCall(uuid: string): Webhook[] {
  return [
    answer('ivr-menu', uuid), status(uuid, 'started', 1), status(uuid, 'answered', 2),
    press('/flows/ivr-menu/menu/input', uuid, '9', 3), press('/flows/ivr-menu/menu/input', uuid, '2', 4),
    recording('/flows/ivr-menu/voicemail/record', uuid, 5), status(uuid, 'completed', 6),
  ]
}

/** A whole survey call: rating 4, the word "great", hang up. */
function surveyCall(uuid: string): Webhook[] {
  return [
    answer('survey', uuid), status(uuid, 'answered', 1), press('/flows/survey/rating/input', uuid, '4', 2),
    say('/flows/survey/word/input', uuid, 'great', 3), status(uuid, 'completed', 4),
  ]
}

/** A whole relay call: key 7, the recording, the notify, hang up. */
function relayCall(uuid: string): Webhook[] {
  return [
    answer('relay', uuid), press('/flows/relay/ask/input', uuid, '7', 1), recording('/flows/relay/message/record', uuid, 2),
    notify(uuid, 3), status(uuid, 'completed', 4),
  ]
}

/** What one in-memory server answers to a call's webhooks, and the record it keeps: the reference. */
async function singleInstance(t: Test, webhooks: readonly Webhook[], conversation: string) {
  const app = await buildServer({ flows: await loadFlows(multiFlowsDir), publicUrl, logger: false })
  t.teardown(() => app.close())
  const replies: Reply[] = []
  for (const { path, body } of webhooks) {
    const res = await app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': 'application/json' } })
    replies.push({ status: res.statusCode, body: res.body === '' ? undefined : JSON.parse(res.body) })
  }
  const stored = await app.nccoflow.runtime.findCall(conversation)
  return { replies, record: stored?.value, version: stored?.version }
}

/** A record without what depends on the clock of the instance that wrote it (created/updated times, answer time). */
function comparable(record: CallRecord | undefined) {
  if (record === undefined) return undefined
  const { createdAt: _created, updatedAt: _updated, ...rest } = record
  return { ...rest, history: rest.history.map((h) => (h.event === 'answer' ? { ...h, at: '(answer time)' } : h)) }
}

/** A call's record and version read straight from Redis: HMGET <prefix>call:{<id>} v d. */
async function fromRedis(url: string, prefix: string, id: string) {
  const client = createClient({ url })
  client.on('error', () => {})
  await client.connect()
  try {
    const [v, d] = await client.hmGet(`${prefix}call:{${id}}`, ['v', 'd'])
    return { version: v === null || v === undefined ? undefined : Number(v), record: d === null || d === undefined ? undefined : fromStored(id, JSON.parse(d) as CallRecord) }
  } finally {
    await client.close()
  }
}

/** Checks a call served by several instances got the replies, record and version one instance gives. */
async function sameAsOneInstance(t: Test, webhooks: readonly Webhook[], replies: readonly Reply[], url: string, prefix: string, conversation: string) {
  const reference = await singleInstance(t, webhooks, conversation)
  t.strictSame(replies, reference.replies, 'every reply (status and NCCO) equals one instance\'s')
  const stored = await fromRedis(url, prefix, conversation)
  t.ok(stored.record, 'the record is in Redis')
  t.strictSame(comparable(stored.record), comparable(reference.record), 'the stored record equals one instance\'s')
  t.equal(stored.version, reference.version, 'as many writes as one instance makes')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Sends each webhook to the next instance in turn. */
async function rotate(servers: readonly Instance[], webhooks: readonly Webhook[]): Promise<Reply[]> {
  const replies: Reply[] = []
  for (const [i, { path, body }] of webhooks.entries()) replies.push(await post((servers[i % servers.length] as Instance).base, path, body))
  return replies
}

/** Polls /healthz until it answers 200 (bounded). */
async function healthy(server: Instance): Promise<boolean> {
  for (let waited = 0; waited < 15_000; waited += 100) {
    const ok = await fetch(`${server.base}/healthz`).then((res) => res.status === 200, () => false)
    if (ok) return true
    await sleep(100)
  }
  return false
}

if (await needRedis(t)) {
  // Starting a process takes seconds on a busy machine: every instance this file needs starts once, here, at the same
  // time. A, B and C share the machine's Redis (a prefix of this file's own); D and E share a redis-server of their own,
  // which the last test kills and restarts. Every child is killed and every key deleted when the file ends.
  // A busy machine (a full test run beside) can take a minute to start five processes: the file's timeout allows it.
  t.setTimeout(240_000)
  const prefix = testPrefix('multi')
  const ownPrefix = testPrefix('multi-own')
  const dir = mkdtempSync(join(tmpdir(), 'nccoflow-multi-'))
  const handlerLog = join(dir, 'handlers.log')
  writeFileSync(handlerLog, '')
  t.teardown(async () => {
    await deletePrefix(prefix)
    rmSync(dir, { recursive: true, force: true })
  })
  const redis = await ownRedis(t)
  const shared = { REDIS_URL, REDIS_PREFIX: prefix, HANDLER_LOG: handlerLog, LOG_LEVEL: 'debug' }
  const own = { REDIS_URL: redis.url, REDIS_PREFIX: ownPrefix }
  const [a, b, c] = await Promise.all([startInstance(t, 'A', shared), startInstance(t, 'B', shared), startInstance(t, 'C', shared)])
  // D and E start while A, B and C are tested (a failed start fails the test that uses them).
  const ownPair = Promise.all([startInstance(t, 'D', own), startInstance(t, 'E', own)])
  ownPair.catch(() => {})
  const servers = [a, b, c]

  t.test('three instances on one Redis: whole calls of the example flows, webhooks rotating over them, as one instance', async (t) => {
    for (const [name, call] of [['ivr-menu', ivrMenuCall], ['survey', surveyCall], ['relay', relayCall]] as const) {
      const uuid = `rotate-${name}`
      const webhooks = call(uuid)
      const replies = await rotate(servers, webhooks)
      await t.test(name, (t) => sameAsOneInstance(t, webhooks, replies, REDIS_URL, prefix, `CON-${uuid}`))
    }
  })

  t.test('the same webhook sent to three instances at once: one answer, one step forward, each handler run once', async (t) => {
    const uuids = Array.from({ length: 20 }, (_, i) => `dup-${i}`)
    for (const uuid of uuids) {
      const [first, ...rest] = relayCall(uuid) as [Webhook, ...Webhook[]]
      const replies: Reply[] = [await post(a.base, first.path, first.body)]
      for (const { path, body } of rest) {
        // The same bytes to all three at once: each must answer as if it were the only delivery.
        const all = await Promise.all(servers.map((s) => post(s.base, path, body)))
        t.strictSame(all.slice(1), [all[0], all[0]], `${uuid} ${path}: all three instances answer alike`)
        replies.push(all[0] as Reply)
      }
      const reference = await singleInstance(t, relayCall(uuid), `CON-${uuid}`)
      t.strictSame(replies, reference.replies, `${uuid}: the answers one instance gives`)
      const stored = await fromRedis(REDIS_URL, prefix, `CON-${uuid}`)
      t.strictSame(comparable(stored.record), comparable(reference.record), `${uuid}: the record one instance keeps (each event once in the history)`)
      t.equal(stored.version, reference.version, `${uuid}: each webhook advanced the call once`)
    }
    // Handlers run after the answer: wait (bounded) for every line, then a little longer for any second run to show.
    const expected = uuids.flatMap((uuid) => [`notify ${uuid}`, `record ${uuid} rec-${uuid}`]).sort()
    const lines = () => readFileSync(handlerLog, 'utf8').split('\n').filter((line) => line.startsWith('notify dup-') || line.startsWith('record dup-')).sort()
    for (let waited = 0; waited < 10_000 && lines().length < expected.length; waited += 50) await sleep(50)
    await sleep(500)
    t.strictSame(lines(), expected, 'the record and notify handlers of each call ran exactly once, on whichever instance won')
    // The duplicates did race: some instance lost a compare-and-set and redid the webhook, or found it already done.
    const output = servers.map((s) => s.output()).join('')
    const count = (event: string) => output.split('\n').filter((line) => line.includes(`"event":"${event}"`)).length
    t.comment(`compare-and-set conflicts: ${count('store.conflict')}; duplicates answered from the record: ${count('callback.retry')}`)
    t.ok(count('store.conflict') > 0, 'at least one duplicate lost a compare-and-set race (so that path ran)')
  })

  t.test('an instance killed (SIGKILL) mid-call: the call goes on on the others from its stored state', async (t) => {
    const uuid = 'kill-1'
    const webhooks = ivrMenuCall(uuid)
    const replies = await rotate(servers, webhooks.slice(0, 4)) // answer A, started B, answered C, '9' on A
    a.kill('SIGKILL')
    t.equal(await a.exited, null, 'A is gone')
    replies.push(...(await rotate([b, c], webhooks.slice(4)))) // '2' on B, the recording on C, completed on B
    await sameAsOneInstance(t, webhooks, replies, REDIS_URL, prefix, `CON-${uuid}`)
  })

  t.test('Redis killed and restarted mid-call: the instances reconnect and the call goes on from its stored state', async (t) => {
    const [d, e] = await ownPair
    const uuid = 'restart-1'
    const webhooks = ivrMenuCall(uuid)
    const replies = await rotate([d, e], webhooks.slice(0, 2)) // answer on D, started on E
    await redis.stop('SIGKILL')
    // While Redis is down an event cannot be stored: 503, and Vonage sends it again later.
    const answered = webhooks[2] as Webhook
    t.equal((await post(d.base, answered.path, answered.body)).status, 503, 'an event while Redis is down: 503')
    t.equal((await fetch(`${e.base}/healthz`)).status, 503, '/healthz says so')
    await redis.start()
    t.ok(await healthy(d), 'D reconnected by itself')
    t.ok(await healthy(e), 'E reconnected by itself')
    // Vonage's retry of the event, then the rest of the call; the script cache is empty after the restart.
    replies.push(...(await rotate([e, d], webhooks.slice(2))))
    await sameAsOneInstance(t, webhooks, replies, redis.url, ownPrefix, `CON-${uuid}`)
  })
}
