import type { FlowBuilder } from '../dsl/flow.js'
import type { FlowDefinition } from '../dsl/types.js'
import type { CallRecord } from '../runtime/call-record.js'
import type { CallTtl } from '../runtime/runtime.js'
import type { CallStore } from '../runtime/store/index.js'
import type { SignatureOptions } from './signature.js'

/** Options of the nccoflow fastify plugin; the `nccoflow` command reads the same from the environment. */
export interface NccoflowOptions {
  /** The flows to serve: builders from `flow()` or their definitions. */
  readonly flows: readonly (FlowBuilder<Record<string, unknown>> | FlowDefinition)[]
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
}
