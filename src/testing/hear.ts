import type { Endpoint, Ncco, NccoAction } from '../ncco/index.js'

/** Names a `connect` endpoint the way a person would: its number, URI, user or extension. */
function endpointName(endpoint: Endpoint): string {
  switch (endpoint.type) {
    case 'phone': return endpoint.number
    case 'app': return `app user ${endpoint.user}`
    case 'websocket': return endpoint.uri
    case 'sip': return endpoint.uri ?? `sip:${endpoint.user ?? ''}@${endpoint.domain ?? ''}`
    case 'vbc': return `extension ${endpoint.extension}`
  }
}

/** What the caller hears of one action, as lines of text: spoken text as is, the rest in brackets. */
function hearAction(action: NccoAction): string[] {
  switch (action.action) {
    case 'talk': return [action.text]
    case 'stream': return action.streamUrl.map((url) => `[audio: ${url}]`)
    case 'input': {
      const takes = action.type.map((type) => (type === 'dtmf' ? 'keys' : 'speech')).join(' or ')
      return [`[waiting for ${takes}]`]
    }
    case 'record': return ['[recording]']
    case 'connect': return [`[connecting to ${action.endpoint.map(endpointName).join(', ')}]`]
    case 'notify': return ['[notify]']
    case 'conversation': return [`[joining conversation ${action.name}]`]
    case 'transfer': return ['[transferred to another conversation]']
    case 'wait': return [`[silence${action.timeout === undefined ? '' : ` for ${action.timeout} s`}]`]
    case 'pay': return ['[payment]']
  }
}

/**
 * What the caller hears of an NCCO, one line per thing heard: talk texts as they are spoken, and the other actions as
 * a bracketed note (`[audio: url]`, `[waiting for keys or speech]`, `[recording]`, `[connecting to 447700900001]`,
 * `[notify]`, ...). `nccoflow call` prints it; pure, so the terminal simulator's transcript is easy to test.
 */
export function hearNcco(ncco: Ncco): string[] {
  return ncco.flatMap(hearAction)
}
