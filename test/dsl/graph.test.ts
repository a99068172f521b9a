import t from 'tap'
import { flowToMermaid } from '../../src/index.js'
import ivrMenu from '../../flows/ivr-menu.js'

t.test('a flow draws as a Mermaid state diagram with every way out of every step', async (t) => {
  t.equal(flowToMermaid(ivrMenu.toDefinition()), `stateDiagram-v2
  [*] --> menu
  menu --> sales: dtmf 1 or speech sales
  menu --> voicemail: dtmf 2 or speech message
  menu --> retry: timeout
  menu --> sorry: otherwise
  sorry --> retry: next
  retry --> menu: next?
  retry --> goodbye: next?
  sales --> voicemail: connect failed
  sales --> [*]
  voicemail --> goodbye: next
  goodbye --> [*]
`)
})
