// The dashboard: one page, a view per hash route (#/calls, #/calls/<uuid>, #/flows, #/simulator).
import { api, SignInNeeded } from './api.js'
import { h, fill } from './dom.js'
import { callView } from './call.js'
import { callsView } from './calls.js'
import { flowsView } from './flows.js'
import { signInView } from './signin.js'
import { simulatorView } from './simulator.js'

const main = document.getElementById('view')
const signOut = document.getElementById('sign-out')

const routes = [
  [/^#\/calls\/(.+)$/, (match) => callView(decodeURIComponent(match[1]))],
  [/^#\/flows$/, () => flowsView()],
  [/^#\/simulator$/, () => simulatorView()],
  [/^#\/calls(\?.*)?$/, () => callsView()],
]

let stop = () => {}
let visits = 0

/** Shows the view of the current hash; a view is `{ element, stop? }` (what ends its live updates). */
async function show() {
  stop()
  stop = () => {}
  const visit = ++visits
  const hash = routes.some(([pattern]) => pattern.test(location.hash)) ? location.hash : '#/calls'
  for (const link of document.querySelectorAll('nav a')) {
    if (hash.startsWith(link.getAttribute('href'))) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
  const [pattern, view] = routes.find(([p]) => p.test(hash))
  let shown
  try {
    shown = await view(hash.match(pattern))
    signOut.hidden = false
  } catch (error) {
    if (!(error instanceof SignInNeeded)) {
      shown = { element: h('p', { role: 'alert', class: 'error' }, `Could not load this page: ${error.message}`) }
    } else {
      signOut.hidden = true
      shown = signInView(show)
    }
  }
  if (visit !== visits) {
    // Another page was asked for while this one loaded.
    shown.stop?.()
    return
  }
  stop = shown.stop ?? (() => {})
  fill(main, shown.element)
  ;(main.querySelector('h1') ?? main).focus()
}

signOut.addEventListener('click', async () => {
  await api('session', { method: 'DELETE' })
  await show()
})
window.addEventListener('hashchange', show)
show()
