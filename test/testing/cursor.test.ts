import t from 'tap'
import type { NccoAction } from '../../src/index.js'
import { callbackOf, describe, emptyCursor, locate, passTo, replace, reported, waitsAt } from '../../src/testing/cursor.js'

// Where Vonage is in an NCCO, from the actions' declarations; the simulator's tests cover the usual paths, these the
// actions no valid NCCO holds.

const talk = { action: 'talk', text: 'Hi.' } as NccoAction
const record = { action: 'record', eventUrl: ['https://ivr.test/r'] } as NccoAction
const unknown = { action: 'dance' } as unknown as NccoAction

t.test('an action nccoflow does not know neither waits nor reports', async (t) => {
  t.equal(waitsAt(unknown), false)
  t.strictSame(callbackOf(unknown), { url: undefined, method: undefined, returnsNcco: false })
  t.strictSame(callbackOf(talk), { url: undefined, method: undefined, returnsNcco: false })
  const cursor = passTo(replace(emptyCursor, [unknown, record, talk]), 2)
  t.strictSame(cursor, { ncco: [unknown, record, talk], at: 2, started: [record] }, 'only the record keeps reporting')
})

t.test('a started action is found after the NCCO, described as started, and forgotten once reported', async (t) => {
  const cursor = passTo(replace(emptyCursor, [record, talk]), 2)
  const search = locate(cursor, 'record')
  t.strictSame(search, { found: { action: record, index: undefined } })
  t.equal(describe({ action: record, index: undefined }), 'record started earlier (eventUrl https://ivr.test/r)')
  t.strictSame(reported(cursor, record).started, [])
  t.strictSame(locate(reported(cursor, record), 'record'), {})
})
