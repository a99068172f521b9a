// Issue 9, hostile traffic: thousands of generated and mutated payloads over every webhook route of the example
// flows (answer, flow answers, event, fallback, every callback route), GET and POST, signed and unsigned.
// - no 5xx but the 503 for a missing signature;
// - an NCCO route answers a valid NCCO (validateNcco; `[]` to carry on from a callback) or a refusal { code, message };
// - a refused request changes no stored call;
// - the memory store stays within its bound.
// fast-check prints the seed and the path of a failing run; replay it with FUZZ_SEED=<seed>.
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import ivrMenu from '../../flows/ivr-menu.js'
import survey from '../../flows/survey.js'
import { validateNcco } from '../../src/ncco/index.js'
import type { CallRecord } from '../../src/runtime/call-record.js'
import { callbackReturnsNcco } from '../../src/runtime/callbacks/index.js'
import { createMemoryStore, type MemoryCallStore } from '../../src/runtime/store/index.js'
import { buildServer } from '../../src/server/build.js'
import type { SignatureOptions } from '../../src/server/signature.js'
import { SECRET, vonageToken } from './fixtures/vonage-token.js'

const MAX_CALLS = 40
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000)
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)

/** Call ids the payloads reuse, so that generated webhooks reach calls that exist. */
const uuids = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6']

async function fuzzServer(signature: SignatureOptions | undefined) {
  const store = createMemoryStore<CallRecord>({ maxCalls: MAX_CALLS })
  const app = await buildServer({ flows: [ivrMenu, survey], defaultFlow: 'ivr-menu', publicUrl: 'https://ivr.test', store, signature })
  return { app, store }
}

/** The webhook routes the server registered, with whether each answers an NCCO. */
function webhookRoutes(app: FastifyInstance) {
  return app.nccoflow.routes
    .filter((r) => r.methods.includes('POST'))
    .map((r) => ({ url: r.url, ncco: r.kind === 'answer' || r.kind === 'fallback' || callbackReturnsNcco(r.kind), callback: r.step !== undefined && r.kind !== 'answer' }))
}

const timestamp = fc.integer({ min: 0, max: 3600 }).map((s) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString())
const uuid = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...uuids) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) })

/** Payloads shaped like Vonage's, one per kind, before mutation. */
const shaped = fc.oneof(
  fc.record({ uuid, conversation_uuid: uuid.map((u) => `CON-${u}`), to: fc.constantFrom('447700900000', '447700900001'), from: fc.string({ maxLength: 15 }) }),
  fc.record({ uuid, conversation_uuid: uuid.map((u) => `CON-${u}`), dtmf: fc.record({ digits: fc.oneof(fc.stringMatching(/^[0-9*#]{0,4}$/), fc.constant(null)), timed_out: fc.boolean() }), timestamp }, { requiredKeys: ['uuid'] }),
  fc.record({ uuid, conversation_uuid: uuid.map((u) => `CON-${u}`), speech: fc.record({ results: fc.array(fc.record({ text: fc.constantFrom('sales', 'message', 'great', ''), confidence: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant('0.9')) }), { maxLength: 3 }) }), timestamp }),
  fc.record({ uuid, conversation_uuid: uuid.map((u) => `CON-${u}`), status: fc.constantFrom('started', 'ringing', 'answered', 'busy', 'failed', 'timeout', 'unanswered', 'completed', 'machine', 'transcribed'), direction: fc.constantFrom('inbound', 'outbound'), timestamp }),
  fc.record({ recording_url: fc.constantFrom('https://api.nexmo.com/v1/files/r1', ''), recording_uuid: fc.string({ maxLength: 10 }), conversation_uuid: uuid.map((u) => `CON-${u}`), size: fc.integer(), timestamp }),
  fc.record({ payload: fc.jsonValue({ maxDepth: 2 }), conversation_uuid: uuid.map((u) => `CON-${u}`), timestamp }),
  fc.record({ uuid, conversation_uuid: uuid.map((u) => `CON-${u}`), reason: fc.constantFrom('Socket timeout.', 'Invalid NCCO.'), original_request: fc.record({ url: fc.constant('https://ivr.test/answer'), type: fc.constantFrom('answer', 'event') }) }),
)

const hostileValue = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(null, '', -1, 1e308, '__proto__', { __proto__: { admin: true } }, '{"a":', '\u0000'), fc.string({ maxLength: 300 }))

/** A shaped payload with some fields replaced, removed or added. */
const mutated = fc.tuple(shaped, fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'add'), fc.nat(), hostileValue, fc.constantFrom('constructor', '__proto__', 'dtmf', 'status', 'uuid', 'extra')), { maxLength: 3 })).map(([payload, edits]) => {
  const out: Record<string, unknown> = { ...payload }
  for (const [op, index, value, name] of edits) {
    const keys = Object.keys(out)
    const key = keys[index % Math.max(keys.length, 1)]
    if (op === 'set' && key !== undefined) out[key] = value
    else if (op === 'delete' && key !== undefined) delete out[key]
    else Object.defineProperty(out, name, { value, enumerable: true, configurable: true, writable: true })
  }
  return out
})

/** The body as sent: JSON of a payload, or bytes that are not. */
const body = fc.oneof(
  { weight: 6, arbitrary: mutated.map((p) => JSON.stringify(p)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}') },
)

/** How a request is signed: a token for its own body, for another, a broken one, or none. */
const signing = fc.constantFrom('own', 'own', 'own', 'other-body', 'expired', 'wrong-secret', 'flipped', 'garbage', 'none')

const request = fc.record({
  route: fc.nat(),
  method: fc.constantFrom('GET', 'POST', 'POST'),
  body,
  contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', undefined),
  signing,
})

function authorization(how: string, raw: string | undefined): string | undefined {
  const now = Math.floor(Date.now() / 1000)
  switch (how) {
    case 'own': return `Bearer ${vonageToken(raw === undefined ? {} : { body: raw })}`
    case 'other-body': return `Bearer ${vonageToken({ body: `${raw ?? ''} ` })}`
    case 'expired': return `Bearer ${vonageToken({ iat: now - 3600, ...(raw === undefined ? {} : { body: raw }) })}`
    case 'wrong-secret': return `Bearer ${vonageToken({ secret: 'not-the-secret' })}`
    case 'flipped': {
      const token = vonageToken(raw === undefined ? {} : { body: raw })
      const i = Math.floor(token.length / 2)
      return `Bearer ${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`
    }
    case 'garbage': return 'Bearer ' + 'x'.repeat(40)
    default: return undefined
  }
}

/** A GET query from a body: its top-level fields, objects JSON-encoded as Vonage does; anything else as one field. */
function queryOf(raw: string): string {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return new URLSearchParams({ raw }).toString()
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return new URLSearchParams({ value: JSON.stringify(value) }).toString()
  return new URLSearchParams(Object.entries(value).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])).toString()
}

/** Whether the body reaches the hash check: a POST with a JSON object fastify's parser accepts (it refuses prototype keys first). */
function hashable(r: { method: string; body: string; contentType: string | undefined }): boolean {
  if (r.method !== 'POST' || r.contentType !== 'application/json' || r.body === '' || /__proto__|constructor/.test(r.body)) return false
  try {
    JSON.parse(r.body)
    return true
  } catch {
    return false
  }
}

async function snapshot(store: MemoryCallStore<CallRecord>): Promise<string> {
  const records = await Promise.all(uuids.map(async (id) => [id, await store.get(`CON-${id}`), await store.resolveAlias(`leg:${id}`)]))
  return JSON.stringify([store.size, records])
}

const isRefusal = (res: LightMyRequestResponse, codes: readonly string[]) => {
  const doc = res.json() as Record<string, unknown>
  return Object.keys(doc).sort().join(',') === 'code,message' && codes.includes(String(doc.code))
}

for (const signed of [false, true]) {
  t.test(`hostile traffic, ${signed ? 'signed webhooks on' : 'no signature secret'}: no 5xx, valid NCCOs or refusals, stored calls untouched by refusals`, async (t) => {
    const { app, store } = await fuzzServer(signed ? { secret: SECRET } : undefined)
    t.teardown(() => app.close())
    const routes = webhookRoutes(app)
    t.ok(routes.length >= 10, `${routes.length} webhook routes`)
    const seen = new Map<number, number>()
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const route = routes[r.route % routes.length] as (typeof routes)[number]
      const raw = r.method === 'POST' ? r.body : undefined
      const auth = signed ? authorization(r.signing, raw) : undefined
      const before = signed ? await snapshot(store) : ''
      const res = await app.inject({
        method: r.method,
        url: r.method === 'GET' ? `${route.url}?${queryOf(r.body)}` : route.url,
        headers: { ...(auth === undefined ? {} : { authorization: auth }), ...(raw !== undefined && r.contentType !== undefined ? { 'content-type': r.contentType } : {}) },
        ...(raw === undefined ? {} : { payload: raw }),
      })
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1)
      const refused = [401, 403, 503].includes(res.statusCode)
      if (res.statusCode >= 500 && !(res.statusCode === 503 && signed && auth === undefined)) throw new Error(`${res.statusCode} on ${r.method} ${route.url}: ${res.body}`)
      if (refused) {
        if (!signed) throw new Error(`refused without a secret: ${res.statusCode} ${res.body}`)
        if (!isRefusal(res, ['NCCOFLOW_ERR_SIGNATURE_INVALID', 'NCCOFLOW_ERR_SIGNATURE_MISSING'])) throw new Error(`not a refusal document: ${res.body}`)
        if ((await snapshot(store)) !== before) throw new Error(`a refused ${r.method} ${route.url} changed a stored call`)
      } else if (route.ncco) {
        if (res.statusCode !== 200) throw new Error(`NCCO route ${route.url} answered ${res.statusCode}: ${res.body}`)
        // `[]` is a callback's "carry on" (DESIGN §4); an answer or fallback must hold an NCCO.
        const carryOn = route.callback && res.body === '[]'
        const errors = validateNcco(res.json()).filter((i) => i.severity === 'error')
        if (!carryOn && errors.length > 0) throw new Error(`invalid NCCO from ${route.url}: ${JSON.stringify(errors)}`)
      } else if (![204, 400].includes(res.statusCode)) {
        throw new Error(`${route.url} answered ${res.statusCode}: ${res.body}`)
      }
      if (store.size > MAX_CALLS) throw new Error(`the store holds ${store.size} calls, more than ${MAX_CALLS}`)
      if (signed && !refused && (['expired', 'wrong-secret', 'flipped', 'garbage'].includes(r.signing) || (r.signing === 'other-body' && hashable(r)))) {
        throw new Error(`a ${r.signing} token got in: ${res.statusCode} on ${r.method} ${route.url}`)
      }
    }), { numRuns: RUNS, ...(seed === undefined ? {} : { seed }) })
    await app.nccoflow.runtime.drain()
    t.ok(store.size <= MAX_CALLS, `the store holds ${store.size} of at most ${MAX_CALLS} calls`)
    t.ok(({} as Record<string, unknown>).polluted === undefined && ({} as Record<string, unknown>).admin === undefined, 'no prototype polluted')
    const statuses = Object.fromEntries([...seen].sort(([a], [b]) => a - b))
    t.comment(`statuses: ${JSON.stringify(statuses)}`)
    t.ok((seen.get(200) ?? 0) > 0 && (seen.get(signed ? 401 : 400) ?? 0) > 0, 'requests both got in and were turned away')
    if (signed) t.ok((seen.get(503) ?? 0) > 0, 'unsigned requests got 503')
  })
}
