import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import * as nccoflow from '../../src/index.js'
import { childEnv } from '../fixtures/child-env.js'

// docs/testing.md shows users a complete test file; it must run as written and pass.

const root = new URL('../..', import.meta.url).pathname
const doc = readFileSync(join(root, 'docs', 'testing.md'), 'utf8')
const exported = 'simulateCall' in nccoflow

/** Runs a TypeScript test file from a folder inside the package (so `nccoflow` resolves to our src/) and returns its output. */
function run(t: Test, name: string, source: string) {
  mkdirSync(join(root, '.tap'), { recursive: true })
  const dir = mkdtempSync(join(root, '.tap', 'docs-testing-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, name)
  // The example sits in test/ next to flows/; here it sits elsewhere, so its flow import points at the real file.
  const code = source.replaceAll("'../flows/ivr-menu.js'", `'${join(root, 'flows', 'ivr-menu.js')}'`)
  writeFileSync(file, code)
  // A clean environment: tap's NODE_OPTIONS would load its own loader and coverage into the child.
  return spawnSync(process.execPath, ['--conditions=nccoflow-source', '--import', 'tsx', file], { cwd: root, encoding: 'utf8', env: childEnv() })
}

function example(heading: string): string {
  const match = new RegExp(`## ${heading}\\n[\\s\\S]*?\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(doc)
  if (match?.[1] === undefined) throw new Error(`docs/testing.md: no example under "## ${heading}"`)
  return match[1]
}

t.test('nccoflow exports the test kit the docs import', async (t) => {
  t.ok(exported, 'simulateCall is exported from nccoflow')
})

t.test('the complete tap example runs and passes', async (t) => {
  const result = run(t, 'ivr-menu.test.ts', example('A complete test'))
  t.equal(result.status, 0, 'exits 0', { output: result.stdout + result.stderr })
  t.match(result.stdout, /^ok 1 - sales is busy: the caller leaves a message/m)
  t.match(result.stdout, /^ok 2 - three misses in a row: goodbye, and a retried request does not count twice/m)
  t.notMatch(result.stdout, /^\s*not ok/m)
})

t.test('the node:test example runs and passes', async (t) => {
  const result = run(t, 'node-test.test.ts', example('Other runners'))
  t.equal(result.status, 0, 'exits 0', { output: result.stdout + result.stderr })
  t.match(result.stdout, /^# pass 1$/m)
  t.match(result.stdout, /^# fail 0$/m)
})

t.test('docs/testing.md: the files it names exist, and running one file works as it says', async (t) => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; tap: Record<string, unknown> }
  for (const [, file] of doc.matchAll(/`(test\/[\w/.-]+\.test\.ts)`/g)) {
    if (file === 'test/ivr-menu.test.ts') continue // the user's own file, in the example
    t.ok(existsSync(join(root, file as string)), `${file} exists`)
  }
  const commands = [...doc.matchAll(/^npm run ([\w:]+) -- (.+)$/gm)]
  t.ok(commands.length > 0, 'the doc shows how to run one file')
  for (const [, script, files] of commands) {
    t.match(pkg.scripts[script as string], /^tap --disable-coverage$/, `npm run ${script} runs tap without the coverage gate`)
    for (const file of (files as string).split(' ').filter((f) => !f.includes('*'))) t.ok(existsSync(join(root, file)), `${file} exists`)
  }
  // tap writes "# ERROR: incomplete <kind> coverage" only when its coverage report is not the plain `text` table.
  t.notOk((pkg.tap['coverage-report'] as string[]).includes('text'), '`npx tap <file>` says why it fails')
  t.match(pkg.scripts.test, /tap --coverage-report=text$/, '`npm test` shows the table of files below 100 %')
  t.strictSame(pkg.tap['coverage-exclude'], ['flows/**', 'test/**', 'bench/**', 'bin/**'], 'coverage counts src/ only')
})
