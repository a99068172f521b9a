import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { nccoflow } from './plugin.js'
import type { NccoflowOptions } from './options.js'

/** Options of {@link buildServer}: the plugin's, plus fastify's logger and trustProxy settings. */
export interface BuildServerOptions extends NccoflowOptions {
  readonly logger?: FastifyServerOptions['logger']
  /** A pino logger to use instead of `logger`'s options (the command makes one, so that the Redis store logs to it too). */
  readonly loggerInstance?: FastifyBaseLogger
  /** Which proxies' `X-Forwarded-For` decides the client address (env `TRUST_PROXY`: a hop count, addresses or `true`); default none: the socket's address. */
  readonly trustProxy?: boolean | number | string | readonly string[]
}

/**
 * A fastify server with nccoflow registered and ready (not listening), as the `nccoflow start` command builds it.
 * @example
 * const app = await buildServer({ flows: [menu], publicUrl: 'https://ivr.example.com' })
 * await app.listen({ port: 3000 })
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { logger = false, loggerInstance, trustProxy = false, ...plugin } = options
  // nccoflow logs one line per webhook with the call's uuid, flow and step instead of fastify's two anonymous ones.
  // Its lines carry those instead of a request id, so no pino child logger is made per request (a cost on every webhook).
  // fastify 5.12 fails closed on a bare hop count (it cannot tell the proxy from a client that sends the header); keep
  // the meaning TRUST_PROXY documents: the `n` hops nearest the server are proxies, the address before them is the client.
  const trust = typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy
  const app = Fastify({
    ...(loggerInstance === undefined ? { logger } : { loggerInstance }),
    trustProxy: trust as FastifyServerOptions['trustProxy'],
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (parent) => parent,
  })
  await app.register(nccoflow, plugin)
  await app.ready()
  return app
}
