import t, { type Test } from 'tap'
import { flow } from '../../src/index.js'
import { buildServer } from '../../src/server/index.js'
import { simulateCall } from '../../src/testing/index.js'

// Whole calls whose status events arrive late or twice (reference §5.4), against a flow with a status handler:
// a finished call stays finished, and a handler should see each status of the call once.

async function start(t: Test) {
  const seen: string[] = []
  const late = flow('late')
    .steps({ hello: (s) => s.talk('Hello.') })
    .onStatus('*', (event) => {
      seen.push(event.status)
    })
  const app = await buildServer({ flows: [late], publicUrl: 'https://ivr.test' })
  t.teardown(() => app.close())
  return { app, seen }
}

t.test('a ringing that arrives after completed changes nothing and runs no handler', async (t) => {
  const { app, seen } = await start(t)
  const call = simulateCall(app)
  t.strictSame(await call.answer(), [{ action: 'talk', text: 'Hello.' }])
  await call.event('started')
  const startedAt = call.requests.at(-1)?.payload.timestamp
  await call.event('answered')
  await call.finish()
  t.strictSame(seen, ['started', 'answered', 'completed'])
  const before = call.callRecord
  await call.event('ringing', { timestamp: startedAt })
  t.strictSame([call.step, call.ended, call.callRecord?.state], ['hello', true, before?.state])
  t.strictSame(seen, ['started', 'answered', 'completed'], 'the late ringing reached no handler')
})

t.test('completed sent twice with different timestamps ends the call once and runs its handler once', async (t) => {
  const { app, seen } = await start(t)
  const call = simulateCall(app)
  await call.answer()
  await call.hangup()
  await call.hangup()
  t.strictSame([call.step, call.ended], ['hello', true])
  t.equal(call.history.filter((h) => h.event === 'status:completed').length, 2, 'history keeps both, as they differ')
  t.strictSame(seen, ['completed'], 'the completed handler ran once')
})
