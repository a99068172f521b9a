import t from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import survey from '../../flows/survey.js'
import { silentLogger } from '../../src/runtime/log.js'
import { compileFlow } from '../../src/runtime/machine.js'
import { fixedSteps, renderFrom } from '../../src/runtime/render.js'
import type { LoadedFlow } from '../../src/runtime/types.js'

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
