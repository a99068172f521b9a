/**
 * Summarises the V8 CPU profile a server wrote under `npm run bench` with BENCH_CPU_PROF set:
 * `node --import tsx bench/profile.ts <dir or .cpuprofile> [top]`. Counts from the first request on (start-up left
 * out), and prints where the busy time goes: by group (each sample once), by function with what it calls, by package
 * or source file (self time), and the top functions (self time). With the `requests` file `npm run bench`
 * writes beside the profile, times are also given in µs per request.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: readonly number[]
}

interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

const [target = '', topArg = '25'] = process.argv.slice(2)
const files = statSync(target).isDirectory()
  ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f))
  : [target]
// The newest profile of a thread that served HTTP (a server run with tsx also profiles its loader thread).
const [newest, profile] = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  .map((f) => [f, JSON.parse(readFileSync(f, 'utf8')) as Profile] as const)
  .find(([, p]) => p.nodes.some((n) => n.callFrame.url.includes('_http_server'))) ?? []
if (newest === undefined || profile === undefined) throw new Error(`no .cpuprofile of an HTTP server in ${target}`)
const requestsFile = join(statSync(target).isDirectory() ? target : dirname(target), 'requests')
const requests = existsSync(requestsFile) ? Number(readFileSync(requestsFile, 'utf8')) : undefined

/** Where a frame's code lives: a package, a file of ours, a part of node, or V8 itself. */
function place(frame: CallFrame): string {
  const { url, functionName } = frame
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName}`
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (pkg !== null) return pkg[1] as string
  const ours = /\/((?:src|bench|flows|bin)\/.*)$/.exec(url)
  if (ours !== null) return ours[1] as string
  const core = /^node:(?:internal\/)?(?:deps\/)?([^/]+)/.exec(url)
  if (core !== null) return `node:${core[1] as string}`
  return url
}

/**
 * Groups that split the busy time: a sample belongs to the innermost frame on its stack that one of them claims (so
 * JSON.parse inside the store counts for the store, a socket write for node's http). Checked in this order per frame.
 */
const groups: readonly (readonly [string, (f: CallFrame) => boolean])[] = [
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['logging: pino (child loggers, lines, file writes)', (f) => /node_modules\/(pino|sonic-boom|pino-std-serializers|quick-format-unescaped|fast-redact|safe-stable-stringify|on-exit-leak-free|thread-stream)\//.test(f.url)],
  ['xstate', (f) => f.url.includes('node_modules/xstate/')],
  ['memory store get/put (JSON round trip)', (f) => f.url.includes('/src/runtime/store/')],
  ['validateNcco (with its TypeBox Check)', (f) => f.url.includes('/src/ncco/validate')],
  ['rendering NCCOs (src/dsl/render, src/ncco)', (f) => f.url.includes('/src/dsl/') || f.url.includes('/src/ncco/')],
  ['webhook parsing and checks (src/webhooks, with TypeBox)', (f) => f.url.includes('/src/webhooks/')],
  ['runtime (src/runtime: transaction, queue, history)', (f) => f.url.includes('/src/runtime/')],
  ['request key SHA-1 (node:crypto)', (f) => f.url.startsWith('node:internal/crypto') || f.url === 'node:crypto'],
  ['nccoflow plugin (src/server)', (f) => f.url.includes('/src/server/')],
  ['fastify route schemas (TypeBox compiler)', (f) => f.url.includes('node_modules/fastify/lib/validation.js') || f.url.includes('node_modules/@fastify/type-provider-typebox/')],
  ['fastify body parsing and serialising', (f) => /node_modules\/(secure-json-parse|fast-json-stringify)\//.test(f.url)],
  ['fastify core (routing, hooks, reply)', (f) => /node_modules\/(fastify|find-my-way|avvio|light-my-request|@fastify\/[^/]+|fastify-plugin|toad-cache|process-warning|rfdc)\//.test(f.url)],
  ['node http/net (parsing, socket writes)', (f) => /^node:(_http|net|stream|internal\/(http|stream_base|streams|js_stream))/.test(f.url) || ['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'onStreamRead'].includes(f.functionName)],
]

/** Functions whose whole cost (with what they call) the issue asks about; nested, not exclusive of each other. */
const functions: readonly (readonly [string, (f: CallFrame) => boolean])[] = [
  ['requestKey (SHA-1 of each request)', (f) => f.functionName === 'requestKey'],
  ['renderFrom (steps, NCCO, validateNcco when not kept rendered)', (f) => f.functionName === 'renderFrom'],
  ['validateNcco', (f) => f.functionName === 'validateNcco'],
  ['xstate (any frame)', (f) => f.url.includes('node_modules/xstate/')],
  ['memory store get/put', (f) => f.url.includes('/src/runtime/store/')],
  ['pino child() (a child logger per request or call)', (f) => f.functionName === 'child' && f.url.includes('node_modules/pino/')],
  ['pino log calls (LOG: build and write a line)', (f) => f.functionName === 'LOG' && f.url.includes('node_modules/pino/')],
  ['sonic-boom (file writes)', (f) => f.url.includes('node_modules/sonic-boom/')],
  ['webhook parsing (src/webhooks)', (f) => f.url.includes('/src/webhooks/')],
]

const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const stackOf = (id: number): CallFrame[] => {
  const stack: CallFrame[] = []
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push((nodes.get(at) as ProfileNode).callFrame)
  return stack
}

let started = false
let busy = 0
let idle = 0
const byGroup = new Map<string, number>()
const byFunctionIncl = new Map<string, number>()
const byPlace = new Map<string, number>()
const byFunction = new Map<string, number>()
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us)
for (const [i, id] of profile.samples.entries()) {
  const us = profile.timeDeltas[i] ?? 0
  const stack = stackOf(id)
  started ||= stack.some((f) => f.url.includes('_http_server'))
  if (!started) continue
  const leaf = stack[0] as CallFrame
  if (leaf.functionName === '(idle)') {
    idle += us
    continue
  }
  busy += us
  add(byPlace, place(leaf), us)
  add(byFunction, `${leaf.functionName || '(anonymous)'} ${place(leaf)}:${leaf.lineNumber + 1}:${leaf.columnNumber + 1}`, us)
  add(byGroup, stack.reduce<string | undefined>((found, f) => found ?? groups.find(([, test]) => test(f))?.[0], undefined) ?? `other: ${place(leaf)}`, us)
  for (const [name, test] of functions) if (stack.some(test)) add(byFunctionIncl, name, us)
}

const top = Number(topArg)
const perRequest = (us: number) => (requests === undefined ? '' : `${(us / requests).toFixed(1).padStart(8)} µs/req`)
const line = (label: string, us: number) => `  ${label.padEnd(60)}${(us / 1000).toFixed(0).padStart(8)} ms${(100 * us / busy).toFixed(1).padStart(7)} %${perRequest(us)}`
console.log(`${newest}: busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s from the first request on${requests === undefined ? '' : `; ${requests} requests, ${(busy / requests).toFixed(1)} µs busy per request`}`)
console.log('By group (each sample counted once, for the innermost frame a group claims):')
for (const [name, us] of [...byGroup].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, us))
console.log('By function, with what it calls:')
for (const [name] of functions) console.log(line(name, byFunctionIncl.get(name) ?? 0))
console.log('By package or file (self time):')
for (const [name, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, us))
console.log(`Top ${top} functions (self time):`)
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name.length > 60 ? `${name.slice(0, 57)}...` : name, us))
