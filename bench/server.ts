/**
 * The server side of the throughput benchmark, run as a child process of `bench/run.ts` so that it has a core of its
 * own: `nccoflow` serves the example menu flow on the memory store; `bare` is fastify answering the same paths with
 * the NCCOs it is given (BENCH_NCCO), keeping no state. Listens on 127.0.0.1 and tells the parent its port; answers
 * `records` with the stored records of the calls asked for and `usage` with its CPU time; exits on `stop`.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { buildServer } from '../src/index.js'
import menu from '../flows/ivr-menu.js'
import { INPUT_PATH, type Expected } from './call.js'

/** A message the parent sends. */
export type ParentMessage =
  | { readonly type: 'records'; readonly ids: readonly string[] }
  | { readonly type: 'usage' }
  | { readonly type: 'stop' }

/** A message this process sends. */
export type ChildMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'records'; readonly records: readonly unknown[] }
  | { readonly type: 'usage'; readonly cpu: NodeJS.CpuUsage }

async function bare(expected: Expected): Promise<FastifyInstance> {
  const ncco = (step: keyof Expected): unknown => JSON.parse(expected[step].body)
  const answer = ncco('answer')
  const sorry = ncco('input 9')
  const voicemail = ncco('input 2')
  const app = Fastify({ logger: false })
  app.get('/answer', async () => answer)
  app.post(INPUT_PATH, async (request) => ((request.body as { dtmf?: { digits?: string } }).dtmf?.digits === '2' ? voicemail : sorry))
  app.post('/event', async (_request, reply) => reply.code(204).send())
  await app.ready()
  return app
}

const kind = process.argv[2]
const app = kind === 'bare'
  ? await bare(JSON.parse(process.env.BENCH_NCCO ?? '{}') as Expected)
  : await buildServer({ flows: [menu], publicUrl: 'http://127.0.0.1' })
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
const send = (message: ChildMessage) => process.send?.(message)
send({ type: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 })

process.on('message', (message: ParentMessage) => {
  void (async () => {
    if (message.type === 'stop') {
      await app.close()
      process.exit(0)
    }
    if (message.type === 'usage') return send({ type: 'usage', cpu: process.cpuUsage() })
    if (kind === 'bare') return send({ type: 'records', records: [] })
    const { store } = app.nccoflow.runtime
    send({ type: 'records', records: await Promise.all(message.ids.map(async (id) => (await store.get(id))?.value)) })
  })()
})
