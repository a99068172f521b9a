import t from 'tap'
import { isValidNcco, validateNcco, type NccoIssue } from '../../src/index.js'

const url = ['https://example.com/event']
const brief = (issues: NccoIssue[]) => issues.map((i) => ({ code: i.code, path: i.path, severity: i.severity }))
const e = (code: string, path: (string | number)[]) => ({ code, path, severity: 'error' })

t.test('document-level shape', async (t) => {
  t.strictSame(brief(validateNcco({ action: 'talk', text: 'x' })), [e('not_array', [])])
  t.strictSame(brief(validateNcco(null)), [e('not_array', [])])
  t.strictSame(brief(validateNcco([])), [e('empty', [])])
  t.strictSame(brief(validateNcco([null, 'talk', []])), [e('not_object', [0]), e('not_object', [1]), e('not_object', [2])])
  t.strictSame(brief(validateNcco([{ text: 'x' }, { action: 'say' }, { action: 'toString' }])),
    [e('unknown_action', [0, 'action']), e('unknown_action', [1, 'action']), e('unknown_action', [2, 'action'])])
  t.match(validateNcco([{ action: 'say' }])[0]?.message, /one of talk, stream, input, record, conversation, connect, notify, wait, transfer, pay; got "say"/)
})

t.test('schema issues name the field and what is expected', async (t) => {
  const issues = validateNcco([{ action: 'input', type: ['dtmf'], dtmf: { maxDigits: 21, timeOut: 'three' }, eventUrl: url }])
  t.same(brief(issues).sort((a, b) => a.code.localeCompare(b.code)), [e('invalid_type', [0, 'dtmf', 'timeOut']), e('out_of_range', [0, 'dtmf', 'maxDigits'])])
  t.match(issues.find((i) => i.code === 'out_of_range')?.message, 'input dtmf.maxDigits must be at most 20')
  t.match(issues.find((i) => i.code === 'invalid_type')?.message, 'input dtmf.timeOut must be a whole number, got "three"')
})

t.test('missing and unknown fields', async (t) => {
  t.strictSame(brief(validateNcco([{ action: 'talk' }])), [e('missing_field', [0, 'text'])])
  const unknown = validateNcco([{ action: 'record', timeout: 10 }])
  t.strictSame(brief(unknown), [e('unknown_field', [0, 'timeout'])])
  t.match(unknown[0]?.message, /did you mean timeOut\?/)
  const legacy = validateNcco([{ action: 'input', type: ['dtmf'], maxDigits: 1 }])
  t.strictSame(brief(legacy), [e('unknown_field', [0, 'maxDigits'])])
  t.match(legacy[0]?.message, /belongs in dtmf/)
  t.strictSame(brief(validateNcco([{ action: 'input', eventUrl: url }])), [e('missing_field', [0, 'type'])])
  t.strictSame(brief(validateNcco([{ action: 'notify', payload: {} }])), [e('missing_field', [0, 'eventUrl'])])
})

t.test('callback URLs are arrays of exactly one absolute http(s) URL', async (t) => {
  const cases: [unknown, (string | number)[]][] = [
    ['https://example.com/event', [0, 'eventUrl']],
    [[], [0, 'eventUrl']],
    [['https://a.example/1', 'https://a.example/2'], [0, 'eventUrl']],
    [['/event'], [0, 'eventUrl']],
    [['ftp://example.com/event'], [0, 'eventUrl']],
    [['wss://example.com/event'], [0, 'eventUrl']],
    [[42], [0, 'eventUrl']],
  ]
  for (const [eventUrl, path] of cases) {
    t.strictSame(brief(validateNcco([{ action: 'record', eventUrl }])), [e('invalid_url', path)], JSON.stringify(eventUrl))
  }
  const message = validateNcco([{ action: 'input', type: ['dtmf'], eventUrl: 'https://example.com/e' }])[0]?.message
  t.match(message, 'input eventUrl must be an array holding exactly one absolute http(s) URL')
  t.strictSame(brief(validateNcco([{ action: 'stream', streamUrl: 'https://example.com/a.mp3' }])), [e('invalid_url', [0, 'streamUrl'])])
  t.strictSame(brief(validateNcco([{ action: 'record', transcription: { eventUrl: ['x'] } }])), [e('invalid_url', [0, 'transcription', 'eventUrl'])])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint: [{ type: 'websocket', uri: 'https://example.com/ws' }] }])), [e('invalid_url', [0, 'endpoint', 0, 'uri'])])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint: [{ type: 'sip', uri: 'https://example.com' }] }])), [e('invalid_url', [0, 'endpoint', 0, 'uri'])])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint: [{ type: 'phone', number: '447700900001', onAnswer: { url: '/answer' } }] }])), [e('invalid_url', [0, 'endpoint', 0, 'onAnswer', 'url'])])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint: [{ type: 'app', user: 'a' }], ringbackTone: ['https://example.com/r.mp3'] }])), [e('invalid_url', [0, 'ringbackTone'])])
  t.ok(isValidNcco([{ action: 'conversation', name: 'c', musicOnHoldUrl: 'https://example.com/moh.mp3' }]), 'the 2021 schema\'s bare string musicOnHoldUrl is accepted')
  t.strictSame(brief(validateNcco([{ action: 'conversation', name: 'c', musicOnHoldUrl: ['moh.mp3'] }])), [e('invalid_url', [0, 'musicOnHoldUrl'])])
})

t.test('bargeIn prompts must reach an input', async (t) => {
  const input = { action: 'input', type: ['dtmf'], eventUrl: url }
  t.ok(isValidNcco([{ action: 'talk', text: 'a', bargeIn: true }, input]))
  t.ok(isValidNcco([{ action: 'talk', text: 'a', bargeIn: true }, { action: 'stream', streamUrl: url }, { action: 'talk', text: 'b', bargeIn: false }, input]), 'prompts between are fine')
  t.strictSame(brief(validateNcco([{ action: 'stream', streamUrl: url, bargeIn: true }])), [e('barge_in', [0, 'bargeIn'])], 'cannot end the NCCO')
  t.strictSame(brief(validateNcco([{ action: 'talk', text: 'a', bargeIn: true }, { action: 'talk', text: 'b' }, { action: 'record' }, input])),
    [e('barge_in', [0, 'bargeIn'])], 'another kind of action before the input')
  t.strictSame(brief(validateNcco([{ action: 'talk', text: 'a', bargeIn: true }, input, { action: 'talk', text: 'b', bargeIn: true }])),
    [e('barge_in', [2, 'bargeIn'])], 'each prompt after an input starts over')
  t.ok(isValidNcco([{ action: 'talk', text: 'a', bargeIn: false }]))
})

t.test('options that cannot be used together', async (t) => {
  t.strictSame(brief(validateNcco([{ action: 'conversation', name: 'c', mute: true, canSpeak: ['a'] }])), [e('conflict', [0, 'mute'])])
  t.strictSame(brief(validateNcco([{ action: 'transfer', conversationId: 'c', mute: true, canSpeak: [] }])), [e('conflict', [0, 'mute'])])
  t.strictSame(validateNcco([{ action: 'transfer', conversationId: 'c', mute: false, canSpeak: [] }]), [], 'mute: false goes with canSpeak')
  t.strictSame(validateNcco([{ action: 'conversation', name: 'c', mute: false, canSpeak: ['a'] }]), [], 'mute: false goes with canSpeak')
  t.strictSame(validateNcco([{ action: 'conversation', name: 'c', mute: true, canHear: ['a'] }]), [], 'canHear is who the leg hears: mute does not touch it')
  t.strictSame(brief(validateNcco([{ action: 'input', type: ['dtmf'], mode: 'asynchronous', dtmf: { maxDigits: 1 } }])), [e('conflict', [0, 'dtmf'])])
  t.strictSame(brief(validateNcco([{ action: 'input', type: ['dtmf', 'speech'], mode: 'asynchronous' }])), [e('conflict', [0, 'mode'])])
  t.strictSame(brief(validateNcco([{ action: 'record', channels: 2 }])), [e('conflict', [0, 'channels'])])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint: [{ type: 'app', user: 'a' }], from: '447700900000', randomFromNumber: true }])), [e('conflict', [0, 'from'])])
  t.ok(isValidNcco([{ action: 'connect', endpoint: [{ type: 'app', user: 'a' }], from: '447700900000', randomFromNumber: false }]))
  t.strictSame(brief(validateNcco([{ action: 'conversation', name: 'c', transcription: {} }])), [e('conflict', [0, 'transcription'])])
  t.strictSame(brief(validateNcco([{ action: 'record', channels: 40, format: 'aac' }])), [e('invalid_value', [0, 'format']), e('out_of_range', [0, 'channels']), e('conflict', [0, 'channels'])], 'rules still run when the schema fails')
})

t.test('both spellings where Vonage sources disagree', async (t) => {
  const amd = { behavior: 'continue', mode: 'detect', beep_timeout: 60 }
  const endpoint = [{ type: 'phone', number: '447700900001' }]
  t.ok(isValidNcco([{ action: 'connect', endpoint, advancedMachineDetection: amd }]))
  t.ok(isValidNcco([{ action: 'connect', endpoint, advanced_machine_detection: amd }]))
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint, advancedMachineDetection: amd, advanced_machine_detection: amd }])), [e('conflict', [0, 'advanced_machine_detection'])])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint, advancedMachineDetection: { beep_timeout: 30 } }])), [e('out_of_range', [0, 'advancedMachineDetection', 'beep_timeout'])])
  t.ok(isValidNcco([{ action: 'transfer', conversationId: 'CON-1' }]))
  t.ok(isValidNcco([{ action: 'transfer', conversation_id: 'CON-1' }]))
  t.strictSame(brief(validateNcco([{ action: 'transfer' }])), [e('missing_field', [0, 'conversationId'])])
  t.strictSame(brief(validateNcco([{ action: 'transfer', conversationId: 'a', conversation_id: 'a' }])), [e('conflict', [0, 'conversation_id'])])
})

t.test('endpoints are checked by their type', async (t) => {
  const connect = (endpoint: unknown) => brief(validateNcco([{ action: 'connect', endpoint }]))
  t.strictSame(connect([]), [e('out_of_range', [0, 'endpoint'])])
  t.strictSame(connect({ type: 'app', user: 'a' }), [e('invalid_type', [0, 'endpoint'])])
  t.strictSame(connect([{ type: 'fax', number: '1' }]), [e('invalid_value', [0, 'endpoint', 0, 'type'])])
  t.strictSame(connect([{ number: '447700900001' }]), [e('missing_field', [0, 'endpoint', 0, 'type'])])
  t.strictSame(connect([{ type: 'phone', number: '+447700900001' }]), [e('invalid_value', [0, 'endpoint', 0, 'number'])])
  t.strictSame(connect([{ type: 'phone', number: '447700900001', dtmfAnswer: '12x' }]), [e('invalid_value', [0, 'endpoint', 0, 'dtmfAnswer'])])
  t.strictSame(connect([{ type: 'websocket', uri: 'wss://a.example', 'content-type': 'audio/pcm' }]), [e('invalid_value', [0, 'endpoint', 0, 'content-type'])])
  t.strictSame(connect([{ type: 'websocket', uri: 'wss://a.example', headers: { big: 'x'.repeat(600) } }]), [e('out_of_range', [0, 'endpoint', 0, 'headers'])])
  t.strictSame(connect([{ type: 'websocket', uri: 'wss://a.example', authorization: { type: 'custom' } }]), [e('missing_field', [0, 'endpoint', 0, 'authorization', 'value'])])
  t.strictSame(connect([{ type: 'websocket', uri: 'wss://a.example', authorization: { type: 'basic' } }]), [e('invalid_value', [0, 'endpoint', 0, 'authorization', 'type'])])
  t.strictSame(connect([{ type: 'sip' }]), [e('missing_field', [0, 'endpoint', 0, 'uri'])])
  t.strictSame(connect([{ type: 'sip', user: 'a' }]), [e('missing_field', [0, 'endpoint', 0, 'domain'])])
  t.strictSame(connect([{ type: 'sip', domain: 'a' }]), [e('missing_field', [0, 'endpoint', 0, 'user'])])
  t.strictSame(connect([{ type: 'sip', uri: 'sip:a@b', user: 'a', domain: 'b' }]), [e('conflict', [0, 'endpoint', 0, 'uri'])])
  t.strictSame(connect([{ type: 'vbc' }]), [e('missing_field', [0, 'endpoint', 0, 'extension'])])
})

t.test('talk text is at most 1500 characters besides SSML', async (t) => {
  const long = 'a'.repeat(1500)
  t.ok(isValidNcco([{ action: 'talk', text: `<speak>${long}</speak>` }]))
  t.strictSame(brief(validateNcco([{ action: 'talk', text: `${long}b` }])), [e('out_of_range', [0, 'text'])])
  t.strictSame(brief(validateNcco([{ action: 'talk', text: '' }])), [e('out_of_range', [0, 'text'])])
})

t.test('warnings do not make an NCCO invalid', async (t) => {
  const doc = [{ action: 'conversation', name: 'c' }, { action: 'talk', text: 'never' }]
  t.strictSame(brief(validateNcco(doc)), [{ code: 'unreachable', path: [1], severity: 'warning' }])
  t.ok(isValidNcco(doc))
  const ignored = validateNcco([{ action: 'input', type: ['speech'], dtmf: { maxDigits: 1 } }])
  t.strictSame(brief(ignored), [{ code: 'ignored', path: [0, 'dtmf'], severity: 'warning' }])
})

t.test('messages say what is expected and what was given', async (t) => {
  const message = (doc: unknown[]) => validateNcco(doc).map((i) => i.message)
  t.strictSame(message([{ action: 'pay', amount: 0 }]), ['pay amount must be greater than 0, got 0'])
  t.strictSame(message([{ action: 'wait', timeout: 0 }]), ['wait timeout must be at least 0.1 (range 0.1 to 7200), got 0'])
  t.strictSame(message([{ action: 'talk', text: '' }]), ['talk text must be at least 1 character long, got ""'])
  t.strictSame(message([{ action: 'record', split: 'stereo' }]), ['record split must be "conversation"; got "stereo"'])
  t.strictSame(message([{ action: 'input', type: ['dtmf', 'dtmf'] }]), ['input type must not repeat items; got ["dtmf","dtmf"]'])
  t.strictSame(message([{ action: 'input', type: [] }]), ['input type must be at least 1 item, got []'])
  t.strictSame(message([{ action: 'talk', text: 'x', bargeIn: 'yes' }]), ['talk bargeIn must be true or false, got "yes"'])
  t.strictSame(message([{ action: 'talk', text: 'x', language: 'English' }]), ['talk language must be a BCP-47 language tag such as en-US; got "English"'])
  t.strictSame(message([{ action: 'notify', payload: 'x', eventUrl: ['https://example.com/n'] }]), ['notify payload must be an object, got "x"'])
  t.strictSame(message([{ action: 'connect', endpoint: [{ type: 'websocket', uri: 'wss://a.example', authorization: 'token' }] }]),
    ['connect endpoint[0].authorization must be an object, got "token"'])
  t.strictSame(message([{ action: 'talk', text: 'x'.repeat(80), loop: -1 }]), ['talk loop must be at least 0, got -1'])
  t.strictSame(message([{ action: 'conversation', name: 'c', canHear: [1] }]), ['conversation canHear[0] must be a string, got 1'])
})
