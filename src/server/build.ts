import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { nccoflow } from './plugin.js'
import type { NccoflowOptions } from './options.js'

/** Options of {@link buildServer}: the plugin's, plus fastify's logger setting. */
export interface BuildServerOptions extends NccoflowOptions {
  readonly logger?: FastifyServerOptions['logger']
}

/**
 * A fastify server with nccoflow registered and ready (not listening), as the `nccoflow start` command builds it.
 * @example
 * const app = await buildServer({ flows: [menu], publicUrl: 'https://ivr.example.com' })
 * await app.listen({ port: 3000 })
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { logger = false, ...plugin } = options
  // nccoflow logs one line per webhook with the call's uuid, flow and step instead of fastify's two anonymous ones.
  // Its lines carry those instead of a request id, so no pino child logger is made per request (a cost on every webhook).
  const app = Fastify({ logger, trustProxy: true, logController: new LogController({ disableRequestLogging: true }), childLoggerFactory: (parent) => parent })
  await app.register(nccoflow, plugin)
  await app.ready()
  return app
}
