/**
 * The default flow: a menu that takes one key or a word.
 * 1 or "sales": a talk, then a synchronous connect to SALES_NUMBER; if that leg fails, voicemail.
 * 2 or "message": voicemail (record until #), then goodbye.
 * A timeout, or an entry it does not recognise ("sorry" first): the menu again; after three failed tries, goodbye.
 */
import { flow, phone } from 'nccoflow'

const salesNumber = process.env.SALES_NUMBER ?? '447700900001'

export default flow('ivr-menu').steps({
  menu: (s) => s
    .talk('Welcome to Acme. For sales, press 1 or say sales. To leave a message, press 2 or say message.', { bargeIn: true })
    .input({ type: ['dtmf', 'speech'], dtmf: { maxDigits: 1, timeOut: 5 }, speech: { context: ['sales', 'message'] } })
    .on({ dtmf: '1', speech: 'sales' }, 'sales')
    .on({ dtmf: '2', speech: 'message' }, 'voicemail')
    .onTimeout('retry')
    .otherwise('sorry'),
  sorry: (s) => s
    .talk('Sorry, I did not understand that.')
    .goto('retry'),
  retry: (s) => s.retry({ times: 2, then: 'goodbye' }),
  sales: (s) => s
    .talk('Connecting you to sales.')
    .connect(phone(salesNumber), { eventType: 'synchronous', timeout: 20 })
    .onFailure('voicemail'),
  voicemail: (s) => s
    .talk('Please leave a message after the tone, then press hash.')
    .record({ beepStart: true, endOnKey: '#' }, (recording, { call, log }) => {
      log.info({ recording: recording.recording_url, from: call.from }, 'new voicemail')
    })
    .goto('goodbye'),
  goodbye: (s) => s.talk('Thank you for calling Acme. Goodbye.'),
})
