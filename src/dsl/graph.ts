import { stepTargets } from './flow.js'
import type { FlowDefinition, StepDefinition } from './types.js'

const asksForInput = (step: StepDefinition) => step.branches.length > 0 || step.otherwise !== undefined || step.onTimeout !== undefined

/** The steps a `retry()` in `step` can send a call back to: every step with an input from which the call can reach it. */
function retryTargets(definition: FlowDefinition, step: StepDefinition): string[] {
  return Object.values(definition.steps).filter((asking) => {
    if (!asksForInput(asking)) return false
    const seen = new Set<string>()
    const queue = stepTargets(asking).map((t) => t.target)
    while (queue.length > 0) {
      const name = queue.shift() as string
      if (name === step.name) return true
      if (seen.has(name)) continue
      seen.add(name)
      queue.push(...stepTargets(definition.steps[name] as StepDefinition).map((t) => t.target))
    }
    return false
  }).map((s) => s.name)
}

/** Words Mermaid's state diagrams read as their own: a step named one of them is drawn under another id. */
const MERMAID_WORDS = new Set(['as', 'class', 'classDef', 'click', 'direction', 'end', 'hide', 'left', 'note', 'of', 'right', 'state', 'style'])

/**
 * The Mermaid id of each step: its name when Mermaid reads it as an id (letters, digits, `_`, not one of its words),
 * otherwise the name with every other character as `_` and a number when that is taken (`rating-again` →
 * `rating_again`); those are declared `state "rating-again" as rating_again`, so the diagram shows the step's name.
 */
function mermaidIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>()
  const taken = new Set(names.filter((n) => /^[A-Za-z][A-Za-z0-9_]*$/.test(n) && !MERMAID_WORDS.has(n)))
  for (const name of names) {
    if (taken.has(name)) {
      ids.set(name, name)
      continue
    }
    const base = `${/^[A-Za-z]/.test(name) ? '' : 's_'}${name.replace(/[^A-Za-z0-9_]/g, '_')}${MERMAID_WORDS.has(name) ? '_' : ''}`
    let id = base
    for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`
    taken.add(id)
    ids.set(name, id)
  }
  return ids
}

/**
 * Draws a flow as a Mermaid state diagram: one state per step, one edge per way out, labelled with its reason. A step
 * whose name is not a Mermaid id is declared first (`state "rating-again" as rating_again`) and drawn under that id.
 * @example console.log(flowToMermaid(menu.toDefinition()))
 */
export function flowToMermaid(definition: FlowDefinition): string {
  const ids = mermaidIds(Object.keys(definition.steps))
  const id = (name: string) => ids.get(name) as string
  const lines = ['stateDiagram-v2']
  for (const [name, alias] of ids) if (name !== alias) lines.push(`  state "${name}" as ${alias}`)
  lines.push(`  [*] --> ${id(definition.initial)}`)
  for (const step of Object.values(definition.steps)) {
    const targets = stepTargets(step)
    if (step.next?.kind === 'retry') targets.unshift(...retryTargets(definition, step).map((target) => ({ target, label: 'retry' })))
    for (const { target, label } of targets) lines.push(`  ${id(step.name)} --> ${id(target)}: ${label.replace(/[:\n;]/g, ' ')}`)
    if (targets.length === 0 || step.next?.kind === undefined && step.branches.length === 0 && step.otherwise === undefined && step.onTimeout === undefined) {
      lines.push(`  ${id(step.name)} --> [*]`)
    }
  }
  return `${lines.join('\n')}\n`
}
