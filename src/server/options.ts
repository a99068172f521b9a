import type { FlowDefinition } from '../dsl/types.js'
import { toFlowDefinition } from '../dsl/flow.js'
import { errors } from '../errors.js'
import type { CallRecord } from '../runtime/call-record.js'
import type { CallStore } from '../runtime/store/index.js'
import type { CallTtl } from '../runtime/transaction.js'
import type { ServerMetrics } from './metrics.js'
import type { SignatureOptions } from './signature.js'
import type { SimulatedCalls } from '../admin/simulator.js'

/** Options of the nccoflow fastify plugin; the `nccoflow` command reads the same from the environment. */
export interface NccoflowOptions {
  /** The flows to serve: flows from `flow()` or their definitions. */
  readonly flows: readonly ({ toDefinition(): FlowDefinition } | FlowDefinition)[]
  /** Base of every callback URL (env `PUBLIC_URL`), e.g. `https://ivr.example.com`. Without it the base is taken from each answer request, with a warning. */
  readonly publicUrl?: string
  /** The flow `/answer` serves (env `DEFAULT_FLOW`); default: the only flow, or the one named `default`. */
  readonly defaultFlow?: string
  /** Flows by the number called (`to` of the answer webhook), for `/answer`. */
  readonly numbers?: Readonly<Record<string, string>>
  /** Where calls are kept; the in-memory store by default. */
  readonly store?: CallStore<CallRecord>
  /** How long calls are kept. */
  readonly ttl?: CallTtl
  /** Route prefix, e.g. `/vonage`; default none. */
  readonly prefix?: string
  /** Verify Vonage's signed webhooks (env `VONAGE_SIGNATURE_SECRET`, …); without it webhooks are not verified, with a start-up warning. See docs/security.md. */
  readonly signature?: SignatureOptions
  /** Addresses and CIDR ranges webhooks may come from (env `ALLOWED_IPS`), IPv4 and IPv6; default any. */
  readonly allowedIps?: readonly string[]
  /**
   * Serve Prometheus metrics at `GET /metrics` (env `METRICS=1`); default off (404). See docs/observability.md. Metrics
   * made once with `createMetrics()` can be given instead of `true`: then they outlive the server (`nccoflow dev` keeps
   * them across reloads).
   */
  readonly metrics?: boolean | ServerMetrics
  /** The call API and dashboard under `/_nccoflow/` (env `ADMIN_TOKEN`); default off (404). See docs/admin-api.md. */
  readonly admin?: AdminOptions
}

/** A flow file that failed to load, as `nccoflow dev` reports it to the call API and dashboard. */
export interface FlowLoadProblem {
  readonly file: string
  readonly message: string
}

/** Who may use the call API and dashboard: on with a `token`, or `open` (no token: only `nccoflow dev`, on 127.0.0.1). */
export interface AdminOptions {
  /** Every admin route needs it, as `Authorization: Bearer <token>` or the cookie `POST /_nccoflow/api/session` sets. */
  readonly token?: string
  /** On without a token: anyone who reaches the server may read calls. Only for a server on the loopback address. */
  readonly open?: boolean
  /** Flows that failed to load, shown by `GET /_nccoflow/api/flows` and the dashboard. */
  readonly problems?: () => readonly FlowLoadProblem[]
  /** The simulator's calls, when they must outlive this server (`nccoflow dev` gives every reload's server the same). */
  readonly simulated?: SimulatedCalls
}

/** The admin option once checked: `token` undefined means open. */
export interface ResolvedAdmin {
  readonly token: string | undefined
  readonly problems: () => readonly FlowLoadProblem[]
  readonly simulated: SimulatedCalls | undefined
}

/** The plugin's options once checked, with what follows from them. */
export interface ResolvedOptions {
  readonly flows: readonly FlowDefinition[]
  readonly publicUrl: string | undefined
  /** Routes are registered under it and callback URLs point under it (fastify's own `prefix` does not apply). */
  readonly prefix: string
  /** The flow named by `defaultFlow`, the only flow, or the one named `default`. */
  readonly defaultFlow: string | undefined
  /** The flow `/answer` and `/fallback` serve when a request names none: the default flow, or the first. */
  readonly fallbackFlow: FlowDefinition
  readonly numbers: Readonly<Record<string, string>>
  /** The call API and dashboard, when on. */
  readonly admin: ResolvedAdmin | undefined
}

function pickDefaultFlow(flows: readonly FlowDefinition[], wanted: string | undefined): string | undefined {
  if (wanted !== undefined) {
    if (!flows.some((f) => f.name === wanted)) throw new errors.FLOW_UNKNOWN.Error(wanted, `the flows are ${flows.map((f) => f.name).join(', ')}`)
    return wanted
  }
  if (flows.length === 1) return flows[0]?.name
  return flows.find((f) => f.name === 'default')?.name
}

const noProblems = (): readonly FlowLoadProblem[] => []

function resolveAdmin(admin: AdminOptions | undefined): ResolvedAdmin | undefined {
  if (admin === undefined) return undefined
  const { token, open = false, problems = noProblems, simulated } = admin
  if (token !== undefined && (typeof token !== 'string' || token.length < 16)) {
    throw new errors.OPTIONS_INVALID.Error('admin.token', 'it must be a string of at least 16 characters (e.g. `openssl rand -hex 32`)')
  }
  if (token === undefined && open !== true) return undefined
  return { token, problems, simulated }
}

/** Checks the plugin's options, so a bad configuration fails `ready()` with a coded error naming the option. */
export function resolveOptions(options: NccoflowOptions): ResolvedOptions {
  if (!Array.isArray(options.flows) || options.flows.length === 0) throw new errors.FLOW_UNKNOWN.Error('(none)', 'pass at least one flow in options.flows')
  // A definition written as data gets the flow's checks too: its fallback is sent as it is, so it must be valid (rule 7).
  const flows = options.flows.map((f) => toFlowDefinition(f))
  if (options.publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(options.publicUrl)) {
    throw new errors.OPTIONS_INVALID.Error('publicUrl', `it must be an absolute http(s) URL, got "${options.publicUrl}"`)
  }
  const prefix = (options.prefix ?? '').replace(/\/+$/, '')
  if (prefix !== '' && !/^\/[^/]/.test(prefix)) throw new errors.OPTIONS_INVALID.Error('prefix', `it must start with "/", got "${options.prefix}"`)
  const defaultFlow = pickDefaultFlow(flows, options.defaultFlow)
  const numbers = options.numbers ?? {}
  for (const [number, name] of Object.entries(numbers)) {
    if (!flows.some((f) => f.name === name)) throw new errors.FLOW_UNKNOWN.Error(name, `numbers maps ${number} to it; the flows are ${flows.map((f) => f.name).join(', ')}`)
  }
  return {
    admin: resolveAdmin(options.admin),
    flows,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    prefix,
    defaultFlow,
    fallbackFlow: flows.find((f) => f.name === defaultFlow) ?? (flows[0] as FlowDefinition),
    numbers,
  }
}
