import type { CallStatus } from './call-event.js'

// Which call statuses mean what (reference §2.3, §1.7): written once, for the runtime and the test kit.

/** Statuses that end the leg they are about. */
export const terminalStatuses = ['completed', 'rejected', 'failed', 'busy', 'unanswered', 'timeout', 'cancelled'] as const satisfies readonly CallStatus[]

/** Statuses of a connected leg that make Vonage give up on a connect: a synchronous connect goes to `onFailure`. */
export const connectFailureStatuses = ['unanswered', 'busy', 'timeout', 'failed', 'rejected', 'cancelled'] as const satisfies readonly CallStatus[]

/** A status that ends a leg. */
export type TerminalStatus = (typeof terminalStatuses)[number]
/** A status that fails a connect. */
export type ConnectFailureStatus = (typeof connectFailureStatuses)[number]

const terminal: ReadonlySet<string> = new Set(terminalStatuses)
const connectFailure: ReadonlySet<string> = new Set(connectFailureStatuses)

/** Tells whether a status ends the leg it is about. */
export function isTerminalStatus(status: unknown): status is TerminalStatus {
  return terminal.has(status as string)
}

/** Tells whether a status of a connected leg fails the connect. */
export function isConnectFailure(status: unknown): status is ConnectFailureStatus {
  return connectFailure.has(status as string)
}
