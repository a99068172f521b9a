// A call: where it is in its flow, its context, and the inspector's timeline of its webhooks, each replayable.
import { api, listen } from './api.js'
import { diagram } from './diagram.js'
import { fill, folded, h, title } from './dom.js'

/** The steps a call went through, in order, from its webhooks. */
function path(webhooks) {
  const steps = []
  for (const w of webhooks) {
    for (const step of [w.stepBefore, w.stepAfter]) if (step && steps.at(-1) !== step) steps.push(step)
  }
  return steps
}

/** One webhook of the timeline: what came in, what went out, and its replay. */
function entry(uuid, w) {
  const result = h('div', { class: 'replay', 'aria-live': 'polite' })
  const replay = h('button', {
    type: 'button',
    onclick: async () => {
      replay.disabled = true
      fill(result, h('p', { class: 'muted' }, 'Replaying…'))
      try {
        const { then, now } = await api(`calls/${encodeURIComponent(uuid)}/webhooks/${w.index}/replay`, { method: 'POST' })
        const same = JSON.stringify(then) === JSON.stringify(now)
        fill(result,
          h('p', { class: same ? 'same' : 'differs' }, same ? 'Today\'s flow answers the same.' : 'Today\'s flow answers differently.'),
          h('div', { class: 'pair' }, folded('then', then, true), folded('now', now, true)))
      } catch (error) {
        fill(result, h('p', { class: 'error', role: 'alert' }, `Replay failed: ${error.message}`))
      } finally {
        replay.disabled = false
      }
    },
  }, `Replay #${w.index}`)
  const steps = w.stepBefore === w.stepAfter ? w.stepAfter ?? '' : `${w.stepBefore ?? '—'} → ${w.stepAfter ?? '—'}`
  return h('li', { class: 'webhook', 'data-index': w.index },
    h('h3', {}, `#${w.index} ${w.kind ?? ''} `, h('code', {}, `${w.method} ${w.path}`)),
    h('p', { class: 'meta' }, `${new Date(w.at).toLocaleTimeString()} · ${w.status} · ${w.ms} ms · `, h('span', { class: 'steps' }, steps)),
    h('div', { class: 'pair' }, folded('request', w.request), folded(w.response === null ? 'response (204, no body)' : 'NCCO', w.response ?? undefined)),
    replay,
    result)
}

/** The page of one call; it follows the call's webhooks as they come. */
export async function callView(uuid) {
  const [call, { flows }] = await Promise.all([api(`calls/${encodeURIComponent(uuid)}`), api('flows')])
  const section = h('section', { class: 'call' })
  const render = (c) => {
    const flow = flows.find((f) => f.name === c.flow)
    fill(section,
      title(`Call ${c.uuid.slice(0, 8)}`),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Flow'), h('dd', {}, `${c.flow} ${c.flowVersion ?? ''}`),
        h('dt', {}, 'Step'), h('dd', { class: 'step', 'aria-live': 'polite' }, c.step),
        h('dt', {}, 'Status'), h('dd', {}, c.ended ? 'ended' : 'active'),
        h('dt', {}, 'Conversation'), h('dd', {}, h('code', {}, c.conversationUuid))),
      flow === undefined ? h('p', { class: 'muted' }, `The flow ${c.flow} is not served now.`) : diagram(flow.mermaid, { current: c.step, visited: path(c.webhooks) }),
      h('h2', {}, 'Context'), folded('context', c.context, true),
      h('h2', {}, 'Webhooks'),
      c.webhooks.length === 0 ? h('p', { class: 'muted' }, 'None recorded.') : h('ol', { class: 'timeline' }, c.webhooks.map((w) => entry(c.uuid, w))),
      folded('history', c.history))
  }
  render(call)
  const ids = new Set([call.uuid, call.conversationUuid])
  const stop = listen({
    webhook: async (event) => {
      if (!ids.has(event.uuid)) return
      render(await api(`calls/${encodeURIComponent(uuid)}`))
    },
  })
  return { element: section, stop }
}
