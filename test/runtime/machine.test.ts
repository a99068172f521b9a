import t from 'tap'
import { createActor } from 'xstate'
import ivrMenu from '../../flows/ivr-menu.js'
import survey from '../../flows/survey.js'
import { compileFlow } from '../../src/runtime/machine.js'

// A new call's first snapshot is its flow's initial step resolved with the context: what xstate's own start gives.

t.test('start() is the snapshot an actor of the machine starts in, for each example flow', async (t) => {
  for (const flow of [ivrMenu, survey]) {
    const definition = flow.toDefinition()
    const compiled = compileFlow(definition)
    const context = { ctx: { ...definition.context, marker: flow.name } }
    const started = compiled.start(context)
    const actor = createActor(compiled.machine, { input: context })
    actor.start()
    const reference = actor.getSnapshot()
    actor.stop()
    t.equal(started.value, reference.value, `${flow.name}: the initial step`)
    t.strictSame(started.context, reference.context, `${flow.name}: the context`)
    t.equal(started.status, 'active')
    t.strictSame(compiled.persist(started), { value: definition.initial, context })
  }
})
