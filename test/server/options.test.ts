// The plugin's options: checked when the app starts, the numbers → flow mapping, the default flow, local audio.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import t from 'tap'
import { flow } from '../../src/dsl/flow.js'
import type { FlowDefinition } from '../../src/dsl/types.js'
import type { NccoAction } from '../../src/ncco/index.js'
import { buildServer } from '../../src/server/build.js'
import type { NccoflowOptions } from '../../src/server/options.js'
import { nccoflow } from '../../src/server/plugin.js'
import { talks, testServer, validNcco } from './fixtures/app.js'

const one = flow('one').steps({ hello: (s) => s.talk('Flow one.') })
const two = flow('two').steps({ hello: (s) => s.talk('Flow two.') })
const named = flow('default').steps({ hello: (s) => s.talk('The default flow.') })

async function startWith(options: NccoflowOptions) {
  const app = Fastify()
  await app.register(nccoflow, options)
  return app.ready()
}

t.test('the plugin fails at ready() on bad options', async (t) => {
  const invalidFallback = { ...one.toDefinition(), fallback: [{ action: 'talk', text: '' }] as unknown as readonly NccoAction[] } satisfies FlowDefinition
  const cases: { name: string; options: NccoflowOptions; error: { code: string; message?: RegExp | string } | { message: RegExp } }[] = [
    { name: 'no flows', options: { flows: [] }, error: { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN', message: /at least one flow/ } },
    { name: 'flows not an array', options: { flows: undefined as never }, error: { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN' } },
    { name: 'unknown defaultFlow', options: { flows: [one, two], defaultFlow: 'three' }, error: { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN', message: 'No flow named "three": the flows are one, two' } },
    { name: 'publicUrl without a scheme', options: { flows: [one], publicUrl: 'ivr.example.com' }, error: { code: 'NCCOFLOW_ERR_OPTIONS_INVALID', message: /Invalid nccoflow option publicUrl: it must be an absolute http\(s\) URL/ } },
    { name: 'publicUrl of another scheme', options: { flows: [one], publicUrl: 'ftp://ivr.example.com' }, error: { message: /publicUrl/ } },
    { name: 'a number mapped to an unknown flow', options: { flows: [one], numbers: { '447700900111': 'nope' } }, error: { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN', message: 'No flow named "nope": numbers maps 447700900111 to it; the flows are one' } },
    { name: 'a prefix without a leading slash', options: { flows: [one], prefix: 'vonage' }, error: { code: 'NCCOFLOW_ERR_OPTIONS_INVALID', message: /Invalid nccoflow option prefix: it must start with "\/"/ } },
    { name: 'a definition with an invalid fallback', options: { flows: [invalidFallback] }, error: { code: 'NCCOFLOW_ERR_FLOW_INVALID', message: /fallback NCCO is invalid/ } },
    { name: 'an invalid flow', options: { flows: [flow('bad name!').steps({ x: (s) => s.talk('x') })] }, error: { code: 'NCCOFLOW_ERR_FLOW_INVALID' } },
  ]
  for (const c of cases) await t.rejects(startWith(c.options), c.error, c.name)
  await t.rejects(buildServer({ flows: [] }), { code: 'NCCOFLOW_ERR_FLOW_UNKNOWN' }, 'buildServer too')
})

t.test('numbers map the number called to a flow; others get the default flow', async (t) => {
  const server = await testServer(t, { flows: [one, two], defaultFlow: 'one', numbers: { '447700900222': 'two' } })
  t.same(talks(validNcco(t, await server.answer('n1', { to: '447700900222' }))), ['Flow two.'])
  t.equal((await server.record('n1'))?.flow, 'two')
  t.same(talks(validNcco(t, await server.answer('n2', { to: '447700900999' }))), ['Flow one.'])
  t.same(talks(validNcco(t, await server.get('/answer', { uuid: 'n3', conversation_uuid: 'CON-n3', to: '447700900222' }))), ['Flow two.'])
  t.same(talks(validNcco(t, await server.get('/answer', { uuid: 'n4', conversation_uuid: 'CON-n4' }))), ['Flow one.'], 'no `to`')
  t.same(talks(validNcco(t, await server.answer('n5', { url: '/flows/two/answer', to: '447700900999' }))), ['Flow two.'], 'a flow\'s own answer route ignores numbers')
})

t.test('the default flow: the only flow, or the one named default', async (t) => {
  const single = await testServer(t, { flows: [two] })
  t.equal(single.app.nccoflow.defaultFlow, 'two')
  const withDefault = await testServer(t, { flows: [one, named, two] })
  t.equal(withDefault.app.nccoflow.defaultFlow, 'default')
  t.same(talks(validNcco(t, await withDefault.answer('d1'))), ['The default flow.'])
  // Neither: /answer serves the first flow.
  const neither = await testServer(t, { flows: [two, one] })
  t.equal(neither.app.nccoflow.defaultFlow, undefined)
  t.same(talks(validNcco(t, await neither.answer('d2'))), ['Flow two.'])
})

t.test('local audio files are served with cache headers and an audio content type', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nccoflow-audio-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'hold.mp3'), Buffer.from([0x49, 0x44, 0x33, 0x03, 0x00]))
  writeFileSync(join(dir, 'beep.WAV'), Buffer.from('RIFF....WAVE'))
  writeFileSync(join(dir, 'raw.bin'), Buffer.from([1, 2, 3]))
  const music = flow('music').steps({
    play: (s) => s
      .stream('./hold.mp3')
      .stream('./hold.mp3', { loop: 2 })
      .stream('beep.WAV')
      .stream('./raw.bin')
      .stream('https://cdn.example.com/remote.mp3')
      .talk('Done.'),
  })
  const server = await testServer(t, { flows: [{ ...music.toDefinition(), baseDir: dir }] })
  const ncco = validNcco(t, await server.answer('a1'))
  t.same(ncco.map((a) => (a.action === 'stream' ? a.streamUrl : undefined)), [
    ['https://ivr.test/flows/music/audio/hold.mp3'],
    ['https://ivr.test/flows/music/audio/hold.mp3'],
    ['https://ivr.test/flows/music/audio/beep.WAV'],
    ['https://ivr.test/flows/music/audio/raw.bin'],
    ['https://cdn.example.com/remote.mp3'],
    undefined,
  ])
  const mp3 = await server.get('/flows/music/audio/hold.mp3')
  t.equal(mp3.statusCode, 200)
  t.equal(mp3.headers['content-type'], 'audio/mpeg')
  t.equal(mp3.headers['cache-control'], 'public, max-age=86400')
  t.same(mp3.rawPayload, Buffer.from([0x49, 0x44, 0x33, 0x03, 0x00]))
  const wav = await server.get('/flows/music/audio/beep.WAV')
  t.equal(wav.headers['content-type'], 'audio/wav')
  t.equal(wav.headers['cache-control'], 'public, max-age=86400')
  t.equal((await server.get('/flows/music/audio/raw.bin')).headers['content-type'], 'application/octet-stream')
  const audioRoutes = server.app.nccoflow.routes.filter((r) => r.kind === 'audio').map((r) => r.url)
  t.same(audioRoutes, ['/flows/music/audio/hold.mp3', '/flows/music/audio/beep.WAV', '/flows/music/audio/raw.bin'], 'one route per file, none for remote URLs')
})

t.test('a conversation\'s relative music on hold is served; its name is not taken for an audio file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nccoflow-audio-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'hold.mp3'), Buffer.from([0x49, 0x44, 0x33]))
  const room = flow('room').steps({ join: (s) => s.conversation('support-room', { musicOnHoldUrl: './hold.mp3', startOnEnter: false }) })
  const server = await testServer(t, { flows: [{ ...room.toDefinition(), baseDir: dir }] })
  t.same(validNcco(t, await server.answer('m1')), [
    { action: 'conversation', name: 'support-room', musicOnHoldUrl: ['https://ivr.test/flows/room/audio/hold.mp3'], startOnEnter: false, eventUrl: ['https://ivr.test/flows/room/join/conversation'] },
  ])
  t.equal((await server.get('/flows/room/audio/hold.mp3')).headers['content-type'], 'audio/mpeg')
  t.same(server.app.nccoflow.routes.filter((r) => r.kind === 'audio').map((r) => r.url), ['/flows/room/audio/hold.mp3'])
})

t.test('a flow whose local audio file is missing fails at startup', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nccoflow-audio-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const music = flow('music').steps({ play: (s) => s.stream('./missing.mp3') })
  await t.rejects(buildServer({ flows: [{ ...music.toDefinition(), baseDir: dir }], publicUrl: 'https://ivr.test' }), {
    code: 'NCCOFLOW_ERR_FLOW_INVALID',
    message: new RegExp(`audio file ${join(dir, 'missing.mp3').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`),
  })
  // Without a baseDir the path is relative to the working directory.
  await t.rejects(buildServer({ flows: [music] }), { code: 'NCCOFLOW_ERR_FLOW_INVALID', message: new RegExp(join(process.cwd(), 'missing.mp3')) })
})

t.test('an app that already declares request.rawBody (fastify-raw-body does) can register the plugin; the bytes are kept', async (t) => {
  const app = Fastify()
  app.decorateRequest('rawBody', undefined)
  await app.register(nccoflow, { flows: [one], publicUrl: 'https://ivr.test' })
  let seen: string | undefined
  app.addHook('preHandler', async (request) => {
    seen = request.rawBody?.toString()
  })
  await app.ready()
  t.teardown(() => app.close())
  const body = JSON.stringify({ uuid: 'raw-1', conversation_uuid: 'CON-raw-1' })
  const res = await app.inject({ method: 'POST', url: '/answer', headers: { 'content-type': 'application/json' }, payload: body })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), [{ action: 'talk', text: 'Flow one.' }])
  t.equal(seen, body)
})
