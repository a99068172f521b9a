import type { FastifyInstance } from 'fastify'
import { flowToMermaid } from '../dsl/graph.js'
import { isNccoflowError } from '../errors.js'
import type { AdminContext } from './context.js'
import { sendAdminError } from './errors.js'

/** The caller and called numbers of a step's sample call (those of `nccoflow ncco`). */
const SAMPLE_CALL = { from: '447700900000', to: '447700900001' }

/**
 * `GET <api>/flows`: every flow served, with its steps, its Mermaid diagram (as `nccoflow graph` prints it) and its
 * routes, and the flow files that failed to load. `GET <api>/flows/:flow/steps/:step/ncco`: the NCCO a step renders for
 * a sample call (nothing is stored).
 */
export function registerFlowsApi(app: FastifyInstance, context: AdminContext): void {
  const { runtime, routes, apiPath, admin } = context
  app.get(`${apiPath}/flows`, async () => ({
    flows: [...runtime.flows.values()].map((flow) => ({
      name: flow.name,
      version: flow.version,
      initial: flow.initial,
      steps: Object.keys(flow.steps),
      mermaid: flowToMermaid(flow),
      routes: routes.filter((route) => route.flow === flow.name),
    })),
    problems: admin.problems(),
  }))

  app.get<{ Params: { flow: string; step: string } }>(`${apiPath}/flows/:flow/steps/:step/ncco`, async (request, reply) => {
    try {
      return { ncco: await runtime.preview(request.params.flow, request.params.step, context.baseUrl(request), SAMPLE_CALL) }
    } catch (error) {
      // An unknown flow or step (404, with the names there are); anything else is a flow's own failure.
      if (isNccoflowError(error) && error.statusCode === 404) return sendAdminError(reply, error)
      throw error
    }
  })
}
