/**
 * `npm run bench`: whole-call throughput of nccoflow against two baselines, then heap bytes per active call.
 *
 * Part 1 starts six servers (bench/servers/*, and the `nccoflow start` command on the memory store and on Redis), each
 * its own process pinned to one core with taskset, checks that they answer the same NCCOs for one call, then loads each
 * in turn, in alternating rounds, with wrk pinned to the other core (bench/call.lua: whole calls, fresh ids per call,
 * every response checked). The Redis row also counts Redis's commands per webhook (bench/redis.ts).
 * Part 2 runs bench/heap.ts in a child process. Settings come from the environment; docs/benchmarks.md lists them.
 */
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, closeSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { CALL_STEPS, callIds, callRequest, sendCall, type CallStep, type Expected } from './call.js'
import type { HeapResult } from './heap.js'
import { CPU_SECONDS, addGrowth, commandCalls, connectBenchRedis, deletePrefix, memoryPerKey, type BenchRedis } from './redis.js'
import { redactRedisUrl } from '../src/runtime/store/redis.js'

const env = process.env
const rounds = Number(env.BENCH_ROUNDS ?? 3)
const duration = Number(env.BENCH_DURATION ?? 5)
const warmup = Number(env.BENCH_WARMUP ?? 2)
const connections = Number(env.BENCH_CONNECTIONS ?? 10)
const serverCpu = env.BENCH_SERVER_CPU ?? '0'
const loadCpu = env.BENCH_LOAD_CPU ?? '1'
const parts = (env.BENCH_PARTS ?? 'throughput,heap').split(',')
const profileDir = env.BENCH_CPU_PROF
const root = fileURLToPath(new URL('..', import.meta.url))
const targets = { bare: 0.5, express: 2, p99: 5, heap: 1024, redis: 0.5 }
// The `redis` row: the machine's Redis, keys under a prefix of this run's own, deleted afterwards.
const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379'
const redisPrefix = `nccoflow-bench:${randomBytes(4).toString('hex')}:`

/** A server under test: how to start it, and what it is called in the table. */
interface ServerSpec {
  readonly key: string
  readonly label: string
  /** Node's arguments (after `node`). */
  readonly args: readonly string[]
  readonly env?: Readonly<Record<string, string>>
  /** A log file: the server's stdout goes there (`stdout`), or it writes the file itself (`self`). */
  readonly log?: 'stdout' | 'self'
  /** Where it runs (default: this checkout). */
  readonly cwd?: string
}

// The servers run from source: the nccoflow-source export condition resolves 'nccoflow' in the flows to src/.
const tsx = ['--conditions=nccoflow-source', '--import', 'tsx']
const startEnv = { FLOWS_DIR: './flows', DEFAULT_FLOW: 'ivr-menu', LOG_LEVEL: 'info', HOST: '127.0.0.1', PUBLIC_URL: 'http://127.0.0.1' }
const specs: readonly ServerSpec[] = [
  { key: 'bare', label: 'bare fastify, NCCOs from constants', args: [...tsx, 'bench/servers/bare.ts'] },
  { key: 'express', label: 'express + @vonage/voice + Map', args: [...tsx, 'bench/servers/express.ts'] },
  { key: 'nccoflow', label: 'nccoflow buildServer, logger off', args: [...tsx, 'bench/servers/nccoflow.ts'] },
  { key: 'pino', label: 'nccoflow buildServer, pino info', args: [...tsx, 'bench/servers/nccoflow.ts'], log: 'self' },
  // The memory store: an empty REDIS_URL, whatever the bench's own environment says.
  { key: 'start', label: 'nccoflow start, LOG_LEVEL=info', args: ['bin/nccoflow.js', 'start'], log: 'stdout', env: { ...startEnv, REDIS_URL: '' } },
  // The call API and dashboard on: each webhook also kept in its call's inspector log and published (issue 10).
  { key: 'admin', label: 'nccoflow start, ADMIN_TOKEN', args: ['bin/nccoflow.js', 'start'], log: 'stdout', env: { ...startEnv, REDIS_URL: '', ADMIN_TOKEN: 'bench-admin-token-0123456789' } },
  {
    key: 'redis', label: 'nccoflow start, REDIS_URL', args: ['bin/nccoflow.js', 'start'], log: 'stdout',
    env: { ...startEnv, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix },
  },
  // Another checkout of nccoflow (BENCH_COMPARE, e.g. a `git worktree` of an older commit with its own npm ci), run
  // as the start row runs, on its own flows: its `× start` is the change's effect, measured in the same rounds.
  ...(env.BENCH_COMPARE === undefined ? [] : [{
    key: 'compare', label: 'nccoflow start, BENCH_COMPARE', args: ['bin/nccoflow.js', 'start'], log: 'stdout' as const, cwd: env.BENCH_COMPARE,
    env: { ...startEnv, REDIS_URL: '' },
  }]),
]
const only = env.BENCH_SERVERS?.split(',')
const chosen = specs.filter((s) => only === undefined || only.includes(s.key) || s.key === 'bare' || s.key === 'express' || s.key === 'compare')

/** What the NCCO of each step must contain, to tell that the inputs moved the call on (`-`: no body). */
const expectedActions: Readonly<Record<CallStep, string>> = {
  answer: 'talk,input',
  'input 9': 'talk,talk,input',
  'input 2': 'talk,record,talk',
  completed: '-',
}

class BenchError extends Error {}

function requireTools(): void {
  const missing = (command: string, args: readonly string[]) => spawnSync(command, args, { stdio: 'ignore' }).error !== undefined
  if (missing('wrk', ['--version'])) {
    throw new BenchError('npm run bench needs wrk, the HTTP load generator (Debian/Ubuntu: apt-get install wrk). See docs/benchmarks.md.')
  }
  if (missing('taskset', ['--version'])) {
    throw new BenchError('npm run bench needs taskset (util-linux, Linux only) to pin the server and wrk to their cores. See docs/benchmarks.md.')
  }
  for (const cpu of new Set([serverCpu, loadCpu])) {
    if (spawnSync('taskset', ['-c', cpu, 'true'], { stdio: 'ignore' }).status !== 0) {
      throw new BenchError(`npm run bench: cannot pin to CPU ${cpu} (it needs two cores; BENCH_SERVER_CPU and BENCH_LOAD_CPU choose them)`)
    }
  }
}

/** Clock ticks per second of /proc's CPU times (100 on Linux unless getconf says otherwise). */
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100

/** CPU seconds of a process (user + system), or of the children it has waited for (`children`), from /proc. */
function cpuSeconds(pid: number | 'self', children = false): number {
  const { user, system } = cpuTimes(pid, children)
  return user + system
}

/** User and system (kernel) CPU seconds of a process, or of the children it has waited for, from /proc. */
function cpuTimes(pid: number | 'self', children = false): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]]
  return { user: Number(user) / ticks, system: Number(system) / ticks }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address !== null ? address.port : 0
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => socket.end(() => resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

/** A running server under test. */
interface Server {
  readonly spec: ServerSpec
  readonly origin: string
  readonly pid: number
  readonly logFile?: string
  /** Requests sent to it so far (for log lines per webhook). */
  requests: number
  stop(): Promise<void>
}

async function startServer(spec: ServerSpec, dir: string): Promise<Server> {
  const port = await freePort()
  const logFile = spec.log === undefined ? undefined : join(dir, `${spec.key}.log`)
  const out = spec.log === 'stdout' && logFile !== undefined ? openSync(logFile, 'w') : 'ignore'
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, spec.key)}`]
  const child: ChildProcess = spawn('taskset', ['-c', serverCpu, process.execPath, ...profile, ...spec.args], {
    cwd: spec.cwd ?? root,
    env: { ...env, ...spec.env, PORT: String(port), ...(spec.log === 'self' && logFile !== undefined ? { BENCH_LOG_FILE: logFile } : {}) },
    stdio: ['ignore', out, 'inherit'],
  })
  if (typeof out === 'number') closeSync(out)
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true
    resolve()
  }))
  const deadline = Date.now() + 30_000
  while (!(await accepts(port))) {
    if (exited) throw new BenchError(`${spec.label}: the server exited before listening`)
    if (Date.now() > deadline) throw new BenchError(`${spec.label}: not listening after 30 s`)
    await sleep(50)
  }
  return {
    spec, logFile, origin: `http://127.0.0.1:${port}`, pid: child.pid as number, requests: 0,
    async stop() {
      if (!exited) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    },
  }
}

function actionsOf(body: string): string {
  return body === '' ? '-' : (JSON.parse(body) as { action: string }[]).map((a) => a.action).join(',')
}

function parsed(body: string): unknown {
  return body === '' ? undefined : JSON.parse(body)
}

/**
 * Sends one call to every server and checks, before any load, that each answers every step with the status and the
 * NCCO (as JSON, key order aside) that nccoflow's first server gives, and that those NCCOs show the call moving on.
 * Returns each server's exact answers: wrk compares every response with them.
 */
async function checkServers(servers: readonly Server[]): Promise<Map<Server, Expected>> {
  const answers = new Map<Server, Expected>()
  for (const [i, server] of servers.entries()) {
    answers.set(server, await sendCall(server.origin, callIds('c0ffee00', i)))
    server.requests += CALL_STEPS.length
  }
  const reference = servers.find((s) => s.spec.key !== 'bare' && s.spec.key !== 'express') ?? servers[0] as Server
  const want = answers.get(reference) as Expected
  for (const step of CALL_STEPS) {
    const status = step === 'completed' ? 204 : 200
    if (want[step].status !== status || actionsOf(want[step].body) !== expectedActions[step]) {
      throw new BenchError(`${reference.spec.label}: ${step} answered ${want[step].status} [${actionsOf(want[step].body)}], expected ${status} [${expectedActions[step]}]`)
    }
  }
  for (const server of servers) {
    const got = answers.get(server) as Expected
    for (const step of CALL_STEPS) {
      if (got[step].status !== want[step].status || !isDeepStrictEqual(parsed(got[step].body), parsed(want[step].body))) {
        throw new BenchError(`${server.spec.label} and ${reference.spec.label} answer ${step} differently:\n  ${got[step].status} ${got[step].body}\n  ${want[step].status} ${want[step].body}`)
      }
    }
  }
  return answers
}

/** A Lua long string holding `text` exactly. */
function luaString(text: string): string {
  let level = ''
  while (`${text}]`.includes(`]${level}]`)) level += '='
  return `[${level}[${text}]${level}]`
}

/** Writes the data file of bench/call.lua for one server: the call's requests and that server's answers. */
function writeCallData(file: string, expected: Expected): void {
  const mark = 'ID_ID_ID'
  const entries = CALL_STEPS.map((step) => {
    const { method, path, body } = callRequest(step, { uuid: mark, conversation: `CON-${mark}` })
    return `  { method = "${method}", path = ${luaString(path)}, status = ${expected[step].status}, expected = ${luaString(expected[step].body)},\n`
      + (body === undefined ? '' : `    headers = { ["content-type"] = "application/json" }, body = ${luaString(body)},\n`)
      + '  },\n'
  })
  writeFileSync(file, `-- ${CALL_STEPS.join(', ')}\nreturn {\n${entries.join('')}}\n`)
}

/** One wrk run against one server. */
interface Run {
  readonly rate: number
  readonly p50: number
  readonly p99: number
  readonly requests: number
  readonly calls: number
  readonly wrong: number
  readonly errors: number
  readonly non2xx: number
  readonly serverCpu: number
  /** The share of the server's CPU time spent in the kernel (system time: sockets, files). */
  readonly serverSystem: number
  readonly wrkCpu: number
}

async function drive(server: Server, seconds: number, dataFile: string): Promise<Run> {
  const threads = String(connections)
  const args = ['-c', loadCpu, 'wrk', '-t', threads, '-c', threads, '-d', `${seconds}s`, '--timeout', '10s', '-s', join(root, 'bench/call.lua'), server.origin, '--', dataFile, randomBytes(4).toString('hex')]
  const serverBefore = cpuTimes(server.pid)
  const wrkBefore = cpuSeconds('self', true)
  const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
  if (code !== 0 || line === undefined) throw new BenchError(`wrk failed (exit code ${String(code)}):\n${out}`)
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as { requests: number, us: number, calls: number, wrong: number, errors: number, non2xx: number, p50: number, p99: number }
  const elapsed = r.us / 1e6
  server.requests += r.requests
  return {
    rate: r.requests / elapsed, p50: r.p50 / 1000, p99: r.p99 / 1000, requests: r.requests, calls: r.calls,
    wrong: r.wrong, errors: r.errors, non2xx: r.non2xx,
    ...serverShares(cpuTimes(server.pid), serverBefore, elapsed), wrkCpu: (cpuSeconds('self', true) - wrkBefore) / elapsed,
  }
}

/** The share of a core the server got over a run, and the share of that spent in the kernel. */
function serverShares(after: { user: number; system: number }, before: { user: number; system: number }, elapsed: number) {
  const user = after.user - before.user
  const system = after.system - before.system
  return { serverCpu: (user + system) / elapsed, serverSystem: user + system > 0 ? system / (user + system) : 0 }
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function row(cells: readonly string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(34) : cell.padStart(i === 1 ? 9 : 11))).join('')
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')

/**
 * Whether the `redis` row runs: when it is chosen and Redis answers, a client to count its commands; when Redis does
 * not answer, the row is left out with a message saying so (not an error).
 */
async function redisRow(servers: readonly ServerSpec[]): Promise<{ redis?: BenchRedis, specs: readonly ServerSpec[] }> {
  if (!servers.some((s) => s.key === 'redis')) return { specs: servers }
  const found = await connectBenchRedis(redisUrl)
  if ('client' in found) {
    console.log(`  redis row: Redis at ${redactRedisUrl(redisUrl)}, keys under ${redisPrefix} (deleted afterwards)`)
    return { redis: found.client, specs: servers }
  }
  console.log(`  skipping the redis row: no Redis answers at ${redactRedisUrl(redisUrl)} (${found.reason}); set REDIS_URL, or start one: redis-server`)
  return { specs: servers.filter((s) => s.key !== 'redis') }
}

/** Commands run inside the store's compare-and-set script (counted by INFO commandstats, but no round trip of their own). */
const scriptCommands = new Set(['hget', 'hset', 'pexpire'])

/**
 * Prints Redis commands per webhook of the redis row: the growth of INFO commandstats over its measured runs, less the
 * background (other clients of the same Redis, measured while the other rows ran), divided by the requests it served.
 */
function printCommands(redisServer: Server, servers: readonly Server[], runs: ReadonlyMap<Server, readonly Run[]>, commands: ReadonlyMap<Server, ReadonlyMap<string, number>>): void {
  const seconds = (server: Server) => (runs.get(server) ?? []).reduce((total, run) => total + run.requests / run.rate, 0)
  const requests = (runs.get(redisServer) ?? []).reduce((total, run) => total + run.requests, 0)
  const others = servers.filter((s) => s !== redisServer)
  const otherSeconds = others.reduce((total, s) => total + seconds(s), 0)
  const background = new Map<string, number>()
  for (const server of others) for (const [command, calls] of commands.get(server) ?? []) background.set(command, (background.get(command) ?? 0) + calls)
  const own = [...(commands.get(redisServer) ?? [])]
    .filter(([command]) => command !== 'info' && command !== CPU_SECONDS)
    .map(([command, calls]) => [command, Math.max(0, calls - (otherSeconds > 0 ? ((background.get(command) ?? 0) * seconds(redisServer)) / otherSeconds : 0)) / requests] as const)
    .filter(([, perWebhook]) => perWebhook >= 0.005)
    .sort((a, b) => b[1] - a[1])
  const list = (entries: readonly (readonly [string, number])[]) => entries.map(([command, n]) => `${command} ${fmt(n, 2)}`).join(', ')
  const sent = own.filter(([command]) => !scriptCommands.has(command))
  const inScript = own.filter(([command]) => scriptCommands.has(command))
  const total = (entries: readonly (readonly [string, number])[]) => fmt(entries.reduce((t, [, n]) => t + n, 0), 2)
  const backgroundRate = [...background].filter(([command]) => command !== 'info' && command !== CPU_SECONDS).reduce((t, [, n]) => t + n, 0) / Math.max(otherSeconds, 1e-9)
  console.log(`  Redis commands per webhook, redis (INFO commandstats over ${fmt(requests)} requests): ${total(sent)} sent (${list(sent)}); `
    + `${total(inScript)} run inside the script (${list(inScript)})`)
  const cpu = (commands.get(redisServer)?.get(CPU_SECONDS) ?? 0) - (otherSeconds > 0 ? ((background.get(CPU_SECONDS) ?? 0) * seconds(redisServer)) / otherSeconds : 0)
  console.log(`  Redis's own CPU per webhook, redis: ${fmt((1e6 * Math.max(0, cpu)) / requests)} µs (INFO cpu; not in the row's CPU µs/req; Redis is not pinned)`)
  console.log(`  other clients of that Redis while the other rows ran: ${fmt(backgroundRate, 1)} commands/s (subtracted, in proportion to time)`)
}

async function throughput(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'nccoflow-bench-'))
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true })
  console.log(`Part 1: whole calls over HTTP (answer, input 9, input 2, completed; fresh ids per call), ${connections} connections`)
  console.log(`  servers pinned to CPU ${serverCpu}, wrk to CPU ${loadCpu}; ${warmup} s warm-up each, then ${rounds} alternating rounds of ${duration} s per server`)
  console.log(`  load average before: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`)
  const servers: Server[] = []
  let clean = true
  const { redis, specs: wanted } = await redisRow(chosen)
  try {
    for (const spec of wanted) servers.push(await startServer(spec, dir))
    const answers = await checkServers(servers)
    const dataFiles = new Map(servers.map((server) => {
      const file = join(dir, `${server.spec.key}.calls.lua`)
      writeCallData(file, answers.get(server) as Expected)
      return [server, file]
    }))
    console.log(`  checked: one call on each server, every step's status and NCCO the same (JSON) as nccoflow's`)
    if (warmup > 0) for (const server of servers) await drive(server, warmup, dataFiles.get(server) as string)
    const runs = new Map<Server, Run[]>(servers.map((s) => [s, []]))
    // Redis's command counts around every measured run: the redis row's own, and the others' (other clients of the
    // same Redis while nothing of the bench uses it: the background to subtract).
    const commands = new Map<Server, Map<string, number>>(servers.map((s) => [s, new Map()]))
    for (let round = 0; round < rounds; round += 1) {
      for (let i = 0; i < servers.length; i += 1) {
        const server = servers[(round + i) % servers.length] as Server
        const before = redis === undefined ? undefined : await commandCalls(redis)
        runs.get(server)?.push(await drive(server, duration, dataFiles.get(server) as string))
        if (redis !== undefined && before !== undefined) addGrowth(commands.get(server) as Map<string, number>, before, await commandCalls(redis))
      }
    }
    const bare = runs.get(servers[0] as Server) as Run[]
    const express = runs.get(servers[1] as Server) as Run[]
    const startRow = servers.find((s) => s.spec.key === 'start')
    const ratio = (mine: readonly Run[], base: readonly Run[]) => median(mine.map((run, i) => run.rate / (base[i] as Run).rate))
    console.log(row(['server', 'req/s', 'p50 ms', 'p99 ms', '× bare', '× express', '× start', 'server CPU', 'CPU µs/req', 'wrk CPU', 'calls', 'wrong', 'errors']))
    for (const server of servers) {
      const mine = runs.get(server) as Run[]
      const sum = (field: keyof Run) => mine.reduce((total, run) => total + run[field], 0)
      console.log(row([
        server.spec.label, fmt(median(mine.map((r) => r.rate))), fmt(median(mine.map((r) => r.p50)), 2), fmt(median(mine.map((r) => r.p99)), 2),
        fmt(ratio(mine, bare), 2), fmt(ratio(mine, express), 2), startRow === undefined ? '-' : fmt(ratio(mine, runs.get(startRow) as Run[]), 2),
        `${fmt(100 * median(mine.map((r) => r.serverCpu)))}%`, fmt(median(mine.map((r) => 1e6 * r.serverCpu / r.rate))),
        `${fmt(100 * median(mine.map((r) => r.wrkCpu)))}%`,
        fmt(sum('calls')), fmt(sum('wrong')), fmt(sum('errors') + sum('non2xx')),
      ]))
      if (sum('wrong') + sum('errors') + sum('non2xx') > 0) clean = false
    }
    console.log('  medians of the rounds; × bare, × express and × start: median of each round\'s ratio to that row\'s run in the same round;')
    console.log('  server CPU: share of one core the server got; CPU µs/req: its CPU time per request (steadier than req/s on a busy box)')
    for (const server of servers) console.log(`  req/s by round, ${server.spec.key}: ${(runs.get(server) as Run[]).map((r) => fmt(r.rate)).join(', ')}`)
    console.log(`  server CPU in the kernel (system time: sockets, files), median share: ${servers.map((server) => {
      const mine = runs.get(server) as Run[]
      const system = median(mine.map((r) => r.serverSystem))
      return `${server.spec.key} ${fmt(100 * system)}% (${fmt(median(mine.map((r) => 1e6 * r.serverCpu * r.serverSystem / r.rate)))} µs/req)`
    }).join(', ')}`)
    for (const server of servers.filter((s) => s.logFile !== undefined)) {
      const lines = readFileSync(server.logFile as string, 'utf8').split('\n').filter((l) => l !== '')
      const warnings = lines.filter((l) => /"level":[4-6]0/.test(l)).length
      console.log(`  log lines per webhook, ${server.spec.key}: ${fmt(lines.length / server.requests, 2)} (${fmt(lines.length)} lines, ${fmt(warnings)} at warn or above, for ${fmt(server.requests)} requests)`)
    }
    if (startRow !== undefined) {
      const mine = runs.get(startRow) as Run[]
      const [toBare, toExpress, p99] = [ratio(mine, bare), ratio(mine, express), median(mine.map((r) => r.p99))]
      console.log(`  targets, nccoflow start: ≥ ${targets.bare} × bare ${fmt(toBare, 2)} ${verdict(toBare >= targets.bare)}; `
        + `≥ ${targets.express} × express ${fmt(toExpress, 2)} ${verdict(toExpress >= targets.express)}; p99 ≤ ${targets.p99} ms ${fmt(p99, 2)} ${verdict(p99 <= targets.p99)}`)
    }
    const redisServer = servers.find((s) => s.spec.key === 'redis')
    if (redis !== undefined && redisServer !== undefined) {
      if (startRow !== undefined) {
        const toStart = ratio(runs.get(redisServer) as Run[], runs.get(startRow) as Run[])
        console.log(`  target, nccoflow start with Redis: ≥ ${targets.redis} × start (memory store) ${fmt(toStart, 2)} ${verdict(toStart >= targets.redis)}`)
      }
      printCommands(redisServer, servers, runs, commands)
      const memory = await memoryPerKey(redis, redisPrefix)
      console.log(`  Redis MEMORY USAGE per key after whole calls: ${[...memory].map(([kind, m]) => `${kind} ${fmt(m.bytes)} bytes (${fmt(m.keys)} keys)`).join(', ')}`)
    }
    console.log(`  load average after: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
    if (redis !== undefined) {
      console.log(`  deleted the redis row's ${fmt(await deletePrefix(redis, redisPrefix))} keys under ${redisPrefix}`)
      redis.destroy()
    }
    // bench/profile.ts gives the profile's times per request with this.
    if (profileDir !== undefined) {
      for (const s of servers) {
        mkdirSync(join(profileDir, s.spec.key), { recursive: true })
        writeFileSync(join(profileDir, s.spec.key, 'requests'), String(s.requests))
      }
    }
  }
  if (!clean) console.error('Some responses were wrong or failed (columns wrong, errors): the numbers above do not count.')
  return clean
}

async function heap(): Promise<void> {
  const calls = Number(env.BENCH_CALLS ?? 100_000)
  console.log(`Part 2: heap per active call, ${fmt(calls)} calls answered with one input each, memory store, child process`)
  const child = fork(new URL('./heap.ts', import.meta.url), [], { env: { ...env, BENCH_CALLS: String(calls) } })
  const result = await new Promise<HeapResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as HeapResult))
    child.once('exit', (code) => reject(new BenchError(`bench/heap.ts exited with code ${String(code)}`)))
  })
  const recordParts = Object.entries(result.parts).map(([key, size]) => `${key} ${fmt(size)}`).join(', ')
  console.log(`  store size ${fmt(result.storeSize)}, heap ${fmt(result.heapBefore / 2 ** 20, 1)} MiB -> ${fmt(result.heapAfter / 2 ** 20, 1)} MiB in ${fmt(result.seconds, 1)} s`)
  console.log(`  heap per active call: ${fmt(result.bytesPerCall)} bytes (target ≤ ${fmt(targets.heap)}): ${verdict(result.bytesPerCall <= targets.heap)}`)
  console.log(`  stored record JSON: ${fmt(result.recordJsonBytes)} bytes on average (${recordParts})`)
}

const started = performance.now()
try {
  requireTools()
  let ok = true
  if (parts.includes('throughput')) ok = await throughput()
  if (parts.includes('heap')) await heap()
  console.log(`Done in ${fmt((performance.now() - started) / 1000, 1)} s`)
  if (!ok) process.exitCode = 1
} catch (error) {
  if (!(error instanceof BenchError)) throw error
  console.error(error.message)
  process.exitCode = 1
}
