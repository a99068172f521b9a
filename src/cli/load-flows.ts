import { readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isFlow } from '../dsl/flow.js'
import type { FlowDefinition } from '../dsl/types.js'
import { errors } from '../errors.js'

const flowFile = /^(?!.*\.(test|spec|d)\.[cm]?[jt]s$).*\.[cm]?[jt]s$/

/**
 * Loads every flow in a folder: each `.ts`/`.js` file whose default export is a flow. Relative audio paths in a flow
 * resolve against its file's folder. A flow with a mistake fails here, naming the flow and the step.
 */
export async function loadFlows(dir: string): Promise<FlowDefinition[]> {
  const folder = resolve(dir)
  const files = readdirSync(folder).filter((name) => flowFile.test(name)).sort()
  const flows: FlowDefinition[] = []
  for (const name of files) {
    const file = join(folder, name)
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown }
    if (!isFlow(module.default)) continue
    flows.push({ ...module.default.toDefinition(), baseDir: dirname(file) })
  }
  if (flows.length === 0) throw new errors.FLOW_UNKNOWN.Error('(none)', `no file in ${folder} has a flow as its default export`)
  const names = flows.map((f) => f.name)
  const twice = names.find((n, i) => names.indexOf(n) !== i)
  if (twice !== undefined) throw new errors.FLOW_INVALID.Error(twice, 'two files in the flows folder define a flow with this name')
  return flows
}
