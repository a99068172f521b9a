// docs/deployment.md names the variables users set, shows a refusal and the bodies of /healthz: all must be what the
// command and the server do.
import { readFileSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import { createServer } from 'node:net'
import t from 'tap'
import { loadFlows } from '../../src/cli/load-flows.js'
import { main, settings } from '../../src/cli/main.js'
import { errors } from '../../src/errors.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { createRedisStore } from '../../src/runtime/store/index.js'
import { buildServer } from '../../src/server/build.js'
import { REDIS_URL, needRedis, testPrefix } from '../fixtures/redis.js'

const doc = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8')
const flowsDir = new URL('../../flows', import.meta.url).pathname

async function run(argv: string[], env: Record<string, string>) {
  let out = ''
  let err = ''
  const code = await main(argv, env, { out: (text) => { out += text }, err: (text) => { err += text }, signals: new EventEmitter() })
  return { code, out, err }
}

/** The JSON body docs/deployment.md shows after `status` (a line such as `200 … {"status":"ok",…}`). */
function shownBody(status: 'ok' | 'unavailable'): unknown {
  const body = new RegExp(`\`(\\{"status":"${status}"[^\`]*\\})\``).exec(doc)?.[1]
  if (body === undefined) throw new Error(`docs/deployment.md: no /healthz body with status ${status}`)
  return JSON.parse(body)
}

t.test('every variable docs/deployment.md names is read by the command and listed in its help', async (t) => {
  const names = [...new Set([...doc.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1] as string))]
    .filter((name) => !name.startsWith('NCCOFLOW_ERR_'))
  t.strictSame(names.sort(), ['ADMIN_TOKEN', 'DEFAULT_FLOW', 'FLOWS_DIR', 'PUBLIC_URL', 'REDIS_PREFIX', 'REDIS_URL'])
  const { out: help } = await run(['help'], {})
  for (const name of names) {
    t.match(help, name, `${name} in the help`)
    t.notSame(settings({ [name]: 'redis://r.test:7' }), settings({}), `${name} changes the settings`)
  }
  t.match(doc, `| \`REDIS_PREFIX\` | \`${settings({}).redisPrefix}\` |`, 'the default prefix the doc gives is the command\'s')
  t.equal(settings({ REDIS_URL: '' }).redisUrl, undefined, 'an empty REDIS_URL is the memory store, as the doc says')
})

t.test('the error codes docs/deployment.md names exist', async (t) => {
  const codes = new Set<string>(Object.values(errors).map((e) => e.code))
  const named = [...new Set([...doc.matchAll(/NCCOFLOW_ERR_[A-Z_]+/g)].map((m) => m[0]))]
  t.strictSame(named.sort(), ['NCCOFLOW_ERR_OPTIONS_INVALID', 'NCCOFLOW_ERR_STORE_UNAVAILABLE'])
  for (const code of named) t.ok(codes.has(code), code)
})

t.test('the refusal docs/deployment.md shows is what `nccoflow start` prints for that REDIS_URL', async (t) => {
  const shown = /\$ REDIS_URL=(\S+) npx nccoflow start\n(.*)\n/.exec(doc)
  if (shown === null) throw new Error('docs/deployment.md: no example refusal')
  const [, url = '', message = ''] = shown
  const refused = await run(['start'], { REDIS_URL: url, FLOWS_DIR: flowsDir, PORT: '0' })
  t.equal(refused.code, 1)
  t.equal(refused.err, `${message}\n`)
})

t.test('/healthz answers the 503 body docs/deployment.md shows while Redis does not answer', async (t) => {
  // A port nothing listens on.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address() as { port: number }
      probe.close(() => resolve(address.port))
    })
  })
  const store = createRedisStore<CallRecord>({ url: `redis://127.0.0.1:${port}`, prefix: testPrefix('deployment-docs') })
  const app = await buildServer({ flows: await loadFlows(flowsDir), store, logger: false, publicUrl: 'https://ivr.test' })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 503)
  t.strictSame(JSON.parse(res.body), shownBody('unavailable'))
})

t.test('/healthz answers the 200 body docs/deployment.md shows for the flows of npm start on Redis', async (t) => {
  if (!(await needRedis(t))) return
  // Only PING is sent: the prefix never gets a key.
  const store = createRedisStore<CallRecord>({ url: REDIS_URL, prefix: testPrefix('deployment-docs') })
  const app = await buildServer({ flows: await loadFlows(flowsDir), store, logger: false, publicUrl: 'https://ivr.test' })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.strictSame(JSON.parse(res.body), shownBody('ok'))
})
