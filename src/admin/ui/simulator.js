// The simulator: call a flow through the server's own routes and play the caller: keys, speech, a timeout, a failed
// connect, hang up. What the caller hears is shown, and spoken by the browser when asked to.
import { api } from './api.js'
import { fill, folded, h, title } from './dom.js'

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']
const FAILURES = ['failed', 'busy', 'unanswered', 'timeout', 'rejected', 'cancelled']

/** Speaks what the caller hears (talk texts; the bracketed notes are not spoken). */
function speak(heard) {
  for (const { lines } of heard) {
    for (const line of lines) if (!line.startsWith('[')) speechSynthesis.speak(new SpeechSynthesisUtterance(line))
  }
}

/** The simulator page. */
export async function simulatorView() {
  const { flows } = await api('flows')
  let call
  let keys = ''

  const flowPick = h('select', { id: 'sim-flow' }, flows.map((f) => h('option', { value: f.name }, f.name)))
  const aloud = h('input', { id: 'sim-aloud', type: 'checkbox', disabled: !('speechSynthesis' in window) })
  const transcript = h('ol', { class: 'transcript', 'aria-live': 'polite', 'aria-label': 'What the caller hears' })
  const stepNow = h('output', { id: 'sim-step', class: 'step' }, '—')
  const waiting = h('output', { id: 'sim-waiting' }, '—')
  const context = h('div')
  const problem = h('p', { role: 'alert', class: 'error' })
  const typed = h('output', { id: 'sim-keys', class: 'keys-typed' })
  const speech = h('input', { id: 'sim-speech', type: 'text', autocomplete: 'off' })
  const failure = h('select', { id: 'sim-failure' }, FAILURES.map((s) => h('option', { value: s }, s)))

  const send = async (body) => {
    problem.textContent = ''
    try {
      show(await api(`simulator/calls/${call.uuid}`, { method: 'POST', body }))
    } catch (error) {
      problem.textContent = error.message
    }
  }
  const sendKeys = () => {
    const digits = keys
    keys = ''
    typed.value = ''
    if (digits !== '') return send({ action: 'press', digits })
  }
  const press = (key) => {
    keys += key
    typed.value = keys
    const dtmf = call?.waitingAt?.dtmf ?? {}
    if (keys.length >= (dtmf.maxDigits ?? 4) || (key === '#' && dtmf.submitOnHash === true)) return sendKeys()
  }
  const keypad = h('div', { class: 'keypad', role: 'group', 'aria-label': 'Keypad' },
    KEYS.map((key) => h('button', { type: 'button', class: 'key', 'data-key': key, onclick: () => press(key) }, key)))
  const sendKeysButton = h('button', { type: 'button', onclick: sendKeys }, 'Send keys')
  const sayForm = h('form', { class: 'say', onsubmit: (event) => { event.preventDefault(); if (speech.value.trim() !== '') send({ action: 'say', words: speech.value }).then(() => { speech.value = '' }) } },
    h('label', { for: 'sim-speech' }, 'The caller says '), speech, h('button', { type: 'submit' }, 'Say'))
  const timeOut = h('button', { type: 'button', onclick: () => send({ action: 'wait' }) }, 'Let it time out')
  const failForm = h('form', { class: 'fail', onsubmit: (event) => { event.preventDefault(); send({ action: 'fail', status: failure.value }) } },
    h('label', { for: 'sim-failure' }, 'The connect ends '), failure, h('button', { type: 'submit' }, 'Fail the connect'))
  const hangUp = h('button', { type: 'button', class: 'danger', onclick: () => send({ action: 'hangup' }) }, 'Hang up')

  /** Shows a call's state: what was heard, the step, what the caller can do now. */
  function show(state) {
    call = state
    for (const { step, lines } of state.heard) {
      transcript.append(h('li', {}, h('span', { class: 'step-name' }, step ?? '—'), h('ul', {}, lines.map((line) => h('li', { class: line.startsWith('[') ? 'note' : 'said' }, line)))))
    }
    if (state.ended) transcript.append(h('li', { class: 'ended' }, 'The call has ended.'))
    transcript.lastElementChild?.scrollIntoView({ block: 'nearest' })
    if (aloud.checked) speak(state.heard)
    stepNow.value = state.step ?? '—'
    waiting.value = state.ended ? 'the call has ended' : state.waitingAt === null ? '—' : state.waitingAt.action
    fill(context, folded('context', state.context, true))
    const can = new Set(state.accepts)
    for (const button of keypad.querySelectorAll('button')) button.disabled = !can.has('press')
    sendKeysButton.disabled = !can.has('press')
    for (const control of [speech, ...sayForm.querySelectorAll('button')]) control.disabled = !can.has('say')
    timeOut.disabled = !can.has('wait')
    for (const control of [failure, ...failForm.querySelectorAll('button')]) control.disabled = !can.has('fail')
    hangUp.disabled = !can.has('hangup')
  }

  const place = h('form', {
    class: 'place',
    onsubmit: async (event) => {
      event.preventDefault()
      problem.textContent = ''
      keys = ''
      typed.value = ''
      transcript.replaceChildren()
      if ('speechSynthesis' in window) speechSynthesis.cancel()
      try {
        show(await api('simulator/calls', { method: 'POST', body: { flow: flowPick.value } }))
        link.hidden = false
        link.href = `#/calls/${encodeURIComponent(call.uuid)}`
      } catch (error) {
        problem.textContent = error.message
      }
    },
  }, h('label', { for: 'sim-flow' }, 'Flow '), flowPick, h('button', { type: 'submit' }, 'Call'),
  h('label', { class: 'aloud' }, aloud, ' Speak what the caller hears'))
  const link = h('a', { hidden: true }, 'Open this call in the inspector')

  show({ heard: [], step: undefined, waitingAt: null, accepts: [], ended: false, context: undefined })
  return {
    element: h('section', { class: 'simulator' }, title('Simulator'), place, problem,
      h('div', { class: 'sim' },
        h('div', {},
          h('h2', {}, 'The caller hears'), transcript,
          h('dl', { class: 'facts' }, h('dt', {}, 'Step'), h('dd', {}, stepNow), h('dt', {}, 'Vonage waits at'), h('dd', {}, waiting)),
          link),
        h('div', { class: 'controls' },
          h('h2', {}, 'The caller does'),
          keypad, h('p', {}, h('label', { for: 'sim-keys' }, 'Keys typed: '), typed, ' ', sendKeysButton),
          sayForm, h('p', {}, timeOut), failForm, h('p', {}, hangUp),
          h('h2', {}, 'Context'), context))),
    stop: () => { if ('speechSynthesis' in window) speechSynthesis.cancel() },
  }
}
