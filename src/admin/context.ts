import type { FastifyRequest } from 'fastify'
import type { CallRuntime } from '../runtime/runtime.js'
import type { ResolvedAdmin, ResolvedOptions } from '../server/options.js'
import type { SignatureOptions } from '../server/signature.js'
import type { RouteInfo } from '../server/webhook-route.js'
import type { RequireAdmin } from './auth.js'

/** What the admin routes (call API, dashboard, simulator) are given by the plugin. */
export interface AdminContext {
  readonly runtime: CallRuntime
  /** The plugin's options, checked. */
  readonly options: ResolvedOptions
  readonly admin: ResolvedAdmin
  /** The webhooks' signature check (`VONAGE_SIGNATURE_SECRET`), when on: the simulator signs its webhooks as Vonage does. */
  readonly signature?: SignatureOptions | undefined
  /** The addresses webhooks may come from (`ALLOWED_IPS`), when set: the simulator's come from 127.0.0.1. */
  readonly allowedIps?: readonly string[] | undefined
  /** The webhook routes the plugin registered (for the flows' routes). */
  readonly routes: readonly RouteInfo[]
  /** Where the admin routes live: `<prefix>/_nccoflow`. */
  readonly path: string
  /** Where the JSON API lives: `<prefix>/_nccoflow/api`. */
  readonly apiPath: string
  /** An onRequest hook enforcing the admin token (bearer) or the session cookie; lets all through when admin is open. */
  readonly requireAdmin: RequireAdmin
  /** The base of callback URLs for a request: `PUBLIC_URL` (and prefix), or taken from the request. */
  baseUrl(request: FastifyRequest): string
}
