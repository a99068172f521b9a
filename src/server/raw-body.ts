import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body's bytes as received, for signature checks (signed webhooks hash the raw body). */
    rawBody?: Buffer
  }
}

/**
 * Parses JSON bodies with fastify's own parser (which rejects prototype poisoning) while keeping their raw bytes on
 * `request.rawBody`; an empty body parses as `{}`.
 */
export function keepRawBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const buffer = body as Buffer
    request.rawBody = buffer
    if (buffer.length === 0) return done(null, {})
    parse(request, buffer.toString('utf8'), done)
  })
}
