import t from 'tap'
import { flow, flowToMermaid } from '../../src/index.js'
import ivrMenu from '../../flows/ivr-menu.js'

t.test('a flow draws as a Mermaid state diagram with every way out of every step', async (t) => {
  t.equal(flowToMermaid(ivrMenu.toDefinition()), `stateDiagram-v2
  [*] --> menu
  menu --> sales: dtmf 1 or speech sales
  menu --> voicemail: dtmf 2 or speech message
  menu --> retry: timeout
  menu --> sorry: otherwise
  sorry --> retry: next
  retry --> menu: retry
  retry --> goodbye: after 2 retries
  sales --> voicemail: connect failed
  sales --> [*]
  voicemail --> goodbye: next
  goodbye --> [*]
`)
})

t.test('predicate and pattern branches are labelled too', async (t) => {
  const definition = flow('g').steps({
    a: (s) => s.input({ type: ['dtmf', 'speech'] }).on({ dtmf: (d) => d.length > 3, speech: /yes/ }, 'b').otherwise('a'),
    b: (s) => s.input({ type: ['speech'] }).on({ speech: (text) => text === 'no' }, 'c').otherwise('b'),
    c: (s) => s.talk('c'),
  })
    .toDefinition()
  t.match(flowToMermaid(definition), '  a --> b: dtmf fn or speech /yes/\n')
  t.match(flowToMermaid(definition), '  b --> c: speech fn\n')
})

t.test('a retry is drawn back to each question that can lead to it, and on to where it gives up', async (t) => {
  const definition = flow('r').steps({
    first: (s) => s.input({ type: ['dtmf'] }).on({ dtmf: '1' }, 'second').otherwise('sorry'),
    second: (s) => s.input({ type: ['dtmf'] }).on({ dtmf: '2' }, 'done').otherwise('done'),
    sorry: (s) => s.talk('Sorry.').retry({ times: 1, then: 'done' }),
    done: (s) => s.talk('Bye.'),
  }).toDefinition()
  t.equal(flowToMermaid(definition), `stateDiagram-v2
  [*] --> first
  first --> second: dtmf 1
  first --> sorry: otherwise
  second --> done: dtmf 2
  second --> done: otherwise
  sorry --> first: retry
  sorry --> done: after 1 retries
  done --> [*]
`, 'second cannot lead to sorry, so no retry goes back to it')
})

t.test('a step whose name Mermaid cannot read as an id is declared under one it can, and drawn with its name', async (t) => {
  const definition = flow('names').steps({
    'rating-again': (s) => s.input({ type: ['dtmf'] }).on({ dtmf: '1' }, 'rating_again').on({ dtmf: '2' }, 'end').otherwise('1st'),
    rating_again: (s) => s.talk('Again.').goto('note'),
    end: (s) => s.talk('End.'),
    note: (s) => s.talk('Note.'),
    '1st': (s) => s.talk('First.'),
  }).toDefinition()
  t.equal(flowToMermaid(definition), `stateDiagram-v2
  state "rating-again" as rating_again_2
  state "end" as end_
  state "note" as note_
  state "1st" as s_1st
  [*] --> rating_again_2
  rating_again_2 --> rating_again: dtmf 1
  rating_again_2 --> end_: dtmf 2
  rating_again_2 --> s_1st: otherwise
  rating_again --> note_: next
  end_ --> [*]
  note_ --> [*]
  s_1st --> [*]
`, 'a hyphen, a name another step has once - is _, Mermaid\'s own words, a leading digit')
})
