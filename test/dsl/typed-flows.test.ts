import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import { flow, type CallStatus, type NormalizedNotify, type NormalizedPayment, type NormalizedRecord, type StatusEvent } from '../../src/index.js'

// Step names, statuses and handler payloads are checked by the compiler (issue: a typo is red in the editor, not a
// fallback on a live call). test/fixtures/typos/menu.ts has one mistake a line; each must be a compile error that
// names it. docs/flows.md shows the same output.

const root = fileURLToPath(new URL('../../', import.meta.url))

/** The compiler's errors for a file, with this repo's tsconfig: `file(line,col): TSnnnn: first line of the message`. */
function compile(file: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  const program = ts.createProgram([`${root}${file}`], config?.options ?? {})
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const { line, character } = (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start ?? 0)
    return `${file}(${line + 1},${character + 1}): TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`
  })
}

const typoErrors = compile('test/fixtures/typos/menu.ts')

t.test('every mistaken step name, status and payload field is a compile error that names it', async (t) => {
  const steps = '"menu" | "sorry" | "sales" | "voicemail" | "goodbye"'
  t.match(typoErrors, [
    `test/fixtures/typos/menu.ts(9,24): TS2345: Argument of type '"salse"' is not assignable to parameter of type '${steps}'.`,
    `test/fixtures/typos/menu.ts(10,16): TS2345: Argument of type '"menuu"' is not assignable to parameter of type '${steps}'.`,
    `test/fixtures/typos/menu.ts(12,52): TS2820: Type '"goodby"' is not assignable to type '${steps}'. Did you mean '"goodbye"'?`,
    `test/fixtures/typos/menu.ts(15,16): TS2345: Argument of type '"voicemial"' is not assignable to parameter of type '${steps}'.`,
    /^test\/fixtures\/typos\/menu\.ts\(17,71\): TS2551: Property 'recording_urll' does not exist on type .* Did you mean 'recording_url'\?$/,
    `test/fixtures/typos/menu.ts(18,28): TS2322: Type '"goodbye" | "goodbey"' is not assignable to type '"goodbye"'.`,
    `test/fixtures/typos/menu.ts(19,39): TS2345: Argument of type '"nowhere"' is not assignable to parameter of type '${steps}'.`,
    /^test\/fixtures\/typos\/menu\.ts\(20,13\): TS2345: Argument of type '"complted"' is not assignable to parameter of type '"timeout" \| "started" \|/,
  ])
  t.equal(typoErrors.length, 8, 'one error a mistake, nothing else')
})

t.test('handlers get typed payloads; a step may name a step defined further down', async (t) => {
  const seen: unknown[] = []
  const typed = flow('typed', { context: { paid: false } }).steps({
    start: (s) => s.talk('Hi.').goto('record'),
    record: (s) => s
      .record({}, { recording: (r: NormalizedRecord) => seen.push(r.recording_url), transcription: (tr) => seen.push(tr.transcription_url) })
      .notify({ n: 1 }, {}, (n: NormalizedNotify) => seen.push(n.payload))
      .goto('pay'),
    pay: (s) => s
      .pay(10, { currency: 'gbp' }, (result: NormalizedPayment, { context }) => seen.push(result.status, context.paid))
      .goto('start'),
  })
    .onStatus(['completed', 'busy'], (event) => {
      const status: 'completed' | 'busy' = event.status
      seen.push(status, event.duration)
    })
    .onStatus('*', (event: StatusEvent<CallStatus>) => seen.push(event.status))
  t.strictSame(typed.stepNames, ['start', 'record', 'pay'])
  t.equal(typed.toDefinition().statusHandlers.length, 3)
})

t.test('docs/flows.md shows the errors the compiler prints for the typos', async (t) => {
  const docs = readFileSync(`${root}docs/flows.md`, 'utf8')
  const block = /## Checked by the compiler[\s\S]*?```text\n([\s\S]*?)```/.exec(docs)?.[1] ?? ''
  const shown = block.trim().split('\n').map((line) => /^menu\.ts\((\d+,\d+)\): error (TS\d+):/.exec(line)?.slice(1).join(' '))
  const printed = typoErrors.map((line) => /\((\d+,\d+)\): (TS\d+):/.exec(line)?.slice(1).join(' '))
  t.strictSame(shown, printed)
})
