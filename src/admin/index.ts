import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import { adminAuth } from './auth.js'
import { registerCallsApi } from './calls.js'
import type { AdminContext } from './context.js'
import { registerDashboard } from './dashboard.js'
import { AdminEvents, registerEvents } from './events.js'
import { registerFlowsApi } from './flows.js'
import type { Inspector } from './inspector.js'
import { registerReplay } from './replay.js'
import { registerSimulator } from './simulator.js'

export type { AdminContext } from './context.js'
export { createInspector, type Inspector } from './inspector.js'

/** What the plugin gives {@link registerAdmin}; the paths and `requireAdmin` are derived from it. */
export interface AdminSetup extends Omit<AdminContext, 'path' | 'apiPath' | 'requireAdmin'> {
  /** The inspector the plugin's webhook routes report to (made before they were registered). */
  readonly inspector: Inspector
}

/**
 * Registers the call API and dashboard under `<prefix>/_nccoflow/` (the plugin calls it only when admin is on: off,
 * those paths are 404 and nothing of this runs). The routes live in a scope of their own, so the cookie parser and the
 * token check never run for a webhook. `/_nccoflow/api/session` signs in and out; every other `/_nccoflow/api/` route
 * needs the token. The inspector's hooks (added to the plugin's own context) keep each webhook in its call's log.
 */
export async function registerAdmin(app: FastifyInstance, setup: AdminSetup): Promise<void> {
  const { inspector, ...given } = setup
  const path = `${setup.options.prefix}/_nccoflow`
  const apiPath = `${path}/api`
  const auth = adminAuth(setup.admin, path)
  const context: AdminContext = { ...given, path, apiPath, requireAdmin: auth.requireAdmin }
  const events = new AdminEvents(setup.runtime.store)
  inspector.register(app, { events, ttlOf: (record) => setup.runtime.ttlOf(record), baseUrl: setup.baseUrl })
  await app.register(async (scope) => {
    await scope.register(cookie, setup.admin.token === undefined ? {} : { secret: setup.admin.token })
    auth.registerSession(scope, apiPath)
    await scope.register(async (api) => {
      api.addHook('onRequest', context.requireAdmin)
      registerFlowsApi(api, context)
      registerCallsApi(api, context)
      registerEvents(api, context, events)
      registerReplay(api, context)
      registerSimulator(api, context)
    })
    registerDashboard(scope, context)
  })
}
