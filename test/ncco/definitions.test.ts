import t from 'tap'
import { actionDefinitions } from '../../src/ncco/actions/index.js'

t.test('each action declares its URL fields, and which callbacks answer with an NCCO', async (t) => {
  const table = Object.values(actionDefinitions).map((d) => ({
    action: d.name,
    urls: d.urls.map((u) => ({ path: u.path.join('.'), role: u.role, segment: u.segment, ncco: u.returnsNcco({}), nccoWhenSync: u.returnsNcco({ eventType: 'synchronous' }) })),
    prompt: d.prompt === true,
    collectsInput: d.collectsInput === true,
    terminal: d.terminal === true,
  }))
  const url = (path: string, role: string, segment: string, ncco: boolean, nccoWhenSync = ncco) => ({ path, role, segment, ncco, nccoWhenSync })
  t.strictSame(table, [
    { action: 'talk', urls: [], prompt: true, collectsInput: false, terminal: false },
    { action: 'stream', urls: [url('streamUrl', 'media', 'audio', false)], prompt: true, collectsInput: false, terminal: false },
    { action: 'input', urls: [url('eventUrl', 'callback', 'input', true)], prompt: false, collectsInput: true, terminal: false },
    { action: 'record', urls: [url('eventUrl', 'callback', 'record', false), url('transcription.eventUrl', 'callback', 'record-transcription', false)], prompt: false, collectsInput: false, terminal: false },
    { action: 'conversation', urls: [url('eventUrl', 'callback', 'conversation', false), url('musicOnHoldUrl', 'media', 'music-on-hold', false), url('transcription.eventUrl', 'callback', 'conversation-transcription', false)], prompt: false, collectsInput: false, terminal: true },
    { action: 'connect', urls: [url('eventUrl', 'callback', 'connect', false, true)], prompt: false, collectsInput: false, terminal: false },
    { action: 'notify', urls: [url('eventUrl', 'callback', 'notify', true)], prompt: false, collectsInput: false, terminal: false },
    { action: 'wait', urls: [], prompt: false, collectsInput: false, terminal: false },
    { action: 'transfer', urls: [], prompt: false, collectsInput: false, terminal: true },
    { action: 'pay', urls: [url('eventUrl', 'callback', 'pay', false)], prompt: false, collectsInput: false, terminal: false },
  ])
})
