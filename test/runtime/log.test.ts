import Fastify from 'fastify'
import t from 'tap'
import { silentLogger, withBindings, type Logger } from '../../src/runtime/log.js'

t.test('withBindings: lines carry the bindings; lines below the level build nothing', async (t) => {
  const lines: Record<string, unknown>[] = []
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } } })
  t.teardown(() => app.close())
  const log = withBindings(app.log as unknown as Logger, { uuid: 'u1', flow: 'f' })
  log.info({ step: 'menu' }, 'hello')
  log.warn({}, 'careful')
  log.error({ err: new Error('boom') }, 'failed')
  let built = false
  log.debug({ get costly() { built = true; return 1 } }, 'not written')
  log.child({ step: 'sales' }).info({ n: 1 }, 'child')
  t.match(lines, [
    { level: 30, uuid: 'u1', flow: 'f', step: 'menu', msg: 'hello' },
    { level: 40, uuid: 'u1', msg: 'careful' },
    { level: 50, uuid: 'u1', err: { message: 'boom' }, msg: 'failed' },
    { level: 30, uuid: 'u1', flow: 'f', step: 'sales', n: 1, msg: 'child' },
  ])
  t.equal(lines.length, 4)
  t.equal(built, false, 'a debug line at info level is not even merged')
  t.equal(log.isLevelEnabled?.('debug'), false)
  t.equal(log.isLevelEnabled?.('info'), true)
})

t.test('withBindings over a logger without a level check writes every line', async (t) => {
  const seen: unknown[] = []
  const parent: Logger = { ...silentLogger, debug: (obj) => seen.push(obj) }
  const log = withBindings(parent, { uuid: 'u2' })
  log.debug({ a: 1 })
  t.strictSame(seen, [{ uuid: 'u2', a: 1 }])
  t.equal(log.isLevelEnabled?.('debug'), true)
  t.equal(silentLogger.child({}), silentLogger)
})
