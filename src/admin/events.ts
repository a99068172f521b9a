import type { FastifyInstance } from 'fastify'
import type { CallRecord } from '../runtime/call-record.js'
import type { CallStore } from '../runtime/store/index.js'
import type { AdminContext } from './context.js'
import type { CallRow } from './rows.js'

/** What one webhook publishes: the SSE `webhook` event's data, and the `call` event's (the call's list row). */
export interface AdminMessage {
  readonly webhook: Readonly<Record<string, unknown>>
  readonly call: CallRow
}

/** Every 15 s a comment line keeps idle connections (and proxies) from closing the stream. */
const KEEP_ALIVE_MS = 15_000

/**
 * The live events of the call API, through the store's publish/subscribe: every instance sharing the store publishes
 * there, and each relays to its own SSE clients. The store is subscribed to once, by the first client.
 */
export class AdminEvents {
  readonly store: CallStore<CallRecord>
  readonly #clients = new Set<(message: AdminMessage) => void>()
  #subscription: Promise<() => Promise<void>> | undefined

  constructor(store: CallStore<CallRecord>) {
    this.store = store
  }

  /** Publishes a webhook's message to every instance's clients. */
  async publish(message: AdminMessage): Promise<void> {
    await this.store.publish(JSON.stringify(message))
  }

  /** Adds a client; resolves once the store is subscribed to, with the function that removes it. */
  async add(client: (message: AdminMessage) => void): Promise<() => void> {
    this.#subscription ??= this.store.subscribe((text) => {
      const message = JSON.parse(text) as AdminMessage
      for (const send of this.#clients) send(message)
    })
    try {
      await this.#subscription
    } catch (error) {
      this.#subscription = undefined
      throw error
    }
    this.#clients.add(client)
    return () => this.#clients.delete(client)
  }

  /** Stops listening to the store. */
  async close(): Promise<void> {
    const stop = await this.#subscription?.catch(() => undefined)
    await stop?.()
  }
}

/**
 * `GET <api>/events`: Server-Sent Events, a `webhook` event per webhook handled by any instance (its inspector entry
 * without `request`/`response`, with the call's `uuid` and `flow`) and a `call` event with the call's list row.
 */
export function registerEvents(app: FastifyInstance, context: AdminContext, events: AdminEvents): void {
  const open = new Set<() => void>()
  app.get(`${context.apiPath}/events`, async (request, reply) => {
    const write = (text: string) => reply.raw.write(text)
    const remove = await events.add((message) => {
      write(`event: webhook\ndata: ${JSON.stringify(message.webhook)}\n\n`)
      write(`event: call\ndata: ${JSON.stringify(message.call)}\n\n`)
    })
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    write(': nccoflow call events\n\n')
    const timer = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS)
    timer.unref()
    const end = () => {
      clearInterval(timer)
      remove()
      open.delete(end)
      reply.raw.end()
    }
    open.add(end)
    // The client may have gone while the store subscribed (a round trip to Redis): then end at once, or its listener
    // and timer would stay for the life of the process.
    if (request.raw.destroyed) end()
    else request.raw.once('close', end)
  })
  // A stream never ends by itself: close them when the server closes, or close() would wait for them.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end()
    await events.close()
  })
}
