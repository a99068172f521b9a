import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { CallRecord } from '../runtime/call-record.js'
import type { FallbackReason, RuntimeObserver } from '../runtime/transaction.js'

/** nccoflow's Prometheus metrics: what the runtime tells, and one observation per webhook. */
export interface ServerMetrics extends Required<RuntimeObserver> {
  /** The registry `/metrics` serves: nccoflow's metrics and node's default process metrics. Add your own to it. */
  readonly registry: Registry
  /** One webhook answered: its route kind (`answer`, `event`, `input`, …), HTTP status and duration in seconds. */
  webhook(kind: string, status: number, seconds: number): void
}

/** Webhook durations: Vonage waits 5 s for an NCCO, and nccoflow answers in milliseconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

const active = (record: CallRecord | undefined): number => (record === undefined || record.ended ? 0 : 1)

/**
 * Creates the metrics of one server in a registry of its own (so that several servers in one process do not share
 * them): `nccoflow_webhooks_total{kind,status}`, `nccoflow_webhook_duration_seconds{kind}`, `nccoflow_active_calls`,
 * `nccoflow_fallbacks_total{reason}`, `nccoflow_flow_errors_total{flow}`, and node's default process metrics.
 */
export function createMetrics(): ServerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const webhooks = new Counter({ name: 'nccoflow_webhooks_total', help: 'Webhooks answered, by route kind and HTTP status.', labelNames: ['kind', 'status'] as const, registers: [registry] })
  const duration = new Histogram({ name: 'nccoflow_webhook_duration_seconds', help: 'Time to answer a webhook, by route kind.', labelNames: ['kind'] as const, buckets: BUCKETS, registers: [registry] })
  const calls = new Gauge({ name: 'nccoflow_active_calls', help: 'Calls this instance started minus calls it saw end (sum it over instances that share a store).', registers: [registry] })
  const fallbacks = new Counter({ name: 'nccoflow_fallbacks_total', help: 'NCCO routes answered with the flow\'s fallback NCCO, by reason.', labelNames: ['reason'] as const, registers: [registry] })
  const flowErrors = new Counter({ name: 'nccoflow_flow_errors_total', help: 'Failures of a flow\'s own code (step functions, handlers, invalid NCCOs), by flow.', labelNames: ['flow'] as const, registers: [registry] })
  return {
    registry,
    webhook(kind, status, seconds) {
      webhooks.inc({ kind, status: String(status) })
      duration.observe({ kind }, seconds)
    },
    callSaved(before, after) {
      const change = active(after) - active(before)
      if (change !== 0) calls.inc(change)
    },
    fallback(reason: FallbackReason) {
      fallbacks.inc({ reason })
    },
    flowError(flow) {
      flowErrors.inc({ flow })
    },
  }
}

/** Serves `GET <prefix>/metrics` and observes every webhook route (those registered with `config.kind`). */
export function registerMetrics(app: FastifyInstance, metrics: ServerMetrics, prefix: string): void {
  app.get(`${prefix}/metrics`, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()))
  app.addHook('onResponse', async (request, reply) => {
    const { kind } = request.routeOptions.config
    if (kind !== undefined) metrics.webhook(kind, reply.statusCode, reply.elapsedTime / 1000)
  })
}
