import { createClient } from 'redis'
const c = createClient({ url: 'redis://127.0.0.1:6379' })
await c.connect()
const k = 'nccoflow-test:scratch:log:{x}'
const r = await Promise.all([c.sendCommand(['MULTI']), c.sendCommand(['RPUSH', k, 'a']), c.sendCommand(['LTRIM', k, '-50', '-1']), c.sendCommand(['PEXPIRE', k, '5000']), c.sendCommand(['INCR', k + ':n']), c.sendCommand(['PEXPIRE', k + ':n', '5000']), c.sendCommand(['EXEC'])])
console.log(JSON.stringify(r))
console.log(JSON.stringify(await c.sendCommand(['ZRANGE', 'nccoflow-test:scratch:z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', '3', 'WITHSCORES'])))
const d = c.duplicate(); await d.connect(); await d.subscribe('nccoflow-test:scratch:ch', (m) => console.log('got', m))
await c.sendCommand(['PUBLISH', 'nccoflow-test:scratch:ch', 'hello'])
await new Promise((r) => setTimeout(r, 100))
await c.del([k, k + ':n']); await d.close(); await c.close()
