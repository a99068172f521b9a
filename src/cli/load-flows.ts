import { readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isFlow } from '../dsl/flow.js'
import type { FlowDefinition } from '../dsl/types.js'
import { errors } from '../errors.js'

const flowFile = /^(?!.*\.(test|spec|d)\.[cm]?[jt]s$).*\.[cm]?[jt]s$/

/** Tells whether a file name in the flows folder is one that may hold a flow (`.ts`/`.js`, not a test or a `.d.ts`). */
export function isFlowFile(name: string): boolean {
  return flowFile.test(name)
}

/**
 * The flow a file exports by default, with its audio folder; undefined when its default export is not a flow. With
 * `fresh` (any text unique to this load) the file is imported again instead of from the module cache: `nccoflow dev`
 * reloads a changed file that way. The modules it imports come from the cache.
 */
export async function loadFlowFile(file: string, fresh?: string): Promise<FlowDefinition | undefined> {
  const url = pathToFileURL(file)
  if (fresh !== undefined) url.searchParams.set('nccoflow-reload', fresh)
  const module = (await import(url.href)) as { default?: unknown }
  return isFlow(module.default) ? { ...module.default.toDefinition(), baseDir: dirname(file) } : undefined
}

/** The flow files of a folder, as absolute paths, in name order. */
export function flowFiles(dir: string): string[] {
  const folder = resolve(dir)
  return readdirSync(folder).filter(isFlowFile).sort().map((name) => join(folder, name))
}

/** The name two of these flows share, if any. */
export function duplicateName(flows: readonly FlowDefinition[]): string | undefined {
  const names = flows.map((f) => f.name)
  return names.find((n, i) => names.indexOf(n) !== i)
}

/**
 * Loads every flow in a folder: each `.ts`/`.js` file whose default export is a flow. Relative audio paths in a flow
 * resolve against its file's folder. A flow with a mistake fails here, naming the flow and the step.
 */
export async function loadFlows(dir: string): Promise<FlowDefinition[]> {
  const flows: FlowDefinition[] = []
  for (const file of flowFiles(dir)) {
    const flow = await loadFlowFile(file)
    if (flow !== undefined) flows.push(flow)
  }
  if (flows.length === 0) throw new errors.FLOW_UNKNOWN.Error('(none)', `no file in ${resolve(dir)} has a flow as its default export`)
  const twice = duplicateName(flows)
  if (twice !== undefined) throw new errors.FLOW_INVALID.Error(twice, 'two files in the flows folder define a flow with this name')
  return flows
}
