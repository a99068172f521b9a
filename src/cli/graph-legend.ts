// What each kind of edge label in `flowToMermaid`'s output means, for the `nccoflow graph` legend and docs/flows.md.
const entries: readonly { readonly edge: RegExp; readonly text: string }[] = [
  { edge: /: (dtmf|speech) /, text: 'dtmf 1 / speech sales: a branch (.on); /x/ is a pattern, fn a predicate' },
  { edge: /: timeout$/, text: 'timeout: the caller pressed and said nothing (.onTimeout)' },
  { edge: /: otherwise$/, text: 'otherwise: no branch matched, or a timeout when there is no .onTimeout (.otherwise)' },
  { edge: /: connect failed$/, text: 'connect failed: the leg of a synchronous connect was not answered, busy, failed... (.onFailure)' },
  { edge: /: next$/, text: 'next: the step waits for nothing and goes on (.goto)' },
  { edge: /: next\?$/, text: 'next?: a target a .goto function may pick (it lists them); which one is decided for each call when it runs' },
  { edge: /: retry$/, text: 'retry: back to a question the caller may have come from (.retry), while retries are left' },
  { edge: /: after \d+ retries$/, text: 'after N retries: where .retry goes once the call has used its retries' },
  { edge: /--> \[\*\]$/, text: '[*]: the NCCO ends there; Vonage hangs up once the last action is done (after a connect: when the other leg hangs up)' },
]

/**
 * Mermaid comment lines (`%%`) that explain the edge labels a diagram uses, one per kind; empty for a diagram without edges.
 * @example process.stdout.write(diagram + graphLegend(diagram))
 */
export function graphLegend(diagram: string): string {
  const edges = diagram.split('\n').filter((line) => line.includes(' --> '))
  const used = entries.filter(({ edge }) => edges.some((line) => edge.test(line)))
  return used.length === 0 ? '' : `%% Edge labels (docs/flows.md, "The graph"):\n${used.map(({ text }) => `%%   ${text}\n`).join('')}`
}
