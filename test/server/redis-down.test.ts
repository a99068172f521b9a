// Issue 8: when Redis does not answer, NCCO routes answer the flow's fallback NCCO, other webhooks answer 503 (so
// Vonage retries) and /healthz says 503, each within 2 seconds; once Redis answers again, calls carry on where they were.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { createRedisStore } from '../../src/runtime/store/index.js'
import { buildServer } from '../../src/server/build.js'
import { deletePrefix, needRedis, ownRedis, redisAnswers, testPrefix, type OwnRedis } from '../fixtures/redis.js'
import { childEnv } from '../fixtures/child-env.js'
import { at, conv } from './fixtures/app.js'

// Two outages, each waiting for its Redis to come back, and three runs of the real command: more than tap's 30 s.
t.setTimeout(180_000)

/** The bound the issue gives, measured from the request. */
const BOUND_MS = 2000

async function serverOn(t: Test, redis: OwnRedis): Promise<FastifyInstance> {
  const prefix = testPrefix('down')
  const store = createRedisStore<CallRecord>({ url: redis.url, prefix })
  const app = await buildServer({ flows: [ivrMenu], defaultFlow: 'ivr-menu', publicUrl: 'https://ivr.test', store })
  t.teardown(async () => {
    await app.close()
    await deletePrefix(prefix, redis.url).catch(() => {})
  })
  return app
}

/** A request, and how long it took to be answered. */
async function timed(request: Promise<LightMyRequestResponse>): Promise<{ res: LightMyRequestResponse; ms: number }> {
  const started = performance.now()
  const res = await request
  return { res, ms: performance.now() - started }
}

const post = (app: FastifyInstance, url: string, body: object) => app.inject({ method: 'POST', url, payload: body })
const answer = (app: FastifyInstance, uuid: string) => post(app, '/answer', { uuid, conversation_uuid: conv(uuid), to: '447700900100', from: '447700900200' })
let inputs = 0
const input = (app: FastifyInstance, step: string, uuid: string, digits: string) =>
  post(app, `/flows/ivr-menu/${step}/input`, { uuid, conversation_uuid: conv(uuid), dtmf: { digits, timed_out: false }, timestamp: at(10 + ++inputs) })
const event = (app: FastifyInstance, uuid: string, status: string) =>
  post(app, '/event', { uuid, conversation_uuid: conv(uuid), status, direction: 'inbound', timestamp: at(30 + ++inputs) })
const recording = (app: FastifyInstance, uuid: string) =>
  post(app, '/flows/ivr-menu/voicemail/record', { uuid, conversation_uuid: conv(uuid), recording_url: 'https://api.nexmo.com/v1/files/r-1', recording_uuid: 'r-1', start_time: at(40), end_time: at(45), size: 1000, timestamp: at(46) })

const actions = (res: LightMyRequestResponse) => (JSON.parse(res.body) as { action: string }[]).map((a) => a.action)

/** Polls /healthz until it says 200, for at most `ms`. */
async function healthyWithin(app: FastifyInstance, ms: number): Promise<LightMyRequestResponse> {
  const until = Date.now() + ms
  for (;;) {
    const res = await app.inject({ method: 'GET', url: '/healthz' })
    if (res.statusCode === 200 || Date.now() > until) return res
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Two calls in progress (one at the menu after a wrong key, one recording a voicemail); Redis goes away by `down`;
 * every kind of webhook is answered within the bound; Redis comes back by `up`; both calls carry on from their records.
 */
async function outage(t: Test, down: (redis: OwnRedis) => Promise<void> | void, up: (redis: OwnRedis) => Promise<void> | void): Promise<void> {
  const redis = await ownRedis(t)
  const app = await serverOn(t, redis)
  const fallback = app.nccoflow.runtime.flows.get('ivr-menu')?.fallback

  t.strictSame(actions(await answer(app, 'menu-call')), ['talk', 'input'])
  t.strictSame(actions(await input(app, 'menu', 'menu-call', '9')), ['talk', 'talk', 'input'], 'a wrong key: sorry, then the menu again')
  t.strictSame(actions(await answer(app, 'voicemail-call')), ['talk', 'input'])
  t.strictSame(actions(await input(app, 'menu', 'voicemail-call', '2')), ['talk', 'record', 'talk'])
  const before = { menu: await app.nccoflow.runtime.findCall(conv('menu-call')), voicemail: await app.nccoflow.runtime.findCall(conv('voicemail-call')) }
  t.equal(before.menu?.value.state.value, 'menu')
  t.equal(before.voicemail?.value.state.value, 'goodbye', 'recording, then goodbye')

  await down(redis)

  const inputDown = await timed(input(app, 'menu', 'menu-call', '1'))
  t.equal(inputDown.res.statusCode, 200)
  t.strictSame(JSON.parse(inputDown.res.body), fallback, 'input: the fallback NCCO')
  t.ok(inputDown.ms < BOUND_MS, `input answered in ${Math.round(inputDown.ms)} ms`)

  const answerDown = await timed(answer(app, 'new-call'))
  t.equal(answerDown.res.statusCode, 200)
  t.strictSame(JSON.parse(answerDown.res.body), fallback, 'answer: the fallback NCCO')
  t.ok(answerDown.ms < BOUND_MS, `answer answered in ${Math.round(answerDown.ms)} ms`)

  const eventDown = await timed(event(app, 'menu-call', 'started'))
  t.equal(eventDown.res.statusCode, 503, '/event: 503, so Vonage retries')
  t.ok(eventDown.ms < BOUND_MS, `/event answered in ${Math.round(eventDown.ms)} ms`)

  const recordDown = await timed(recording(app, 'voicemail-call'))
  t.equal(recordDown.res.statusCode, 503, 'the record callback: 503, so Vonage retries')
  t.ok(recordDown.ms < BOUND_MS, `record callback answered in ${Math.round(recordDown.ms)} ms`)

  const healthDown = await timed(app.inject({ method: 'GET', url: '/healthz' }))
  t.equal(healthDown.res.statusCode, 503)
  t.strictSame(JSON.parse(healthDown.res.body), { status: 'unavailable', store: 'redis' })
  t.ok(healthDown.ms < BOUND_MS, `/healthz answered in ${Math.round(healthDown.ms)} ms`)

  await up(redis)

  const health = await healthyWithin(app, 10_000)
  t.equal(health.statusCode, 200, '/healthz says 200 again without a restart')
  t.strictSame(JSON.parse(health.body), { status: 'ok', store: 'redis', flows: ['ivr-menu'] })

  // The calls were left as they were: same version, step and context.
  t.strictSame(await app.nccoflow.runtime.findCall(conv('menu-call')), before.menu, 'the menu call is as it was stored')
  t.strictSame(await app.nccoflow.runtime.findCall(conv('voicemail-call')), before.voicemail, 'the voicemail call is as it was stored')
  // ...and they carry on from there: the menu call counts its second wrong key after the first, then goes to sales.
  t.equal(before.menu?.value.state.context.retries, 1, 'the menu call had one wrong key')
  t.strictSame(actions(await input(app, 'menu', 'menu-call', '8')), ['talk', 'talk', 'input'])
  t.equal((await app.nccoflow.runtime.findCall(conv('menu-call')))?.value.state.context.retries, 2, 'its count of wrong keys was kept')
  const sales = JSON.parse((await input(app, 'menu', 'menu-call', '1')).body) as { action: string; text?: string }[]
  t.strictSame(sales.map((a) => a.action), ['talk', 'connect'], 'the menu call goes on to sales')
  t.equal(sales[0]?.text, 'Connecting you to sales.')
  t.equal((await recording(app, 'voicemail-call')).statusCode, 204, 'the retried record callback is taken')
  const voicemailAfter = await app.nccoflow.runtime.findCall(conv('voicemail-call'))
  t.ok(voicemailAfter?.value.history.some((h) => h.event === 'record'), 'the voicemail call has its recording')
  t.equal((await event(app, 'menu-call', 'answered')).statusCode, 204, '/event is taken again')
}

if (await needRedis(t)) {
  t.test('Redis killed while calls are in progress, then started again', (t) =>
    outage(t, (redis) => redis.stop('SIGKILL'), (redis) => redis.start()))

  t.test('Redis that accepts connections but does not answer (SIGSTOP), then resumes (SIGCONT)', (t) =>
    outage(t, (redis) => redis.signal('SIGSTOP'), (redis) => redis.signal('SIGCONT')))
}

const root = new URL('../../', import.meta.url).pathname

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** `node bin/nccoflow.js start` with `env`, its output (stdout and stderr) collected as it comes. */
function startCommand(t: Test, env: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/nccoflow.js', 'start'], { cwd: root, env: childEnv({ DEFAULT_FLOW: 'ivr-menu', LOG_LEVEL: 'info', ...env }) })
  const run = { child, output: '', stderr: '', exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) }
  child.stdout.on('data', (chunk: Buffer) => { run.output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => {
    run.output += chunk.toString()
    run.stderr += chunk.toString()
  })
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await run.exited
    }
  })
  return run
}

/** Waits (bounded) until `check` holds. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A redis-server with a password on `port`, stopped when the test ends. */
async function redisWithPassword(t: Test, port: number, password: string): Promise<void> {
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const exited = new Promise((resolve) => server.once('exit', resolve))
  t.teardown(async () => {
    server.kill('SIGKILL')
    await exited
  })
  await until('redis-server answers', () => redisAnswers(`redis://:${password}@127.0.0.1:${port}`), 10_000)
}

if (await needRedis(t)) {
  t.test('`nccoflow start` with a Redis that is not there yet: listens, says so without the password, and retries', async (t) => {
    const [port, redisPort] = [await freePort(), await freePort()]
    const url = `redis://:s3cret@127.0.0.1:${redisPort}`
    const run = startCommand(t, { PORT: String(port), REDIS_URL: url })
    await until('the server listens', () => run.output.includes('nccoflow listening on'))
    const base = `http://127.0.0.1:${port}`
    await until('the Redis error is logged', () => run.output.includes('does not answer'))
    const errorLine = run.output.split('\n').find((line) => line.includes('does not answer')) ?? ''
    t.match(JSON.parse(errorLine), { level: 50, redis: `redis://:***@127.0.0.1:${redisPort}`, msg: `Redis at redis://:***@127.0.0.1:${redisPort} does not answer (connect ECONNREFUSED 127.0.0.1:${redisPort}): calls get the fallback NCCO until it does; retrying` }, 'an error line names the URL, its password replaced')
    const health = await fetch(`${base}/healthz`)
    t.equal(health.status, 503)
    t.strictSame(await health.json(), { status: 'unavailable', store: 'redis' })

    await redisWithPassword(t, redisPort, 's3cret')
    await until('/healthz says 200', async () => (await fetch(`${base}/healthz`)).status === 200, 10_000)
    t.strictSame(await (await fetch(`${base}/healthz`)).json(), { status: 'ok', store: 'redis', flows: ['ivr-menu', 'survey'] })
    const answered = await fetch(`${base}/answer?to=447700900000&from=447700900123&uuid=late-1&conversation_uuid=CON-late-1`)
    t.strictSame(((await answered.json()) as { action: string }[]).map((a) => a.action), ['talk', 'input'], 'a call gets the menu')
    const input = await fetch(`${base}/flows/ivr-menu/menu/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid: 'late-1', conversation_uuid: 'CON-late-1', dtmf: { digits: '2', timed_out: false }, timestamp: at(5) }) })
    t.strictSame(((await input.json()) as { action: string }[]).map((a) => a.action), ['talk', 'record', 'talk'], 'and goes on from its stored step')
    await until('it answers again is logged', () => run.output.includes('answers again'))

    run.child.kill('SIGTERM')
    t.equal(await run.exited, 0, 'it stops on SIGTERM')
    t.notOk(run.output.includes('s3cret'), 'the password appears nowhere in its output')
  })

  for (const url of ['not a url', 'http://x', 'redis://:s3cret@']) {
    t.test(`\`nccoflow start\` with REDIS_URL="${url}" fails at start`, async (t) => {
      const run = startCommand(t, { PORT: String(await freePort()), REDIS_URL: url })
      t.equal(await run.exited, 1, 'exit code 1')
      t.match(run.stderr, /^nccoflow start: Invalid nccoflow option REDIS_URL: .*\(NCCOFLOW_ERR_OPTIONS_INVALID\)\n$/)
      t.notOk(run.output.includes('nccoflow listening on'), 'it never listens')
      t.notOk(run.output.includes('s3cret'), 'a password in it is not printed')
    })
  }
}
