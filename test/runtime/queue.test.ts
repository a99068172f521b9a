import { setImmediate as tick } from 'node:timers/promises'
import t from 'tap'
import { KeyedQueue } from '../../src/runtime/queue.js'

function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

t.test('tasks of one key run one at a time, in arrival order', async (t) => {
  const queue = new KeyedQueue()
  const log: string[] = []
  const gates = [deferred(), deferred(), deferred()]
  const runs = gates.map((gate, i) => queue.run('call', async () => {
    log.push(`start ${i}`)
    await gate.promise
    log.push(`end ${i}`)
    return i
  }))
  await tick()
  t.same(log, ['start 0'], 'only the first started')
  // Releasing a later task first changes nothing: order is arrival order.
  gates[2]?.resolve()
  gates[1]?.resolve()
  await tick()
  t.same(log, ['start 0'])
  gates[0]?.resolve()
  t.same(await Promise.all(runs), [0, 1, 2], 'each resolves with its own result')
  t.same(log, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2'])
})

t.test('different keys run concurrently', async (t) => {
  const queue = new KeyedQueue()
  const blocker = deferred()
  const log: string[] = []
  const blocked = queue.run('a', async () => {
    await blocker.promise
    log.push('a')
  })
  await queue.run('b', async () => {
    log.push('b')
  })
  t.same(log, ['b'], 'b finished while a is blocked')
  await tick()
  t.equal(queue.size, 1, 'only a is pending')
  blocker.resolve()
  await blocked
  t.same(log, ['b', 'a'])
})

t.test('a rejected task rejects its caller and does not block the next one', async (t) => {
  const queue = new KeyedQueue()
  const failing = queue.run('k', async () => {
    throw new Error('task failed')
  })
  const next = queue.run('k', async () => 'next ran')
  await t.rejects(failing, { message: 'task failed' })
  t.equal(await next, 'next ran')
  // A task that throws synchronously behaves the same.
  const sync = queue.run('k', () => {
    throw new Error('sync failure')
  })
  await t.rejects(sync, { message: 'sync failure' })
  t.equal(await queue.run('k', async () => 'after'), 'after')
})

t.test('size counts keys with work pending and returns to 0', async (t) => {
  const queue = new KeyedQueue()
  t.equal(queue.size, 0)
  const gate = deferred()
  const a1 = queue.run('a', () => gate.promise)
  const a2 = queue.run('a', async () => undefined)
  const b = queue.run('b', () => gate.promise)
  t.equal(queue.size, 2, 'two keys, however many tasks')
  gate.resolve()
  await Promise.all([a1, a2, b])
  await tick()
  t.equal(queue.size, 0, 'no memory held for idle keys')
  const failing = queue.run('c', async () => {
    throw new Error('x')
  })
  t.equal(queue.size, 1)
  await t.rejects(failing)
  await tick()
  t.equal(queue.size, 0, 'also after a rejection')
})

t.test('a key reused after it went idle starts a fresh chain', async (t) => {
  const queue = new KeyedQueue()
  t.equal(await queue.run('k', async () => 1), 1)
  await tick()
  t.equal(queue.size, 0)
  const gate = deferred()
  const first = queue.run('k', () => gate.promise.then(() => 2))
  const second = queue.run('k', async () => 3)
  // The first task of the new chain still holds the key while the second waits.
  await tick()
  t.equal(queue.size, 1)
  gate.resolve()
  t.same(await Promise.all([first, second]), [2, 3])
})
