import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import t from 'tap'
import { childEnv } from '../fixtures/child-env.js'

const root = new URL('../../', import.meta.url).pathname

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

t.test('`npm start` runs the nccoflow command from source and serves ivr-menu on /answer', async (t) => {
  const port = await freePort()
  // A clean environment: the command runs through its own TypeScript loader, not tap's (which would skew coverage).
  const child = spawn('npm', ['start', '--silent'], { cwd: root, detached: true, env: childEnv({ PORT: String(port), LOG_LEVEL: 'info' }) })
  // npm starts a shell that starts node: end the whole process group.
  t.teardown(() => { process.kill(-(child.pid as number), 'SIGTERM') })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000)
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('nccoflow listening on')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}: ${output}`)))
  })
  const base = `http://127.0.0.1:${port}`
  t.equal((await fetch(`${base}/healthz`)).status, 200)
  const answer = await fetch(`${base}/answer?to=447700900000&from=447700900123&uuid=bin-1&conversation_uuid=CON-bin-1`)
  t.equal(answer.status, 200)
  const ncco = (await answer.json()) as { action: string; eventUrl?: string[] }[]
  t.strictSame(ncco.map((a) => a.action), ['talk', 'input'])
  const input = await fetch(`${base}/flows/ivr-menu/menu/input`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uuid: 'bin-1', conversation_uuid: 'CON-bin-1', dtmf: { digits: '2', timed_out: false }, timestamp: '2026-01-01T00:00:00.000Z' }),
  })
  const voicemail = (await input.json()) as { action: string }[]
  t.strictSame(voicemail.map((a) => a.action), ['talk', 'record', 'talk'])
  // The README's curl walk-through, as written, against this server.
  const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8')
  const walk = /## Walk it with curl[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  const commands = walk.replace(/\\\n\s*/g, ' ').split('\n').filter((line) => line.startsWith('curl '))
  t.equal(commands.length, 3, 'the README shows three curl commands')
  const outputs = commands.map((command) => execFileSync('sh', ['-c', command.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`)], { encoding: 'utf8' }))
  t.strictSame(JSON.parse(outputs[0] as string).map((a: { action: string }) => a.action), ['talk', 'input'])
  t.strictSame(JSON.parse(outputs[1] as string).map((a: { action: string }) => a.action), ['talk', 'record', 'talk'])
  t.equal(outputs[2], '', 'the event URL answers 204')
  // The README walks the connect callback of a second call the same way, in its second block.
  const connectWalk = /## Walk it with curl[\s\S]*?```sh\n[\s\S]*?```[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  const connectCommands = connectWalk.replace(/\\\n\s*/g, ' ').split('\n').filter((line) => line.startsWith('curl '))
  t.equal(connectCommands.length, 4, 'the README shows four curl commands for the connect')
  const [menu, sales, ringing, unanswered] = connectCommands.map((command) => JSON.parse(execFileSync('sh', ['-c', command.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`)], { encoding: 'utf8' })) as unknown)
  t.strictSame((menu as { action: string }[]).map((a) => a.action), ['talk', 'input'])
  t.strictSame(sales, [
    { action: 'talk', text: 'Connecting you to sales.' },
    { action: 'connect', endpoint: [{ type: 'phone', number: '447700900001' }], eventType: 'synchronous', timeout: 20, eventUrl: [`${base}/flows/ivr-menu/sales/connect`] },
  ])
  t.strictSame(ringing, [], 'a ringing leg: carry on')
  t.strictSame(unanswered, [
    { action: 'talk', text: 'Please leave a message after the tone, then press hash.' },
    { action: 'record', beepStart: true, endOnKey: '#', eventUrl: [`${base}/flows/ivr-menu/voicemail/record`] },
    { action: 'talk', text: 'Thank you for calling Acme. Goodbye.' },
  ], 'the sales leg unanswered: voicemail')
  // The server's stdout reaches us asynchronously: wait (bounded) for the lines of the answer and the input.
  const linesAbout = () => output.split('\n').filter((line) => line.includes('"bin-1"'))
  for (let waited = 0; waited < 5000 && linesAbout().filter((l) => l.includes('"msg":"webhook"')).length < 2; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const callLines = linesAbout()
  t.ok(callLines.length >= 2, 'the answer and the input are logged')
  for (const line of callLines) t.match(JSON.parse(line), { uuid: 'bin-1', flow: 'ivr-menu', step: String }, 'each log line about the call carries its uuid, flow and step')
})

t.test('the command runs from source as the README shows it', async (t) => {
  const routes = execFileSync(process.execPath, ['bin/nccoflow.js', 'routes'], { cwd: root, encoding: 'utf8', env: childEnv() })
  t.match(routes, /^METHODS +URL +KIND +FLOW +STEP\n/)
  t.match(routes, /GET,POST +\/flows\/ivr-menu\/menu\/input +input +ivr-menu +menu\n/)
  const graph = execFileSync(process.execPath, ['bin/nccoflow.js', 'graph', 'ivr-menu'], { cwd: root, encoding: 'utf8', env: childEnv() })
  t.match(graph, /^stateDiagram-v2\n/)
  t.equal(execFileSync(process.execPath, ['bin/nccoflow.js', 'version'], { cwd: root, encoding: 'utf8', env: childEnv() }), '0.1.0\n')
})
