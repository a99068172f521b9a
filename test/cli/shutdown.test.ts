import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createClient } from 'redis'
import { startInstance } from '../fixtures/instances.js'
import { REDIS_URL, deletePrefix, needRedis, testPrefix } from '../fixtures/redis.js'

/** Whether a new TCP connection to `base` is refused (false when it connects). */
function refused(base: string): Promise<boolean> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

if (await needRedis(t)) {
  t.setTimeout(120_000)

  t.test('SIGTERM with a webhook in flight: it gets its answer, new connections are refused, exit 0 within seconds', async (t) => {
    const prefix = testPrefix('shutdown')
    const dir = mkdtempSync(join(tmpdir(), 'nccoflow-shutdown-'))
    const handlerLog = join(dir, 'handlers.log')
    writeFileSync(handlerLog, '')
    t.teardown(async () => {
      await deletePrefix(prefix)
      rmSync(dir, { recursive: true, force: true })
    })
    const server = await startInstance(t, 'shutdown', { REDIS_URL, REDIS_PREFIX: prefix, HANDLER_LOG: handlerLog, SLOW_MS: '1500' })
    // The slow flow's step notes when its work starts, then works 1.5 s before it answers.
    const inFlight = fetch(`${server.base}/flows/slow/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uuid: 'shut-1', conversation_uuid: 'CON-shut-1', to: '447700900001', from: '447700900555' }),
    })
    for (let waited = 0; waited < 15_000 && !readFileSync(handlerLog, 'utf8').includes('slow shut-1'); waited += 20) await sleep(20)
    t.match(readFileSync(handlerLog, 'utf8'), 'slow shut-1', 'the webhook is in flight')
    const signalled = Date.now()
    server.kill('SIGTERM')
    for (let waited = 0; waited < 5000 && !server.output().includes('shutting down'); waited += 20) await sleep(20)
    t.match(server.output(), /"msg":"shutting down"/, 'it logs "shutting down"')
    const settled = { done: false }
    void inFlight.finally(() => { settled.done = true })
    t.ok(await refused(server.base), 'a new connection is refused')
    t.notOk(settled.done, 'while the webhook in flight is still being worked on')
    const res = await inFlight
    t.equal(res.status, 200, 'the webhook in flight gets its normal answer')
    t.strictSame(await res.json(), [{ action: 'talk', text: 'Done after 1500 milliseconds.' }])
    t.equal(await server.exited, 0, 'the process exits with code 0')
    const took = Date.now() - signalled
    t.ok(took < 5000, `it exits within 5 s of SIGTERM (${took} ms)`)
    // The answer was saved before the store closed.
    const client = createClient({ url: REDIS_URL })
    await client.connect()
    t.teardown(() => client.close())
    const [version] = await client.hmGet(`${prefix}call:{CON-shut-1}`, ['v'])
    t.equal(version, '1', 'the call was stored before the process exited')
  })
}
