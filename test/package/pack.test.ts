import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import t from 'tap'
import { childEnv } from '../fixtures/child-env.js'

// `npm pack` gives a package that works in a new project, without tsx or our source: the project installs the
// tarball, type-checks and compiles a flow and a test written against it, runs the test with plain node, and runs the
// installed `nccoflow` command on its TypeScript flows.

const root = new URL('../..', import.meta.url).pathname
const fixture = join(root, 'test', 'package', 'fixtures', 'project')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }

// Packing builds dist/ (tsc on every source file), installing fetches from the npm cache: give it room.
t.setTimeout(300_000)

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command in a clean environment (no tap loader, no coverage) and collects its output. */
function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv() })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Runs a command that must succeed; its output is in the failure otherwise. */
async function ok(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd)
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${String(result.code)}\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

const work = mkdtempSync(join(tmpdir(), 'nccoflow-pack-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))

// Pack a copy of the repository, so that the build prepack runs leaves this checkout as it was.
const source = join(work, 'source')
const skipped = new Set(['node_modules', '.git', '.tap', 'dist', 'coverage', 'scratch'])
cpSync(root, source, { recursive: true, filter: (path) => !skipped.has(relative(root, path).split('/')[0] ?? '') && !path.endsWith('.tgz') })
symlinkSync(join(root, 'node_modules'), join(source, 'node_modules'), 'dir')
const packed = JSON.parse(await ok('npm', ['pack', '--json', '--pack-destination', work], source)) as { filename: string; files: { path: string }[] }[]
const { filename = '', files = [] } = packed[0] ?? {}
const tarball = join(work, filename)

// The project lives outside the repository, so `nccoflow` can only resolve to the installed tarball.
const project = join(work, 'project')
cpSync(fixture, project, { recursive: true })
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'call-flows', version: '1.0.0', private: true, type: 'module' }))
writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false,
    rootDir: '.', outDir: 'build', types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
  },
  include: ['flows', 'test'],
}))
// docs/install.md shows this flow and a test of it: the test runs here too.
const [docFlow, docTest] = [...readFileSync(join(root, 'docs', 'install.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
writeFileSync(join(project, 'test', 'install-doc.test.ts'), docTest ?? '')
await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project)

t.test('docs/install.md shows the flow this project installs', async (t) => {
  t.equal(docFlow, readFileSync(join(fixture, 'flows', 'hotline.ts'), 'utf8').split('\n').slice(1).join('\n'))
})

t.test('the tarball holds the built package and nothing of the source', async (t) => {
  const paths = files.map((f) => f.path)
  t.strictSame([...new Set(paths.map((p) => p.split('/')[0]))].sort(), ['LICENSE', 'README.md', 'bin', 'dist', 'docs', 'package.json'])
  t.strictSame(paths.filter((p) => p.startsWith('bin/')), ['bin/nccoflow.js'])
  for (const entry of ['index', 'exports/ncco', 'exports/webhooks', 'exports/testing']) {
    t.ok(paths.includes(`dist/${entry}.js`) && paths.includes(`dist/${entry}.d.ts`), `dist/${entry} has its JavaScript and types`)
  }
  t.strictSame(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts')), [], 'no TypeScript source')
  const ui = readdirSync(join(root, 'src', 'admin', 'ui')).map((name) => `dist/admin/ui/${name}`).sort()
  t.strictSame(paths.filter((p) => p.startsWith('dist/admin/ui/')).sort(), ui, 'the dashboard\'s files, as they are')
  t.strictSame(readdirSync(join(project, 'node_modules', 'nccoflow')).sort(), ['LICENSE', 'README.md', 'bin', 'dist', 'docs', 'package.json'])
})

t.test('a flow and a test importing the package type-check under strict NodeNext, and the whole call passes with plain node', async (t) => {
  await ok(process.execPath, [tsc, '-p', project], project)
  const tests = ['hotline', 'install-doc'].map((name) => join('build', 'test', `${name}.test.js`))
  const result = await run(process.execPath, ['--test', '--test-reporter=tap', ...tests], project)
  t.equal(result.code, 0, 'node --test exits 0', { output: result.stdout + result.stderr })
  t.match(result.stdout, /^ok \d+ - a whole call: answer, a wrong key, 1 for the opening hours, hang up$/m)
  t.match(result.stdout, /^ok \d+ - each subpath stands on its own; internals are not exported$/m)
  t.match(result.stdout, /^ok \d+ - press 1: the opening hours$/m, 'the test docs/install.md shows')
  t.match(result.stdout, /^# pass 3$/m)
  t.match(result.stdout, /^# fail 0$/m)
})

t.test('the installed package serves the dashboard, Mermaid included (from the project\'s node_modules)', async (t) => {
  writeFileSync(join(project, 'dashboard.mjs'), [
    "import { buildServer, flow } from 'nccoflow'",
    "const hello = flow('hello').steps({ hi: (s) => s.talk('Hi.') })",
    "const app = await buildServer({ flows: [hello], admin: { token: 'a-token-of-sixteen-characters' } })",
    "for (const url of ['/_nccoflow/', '/_nccoflow/ui/app.js', '/_nccoflow/ui/style.css', '/_nccoflow/vendor/mermaid/mermaid.esm.min.mjs']) {",
    '  const reply = await app.inject(url)',
    "  console.log(url, reply.statusCode, reply.headers['content-type'], reply.body.length > 0)",
    '}',
    'await app.close()',
  ].join('\n'))
  t.equal(await ok(process.execPath, ['dashboard.mjs'], project), [
    '/_nccoflow/ 200 text/html; charset=utf-8 true',
    '/_nccoflow/ui/app.js 200 text/javascript; charset=utf-8 true',
    '/_nccoflow/ui/style.css 200 text/css; charset=utf-8 true',
    '/_nccoflow/vendor/mermaid/mermaid.esm.min.mjs 200 text/javascript; charset=utf-8 true',
    '',
  ].join('\n'))
})

t.test('the installed nccoflow command loads the TypeScript flows in flows/', async (t) => {
  const bin = join(project, 'node_modules', '.bin', 'nccoflow')
  t.equal(await ok(bin, ['routes'], project), [
    'METHODS   URL                        KIND      FLOW     STEP',
    'GET,POST  /answer                    answer',
    'GET,POST  /flows/hotline/answer      answer    hotline  menu',
    'GET,POST  /flows/hotline/menu/input  input     hotline  menu',
    'GET,POST  /event                     event',
    'GET,POST  /fallback                  fallback',
    'GET       /healthz                   health',
    '',
  ].join('\n'))
  t.strictSame(JSON.parse(await ok(bin, ['ncco', 'hotline', 'menu'], project)), [
    { action: 'talk', text: 'For our opening hours, press 1.', bargeIn: true },
    { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1, timeOut: 5 }, eventUrl: ['https://example.com/flows/hotline/menu/input'] },
  ])
  t.equal(await ok(bin, ['version'], project), `${version}\n`)
})
