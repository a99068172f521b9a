import type { FastifyInstance, FastifyReply } from 'fastify'
import { errors } from '../errors.js'
import type { NccoAction } from '../ncco/index.js'
import { parseAllowlist } from '../server/allowlist.js'
import { signLikeVonage } from '../server/signature.js'
import { accepts, Caller, type CallerCommand, type CallerCommandKind, type Heard } from '../testing/caller.js'
import { simulateCall, type SimulatorApp } from '../testing/simulate.js'
import { connectFailureStatuses, isConnectFailure } from '../webhooks/statuses.js'
import type { AdminContext } from './context.js'
import { sendAdminError } from './errors.js'

/** How many simulated calls one process keeps; placing one more forgets the oldest. */
export const SIMULATED_CALLS_KEPT = 100

/** A simulated call as the simulator API answers it. */
export interface SimulatorState {
  readonly uuid: string
  readonly conversationUuid: string
  readonly flow: string
  readonly step: string | undefined
  /** What the caller heard since they last did something, by step. */
  readonly heard: readonly Heard[]
  /** The NCCO Vonage runs: the last one the call received. */
  readonly ncco: readonly NccoAction[]
  /** The action Vonage waits at for the caller, or null once the call has ended. */
  readonly waitingAt: NccoAction | null
  /** What the caller may do now (`press`, `say`, `wait`, `fail`, `hangup`); none once the call has ended. */
  readonly accepts: readonly CallerCommandKind[]
  readonly ended: boolean
  readonly context: Readonly<Record<string, unknown>> | undefined
}

/** One simulated call: its caller, where Vonage waits, and the queue that takes its requests one at a time. */
export interface Session {
  readonly flow: string
  readonly caller: Caller
  heard: readonly Heard[]
  waitingAt: NccoAction | undefined
  queue: Promise<unknown>
}

/**
 * Where simulated calls live, and the server their webhooks go to. Each server has its own unless given one:
 * `nccoflow dev` builds its server again at every reload and gives each the same, so a simulated call in progress goes
 * on through the newest server (the flows as they are now), as a real call does.
 */
export class SimulatedCalls {
  /** The calls, by leg uuid: the last {@link SIMULATED_CALLS_KEPT} placed. */
  readonly sessions = new Map<string, Session>()
  /** The newest server to register the simulator: simulated webhooks go to it. */
  server: SimulatorApp | undefined
}

function stateOf(session: Session): SimulatorState {
  const { call } = session.caller
  const waitingAt = call.ended ? undefined : session.waitingAt
  return {
    uuid: call.uuid,
    conversationUuid: call.conversationUuid,
    flow: session.flow,
    step: call.step,
    heard: session.heard,
    ncco: call.ncco,
    waitingAt: waitingAt ?? null,
    accepts: waitingAt === undefined ? [] : accepts(waitingAt),
    ended: call.ended,
    context: call.context,
  }
}

type Body = Readonly<Record<string, unknown>>
type CodedError = Error & { code: string; statusCode: number }

/** The caller's command in a request body, or what is wrong with it (the field and why). */
function commandOf(body: Body): CallerCommand | [string, string] {
  const { action } = body
  switch (action) {
    case 'press': {
      const { digits } = body
      return typeof digits === 'string' && /^[0-9*#]+$/.test(digits) ? { kind: 'press', digits } : ['body.digits', 'press needs the keys pressed, digits 0-9, * and #, e.g. "1" or "42#"']
    }
    case 'say': {
      const { words } = body
      return typeof words === 'string' && words.trim() !== '' ? { kind: 'say', words: words.trim() } : ['body.words', 'say needs the words the caller says, e.g. "sales"']
    }
    case 'fail': {
      const status = body.status ?? 'failed'
      return typeof status === 'string' && isConnectFailure(status) ? { kind: 'fail', status } : ['body.status', `a connect fails with ${connectFailureStatuses.join(', ')}`]
    }
    case 'wait': case 'hangup': return { kind: action }
    default: return ['body.action', 'it must be one of press, say, wait, fail, hangup']
  }
}

/** A JSON object body, or undefined. */
function objectBody(body: unknown): Body | undefined {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? body as Body : undefined
}

/**
 * The dashboard's simulator, under `<api>/simulator/`, behind the admin token: `POST calls {flow}` places a call
 * through the server's own routes with the test kit (`simulateCall` over `inject`, as `nccoflow call` does),
 * `POST calls/:uuid {action: press|say|wait|fail|hangup, digits|words|status}` takes the caller's turn, `GET calls/:uuid`
 * reads it. Each answers {@link SimulatorState}. Simulated calls are real calls (the list, the inspector and the events
 * show them); the simulator's own side of them (where Vonage is in the NCCO) lives in this process, the last
 * {@link SIMULATED_CALLS_KEPT} of them.
 */
export function registerSimulator(app: FastifyInstance, context: AdminContext): void {
  const { runtime, apiPath } = context
  const base = `${apiPath}/simulator/calls`
  const home = context.admin.simulated ?? new SimulatedCalls()
  const { sessions } = home
  // The routes are the server's own; `app.nccoflow` is decorated after the admin routes are registered. Where the server
  // checks signatures, each webhook is signed as Vonage signs it, so it is checked like Vonage's.
  const { signature } = context
  home.server = {
    inject: async (options) => app.inject(signature === undefined ? options : { ...options, headers: { ...options.headers, authorization: await signLikeVonage(signature, options.payload) } }),
    nccoflow: { runtime },
  }
  // A call's webhooks go to the newest server sharing `home` (this one, unless `nccoflow dev` reloaded since).
  const target: SimulatorApp = {
    inject: (options) => (home.server as SimulatorApp).inject(options),
    nccoflow: { get runtime() { return (home.server as SimulatorApp).nccoflow.runtime } },
  }
  // Its webhooks come from 127.0.0.1: an ALLOWED_IPS without it refuses them all.
  const blocked = context.allowedIps !== undefined && !parseAllowlist(context.allowedIps).allows('127.0.0.1')

  /** Runs `work` once the session's earlier requests are done; answers the call's state, the error `work` returns, or what failed. */
  const turn = async (reply: FastifyReply, session: Session, work: () => Promise<CodedError | undefined>) => {
    const done = session.queue.then(work)
    session.queue = done.catch(() => undefined)
    let refused: CodedError | undefined
    try {
      refused = await done
    } catch (error) {
      // The server's own route refused a simulated webhook (a store that is down, a signature or address check).
      reply.log.warn({ err: error, uuid: session.caller.call.uuid }, 'simulator: a simulated webhook failed')
      return sendAdminError(reply, new errors.ADMIN_SIMULATOR_FAILED.Error((error as Error).message))
    }
    return refused === undefined ? stateOf(session) : sendAdminError(reply, refused)
  }
  const listen = async (session: Session) => {
    const { heard, waitsAt } = await session.caller.listen()
    session.heard = heard
    session.waitingAt = waitsAt
  }

  app.post(base, async (request, reply) => {
    if (blocked) {
      return sendAdminError(reply, new errors.ADMIN_SIMULATOR_BLOCKED.Error('its webhooks come from 127.0.0.1, which the allowedIps option (ALLOWED_IPS) does not allow: add 127.0.0.1 to it, or use the simulator where it is unset (nccoflow dev)'))
    }
    const body = objectBody(request.body)
    const flows = [...runtime.flows.keys()]
    const flow = body?.flow
    if (typeof flow !== 'string' || !runtime.flows.has(flow)) {
      return sendAdminError(reply, new errors.ADMIN_REQUEST_INVALID.Error('body.flow', `name the flow to call: one of ${flows.join(', ')}`))
    }
    const call = simulateCall(target, { flow })
    const session: Session = { flow, caller: new Caller(call), heard: [], waitingAt: undefined, queue: Promise.resolve() }
    sessions.set(call.uuid, session)
    if (sessions.size > SIMULATED_CALLS_KEPT) sessions.delete(sessions.keys().next().value as string)
    reply.code(201)
    return turn(reply, session, async () => {
      await call.answer()
      await listen(session)
      return undefined
    })
  })

  const find = (uuid: string, reply: FastifyReply) => {
    const session = sessions.get(uuid)
    if (session === undefined) void sendAdminError(reply, new errors.ADMIN_NOT_FOUND.Error(`simulated call ${uuid}`, 'place one with POST simulator/calls; this process keeps the last ones it placed'))
    return session
  }

  app.get<{ Params: { uuid: string } }>(`${base}/:uuid`, async (request, reply) => {
    const session = find(request.params.uuid, reply)
    return session === undefined ? reply : stateOf(session)
  })

  app.post<{ Params: { uuid: string } }>(`${base}/:uuid`, async (request, reply) => {
    const session = find(request.params.uuid, reply)
    if (session === undefined) return reply
    const command = commandOf(objectBody(request.body) ?? {})
    if (Array.isArray(command)) return sendAdminError(reply, new errors.ADMIN_REQUEST_INVALID.Error(...command))
    return turn(reply, session, async () => {
      const state = stateOf(session)
      if (!state.accepts.includes(command.kind)) {
        const where = state.waitingAt === null ? 'the call has ended' : `Vonage waits at the ${state.waitingAt.action}, where the caller can ${state.accepts.join(', ')}`
        return new errors.ADMIN_REQUEST_INVALID.Error('body.action', `${command.kind} does not fit: ${where}`)
      }
      session.heard = []
      await session.caller.act(command)
      if (command.kind === 'hangup') session.waitingAt = undefined
      else await listen(session)
      return undefined
    })
  })
}
