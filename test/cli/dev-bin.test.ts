// `nccoflow dev` as a user runs it: bin/nccoflow.js in a child process, on a copy of the example flows, with a fake
// ngrok agent. Coverage of src/cli/dev.ts comes from test/cli/dev.test.ts (the child runs through tsx, not tap).
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { childEnv } from '../fixtures/child-env.js'

const root = new URL('../../', import.meta.url).pathname

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    const value = await check()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

t.test('nccoflow dev listens on 127.0.0.1, prints the URLs with the ngrok tunnel, reloads a changed flow and keeps a broken one', async (t) => {
  const dir = mkdtempSync(join(root, '.tap', 'flows-dev-bin-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(join(root, 'flows'), dir, { recursive: true })
  const agent = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ tunnels: [{ public_url: 'https://bin-test.ngrok.app', proto: 'https', config: { addr: 'http://localhost:3000' } }] }))
  })
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => agent.close(() => resolve())))

  const child = spawn(process.execPath, ['bin/nccoflow.js', 'dev'], {
    cwd: root,
    env: childEnv({ FLOWS_DIR: dir, PORT: '0', HOST: '0.0.0.0', DEFAULT_FLOW: 'ivr-menu', NGROK_API: `http://127.0.0.1:${(agent.address() as AddressInfo).port}` }),
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })

  const url = await until('the listening line', () => /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(output)?.[1])
  await until('the banner', () => (output.includes('Watching') ? true : undefined))
  t.match(output, 'HOST=0.0.0.0 is ignored: nccoflow dev listens on 127.0.0.1 only')
  t.match(output, [
    'Paste these in your Vonage application (Voice capability):',
    '  Answer URL    https://bin-test.ngrok.app/answer',
    '  Event URL     https://bin-test.ngrok.app/event',
    '  Fallback URL  https://bin-test.ngrok.app/fallback',
    '',
    `Dashboard     ${url}/_nccoflow/`,
  ].join('\n'))

  const answer = async (uuid: string) => (await (await fetch(`${url}/answer?uuid=${uuid}&conversation_uuid=CON-${uuid}&from=447700900123&to=447700900000`)).json()) as { action: string; text?: string; eventUrl?: string[] }[]
  const first = await answer('bin-dev-1')
  t.match(first[0]?.text, /^Welcome to Acme\./)
  t.strictSame(first.at(-1)?.eventUrl, ['https://bin-test.ngrok.app/flows/ivr-menu/menu/input'], 'the tunnel is the base of callback URLs')

  const file = join(dir, 'ivr-menu.ts')
  const source = readFileSync(file, 'utf8')
  writeFileSync(file, source.replaceAll('Welcome to Acme', 'Hello from Acme').replaceAll('Please leave a message after the tone', 'Leave us a message after the tone'))
  await until('the new greeting', async () => ((await answer(`bin-dev-${Date.now()}`))[0]?.text?.startsWith('Hello from Acme') === true ? true : undefined))
  const input = await fetch(`${url}/flows/ivr-menu/menu/input`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uuid: 'bin-dev-1', conversation_uuid: 'CON-bin-dev-1', dtmf: { digits: '2', timed_out: false }, timestamp: new Date().toISOString() }),
  })
  t.match(((await input.json()) as { text?: string }[])[0], { text: 'Leave us a message after the tone, then press hash.' }, 'the call in progress went on at its step, without a restart')

  writeFileSync(file, `${source}\nexport const broken = (\n`)
  await until('the error', () => (output.includes('ivr-menu.ts does not load') ? true : undefined))
  t.match(output, /ivr-menu\.ts does not load: .*\(still serving the last good version of flow "ivr-menu"\)/s)
  t.match((await answer('bin-dev-2'))[0]?.text, /^Hello from Acme\./, 'the last good version still answers')

  child.kill('SIGINT')
  t.equal(await exited, 0, 'exits 0 on SIGINT')
  t.match(output, 'shutting down')
})
