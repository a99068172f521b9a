// docs/security.md names the variables users set and shows a refusal: both must be what the server does.
import { readFileSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import t from 'tap'
import { main, settings } from '../../src/cli/main.js'
import { flow } from '../../src/dsl/flow.js'
import { testServer } from './fixtures/app.js'
import { SECRET, vonageToken } from './fixtures/vonage-token.js'

const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8')

t.test('every variable docs/security.md names is read by the command and listed in its help', async (t) => {
  const names = [...new Set([...doc.matchAll(/`((?:VONAGE|ALLOWED|TRUST)_[A-Z_]+)`/g)].map((m) => m[1] as string))]
  t.strictSame(names.sort(), ['ALLOWED_IPS', 'TRUST_PROXY', 'VONAGE_API_KEY', 'VONAGE_APPLICATION_ID', 'VONAGE_SIGNATURE_MAX_AGE', 'VONAGE_SIGNATURE_SECRET'])
  let help = ''
  await main(['help'], {}, { out: (text) => { help += text }, err: () => undefined, signals: new EventEmitter() })
  for (const name of names) {
    t.match(help, name, `${name} in the help`)
    t.notSame(settings({ VONAGE_SIGNATURE_SECRET: 's', [name]: '7' }), settings({ VONAGE_SIGNATURE_SECRET: 's' }), `${name} changes the settings`)
  }
})

t.test('the refusal docs/security.md shows is the one an expired token gets', async (t) => {
  const shown = /`(\{"code":"NCCOFLOW_ERR_SIGNATURE_INVALID".*?\})`/.exec(doc)?.[1]
  if (shown === undefined) throw new Error('docs/security.md: no example refusal')
  const server = await testServer(t, { flows: [flow('docs').steps({ hi: (s) => s.talk('Hi.') })], signature: { secret: SECRET } })
  const res = await server.app.inject({ method: 'GET', url: '/answer?uuid=d1', headers: { authorization: `Bearer ${vonageToken({ iat: Math.floor(Date.now() / 1000) - 412 })}` } })
  t.equal(res.statusCode, 401)
  t.equal(res.body.replace(/\d+ s in the past/, '412 s in the past'), shown)
})
