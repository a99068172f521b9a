import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { EventEmitter } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { main, processIo, settings, start } from '../../src/cli/main.js'
import { loadFlows } from '../../src/cli/load-flows.js'
import { graphLegend } from '../../src/cli/graph-legend.js'
import { flowToMermaid } from '../../src/dsl/graph.js'
import ivrMenu from '../../flows/ivr-menu.js'
import { vonageToken } from '../server/fixtures/vonage-token.js'

const flowsDir = new URL('../../flows', import.meta.url).pathname
const env = { FLOWS_DIR: flowsDir, DEFAULT_FLOW: 'ivr-menu' }

/** The message JSON.parse gives for a text, as this Node version words it. */
function jsonError(text: string): string {
  try {
    JSON.parse(text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${text} is JSON`)
}

async function run(argv: string[], environment: Record<string, string> = env) {
  let out = ''
  let err = ''
  const code = await main(argv, environment, { out: (text) => { out += text }, err: (text) => { err += text }, signals: new EventEmitter() })
  return { code, out, err }
}

t.test('version and help', async (t) => {
  const version = await run(['version'])
  t.match(version, { code: 0, out: /^\d+\.\d+\.\d+\n$/ })
  const help = await run([])
  t.equal(help.code, 0)
  t.match(help.out, /Commands:\n {2}start/)
  const unknown = await run(['dance'])
  t.equal(unknown.code, 1)
  t.match(unknown.err, /unknown command "dance"/)
})

t.test('routes lists every route with its flow and step', async (t) => {
  const { code, out } = await run(['routes'])
  t.equal(code, 0)
  const lines = out.trimEnd().split('\n').map((l) => l.split(/\s{2,}/))
  t.strictSame(lines[0], ['METHODS', 'URL', 'KIND', 'FLOW', 'STEP'])
  t.ok(lines.some((l) => l.join('|') === 'GET,POST|/flows/ivr-menu/menu/input|input|ivr-menu|menu'))
  t.ok(lines.some((l) => l.join('|') === 'GET,POST|/flows/ivr-menu/sales/connect|connect|ivr-menu|sales'))
  t.ok(lines.some((l) => l.join('|') === 'GET,POST|/flows/survey/word/input|input|survey|word'))
  t.ok(lines.some((l) => l.join('|') === 'GET,POST|/answer|answer'))
})

t.test('ncco prints the NCCO a step renders for a sample call', async (t) => {
  const { code, out } = await run(['ncco', 'ivr-menu', 'sales'], { ...env, PUBLIC_URL: 'https://ivr.test/' })
  t.equal(code, 0)
  t.strictSame(JSON.parse(out), [
    { action: 'talk', text: 'Connecting you to sales.' },
    { action: 'connect', endpoint: [{ type: 'phone', number: '447700900001' }], eventType: 'synchronous', timeout: 20, eventUrl: ['https://ivr.test/flows/ivr-menu/sales/connect'] },
  ])
  const retry = await run(['ncco', 'ivr-menu', 'retry'])
  t.equal(JSON.parse(retry.out).at(-1).action, 'input', 'steps that await nothing fall through to the next')
})

t.test('ncco takes the sample call\'s numbers and context; bad arguments say what is wrong', async (t) => {
  const survey = (argv: string[]) => run(['ncco', 'survey', ...argv], { ...env, PUBLIC_URL: 'https://ivr.test' })
  t.strictSame(JSON.parse((await survey(['thanks'])).out), [{ action: 'talk', text: 'You rated us 0 out of 5. Thank you, goodbye.' }], 'the flow\'s own context by default')
  t.strictSame(JSON.parse((await survey(['thanks', '--context', '{"rating":4}'])).out), [{ action: 'talk', text: 'You rated us 4 out of 5. Thank you, goodbye.' }])
  t.strictSame(JSON.parse((await survey(['--context={"rating":4}', 'thanks'])).out), [{ action: 'talk', text: 'You rated us 4 out of 5. Thank you, goodbye.' }], 'options go anywhere, with = or a space')
  t.strictSame(await survey(['thanks', '--context', '{"rating":4']), { code: 1, out: '', err: `nccoflow ncco: --context is not JSON (${jsonError('{"rating":4')}): {"rating":4\n` })
  t.strictSame(await survey(['thanks', '--context', '[4]']), { code: 1, out: '', err: `nccoflow ncco: --context must be a JSON object, like '{"count":2}'; got [4]\n` })
  t.strictSame(await survey(['thanks', '--context', 'null']), { code: 1, out: '', err: `nccoflow ncco: --context must be a JSON object, like '{"count":2}'; got null\n` })
  t.match(await survey(['thanks', '--form', '447700900555']), { code: 1, out: '', err: /^nccoflow ncco: Unknown option '--form'.*; usage: nccoflow ncco <flow> \[step\] \[--from <number>\] \[--to <number>\] \[--context <json>\]\n$/ })
  t.strictSame(await survey(['thanks', 'word']), { code: 1, out: '', err: 'nccoflow ncco: unexpected argument "word"; usage: nccoflow ncco <flow> [step] [--from <number>] [--to <number>] [--context <json>]\n' })
})

t.test('ncco and graph name the flows and steps there are when one is missing', async (t) => {
  const names = (await loadFlows(flowsDir)).map((f) => f.name).join(', ')
  const steps = Object.keys(ivrMenu.toDefinition().steps).join(', ')
  t.strictSame(await run(['ncco']), { code: 1, out: '', err: `nccoflow ncco: usage: nccoflow ncco <flow> [step] [--from <number>] [--to <number>] [--context <json>]; flows: ${names}\n` })
  t.strictSame(await run(['ncco', 'nope']), { code: 1, out: '', err: `nccoflow ncco: No flow named "nope": the flows are ${names} (NCCOFLOW_ERR_FLOW_UNKNOWN)\n` })
  t.strictSame(await run(['ncco', 'ivr-menu', 'nope']), { code: 1, out: '', err: `nccoflow ncco: Flow "ivr-menu" has no step named "nope": its steps are ${steps} (NCCOFLOW_ERR_FLOW_UNKNOWN_STEP)\n` })
  t.strictSame(await run(['graph']), { code: 1, out: '', err: `nccoflow graph: usage: nccoflow graph <flow>; flows: ${names}\n` })
  t.strictSame(await run(['graph', 'nope']), { code: 1, out: '', err: `nccoflow graph: No flow named "nope": the flows are ${names} (NCCOFLOW_ERR_FLOW_UNKNOWN)\n` })
})

t.test('graph prints a Mermaid diagram, and a legend of the labels it uses as Mermaid comments', async (t) => {
  const { code, out } = await run(['graph', 'ivr-menu'])
  t.equal(code, 0)
  t.equal(out, `${flowToMermaid(ivrMenu.toDefinition())}%% Edge labels (docs/flows.md, "The graph"):
%%   dtmf 1 / speech sales: a branch (.on); /x/ is a pattern, fn a predicate
%%   timeout: the caller pressed and said nothing (.onTimeout)
%%   otherwise: no branch matched, or a timeout when there is no .onTimeout (.otherwise)
%%   connect failed: the leg of a synchronous connect was not answered, busy, failed... (.onFailure)
%%   next: the step waits for nothing and goes on (.goto)
%%   retry: back to a question the caller may have come from (.retry), while retries are left
%%   after N retries: where .retry goes once the call has used its retries
%%   [*]: the NCCO ends there; Vonage hangs up once the last action is done (after a connect: when the other leg hangs up)
`)
  t.match(out, /^stateDiagram-v2\n {2}\[\*\] --> menu\n/)
  t.equal(graphLegend('stateDiagram-v2\n  [*] --> a\n'), '', 'no labelled edge, no legend')
})

t.test('a flow added beside the examples: every command works with it, and the tests above do not care', async (t) => {
  // What a user does: copy the repo's flows and write one more. Inside the package, so `nccoflow` resolves to us.
  const root = new URL('../../', import.meta.url).pathname
  mkdirSync(join(root, '.tap'), { recursive: true })
  const dir = mkdtempSync(join(root, '.tap', 'flows-added-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const name of readdirSync(flowsDir)) cpSync(join(flowsDir, name), join(dir, name), { recursive: true })
  const added = `pizza-${basename(dir).slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`
  writeFileSync(join(dir, `${added}.ts`), `import { flow } from 'nccoflow'

export default flow('${added}', { context: { count: 0 } }).steps({
  count: (s) => s
    .talk(({ call }) => \`Hello \${call.from ?? 'there'}. How many pizzas? Press the number, then hash.\`)
    .input({ type: ['dtmf'], dtmf: { maxDigits: 2, submitOnHash: true } })
    .on({ dtmf: /^[1-9]$/ }, 'confirm', { update: ({ call }) => ({ count: Number(call.input?.digits) }) })
    .otherwise('count'),
  confirm: (s) => s.talk(({ call, context }) => \`You ordered \${context.count} pizzas, delivered to \${call.to ?? 'you'}.\`),
})
`)
  const environment = { FLOWS_DIR: dir, DEFAULT_FLOW: 'ivr-menu', PUBLIC_URL: 'https://ivr.test' }
  const expected = [...(await loadFlows(flowsDir)).map((f) => f.name), added].sort()
  const loaded = (await loadFlows(dir)).map((f) => f.name)
  t.strictSame([...loaded].sort(), expected)

  const routes = await run(['routes'], environment)
  t.equal(routes.code, 0)
  t.match(routes.out, new RegExp(`^GET,POST +/flows/${added}/count/input +input +${added} +count$`, 'm'))
  for (const name of expected) t.match(routes.out, new RegExp(`^GET,POST +/flows/${name}/answer +answer +${name}`, 'm'), `${name} is served`)

  t.strictSame(JSON.parse((await run(['ncco', added, '--from', '447700900555'], environment)).out), [
    { action: 'talk', text: 'Hello 447700900555. How many pizzas? Press the number, then hash.' },
    { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 2, submitOnHash: true }, eventUrl: [`https://ivr.test/flows/${added}/count/input`] },
  ])
  t.strictSame(JSON.parse((await run(['ncco', added, 'confirm', '--to', '447700900999', '--context', '{"count":3}'], environment)).out), [
    { action: 'talk', text: 'You ordered 3 pizzas, delivered to 447700900999.' },
  ])
  t.strictSame(await run(['graph', added], environment), { code: 0, err: '', out: `stateDiagram-v2
  [*] --> count
  count --> confirm: dtmf /^[1-9]$/
  count --> count: otherwise
  confirm --> [*]
%% Edge labels (docs/flows.md, "The graph"):
%%   dtmf 1 / speech sales: a branch (.on); /x/ is a pattern, fn a predicate
%%   otherwise: no branch matched, or a timeout when there is no .onTimeout (.otherwise)
%%   [*]: the NCCO ends there; Vonage hangs up once the last action is done (after a connect: when the other leg hangs up)
` })
  t.strictSame(await run(['graph', 'nope'], environment), { code: 1, out: '', err: `nccoflow graph: No flow named "nope": the flows are ${loaded.join(', ')} (NCCOFLOW_ERR_FLOW_UNKNOWN)\n` })
})

t.test('start listens and serves the default flow; close shuts it down', async (t) => {
  const app = await start({ ...env, PORT: '0', LOG_LEVEL: 'silent' }, new EventEmitter())
  t.teardown(() => app.close())
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const response = await fetch(`http://127.0.0.1:${address.port}/answer?uuid=cli-1&conversation_uuid=CON-cli-1&from=447700900123&to=447700900000`)
  t.equal(response.status, 200)
  t.match(response.headers.get('content-type'), /^application\/json/)
  const ncco = (await response.json()) as { action: string; eventUrl?: string[] }[]
  t.strictSame(ncco.map((a) => a.action), ['talk', 'input'])
  t.equal(ncco[1]?.eventUrl?.[0], `http://127.0.0.1:${address.port}/flows/ivr-menu/menu/input`, 'without PUBLIC_URL the base comes from the request')
})

t.test('loading flows: errors name the folder or the flow', async (t) => {
  // Inside the package, so the temporary flows are ES modules like the package's own.
  const root = new URL('../../', import.meta.url).pathname
  mkdirSync(join(root, '.tap'), { recursive: true })
  const dir = mkdtempSync(join(root, '.tap', 'flows-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'notes.ts'), 'export default 42\n')
  writeFileSync(join(dir, 'a.test.ts'), 'throw new Error("test files are not flows")\n')
  await t.rejects(loadFlows(dir), { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN', message: /no file in .* has a flow as its default export/ })
  const source = `import { flow } from '${new URL('../../src/index.ts', import.meta.url).pathname}'\nexport default flow('same').steps({ a: (s) => s.talk('a') })\n`
  writeFileSync(join(dir, 'one.ts'), source)
  const [loaded] = await loadFlows(dir)
  t.equal(loaded?.name, 'same')
  t.equal(loaded?.baseDir, dir, 'relative audio paths resolve against the flow file\'s folder')
  writeFileSync(join(dir, 'two.ts'), source)
  await t.rejects(loadFlows(dir), { code: 'NCCOFLOW_ERR_FLOW_INVALID', message: /Flow "same" cannot run: two files/ })
  const noDefault = await run(['routes'], { FLOWS_DIR: dir })
  t.match(noDefault, { code: 1, err: /nccoflow routes: Flow "same" cannot run/ })
})

t.test('the start command closes the server on SIGTERM', async (t) => {
  const signals = new EventEmitter()
  const lines: string[] = []
  const code = await main(['start'], { ...env, PORT: '0', LOG_LEVEL: 'silent' }, { out: (text) => lines.push(text), err: (text) => lines.push(text), signals })
  t.equal(code, 0, 'resolves once listening')
  t.equal(signals.listenerCount('SIGTERM'), 1)
  const closed = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (signals.listenerCount('SIGINT') === 1 && signals.listenerCount('SIGTERM') === 0) {
        clearInterval(check)
        resolve()
      }
    }, 5)
  })
  signals.emit('SIGTERM')
  await closed
  t.strictSame(lines, [], 'nothing printed')
})

t.test('settings come from the environment, with the documented defaults', async (t) => {
  const unset = { signature: undefined, allowedIps: undefined, trustProxy: undefined, redisUrl: undefined, redisPrefix: 'nccoflow:', metrics: false, admin: undefined }
  t.strictSame(settings({}), { flowsDir: './flows', port: 3000, host: '127.0.0.1', logLevel: 'info', publicUrl: undefined, defaultFlow: undefined, ...unset })
  t.strictSame(settings({ FLOWS_DIR: 'x', PORT: '8080', HOST: '0.0.0.0', LOG_LEVEL: 'debug', PUBLIC_URL: 'https://ivr.test', DEFAULT_FLOW: 'survey' }),
    { flowsDir: 'x', port: 8080, host: '0.0.0.0', logLevel: 'debug', publicUrl: 'https://ivr.test', defaultFlow: 'survey', ...unset })
  t.strictSame(settings({ PUBLIC_URL: '', DEFAULT_FLOW: '' }).publicUrl, undefined, 'an empty variable counts as unset')
  t.strictSame(settings({ REDIS_URL: 'redis://r.test:6380/2', REDIS_PREFIX: 'ivr:' }), { ...settings({}), redisUrl: 'redis://r.test:6380/2', redisPrefix: 'ivr:' })
  t.equal(settings({ REDIS_URL: '' }).redisUrl, undefined, 'an empty REDIS_URL is the memory store')
  t.strictSame(['1', 'true', 'TRUE', '0', 'no', ''].map((METRICS) => settings({ METRICS }).metrics), [true, true, true, false, false, false])
  t.strictSame(settings({ ADMIN_TOKEN: 'an-admin-token-of-32-characters!' }).admin, { token: 'an-admin-token-of-32-characters!' })
  t.equal(settings({ ADMIN_TOKEN: '' }).admin, undefined, 'an empty ADMIN_TOKEN leaves the call API off')
})

t.test('the process io writes to stdout and stderr and listens to the process', async (t) => {
  processIo.out('')
  processIo.err('')
  t.equal(processIo.signals, process)
})

t.test('security settings: signature secret list, its companions, ALLOWED_IPS and TRUST_PROXY', async (t) => {
  const security = (env: Record<string, string>) => {
    const { signature, allowedIps, trustProxy } = settings(env)
    return { signature, allowedIps, trustProxy }
  }
  t.strictSame(security({ VONAGE_SIGNATURE_SECRET: 'new-secret, old-secret', VONAGE_API_KEY: 'abcd1234', VONAGE_APPLICATION_ID: 'app-1', VONAGE_SIGNATURE_MAX_AGE: '60', ALLOWED_IPS: '198.51.100.0/24, 2001:db8::/32,', TRUST_PROXY: '1' }), {
    signature: { secret: ['new-secret', 'old-secret'], maxAgeSeconds: 60, apiKey: 'abcd1234', applicationId: 'app-1' },
    allowedIps: ['198.51.100.0/24', '2001:db8::/32'],
    trustProxy: 1,
  })
  t.strictSame(security({ VONAGE_SIGNATURE_SECRET: 's', VONAGE_API_KEY: '', VONAGE_SIGNATURE_MAX_AGE: '' }).signature, { secret: ['s'], maxAgeSeconds: undefined, apiKey: undefined, applicationId: undefined })
  t.strictSame(security({ VONAGE_SIGNATURE_SECRET: ' , ', VONAGE_API_KEY: 'abcd1234', ALLOWED_IPS: '' }), { signature: undefined, allowedIps: undefined, trustProxy: undefined }, 'no secret: off')
  t.ok(Number.isNaN(settings({ VONAGE_SIGNATURE_SECRET: 's', VONAGE_SIGNATURE_MAX_AGE: 'soon' }).signature?.maxAgeSeconds), 'not a number: left for the plugin to refuse')
  t.equal(settings({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(settings({ TRUST_PROXY: 'FALSE' }).trustProxy, false)
  t.equal(settings({ TRUST_PROXY: ' ' }).trustProxy, undefined)
  t.strictSame(settings({ TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).trustProxy, ['10.0.0.1', '10.0.0.2'])
  t.match((await run(['help'])).out, /VONAGE_SIGNATURE_SECRET {3}verify signed webhooks[\s\S]*ALLOWED_IPS[\s\S]*TRUST_PROXY/)
})

t.test('start reads the security settings: signed webhooks, allowlist, trusted proxy hops', async (t) => {
  const secret = 'cli-signature-secret'
  const app = await start({ ...env, PORT: '0', LOG_LEVEL: 'silent', VONAGE_SIGNATURE_SECRET: `${secret},older`, ALLOWED_IPS: '198.51.100.0/24', TRUST_PROXY: '1' }, new EventEmitter())
  t.teardown(() => app.close())
  const { port } = app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/answer?uuid=cli-s1&conversation_uuid=CON-cli-s1&to=447700900000`
  t.equal((await fetch(url)).status, 403, 'the proxy itself is not in ALLOWED_IPS')
  const viaProxy = { 'x-forwarded-for': '198.51.100.7' }
  t.equal((await fetch(url, { headers: viaProxy })).status, 503, 'the client is, but the request is not signed')
  const token = vonageToken({ secret })
  const signed = await fetch(url, { headers: { ...viaProxy, authorization: `Bearer ${token}` } })
  t.equal(signed.status, 200)
  t.strictSame(((await signed.json()) as { action: string }[]).map((a) => a.action), ['talk', 'input'])
  t.equal((await fetch(url, { headers: { ...viaProxy, authorization: `Bearer ${vonageToken({ secret: 'older' })}` } })).status, 200, 'the older secret of the list')
  const badMaxAge = await run(['routes'], { ...env, VONAGE_SIGNATURE_SECRET: secret, VONAGE_SIGNATURE_MAX_AGE: 'soon' })
  t.match(badMaxAge, { code: 1, err: /Invalid nccoflow option signature\.maxAgeSeconds/ })
  const badRange = await run(['routes'], { ...env, ALLOWED_IPS: '10.0.0.0/33' })
  t.match(badRange, { code: 1, err: /Invalid nccoflow option allowedIps: "10\.0\.0\.0\/33"/ })
})

t.test('start reads ADMIN_TOKEN: the call API is on for holders of the token, and off without it', async (t) => {
  const token = 'cli-admin-token-0123456789'
  const on = await start({ ...env, PORT: '0', LOG_LEVEL: 'silent', ADMIN_TOKEN: token }, new EventEmitter())
  t.teardown(() => on.close())
  const url = `http://127.0.0.1:${(on.server.address() as AddressInfo).port}/_nccoflow/api/flows`
  t.equal((await fetch(url)).status, 401)
  t.equal((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status, 200)
  const off = await start({ ...env, PORT: '0', LOG_LEVEL: 'silent' }, new EventEmitter())
  t.teardown(() => off.close())
  t.equal((await fetch(`http://127.0.0.1:${(off.server.address() as AddressInfo).port}/_nccoflow/api/flows`, { headers: { authorization: `Bearer ${token}` } })).status, 404)
  const short = await run(['start'], { ...env, PORT: '0', LOG_LEVEL: 'silent', ADMIN_TOKEN: 'short' })
  t.match(short, { code: 1, err: /^nccoflow start: Invalid nccoflow option admin\.token: it must be a string of at least 16 characters/ })
})

t.test('start fails cleanly, exit 1: a default flow that does not exist, a port in use', async (t) => {
  // With a Redis store (nothing listens on port 1): it is closed, or its client would keep the process alive.
  const unknown = await run(['start'], { ...env, DEFAULT_FLOW: 'nope', PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1' })
  t.match(unknown, { code: 1, out: '', err: /^nccoflow start: .*"nope"/ })
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  const port = (blocker.address() as AddressInfo).port
  const taken = await run(['start'], { ...env, PORT: String(port), LOG_LEVEL: 'silent' })
  t.match(taken, { code: 1, err: /^nccoflow start: .*EADDRINUSE/ })
})
