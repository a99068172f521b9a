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
 * pino child, making one per webhook costs nothing while its lines are below the level (nor, being a class, a closure
 * per method). Its methods, like pino's, are called on it (`log.info(...)`), not detached.
 */
export function withBindings(parent: Logger, bindings: Record<string, unknown>): Logger {
  return new BoundLogger(parent, bindings)
}

class BoundLogger implements Logger {
  readonly #parent: Logger
  readonly #bindings: Record<string, unknown>

  constructor(parent: Logger, bindings: Record<string, unknown>) {
    this.#parent = parent
    this.#bindings = bindings
  }

  #line(level: Level, obj: object, msg: string | undefined): void {
    if (this.#parent.isLevelEnabled?.(level) === false) return
    // Object.assign, not `{ ...bindings, ...obj }`: on Node 20 a spread that adds keys is slow (webhooks/fields.ts).
    this.#parent[level](Object.assign({}, this.#bindings, obj), msg)
  }

  info(obj: object, msg?: string): void {
    this.#line('info', obj, msg)
  }

  warn(obj: object, msg?: string): void {
    this.#line('warn', obj, msg)
  }

  error(obj: object, msg?: string): void {
    this.#line('error', obj, msg)
  }

  debug(obj: object, msg?: string): void {
    this.#line('debug', obj, msg)
  }

  child(more: Record<string, unknown>): Logger {
    return new BoundLogger(this.#parent, Object.assign({}, this.#bindings, more))
  }

  isLevelEnabled(level: string): boolean {
    return this.#parent.isLevelEnabled?.(level) ?? true
  }
}
