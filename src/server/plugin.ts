import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createInspector, registerAdmin } from '../admin/index.js'
import { CallRuntime } from '../runtime/runtime.js'
import type { Logger } from '../runtime/log.js'
import type { SeenCall } from '../runtime/transaction.js'
import type { RequestInfo } from '../runtime/types.js'
import { resolveOptions, type NccoflowOptions } from './options.js'
import type { Registry } from 'prom-client'
import { createMetrics, registerMetrics } from './metrics.js'
import { keepRawBody } from './raw-body.js'
import { registerRoutes } from './routes.js'
import { webhookGuard } from './webhook-guard.js'
import { requestKey, type RouteInfo } from './webhook-route.js'

export type { RouteInfo } from './webhook-route.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** nccoflow's runtime and the routes it registered. */
    nccoflow: {
      runtime: CallRuntime
      routes: readonly RouteInfo[]
      defaultFlow: string | undefined
      /** The Prometheus registry `/metrics` serves, when the `metrics` option is on. */
      metrics: Registry | undefined
    }
  }
}

async function nccoflowPlugin(app: FastifyInstance, options: NccoflowOptions): Promise<void> {
  const resolved = resolveOptions(options)
  const { flows, publicUrl, prefix, defaultFlow } = resolved
  if (defaultFlow === undefined) {
    app.log.warn({ flows: flows.map((f) => f.name) }, `no default flow (set DEFAULT_FLOW or name a flow "default"): /answer serves "${resolved.fallbackFlow.name}" unless numbers maps the called number`)
  }
  const metrics = options.metrics === true ? createMetrics() : options.metrics || undefined
  const runtime = new CallRuntime({ flows, store: options.store, ttl: options.ttl, logger: app.log, observer: metrics, indexCalls: resolved.admin !== undefined })
  keepRawBody(app)
  // Set on every webhook (for its log line): declared, so that requests keep one shape.
  app.decorateRequest('nccoflowCall', undefined)
  // Before any route: it guards the routes registered after it with `config: { webhook: true }`.
  const guard = { signature: options.signature, allowedIps: options.allowedIps }
  webhookGuard(app, guard)

  let warnedBase = false
  const baseUrl = (request: FastifyRequest): string => {
    if (publicUrl !== undefined) return `${publicUrl}${prefix}`
    if (!warnedBase) {
      warnedBase = true
      request.log.warn('PUBLIC_URL is not set: callback URLs are built from the request\'s X-Forwarded-Proto/Host headers')
    }
    const proto = String(request.headers['x-forwarded-proto'] ?? request.protocol).split(',')[0]?.trim()
    const host = String(request.headers['x-forwarded-host'] ?? request.host).split(',')[0]?.trim()
    return `${proto}://${host}${prefix}`
  }
  // With the call API on, the runtime tells the inspector about each webhook's call; off, nothing of it exists.
  const admin = resolved.admin === undefined ? undefined : { settings: resolved.admin, inspector: createInspector() }
  const info = (request: FastifyRequest): RequestInfo => new WebhookRequestInfo(request, baseUrl(request), admin?.inspector.seenBy(request))
  const routes = registerRoutes(app, runtime, resolved, info, metrics)
  if (metrics !== undefined) {
    registerMetrics(app, metrics, prefix)
    routes.push({ methods: ['GET'], url: `${prefix}/metrics`, kind: 'metrics' })
  }

  // One line per webhook, with the call's uuid, flow and step, instead of fastify's two anonymous ones.
  // Its fields written out: on Node 20 an object spread followed by new keys costs microseconds (see fields.ts).
  app.addHook('onResponse', async (request, reply) => {
    const call = request.nccoflowCall
    if (call === undefined) return
    request.log.info({ uuid: call.uuid, flow: call.flow, step: call.step, method: request.method, url: request.url.split('?')[0], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'webhook')
  })

  // The call API and dashboard: beside the webhooks, never in their path (off: nothing of it is registered).
  if (admin !== undefined) await registerAdmin(app, { runtime, options: resolved, admin: admin.settings, ...guard, routes, baseUrl, inspector: admin.inspector })

  app.decorate('nccoflow', { runtime, routes, defaultFlow, metrics: metrics?.registry })
  app.addHook('onClose', async () => {
    await runtime.drain()
    await runtime.store.close()
  })
}

/** What the runtime knows of a webhook's request: a class, so that no closure is made per request. */
class WebhookRequestInfo implements RequestInfo {
  readonly #request: FastifyRequest
  readonly baseUrl: string
  readonly log: Logger
  readonly seen: SeenCall | undefined

  constructor(request: FastifyRequest, baseUrl: string, seen: SeenCall | undefined) {
    this.#request = request
    this.baseUrl = baseUrl
    this.log = request.log
    this.seen = seen
  }

  /** Computed only by the webhooks that keep it (answers and callbacks, not events). */
  get key(): string {
    return requestKey(this.#request)
  }

  about(call: { uuid: string; flow?: string; step?: string }): void {
    this.#request.nccoflowCall = { ...this.#request.nccoflowCall, ...call }
  }
}

/**
 * The nccoflow fastify plugin: serves the answer, event and fallback URLs and every callback route of the flows.
 * @example
 * import Fastify from 'fastify'
 * import { nccoflow } from 'nccoflow'
 * import menu from './flows/ivr-menu.js'
 * const app = Fastify({ logger: true })
 * await app.register(nccoflow, { flows: [menu], publicUrl: 'https://ivr.example.com' })
 */
export const nccoflow = fp(nccoflowPlugin, { name: 'nccoflow', fastify: '5.x' })
