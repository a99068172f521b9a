#!/usr/bin/env node
// Registers the TypeScript loader so the command, and the flows it loads, run from source without a build step.
import { register } from 'tsx/esm/api'

register()
const { main, processIo } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2), process.env, processIo)
