// Flow diagrams: the flow's Mermaid source (the one `nccoflow graph` prints), drawn by Mermaid from node_modules.
import { h } from './dom.js'

let mermaid
let drawn = 0

async function load() {
  if (mermaid === undefined) {
    mermaid = (await import('../vendor/mermaid/mermaid.esm.min.mjs')).default
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' })
  }
  return mermaid
}

/**
 * The Mermaid id of each step the source declares under another id (`state "rating-again" as rating_again`: a step
 * whose name Mermaid does not read as an id); every other step is drawn under its own name.
 */
export function mermaidIds(source) {
  const ids = new Map()
  for (const [, name, id] of source.matchAll(/^\s*state "([^"]*)" as (\S+)\s*$/gm)) ids.set(name, id)
  return ids
}

/**
 * A flow's diagram, with the steps a call went through (`visited`) and the one it is in (`current`) marked. The marks
 * are Mermaid classes added to the source (on the steps' Mermaid ids), and the diagram's text alternative names them.
 */
export function diagram(source, { current, visited = [] } = {}) {
  const ids = mermaidIds(source)
  const id = (step) => ids.get(step) ?? step
  const marks = []
  const passed = visited.filter((step) => step !== current)
  if (passed.length > 0) marks.push('  classDef visited fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px', `  class ${passed.map(id).join(',')} visited`)
  if (current !== undefined) marks.push('  classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px', `  class ${id(current)} current`)
  const said = [current === undefined ? '' : `current step: ${current}`, passed.length === 0 ? '' : `passed: ${passed.join(', ')}`].filter(Boolean).join('; ')
  const figure = h('figure', { class: 'diagram' }, h('p', { class: 'muted' }, 'Drawing the flow…'))
  const caption = h('figcaption', {}, said === '' ? 'Flow diagram' : `Flow diagram (${said})`)
  const name = `flow-diagram-${++drawn}`
  load()
    .then((m) => m.render(name, `${source.trimEnd()}\n${marks.join('\n')}\n`))
    .then(({ svg }) => {
      figure.innerHTML = svg
      figure.querySelector('svg')?.setAttribute('role', 'img')
      figure.append(caption)
    })
    .catch((error) => {
      // Mermaid leaves its error picture in the page's body.
      document.getElementById(`d${name}`)?.remove()
      figure.replaceChildren(h('pre', {}, source), h('p', { class: 'error' }, `Mermaid could not draw it: ${error.message}`), caption)
    })
  return figure
}
