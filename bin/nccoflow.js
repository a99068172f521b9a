#!/usr/bin/env node
// The nccoflow command. Installed from the package it runs the built JavaScript in dist/; in a clone of the repository
// (src/ beside bin/) it runs from source, with no build step. Either way it registers tsx's loader before it loads
// the flows in FLOWS_DIR, so flows can be TypeScript.
import { existsSync } from 'node:fs'
import { register as registerHooks } from 'node:module'
import { register as registerTsx } from 'tsx/esm/api'

const source = new URL('../src/cli/main.ts', import.meta.url)
let cli
if (existsSync(source)) {
  // From source, `import 'nccoflow'` in flows/ must resolve to src/ too: the package's `nccoflow-source` condition.
  const condition = 'export const resolve = (specifier, context, next) => next(specifier, { ...context, conditions: [...context.conditions, "nccoflow-source"] })'
  registerHooks(`data:text/javascript,${encodeURIComponent(condition)}`)
  registerTsx()
  cli = await import(source.href)
} else {
  cli = await import('../dist/cli/main.js')
  registerTsx()
}
process.exitCode = await cli.main(process.argv.slice(2), process.env, cli.processIo)
