/** The logger the runtime writes to: pino's interface (fastify's `request.log` fits). */
export interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
  debug(obj: object, msg?: string): void
  child(bindings: Record<string, unknown>): Logger
  /** Pino's level check; when present, a line below the level costs nothing. */
  isLevelEnabled?(level: string): boolean
}

/** A logger that discards everything. */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child: () => silentLogger,
}

type Level = 'info' | 'warn' | 'error' | 'debug'

/**
 * A logger whose lines carry `bindings` (a call's uuid, flow and step), merged only when a line is written: unlike a
 * pino child, making one per webhook costs nothing while its lines are below the level.
 */
export function withBindings(parent: Logger, bindings: Record<string, unknown>): Logger {
  const line = (level: Level) => (obj: object, msg?: string) => {
    if (parent.isLevelEnabled?.(level) === false) return
    parent[level]({ ...bindings, ...obj }, msg)
  }
  return {
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    debug: line('debug'),
    child: (more) => withBindings(parent, { ...bindings, ...more }),
    isLevelEnabled: (level) => parent.isLevelEnabled?.(level) ?? true,
  }
}
