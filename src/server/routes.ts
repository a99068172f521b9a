import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FlowDefinition } from '../dsl/types.js'
import { actionDefinitions, type ActionDefinition } from '../ncco/index.js'
import { callbackReturnsNcco } from '../runtime/callbacks/index.js'
import type { CallRuntime } from '../runtime/runtime.js'
import type { FallbackReason, RuntimeObserver } from '../runtime/transaction.js'
import type { Payload, RequestInfo } from '../runtime/types.js'
import { parseEvent, parseWebhook, type PayloadKind } from '../webhooks/index.js'
import { registerAudio } from './audio.js'
import type { ResolvedOptions } from './options.js'
import { badRequest, describeIssues, registerWebhook, sendNcco, type RouteInfo, type WebhookHandler } from './webhook-route.js'

/** The callback routes a flow needs: one per step and callback field its actions declare, with the payload it receives. */
function callbackRoutes(definition: FlowDefinition): { step: string; segment: string; kind: PayloadKind | undefined }[] {
  const routes: { step: string; segment: string; kind: PayloadKind | undefined }[] = []
  for (const step of Object.values(definition.steps)) {
    for (const op of step.ops) {
      if (op.kind !== 'action') continue
      // The flow's checks refused any action nccoflow does not know.
      const definition = actionDefinitions[op.action] as ActionDefinition
      for (const field of definition.urls) {
        if (field.role === 'callback' && !routes.some((c) => c.step === step.name && c.segment === field.segment)) {
          routes.push({ step: step.name, segment: field.segment, kind: field.payload as PayloadKind | undefined })
        }
      }
      // The notify put after an action Vonage resumes from, when the step has a way out (see the render loop).
      if (definition.resumes === true && step.next !== undefined && !routes.some((c) => c.step === step.name && c.segment === 'notify')) {
        routes.push({ step: step.name, segment: 'notify', kind: 'notify' })
      }
    }
  }
  return routes
}

/** Every callback segment an action declares (and the notify the render loop adds), with its payload: the routes a vanished step would need. */
function allCallbackSegments(): { segment: string; kind: PayloadKind | undefined }[] {
  const segments = new Map<string, PayloadKind | undefined>([['notify', 'notify']])
  for (const definition of Object.values(actionDefinitions)) {
    for (const field of definition.urls) {
      if (field.role === 'callback' && !segments.has(field.segment)) segments.set(field.segment, field.payload as PayloadKind | undefined)
    }
  }
  return [...segments].map(([segment, kind]) => ({ segment, kind }))
}

/**
 * Registers every route nccoflow serves: `/answer`, each flow's answer and callback routes and local audio, `/event`,
 * `/fallback` and `/healthz`. Returns them, for `nccoflow routes`.
 */
export function registerRoutes(app: FastifyInstance, runtime: CallRuntime, options: ResolvedOptions, info: (request: FastifyRequest) => RequestInfo, observer: RuntimeObserver = {}): RouteInfo[] {
  const { flows, prefix, defaultFlow, fallbackFlow, numbers } = options
  const routes: RouteInfo[] = []
  const onFallback = (reason: FallbackReason) => observer.fallback?.(reason)
  const webhook = (url: string, kind: PayloadKind | undefined, meta: Omit<RouteInfo, 'methods' | 'url'>, handler: WebhookHandler, fallback?: unknown) =>
    routes.push(registerWebhook(app, { url: `${prefix}${url}`, kind, meta, handler, fallback, onFallback }, fallbackFlow.name))

  const answer = (flowFor: (payload: Payload | undefined) => string | undefined): WebhookHandler =>
    async (request: FastifyRequest, reply: FastifyReply, payload: Payload | undefined, problem: string | undefined) => {
      const name = flowFor(payload)
      const flow = flows.find((f) => f.name === name) ?? fallbackFlow
      request.nccoflowCall = { ...request.nccoflowCall, flow: flow.name, step: flow.initial }
      if (payload === undefined || typeof payload.uuid !== 'string') {
        request.log.error({ ...request.nccoflowCall, problem }, 'answer webhook with a payload nccoflow cannot use: the caller hears the fallback NCCO')
        onFallback('bad_request')
        return sendNcco(reply, flow.fallback)
      }
      return sendNcco(reply, await runtime.answer(flow.name, payload as Payload & { uuid: string }, info(request)))
    }

  webhook('/answer', 'answer', { kind: 'answer' }, answer((payload) => {
    const to = typeof payload?.to === 'string' ? payload.to : undefined
    return (to === undefined ? undefined : numbers[to]) ?? defaultFlow
  }), fallbackFlow.fallback)

  /** The handler of a callback route; `stepOf` gives the step its URL names. */
  const callback = (flow: FlowDefinition, segment: string, stepOf: (request: FastifyRequest) => string): WebhookHandler =>
    async (request, reply, payload, problem) => {
      if (payload === undefined) {
        if (!callbackReturnsNcco(segment)) return badRequest(reply, segment, String(problem))
        request.log.error({ ...request.nccoflowCall, problem, segment }, 'callback with a payload nccoflow cannot use: the caller hears the fallback NCCO')
        onFallback('bad_request')
        return sendNcco(reply, flow.fallback)
      }
      const ncco = await runtime.callback(flow.name, stepOf(request), segment, payload, info(request))
      return ncco === undefined ? reply.code(204).send() : sendNcco(reply, ncco)
    }

  for (const flow of flows) {
    webhook(`/flows/${flow.name}/answer`, 'answer', { kind: 'answer', flow: flow.name, step: flow.initial }, answer(() => flow.name), flow.fallback)
    for (const { step, segment, kind } of callbackRoutes(flow)) {
      webhook(`/flows/${flow.name}/${step}/${segment}`, kind, { kind: segment, flow: flow.name, step }, callback(flow, segment, () => step), callbackReturnsNcco(segment) ? flow.fallback : undefined)
    }
    // Callbacks of steps the flow does not have (any more: a call that got there before the flow changed) still answer
    // a valid NCCO, the fallback, instead of a 404. Not listed: they serve no step of this flow.
    for (const { segment, kind } of allCallbackSegments()) {
      registerWebhook(app, { url: `${prefix}/flows/${flow.name}/:step/${segment}`, kind, meta: { kind: segment, flow: flow.name }, handler: callback(flow, segment, (request) => (request.params as { step: string }).step), fallback: callbackReturnsNcco(segment) ? flow.fallback : undefined, onFallback }, fallbackFlow.name)
    }
    routes.push(...registerAudio(app, flow, prefix))
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
    onFallback('fallback_url')
    return sendNcco(reply, await runtime.fallback(defaultFlow, (parsed.ok ? parsed.value : body) as Payload, info(request)))
  }, fallbackFlow.fallback)

  // For balancers: 503 while the store does not answer (within its command timeout), so traffic goes elsewhere.
  app.get(`${prefix}/healthz`, async (request, reply) => {
    const { store } = runtime
    try {
      await store.ping()
    } catch (error) {
      request.log.warn({ err: error, store: store.kind }, '/healthz: the call store does not answer')
      return reply.code(503).send({ status: 'unavailable', store: store.kind })
    }
    return { status: 'ok', store: store.kind, flows: flows.map((f) => f.name) }
  })
  routes.push({ methods: ['GET'], url: `${prefix}/healthz`, kind: 'health' })
  return routes
}
