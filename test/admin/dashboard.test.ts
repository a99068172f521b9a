// Issue 10, the dashboard's files: the page, its modules and Mermaid's browser build, served by the server itself
// (no CDN), without the token (only the API holds data), and nothing outside the files it means to serve.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import t, { type Test } from 'tap'
import { flow } from '../../src/dsl/flow.js'
import { buildServer, type BuildServerOptions } from '../../src/server/build.js'

const hello = flow('hello').steps({ hi: (s) => s.talk('Hi.') })
const ui = (name: string) => readFileSync(new URL(`../../src/admin/ui/${name}`, import.meta.url))
const mermaid = join(dirname(createRequire(import.meta.url).resolve('mermaid/package.json')), 'dist')

async function server(t: Test, options: Partial<BuildServerOptions> = {}) {
  const app = await buildServer({ flows: [hello], admin: { token: 'a-dashboard-admin-token-0123456789' }, ...options })
  t.teardown(() => app.close())
  return app
}

t.test('the page: no token needed, a strict content policy, no caching of the page', async (t) => {
  const app = await server(t)
  const page = await app.inject('/_nccoflow/')
  t.equal(page.statusCode, 200)
  t.equal(page.body, ui('index.html').toString())
  t.match(page.headers, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  })
  const bare = await app.inject('/_nccoflow')
  t.equal(bare.statusCode, 302, 'without the slash: redirected, so the page\'s relative URLs resolve under /_nccoflow/')
  t.equal(bare.headers.location, '/_nccoflow/')
})

t.test('its files, each with its type; nothing else', async (t) => {
  const app = await server(t)
  for (const [name, type] of [['app.js', 'text/javascript; charset=utf-8'], ['style.css', 'text/css; charset=utf-8'], ['simulator.js', 'text/javascript; charset=utf-8']] as const) {
    const reply = await app.inject(`/_nccoflow/ui/${name}`)
    t.equal(reply.statusCode, 200, name)
    t.equal(reply.headers['content-type'], type, name)
    t.equal(reply.body, ui(name).toString(), name)
  }
  for (const url of ['/_nccoflow/ui/nope.js', '/_nccoflow/ui/..%2Fdashboard.ts', '/_nccoflow/ui/']) {
    t.equal((await app.inject(url)).statusCode, 404, url)
  }
})

t.test('Mermaid from node_modules: its ES module and the chunks it imports, nothing else of the package', async (t) => {
  const app = await server(t)
  const entry = await app.inject('/_nccoflow/vendor/mermaid/mermaid.esm.min.mjs')
  t.equal(entry.statusCode, 200)
  t.equal(entry.headers['content-type'], 'text/javascript; charset=utf-8')
  t.equal(entry.headers['cache-control'], 'public, max-age=86400')
  t.equal(entry.body, readFileSync(join(mermaid, 'mermaid.esm.min.mjs'), 'utf8'))
  const chunk = /from"\.\/(chunks\/mermaid\.esm\.min\/[\w-]+\.mjs)"/.exec(entry.body)?.[1] as string
  t.ok(chunk, 'the entry imports chunks')
  const imported = await app.inject(`/_nccoflow/vendor/mermaid/${chunk}`)
  t.equal(imported.statusCode, 200)
  t.equal(imported.body, readFileSync(join(mermaid, chunk), 'utf8'))
  for (const name of ['mermaid.esm.min.mjs.map', 'mermaid.min.js', 'nope.mjs', '..%2Fpackage.json', '%2E%2E/dist/mermaid.esm.min.mjs', 'chunks/../../package.mjs']) {
    t.equal((await app.inject(`/_nccoflow/vendor/mermaid/${name}`)).statusCode, 404, name)
  }
})

t.test('under a prefix, the dashboard is under it too', async (t) => {
  const app = await server(t, { prefix: '/vonage' })
  t.equal((await app.inject('/vonage/_nccoflow/')).statusCode, 200)
  t.equal((await app.inject('/vonage/_nccoflow')).headers.location, '/vonage/_nccoflow/')
  t.equal((await app.inject('/vonage/_nccoflow/ui/app.js')).statusCode, 200)
  t.equal((await app.inject('/_nccoflow/')).statusCode, 404)
})

t.test('admin off: no dashboard at all', async (t) => {
  const app = await buildServer({ flows: [hello] })
  t.teardown(() => app.close())
  for (const url of ['/_nccoflow/', '/_nccoflow', '/_nccoflow/ui/app.js', '/_nccoflow/vendor/mermaid/mermaid.esm.min.mjs']) {
    t.equal((await app.inject(url)).statusCode, 404, url)
  }
})
