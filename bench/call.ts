/**
 * One whole call of the benchmark, as Vonage would send it to the example menu flow: the answer webhook (GET), two
 * input callbacks (POST JSON) and the `completed` status event (POST JSON). The first input presses 9, which the menu
 * does not know ("sorry", then the menu again); the second presses 2 (voicemail, then goodbye).
 */

/** The flow every benchmark call runs. */
export const FLOW = 'ivr-menu'

/** Path of the menu step's input callback: both inputs of a call go there. */
export const INPUT_PATH = `/flows/${FLOW}/menu/input`

/** The four webhooks of a call, in the order they are sent. */
export const CALL_STEPS = ['answer', 'input 9', 'input 2', 'completed'] as const

/** One of the four webhooks of a call. */
export type CallStep = (typeof CALL_STEPS)[number]

/** One HTTP request of a call. */
export interface CallRequest {
  readonly step: CallStep
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly body?: string
}

/** Ids of a call: the leg uuid and the conversation uuid, both fresh per call. */
export interface CallIds {
  readonly uuid: string
  readonly conversation: string
}

const numbers = { from: '447700900123', to: '447700900000' }

/** Fresh ids for call number `n` of a run. */
export function callIds(run: string, n: number): CallIds {
  const tail = n.toString(16).padStart(12, '0')
  return { uuid: `${run}-0000-4000-8000-${tail}`, conversation: `CON-${run}-0000-4000-8000-${tail}` }
}

/** Vonage's timestamp of a webhook sent `seconds` into a call that starts now (events are kept in timestamp order). */
function at(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString()
}

function input(ids: CallIds, digits: string, seconds: number): string {
  return JSON.stringify({
    speech: { results: [] },
    dtmf: { digits, timed_out: false },
    ...numbers,
    uuid: ids.uuid,
    conversation_uuid: ids.conversation,
    timestamp: at(seconds),
  })
}

/** The request of one step of a call. */
export function callRequest(step: CallStep, ids: CallIds): CallRequest {
  switch (step) {
    case 'answer': {
      const query = new URLSearchParams({ uuid: ids.uuid, conversation_uuid: ids.conversation, ...numbers })
      return { step, method: 'GET', path: `/answer?${query.toString()}` }
    }
    case 'input 9':
      return { step, method: 'POST', path: INPUT_PATH, body: input(ids, '9', 3) }
    case 'input 2':
      return { step, method: 'POST', path: INPUT_PATH, body: input(ids, '2', 6) }
    case 'completed':
      return {
        step,
        method: 'POST',
        path: '/event',
        body: JSON.stringify({
          ...numbers,
          uuid: ids.uuid,
          conversation_uuid: ids.conversation,
          status: 'completed',
          direction: 'inbound',
          timestamp: at(9),
          start_time: at(0),
          end_time: at(9),
          duration: '9',
          rate: '0.00450000',
          price: '0.00067500',
          network: 'GB-FIXED',
        }),
      }
  }
}

/** What each step of a call gets back: the status and the exact body (the NCCO, or nothing for the event). */
export type Expected = Readonly<Record<CallStep, { readonly status: number; readonly body: string }>>

/** Sends every step of one call to a server with fetch and returns what came back, for checking and for the bare server. */
export async function sendCall(origin: string, ids: CallIds): Promise<Expected> {
  const got: Partial<Record<CallStep, { status: number; body: string }>> = {}
  for (const step of CALL_STEPS) {
    const request = callRequest(step, ids)
    const response = await fetch(`${origin}${request.path}`, {
      method: request.method,
      ...(request.body === undefined ? {} : { body: request.body, headers: { 'content-type': 'application/json' } }),
    })
    got[step] = { status: response.status, body: await response.text() }
  }
  return got as Expected
}
