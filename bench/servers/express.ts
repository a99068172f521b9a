/**
 * Baseline 2, a child process of `npm run bench`: the example menu written as users of express and the Vonage SDK's
 * NCCO builder write it today, with call state in a `Map`. Listens on 127.0.0.1:$PORT and closes on SIGTERM.
 */
import express from 'express'
import { Connect, ConnectEventType, Input, NCCOBuilder, Record, Talk } from '@vonage/voice'

const BASE_URL = process.env.PUBLIC_URL ?? 'http://127.0.0.1'
const SALES_NUMBER = process.env.SALES_NUMBER ?? '447700900001'

interface Call {
  attempts: number
}
const calls = new Map<string, Call>()

const welcome = () => new Talk('Welcome to Acme. For sales, press 1 or say sales. To leave a message, press 2 or say message.', true)
const menuInput = () => new Input({ maxDigits: 1, timeOut: 5 }, { context: ['sales', 'message'] }, `${BASE_URL}/flows/ivr-menu/menu/input`)
const goodbye = () => new Talk('Thank you for calling Acme. Goodbye.')

const app = express()
app.use(express.json())

app.get('/answer', (req, res) => {
  calls.set(String(req.query.uuid), { attempts: 0 })
  res.json(new NCCOBuilder().addAction(welcome()).addAction(menuInput()).build())
})

app.post('/flows/ivr-menu/menu/input', (req, res) => {
  const call = calls.get(req.body.uuid)
  if (!call) {
    res.sendStatus(404)
    return
  }
  const digits = req.body.dtmf?.digits
  const words = req.body.speech?.results?.[0]?.text
  const ncco = new NCCOBuilder()
  if (digits === '1' || words === 'sales') {
    ncco.addAction(new Talk('Connecting you to sales.'))
    ncco.addAction(new Connect({ type: 'phone', number: SALES_NUMBER }, undefined, undefined, ConnectEventType.SYNCHRONOUS, 20))
  } else if (digits === '2' || words === 'message') {
    ncco.addAction(new Talk('Please leave a message after the tone, then press hash.'))
    ncco.addAction(new Record(undefined, undefined, undefined, undefined, '#', undefined, true, `${BASE_URL}/flows/ivr-menu/voicemail/record`))
    ncco.addAction(goodbye())
  } else {
    call.attempts += 1
    ncco.addAction(new Talk('Sorry, I did not understand that.'))
    if (call.attempts >= 3) ncco.addAction(goodbye())
    else ncco.addAction(welcome()).addAction(menuInput())
  }
  res.json(ncco.build())
})

app.post('/flows/ivr-menu/voicemail/record', (req, res) => {
  console.log(`new voicemail from ${req.body.uuid}: ${req.body.recording_url}`)
  res.sendStatus(204)
})

app.post('/event', (req, res) => {
  if (req.body.status === 'completed') calls.delete(req.body.uuid)
  res.sendStatus(204)
})

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1')
process.once('SIGTERM', () => server.close())
