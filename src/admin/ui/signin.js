// Sign in: the admin token, once; the server keeps an HttpOnly cookie and the page never sees it again.
import { api, SignInNeeded } from './api.js'
import { h, title } from './dom.js'

/** The sign-in form; `done` shows the page that asked for it. */
export function signInView(done) {
  const token = h('input', { id: 'token', type: 'password', name: 'token', autocomplete: 'current-password', required: true })
  const problem = h('p', { role: 'alert', class: 'error' })
  const form = h('form', {
    class: 'sign-in',
    onsubmit: async (event) => {
      event.preventDefault()
      problem.textContent = ''
      try {
        await api('session', { method: 'POST', body: { token: token.value } })
        await done()
      } catch (error) {
        problem.textContent = error instanceof SignInNeeded ? 'That is not the admin token.' : `Could not sign in: ${error.message}`
        token.select()
      }
    },
  },
  h('label', { for: 'token' }, 'Admin token (ADMIN_TOKEN)'),
  token,
  h('button', { type: 'submit' }, 'Sign in'),
  problem)
  return { element: h('section', {}, title('Sign in'), form) }
}
