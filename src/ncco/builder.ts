import { errors } from '../errors.js'
import {
  connect, conversation, input, notify, pay, record, stream, talk, transfer, wait,
  type ConnectOptions, type ConversationOptions, type Endpoint, type InputOptions, type Ncco, type NccoAction,
  type NotifyOptions, type PayOptions, type RecordOptions, type StreamOptions, type TalkOptions, type TransferOptions, type WaitOptions,
} from './actions/index.js'
import type { NccoIssue } from './issues.js'
import { validateNcco } from './validate.js'

/** An NCCO that failed validation; `issues` lists what is wrong and where. */
export class NccoValidationError extends errors.NCCO_INVALID.Error {
  readonly issues: readonly NccoIssue[]
  constructor(issues: readonly NccoIssue[]) {
    super(issues.filter((i) => i.severity === 'error').map((i) => `${JSON.stringify(i.path)} ${i.message}`).join('; '))
    this.issues = issues
  }
}

/**
 * An immutable NCCO under construction: every method returns a new builder and leaves this one as it was,
 * so a builder defined at module scope is safe to extend for every call.
 */
export class NccoBuilder {
  readonly #actions: readonly NccoAction[]

  /** Prefer {@link ncco}. */
  constructor(actions: readonly NccoAction[] = []) {
    this.#actions = Object.freeze([...actions])
  }

  /** Number of actions so far. */
  get length(): number {
    return this.#actions.length
  }

  /** Appends actions built elsewhere (factories or another builder's output). */
  add(...actions: readonly NccoAction[]): NccoBuilder {
    return new NccoBuilder([...this.#actions, ...actions])
  }

  /** Appends every action of another builder or NCCO. */
  concat(other: NccoBuilder | Ncco): NccoBuilder {
    return this.add(...(other instanceof NccoBuilder ? other.toJSON() : other))
  }

  /** Appends a `talk`. */
  talk(text: string, options?: TalkOptions): NccoBuilder {
    return this.add(talk(text, options))
  }

  /** Appends a `stream`. */
  stream(streamUrl: string | readonly string[], options?: StreamOptions): NccoBuilder {
    return this.add(stream(streamUrl, options))
  }

  /** Appends an `input`. */
  input(options: InputOptions): NccoBuilder {
    return this.add(input(options))
  }

  /** Appends a `record`. */
  record(options?: RecordOptions): NccoBuilder {
    return this.add(record(options))
  }

  /** Appends a `conversation`. */
  conversation(name: string, options?: ConversationOptions): NccoBuilder {
    return this.add(conversation(name, options))
  }

  /** Appends a `connect` to one endpoint. */
  connect(endpoint: Endpoint, options?: ConnectOptions): NccoBuilder {
    return this.add(connect(endpoint, options))
  }

  /** Appends a `notify`. */
  notify(payload: Record<string, unknown>, options: NotifyOptions): NccoBuilder {
    return this.add(notify(payload, options))
  }

  /** Appends a `wait`. */
  wait(options?: WaitOptions): NccoBuilder {
    return this.add(wait(options))
  }

  /** Appends a `transfer`. */
  transfer(conversationId: string, options?: TransferOptions): NccoBuilder {
    return this.add(transfer(conversationId, options))
  }

  /** Appends a `pay`. */
  pay(amount: number, options?: PayOptions): NccoBuilder {
    return this.add(pay(amount, options))
  }

  /** The NCCO array (frozen); `JSON.stringify(builder)` gives the document Vonage expects. */
  toJSON(): Ncco {
    return this.#actions
  }

  /** Validates the NCCO so far; see {@link validateNcco}. */
  validate(): NccoIssue[] {
    return validateNcco(this.#actions)
  }

  /** Returns the NCCO, or throws {@link NccoValidationError} (`NCCOFLOW_ERR_NCCO_INVALID`) when it has an error. */
  build(): Ncco {
    const issues = this.validate()
    if (issues.some((i) => i.severity === 'error')) throw new NccoValidationError(issues)
    return this.#actions
  }
}

/**
 * Starts an NCCO, optionally with actions made by the factories.
 * @example
 * const doc = ncco()
 *   .talk('For sales press 1', { bargeIn: true })
 *   .input({ type: ['dtmf'], dtmf: { maxDigits: 1 }, eventUrl: 'https://example.com/input' })
 *   .toJSON()
 */
export function ncco(...actions: readonly NccoAction[]): NccoBuilder {
  return new NccoBuilder(actions)
}
