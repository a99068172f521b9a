// Replay: a recorded webhook run again with the flows loaded now, against the call as it was before it, never changing
// the real call, and never starting the flow's handlers.
import t from 'tap'
import { flow } from '../../src/index.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { createMemoryStore } from '../../src/runtime/store/index.js'
import { simulateCall } from '../../src/testing/index.js'
import { adminServer, auth, detailWith } from './fixtures/admin.js'

/** A menu whose option 2 says `greeting`; the bug and its fix differ in that text only. */
const menu = (greeting: string, recordings: string[] = []) => flow('menu').steps({
  ask: (s) => s.talk('Press 1 for news, 2 for help.').input({ type: ['dtmf'] }).on({ dtmf: '1' }, 'news').on({ dtmf: '2' }, 'help').otherwise('ask'),
  news: (s) => s.talk('No news today.').record({ endOnKey: '#' }, async (recording) => {
    recordings.push(String(recording.recording_url))
  }),
  help: (s) => s.talk(greeting),
})

const replay = (app: Awaited<ReturnType<typeof adminServer>>, uuid: string, index: number | string) =>
  app.inject({ method: 'POST', url: `/_nccoflow/api/calls/${uuid}/webhooks/${index}/replay`, headers: auth })

t.test('a fixed flow answers the recorded request differently now; the real call and its log stay as they were', async (t) => {
  const store = createMemoryStore<CallRecord>()
  const buggy = await adminServer(t, { flows: [menu('Helo, how can I hlep?')], defaultFlow: 'menu', store })
  const call = simulateCall(buggy, { flow: 'menu', uuid: 'leg-r', conversationUuid: 'CON-r' })
  await call.answer()
  await call.press('2')
  const before = await detailWith(buggy, 'CON-r', 2)
  const stored = await store.get('CON-r')

  // The same store, the flow fixed: as after a deploy, or a reload under nccoflow dev.
  const fixed = await adminServer(t, { flows: [menu('Hello, how can I help?')], defaultFlow: 'menu', store })
  const res = await replay(fixed, 'CON-r', 1)
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), {
    then: { status: 200, stepAfter: 'help', response: [{ action: 'talk', text: 'Helo, how can I hlep?' }] },
    now: { status: 200, stepAfter: 'help', response: [{ action: 'talk', text: 'Hello, how can I help?' }] },
  })
  t.strictSame(await store.get('CON-r'), stored, 'the real call\'s record is unchanged, version included')
  t.strictSame((await detailWith(fixed, 'leg-r', 2)).webhooks, before.webhooks, 'and its log: a replay adds no entry')

  const answer = await replay(fixed, 'leg-r', 0)
  t.strictSame(answer.json().now, { status: 200, stepAfter: 'ask', response: before.webhooks[0].response }, 'the answer (a GET) replays as a new call')
})

t.test('a replay never starts the flow\'s handlers', async (t) => {
  const recordings: string[] = []
  const app = await adminServer(t, { flows: [menu('Hi.', recordings)], defaultFlow: 'menu' })
  const call = simulateCall(app, { flow: 'menu', uuid: 'leg-h', conversationUuid: 'CON-h' })
  await call.answer()
  await call.press('1')
  await call.recordingDone({ recording_url: 'https://api.nexmo.com/v1/files/rec-1' })
  await app.nccoflow.runtime.drain()
  t.strictSame(recordings, ['https://api.nexmo.com/v1/files/rec-1'])
  const detail = await detailWith(app, 'CON-h', 3)
  t.equal(detail.webhooks[2].kind, 'record')
  const res = await replay(app, 'CON-h', 2)
  t.strictSame(res.json(), { then: { status: 204, stepAfter: 'news', response: null }, now: { status: 204, stepAfter: 'news', response: null } })
  await app.nccoflow.runtime.drain()
  t.strictSame(recordings, ['https://api.nexmo.com/v1/files/rec-1'], 'the handler ran once: for the real webhook only')
})

t.test('an unknown call or index is a 404, a bad index a 400', async (t) => {
  const app = await adminServer(t, { flows: [menu('Hi.')], defaultFlow: 'menu', numbers: { '447700900000': 'menu' } })
  await simulateCall(app, { flow: 'menu', uuid: 'leg-x', conversationUuid: 'CON-x' }).answer()
  await detailWith(app, 'CON-x', 1)
  t.strictSame((await replay(app, 'nobody', 0)).json().code, 'NCCOFLOW_ERR_ADMIN_NOT_FOUND')
  const beyond = await replay(app, 'CON-x', 7)
  t.strictSame([beyond.statusCode, beyond.json().message], [404, 'No webhook 7 of call "CON-x": its inspector log keeps the last 50 webhooks of a call'])
  for (const index of ['one', '-1', '1e3', '99999999999999999999']) {
    const bad = await replay(app, 'CON-x', index)
    t.strictSame([bad.statusCode, bad.json().code], [400, 'NCCOFLOW_ERR_ADMIN_REQUEST_INVALID'], index)
  }
  t.equal((await app.inject({ method: 'POST', url: '/_nccoflow/api/calls/CON-x/webhooks/0/replay' })).statusCode, 401)
})

t.test('replaying on a server that no longer has the default flow or the numbered one still works', async (t) => {
  const store = createMemoryStore<CallRecord>()
  const old = await adminServer(t, { flows: [menu('Hi.')], defaultFlow: 'menu', numbers: { '447700900000': 'menu' }, store })
  await simulateCall(old, { uuid: 'leg-a', conversationUuid: 'CON-a' }).answer()
  await detailWith(old, 'CON-a', 1)
  const other = flow('other').steps({ only: (s) => s.talk('Other.') })
  const now = await adminServer(t, { flows: [other, menu('Hi.')], defaultFlow: 'other', store })
  // The scratch server resolves the options of the flows loaded now: `/answer` serves its default flow.
  const res = await replay(now, 'CON-a', 0)
  t.strictSame(res.json().now.response, [{ action: 'talk', text: 'Other.' }])
})

t.test('replay() uses the flows the runtime has now, even when the options name a flow that is gone', async (t) => {
  const { replay: run } = await import('../../src/admin/replay.js')
  const { CallRuntime } = await import('../../src/runtime/runtime.js')
  const { resolveOptions } = await import('../../src/server/options.js')
  const failing = flow('failing').steps({
    start: (s) => s.talk(() => {
      throw new Error('lookup down')
    }),
  })
  const gone = flow('gone').steps({ only: (s) => s.talk('Gone.') })
  const options = resolveOptions({ flows: [gone, failing], defaultFlow: 'gone', numbers: { '447700900000': 'gone', '447700900001': 'failing' }, publicUrl: 'https://ivr.test' })
  const runtime = new CallRuntime({ flows: [failing.toDefinition()] })
  const context = { runtime, options } as unknown as Parameters<typeof run>[0]
  const entry = {
    at: new Date().toISOString(), method: 'POST', path: '/answer', kind: 'answer', stepBefore: null, stepAfter: null, status: 200, ms: 1,
    request: { uuid: 'leg-g', conversation_uuid: 'CON-g', to: '447700900001' }, response: null, before: null, base: 'https://ivr.test',
  }
  const now = await run(context, entry, 'CON-g')
  t.strictSame(now, { status: 200, stepAfter: null, response: failing.toDefinition().fallback }, 'the flow failed: its fallback, and no call')
  await runtime.store.close()
})
