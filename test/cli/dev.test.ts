import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { dev } from '../../src/cli/dev.js'
import { main } from '../../src/cli/main.js'
import { findTunnel } from '../../src/cli/ngrok.js'

const root = new URL('../../', import.meta.url).pathname
const flowsDir = join(root, 'flows')

/** A fake ngrok agent: answers `GET /api/tunnels` with `body` (and `status`), counting the requests. */
async function fakeAgent(t: Test, body: unknown, status = 200) {
  const agent = { requests: 0, url: '' }
  const server: Server = createServer((request, response) => {
    agent.requests += 1
    response.writeHead(request.url === '/api/tunnels' ? status : 404, { 'content-type': 'application/json' })
    response.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  agent.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return agent
}

/** An address nothing listens on. */
async function deadAddress(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

const tunnel = (publicUrl: string, addr: string, proto = 'https') => ({ public_url: publicUrl, proto, config: { addr } })

/** A copy of the example flows in a folder of its own, removed after the test. */
function flowsCopy(t: Test): string {
  const dir = mkdtempSync(join(root, '.tap', 'flows-dev-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(flowsDir, dir, { recursive: true })
  return dir
}

/** Waits (bounded) until `check` returns something other than undefined. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    const value = await check()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function answer(base: string, uuid: string): Promise<{ action: string; text?: string }[]> {
  return (await fetch(`${base}/answer?uuid=${uuid}&conversation_uuid=CON-${uuid}&from=447700900123&to=447700900000`)).json() as Promise<{ action: string; text?: string }[]>
}

async function press(base: string, step: string, uuid: string, digits: string, second: number) {
  const response = await fetch(`${base}/flows/ivr-menu/${step}/input`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uuid, conversation_uuid: `CON-${uuid}`, dtmf: { digits, timed_out: false }, timestamp: new Date(Date.now() + second * 1000).toISOString() }),
  })
  return response.json() as Promise<{ action: string; text?: string }[]>
}

t.test('findTunnel asks the ngrok agent for the https tunnel to the port, or says how to start one', async (t) => {
  const two = await fakeAgent(t, { tunnels: [tunnel('http://a.ngrok.app', 'http://localhost:3000', 'http'), tunnel('https://other.ngrok.app', 'http://localhost:4000'), tunnel('https://mine.ngrok.app/', 'http://localhost:3000')] })
  t.strictSame(await findTunnel(two.url, 3000), { url: 'https://mine.ngrok.app' }, 'the https tunnel to this port, without its trailing slash')
  t.strictSame(await findTunnel(`${two.url}/api/tunnels`, 4000), { url: 'https://other.ngrok.app' }, 'NGROK_API may name the endpoint itself')
  t.strictSame(await findTunnel(two.url, 5000), { url: 'https://other.ngrok.app', warning: 'ngrok\'s tunnel https://other.ngrok.app forwards to http://localhost:4000, not to port 5000: run `ngrok http 5000`' })
  const bare = await fakeAgent(t, { tunnels: [{ public_url: 'https://bare.ngrok.app', proto: 'https' }] })
  t.match(await findTunnel(bare.url, 3000), { url: 'https://bare.ngrok.app', warning: /forwards to undefined, not to port 3000/ })
  const none = await fakeAgent(t, { tunnels: [tunnel('http://a.ngrok.app', '3000', 'http')] })
  t.strictSame(await findTunnel(none.url, 3000), { problem: `the ngrok agent at ${none.url}/api/tunnels has no https tunnel: start one with \`ngrok http 3000\` and run nccoflow dev again, or set PUBLIC_URL to your tunnel's https URL` })
  const odd = await fakeAgent(t, { tunnels: 'none' })
  t.match(await findTunnel(odd.url, 3000), { problem: /has no https tunnel/ })
  const failing = await fakeAgent(t, {}, 502)
  t.strictSame(await findTunnel(failing.url, 3000), { problem: `the ngrok agent API at ${failing.url}/api/tunnels answered 502: start one with \`ngrok http 3000\` and run nccoflow dev again, or set PUBLIC_URL to your tunnel's https URL` })
  const dead = await deadAddress()
  t.match(await findTunnel(dead, 3000), { problem: new RegExp(`^no ngrok agent answers at ${dead}/api/tunnels \\(.+\\): start one with \`ngrok http 3000\``) })
})

t.test('nccoflow dev: 127.0.0.1 only, the URLs for Vonage from the ngrok tunnel, reloads, the last good version of a broken file', async (t) => {
  const dir = flowsCopy(t)
  const agent = await fakeAgent(t, { tunnels: [tunnel('https://dev-test.ngrok.app', 'http://localhost:4000')] })
  let out = ''
  const signals = new EventEmitter()
  const server = await dev({ FLOWS_DIR: dir, PORT: '0', HOST: '0.0.0.0', DEFAULT_FLOW: 'ivr-menu', NGROK_API: agent.url }, { out: (text) => { out += text }, err: () => {}, signals })
  t.teardown(() => server.close())
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(server.publicUrl, 'https://dev-test.ngrok.app')
  t.match(out, /WARN: HOST=0\.0\.0\.0 is ignored: nccoflow dev listens on 127\.0\.0\.1 only/)
  t.match(out, [
    `nccoflow dev: serving ivr-menu, survey from ${dir}`,
    `listening on ${server.url} (127.0.0.1 only: the dashboard and the call API need no token here)`,
    '',
    'Paste these in your Vonage application (Voice capability):',
    '  Answer URL    https://dev-test.ngrok.app/answer',
    '  Event URL     https://dev-test.ngrok.app/event',
    '  Fallback URL  https://dev-test.ngrok.app/fallback',
    '',
    `Dashboard     ${server.url}/_nccoflow/`,
    `Metrics       ${server.url}/metrics`,
    `Watching ${dir}: saving a flow file reloads it; calls in progress keep their step.`,
  ].join('\n'))
  t.match(out, /WARN: ngrok's tunnel https:\/\/dev-test\.ngrok\.app forwards to http:\/\/localhost:4000, not to port 0/, 'a tunnel to another port is used, with a warning')

  // The tunnel is PUBLIC_URL: callback URLs point at it.
  const first = await answer(server.url, 'dev-1')
  t.match(first.at(-1), { action: 'input', eventUrl: ['https://dev-test.ngrok.app/flows/ivr-menu/menu/input'] })
  t.match(first[0]?.text, /^Welcome to Acme\./)
  t.equal((await fetch(`${server.url}/metrics`)).status, 200, 'metrics on')
  t.equal((await fetch(`${server.url}/_nccoflow/api/flows`)).status, 200, 'the call API needs no token')

  // A call placed with the dashboard's simulator, waiting in the menu across the reload below.
  const simulator = `${server.url}/_nccoflow/api/simulator/calls`
  const post = async (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const placed = await post(simulator, { flow: 'ivr-menu' })
  t.equal(placed.status, 201)
  const simulated = (await placed.json()) as { uuid: string; step: string }
  t.equal(simulated.step, 'menu')

  // A saved change is served without a restart; the call in progress goes on at its step with the new code.
  const file = join(dir, 'ivr-menu.ts')
  const source = readFileSync(file, 'utf8')
  writeFileSync(file, source.replaceAll('Welcome to Acme', 'Hello from Acme').replaceAll('Please leave a message after the tone', 'Leave us a message after the tone'))
  const changed = await until('the new greeting', async () => {
    const ncco = await answer(server.url, `dev-2-${Date.now()}`)
    return ncco[0]?.text?.startsWith('Hello from Acme') === true ? ncco : undefined
  })
  t.match(changed[0]?.text, /^Hello from Acme\./)
  t.match(out, /INFO: reloaded ivr-menu\.ts/)
  const going = await press(server.url, 'menu', 'dev-1', '2', 1)
  t.match(going[0], { action: 'talk', text: 'Leave us a message after the tone, then press hash.' }, 'the call in progress hears the new code from its step')
  const pressed = await post(`${simulator}/${simulated.uuid}`, { action: 'press', digits: '2' })
  t.equal(pressed.status, 200, 'the simulated call outlived the reload')
  t.strictSame(((await pressed.json()) as { heard: unknown }).heard, [{ step: 'goodbye', lines: ['Leave us a message after the tone, then press hash.', '[recording]', 'Thank you for calling Acme. Goodbye.'] }], 'and hears the new code')

  // A file that no longer loads: the error in the terminal and the dashboard's problems; its last good version runs.
  writeFileSync(file, `${source.replaceAll('Welcome to Acme', 'Broken Acme')}\nexport const broken = (\n`)
  await until('the error', () => (out.includes('ERROR: ivr-menu.ts does not load') ? true : undefined))
  t.match(out, /ERROR: ivr-menu\.ts does not load: .*\(still serving the last good version of flow "ivr-menu"\)/s)
  t.match(server.problems(), [{ file, message: String }])
  t.match((await answer(server.url, 'dev-3'))[0]?.text, /^Hello from Acme\./, 'the last good version still answers')
  const flowsApi = (await (await fetch(`${server.url}/_nccoflow/api/flows`)).json()) as { problems: unknown[] }
  t.match(flowsApi.problems, [{ file, message: String }], 'the dashboard hears of it')

  // Fixed: served again, the problem gone. A renamed step: the call waiting in it hears the fallback, with a warning.
  const inMenu = 'dev-4'
  await answer(server.url, inMenu)
  writeFileSync(file, source.replaceAll("'menu'", "'main'").replaceAll('menu:', 'main:').replaceAll('Welcome to Acme', 'Renamed Acme'))
  await until('the renamed step', async () => ((await answer(server.url, `dev-5-${Date.now()}`))[0]?.text?.startsWith('Renamed') === true ? true : undefined))
  t.strictSame(server.problems(), [])
  const fallback = await press(server.url, 'menu', inMenu, '1', 2)
  t.match(fallback, [{ action: 'talk' }])
  t.match(out, new RegExp(`WARN: call ${inMenu} is at step "menu", which flow "ivr-menu" no longer has: the caller hears the fallback NCCO`))

  // Two files with one flow name: the second is refused; a file that exports no flow is not served; a deleted file's flow goes.
  writeFileSync(join(dir, 'copy.ts'), "export { default } from './survey.js'\n")
  await until('the duplicate', () => (out.includes('copy.ts does not load: another file in the folder already defines a flow named "survey"') ? true : undefined))
  writeFileSync(join(dir, 'copy.ts'), 'export default 42\n')
  await until('the duplicate gone', () => (server.problems().length === 0 ? true : undefined))
  unlinkSync(join(dir, 'copy.ts'))
  unlinkSync(join(dir, 'survey.ts'))
  await until('survey gone', () => (out.includes('survey.ts was deleted: flow "survey" is no longer served') ? true : undefined))
  await until('the reload', async () => ((await fetch(`${server.url}/flows/survey/answer`)).status === 404 ? true : undefined))
  writeFileSync(join(dir, 'notes.txt'), 'not a flow file\n')

  // Flows that do not start together (DEFAULT_FLOW gone): the running version stays.
  unlinkSync(file)
  await until('the start error', () => (out.includes('the flows do not start') ? true : undefined))
  t.match(out, /ERROR: the flows do not start: .* \(still serving the last good version\)/)
  t.match((await answer(server.url, 'dev-6'))[0]?.text, /^Renamed Acme\./)

  signals.emit('SIGINT')
  await server.close()
  t.match(out, /INFO: shutting down/)
  await t.rejects(fetch(`${server.url}/healthz`), 'no longer listening')
})

t.test('an explicit PUBLIC_URL wins over ngrok; without either the URLs say Vonage cannot reach them', async (t) => {
  const dir = flowsCopy(t)
  const agent = await fakeAgent(t, { tunnels: [tunnel('https://unused.ngrok.app', '3000')] })
  let out = ''
  const io = { out: (text: string) => { out += text }, err: () => {}, signals: new EventEmitter() }
  const explicit = await dev({ FLOWS_DIR: dir, PORT: '0', DEFAULT_FLOW: 'ivr-menu', PUBLIC_URL: 'https://ivr.example.com/', NGROK_API: agent.url }, io)
  await explicit.close()
  t.equal(agent.requests, 0, 'the agent is not asked')
  t.equal(explicit.publicUrl, 'https://ivr.example.com')
  t.match(out, '  Answer URL    https://ivr.example.com/answer\n')

  out = ''
  const dead = await deadAddress()
  const local = await dev({ FLOWS_DIR: dir, PORT: '0', DEFAULT_FLOW: 'ivr-menu', NGROK_API: dead }, io)
  await local.close()
  t.equal(local.publicUrl, local.url)
  t.match(out, `  Answer URL    ${local.url}/answer\n`)
  t.match(out, `  (${local.url} is this machine only: Vonage cannot reach it. No tunnel: no ngrok agent answers at ${dead}/api/tunnels`)
})

t.test('nccoflow dev through main: a folder without a loadable flow is an error; a port in use too', async (t) => {
  const dir = mkdtempSync(join(root, '.tap', 'flows-dev-broken-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'broken.ts'), 'export default (\n')
  let out = ''
  let err = ''
  const io = { out: (text: string) => { out += text }, err: (text: string) => { err += text }, signals: new EventEmitter() }
  t.equal(await main(['dev'], { FLOWS_DIR: dir, PORT: '0' }, io), 1, 'the default NGROK_API is asked, then the flows fail')
  t.match(out, /ERROR: broken\.ts does not load/)
  t.match(err, /^nccoflow dev: No flow named "\(none\)"/)

  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())))
  err = ''
  t.equal(await main(['dev'], { FLOWS_DIR: flowsDir, PORT: String((taken.address() as AddressInfo).port), PUBLIC_URL: 'https://ivr.test', DEFAULT_FLOW: 'ivr-menu' }, io), 1)
  t.match(err, /EADDRINUSE/)

  // Started through main, it runs until a signal.
  out = ''
  const signals = new EventEmitter()
  t.equal(await main(['dev'], { FLOWS_DIR: flowsDir, PORT: '0', PUBLIC_URL: 'https://ivr.test', DEFAULT_FLOW: 'ivr-menu' }, { ...io, signals }), 0)
  const url = /listening on (\S+)/.exec(out)?.[1] as string
  t.equal((await fetch(`${url}/healthz`)).status, 200)
  signals.emit('SIGTERM')
  await until('the end', async () => (await fetch(`${url}/healthz`).then(() => undefined, () => true)))
})
