/**
 * `npm run bench`: whole-call throughput of nccoflow against bare fastify, then heap bytes per active call.
 *
 * Part 1 starts both servers, each in a child process of its own (bench/server.ts), and drives them from this process
 * with autocannon, in alternating rounds: every connection sends whole calls (answer, two inputs, completed;
 * bench/call.ts), one after another, each with fresh ids. Part 2 runs bench/heap.ts in a child process.
 * Settings come from the environment: BENCH_ROUNDS (default 3), BENCH_DURATION (seconds per server per round, default
 * 2.5), BENCH_WARMUP (seconds per server, default 1), BENCH_CONNECTIONS (default 10), BENCH_CALLS (part 2, default
 * 100000), BENCH_PARTS (`throughput,heap` by default), BENCH_CPU_PROF (a directory: each server writes a V8 CPU profile
 * under it).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import autocannon from 'autocannon'
import { CALL_STEPS, callIds, callRequest, sendCall, type CallIds, type CallStep, type Expected } from './call.js'
import type { HeapResult } from './heap.js'
import type { ChildMessage, ParentMessage } from './server.js'

const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const duration = Number(process.env.BENCH_DURATION ?? 2.5)
const warmup = Number(process.env.BENCH_WARMUP ?? 1)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const parts = (process.env.BENCH_PARTS ?? 'throughput,heap').split(',')
const profileDir = process.env.BENCH_CPU_PROF
const THROUGHPUT_TARGET = 0.5
const HEAP_TARGET = 2048

/** The actions of each step's NCCO: what tells that the inputs moved the call on (`-` for no body). */
const expectedActions: Readonly<Record<CallStep, string>> = {
  answer: 'talk,input',
  'input 9': 'talk,talk,input',
  'input 2': 'talk,record,talk',
  completed: '-',
}

type Kind = 'nccoflow' | 'bare'

interface Server {
  readonly origin: string
  records(ids: readonly string[]): Promise<Extract<ChildMessage, { type: 'records' }>>
  cpu(): Promise<NodeJS.CpuUsage>
  stop(): Promise<void>
}

/** What the rounds of one server add up to. */
interface Tally {
  requests: number
  seconds: number
  calls: number
  non2xx: number
  errors: number
  /** CPU time in microseconds, of the server process and of this (load generator) process. */
  serverCpu: number
  clientCpu: number
  readonly rates: number[]
  readonly wrong: Record<CallStep, number>
  /** Milliseconds from writing each request to its response, by step. */
  readonly latencies: Record<CallStep, number[]>
  readonly samples: string[]
}

function newTally(): Tally {
  return {
    requests: 0, seconds: 0, calls: 0, non2xx: 0, errors: 0, serverCpu: 0, clientCpu: 0, rates: [],
    wrong: { answer: 0, 'input 9': 0, 'input 2': 0, completed: 0 },
    latencies: { answer: [], 'input 9': [], 'input 2': [], completed: [] },
    samples: [],
  }
}

function nextMessage<T>(child: ChildProcess, accept: (message: unknown) => message is T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!accept(message)) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(message)
    }
    const onExit = (code: number | null) => reject(new Error(`benchmark child exited with code ${String(code)}`))
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

const isType = <K extends string>(type: K) => (message: unknown): message is Extract<ChildMessage, { type: K }> =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type

async function startServer(kind: Kind, expected?: Expected): Promise<Server> {
  const child = fork(new URL('./server.ts', import.meta.url), [kind], {
    env: { ...process.env, BENCH_NCCO: JSON.stringify(expected ?? {}) },
    execArgv: [...process.execArgv, ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${kind}`])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { port } = await nextMessage(child, isType('listening'))
  const ask = <K extends 'records' | 'usage'>(message: ParentMessage & { type: K }) => {
    const reply = nextMessage(child, isType(message.type as K))
    child.send(message)
    return reply
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    records: (ids) => ask({ type: 'records', ids }),
    cpu: async () => (await ask({ type: 'usage' })).cpu,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ type: 'stop' } satisfies ParentMessage)
      await exited
    },
  }
}

function actionsOf(body: string): string {
  return body === '' ? '-' : (JSON.parse(body) as { action: string }[]).map((a) => a.action).join(',')
}

/** Checks one call's answers by hand: statuses, and NCCOs whose actions show that each input moved the call on. */
function checkCall(kind: string, got: Expected): void {
  for (const step of CALL_STEPS) {
    const { status, body } = got[step]
    const actions = actionsOf(body)
    const wanted = step === 'completed' ? 204 : 200
    if (status !== wanted || actions !== expectedActions[step]) {
      throw new Error(`${kind}: ${step} answered ${status} [${actions}], expected ${wanted} [${expectedActions[step]}]: ${body}`)
    }
  }
}

/**
 * Sends whole calls to a server for `seconds`, comparing every response with what the checked call got, and adds
 * the round to `tally`. Returns the round's requests per second.
 */
async function drive(server: Server, seconds: number, expected: Expected, tally: Tally): Promise<number> {
  const run = randomBytes(4).toString('hex')
  let next = 0
  // With one request in flight per connection, autocannon builds a request just before writing it: setupRequest
  // stamps the time, onResponse reads it (autocannon's own latencies are whole milliseconds).
  type Context = { ids?: CallIds; sent?: number }
  const requests: autocannon.Request[] = CALL_STEPS.map((step, index) => ({
    setupRequest: (request, context) => {
      const call = context as Context
      if (index === 0 || call.ids === undefined) call.ids = callIds(run, next++)
      const { method, path, body } = callRequest(step, call.ids)
      call.sent = performance.now()
      return { ...request, method, path, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) }
    },
    onResponse: (status, body, context) => {
      const call = context as Context
      tally.latencies[step].push(performance.now() - (call.sent ?? 0))
      if (status !== expected[step].status || body !== expected[step].body) tally.wrong[step] += 1
      if (step !== 'completed' || call.ids === undefined) return
      tally.calls += 1
      if (tally.samples.length < 5) tally.samples.push(call.ids.uuid)
      else tally.samples[5] = call.ids.uuid
    },
  }))
  const serverBefore = await server.cpu()
  const clientBefore = process.cpuUsage()
  const result = await autocannon({ url: server.origin, connections, duration: seconds, requests })
  const client = process.cpuUsage(clientBefore)
  const serverAfter = await server.cpu()
  tally.requests += result.requests.total
  tally.seconds += result.duration
  tally.non2xx += result.non2xx
  tally.errors += result.errors + result.timeouts
  tally.serverCpu += serverAfter.user + serverAfter.system - serverBefore.user - serverBefore.system
  tally.clientCpu += client.user + client.system
  const rate = result.requests.total / result.duration
  tally.rates.push(rate)
  return rate
}

/** Checks that sampled calls of the run ended in the store with the history of a whole call. */
function checkStored(records: readonly unknown[]): string {
  const history = 'answer,input,input,status:completed'
  for (const record of records) {
    const r = record as { ended?: boolean; history?: { event: string }[] } | undefined
    const events = r?.history?.map((h) => h.event).join(',')
    if (r?.ended !== true || events !== history) throw new Error(`nccoflow: a sampled call was stored as ${JSON.stringify(record)}`)
  }
  return `${records.length} sampled calls stored as ended with history ${history}`
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function row(cells: readonly string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(9) : cell.padStart(11))).join('')
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)
}

function latencies(tally: Tally, steps: readonly CallStep[] = CALL_STEPS): string {
  const sorted = Float64Array.from(steps.flatMap((step) => tally.latencies[step])).sort()
  return `${fmt(percentile(sorted, 50), 2)}/${fmt(percentile(sorted, 99), 2)}`
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

async function throughput(): Promise<void> {
  const load = loadavg().map((l) => fmt(l, 2)).join(' ')
  console.log(`Part 1: whole calls over HTTP, ${connections} connections, servers in child processes (load average ${load})`)
  console.log(`  ${warmup} s warm-up, then ${rounds} alternating rounds of ${duration} s per server`)
  const ours = await startServer('nccoflow')
  let bare: Server | undefined
  try {
    const expected = await sendCall(ours.origin, callIds('c0ffee00', 0))
    checkCall('nccoflow', expected)
    bare = await startServer('bare', expected)
    checkCall('bare', await sendCall(bare.origin, callIds('c0ffee00', 1)))
    const servers = [['nccoflow', ours], ['bare', bare]] as const
    const tallies = { nccoflow: newTally(), bare: newTally() }
    for (const [, server] of servers) if (warmup > 0) await drive(server, warmup, expected, newTally())
    const ratios: number[] = []
    for (let round = 0; round < rounds; round += 1) {
      const rate = await drive(ours, duration, expected, tallies.nccoflow)
      ratios.push(rate / await drive(bare, duration, expected, tallies.bare))
    }
    const { records } = await ours.records(tallies.nccoflow.samples)
    console.log(`  checked: one call by hand on each server (statuses and NCCO actions); ${checkStored(records)}`)
    console.log(row(['server', 'req/s', 'calls/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors', 'wrong body', 'server CPU', 'client CPU']))
    for (const [name] of servers) {
      const t = tallies[name]
      const wrong = Object.values(t.wrong).reduce((a, b) => a + b, 0)
      const [p50, p99] = latencies(t).split('/')
      console.log(row([
        name, fmt(t.requests / t.seconds), fmt(t.calls / t.seconds), String(p50), String(p99), fmt(t.requests), fmt(t.non2xx), fmt(t.errors),
        fmt(wrong), `${fmt((t.serverCpu / 1e4) / t.seconds)}%`, `${fmt((t.clientCpu / 1e4) / t.seconds)}%`,
      ]))
    }
    console.log(`  req/s by round: nccoflow ${tallies.nccoflow.rates.map((r) => fmt(r)).join(', ')}; bare ${tallies.bare.rates.map((r) => fmt(r)).join(', ')}`)
    const ratio = median(ratios)
    const verdict = ratio >= THROUGHPUT_TARGET ? 'met' : 'MISSED'
    console.log(`  ratio nccoflow/bare req/s: ${fmt(ratio, 2)} (median of rounds ${ratios.map((r) => fmt(r, 2)).join(', ')}; target >= ${THROUGHPUT_TARGET}): ${verdict}`)
    const bySteps = CALL_STEPS.map((step) => `${step} ${latencies(tallies.nccoflow, [step])} (bare ${latencies(tallies.bare, [step])})`)
    console.log(`  p50/p99 ms by step: ${bySteps.join(', ')}`)
  } finally {
    await Promise.all([ours.stop(), bare?.stop()])
  }
}

async function heap(): Promise<void> {
  const calls = Number(process.env.BENCH_CALLS ?? 100_000)
  console.log(`Part 2: heap per active call, ${fmt(calls)} calls answered with one input each, memory store, child process`)
  const child = fork(new URL('./heap.ts', import.meta.url), [], { env: { ...process.env, BENCH_CALLS: String(calls) } })
  const result = await nextMessage(child, (m): m is HeapResult => typeof m === 'object' && m !== null && 'bytesPerCall' in m)
  const parts = Object.entries(result.parts).map(([key, size]) => `${key} ${fmt(size)}`).join(', ')
  console.log(`  store size ${fmt(result.storeSize)}, heap ${fmt(result.heapBefore / 2 ** 20, 1)} MiB -> ${fmt(result.heapAfter / 2 ** 20, 1)} MiB in ${fmt(result.seconds, 1)} s`)
  console.log(`  heap per active call: ${fmt(result.bytesPerCall)} bytes (target <= ${HEAP_TARGET}): ${result.bytesPerCall <= HEAP_TARGET ? 'met' : 'MISSED'}`)
  console.log(`  stored record JSON: ${fmt(result.recordJsonBytes)} bytes on average (${parts})`)
}

const started = performance.now()
if (parts.includes('throughput')) await throughput()
if (parts.includes('heap')) await heap()
console.log(`Done in ${fmt((performance.now() - started) / 1000, 1)} s`)
