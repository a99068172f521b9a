import createError from '@fastify/error'

/** One entry of the error registry: a stable code, an HTTP status and a message template. */
export interface ErrorEntry {
  readonly code: `NCCOFLOW_ERR_${string}`
  readonly statusCode: number
  readonly message: string
}

function entry<const C extends `NCCOFLOW_ERR_${string}`>(code: C, statusCode: number, message: string) {
  return { code, statusCode, message, Error: createError(code, message, statusCode) }
}

/**
 * Every coded error nccoflow throws. A code is never reused once retired; each is documented in
 * `docs/errors.md`, and a test keeps this registry and that page in step.
 */
export const errors = {
  NCCO_INVALID: entry('NCCOFLOW_ERR_NCCO_INVALID', 500, 'Invalid NCCO: %s'),
  WEBHOOK_INVALID: entry('NCCOFLOW_ERR_WEBHOOK_INVALID', 400, 'Invalid %s webhook payload: %s'),
  OPTIONS_INVALID: entry('NCCOFLOW_ERR_OPTIONS_INVALID', 500, 'Invalid nccoflow option %s: %s'),
  FLOW_INVALID: entry('NCCOFLOW_ERR_FLOW_INVALID', 500, 'Flow "%s" cannot run: %s'),
  FLOW_UNKNOWN: entry('NCCOFLOW_ERR_FLOW_UNKNOWN', 404, 'No flow named "%s": %s'),
  FLOW_UNKNOWN_STEP: entry('NCCOFLOW_ERR_FLOW_UNKNOWN_STEP', 404, 'Flow "%s" has no step named "%s": its steps are %s'),
  RUNTIME_BUDGET: entry('NCCOFLOW_ERR_RUNTIME_BUDGET', 500, 'Async work took longer than the %s ms budget'),
  RUNTIME_BAD_TARGET: entry('NCCOFLOW_ERR_RUNTIME_BAD_TARGET', 500, 'Step "%s" went to "%s", which is not one of its targets'),
  RUNTIME_LOOP: entry('NCCOFLOW_ERR_RUNTIME_LOOP', 500, 'Flow passed %s steps without waiting for the caller; a goto loop?'),
  STORE_CONFLICT: entry('NCCOFLOW_ERR_STORE_CONFLICT', 409, 'Call store conflict for %s: expected version %s, found %s'),
  STORE_INVALID_ARGUMENT: entry('NCCOFLOW_ERR_STORE_INVALID_ARGUMENT', 500, 'Invalid call store argument: %s'),
  STORE_UNAVAILABLE: entry('NCCOFLOW_ERR_STORE_UNAVAILABLE', 503, 'The call store does not answer: %s'),
  SIGNATURE_INVALID: entry('NCCOFLOW_ERR_SIGNATURE_INVALID', 401, 'Webhook signature rejected (%s): %s'),
  SIGNATURE_MISSING: entry('NCCOFLOW_ERR_SIGNATURE_MISSING', 503, 'Webhook is not signed: %s'),
  IP_FORBIDDEN: entry('NCCOFLOW_ERR_IP_FORBIDDEN', 403, 'Webhook from %s refused: %s'),
  ADMIN_UNAUTHORIZED: entry('NCCOFLOW_ERR_ADMIN_UNAUTHORIZED', 401, 'The call API needs the admin token: %s'),
  ADMIN_REQUEST_INVALID: entry('NCCOFLOW_ERR_ADMIN_REQUEST_INVALID', 400, 'Invalid %s: %s'),
  ADMIN_NOT_FOUND: entry('NCCOFLOW_ERR_ADMIN_NOT_FOUND', 404, 'No %s: %s'),
  ADMIN_SIMULATOR_FAILED: entry('NCCOFLOW_ERR_ADMIN_SIMULATOR_FAILED', 502, 'A simulated webhook failed: %s'),
  ADMIN_SIMULATOR_BLOCKED: entry('NCCOFLOW_ERR_ADMIN_SIMULATOR_BLOCKED', 409, 'The simulator cannot place calls here: %s'),
} as const

/** Names of the entries in {@link errors}. */
export type ErrorName = keyof typeof errors
/** Every error code nccoflow can produce. */
export type ErrorCode = (typeof errors)[ErrorName]['code']

/** Tells whether a value is an error thrown by nccoflow with the given code. */
export function isNccoflowError(value: unknown, code?: ErrorCode): value is Error & { code: ErrorCode; statusCode: number } {
  if (!(value instanceof Error)) return false
  const c = (value as { code?: unknown }).code
  return typeof c === 'string' && c.startsWith('NCCOFLOW_ERR_') && (code === undefined || c === code)
}
