import { STATUS_CODES } from 'node:http'
import type { FastifyReply } from 'fastify'

/** A coded error as the admin routes answer it: `{ statusCode, code, error, message }`, as fastify answers its own. */
export function sendAdminError(reply: FastifyReply, error: Error & { code: string; statusCode: number }): FastifyReply {
  return reply.code(error.statusCode).type('application/json').send({ statusCode: error.statusCode, code: error.code, error: STATUS_CODES[error.statusCode] as string, message: error.message })
}
