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
  // Declared up front so every request object has the same shape (fastify's advice: a property added later makes V8
  // treat requests as of several shapes, slowing fastify's own code on every request). An app may have it already
  // (fastify-raw-body declares it too).
  if (!app.hasRequestDecorator('rawBody')) app.decorateRequest('rawBody', undefined)
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const buffer = body as Buffer
    request.rawBody = buffer
    if (buffer.length === 0) return done(null, {})
    parse(request, buffer.toString('utf8'), done)
  })
}
