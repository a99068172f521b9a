import t from 'tap'
import { connect, input, notify, phone, record, stream, talk, type StepArgs } from '../../src/index.js'
import { awaitedSegment, awaitsCallback, fillUrls, renderAction, type ActionOp } from '../../src/dsl/render.js'
import { actionDefinitions } from '../../src/ncco/actions/index.js'

const urls = { callback: (segment: string) => `https://ivr.test/flows/f/s/${segment}`, media: (path: string) => `https://ivr.test/flows/f/audio/${path}` }
const args = { call: { uuid: 'u', flow: 'f', step: 's', from: '447700900123' }, context: { name: 'Ann' }, log: { info() {}, warn() {}, error() {} } } as unknown as StepArgs<never>
const op = (action: string, ...rest: unknown[]): ActionOp => ({ kind: 'action', action, args: rest, handlers: {} })

t.test('callback URLs are filled in where the author left them out, as arrays of one absolute URL', async (t) => {
  t.strictSame(renderAction(op('input', { type: ['dtmf'] }), args, urls), { action: 'input', type: ['dtmf'], eventUrl: ['https://ivr.test/flows/f/s/input'] })
  t.strictSame(renderAction(op('input', { type: ['dtmf'], eventUrl: 'https://mine.test/in' }), args, urls), { action: 'input', type: ['dtmf'], eventUrl: ['https://mine.test/in'] }, 'the author\'s URL wins')
  t.strictSame(renderAction(op('record', { transcription: {} }), args, urls), {
    action: 'record',
    transcription: { eventUrl: ['https://ivr.test/flows/f/s/record-transcription'] },
    eventUrl: ['https://ivr.test/flows/f/s/record'],
  })
  t.strictSame(renderAction(op('record'), args, urls), { action: 'record', eventUrl: ['https://ivr.test/flows/f/s/record'] }, 'no transcription, no transcription URL')
  t.strictSame(renderAction(op('record', { transcription: { eventUrl: 'https://mine.test/t' } }), args, urls), {
    action: 'record',
    transcription: { eventUrl: ['https://mine.test/t'] },
    eventUrl: ['https://ivr.test/flows/f/s/record'],
  }, 'a nested URL the author gave is kept')
  t.strictSame(renderAction(op('talk', 'Hi'), args, urls), { action: 'talk', text: 'Hi' })
  t.strictSame(fillUrls({ action: 'record', transcription: 'yes' } as never, actionDefinitions.record!, urls), { action: 'record', transcription: 'yes', eventUrl: ['https://ivr.test/flows/f/s/record'] }, 'a nested URL is not forced into a value that is not an object')
})

t.test('arguments may be functions of the call', async (t) => {
  const rendered = renderAction(op('talk', ({ context, call }: StepArgs<{ name: string }>) => `Hello ${context.name}, calling from ${call.from}`, () => ({ loop: 0 })), args, urls)
  t.strictSame(rendered, { action: 'talk', text: 'Hello Ann, calling from 447700900123', loop: 0 })
})

t.test('local audio paths point at the audio route; URLs stay as they are', async (t) => {
  t.strictSame(fillUrls(stream('./audio/hold.mp3'), actionDefinitions.stream!, urls), { action: 'stream', streamUrl: ['https://ivr.test/flows/f/audio/./audio/hold.mp3'] })
  t.strictSame(fillUrls(stream('https://cdn.test/a.mp3'), actionDefinitions.stream!, urls), { action: 'stream', streamUrl: ['https://cdn.test/a.mp3'] })
})

t.test('which actions wait for a callback whose answer is the next NCCO', async (t) => {
  t.ok(awaitsCallback(input({ type: ['dtmf'] })))
  t.ok(awaitsCallback(notify({}, { eventUrl: 'https://x.test' })))
  t.ok(awaitsCallback(connect(phone('447700900001'), { eventType: 'synchronous' })))
  t.notOk(awaitsCallback(connect(phone('447700900001'))))
  t.notOk(awaitsCallback(record()))
  t.notOk(awaitsCallback(talk('x')))
  t.equal(awaitedSegment(input({ type: ['speech'] })), 'input')
  t.equal(awaitedSegment(talk('x')), undefined)
})
