/**
 * The memory side of the benchmark, run as a child process of `bench/run.ts` (with --expose-gc) so that nothing else
 * lives in its heap: answers BENCH_CALLS calls (default 100,000) of the example menu flow on the memory store, each
 * with one input so that it looks like a live call waiting in the menu, then sends the heap growth per call and the
 * size of what the store keeps to the parent.
 */
import { createHash } from 'node:crypto'
import { setImmediate as tick } from 'node:timers/promises'
import { createMemoryStore, toFlowDefinition, type CallRecord } from '../src/index.js'
import { CallRuntime } from '../src/runtime/runtime.js'
import type { Payload } from '../src/runtime/types.js'
import menu from '../flows/ivr-menu.js'
import { FLOW, callIds, callRequest } from './call.js'

/** What this process sends to the parent. */
export interface HeapResult {
  readonly calls: number
  readonly storeSize: number
  readonly heapBefore: number
  readonly heapAfter: number
  readonly bytesPerCall: number
  /** Average length of a stored record's JSON, in characters (one byte each: it is all ASCII). */
  readonly recordJsonBytes: number
  /** Average length, per part of the record. */
  readonly parts: Readonly<Record<string, number>>
  readonly seconds: number
}

const calls = Number(process.env.BENCH_CALLS ?? 100_000)
const batch = 100
const baseUrl = 'http://127.0.0.1'
const definition = toFlowDefinition(menu)

function payload(step: 'answer' | 'input 9', n: number): Payload & { uuid: string } {
  const request = callRequest(step, callIds('heap0000', n))
  const raw = request.body === undefined
    ? Object.fromEntries(new URL(request.path, baseUrl).searchParams)
    : JSON.parse(request.body) as Record<string, unknown>
  return raw as Payload & { uuid: string }
}

/** A request key of the length the server makes (the first 20 hex digits of a SHA-1), which the record keeps. */
function key(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 20)
}

/** Answers call n and sends its first input, as the server would. */
async function liveCall(runtime: CallRuntime, n: number): Promise<void> {
  await runtime.answer(FLOW, payload('answer', n), { baseUrl, key: key(`answer ${n}`) })
  await runtime.callback(FLOW, 'menu', 'input', payload('input 9', n), { baseUrl, key: key(`input ${n}`) })
}

async function run(runtime: CallRuntime, from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += batch) {
    const ns = Array.from({ length: Math.min(batch, from + count - start) }, (_, i) => start + i)
    await Promise.all(ns.map((n) => liveCall(runtime, n)))
  }
}

async function settledHeap(): Promise<number> {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)')
  for (let i = 0; i < 4; i += 1) {
    await tick()
    gc()
  }
  return process.memoryUsage().heapUsed
}

const started = performance.now()
// Warm up on a runtime of its own, so the code compiled on the way is not counted against the calls.
const warm = new CallRuntime({ flows: [definition] })
await run(warm, 10_000_000, 1_000)
await warm.store.close()

const store = createMemoryStore<CallRecord>({ maxCalls: Math.max(calls, 100_000) })
const runtime = new CallRuntime({ flows: [definition], store })
const heapBefore = await settledHeap()
await run(runtime, 0, calls)
const heapAfter = await settledHeap()

const sizes: Record<string, number> = {}
let total = 0
for (let n = 0; n < calls; n += 1) {
  const record = (await store.get(callIds('heap0000', n).conversation))?.value
  if (record === undefined) throw new Error(`call ${n} is not in the store`)
  total += JSON.stringify(record).length
  for (const [key, value] of Object.entries(record)) sizes[key] = (sizes[key] ?? 0) + JSON.stringify(value).length
}

const result: HeapResult = {
  calls,
  storeSize: store.size,
  heapBefore,
  heapAfter,
  bytesPerCall: (heapAfter - heapBefore) / calls,
  recordJsonBytes: total / calls,
  parts: Object.fromEntries(Object.entries(sizes).map(([key, size]) => [key, size / calls])),
  seconds: (performance.now() - started) / 1000,
}
await store.close()
if (process.send === undefined) console.log(result)
else process.send(result, () => process.exit(0))
