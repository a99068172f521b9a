import Fastify, { type FastifyInstance } from 'fastify'
import { errors } from '../errors.js'
import type { CallRecord } from '../runtime/call-record.js'
import { CallRuntime } from '../runtime/runtime.js'
import { createMemoryStore } from '../runtime/store/index.js'
import { legAlias } from '../runtime/transaction.js'
import { resolveOptions } from '../server/options.js'
import { keepRawBody } from '../server/raw-body.js'
import { registerRoutes } from '../server/routes.js'
import { requestKey } from '../server/webhook-route.js'
import { invalid, unknownCall } from './calls.js'
import type { AdminContext } from './context.js'
import { sendAdminError } from './errors.js'
import type { StoredEntry } from './inspector.js'
import { callKey } from './rows.js'

/** What a webhook answered: then (recorded) or now (replayed). */
export interface ReplayResult {
  readonly status: number
  readonly stepAfter: string | null
  readonly response: unknown
}

/**
 * Runs a recorded webhook again, as the flows loaded now answer it, against the call as it was before that webhook:
 * in a scratch server of its own (a memory store holding only that record, the routes of today's flows, no admin, no
 * signature check), so the real call and its log never change. Step functions (`do`, text and option functions) run
 * again, as they would for the call; the flows' handlers (recordings, status handlers, …) do not.
 */
export async function replay(context: AdminContext, entry: StoredEntry, key: string): Promise<ReplayResult> {
  const { runtime, options } = context
  const flows = [...runtime.flows.values()]
  const store = createMemoryStore<CallRecord>()
  const before = entry.before
  if (before !== null) {
    const aliases = before.call.uuid === key ? [] : [legAlias(before.call.uuid)]
    await store.put(key, before, null, runtime.ttlOf(before), aliases)
  }
  const scratch = new CallRuntime({ flows, store, effects: false })
  const app = Fastify({ logger: false })
  try {
    keepRawBody(app)
    const defaultFlow = flows.some((f) => f.name === options.defaultFlow) ? options.defaultFlow : undefined
    const numbers = Object.fromEntries(Object.entries(options.numbers).filter(([, name]) => flows.some((f) => f.name === name)))
    const resolved = resolveOptions({ flows, publicUrl: options.publicUrl, prefix: options.prefix, defaultFlow, numbers })
    registerRoutes(app, scratch, resolved, (request) => ({ baseUrl: entry.base, key: requestKey(request), log: request.log }))
    await app.ready()
    const get = entry.method === 'GET'
    const query = get ? new URLSearchParams(Object.entries(entry.request as Record<string, string>)).toString() : ''
    const res = await app.inject({
      method: entry.method as 'GET' | 'POST',
      url: query === '' ? entry.path : `${entry.path}?${query}`,
      ...(get ? {} : { payload: JSON.stringify(entry.request), headers: { 'content-type': 'application/json' } }),
    })
    const after = await scratch.findCall(key)
    return { status: res.statusCode, stepAfter: after?.value.state.value ?? null, response: res.body === '' ? null : res.json() }
  } finally {
    await app.close()
    await store.close()
  }
}

/** `POST <api>/calls/:uuid/webhooks/:index/replay` → `{ then, now }`: what the webhook got, and what it gets today. */
export function registerReplay(app: FastifyInstance, context: AdminContext): void {
  app.post<{ Params: { uuid: string; index: string } }>(`${context.apiPath}/calls/:uuid/webhooks/:index/replay`, async (request, reply) => {
    const { uuid } = request.params
    const index = Number(request.params.index)
    if (!/^\d+$/.test(request.params.index) || !Number.isSafeInteger(index)) return invalid(reply, 'params.index', `it must be a webhook's index (0, 1, …), got "${request.params.index}"`)
    const stored = await context.runtime.findCall(uuid)
    if (stored === undefined) return unknownCall(reply, uuid)
    const key = callKey(stored.value)
    const found = (await context.runtime.store.readLog(key)).find((e) => e.index === index)
    if (found === undefined) return sendAdminError(reply, new errors.ADMIN_NOT_FOUND.Error(`webhook ${index} of call "${uuid}"`, 'its inspector log keeps the last 50 webhooks of a call'))
    const entry = found.value as StoredEntry
    return {
      then: { status: entry.status, stepAfter: entry.stepAfter, response: entry.response } satisfies ReplayResult,
      now: await replay(context, entry, key),
    }
  })
}
