import { buildServer } from '../src/server/build.ts'
import m from '../flows/ivr-menu.ts'
for (const admin of [undefined, { token: 'x'.repeat(16) }]) {
  const app = await buildServer({ flows: [m], admin })
  try { app.addHook('onClose', async () => {}); console.log('ok', !!admin) } catch (e) { console.log('fail', !!admin, (e as Error).message) }
  await app.close()
}
