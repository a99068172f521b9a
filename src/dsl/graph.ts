import { stepTargets } from './flow.js'
import type { FlowDefinition } from './types.js'

/**
 * Draws a flow as a Mermaid state diagram: one state per step, one edge per way out, labelled with its reason.
 * @example console.log(flowToMermaid(menu.toDefinition()))
 */
export function flowToMermaid(definition: FlowDefinition): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${definition.initial}`]
  for (const step of Object.values(definition.steps)) {
    const targets = stepTargets(step)
    for (const { target, label } of targets) lines.push(`  ${step.name} --> ${target}: ${label.replace(/[:\n]/g, ' ')}`)
    if (targets.length === 0 || step.next?.kind === undefined && step.branches.length === 0 && step.otherwise === undefined && step.onTimeout === undefined) {
      lines.push(`  ${step.name} --> [*]`)
    }
  }
  return `${lines.join('\n')}\n`
}
