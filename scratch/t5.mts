import { buildServer } from '../src/server/build.ts'
import { simulateCall } from '../src/testing/index.ts'
import m from '../flows/ivr-menu.ts'
const TOKEN = 'x'.repeat(16)
const headers = { authorization: `Bearer ${TOKEN}` }
const app = await buildServer({ flows: [m], publicUrl: 'https://ivr.test', admin: { token: TOKEN } })
const call = simulateCall(app, { flow: 'ivr-menu' })
await call.answer(); await call.press('9'); await call.press('2')
await new Promise((r) => setTimeout(r, 50))
console.log((await app.inject({ url: '/_nccoflow/api/calls', headers })).body)
const d = await app.inject({ url: `/_nccoflow/api/calls/${call.uuid}`, headers })
console.log(JSON.stringify(d.json(), null, 1).slice(0, 3000))
const r = await app.inject({ method: 'POST', url: `/_nccoflow/api/calls/${call.uuid}/webhooks/1/replay`, headers })
console.log(r.body)
await app.close()
