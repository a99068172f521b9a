import { execFileSync, spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import t from 'tap'
import { acceptedAt, commandAt, parseLine } from '../../src/cli/call.js'
import { main, processIo, readLines } from '../../src/cli/main.js'
import type { NccoAction } from '../../src/ncco/index.js'
import { childEnv } from '../fixtures/child-env.js'

const root = new URL('../../', import.meta.url).pathname
const flowsDir = new URL('../../flows', import.meta.url).pathname
const env = { FLOWS_DIR: flowsDir, DEFAULT_FLOW: 'ivr-menu' }

/** Runs `nccoflow call` in process with `lines` as what the caller types (or pipes, unless `interactive`). */
async function call(argv: string[], lines: readonly string[] | undefined, interactive = false, environment: Record<string, string> = env) {
  let out = ''
  let err = ''
  let read = 0
  const input = lines === undefined ? undefined : {
    interactive,
    lines: async function* () {
      for (const line of lines) {
        read += 1
        yield line
      }
    },
  }
  const io = { out: (text: string) => { out += text }, err: (text: string) => { err += text }, signals: new EventEmitter(), ...(input === undefined ? {} : { input }) }
  const code = await main(['call', ...argv], environment, io)
  return { code, out, err, read }
}

const menu = [
  'step menu',
  '  Welcome to Acme. For sales, press 1 or say sales. To leave a message, press 2 or say message.',
  '  [waiting for keys or speech]',
]
const voicemailToGoodbye = [
  // The voicemail step awaits nothing (its recording is posted later): the call falls through to goodbye at once.
  'step goodbye',
  '  Please leave a message after the tone, then press hash.',
  '  [recording]',
  '  Thank you for calling Acme. Goodbye.',
  'call ended: the NCCO ran out (step goodbye)',
]
const transcript = (...lines: string[]) => `${lines.join('\n')}\n`
const header = 'nccoflow call ivr-menu: from 447700900123 to 447700900000'

t.test('keys: the caller hears the menu, presses 2, hears voicemail and goodbye; the call ends when the NCCO runs out', async (t) => {
  const result = await call(['ivr-menu'], ['2', 'hangup'])
  t.strictSame(result, { code: 0, out: transcript(header, ...menu, '> 2', ...voicemailToGoodbye), err: '', read: 1 }, 'the hangup is never read')
})

t.test('speech, a timeout, a failed connect: the steps the real routes take', async (t) => {
  const result = await call(['ivr-menu'], ['wait', 'say nonsense', 'say sales', 'fail busy'])
  t.strictSame(result, {
    code: 0,
    out: transcript(
      header, ...menu,
      '> wait', 'step menu', ...menu.slice(1),
      '> say nonsense', 'step menu', '  Sorry, I did not understand that.', ...menu.slice(1),
      '> say sales', 'step sales', '  Connecting you to sales.', '  [connecting to 447700900001]',
      '> fail busy', ...voicemailToGoodbye,
    ),
    err: '',
    read: 4,
  })
  const fail = await call(['ivr-menu'], ['1', 'FAIL'])
  t.match(fail, { code: 0, out: /> FAIL\nstep goodbye\n {2}Please leave a message/ }, '`fail` alone: the leg failed')
})

t.test('hangup, or the end of the input, hangs up: exit 0', async (t) => {
  t.strictSame(await call(['ivr-menu'], ['1', ' hangup ']), {
    code: 0,
    out: transcript(header, ...menu, '> 1', 'step sales', '  Connecting you to sales.', '  [connecting to 447700900001]', '>  hangup ', 'call ended: the caller hung up (step sales)'),
    err: '',
    read: 2,
  })
  t.strictSame(await call(['ivr-menu'], ['1']), {
    code: 0,
    out: transcript(header, ...menu, '> 1', 'step sales', '  Connecting you to sales.', '  [connecting to 447700900001]', '(end of input)', 'call ended: the caller hung up (step sales)'),
    err: '',
    read: 1,
  })
  t.strictSame(await call(['ivr-menu'], undefined), {
    code: 0,
    out: transcript(header, ...menu, '(end of input)', 'call ended: the caller hung up (step menu)'),
    err: '',
    read: 0,
  }, 'an io without input: nothing to read')
})

t.test('piped input: a line that does not fit hangs up and exits 1, saying what is accepted there', async (t) => {
  const result = await call(['ivr-menu'], ['fail', '2'])
  t.strictSame(result, {
    code: 1,
    out: transcript(header, ...menu, '> fail', 'call ended: hung up after a bad line (step menu)'),
    err: 'nccoflow call: "fail" does not fit: Vonage waits at the input; here the caller can type keys (digits, * and #, e.g. 1 or 42#), say <words>, wait (the input times out), hangup\n',
    read: 1,
  })
  const atConnect = await call(['ivr-menu'], ['1', '2'])
  t.equal(atConnect.code, 1)
  t.equal(atConnect.err, `nccoflow call: "2" does not fit: Vonage waits at the connect; here the caller can type fail [unanswered|busy|timeout|failed|rejected|cancelled] (the connect fails), hangup\n`)
  const nonsense = await call(['ivr-menu'], ['dance'])
  t.match(nonsense, { code: 1, err: /^nccoflow call: "dance" means nothing to the caller; here the caller can type keys/ })
})

t.test('typed in a terminal: a prompt says what fits, a bad line is reported and the caller types again', async (t) => {
  const prompt = 'keys (digits, * and #, e.g. 1 or 42#), say <words>, wait (the input times out), hangup\n> '
  const result = await call(['ivr-menu'], ['hello', '', '2'], true)
  t.strictSame(result, {
    code: 0,
    // The terminal echoes what is typed: the transcript does not.
    out: `${transcript(header, ...menu)}${prompt}${prompt}${prompt}${transcript(...voicemailToGoodbye)}`,
    err: '"hello" means nothing to the caller; here the caller can type keys (digits, * and #, e.g. 1 or 42#), say <words>, wait (the input times out), hangup\n'
      + 'the line is empty; here the caller can type keys (digits, * and #, e.g. 1 or 42#), say <words>, wait (the input times out), hangup\n',
    read: 3,
  })
  const ended = await call(['ivr-menu'], [], true)
  t.equal(ended.out, `${transcript(header, ...menu)}${prompt}\n(end of input)\ncall ended: the caller hung up (step menu)\n`, 'Ctrl-D: a new line, then hang up')
})

t.test('an unknown flow, or none, exits 1 naming the flows', async (t) => {
  t.strictSame(await call(['nope'], ['1']), { code: 1, out: '', err: 'nccoflow call: No flow named "nope": the flows are ivr-menu, survey (NCCOFLOW_ERR_FLOW_UNKNOWN)\n', read: 0 })
  t.strictSame(await call([], ['1']), { code: 1, out: '', err: 'nccoflow call: usage: nccoflow call <flow>; flows: ivr-menu, survey\n', read: 0 })
  t.strictSame(await call(['ivr-menu', 'survey'], ['1']), { code: 1, out: '', err: 'nccoflow call: usage: nccoflow call <flow>; flows: ivr-menu, survey\n', read: 0 })
})

t.test('notify is answered as Vonage would, recordings still running are posted when the caller hangs up', async (t) => {
  mkdirSync(join(root, '.tap'), { recursive: true })
  const dir = mkdtempSync(join(root, '.tap', 'flows-call-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const name of readdirSync(flowsDir)) cpSync(join(flowsDir, name), join(dir, name), { recursive: true })
  const log = join(dir, 'log.txt')
  writeFileSync(join(dir, 'room.ts'), `import { appendFileSync } from 'node:fs'
import { flow } from 'nccoflow'

export default flow('room').steps({
  hold: (s) => s
    .talk('Please hold.')
    .record({}, () => { appendFileSync(${JSON.stringify(log)}, 'recording\\n') })
    .notify({ ready: true }, {}, () => { appendFileSync(${JSON.stringify(log)}, 'notified\\n') })
    .goto('room'),
  room: (s) => s.conversation('support-room'),
})
`)
  writeFileSync(log, '')
  const result = await call(['room'], ['1', 'hangup'], false, { FLOWS_DIR: dir })
  t.strictSame(result, {
    code: 1,
    out: transcript(
      'nccoflow call room: from 447700900123 to 447700900000',
      'step hold', '  Please hold.', '  [recording]', '  [notify]',
      'step room', '  [joining conversation support-room]',
      '> 1', 'call ended: hung up after a bad line (step room)',
    ),
    err: 'nccoflow call: "1" does not fit: Vonage waits at the conversation; here the caller can type hangup\n',
    read: 1,
  }, 'a conversation only ends when the caller hangs up')
  t.equal(readFileSync(log, 'utf8'), 'notified\nrecording\n', 'the notify and the recording reached the flow\'s handlers')
  writeFileSync(log, '')
  t.match(await call(['room'], ['hangup'], false, { FLOWS_DIR: dir }), { code: 0, out: /> hangup\ncall ended: the caller hung up \(step room\)\n$/ })
  t.equal(readFileSync(log, 'utf8'), 'notified\nrecording\n')
})

t.test('lines, one by one: keys, say, wait, fail, hangup, and what is wrong with the rest', async (t) => {
  t.strictSame(parseLine('42#'), { kind: 'press', digits: '42#' })
  t.strictSame(parseLine('say  sales  please'), { kind: 'say', words: 'sales please' })
  t.strictSame(parseLine('say'), 'say needs words, e.g. "say sales"')
  t.strictSame(parseLine('Wait'), { kind: 'wait' })
  t.strictSame(parseLine('wait 5'), 'wait takes nothing after it')
  t.strictSame(parseLine('hangup now'), 'hangup takes nothing after it')
  t.strictSame(parseLine('fail'), { kind: 'fail', status: 'failed' })
  t.strictSame(parseLine('fail Unanswered'), { kind: 'fail', status: 'unanswered' })
  t.strictSame(parseLine('fail answered'), 'fail [unanswered|busy|timeout|failed|rejected|cancelled]: "answered" is not a status a connect fails with')
  const keysOnly = { action: 'input', type: ['dtmf'] } as unknown as NccoAction
  const speechOnly = { action: 'input', type: ['speech'] } as unknown as NccoAction
  t.equal(acceptedAt(keysOnly), 'keys (digits, * and #, e.g. 1 or 42#), wait (the input times out), hangup')
  t.equal(acceptedAt(speechOnly), 'say <words>, wait (the input times out), hangup')
  t.strictSame(commandAt(keysOnly, '5'), { kind: 'press', digits: '5' })
  t.match(commandAt(keysOnly, 'say five'), /^"say five" does not fit: Vonage waits at the input; here the caller can type keys/)
  t.match(commandAt(speechOnly, '5'), /^"5" does not fit/)
  t.strictSame(commandAt(speechOnly, 'say five'), { kind: 'say', words: 'five' })
  t.match(commandAt(speechOnly, 'say'), /^say needs words, e.g. "say sales"; here the caller can type say <words>/)
})

t.test('standard input is read a line at a time, only when asked, and let go once the call is over', async (t) => {
  t.equal(processIo.input?.interactive, process.stdin.isTTY === true)
  t.equal(typeof processIo.input?.lines()[Symbol.asyncIterator], 'function', 'nothing is read before the first line is asked for')
  const piped = new PassThrough()
  piped.end('1\r\nsay sales\nhangup')
  const all: string[] = []
  for await (const line of readLines(piped)) all.push(line)
  t.strictSame(all, ['1', 'say sales', 'hangup'])
  const typed = new PassThrough()
  typed.write('2\n')
  const lines = readLines(typed)
  t.strictSame(await lines.next(), { value: '2', done: false })
  t.equal(typed.destroyed, false)
  await lines.return(undefined)
  t.equal(typed.destroyed, true, 'a terminal still open is let go, or it would keep the process alive')
})

t.test('the real command with piped standard input: the transcript, exit 0', async (t) => {
  // A clean environment: the command runs through its own TypeScript loader, not tap's (which would skew coverage).
  const child = spawn(process.execPath, ['bin/nccoflow.js', 'call', 'ivr-menu'], { cwd: root, env: childEnv() })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
  child.stdin.end('1\nhangup\n')
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.equal(err, '')
  t.equal(out, transcript(header, ...menu, '> 1', 'step sales', '  Connecting you to sales.', '  [connecting to 447700900001]', '> hangup', 'call ended: the caller hung up (step sales)'))
  t.equal(code, 0)
  // The README's example, as written.
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const example = /## Try a flow in the terminal[\s\S]*?```sh\n(printf .*)\n/.exec(readme)?.[1] ?? ''
  t.match(example, /^printf '[^']*' \| node bin\/nccoflow\.js call ivr-menu$/)
  t.equal(execFileSync('sh', ['-c', example], { cwd: root, encoding: 'utf8', env: childEnv() }), out)
})
