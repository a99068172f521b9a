import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { childEnv } from './fixtures/child-env.js'

const root = new URL('..', import.meta.url).pathname
const readme = readFileSync(join(root, 'README.md'), 'utf8')

t.test('the README builder example runs as written and prints what the README says', async (t) => {
  const code = /## Build and check an NCCO\n[\s\S]*?```ts\n([\s\S]*?)```\n\nprints\n\n```text\n([\s\S]*?)```/.exec(readme)
  if (code === null) throw new Error('README example not found')
  const [, source = '', expected = ''] = code
  // The example imports 'nccoflow' by name; run it from a folder inside the package, with the package's source condition,
  // so that name resolves to our src/.
  mkdirSync(join(root, '.tap'), { recursive: true })
  const dir = mkdtempSync(join(root, '.tap', 'readme-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'example.ts')
  writeFileSync(file, source)
  const env = childEnv()
  const output = execFileSync(process.execPath, ['--conditions=nccoflow-source', '--import', 'tsx', file], { cwd: root, encoding: 'utf8', env })
  t.equal(output, expected)
})

t.test('the README starts with the two set-up commands CI and users run', async (t) => {
  const commands = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  t.match(commands, /^npm ci && npm start\s/m)
  t.match(commands, /^npm test\s/m)
  const ci = readFileSync(join(root, '.ci', 'run'), 'utf8')
  t.match(ci, /^npm ci\b/m)
  t.match(ci, /^npm test\b/m)
})
