import { readFileSync } from 'node:fs'
import Ajv from 'ajv-draft-04'
import addFormats from 'ajv-formats'
import t from 'tap'
import { app, ncco, phone, sip, websocket } from '../../src/index.js'

// Vonage's published NCCO JSON Schema (2021, draft-04), vendored with its MIT notice in test/fixtures/vonage-spec/.
// Its input shape is obsolete, so input is not checked here.
const schema = JSON.parse(readFileSync(new URL('../fixtures/vonage-spec/ncco-schema.json', import.meta.url), 'utf8'))
const ajv = new Ajv.default({ strict: false, allErrors: true })
addFormats.default(ajv)
const check = ajv.compile(schema)
const url = 'https://example.com/webhooks/event'

t.test('our talk, stream, record, connect and conversation pass Vonage\'s published schema', async (t) => {
  const docs = {
    talk: ncco().talk('Hello', { bargeIn: false, loop: 0, language: 'en-GB', style: 2 }),
    stream: ncco().stream('https://example.com/a.mp3', { level: 0.5, loop: 0, bargeIn: false }),
    record: ncco().record({ format: 'wav', split: 'conversation', endOnSilence: 3, endOnKey: '#', timeOut: 7200, beepStart: true, eventUrl: url, eventMethod: 'POST' }),
    'connect phone': ncco().connect(phone('447700900001', { dtmfAnswer: 'p12#' }), { from: '447700900000', eventType: 'synchronous', timeout: 20, limit: 7200, machineDetection: 'hangup', eventUrl: url, eventMethod: 'GET' }),
    'connect websocket': ncco().connect(websocket('wss://example.com/ws', { 'content-type': 'audio/l16;rate=16000', headers: { a: 'b' } })),
    'connect sip': ncco().connect(sip('sip:alice@example.com')),
    conversation: ncco().conversation('room', { startOnEnter: false, endOnExit: true, record: true, eventUrl: url, eventMethod: 'POST' }),
  }
  for (const [name, doc] of Object.entries(docs)) {
    const json = JSON.parse(JSON.stringify(doc))
    t.ok(check(json), name, { errors: check.errors })
  }
})

t.test('where the 2021 schema is stale, we follow the current docs', async (t) => {
  // musicOnHoldUrl: the schema has a bare string; the docs and SDKs an array of one URL, which we emit.
  const moh = JSON.parse(JSON.stringify(ncco().conversation('room', { musicOnHoldUrl: 'https://example.com/moh.mp3' })))
  t.strictSame(moh[0].musicOnHoldUrl, ['https://example.com/moh.mp3'])
  t.notOk(check(moh), 'the stale schema rejects the array form')
  // app endpoints did not exist in 2021.
  t.notOk(check(JSON.parse(JSON.stringify(ncco().connect(app('alice'))))), 'the stale schema has no app endpoint')
})
