/** Where a running ngrok agent answers its local API by default (env `NGROK_API` overrides). */
export const NGROK_API = 'http://127.0.0.1:4040'

/** What the ngrok agent's local API was asked: the https URL of the tunnel to use, or why there is none. */
export type TunnelLookup =
  | { readonly url: string; readonly warning?: string }
  | { readonly problem: string }

interface AgentTunnel {
  readonly public_url?: unknown
  readonly proto?: unknown
  readonly config?: { readonly addr?: unknown }
}

/** Tells whether a tunnel's local address (`http://localhost:3000`, `localhost:3000`, `3000`) is this port. */
function forwardsTo(tunnel: AgentTunnel, port: number): boolean {
  return new RegExp(`(^|:)${port}/?$`).test(String(tunnel.config?.addr ?? ''))
}

/**
 * Asks a running ngrok agent (its local API, `GET <api>/api/tunnels`) for the https tunnel to this port; with several
 * https tunnels the one forwarding to `port` wins, else the first (with a warning). Never throws: without an agent, or
 * with an agent without an https tunnel, the answer says what to run.
 */
export async function findTunnel(api: string, port: number, timeoutMs = 1000): Promise<TunnelLookup> {
  const endpoint = `${api.replace(/\/+$/, '').replace(/\/api\/tunnels$/, '')}/api/tunnels`
  const start = `start one with \`ngrok http ${port}\` and run nccoflow dev again, or set PUBLIC_URL to your tunnel's https URL`
  let tunnels: AgentTunnel[]
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok) return { problem: `the ngrok agent API at ${endpoint} answered ${response.status}: ${start}` }
    const body = (await response.json()) as { tunnels?: unknown }
    tunnels = Array.isArray(body.tunnels) ? (body.tunnels as AgentTunnel[]) : []
  } catch (error) {
    return { problem: `no ngrok agent answers at ${endpoint} (${(error as Error).message}): ${start}` }
  }
  const https = tunnels.filter((t) => typeof t.public_url === 'string' && t.public_url.startsWith('https://'))
  const tunnel = https.find((t) => forwardsTo(t, port)) ?? https[0]
  if (tunnel === undefined) return { problem: `the ngrok agent at ${endpoint} has no https tunnel: ${start}` }
  const url = (tunnel.public_url as string).replace(/\/+$/, '')
  if (forwardsTo(tunnel, port)) return { url }
  return { url, warning: `ngrok's tunnel ${url} forwards to ${String(tunnel.config?.addr)}, not to port ${port}: run \`ngrok http ${port}\`` }
}
