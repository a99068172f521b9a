import { readFileSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AdminContext } from './context.js'

/** The dashboard's own files: HTML, CSS and JavaScript modules, served as they are (no build step). */
const UI_DIR = fileURLToPath(new URL('./ui/', import.meta.url))

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
}

// The page runs only its own scripts and talks only to its own server; Mermaid puts inline styles in the SVGs it draws.
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/** Where the Mermaid package keeps its browser build: the ES module and the chunks it imports. */
function mermaidDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mermaid/package.json')), 'dist')
}

/**
 * Serves the dashboard at `<prefix>/_nccoflow/`: the page, its files under `ui/`, and Mermaid's browser build (from
 * `node_modules`, never a CDN) under `vendor/mermaid/`. None of it needs the token: the page signs in against the API
 * (`POST api/session`) when the API answers 401, and only the API holds data.
 */
export function registerDashboard(app: FastifyInstance, context: AdminContext): void {
  const { path } = context
  const files = new Map(readdirSync(UI_DIR).filter((name) => TYPES[extname(name)] !== undefined).map((name) => [name, readFileSync(join(UI_DIR, name))]))
  const vendor = mermaidDir()
  const send = (reply: FastifyReply, name: string, body: Buffer, cache: string) =>
    reply.type(TYPES[extname(name)] as string).header('cache-control', cache).header('x-content-type-options', 'nosniff').send(body)

  app.get(path, async (_request, reply) => reply.redirect(`${path}/`))
  app.get(`${path}/`, async (_request, reply) =>
    send(reply.header('content-security-policy', PAGE_POLICY).header('referrer-policy', 'no-referrer'), 'index.html', files.get('index.html') as Buffer, 'no-cache'))

  app.get<{ Params: { file: string } }>(`${path}/ui/:file`, async (request, reply) => {
    const body = files.get(request.params.file)
    if (body === undefined) return reply.callNotFound()
    return send(reply, request.params.file, body, 'no-cache')
  })

  app.get<{ Params: { '*': string } }>(`${path}/vendor/mermaid/*`, async (request, reply) => {
    const name = request.params['*']
    const file = resolve(vendor, name)
    if (!/^[\w.-]+(\/[\w.-]+)*\.mjs$/.test(name) || !file.startsWith(`${vendor}${sep}`)) return reply.callNotFound()
    const body = await readFile(file).catch(() => undefined)
    if (body === undefined) return reply.callNotFound()
    // The chunks' names carry their content's hash, and the entry file changes only with the package's version.
    return send(reply, name, body, 'public, max-age=86400')
  })
}
