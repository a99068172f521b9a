import t from 'tap'
import { hearNcco } from '../../src/testing/hear.js'
import type { Ncco } from '../../src/ncco/index.js'

t.test('talk texts as spoken, the other actions as a bracketed note of what the caller hears', async (t) => {
  const ncco: Ncco = [
    { action: 'talk', text: 'Welcome to Acme.' },
    { action: 'stream', streamUrl: ['https://cdn.test/hold.mp3'] },
    { action: 'input', type: ['dtmf', 'speech'], eventUrl: ['https://ivr.test/input'] },
    { action: 'record', eventUrl: ['https://ivr.test/record'] },
    { action: 'notify', payload: { step: 1 }, eventUrl: ['https://ivr.test/notify'] },
    { action: 'wait', timeout: 2 },
    { action: 'wait' },
    { action: 'conversation', name: 'support-room' },
    { action: 'transfer', conversation_id: 'CON-1' },
    { action: 'pay', amount: 9.99 },
  ] as unknown as Ncco
  t.strictSame(hearNcco(ncco), [
    'Welcome to Acme.',
    '[audio: https://cdn.test/hold.mp3]',
    '[waiting for keys or speech]',
    '[recording]',
    '[notify]',
    '[silence for 2 s]',
    '[silence]',
    '[joining conversation support-room]',
    '[transferred to another conversation]',
    '[payment]',
  ])
  t.strictSame(hearNcco([]), [], 'an empty NCCO: nothing')
})

t.test('an input says what it takes; a connect names whom it calls', async (t) => {
  t.strictSame(hearNcco([{ action: 'input', type: ['dtmf'] }, { action: 'input', type: ['speech'] }] as unknown as Ncco), ['[waiting for keys]', '[waiting for speech]'])
  const connect = {
    action: 'connect',
    endpoint: [
      { type: 'phone', number: '447700900001' },
      { type: 'app', user: 'alice' },
      { type: 'websocket', uri: 'wss://ws.test/audio' },
      { type: 'sip', uri: 'sip:bob@sip.test' },
      { type: 'sip', user: 'carol', domain: 'sip.test' },
      { type: 'sip' },
      { type: 'vbc', extension: '123' },
    ],
  }
  t.strictSame(hearNcco([connect] as unknown as Ncco), [
    '[connecting to 447700900001, app user alice, wss://ws.test/audio, sip:bob@sip.test, sip:carol@sip.test, sip:@, extension 123]',
  ])
})
