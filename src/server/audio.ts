import { createReadStream, existsSync } from 'node:fs'
import { extname, resolve as resolvePath } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { renderAction } from '../dsl/render.js'
import type { FlowDefinition } from '../dsl/types.js'
import { errors } from '../errors.js'
import type { RouteInfo } from './webhook-route.js'

const audioTypes: Readonly<Record<string, string>> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav' }

/**
 * The local audio files a flow streams, with the file each serves: every media URL field (`stream`'s `streamUrl`,
 * `conversation`'s `musicOnHoldUrl`) that an action written without functions gives as a relative path.
 */
export function localAudio(definition: FlowDefinition): { path: string; file: string }[] {
  const files = new Map<string, string>()
  const base = definition.baseDir ?? process.cwd()
  const collect = { callback: () => 'https://nccoflow.invalid/', media: (source: string) => (files.set(source.replace(/^\.\//, ''), resolvePath(base, source)), 'https://nccoflow.invalid/') }
  for (const step of Object.values(definition.steps)) {
    for (const op of step.ops) {
      // The flow's checks built every such action already; one whose options are functions of the call is not known here.
      if (op.kind === 'action' && op.args.every((arg) => typeof arg !== 'function')) renderAction(op, {} as never, collect)
    }
  }
  return [...files].map(([path, file]) => ({ path, file }))
}

/** Serves a flow's local audio files with cache headers; a missing file fails at start. */
export function registerAudio(app: FastifyInstance, definition: FlowDefinition, prefix: string): RouteInfo[] {
  return localAudio(definition).map(({ path, file }) => {
    if (!existsSync(file)) throw new errors.FLOW_INVALID.Error(definition.name, `audio file ${file} does not exist`)
    const url = `${prefix}/flows/${definition.name}/audio/${path}`
    app.get(url, async (_request, reply) =>
      reply.header('Cache-Control', 'public, max-age=86400').type(audioTypes[extname(file).toLowerCase()] ?? 'application/octet-stream').send(createReadStream(file)))
    return { methods: ['GET'], url, flow: definition.name, kind: 'audio' }
  })
}
