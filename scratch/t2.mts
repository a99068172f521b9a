import Fastify from 'fastify'
import fp from 'fastify-plugin'
for (const nested of [false, true]) {
  const app = Fastify()
  await app.register(fp(async (a) => { if (nested) a.register(async (s) => { s.get('/x', async () => 1) }) }))
  await app.ready()
  try { let ran = false; app.onClose(async () => { ran = true }); await app.close(); console.log('ok', nested, ran) } catch (e) { console.log('fail', nested, (e as Error).message) }

}
