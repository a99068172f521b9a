// Black-box corpus for validateNcco, written from the Vonage reference (docs/shared reference §1),
// not from the implementation. Fixtures: test/fixtures/ncco/{valid,invalid}/*.json, conventions in
// test/fixtures/ncco/README.md.
import { readdirSync, readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { validateNcco } from '../../src/index.js'

type Path = (string | number)[]
interface Issue {
  code: string
  path: Path
  message: string
  severity: 'error' | 'warning'
}
interface Expected {
  path: Path
  code: string
}
interface InvalidFixture {
  ncco: unknown
  expect: Expected[]
}
interface Fixture<T> {
  name: string
  data: T
}

const CODES = new Set([
  'not_array', 'empty', 'not_object', 'unknown_action', 'missing_field', 'unknown_field', 'invalid_type',
  'invalid_value', 'out_of_range', 'invalid_url', 'conflict', 'barge_in', 'unreachable', 'quoted_value',
])

function load<T>(kind: 'valid' | 'invalid'): Fixture<T>[] {
  const dir = new URL(`../fixtures/ncco/${kind}/`, import.meta.url)
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ name: `${kind}/${file}`, data: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as T }))
}

const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((segment, i) => segment === b[i])
const show = (issues: Issue[]): string =>
  issues.length === 0 ? 'none' : issues.map((i) => `${i.severity} ${i.code} at ${JSON.stringify(i.path)}`).join('; ')

/** Runs the validator; a throw is reported as a failure of that document, not of the whole file. */
function run(t: Test, name: string, value: unknown): Issue[] | undefined {
  try {
    return validateNcco(value) as Issue[]
  } catch (err) {
    t.fail(`${name}: validateNcco threw ${String(err)}`)
    return undefined
  }
}

const valid = load<unknown>('valid')
const invalid = load<InvalidFixture>('invalid')

t.test('fixture files are well-formed', async (t) => {
  const problems: string[] = []
  if (valid.length < 40) problems.push(`only ${valid.length} valid documents`)
  if (invalid.length < 60) problems.push(`only ${invalid.length} invalid documents`)
  for (const { name, data } of valid) {
    if (!Array.isArray(data) || data.length === 0) problems.push(`${name}: not a non-empty NCCO array`)
  }
  for (const { name, data } of invalid) {
    if (typeof data !== 'object' || data === null || !('ncco' in data) || !Array.isArray(data.expect) || data.expect.length === 0) {
      problems.push(`${name}: needs { ncco, expect: [...] } with at least one expectation`)
      continue
    }
    for (const e of data.expect) {
      if (!CODES.has(e.code) || e.code === 'unreachable') problems.push(`${name}: unexpected code ${JSON.stringify(e.code)}`)
      if (!Array.isArray(e.path)) problems.push(`${name}: path is not an array`)
    }
  }
  t.same(problems, [], 'every fixture follows the corpus format')
})

t.test('valid documents produce no error', async (t) => {
  for (const { name, data } of valid) {
    const issues = run(t, name, data)
    if (issues === undefined) continue
    const errors = issues.filter((i) => i.severity === 'error')
    t.ok(errors.length === 0, `${name}: expected no error, got ${show(issues)}`, { issues })
  }
})

t.test('invalid documents produce every expected error', async (t) => {
  for (const { name, data } of invalid) {
    const issues = run(t, name, data.ncco)
    if (issues === undefined) continue
    const missing = data.expect.filter(
      (e) => !issues.some((i) => i.severity === 'error' && i.code === e.code && samePath(i.path, e.path)),
    )
    const wanted = missing.map((e) => `${e.code} at ${JSON.stringify(e.path)}`).join('; ')
    t.ok(missing.length === 0, `${name}: missing ${wanted || 'nothing'}; got ${show(issues)}`, { expected: data.expect, issues })
  }
})

t.test('actions after conversation or transfer are reported as unreachable warnings', async (t) => {
  for (const file of ['unreachable-after-conversation.json', 'unreachable-after-transfer.json']) {
    const name = `valid/${file}`
    const fixture = valid.find((f) => f.name === name)
    if (fixture === undefined) {
      t.fail(`${name}: fixture missing`)
      continue
    }
    const issues = run(t, name, fixture.data)
    if (issues === undefined) continue
    const unreachable = issues.filter((i) => i.code === 'unreachable')
    t.ok(
      unreachable.length > 0 && unreachable.every((i) => i.severity === 'warning'),
      `${name}: expected an 'unreachable' issue with severity 'warning', got ${show(issues)}`,
      { issues },
    )
  }
})

t.test('a document with nothing after conversation has no unreachable warning', async (t) => {
  const name = 'valid/conversation-moderator.json'
  const fixture = valid.find((f) => f.name === name)
  const issues = fixture === undefined ? undefined : run(t, name, fixture.data)
  t.ok(issues !== undefined && !issues.some((i) => i.code === 'unreachable'), `${name}: got ${issues ? show(issues) : 'no fixture'}`)
})

t.test('every issue returned has the documented shape', async (t) => {
  const documents = [...valid.map((f) => ({ name: f.name, ncco: f.data })), ...invalid.map((f) => ({ name: f.name, ncco: f.data.ncco }))]
  const malformed: string[] = []
  for (const { name, ncco } of documents) {
    let issues: unknown
    try {
      issues = validateNcco(ncco)
    } catch {
      continue // already reported by the tests above
    }
    if (!Array.isArray(issues)) {
      malformed.push(`${name}: result is not an array`)
      continue
    }
    for (const i of issues as Issue[]) {
      const ok =
        CODES.has(i.code) &&
        Array.isArray(i.path) &&
        i.path.every((s) => typeof s === 'string' || typeof s === 'number') &&
        typeof i.message === 'string' &&
        i.message.length > 0 &&
        (i.severity === 'error' || i.severity === 'warning') &&
        (i.code !== 'unreachable' || i.severity === 'warning')
      if (!ok) malformed.push(`${name}: ${JSON.stringify(i)}`)
    }
  }
  t.same(malformed.slice(0, 20), [], `${malformed.length} malformed issue(s) across the corpus`)
})
