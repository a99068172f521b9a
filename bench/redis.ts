/**
 * The Redis side of `npm run bench`'s `redis` row: whether the machine's Redis answers, its command counts (INFO
 * commandstats) around each load, the memory its keys take, and deleting the row's keys afterwards.
 */
import { createClient } from 'redis'

/** A client to the bench's Redis (node-redis, no reconnecting: the bench only asks a few things). */
function benchClient(url: string) {
  return createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } })
}

/** A connected client to the bench's Redis. */
export type BenchRedis = ReturnType<typeof benchClient>

/** Connects to `url` and checks PING within a second; undefined (with the reason) when Redis does not answer. */
export async function connectBenchRedis(url: string): Promise<{ client: BenchRedis } | { reason: string }> {
  const client = benchClient(url)
  client.on('error', () => {})
  try {
    await client.connect()
    await client.sendCommand(['PING'], { timeout: 1000 })
    return { client }
  } catch (error) {
    if (client.isOpen) client.destroy()
    return { reason: error instanceof Error ? error.message : String(error) }
  }
}

/** The name under which {@link commandCalls} gives Redis's CPU seconds (user + system of its main process). */
export const CPU_SECONDS = 'cpu seconds'

/**
 * Calls per command since Redis started (INFO commandstats), the commands run inside scripts included, and under
 * {@link CPU_SECONDS} the CPU time Redis has used (INFO cpu).
 */
export async function commandCalls(client: BenchRedis): Promise<Map<string, number>> {
  const info = String(await client.sendCommand(['INFO', 'commandstats', 'cpu']))
  const calls = new Map<string, number>()
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1] as string, Number(match[2]))
  const cpu = [...info.matchAll(/^used_cpu_(?:user|sys):([\d.]+)/gm)].reduce((total, match) => total + Number(match[1]), 0)
  calls.set(CPU_SECONDS, cpu)
  return calls
}

/** What each command grew by between two readings of {@link commandCalls}, added to `into`. */
export function addGrowth(into: Map<string, number>, before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): void {
  for (const [command, calls] of after) {
    const grown = calls - (before.get(command) ?? 0)
    if (grown > 0) into.set(command, (into.get(command) ?? 0) + grown)
  }
}

/** The keys under `prefix`, by kind (`call` or `alias`, the word after the prefix), `limit` at most in all. */
async function sampleKeys(client: BenchRedis, prefix: string, limit: number): Promise<Map<string, string[]>> {
  const byKind = new Map<string, string[]>()
  let taken = 0
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    for (const key of keys) {
      const kind = key.slice(prefix.length).split(':')[0] as string
      byKind.set(kind, [...(byKind.get(kind) ?? []), key])
      taken += 1
    }
    if (taken >= limit) break
  }
  return byKind
}

/** Average MEMORY USAGE (bytes, Redis's own estimate of key, value and overhead) of up to `limit` keys of each kind. */
export async function memoryPerKey(client: BenchRedis, prefix: string, limit = 2000): Promise<Map<string, { keys: number; bytes: number }>> {
  const result = new Map<string, { keys: number; bytes: number }>()
  for (const [kind, keys] of await sampleKeys(client, prefix, limit)) {
    let total = 0
    for (const key of keys) total += Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']) ?? 0)
    result.set(kind, { keys: keys.length, bytes: total / keys.length })
  }
  return result
}

/** Deletes every key under `prefix`; returns how many. */
export async function deletePrefix(client: BenchRedis, prefix: string): Promise<number> {
  let deleted = 0
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) deleted += Number(await client.sendCommand(['UNLINK', ...keys]))
  }
  return deleted
}
