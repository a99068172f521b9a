import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import { adminAuth } from './auth.js'
import type { AdminContext } from './context.js'
import { registerDashboard } from './dashboard.js'
import { registerFlowsApi } from './flows.js'
import { registerSimulator } from './simulator.js'

export type { AdminContext } from './context.js'

/** What the plugin gives {@link registerAdmin}; the paths and `requireAdmin` are derived from it. */
export type AdminSetup = Omit<AdminContext, 'path' | 'apiPath' | 'requireAdmin'>

/**
 * Registers the call API and dashboard under `<prefix>/_nccoflow/` (the plugin calls it only when admin is on: off,
 * those paths are 404 and nothing of this runs). The routes live in a scope of their own, so the cookie parser and the
 * token check never run for a webhook. `/_nccoflow/api/session` signs in and out; every other `/_nccoflow/api/` route
 * needs the token.
 */
export async function registerAdmin(app: FastifyInstance, setup: AdminSetup): Promise<void> {
  const path = `${setup.options.prefix}/_nccoflow`
  const apiPath = `${path}/api`
  const auth = adminAuth(setup.admin, path)
  const context: AdminContext = { ...setup, path, apiPath, requireAdmin: auth.requireAdmin }
  await app.register(async (scope) => {
    await scope.register(cookie, setup.admin.token === undefined ? {} : { secret: setup.admin.token })
    auth.registerSession(scope, apiPath)
    await scope.register(async (api) => {
      api.addHook('onRequest', context.requireAdmin)
      registerFlowsApi(api, context)
      registerSimulator(api, context)
    })
    registerDashboard(scope, context)
    // The dashboard and the simulator register here, with `context.requireAdmin` on their API routes.
  })
}
