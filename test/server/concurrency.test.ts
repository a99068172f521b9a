// DESIGN.md §6 rule 3: webhooks of one call are handled one at a time; other calls never wait for them.
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { conv, deferred, talks, testServer } from './fixtures/app.js'

/** Per call, a gate the `.do()` of the `count` step waits on; no gate means it runs straight through. */
const gates = new Map<string, Promise<void>>()
/** What each run of the `.do()` saw. */
const runs: { uuid: string; count: number; version: number | undefined }[] = []
let versionOf: (uuid: string) => Promise<number | undefined> = async () => undefined

const counter = flow('counter', { context: { count: 0 } }).steps({
  count: (s) => s
    .do(async ({ call, context }) => {
      runs.push({ uuid: call.uuid, count: context.count, version: await versionOf(call.uuid) })
      await gates.get(call.uuid)
      return { count: context.count + 1 }
    })
    .talk(({ context }) => `Count ${context.count}.`, { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .otherwise('count'),
})

t.test('two inputs of one call run one after the other; another call is not held up', async (t) => {
  const server = await testServer(t, { flows: [counter] })
  versionOf = (uuid) => server.version(uuid)
  t.teardown(() => {
    runs.length = 0
    gates.clear()
  })
  t.same(talks(JSON.parse((await server.answer('q1')).body)), ['Count 1.'])
  t.equal(await server.version('q1'), 1)

  const gate = deferred()
  gates.set('q1', gate.promise)
  const settled: string[] = []
  const first = server.input('counter', 'count', 'q1', '1').then((res) => {
    settled.push('first')
    return res
  })
  const second = server.input('counter', 'count', 'q1', '2').then((res) => {
    settled.push('second')
    return res
  })
  // Let both requests reach the runtime: the first is inside its .do(), the second must be queued behind it.
  while (runs.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(runs.length, 2, 'only the first input is running (plus the answer)')

  // Another call answers and takes input while q1 is blocked.
  t.same(talks(JSON.parse((await server.answer('q2')).body)), ['Count 1.'])
  t.same(talks(JSON.parse((await server.input('counter', 'count', 'q2', '5')).body)), ['Count 2.'])
  t.same(settled, [], 'q1 is still blocked')

  gate.resolve()
  const [a, b] = await Promise.all([first, second])
  t.same(settled, ['first', 'second'], 'in arrival order')
  t.same(talks(JSON.parse(a.body)), ['Count 2.'])
  t.same(talks(JSON.parse(b.body)), ['Count 3.'], 'the second saw the first one\'s result')
  const q1 = runs.filter((r) => r.uuid === 'q1')
  t.same(q1, [
    { uuid: 'q1', count: 0, version: undefined },
    { uuid: 'q1', count: 1, version: 1 },
    { uuid: 'q1', count: 2, version: 2 },
  ], 'each .do() ran once, on the state the request before it saved')
  t.equal(await server.version('q1'), 3, 'one write per request')
  t.equal((await server.record('q1'))?.state.context.ctx.count, 3)
})

t.test('a status event of a call waits for the input in progress, then is saved on top of it', async (t) => {
  const server = await testServer(t, { flows: [counter] })
  t.teardown(() => {
    runs.length = 0
    gates.clear()
  })
  await server.answer('q3')
  const gate = deferred()
  gates.set('q3', gate.promise)
  const input = server.input('counter', 'count', 'q3', '1')
  while (!runs.some((r) => r.uuid === 'q3' && r.count === 1)) await new Promise((resolve) => setTimeout(resolve, 5))
  let eventDone = false
  const event = server.post('/event', { uuid: 'q3', conversation_uuid: conv('q3'), status: 'completed', timestamp: new Date(Date.now() + 60_000).toISOString() })
    .then((res) => {
      eventDone = true
      return res
    })
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(eventDone, false, 'the event waits')
  gate.resolve()
  t.same(talks(JSON.parse((await input).body)), ['Count 2.'])
  t.equal((await event).statusCode, 204)
  const record = await server.record('q3')
  t.equal(record?.ended, true)
  t.equal(record?.state.context.ctx.count, 2, 'the input\'s result was kept')
  t.equal(await server.version('q3'), 3)
})
