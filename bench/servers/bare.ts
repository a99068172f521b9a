/**
 * Baseline 1, a child process of `npm run bench`: plain fastify answering the example menu's paths with the NCCOs
 * nccoflow renders for a call (base URL http://127.0.0.1), written out as constants, keeping no state. Listens on
 * 127.0.0.1:$PORT and closes on SIGTERM.
 */
import Fastify from 'fastify'

const base = 'http://127.0.0.1'
const welcome = { action: 'talk', text: 'Welcome to Acme. For sales, press 1 or say sales. To leave a message, press 2 or say message.', bargeIn: true }
const menu = [
  welcome,
  {
    action: 'input', type: ['dtmf', 'speech'], dtmf: { maxDigits: 1, timeOut: 5 }, speech: { context: ['sales', 'message'] },
    eventUrl: [`${base}/flows/ivr-menu/menu/input`],
  },
]
const sorry = [{ action: 'talk', text: 'Sorry, I did not understand that.' }, ...menu]
const voicemail = [
  { action: 'talk', text: 'Please leave a message after the tone, then press hash.' },
  { action: 'record', beepStart: true, endOnKey: '#', eventUrl: [`${base}/flows/ivr-menu/voicemail/record`] },
  { action: 'talk', text: 'Thank you for calling Acme. Goodbye.' },
]

const app = Fastify({ logger: false })
app.get('/answer', async () => menu)
app.post('/flows/ivr-menu/menu/input', async (request) => ((request.body as { dtmf?: { digits?: string } }).dtmf?.digits === '2' ? voicemail : sorry))
app.post('/event', async (_request, reply) => reply.code(204).send())
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
process.once('SIGTERM', () => void app.close())
