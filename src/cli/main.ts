import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { flowToMermaid } from '../dsl/graph.js'
import { errors, isNccoflowError } from '../errors.js'
import { playCall, type CallerInput } from './call.js'
import { dev } from './dev.js'
import { graphLegend } from './graph-legend.js'
import type { CallRecord } from '../runtime/call-record.js'
import { checkRedisUrl, createRedisStore, redactRedisUrl } from '../runtime/store/redis.js'
import { buildServer } from '../server/build.js'
import { loadFlows } from './load-flows.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

const help = `nccoflow ${pkg.version}: typed Vonage Voice call flows

Usage: nccoflow <command>

Commands:
  start                 serve the flows in FLOWS_DIR (answer, event, fallback and callback routes)
  dev                   serve them for development (docs/dev.md): on 127.0.0.1 only, dashboard open (no token),
                        metrics on, readable logs; prints the URLs for the Vonage application, takes an ngrok
                        tunnel's https URL as PUBLIC_URL (NGROK_API: http://127.0.0.1:4040), and reloads a flow
                        when its file changes, keeping the calls in progress
  routes                list every route with its flow and step
  ncco <flow> [step]    print the NCCO a step renders for a sample call (default: the flow's first step)
    --from <number>     the caller's number (447700900000)
    --to <number>       the number called (447700900001)
    --context <json>    a JSON object merged over the flow's initial context
  graph <flow>          print the flow as a Mermaid state diagram, with a legend of its edge labels
  call <flow>           call the flow in this terminal: prints the step and what the caller hears, then reads
                        one line at a time: keys (1, 42#), say <words>, wait (the input times out), fail [status]
                        (a synchronous connect fails), hangup; piped input works too (the end of it hangs up)
  version               print the version
  help                  show this help

Environment:
  PORT (3000), HOST (127.0.0.1), PUBLIC_URL (base of callback URLs; default: taken from each request),
  FLOWS_DIR (./flows), DEFAULT_FLOW (the only flow, or the one named "default"), LOG_LEVEL (info)

Calls (docs/deployment.md):
  REDIS_URL                 keep calls in Redis (redis://[:password@]host:6379[/db], rediss:// for TLS), shared by
                            every instance using it (default: in this process's memory, lost on restart)
  REDIS_PREFIX              prefix of every Redis key (nccoflow:)

Observability (docs/observability.md, docs/admin-api.md):
  METRICS                   1 (or true): serve Prometheus metrics at GET /metrics (default: off, 404)
  ADMIN_TOKEN               turn on the call API and dashboard under /_nccoflow/, for holders of this token
                            (16 characters or more; default: off, 404)

Security (docs/security.md):
  VONAGE_SIGNATURE_SECRET   verify signed webhooks with this signature secret; "new,old" while rotating
                            (default: not verified, with a warning)
  VONAGE_API_KEY, VONAGE_APPLICATION_ID   when set, a token's api_key / application_id must match
  VONAGE_SIGNATURE_MAX_AGE  most seconds between a token's iat and now (300)
  ALLOWED_IPS               addresses and CIDR ranges webhooks may come from, comma-separated (default: any)
  TRUST_PROXY               proxies whose X-Forwarded-For names the client: a hop count, addresses, or true
                            (default: none, the socket's address counts)
`

/** What the command reads from its environment. */
export interface CliEnv {
  readonly [name: string]: string | undefined
}

/** Where the command writes, and what tells `start` to stop. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  /** Emits SIGINT and SIGTERM. */
  readonly signals: Pick<NodeJS.EventEmitter, 'once'>
  /** What `nccoflow call` reads, a line at a time; without it the call hangs up once answered. */
  readonly input?: CallerInput
  /** Whether `out` is a terminal that shows colours (`nccoflow dev` colours its log lines then). */
  readonly colors?: boolean
}

/** No lines at all. */
const noInput: CallerInput = { lines: async function* () {}, interactive: false }

/**
 * The lines of a stream, without their line ends. Once the reader stops (the end of the stream, or a call that ended
 * before it), the stream is destroyed: standard input left open, a terminal's above all, would keep the process alive.
 */
export async function* readLines(stream: NodeJS.ReadableStream & { destroy(): void }): AsyncGenerator<string> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  try {
    yield* lines
  } finally {
    lines.close()
    stream.destroy()
  }
}

/** The process's own output, signals and standard input (read only by `call`, a line at a time, when it asks). */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  signals: process,
  colors: process.stdout.isTTY === true,
  input: {
    lines: () => readLines(process.stdin),
    interactive: process.stdin.isTTY === true,
  },
}

/** A comma-separated variable as a list; unset or empty is undefined. */
function list(value: string | undefined): string[] | undefined {
  const items = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
  return items.length === 0 ? undefined : items
}

/** `TRUST_PROXY` as fastify's `trustProxy`: `true`/`false`, a hop count, or addresses; unset is undefined (none). */
function trustProxy(value: string | undefined): boolean | number | string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true'
  if (/^\d+$/.test(value.trim())) return Number(value)
  return list(value)
}

/** The `signature` option from `VONAGE_SIGNATURE_SECRET` and its companions; undefined without a secret. */
function signature(env: CliEnv) {
  const secret = list(env.VONAGE_SIGNATURE_SECRET)
  if (secret === undefined) return undefined
  return {
    secret,
    maxAgeSeconds: env.VONAGE_SIGNATURE_MAX_AGE ? Number(env.VONAGE_SIGNATURE_MAX_AGE) : undefined,
    apiKey: env.VONAGE_API_KEY || undefined,
    applicationId: env.VONAGE_APPLICATION_ID || undefined,
  }
}

/** The command's settings from its environment, with their defaults (DESIGN §7). */
export function settings(env: CliEnv) {
  return {
    flowsDir: env.FLOWS_DIR ?? './flows',
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.PUBLIC_URL || undefined,
    defaultFlow: env.DEFAULT_FLOW || undefined,
    signature: signature(env),
    allowedIps: list(env.ALLOWED_IPS),
    trustProxy: trustProxy(env.TRUST_PROXY),
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX ?? 'nccoflow:',
    metrics: /^(1|true)$/i.test(env.METRICS ?? ''),
    admin: env.ADMIN_TOKEN ? { token: env.ADMIN_TOKEN } : undefined,
  }
}

const nccoUsage = 'nccoflow ncco <flow> [step] [--from <number>] [--to <number>] [--context <json>]'

/** The arguments of `nccoflow ncco`: flow, step, the sample call's numbers and the context to merge. */
function nccoArguments(args: readonly string[]) {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, context: { type: 'string' } } })
  } catch (error) {
    throw new Error(`${(error as Error).message}; usage: ${nccoUsage}`)
  }
  const { positionals: [flow, step, ...extra], values } = parsed
  if (extra.length > 0) throw new Error(`unexpected argument "${extra.join(' ')}"; usage: ${nccoUsage}`)
  let context: unknown = {}
  if (values.context !== undefined) {
    try {
      context = JSON.parse(values.context)
    } catch (error) {
      throw new Error(`--context is not JSON (${(error as Error).message}): ${values.context}`)
    }
    if (context === null || typeof context !== 'object' || Array.isArray(context)) throw new Error(`--context must be a JSON object, like '{"count":2}'; got ${values.context}`)
  }
  return { flow, step, call: { from: values.from ?? '447700900000', to: values.to ?? '447700900001' }, context: context as Record<string, unknown> }
}

/** A server on the flows of FLOWS_DIR, in memory (the commands that only look at flows). */
async function server(env: CliEnv): Promise<FastifyInstance> {
  const { flowsDir, publicUrl, defaultFlow, signature, allowedIps, trustProxy } = settings(env)
  return buildServer({ flows: await loadFlows(flowsDir), logger: false, publicUrl, defaultFlow, signature, allowedIps, trustProxy })
}

/**
 * Closes the server: fastify stops accepting connections, closes the idle ones and waits for the webhooks in flight.
 * Their connections are closed as soon as they go idle too: kept alive, each would hold the server (and the process)
 * open for fastify's keepAliveTimeout (72 s) after its answer.
 */
async function stop(app: FastifyInstance): Promise<void> {
  let closed = false
  const closing = app.close().then(() => {
    closed = true
  })
  while (!closed) {
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 50))])
    app.server.closeIdleConnections()
  }
}

/**
 * Starts the server; resolves once it listens, with the running instance. On SIGINT or SIGTERM it stops accepting
 * connections, finishes the webhooks in flight, closes the store and its Redis connection, and lets the process exit.
 */
export async function start(env: CliEnv, signals: CliIo['signals']): Promise<FastifyInstance> {
  const { port, host, logLevel, flowsDir, publicUrl, defaultFlow, signature, allowedIps, trustProxy, redisUrl, redisPrefix, metrics, admin } = settings(env)
  if (redisUrl !== undefined) checkRedisUrl(redisUrl, 'REDIS_URL')
  const flows = await loadFlows(flowsDir)
  // Log lines are gathered and written to stdout 4 KB at a time (≈ 25 lines), at the latest 250 ms after they were
  // logged: one write per line cost more than the rest of a webhook's logging. Writes are synchronous: a thread of
  // node's pool per write competes with the server for its core. What is pending is written when the server closes
  // and when the process exits (a crash included; not a SIGKILL).
  const stdout = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 250 })
  const flush = () => stdout.flushSync()
  process.once('exit', flush)
  const logger = pino({ level: logLevel }, stdout)
  // Without Redis answering, the server starts anyway: /healthz says 503, calls get the fallback, the client retries.
  const store = redisUrl === undefined ? undefined : createRedisStore<CallRecord>({ url: redisUrl, prefix: redisPrefix, logger })
  let app: FastifyInstance
  try {
    app = await buildServer({ flows, loggerInstance: logger, store, publicUrl, defaultFlow, signature, allowedIps, trustProxy, metrics, admin })
  } catch (error) {
    await store?.close()
    process.removeListener('exit', flush)
    flush()
    throw error
  }
  // On the HTTP server's close, not an onClose hook: the server is ready, and fastify refuses new hooks once a nested
  // plugin (the call API's) has started it.
  app.server.once('close', () => {
    process.removeListener('exit', flush)
    flush()
  })
  let address: string
  try {
    address = await app.listen({ port, host })
  } catch (error) {
    await app.close() // closes the store too: a Redis client left open would keep the process alive
    process.removeListener('exit', flush)
    flush()
    throw error
  }
  app.log.info({ flows: [...app.nccoflow.runtime.flows.keys()], defaultFlow: app.nccoflow.defaultFlow, store: redisUrl === undefined ? 'memory' : redactRedisUrl(redisUrl) }, `nccoflow listening on ${address}`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    signals.once(signal, () => {
      app.log.info({ signal }, 'shutting down')
      void stop(app)
    })
  }
  return app
}

/** Runs the `nccoflow` command with its arguments; resolves to the exit code (`start` resolves once listening). */
export async function main(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const [command = 'help', ...args] = argv
  try {
    switch (command) {
      case 'version': case '--version': case '-v':
        io.out(`${pkg.version}\n`)
        return 0
      case 'help': case '--help': case '-h':
        io.out(help)
        return 0
      case 'start':
        await start(env, io.signals)
        return 0
      case 'dev':
        await dev(env, io)
        return 0
      case 'routes': {
        const app = await server(env)
        const rows = [['METHODS', 'URL', 'KIND', 'FLOW', 'STEP'], ...app.nccoflow.routes.map((r) => [r.methods.join(','), r.url, r.kind, r.flow ?? '', r.step ?? ''])]
        const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length))) as number[]
        io.out(rows.map((r) => `${r.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd()}\n`).join(''))
        await app.close()
        return 0
      }
      case 'ncco': {
        const { flow, step, call, context } = nccoArguments(args)
        const app = await server(env)
        try {
          if (flow === undefined) throw new Error(`usage: ${nccoUsage}; flows: ${[...app.nccoflow.runtime.flows.keys()].join(', ')}`)
          const ncco = await app.nccoflow.runtime.preview(flow, step, (settings(env).publicUrl ?? 'https://example.com').replace(/\/+$/, ''), { ...call, context })
          io.out(`${JSON.stringify(ncco, null, 2)}\n`)
        } finally {
          await app.close()
        }
        return 0
      }
      case 'graph': {
        const [name] = args
        const flows = await loadFlows(settings(env).flowsDir)
        const names = flows.map((f) => f.name).join(', ')
        if (name === undefined) throw new Error(`usage: nccoflow graph <flow>; flows: ${names}`)
        const flow = flows.find((f) => f.name === name)
        if (flow === undefined) throw new errors.FLOW_UNKNOWN.Error(name, `the flows are ${names}`)
        const diagram = flowToMermaid(flow)
        io.out(`${diagram}${graphLegend(diagram)}`)
        return 0
      }
      case 'call': {
        const [flow, ...extra] = args
        const app = await server(env)
        try {
          const flows = [...app.nccoflow.runtime.flows.keys()].join(', ')
          if (flow === undefined || extra.length > 0) throw new Error(`usage: nccoflow call <flow>; flows: ${flows}`)
          return await playCall(app, flow, io.input ?? noInput, io)
        } finally {
          await app.close()
        }
      }
      default:
        io.err(`nccoflow: unknown command "${command}"\n\n${help}`)
        return 1
    }
  } catch (error) {
    // An nccoflow error names its code, the one docs/errors.md explains.
    const code = isNccoflowError(error) ? ` (${error.code})` : ''
    io.err(`nccoflow ${command}: ${(error as Error).message}${code}\n`)
    return 1
  }
}
