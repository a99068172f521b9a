import { Kind, type TSchema } from '@sinclair/typebox'
import t from 'tap'
import { actionDefinitions } from '../../src/ncco/index.js'
import { ncco, talk, connect, phone, record, isValidNcco, validateNcco, type NccoIssue } from '../../src/index.js'

// Vonage reads numbers and booleans written as strings, and real senders write them so: the docs and Node snippets
// have "timeout": "45", "endOnSilence": "3", "beepStart": "true"; the .NET SDK types loop, level, timeout and limit as
// strings. validateNcco accepts them with a `quoted_value` warning and checks ranges and rules on the parsed value.

const brief = (issues: NccoIssue[]) => issues.map((i) => ({ code: i.code, path: i.path, severity: i.severity }))
const quoted = (path: (string | number)[]) => ({ code: 'quoted_value', path: [0, ...path], severity: 'warning' })

const phoneEndpoint = [{ type: 'phone', number: '447700900001' }]

/** A minimal valid action of each kind, with what the field under test needs beside it. */
const base: Record<string, Record<string, unknown>> = {
  talk: { action: 'talk', text: 'Hi' },
  stream: { action: 'stream', streamUrl: ['https://example.com/a.mp3'] },
  input: { action: 'input', type: ['dtmf', 'speech'] },
  record: { action: 'record', split: 'conversation' },
  conversation: { action: 'conversation', name: 'room', record: true },
  connect: { action: 'connect', endpoint: phoneEndpoint },
  wait: { action: 'wait' },
  transfer: { action: 'transfer', conversationId: 'CON-1' },
  pay: { action: 'pay', amount: 1 },
}

/** Every number and boolean field of every action and endpoint, written as a string, and the value Vonage reads. */
const fields: [action: string, path: string[], text: string, read: number | boolean][] = [
  ['talk', ['bargeIn'], 'false', false],
  ['talk', ['loop'], '2', 2],
  ['talk', ['level'], '0.5', 0.5],
  ['talk', ['style'], '1', 1],
  ['talk', ['premium'], 'true', true],
  ['stream', ['level'], '-1', -1],
  ['stream', ['bargeIn'], 'false', false],
  ['stream', ['loop'], '0', 0],
  ['input', ['dtmf', 'timeOut'], '5', 5],
  ['input', ['dtmf', 'maxDigits'], '4', 4],
  ['input', ['dtmf', 'submitOnHash'], 'true', true],
  ['input', ['speech', 'endOnSilence'], '1.5', 1.5],
  ['input', ['speech', 'startTimeout'], '10', 10],
  ['input', ['speech', 'maxDuration'], '60', 60],
  ['input', ['speech', 'saveAudio'], 'true', true],
  ['input', ['speech', 'sensitivity'], '50', 50],
  ['record', ['channels'], '2', 2],
  ['record', ['endOnSilence'], '3', 3],
  ['record', ['timeOut'], '7200', 7200],
  ['record', ['beepStart'], 'true', true],
  ['record', ['transcription', 'sentimentAnalysis'], 'false', false],
  ['conversation', ['startOnEnter'], 'false', false],
  ['conversation', ['endOnExit'], 'true', true],
  ['conversation', ['record'], 'true', true],
  ['conversation', ['mute'], 'true', true],
  ['conversation', ['transcription', 'sentimentAnalysis'], 'true', true],
  ['connect', ['randomFromNumber'], 'true', true],
  ['connect', ['timeout'], '45', 45],
  ['connect', ['limit'], '7200', 7200],
  ['connect', ['advancedMachineDetection', 'beep_timeout'], '45', 45],
  ['connect', ['advanced_machine_detection', 'beep_timeout'], '120', 120],
  ['wait', ['timeout'], '0.5', 0.5],
  ['transfer', ['mute'], 'false', false],
  ['pay', ['amount'], '9.99', 9.99],
  ['pay', ['voice', 'style'], '2', 2],
]

function withField(action: string, path: string[], value: unknown): Record<string, unknown> {
  const doc = structuredClone(base[action]) as Record<string, unknown>
  let node = doc
  path.slice(0, -1).forEach((key) => {
    node[key] ??= {}
    node = node[key] as Record<string, unknown>
  })
  node[path[path.length - 1] as string] = value
  return doc
}

t.test('every number and boolean field written as a string is read as Vonage reads it, with a warning', async (t) => {
  for (const [action, path, text, read] of fields) {
    const issues = validateNcco([withField(action, path, text)])
    t.strictSame(brief(issues), [quoted(path)], `${action} ${path.join('.')}: "${text}"`)
    t.equal(issues[0]?.message, `${action} ${path.join('.')} is the string ${JSON.stringify(text)}: Vonage reads it as ${String(read)}; write ${String(read)} without quotes`)
    t.strictSame(validateNcco([withField(action, path, read)]), [], `${action} ${path.join('.')}: ${String(read)} as a JSON value has no issue`)
  }
})

t.test('the table above names every number and boolean field of every action and endpoint', async (t) => {
  // Walks the schemas as a reader would: object properties, array items, variants of discriminated unions.
  const found: string[] = []
  const walk = (schema: TSchema, at: string[], action: string): void => {
    const kind = schema[Kind]
    if (kind === 'Number' || kind === 'Integer' || kind === 'Boolean') found.push(`${action} ${at.join('.')}`)
    if (kind === 'Object') for (const [key, value] of Object.entries(schema.properties as Record<string, TSchema>)) walk(value, [...at, key], action)
    if (kind === 'Array') walk(schema.items as TSchema, at, action)
    if (kind === 'Union') for (const variant of schema.anyOf as TSchema[]) walk(variant, at, action)
  }
  for (const definition of Object.values(actionDefinitions)) walk(definition.schema, [], definition.name)
  t.strictSame([...new Set(found)].sort(), fields.map(([action, path]) => `${action} ${path.join('.')}`).sort())
})

t.test('ranges apply to the parsed value', async (t) => {
  const connectWith = (options: Record<string, unknown>) => [{ action: 'connect', endpoint: phoneEndpoint, ...options }]
  const limit = validateNcco(connectWith({ limit: '7201' }))
  t.strictSame(brief(limit), [quoted(['limit']), { code: 'out_of_range', path: [0, 'limit'], severity: 'error' }])
  t.match(limit[1]?.message, 'connect limit must be at most 7200 (range 1 to 7200), got 7201')
  t.strictSame(brief(validateNcco(connectWith({ timeout: '2' }))), [quoted(['timeout']), { code: 'out_of_range', path: [0, 'timeout'], severity: 'error' }])
  t.strictSame(brief(validateNcco([{ action: 'input', type: ['dtmf'], dtmf: { maxDigits: '21' } }])),
    [quoted(['dtmf', 'maxDigits']), { code: 'out_of_range', path: [0, 'dtmf', 'maxDigits'], severity: 'error' }])
  t.strictSame(brief(validateNcco([{ action: 'talk', text: 'Hi', loop: '-1' }])), [quoted(['loop']), { code: 'out_of_range', path: [0, 'loop'], severity: 'error' }])
  t.strictSame(brief(validateNcco([{ action: 'talk', text: 'Hi', loop: '1.5' }])), [quoted(['loop']), { code: 'invalid_type', path: [0, 'loop'], severity: 'error' }], 'a fraction is no whole number')
})

t.test('strings that are not a number or a boolean are still the wrong type', async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ action: 'talk', text: 'Hi', loop: 'two' }, 'loop'],
    [{ action: 'talk', text: 'Hi', loop: '' }, 'loop'],
    [{ action: 'talk', text: 'Hi', loop: ' 2' }, 'loop'],
    [{ action: 'talk', text: 'Hi', loop: '1e3' }, 'loop'],
    [{ action: 'talk', text: 'Hi', loop: '0x10' }, 'loop'],
    [{ action: 'talk', text: 'Hi', level: '+0.5' }, 'level'],
    [{ action: 'talk', text: 'Hi', level: '5.' }, 'level'],
    [{ action: 'talk', text: 'Hi', bargeIn: 'yes' }, 'bargeIn'],
    [{ action: 'talk', text: 'Hi', bargeIn: 'TRUE' }, 'bargeIn'],
    [{ action: 'talk', text: 'Hi', bargeIn: '1' }, 'bargeIn'],
  ]
  for (const [action, field] of cases) {
    t.strictSame(brief(validateNcco([action])), [{ code: 'invalid_type', path: [0, field], severity: 'error' }], JSON.stringify(action[field]))
  }
})

t.test('rules across fields and actions see the parsed value', async (t) => {
  const input = { action: 'input', type: ['dtmf'] }
  t.strictSame(brief(validateNcco([{ action: 'talk', text: 'Hi', bargeIn: 'true' }])), [quoted(['bargeIn']), { code: 'barge_in', path: [0, 'bargeIn'], severity: 'error' }])
  t.ok(isValidNcco([{ action: 'stream', streamUrl: ['https://example.com/a.mp3'], bargeIn: 'true' }, input]), 'a quoted bargeIn followed by an input')
  t.ok(isValidNcco([{ action: 'talk', text: 'Hi', bargeIn: 'false' }]), 'a quoted false is no barge-in')
  t.strictSame(brief(validateNcco([{ action: 'conversation', name: 'room', mute: 'true', canSpeak: ['leg'] }])), [quoted(['mute']), { code: 'conflict', path: [0, 'mute'], severity: 'error' }])
  t.strictSame(brief(validateNcco([{ action: 'conversation', name: 'room', mute: 'false', canSpeak: ['leg'] }])), [quoted(['mute'])])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint: phoneEndpoint, from: '447700900000', randomFromNumber: 'true' }])),
    [quoted(['randomFromNumber']), { code: 'conflict', path: [0, 'from'], severity: 'error' }])
  t.strictSame(brief(validateNcco([{ action: 'conversation', name: 'room', record: 'true', transcription: {} }])), [quoted(['record'])])
})

t.test('strings in free data and string fields are left alone', async (t) => {
  t.strictSame(validateNcco([{ action: 'notify', payload: { count: '3', ok: 'true' }, eventUrl: ['https://example.com/n'] }]), [])
  t.strictSame(validateNcco([{ action: 'connect', endpoint: [{ type: 'websocket', uri: 'wss://example.com/ws', headers: { retries: '3' } }] }]), [])
  t.strictSame(validateNcco([{ action: 'connect', endpoint: [{ type: 'phone', number: '447700900001', dtmfAnswer: '1' }], from: '447700900000' }]), [])
  t.strictSame(brief(validateNcco([{ action: 'connect', endpoint: [{ type: 'fax', number: '1' }], timeout: '20' }])),
    [quoted(['timeout']), { code: 'invalid_value', path: [0, 'endpoint', 0, 'type'], severity: 'error' }], 'an endpoint of no known type is not walked')
  t.strictSame(brief(validateNcco([{ action: 'say', loop: '2' }, { action: 'talk', text: 'Hi', loop: '2' }])),
    [{ code: 'unknown_action', path: [0, 'action'], severity: 'error' }, { code: 'quoted_value', path: [1, 'loop'], severity: 'warning' }])
})

t.test('the value checked is not changed', async (t) => {
  const doc = [{ action: 'connect', endpoint: phoneEndpoint, timeout: '45' }]
  validateNcco(doc)
  t.equal(doc[0]?.timeout, '45')
})

t.test('factories and the builder emit real numbers and booleans, and their types take no strings', async (t) => {
  t.strictSame(ncco().talk('Hi', { loop: 0, bargeIn: false }).build(), [{ action: 'talk', text: 'Hi', loop: 0, bargeIn: false }])
  t.strictSame(record({ endOnSilence: 3, beepStart: true }), { action: 'record', endOnSilence: 3, beepStart: true })
  t.strictSame(connect(phone('447700900001'), { timeout: 45 }), { action: 'connect', endpoint: [{ type: 'phone', number: '447700900001' }], timeout: 45 })
  // @ts-expect-error loop is a number
  t.strictSame(brief(validateNcco([talk('Hi', { loop: '2' })])), [quoted(['loop'])])
  // @ts-expect-error beepStart is a boolean
  t.strictSame(brief(validateNcco([record({ beepStart: 'true' })])), [quoted(['beepStart'])])
})
