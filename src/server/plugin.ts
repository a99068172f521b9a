import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { extname, resolve as resolvePath } from 'node:path'
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify'
import fp from 'fastify-plugin'
import { actionDefinitions, validateNcco } from '../ncco/index.js'
import { toFlowDefinition } from '../dsl/flow.js'
import type { ActionOp } from '../dsl/render.js'
import type { FlowDefinition } from '../dsl/types.js'
import { errors } from '../errors.js'
import { CallRuntime, callbackReturnsNcco, type Payload, type RequestInfo } from '../runtime/runtime.js'
import { decodeWebhook, parseEvent, parseWebhook, webhookSchemas, type PayloadKind, type WebhookIssue } from '../webhooks/index.js'
import type { NccoflowOptions } from './options.js'
import { keepRawBody } from './raw-body.js'
import { webhookGuard } from './webhook-guard.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The call a webhook is about, for its log line. */
    nccoflowCall?: { uuid?: string; flow?: string; step?: string }
  }
  interface FastifyInstance {
    /** nccoflow's runtime and the routes it registered. */
    nccoflow: { runtime: CallRuntime; routes: readonly RouteInfo[]; defaultFlow: string | undefined }
  }
}

/** One route nccoflow registered, for `nccoflow routes` and docs. */
export interface RouteInfo {
  readonly methods: readonly string[]
  readonly url: string
  readonly flow?: string
  readonly step?: string
  readonly kind: string
}

/** The payload kind each callback route segment receives, for validation; segments not listed take any object. */
const segmentKinds: Readonly<Record<string, PayloadKind>> = {
  input: 'input',
  connect: 'call_event',
  notify: 'notify',
  record: 'record',
  'record-transcription': 'call_event',
  conversation: 'record',
  'conversation-transcription': 'call_event',
}

/** Webhook issues as one line for a 400 body or a log: `dtmf.digits: ...; uuid: ...`. */
function describeIssues(issues: readonly WebhookIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')
}

/** Largest webhook body accepted, in bytes. */
const BODY_LIMIT = 64 * 1024

const audioTypes: Readonly<Record<string, string>> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav' }

function pickDefaultFlow(flows: readonly FlowDefinition[], wanted: string | undefined): string | undefined {
  if (wanted !== undefined) {
    if (!flows.some((f) => f.name === wanted)) throw new errors.FLOW_UNKNOWN.Error(wanted)
    return wanted
  }
  if (flows.length === 1) return flows[0]?.name
  return flows.find((f) => f.name === 'default')?.name
}

function requestKey(request: FastifyRequest): string {
  const hash = createHash('sha1').update(request.method).update('\n').update(request.url).update('\n')
  if (request.rawBody !== undefined) hash.update(request.rawBody)
  return hash.digest('hex').slice(0, 20)
}

/** Which actions of a step have callbacks nccoflow answers, and the local audio files it streams. */
function stepRoutes(definition: FlowDefinition) {
  const callbacks: { step: string; segment: string }[] = []
  const audio: { path: string; file: string }[] = []
  for (const step of Object.values(definition.steps)) {
    for (const op of step.ops.filter((o): o is ActionOp => o.kind === 'action')) {
      for (const field of actionDefinitions[op.action]?.urls ?? []) {
        if (field.role === 'callback' && !callbacks.some((c) => c.step === step.name && c.segment === field.segment)) {
          callbacks.push({ step: step.name, segment: field.segment })
        }
        const source = op.args[0]
        if (field.role === 'media' && field.path.length === 1 && typeof source === 'string' && !/^https?:\/\//.test(source)) {
          const path = source.replace(/^\.\//, '')
          if (!audio.some((a) => a.path === path)) audio.push({ path, file: resolvePath(definition.baseDir ?? process.cwd(), source) })
        }
      }
    }
  }
  return { callbacks, audio }
}

async function nccoflowPlugin(app: FastifyInstance, options: NccoflowOptions): Promise<void> {
  if (!Array.isArray(options.flows) || options.flows.length === 0) throw new errors.FLOW_UNKNOWN.Error('(none): pass at least one flow in options.flows')
  const flows = options.flows.map((f) => toFlowDefinition(f))
  // A definition built by hand skipped flow()'s checks; its fallback is sent as it is, so it must be valid (rule 7).
  for (const flow of flows) {
    const issues = validateNcco(flow.fallback).filter((i) => i.severity === 'error')
    if (issues.length > 0) throw new errors.FLOW_INVALID.Error(flow.name, `fallback NCCO is invalid: ${issues.map((i) => i.message).join('; ')}`)
  }
  if (options.publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(options.publicUrl)) {
    throw new errors.OPTIONS_INVALID.Error('publicUrl', `it must be an absolute http(s) URL, got "${options.publicUrl}"`)
  }
  const publicUrl = options.publicUrl?.replace(/\/+$/, '')
  // Routes are registered under the prefix and callback URLs point under it: fastify ignores `prefix` for this plugin.
  const prefix = (options.prefix ?? '').replace(/\/+$/, '')
  if (prefix !== '' && !/^\/[^/]/.test(prefix)) throw new errors.OPTIONS_INVALID.Error('prefix', `it must start with "/", got "${options.prefix}"`)
  const defaultFlow = pickDefaultFlow(flows, options.defaultFlow)
  if (defaultFlow === undefined) {
    app.log.warn({ flows: flows.map((f) => f.name) }, `no default flow (set DEFAULT_FLOW or name a flow "default"): /answer serves "${String(flows[0]?.name)}" unless numbers maps the called number`)
  }
  // The flow `/answer` and `/fallback` fall back to when a request names none.
  const fallbackFlow = flows.find((f) => f.name === defaultFlow) ?? (flows[0] as FlowDefinition)
  for (const [number, name] of Object.entries(options.numbers ?? {})) {
    if (!flows.some((f) => f.name === name)) throw new errors.FLOW_UNKNOWN.Error(`${name} (for number ${number})`)
  }
  const runtime = new CallRuntime({ flows, store: options.store, ttl: options.ttl, logger: app.log })
  const routes: RouteInfo[] = []
  const server = app.withTypeProvider<TypeBoxTypeProvider>()
  keepRawBody(app)
  // Before any route: it guards the routes registered after it with `config: { webhook: true }`.
  webhookGuard(app, { signature: options.signature, allowedIps: options.allowedIps })
  let warnedBase = false

  const baseUrl = (request: FastifyRequest): string => {
    if (publicUrl !== undefined) return `${publicUrl}${prefix}`
    if (!warnedBase) {
      warnedBase = true
      request.log.warn('PUBLIC_URL is not set: callback URLs are built from the request\'s X-Forwarded-Proto/Host headers')
    }
    const proto = String(request.headers['x-forwarded-proto'] ?? request.protocol).split(',')[0]?.trim()
    const host = String(request.headers['x-forwarded-host'] ?? request.host).split(',')[0]?.trim()
    return `${proto}://${host}${prefix}`
  }
  const info = (request: FastifyRequest): RequestInfo => ({
    baseUrl: baseUrl(request),
    key: requestKey(request),
    log: request.log,
    about: (call) => {
      request.nccoflowCall = { ...request.nccoflowCall, ...call }
    },
  })
  const payloadOf = (request: FastifyRequest): Record<string, unknown> => (request.method === 'GET' ? request.query : request.body) as Record<string, unknown>

  const badRequest = (reply: FastifyReply, kind: string, problem: string) => {
    const error = new errors.WEBHOOK_INVALID.Error(kind, problem)
    return reply.code(400).send({ statusCode: 400, code: error.code, error: 'Bad Request', message: error.message })
  }

  const sendNcco = (reply: FastifyReply, ncco: unknown) => reply.code(200).type('application/json').send(ncco)

  /** Registers GET and POST for a webhook of one payload kind; GET queries have their JSON-encoded fields decoded first. */
  const webhook = (url: string, kind: PayloadKind | undefined, meta: Omit<RouteInfo, 'methods' | 'url'>, handler: (request: FastifyRequest, reply: FastifyReply, payload: Payload | undefined, problem: string | undefined) => Promise<unknown>, fallback?: unknown) => {
    const schema = kind === undefined ? undefined : webhookSchemas[kind]
    for (const method of ['GET', 'POST'] as const) {
      server.route({
        method,
        url: `${prefix}${url}`,
        attachValidation: true,
        config: { webhook: true },
        // An NCCO route never fails: whatever goes wrong (a body that is not JSON, a store that is down), the caller hears the fallback.
        // Other routes answer a body that cannot be parsed with the same 400 as any other bad payload.
        errorHandler: fallback === undefined
          ? (error: Error & { statusCode?: number }, _request: FastifyRequest, reply: FastifyReply) => {
              // A body that is not JSON, or not sent as JSON: the same 400 as any other bad payload.
              if (error.statusCode !== 400 && error.statusCode !== 415) throw error
              return badRequest(reply, meta.kind, `body: ${error.message}`)
            }
          : (error: Error, request: FastifyRequest, reply: FastifyReply) => {
              request.log.error({ err: error, ...meta, ...request.nccoflowCall, flow: meta.flow ?? fallbackFlow.name }, 'NCCO route failed: the caller hears the fallback NCCO')
              return sendNcco(reply, fallback)
            },
        schema: schema === undefined ? {} : method === 'GET' ? { querystring: schema } : { body: schema },
        // TypeBox's own compiler checks without coercing (ajv's coerceTypes would turn a numeric uuid into a string in
        // place); parseWebhook below has the last word and names the field at fault.
        validatorCompiler: TypeBoxValidatorCompiler as FastifySchemaCompiler<unknown> as never,
        // Vonage's payloads are small; a bound keeps a hostile one from growing the store.
        bodyLimit: BODY_LIMIT,
        // A GET query carries objects as JSON text: decode them before the schema sees them (POST bodies need nothing).
        ...(method === 'GET' && kind !== undefined ? {
          preValidation: async (request: FastifyRequest) => {
            request.query = decodeWebhook(kind, request.query as Record<string, unknown>).payload
          },
        } : {}),
        handler: async (request, reply) => {
          const raw = payloadOf(request)
          const uuid = raw !== null && typeof raw === 'object' ? (raw as Payload).uuid ?? (raw as Payload).conversation_uuid : undefined
          // Each log line about the call carries its uuid, flow and step, including fastify's own for this request.
          request.nccoflowCall = { uuid: typeof uuid === 'string' ? uuid : undefined, flow: meta.flow, step: meta.step }
          if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return handler(request, reply, undefined, 'the payload must be a JSON object')
          if (kind === undefined) return handler(request, reply, raw as Payload, undefined)
          // parseWebhook decides (the route schema only coerces): it decodes JSON-text fields in either method and names the field at fault.
          const parsed = parseWebhook(kind, raw)
          if (!parsed.ok) return handler(request, reply, undefined, describeIssues(parsed.issues))
          return handler(request, reply, parsed.value as Payload, undefined)
        },
      })
    }
    routes.push({ methods: ['GET', 'POST'], url: `${prefix}${url}`, ...meta })
  }

  const answer = (flowFor: (payload: Payload | undefined) => string | undefined) =>
    async (request: FastifyRequest, reply: FastifyReply, payload: Payload | undefined, problem: string | undefined) => {
      const name = flowFor(payload)
      const flow = flows.find((f) => f.name === name) ?? flows.find((f) => f.name === defaultFlow) ?? (flows[0] as FlowDefinition)
      request.nccoflowCall = { ...request.nccoflowCall, flow: flow.name, step: flow.initial }
      if (payload === undefined || typeof payload.uuid !== 'string') {
        request.log.error({ ...request.nccoflowCall, problem }, 'answer webhook with a payload nccoflow cannot use: the caller hears the fallback NCCO')
        return sendNcco(reply, flow.fallback)
      }
      return sendNcco(reply, await runtime.answer(flow.name, payload as Payload & { uuid: string }, info(request)))
    }

  const defaultFallback = fallbackFlow.fallback
  webhook('/answer', 'answer', { kind: 'answer' }, answer((payload) => {
    const to = typeof payload?.to === 'string' ? payload.to : undefined
    return (to === undefined ? undefined : options.numbers?.[to]) ?? defaultFlow
  }), defaultFallback)

  for (const flow of flows) {
    webhook(`/flows/${flow.name}/answer`, 'answer', { kind: 'answer', flow: flow.name, step: flow.initial }, answer(() => flow.name), flow.fallback)
    const { callbacks, audio } = stepRoutes(flow)
    for (const { step, segment } of callbacks) {
      const returnsNcco = callbackReturnsNcco(segment)
      webhook(`/flows/${flow.name}/${step}/${segment}`, segmentKinds[segment], { kind: segment, flow: flow.name, step }, async (request, reply, payload, problem) => {
        if (payload === undefined) {
          if (!returnsNcco) return badRequest(reply, segment, String(problem))
          request.log.error({ ...request.nccoflowCall, problem, segment }, 'callback with a payload nccoflow cannot use: the caller hears the fallback NCCO')
          return sendNcco(reply, flow.fallback)
        }
        const ncco = await runtime.callback(flow.name, step, segment, payload, info(request))
        return ncco === undefined ? reply.code(204).send() : sendNcco(reply, ncco)
      }, returnsNcco ? flow.fallback : undefined)
    }
    for (const { path, file } of audio) {
      if (!existsSync(file)) throw new errors.FLOW_INVALID.Error(flow.name, `audio file ${file} does not exist`)
      const url = `${prefix}/flows/${flow.name}/audio/${path}`
      server.get(url, async (_request, reply) =>
        reply.header('Cache-Control', 'public, max-age=86400').type(audioTypes[extname(file).toLowerCase()] ?? 'application/octet-stream').send(createReadStream(file)))
      routes.push({ methods: ['GET'], url, flow: flow.name, kind: 'audio' })
    }
  }

  webhook('/event', undefined, { kind: 'event' }, async (request, reply, payload, problem) => {
    if (payload === undefined) return badRequest(reply, 'event', String(problem))
    const parsed = parseEvent(payload)
    if (!parsed.ok) return badRequest(reply, parsed.kind === 'unknown' ? 'event' : parsed.kind, describeIssues(parsed.issues))
    await runtime.event(parsed.kind, parsed.value as Payload, info(request))
    return reply.code(204).send()
  })

  webhook('/fallback', undefined, { kind: 'fallback' }, async (request, reply, payload) => {
    // Whatever the body, the answer is a safe NCCO; a body that fails its schema is still used to find the call.
    const body = payload ?? {}
    const parsed = parseWebhook('fallback', body)
    return sendNcco(reply, await runtime.fallback(defaultFlow, (parsed.ok ? parsed.value : body) as Payload, info(request)))
  }, defaultFallback)

  server.get(`${prefix}/healthz`, async () => ({ status: 'ok', flows: flows.map((f) => f.name) }))
  routes.push({ methods: ['GET'], url: `${prefix}/healthz`, kind: 'health' })

  app.addHook('onResponse', async (request, reply) => {
    if (request.nccoflowCall === undefined) return
    request.log.info({ ...request.nccoflowCall, method: request.method, url: request.url.split('?')[0], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'webhook')
  })

  app.decorate('nccoflow', { runtime, routes, defaultFlow })
  app.addHook('onClose', async () => {
    await runtime.drain()
    await runtime.store.close()
  })
}

/**
 * The nccoflow fastify plugin: serves the answer, event and fallback URLs and every callback route of the flows.
 * @example
 * import Fastify from 'fastify'
 * import { nccoflow } from 'nccoflow'
 * import menu from './flows/ivr-menu.js'
 * const app = Fastify({ logger: true })
 * await app.register(nccoflow, { flows: [menu], publicUrl: 'https://ivr.example.com' })
 */
export const nccoflow = fp(nccoflowPlugin, { name: 'nccoflow', fastify: '5.x' })
