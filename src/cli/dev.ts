import { existsSync, watch } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import pino, { type Logger as PinoLogger } from 'pino'
import pretty from 'pino-pretty'
import type { FlowDefinition } from '../dsl/types.js'
import type { CallRecord } from '../runtime/call-record.js'
import { createMemoryStore, type CallStore } from '../runtime/store/index.js'
import { buildServer } from '../server/build.js'
import type { FlowLoadProblem } from '../server/options.js'
import { createMetrics } from '../server/metrics.js'
import { SimulatedCalls } from '../admin/simulator.js'
import { duplicateName, flowFiles, isFlowFile, loadFlowFile } from './load-flows.js'
import { settings, type CliEnv, type CliIo } from './main.js'
import { findTunnel, NGROK_API } from './ngrok.js'

/** The only address `nccoflow dev` listens on: its dashboard and call API need no token. */
const LOOPBACK = '127.0.0.1'

/** How long the watcher waits for an editor's writes to settle before it reloads, in milliseconds. */
const DEBOUNCE_MS = 100

/** A running `nccoflow dev`. */
export interface DevServer {
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  readonly url: string
  /** The base of the URLs Vonage is given: PUBLIC_URL, the ngrok tunnel, or `url`. */
  readonly publicUrl: string
  /** The flows that do not load, now. */
  problems(): readonly FlowLoadProblem[]
  /** Stops watching, stops listening, and closes the app and the store. */
  close(): Promise<void>
}

/** A store whose `close()` does nothing: each reload's app closes its store, and the calls must outlive it. */
function keepOpen(store: CallStore<CallRecord>): CallStore<CallRecord> {
  return new Proxy(store, { get: (target, key) => (key === 'close' ? async () => {} : Reflect.get(target, key)) })
}

/** pino, writing human-readable lines (pino-pretty) to `out`. */
function prettyLogger(level: string, io: CliIo): PinoLogger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      io.out(chunk.toString())
      done()
    },
  })
  // Each reload builds the app again, and the app warns again of what has not changed (no signature secret, no
  // PUBLIC_URL): a warning already shown, word for word, is not shown again.
  const shown = new Set<string>()
  const hooks = {
    logMethod(this: PinoLogger, args: Parameters<PinoLogger['warn']>, method: PinoLogger['warn'], level: number) {
      if (level === pino.levels.values.warn) {
        const key = JSON.stringify(args)
        if (shown.has(key)) return
        shown.add(key)
      }
      method.apply(this, args)
    },
  }
  return pino({ level, hooks }, pretty({ destination, colorize: io.colors === true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }))
}

/**
 * The flows of a folder as `nccoflow dev` keeps them: each file's last good flow, and the files that do not load now.
 * A reload imports a changed file afresh; when it fails, the file's last good flow stays.
 */
class FlowFiles {
  readonly #good = new Map<string, FlowDefinition>()
  readonly #problems = new Map<string, string>()
  #loads = 0

  /** The flows to serve, in file name order. */
  get flows(): FlowDefinition[] {
    return [...this.#good].sort(([a], [b]) => a.localeCompare(b)).map(([, flow]) => flow)
  }

  get problems(): FlowLoadProblem[] {
    return [...this.#problems].map(([file, message]) => ({ file, message }))
  }

  /** Loads a file (again), or forgets it when it was deleted; says in the log what went wrong. */
  async load(file: string, log: PinoLogger): Promise<void> {
    if (!existsSync(file)) {
      const had = this.#good.get(file)
      this.#good.delete(file)
      this.#problems.delete(file)
      if (had !== undefined) log.warn({ file: basename(file), flow: had.name }, `${basename(file)} was deleted: flow "${had.name}" is no longer served`)
      return
    }
    let flow: FlowDefinition | undefined
    try {
      this.#loads += 1
      flow = await loadFlowFile(file, String(this.#loads))
    } catch (error) {
      const message = (error as Error).message
      this.#problems.set(file, message)
      const last = this.#good.get(file)
      log.error({ file: basename(file) }, `${basename(file)} does not load: ${message}${last === undefined ? '' : ` (still serving the last good version of flow "${last.name}")`}`)
      return
    }
    this.#problems.delete(file)
    if (flow === undefined) {
      this.#good.delete(file)
      return
    }
    const twice = duplicateName([...[...this.#good].filter(([f]) => f !== file).map(([, f]) => f), flow])
    if (twice !== undefined) {
      const message = `another file in the folder already defines a flow named "${twice}"`
      this.#problems.set(file, message)
      log.error({ file: basename(file) }, `${basename(file)} does not load: ${message}`)
      return
    }
    this.#good.set(file, flow)
  }
}

/**
 * Runs `nccoflow dev`: serves the flows of FLOWS_DIR on 127.0.0.1 with the dashboard open and metrics on, prints the
 * URLs to paste in the Vonage application, and reloads a flow when its file changes, without restarting.
 *
 * Fastify cannot add routes once ready, and the routes come from the flows. So one node http server listens for the
 * life of the command, and hands each request to the fastify app of the current version of the flows
 * (`app.routing`, fastify's own request handler). A reload builds a new app over the same store and metrics (both
 * outlive it), then swaps it in: requests already in the old app finish there, the next ones go to the new app, and
 * the old app is closed. Calls in progress keep their record, so they go on at their step with the new code; a call
 * whose step is gone hears the fallback (see `CallRuntime.callback`).
 */
export async function dev(env: CliEnv, io: CliIo): Promise<DevServer> {
  const { flowsDir, port, logLevel, defaultFlow, publicUrl: explicit } = settings(env)
  const dir = resolve(flowsDir)
  const log = prettyLogger(logLevel, io)
  if (env.HOST !== undefined && env.HOST !== LOOPBACK) {
    log.warn(`HOST=${env.HOST} is ignored: nccoflow dev listens on ${LOOPBACK} only, as its dashboard needs no token (nccoflow start with ADMIN_TOKEN serves a network)`)
  }
  const files = new FlowFiles()
  for (const file of flowFiles(dir)) await files.load(file, log)

  let publicUrl = explicit
  let tunnelProblem: string | undefined
  if (publicUrl === undefined) {
    const tunnel = await findTunnel(env.NGROK_API || NGROK_API, port)
    if ('url' in tunnel) {
      publicUrl = tunnel.url
      if (tunnel.warning !== undefined) log.warn(tunnel.warning)
    } else {
      tunnelProblem = tunnel.problem
    }
  }

  const store = createMemoryStore<CallRecord>()
  const shared = keepOpen(store)
  const metrics = createMetrics()
  // The dashboard's simulated calls outlive a reload too: their next webhook goes to the new server.
  const simulated = new SimulatedCalls()
  const build = (flows: readonly FlowDefinition[]) =>
    buildServer({ flows, loggerInstance: log, store: shared, publicUrl, defaultFlow, metrics, admin: { open: true, problems: () => files.problems, simulated } })

  let app: FastifyInstance = await build(files.flows)
  const server: Server = createServer((request, response) => app.routing(request, response))
  try {
    await new Promise<void>((ready, fail) => {
      server.once('error', fail)
      server.listen(port, LOOPBACK, () => ready())
    })
  } catch (error) {
    await app.close()
    await store.close()
    throw error
  }
  const url = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`
  const base = (publicUrl ?? url).replace(/\/+$/, '')

  io.out([
    '',
    `nccoflow dev: serving ${[...app.nccoflow.runtime.flows.keys()].join(', ')} from ${dir}`,
    `listening on ${url} (${LOOPBACK} only: the dashboard and the call API need no token here)`,
    '',
    'Paste these in your Vonage application (Voice capability):',
    `  Answer URL    ${base}/answer`,
    `  Event URL     ${base}/event`,
    `  Fallback URL  ${base}/fallback`,
    ...(tunnelProblem === undefined ? [] : [`  (${base} is this machine only: Vonage cannot reach it. No tunnel: ${tunnelProblem}.)`]),
    '',
    `Dashboard     ${url}/_nccoflow/`,
    `Metrics       ${url}/metrics`,
    `Watching ${dir}: saving a flow file reloads it; calls in progress keep their step.`,
    '',
    '',
  ].join('\n'))

  // One reload at a time, in the order the changes came.
  let reloading = Promise.resolve()
  const reload = (changed: readonly string[]) => {
    reloading = reloading.then(async () => {
      for (const file of changed) await files.load(file, log)
      const flows = files.flows
      let next: FastifyInstance
      try {
        next = await build(flows)
      } catch (error) {
        log.error(`the flows do not start: ${(error as Error).message} (still serving the last good version)`)
        return
      }
      const old = app
      app = next
      await old.close()
      log.info({ flows: flows.map((f) => f.name) }, `reloaded ${changed.map((f) => basename(f)).join(', ')}`)
    })
  }

  const pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const watcher = watch(dir, (_event, name) => {
    if (name === null || !isFlowFile(name)) return
    pending.add(join(dir, name))
    clearTimeout(timer)
    timer = setTimeout(() => {
      const changed = [...pending]
      pending.clear()
      reload(changed)
    }, DEBOUNCE_MS)
  })

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      watcher.close()
      clearTimeout(timer)
      await reloading
      const stopped = new Promise<void>((done) => server.close(() => done()))
      server.closeAllConnections()
      await stopped
      await app.close()
      await store.close()
      log.flush()
    })()
    return closing
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    io.signals.once(signal, () => {
      log.info({ signal }, 'shutting down')
      void close()
    })
  }
  return { url, publicUrl: base, problems: () => files.problems, close }
}
