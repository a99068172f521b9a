import t from 'tap'
import {
  app, connect, conversation, input, notify, pay, phone, record, sip, stream, talk, transfer, vbc, wait, websocket,
  isConnect, isConversation, isInput, isNotify, isPay, isRecord, isStream, isTalk, isTransfer, isWait, isEndpoint,
  validateNcco,
} from '../../src/index.js'

const url = 'https://example.com/webhooks/event'

t.test('every factory emits the whole action, values copied exactly', async (t) => {
  const cases: [string, unknown, unknown][] = [
    ['talk', talk('Hello', { bargeIn: false, loop: 0, level: 0, language: 'en-GB', style: 0, premium: false }),
      { action: 'talk', text: 'Hello', bargeIn: false, loop: 0, level: 0, language: 'en-GB', style: 0, premium: false }],
    ['talk without options', talk('Hi'), { action: 'talk', text: 'Hi' }],
    ['stream', stream('https://example.com/a.mp3', { loop: 0, level: -1, bargeIn: true }),
      { action: 'stream', streamUrl: ['https://example.com/a.mp3'], loop: 0, level: -1, bargeIn: true }],
    ['input', input({ type: ['dtmf', 'speech'], dtmf: { maxDigits: 1, timeOut: 0, submitOnHash: false }, speech: { context: ['sales'], endOnSilence: 0.4, saveAudio: false }, eventUrl: url, eventMethod: 'GET' }),
      { action: 'input', type: ['dtmf', 'speech'], dtmf: { maxDigits: 1, timeOut: 0, submitOnHash: false }, speech: { context: ['sales'], endOnSilence: 0.4, saveAudio: false }, eventUrl: [url], eventMethod: 'GET' }],
    ['input asynchronous', input({ type: ['dtmf'], mode: 'asynchronous', eventUrl: [url] }),
      { action: 'input', type: ['dtmf'], mode: 'asynchronous', eventUrl: [url] }],
    ['record', record({ format: 'wav', split: 'conversation', channels: 2, endOnKey: '#', timeOut: 3, beepStart: false, eventUrl: url, transcription: { language: 'en-US', eventUrl: url, sentimentAnalysis: true } }),
      { action: 'record', format: 'wav', split: 'conversation', channels: 2, endOnKey: '#', timeOut: 3, beepStart: false, eventUrl: [url], transcription: { language: 'en-US', eventUrl: [url], sentimentAnalysis: true } }],
    ['record without options', record(), { action: 'record' }],
    ['conversation', conversation('room', { startOnEnter: false, endOnExit: false, record: true, musicOnHoldUrl: 'https://example.com/moh.mp3', canHear: [], eventUrl: url }),
      { action: 'conversation', name: 'room', startOnEnter: false, endOnExit: false, record: true, musicOnHoldUrl: ['https://example.com/moh.mp3'], canHear: [], eventUrl: [url] }],
    ['connect phone', connect(phone('447700900001', { dtmfAnswer: 'p1#', onAnswer: { url, ringbackTone: 'https://example.com/ring.mp3' } }), { from: '447700900000', eventType: 'synchronous', timeout: 20, limit: 7200, machineDetection: 'continue', advancedMachineDetection: { behavior: 'continue', mode: 'detect_beep', beep_timeout: 45 }, eventUrl: url, ringbackTone: 'https://example.com/ring.mp3' }),
      { action: 'connect', endpoint: [{ type: 'phone', number: '447700900001', dtmfAnswer: 'p1#', onAnswer: { url, ringbackTone: 'https://example.com/ring.mp3' } }], from: '447700900000', eventType: 'synchronous', timeout: 20, limit: 7200, machineDetection: 'continue', advancedMachineDetection: { behavior: 'continue', mode: 'detect_beep', beep_timeout: 45 }, eventUrl: [url], ringbackTone: 'https://example.com/ring.mp3' }],
    ['connect app', connect(app('alice'), { randomFromNumber: true }), { action: 'connect', endpoint: [{ type: 'app', user: 'alice' }], randomFromNumber: true }],
    ['connect websocket', connect(websocket('wss://example.com/socket', { 'content-type': 'audio/l16;rate=16000', headers: { caller: '447700900000' }, authorization: { type: 'custom', value: 'Bearer abc' } })),
      { action: 'connect', endpoint: [{ type: 'websocket', uri: 'wss://example.com/socket', 'content-type': 'audio/l16;rate=16000', headers: { caller: '447700900000' }, authorization: { type: 'custom', value: 'Bearer abc' } }] }],
    ['connect sip uri', connect(sip('sip:alice@example.com;transport=tls', { headers: { 'X-Id': '1' }, standardHeaders: { 'User-to-User': '342342ef34;encoding=hex' } })),
      { action: 'connect', endpoint: [{ type: 'sip', uri: 'sip:alice@example.com;transport=tls', headers: { 'X-Id': '1' }, standardHeaders: { 'User-to-User': '342342ef34;encoding=hex' } }] }],
    ['connect sip user and domain', connect(sip({ user: 'alice', domain: 'example.com' })), { action: 'connect', endpoint: [{ type: 'sip', user: 'alice', domain: 'example.com' }] }],
    ['connect vbc', connect(vbc('1234')), { action: 'connect', endpoint: [{ type: 'vbc', extension: '1234' }] }],
    ['notify', notify({ step: 'x', n: 0 }, { eventUrl: url, eventMethod: 'POST' }), { action: 'notify', payload: { step: 'x', n: 0 }, eventUrl: [url], eventMethod: 'POST' }],
    ['wait', wait({ timeout: 2 }), { action: 'wait', timeout: 2 }],
    ['wait without options', wait(), { action: 'wait' }],
    ['transfer', transfer('CON-1', { canHear: ['leg-1'], mute: false }), { action: 'transfer', conversationId: 'CON-1', canHear: ['leg-1'], mute: false }],
    ['pay', pay(9.99, { currency: 'gbp', eventUrl: url, prompts: [{ type: 'CardNumber', text: 'Card number?', errors: { Timeout: { text: 'Too slow' } } }] }),
      { action: 'pay', amount: 9.99, currency: 'gbp', eventUrl: [url], prompts: [{ type: 'CardNumber', text: 'Card number?', errors: { Timeout: { text: 'Too slow' } } }] }],
  ]
  for (const [name, got, want] of cases) {
    t.strictSame(got, want, name)
    // A bargeIn prompt must reach an input to be a valid NCCO on its own.
    const doc = (got as { bargeIn?: boolean }).bargeIn === true ? [got, input({ type: ['dtmf'] })] : [got]
    t.strictSame(validateNcco(doc).filter((i) => i.severity === 'error'), [], `${name} is valid`)
  }
})

t.test('undefined options are left out, nothing else is', async (t) => {
  t.strictSame(talk('x', { loop: undefined, bargeIn: false }), { action: 'talk', text: 'x', bargeIn: false })
  t.strictSame(input({ type: ['dtmf'], dtmf: { maxDigits: undefined, timeOut: 0 } }), { action: 'input', type: ['dtmf'], dtmf: { timeOut: 0 } })
})

t.test('factories copy their input and freeze their output', async (t) => {
  const dtmf = { maxDigits: 2 }
  const action = input({ type: ['dtmf'], dtmf })
  dtmf.maxDigits = 9
  t.equal(action.dtmf?.maxDigits, 2, 'later changes to the options object do not leak in')
  t.ok(Object.isFrozen(action) && Object.isFrozen(action.dtmf), 'frozen all the way down')
  t.notOk(Object.isFrozen(dtmf), 'the caller\'s object is not frozen')
})

t.test('guards tell the actions apart', async (t) => {
  const actions = [talk('x'), stream('https://a.example/x.mp3'), input({ type: ['dtmf'] }), record(), conversation('c'), connect(app('a')), notify({}, { eventUrl: url }), wait(), transfer('c'), pay(1)]
  const guards = [isTalk, isStream, isInput, isRecord, isConversation, isConnect, isNotify, isWait, isTransfer, isPay]
  guards.forEach((guard, i) => {
    t.strictSame(actions.map((a) => guard(a)), actions.map((_, j) => j === i), guard.name)
  })
  t.notOk(isTalk(null))
  t.ok(isEndpoint(phone('447700900001')))
  t.notOk(isEndpoint({ type: 'fax' }))
})
