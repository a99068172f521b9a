import { errors } from '../errors.js'
import type { NccoAction } from '../ncco/index.js'
import { accepts, Caller, type CallerCommand, type CallerCommandKind } from '../testing/caller.js'
import { simulateCall, type SimulatorApp } from '../testing/simulate.js'
import { connectFailureStatuses, isConnectFailure } from '../webhooks/statuses.js'

/** Where `nccoflow call` reads what the caller does, one line at a time. */
export interface CallerInput {
  /** The lines typed or piped, without their line ends; the call hangs up when they run out. */
  lines(): AsyncIterable<string>
  /** A person types the lines (a terminal): a bad line is reported and the call goes on, and lines are not echoed. */
  readonly interactive: boolean
}

/** Where the call stands when it needs the caller: the action Vonage waits at. */
type Waiting = NccoAction

const failUsage = `fail [${connectFailureStatuses.join('|')}]`

/** How the prompt names each thing the caller may type. */
const typed: Readonly<Record<CallerCommandKind, string>> = {
  press: 'keys (digits, * and #, e.g. 1 or 42#)',
  say: 'say <words>',
  wait: 'wait (the input times out)',
  fail: `${failUsage} (the connect fails)`,
  hangup: 'hangup',
}

/** The lines the caller may type at the action Vonage waits at, for the prompt and for error messages. */
export function acceptedAt(wait: Waiting): string {
  return accepts(wait).map((kind) => typed[kind]).join(', ')
}

/**
 * Reads one line: keys (`1`, `42#`), `say <words>`, `wait`, `fail [status]` or `hangup`; a string says what is
 * wrong with it instead. Whether the line fits where the call is is checked apart ({@link commandAt}).
 */
export function parseLine(line: string): CallerCommand | string {
  const text = line.trim()
  if (/^[0-9*#]+$/.test(text)) return { kind: 'press', digits: text }
  const [word = '', ...rest] = text.split(/\s+/)
  const argument = rest.join(' ')
  switch (word.toLowerCase()) {
    case 'say': return argument === '' ? 'say needs words, e.g. "say sales"' : { kind: 'say', words: argument }
    case 'wait': case 'hangup':
      return argument === '' ? { kind: word.toLowerCase() as 'wait' | 'hangup' } : `${word.toLowerCase()} takes nothing after it`
    case 'fail': {
      const status = argument === '' ? 'failed' : argument.toLowerCase()
      return isConnectFailure(status) ? { kind: 'fail', status } : `${failUsage}: "${argument}" is not a status a connect fails with`
    }
    default: return text === '' ? 'the line is empty' : `"${text}" means nothing to the caller`
  }
}

/** The command a line asks for, if it fits the action Vonage waits at; otherwise what is wrong and what is accepted. */
export function commandAt(wait: Waiting, line: string): CallerCommand | string {
  const command = parseLine(line)
  const accepted = `; here the caller can type ${acceptedAt(wait)}`
  if (typeof command === 'string') return `${command}${accepted}`
  return accepts(wait).includes(command.kind) ? command : `"${line.trim()}" does not fit: Vonage waits at the ${wait.action}${accepted}`
}

/** Writes the terminal simulator's transcript. */
export interface CallOutput {
  out(text: string): void
  err(text: string): void
}

/**
 * `nccoflow call <flow>`: places a simulated call to `flow` on `app` (the real routes, in process, as Vonage would
 * call them) and plays it in a terminal. It prints the step and what the caller hears up to where Vonage waits, then
 * reads what the caller does next. Notify actions are answered as Vonage would, recordings are posted when the call
 * ends. Resolves to the exit code: 0 when the call ends (the NCCO runs out, `hangup`, or the end of the input, which
 * hangs up), 1 for a line that does not fit with piped input (the call is hung up first); typed in a terminal, a bad
 * line is reported and the caller types again.
 */
export async function playCall(app: SimulatorApp, flow: string, input: CallerInput, io: CallOutput): Promise<number> {
  const flows = [...app.nccoflow.runtime.flows.keys()]
  if (!flows.includes(flow)) throw new errors.FLOW_UNKNOWN.Error(flow, `the flows are ${flows.join(', ')}`)
  const call = simulateCall(app, { flow })
  const caller = new Caller(call)
  const lines = input.lines()[Symbol.asyncIterator]()
  const ended = (why: string) => io.out(`call ended: ${why} (step ${String(call.step)})\n`)
  try {
    io.out(`nccoflow call ${flow}: from ${call.from} to ${call.to}\n`)
    await call.answer()
    for (;;) {
      const { heard, waitsAt } = await caller.listen()
      for (const { step, lines: said } of heard) io.out(`step ${String(step)}\n${said.map((line) => `  ${line}\n`).join('')}`)
      if (waitsAt === undefined) {
        ended('the NCCO ran out')
        return 0
      }
      const command = await readCommand(waitsAt, lines, input.interactive, io)
      if (typeof command === 'string') {
        await caller.act({ kind: 'hangup' })
        ended('hung up after a bad line')
        io.err(`nccoflow call: ${command}\n`)
        return 1
      }
      if (command === undefined) io.out(`${input.interactive ? '\n' : ''}(end of input)\n`)
      await caller.act(command ?? { kind: 'hangup' })
      if (command === undefined || command.kind === 'hangup') {
        ended('the caller hung up')
        return 0
      }
    }
  } finally {
    await lines.return?.()
  }
}

/**
 * Reads lines until one fits the action Vonage waits at: the command; undefined at the end of the input; with piped
 * input, the message of the first line that does not fit (a script stops there).
 */
async function readCommand(wait: Waiting, lines: AsyncIterator<string>, interactive: boolean, io: CallOutput): Promise<CallerCommand | string | undefined> {
  for (;;) {
    if (interactive) io.out(`${acceptedAt(wait)}\n> `)
    const next = await lines.next()
    if (next.done === true) return undefined
    const line = next.value as string
    if (!interactive) io.out(`> ${line}\n`)
    const command = commandAt(wait, line)
    if (typeof command !== 'string' || !interactive) return command
    io.err(`${command}\n`)
  }
}
