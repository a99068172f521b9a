import type { NccoAction } from '../ncco/index.js'
import type { ConnectFailureStatus } from '../webhooks/statuses.js'
import { waitsAt } from './cursor.js'
import { hearNcco } from './hear.js'
import type { SimulatedCall } from './simulate.js'

// A person on a simulated call, shared by the simulators that play one by hand: `nccoflow call` in a terminal and the
// dashboard's in a browser. The call is played on to where Vonage waits for the caller, and the caller's turn is taken
// there, the way `simulateCall` knows how.

/** What the caller does when Vonage waits for them. */
export type CallerCommand =
  | { readonly kind: 'press'; readonly digits: string }
  | { readonly kind: 'say'; readonly words: string }
  | { readonly kind: 'wait' }
  | { readonly kind: 'fail'; readonly status: ConnectFailureStatus }
  | { readonly kind: 'hangup' }

/** The kinds of {@link CallerCommand}. */
export type CallerCommandKind = CallerCommand['kind']

/** What the caller may do at the action Vonage waits at: keys and speech as the input takes them, a connect's failure, hang up. */
export function accepts(wait: NccoAction): CallerCommandKind[] {
  if (wait.action === 'input') {
    return [...(wait.type.includes('dtmf') ? ['press' as const] : []), ...(wait.type.includes('speech') ? ['say' as const] : []), 'wait', 'hangup']
  }
  if (wait.action === 'connect') return ['fail', 'hangup']
  return ['hangup']
}

/** What the caller hears of one step, as lines of text ({@link hearNcco}). */
export interface Heard {
  readonly step: string | undefined
  readonly lines: readonly string[]
}

/** What the caller hears until Vonage waits for them, and the action it waits at (undefined: the NCCO ran out, the call ended). */
export interface Turn {
  readonly heard: readonly Heard[]
  readonly waitsAt: NccoAction | undefined
}

/**
 * The caller of a simulated call: plays it on to the caller's turn and takes it. Notify actions are answered as Vonage
 * would; recordings still running are posted when the call ends, as Vonage posts them.
 */
export class Caller {
  readonly call: SimulatedCall
  #recordings = 0

  constructor(call: SimulatedCall) {
    this.call = call
  }

  /** Plays the call on from what Vonage runs now to where it waits for the caller; ends the call when the NCCO runs out. */
  async listen(): Promise<Turn> {
    const heard: Heard[] = []
    for (;;) {
      const remaining = this.call.remaining
      const at = remaining.findIndex(waitsAt)
      const played = at === -1 ? remaining : remaining.slice(0, at + 1)
      this.#recordings += played.filter((a) => a.action === 'record').length
      heard.push({ step: this.call.step, lines: hearNcco(played) })
      const wait = remaining[at]
      if (wait === undefined) {
        await this.#end(() => this.call.finish())
        return { heard, waitsAt: undefined }
      }
      if (wait.action !== 'notify') return { heard, waitsAt: wait }
      await this.call.notified()
    }
  }

  /** Sends what the caller does; resolves once the server has answered and the call's record is read again. */
  async act(command: CallerCommand): Promise<void> {
    switch (command.kind) {
      case 'press': await this.call.press(command.digits); return
      case 'say': await this.call.say(command.words); return
      case 'wait': await this.call.silence(); return
      case 'fail': await this.call.connectFails(command.status); return
      case 'hangup': await this.#end(() => this.call.hangup())
    }
  }

  /** Posts the recordings still running (they end with the call, if not before), then ends the call `how`. */
  async #end(how: () => Promise<unknown>): Promise<void> {
    for (; this.#recordings > 0; this.#recordings -= 1) await this.call.recordingDone()
    await how()
  }
}
