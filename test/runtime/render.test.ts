import t from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import survey from '../../flows/survey.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { silentLogger } from '../../src/runtime/log.js'
import { CallRuntime } from '../../src/runtime/runtime.js'
import { createMemoryStore } from '../../src/runtime/store/memory.js'
import { compileFlow } from '../../src/runtime/machine.js'
import { fixedSteps, renderedText, renderFrom } from '../../src/runtime/render.js'
import { buildServer } from '../../src/server/index.js'
import type { LoadedFlow } from '../../src/runtime/types.js'
import { eventId } from '../../src/runtime/callbacks/context.js'
import { flow } from '../../src/dsl/flow.js'

// Steps whose NCCO depends on nothing of the call are rendered and validated once per base URL.

function load(flow: { toDefinition(): LoadedFlow['definition'] }): LoadedFlow {
  const definition = flow.toDefinition()
  return { definition, compiled: compileFlow(definition), fixed: fixedSteps(definition), rendered: new Map() }
}

t.test('fixed steps: only actions written without functions, going on to fixed steps', async (t) => {
  t.strictSame([...load(ivrMenu).fixed].sort(), ['goodbye', 'menu', 'sales', 'voicemail'], 'sorry and retry go through retry(), which depends on the call')
  t.strictSame([...load(survey).fixed].sort(), ['rating', 'rating-again'], 'word and thanks use the context')
})

t.test('a fixed step renders once per base URL; the same frozen NCCO and end step come back', async (t) => {
  const flow = load(ivrMenu)
  const call = { uuid: 'r1' }
  const from = flow.compiled.restore({ value: 'voicemail', context: { ctx: {} } })
  const first = await renderFrom(flow, call, from, 'https://a.test', silentLogger)
  const again = await renderFrom(flow, call, from, 'https://a.test', silentLogger)
  t.equal(again.ncco, first.ncco, 'the cached NCCO')
  t.ok(Object.isFrozen(first.ncco))
  t.equal(String(again.snapshot.value), 'goodbye', 'the call ends where rendering ended: voicemail falls through to goodbye')
  t.strictSame(again.snapshot.context, from.context)
  const other = await renderFrom(flow, call, from, 'https://b.test', silentLogger)
  t.not(other.ncco, first.ncco)
  t.match(JSON.stringify(other.ncco), 'https://b.test/flows/ivr-menu/voicemail/record')
  const menu = flow.compiled.restore({ value: 'menu', context: { ctx: {} } })
  t.equal((await renderFrom(flow, call, menu, 'https://a.test', silentLogger)).snapshot, menu, 'a step that awaits stays where it was')
  t.equal(flow.rendered.size, 3)
})

t.test('steps passed through whose actions have no functions: validated once, then the same frozen NCCO comes back', async (t) => {
  const flow = load(ivrMenu)
  const sorry = flow.compiled.restore({ value: 'sorry', context: { ctx: {}, asked: 'menu' } })
  const first = await renderFrom(flow, { uuid: 'p1' }, sorry, 'https://a.test', silentLogger)
  t.strictSame(first.replay, { steps: ['sorry', 'retry', 'menu'], base: 'https://a.test' })
  t.ok(Object.isFrozen(first.ncco))
  const again = await renderFrom(flow, { uuid: 'p2' }, sorry, 'https://a.test', silentLogger)
  t.equal(again.ncco, first.ncco, 'the NCCO of that path, validated the first time')
  t.equal(String(again.snapshot.value), 'menu')
  t.equal(again.snapshot.context.retries, 1, 'the machine still moved: retry() counted the attempt')
  // Retries used up: sorry, retry, then goodbye: another path, its own NCCO, made of the same rendered actions.
  const spent = flow.compiled.restore({ value: 'sorry', context: { ctx: {}, asked: 'menu', retries: 2 } })
  const last = await renderFrom(flow, { uuid: 'p3' }, spent, 'https://a.test', silentLogger)
  t.strictSame(last.replay?.steps, ['sorry', 'retry', 'goodbye'])
  t.not(last.ncco, first.ncco)
  t.equal(last.ncco[0], first.ncco[0], 'the talk of "sorry", rendered once for its step and base URL')
  t.ok(Object.isFrozen(last.ncco[0]))
  const elsewhere = await renderFrom(flow, { uuid: 'p4' }, sorry, 'https://b.test', silentLogger)
  t.not(elsewhere.ncco, first.ncco)
  t.match(JSON.stringify(elsewhere.ncco), 'https://b.test/flows/ivr-menu/menu/input')
  t.notMatch(JSON.stringify(elsewhere.ncco), 'https://a.test')
})

t.test('steps that depend on the call are rendered every time; the cache is bounded', async (t) => {
  const flow = load(survey)
  const from = flow.compiled.restore({ value: 'word', context: { ctx: { rating: 4, word: '' } } })
  const once = await renderFrom(flow, { uuid: 'r2' }, from, 'https://a.test', silentLogger)
  t.equal(flow.rendered.size, 0)
  t.not((await renderFrom(flow, { uuid: 'r2' }, from, 'https://a.test', silentLogger)).ncco, once.ncco)
  const rating = flow.compiled.restore({ value: 'rating', context: { ctx: { rating: 0, word: '' } } })
  for (let n = 0; n < 1030; n += 1) await renderFrom(flow, { uuid: 'r3' }, rating, `https://h${n}.test`, silentLogger)
  t.equal(flow.rendered.size, 1024, 'base URLs taken from requests cannot grow it without bound')
})

t.test('a fixed step\'s answer is kept as a reference; a retry, even on a runtime that never rendered it, gets the same bytes', async (t) => {
  const store = createMemoryStore<CallRecord>()
  t.teardown(() => store.close())
  const first = new CallRuntime({ flows: [ivrMenu.toDefinition(), survey.toDefinition()], store })
  const request = { baseUrl: 'https://a.test', key: 'answer-1' }
  const answered = await first.answer('ivr-menu', { uuid: 'f1', conversation_uuid: 'CON-f1' }, request)
  const stored = (await store.get('CON-f1'))?.value
  t.strictSame(stored?.last, { key: 'answer-1', fixed: { step: 'menu', base: 'https://a.test' } }, 'no copy of the NCCO in the record')
  const restarted = new CallRuntime({ flows: [ivrMenu.toDefinition(), survey.toDefinition()], store })
  t.equal(JSON.stringify(await restarted.answer('ivr-menu', { uuid: 'f1', conversation_uuid: 'CON-f1' }, request)), JSON.stringify(answered))
  const input = { uuid: 'f1', conversation_uuid: 'CON-f1', dtmf: { digits: '2' }, timestamp: '2030-01-01T00:00:00.000Z' }
  const voicemail = await first.callback('ivr-menu', 'menu', 'input', input, { baseUrl: 'https://a.test', key: 'input-1' })
  t.equal(JSON.stringify(await restarted.callback('ivr-menu', 'menu', 'input', input, { baseUrl: 'https://a.test', key: 'input-1' })), JSON.stringify(voicemail), 'a retried input')
  t.equal(JSON.stringify(await restarted.callback('ivr-menu', 'menu', 'input', { ...input, dtmf: { digits: '2', timed_out: false } }, { baseUrl: 'https://a.test', key: 'input-2' })), JSON.stringify(voicemail), 'a duplicate in other bytes')
  // A step that depends on the call keeps its NCCO in the record.
  await first.answer('survey', { uuid: 's1', conversation_uuid: 'CON-s1' }, { baseUrl: 'https://a.test', key: 'answer-s1' })
  await first.callback('survey', 'rating', 'input', { uuid: 's1', dtmf: { digits: '4' } }, { baseUrl: 'https://a.test', key: 'input-s1' })
  t.match((await store.get('CON-s1'))?.value.last, { key: 'input-s1', ncco: [{ action: 'talk', text: 'You gave us 4. In one word, how would you describe us?' }] })
})

t.test('an answer through steps without functions in their actions is kept as those steps; a retry gets the same bytes', async (t) => {
  const store = createMemoryStore<CallRecord>()
  t.teardown(() => store.close())
  const first = new CallRuntime({ flows: [ivrMenu.toDefinition()], store })
  await first.answer('ivr-menu', { uuid: 'r1', conversation_uuid: 'CON-r1' }, { baseUrl: 'https://a.test', key: 'answer-r1' })
  // An unknown key: "sorry", then retry() back to the menu (a step reached through the call's context, so not fixed).
  const input = { uuid: 'r1', conversation_uuid: 'CON-r1', dtmf: { digits: '9' }, timestamp: '2030-01-01T00:00:00.000Z' }
  const sorry = await first.callback('ivr-menu', 'menu', 'input', input, { baseUrl: 'https://a.test', key: 'input-r1' })
  t.match(sorry, [{ action: 'talk', text: /sorry/i }])
  const last = (await store.get('CON-r1'))?.value.last
  t.strictSame(last, { key: 'input-r1', event: eventId('input', '2030-01-01T00:00:00.000Z', undefined), replay: { steps: ['sorry', 'retry', 'menu'], base: 'https://a.test' } }, 'the steps, not a copy of the NCCO')
  const restarted = new CallRuntime({ flows: [ivrMenu.toDefinition()], store })
  t.equal(JSON.stringify(await restarted.callback('ivr-menu', 'menu', 'input', input, { baseUrl: 'https://a.test', key: 'input-r1' })), JSON.stringify(sorry), 'a retried input')
  t.equal(JSON.stringify(await restarted.callback('ivr-menu', 'menu', 'input', { ...input, dtmf: { digits: '9', timed_out: false } }, { baseUrl: 'https://a.test', key: 'input-r2' })), JSON.stringify(sorry), 'a duplicate in other bytes')
  t.equal((await store.get('CON-r1'))?.version, 2, 'neither moved the call')
  // A deploy that removed a step the answer passed through: the retry cannot be rendered again; the caller hears the fallback.
  const stored = await store.get('CON-r1')
  const record = stored?.value as CallRecord
  await store.put('CON-r1', { ...record, last: { key: 'input-r1', replay: { steps: ['sorry', 'gone'], base: 'https://a.test' } } }, stored?.version ?? null, 60)
  t.strictSame(await restarted.callback('ivr-menu', 'menu', 'input', input, { baseUrl: 'https://a.test', key: 'input-r1' }), ivrMenu.toDefinition().fallback)
})

t.test('a retry answered from steps no request of this process has rendered yet gets the NCCO they render to', async (t) => {
  // A flow made here: its actions have never been rendered (as after a restart), so the retry renders them itself.
  const fresh = flow('fresh').steps({
    ask: (s) => s.talk('Press a key.').input({ type: ['dtmf'] }).otherwise('sorry'),
    sorry: (s) => s.talk('Sorry.').goto('again'),
    again: (s) => s.talk('Once more.').input({ type: ['dtmf'] }).otherwise('sorry'),
  })
  const store = createMemoryStore<CallRecord>()
  t.teardown(() => store.close())
  const runtime = new CallRuntime({ flows: [fresh.toDefinition()], store })
  const now = Date.now()
  const record: CallRecord = {
    flow: 'fresh', flowVersion: fresh.toDefinition().version, call: { uuid: 'x1' }, ended: false, createdAt: now, updatedAt: now,
    state: { value: 'again', context: { ctx: {}, asked: 'ask' } }, history: [],
    last: { key: 'input-x1', replay: { steps: ['sorry', 'again'], base: 'https://a.test' } },
  }
  await store.put('x1', record, null, 60)
  const retried = await runtime.callback('fresh', 'again', 'input', { uuid: 'x1', dtmf: { digits: '5' } }, { baseUrl: 'https://a.test', key: 'input-x1' })
  t.strictSame(retried, [
    { action: 'talk', text: 'Sorry.' },
    { action: 'talk', text: 'Once more.' },
    { action: 'input', type: ['dtmf'], eventUrl: ['https://a.test/flows/fresh/again/input'] },
  ])
  t.equal((await store.get('x1'))?.version, 1, 'a retry does not move the call')
})

t.test('an NCCO kept rendered has its JSON text kept with it, and the server answers that text', async (t) => {
  const loaded = load(ivrMenu)
  const menu = loaded.compiled.restore({ value: 'menu', context: { ctx: {} } })
  const kept = await renderFrom(loaded, { uuid: 't1' }, menu, 'https://a.test', silentLogger)
  t.equal(renderedText(kept.ncco), JSON.stringify(kept.ncco))
  const asking = load(survey)
  const word = asking.compiled.restore({ value: 'word', context: { ctx: { rating: 4, word: '' } } })
  const fresh = await renderFrom(asking, { uuid: 't2' }, word, 'https://a.test', silentLogger)
  t.equal(renderedText(fresh.ncco), undefined, 'an NCCO rendered from functions has no kept text: it is serialised as it is sent')

  const app = await buildServer({ flows: [ivrMenu], publicUrl: 'https://ivr.test' })
  t.teardown(() => app.close())
  const answer = (uuid: string) => app.inject({ method: 'GET', url: `/answer?uuid=${uuid}&conversation_uuid=CON-${uuid}&from=447700900000&to=447700900001` })
  const [one, two] = [await answer('t3'), await answer('t4')]
  t.equal(one.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(two.body, one.body, 'the same bytes for every call')
  t.equal(one.body, JSON.stringify(one.json()), 'the text is the NCCO as JSON')
  t.match(one.json(), [{ action: 'talk' }, { action: 'input', eventUrl: ['https://ivr.test/flows/ivr-menu/menu/input'] }])
})
