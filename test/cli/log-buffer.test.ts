import { spawn } from 'node:child_process'
import t from 'tap'
import { childEnv } from '../fixtures/child-env.js'
import { startInstance } from '../fixtures/instances.js'

// `nccoflow start` gathers its log lines and writes them 4 KB at a time: a quiet server's lines still come out within a
// quarter of a second, and a process that exits writes what it holds first.

t.test('one webhook\'s line reaches stdout within a second, though far less than 4 KB was logged', async (t) => {
  const server = await startInstance(t, 'log-buffer', { REDIS_URL: '' })
  const res = await fetch(`${server.base}/answer?uuid=buf-1&conversation_uuid=CON-buf-1&to=447700900000&from=447700900123`)
  t.equal(res.status, 200)
  const sent = Date.now()
  while (Date.now() - sent < 5000 && !server.output().includes('"uuid":"buf-1"')) await new Promise((resolve) => setTimeout(resolve, 10))
  const line = server.output().split('\n').find((l) => l.includes('"uuid":"buf-1"'))
  t.match(JSON.parse(line ?? '{}'), { level: 30, uuid: 'buf-1', flow: 'ivr-menu', step: 'menu', method: 'GET', url: '/answer', statusCode: 200, msg: 'webhook' })
  t.ok(Date.now() - sent < 1000, `written within a second (${Date.now() - sent} ms)`)
})

t.test('a process that exits without closing the server still writes the lines it held', async (t) => {
  const child = spawn(process.execPath, ['--conditions=nccoflow-source', '--import', 'tsx', 'test/fixtures/log/exit-after-start.ts'], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: childEnv(),
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.equal(code, 3)
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; marker?: string })
  t.match(lines.slice(-2).map((l) => l.msg), [/^nccoflow listening on /, 'exiting without closing the server'], 'every line, the last one too')
  t.equal(lines.at(-1)?.marker, 'last-words')
})
