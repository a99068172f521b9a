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

/**
 * Draws a flow as a Mermaid state diagram: one state per step, one edge per way out, labelled with its reason.
 * @example console.log(flowToMermaid(menu.toDefinition()))
 */
export function flowToMermaid(definition: FlowDefinition): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${definition.initial}`]
  for (const step of Object.values(definition.steps)) {
    const targets = stepTargets(step)
    if (step.next?.kind === 'retry') targets.unshift(...retryTargets(definition, step).map((target) => ({ target, label: 'retry' })))
    for (const { target, label } of targets) lines.push(`  ${step.name} --> ${target}: ${label.replace(/[:\n]/g, ' ')}`)
    if (targets.length === 0 || step.next?.kind === undefined && step.branches.length === 0 && step.otherwise === undefined && step.onTimeout === undefined) {
      lines.push(`  ${step.name} --> [*]`)
    }
  }
  return `${lines.join('\n')}\n`
}
