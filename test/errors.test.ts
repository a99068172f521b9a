import { readFileSync } from 'node:fs'
import t from 'tap'
import { errors, isNccoflowError } from '../src/index.js'

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')

t.test('the registry and docs/errors.md list the same codes', async (t) => {
  const documented = [...doc.matchAll(/^\| `(NCCOFLOW_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])])
  const registered = Object.values(errors).map((e) => [e.code, e.statusCode])
  t.strictSame(documented.sort(), registered.sort())
})

t.test('each entry builds an error with its code, status and message', async (t) => {
  for (const [name, entry] of Object.entries(errors)) {
    t.match(entry.code, /^NCCOFLOW_ERR_[A-Z]+_[A-Z_]+$/, `${name} follows the naming rule`)
    t.equal(entry.code, `NCCOFLOW_ERR_${name}`, `${name} is registered under its code`)
    const error = new entry.Error('a', 'b')
    t.equal(error.code, entry.code)
    t.equal(error.statusCode, entry.statusCode)
    t.ok(isNccoflowError(error), `${name} is recognised`)
    t.ok(isNccoflowError(error, entry.code), `${name} is recognised by code`)
  }
  t.notOk(isNccoflowError(new Error('x')))
  t.notOk(isNccoflowError('NCCOFLOW_ERR_NCCO_INVALID'))
  t.notOk(isNccoflowError(new errors.NCCO_INVALID.Error('x'), errors.WEBHOOK_INVALID.code))
})
