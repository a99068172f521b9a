// Calls: the most recently updated first, kept live by the server's `call` events.
import { api, listen } from './api.js'
import { age, fill, h, title } from './dom.js'

/** The live list of calls, filtered by status (all, active, ended). */
export async function callsView() {
  const status = new URLSearchParams(location.hash.split('?')[1] ?? '').get('status') ?? 'all'
  const query = status === 'all' ? '' : `?status=${status}`
  const { calls } = await api(`calls${query}`)
  const rows = new Map(calls.map((c) => [c.uuid, c]))
  const body = h('tbody')
  const empty = h('p', { class: 'muted' }, 'No calls yet. Place one with the Simulator, or call your Vonage number.')
  const table = h('table', { class: 'calls' },
    h('caption', { class: 'visually-hidden' }, 'Calls, most recently updated first'),
    h('thead', {}, h('tr', {}, ...['Call', 'Flow', 'Step', 'Caller', 'Age', 'Status'].map((name) => h('th', { scope: 'col' }, name)))),
    body)

  const render = () => {
    const shown = [...rows.values()]
      .filter((c) => status === 'all' || (status === 'ended') === c.ended)
      .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
    empty.hidden = shown.length > 0
    fill(body, shown.map((c) => h('tr', { 'data-uuid': c.uuid },
      h('td', {}, h('a', { href: `#/calls/${encodeURIComponent(c.uuid)}` }, c.uuid.slice(0, 8))),
      h('td', {}, c.flow),
      h('td', { class: 'step' }, c.step),
      h('td', {}, c.from ?? ''),
      h('td', {}, age(c.createdAt)),
      h('td', {}, c.ended ? 'ended' : 'active'))))
  }
  render()
  const stopEvents = listen({ call: (row) => { rows.set(row.uuid, row); render() } })
  const ticking = setInterval(render, 5000)

  const filter = h('fieldset', { class: 'filter' }, h('legend', {}, 'Show'),
    ...['all', 'active', 'ended'].map((value) => h('label', {},
      h('input', { type: 'radio', name: 'status', value, checked: value === status, onchange: () => { location.hash = value === 'all' ? '#/calls' : `#/calls?status=${value}` } }),
      ` ${value}`)))
  return {
    element: h('section', {}, title('Calls'), filter, table, empty),
    stop: () => { stopEvents(); clearInterval(ticking) },
  }
}
