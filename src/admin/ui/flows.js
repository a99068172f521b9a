// Flows: each flow's diagram, its routes, and the NCCO each step renders for a sample call.
import { api } from './api.js'
import { diagram } from './diagram.js'
import { fill, folded, h, title } from './dom.js'

/** The NCCO of each step, one step at a time, on demand. */
function stepNccos(flow) {
  const shown = h('div', { 'aria-live': 'polite' })
  const id = `step-${flow.name}`
  const select = h('select', { id }, flow.steps.map((step) => h('option', { value: step }, step)))
  const show = async () => {
    try {
      const { ncco } = await api(`flows/${encodeURIComponent(flow.name)}/steps/${encodeURIComponent(select.value)}/ncco`)
      fill(shown, folded(`NCCO of ${select.value}`, ncco, true))
    } catch (error) {
      fill(shown, h('p', { class: 'error', role: 'alert' }, error.message))
    }
  }
  select.addEventListener('change', show)
  show()
  return h('div', { class: 'step-ncco' }, h('label', { for: id }, 'Step '), select, shown)
}

function routesTable(routes) {
  return h('table', {},
    h('thead', {}, h('tr', {}, ...['Methods', 'URL', 'Kind', 'Step'].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, routes.map((r) => h('tr', {}, h('td', {}, r.methods.join(', ')), h('td', {}, h('code', {}, r.url)), h('td', {}, r.kind), h('td', {}, r.step ?? '')))))
}

/** Every flow the server serves, and the flow files that failed to load. */
export async function flowsView() {
  const { flows, problems } = await api('flows')
  return {
    element: h('section', {}, title('Flows'),
      problems.length === 0 ? undefined : h('div', { class: 'problems', role: 'alert' }, h('h2', {}, 'Flows that failed to load'),
        h('ul', {}, problems.map((p) => h('li', {}, h('code', {}, p.file), `: ${p.message}`)))),
      flows.map((flow) => h('article', { class: 'flow', id: `flow-${flow.name}` },
        h('h2', {}, flow.name, ' ', h('span', { class: 'muted' }, flow.version ?? '')),
        diagram(flow.mermaid, {}),
        h('h3', {}, 'Routes'), routesTable(flow.routes),
        h('h3', {}, 'NCCO per step, for a sample call'), stepNccos(flow)))),
  }
}
