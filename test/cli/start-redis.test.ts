import { EventEmitter } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { start } from '../../src/cli/main.js'
import { REDIS_URL, deletePrefix, needRedis, testPrefix } from '../fixtures/redis.js'

// `start` with REDIS_URL, in this process: it keeps calls in Redis, and when it cannot start it closes the Redis client
// it opened (an open client would keep the process alive, and this test file from ending).

const flowsDir = new URL('../../flows', import.meta.url).pathname

if (await needRedis(t)) {
  const prefix = testPrefix('start-redis')
  t.teardown(() => deletePrefix(prefix))
  const env = { FLOWS_DIR: flowsDir, DEFAULT_FLOW: 'ivr-menu', REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }

  t.test('with REDIS_URL, calls are kept in Redis and /healthz names the store', async (t) => {
    const app = await start({ ...env, PORT: '0' }, new EventEmitter())
    t.teardown(() => app.close())
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    t.match(await (await fetch(`${base}/healthz`)).json(), { status: 'ok', store: 'redis' })
    const res = await fetch(`${base}/answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid: 'sr-1', conversation_uuid: 'CON-sr-1', to: '447700900001', from: '447700900555' }) })
    t.equal(res.status, 200)
    t.match(await app.nccoflow.runtime.findCall('CON-sr-1'), { version: 1, value: { flow: 'ivr-menu' } })
  })

  t.test('a server that cannot be built closes its Redis client and fails', async (t) => {
    await t.rejects(start({ ...env, PORT: '0', DEFAULT_FLOW: 'no-such-flow' }, new EventEmitter()), { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN' })
  })

  t.test('a port in use closes the server and its Redis client and fails', async (t) => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())))
    const port = (taken.address() as AddressInfo).port
    await t.rejects(start({ ...env, PORT: String(port) }, new EventEmitter()), { code: 'EADDRINUSE' })
  })
}
