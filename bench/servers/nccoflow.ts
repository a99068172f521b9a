/**
 * nccoflow through `buildServer`, a child process of `npm run bench`: the example menu on the memory store, logger off,
 * or pino at info writing to the file named by BENCH_LOG_FILE. Listens on 127.0.0.1:$PORT and closes on SIGTERM.
 */
import { buildServer } from '../../src/index.js'
import menu from '../../flows/ivr-menu.js'

const file = process.env.BENCH_LOG_FILE
const app = await buildServer({ flows: [menu], publicUrl: 'http://127.0.0.1', logger: file === undefined ? false : { level: 'info', file } })
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
process.once('SIGTERM', () => void app.close())
