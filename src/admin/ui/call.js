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

/** One side of a replay: the status, the step the call went to, and the answer. */
function outcome(label, { status, stepAfter, response }) {
  return h('div', { class: 'outcome' },
    h('p', { class: 'meta' }, h('strong', {}, label), ` · ${status} · step ${stepAfter ?? '—'}`),
    folded(response === null ? 'response (no body)' : 'NCCO', response ?? undefined, true))
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
          h('div', { class: 'pair' }, outcome('then', then), outcome('now', now)))
      } catch (error) {
        fill(result, h('p', { class: 'error', role: 'alert' }, `Replay failed: ${error.message}`))
      } finally {
        replay.disabled = false
      }
    },
  }, `Replay #${w.index}`)
  const steps = w.stepBefore === w.stepAfter ? w.stepAfter ?? '' : `${w.stepBefore ?? '—'} → ${w.stepAfter ?? '—'}`
  return h('li', { class: 'webhook', 'data-index': w.index },
    h('h3', {}, `#${w.index} ${w.kind} `, h('code', {}, `${w.method} ${w.path}`)),
    h('p', { class: 'meta' }, `${new Date(w.at).toLocaleTimeString()} · ${w.status} · ${w.ms} ms · `, h('span', { class: 'steps' }, steps)),
    h('div', { class: 'pair' }, folded('request', w.request), folded(w.response === null ? 'response (no body)' : 'NCCO', w.response ?? undefined)),
    replay,
    result)
}

/**
 * The page of one call. It follows the call's webhooks as they come: the facts, the diagram and the context are
 * redrawn, and new webhooks are appended to the timeline (the ones shown stay, with any replay result open).
 */
export async function callView(uuid) {
  const [first, { flows }] = await Promise.all([api(`calls/${encodeURIComponent(uuid)}`), api('flows')])
  const flow = flows.find((f) => f.name === first.flow)
  const step = h('dd', { class: 'step', 'aria-live': 'polite' })
  const status = h('dd')
  const figure = h('div')
  const context = h('div')
  const history = h('div')
  const timeline = h('ol', { class: 'timeline' })
  const none = h('p', { class: 'muted' }, 'None recorded.')
  let drawnFor

  const update = (call) => {
    step.textContent = call.step
    status.textContent = call.ended ? 'ended' : 'active'
    const known = new Set(flow?.steps ?? [])
    const visited = path(call.webhooks).filter((s) => known.has(s))
    const marks = JSON.stringify([call.step, visited])
    if (flow !== undefined && marks !== drawnFor) {
      drawnFor = marks
      fill(figure, diagram(flow.mermaid, { current: known.has(call.step) ? call.step : undefined, visited }))
    }
    fill(context, folded('context', call.context, true))
    fill(history, folded('history', call.history))
    // The log keeps a call's last 50 webhooks: drop those it no longer has, append those not shown yet.
    const from = call.webhooks[0]?.index ?? Infinity
    for (const li of [...timeline.children]) if (Number(li.dataset.index) < from) li.remove()
    const last = Number(timeline.lastElementChild?.dataset.index ?? -1)
    timeline.append(...call.webhooks.filter((w) => w.index > last).map((w) => entry(call.uuid, w)))
    none.hidden = call.webhooks.length > 0
  }
  update(first)

  const section = h('section', { class: 'call' },
    title(`Call ${first.uuid.slice(0, 8)}`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Flow'), h('dd', {}, `${first.flow} ${first.flowVersion ?? ''}`),
      h('dt', {}, 'Step'), step,
      h('dt', {}, 'Status'), status,
      h('dt', {}, 'Conversation'), h('dd', {}, h('code', {}, first.conversationUuid ?? '—'))),
    flow === undefined ? h('p', { class: 'muted' }, `The flow ${first.flow} is not served now.`) : figure,
    h('h2', {}, 'Context'), context,
    h('h2', {}, 'Webhooks'), none, timeline,
    history)

  // Events come one per webhook; the call is read again once per event, one read at a time, in order.
  const ids = new Set([first.uuid, first.conversationUuid].filter(Boolean))
  let reading = Promise.resolve()
  const stop = listen({
    webhook: (event) => {
      if (!ids.has(event.uuid) && !ids.has(event.conversationUuid)) return
      reading = reading.then(() => api(`calls/${encodeURIComponent(uuid)}`)).then(update, () => {})
    },
  })
  return { element: section, stop }
}
