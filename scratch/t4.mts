import { createRedisStore } from '../src/runtime/store/redis.ts'
const s = createRedisStore({ url: 'redis://127.0.0.1:6379', prefix: 'nccoflow-test:scratch4:' })
try {
await s.put('a', { id: 'a' }, null, 60, undefined, { updatedAt: Date.now(), horizonMs: 3600_000 })
console.log(await s.listCalls({ limit: 2 }))
} catch (e) { console.log(e) }
await s.close()
