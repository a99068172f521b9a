import t from 'tap'
import { createClient } from 'redis'
import { createRedisStore } from '../../../src/runtime/store/index.js'
import { REDIS_URL, deletePrefix, needRedis, testPrefix } from '../../fixtures/redis.js'
import { runStoreContract } from './contract.js'

if (await needRedis(t)) {
  runStoreContract(t, 'Redis store (own client from a URL)', async () => {
    const prefix = testPrefix('contract-url')
    const store = createRedisStore({ url: REDIS_URL, prefix })
    return { store, cleanup: async () => { await store.close(); await deletePrefix(prefix) } }
  })

  runStoreContract(t, 'Redis store (a client its owner connects)', async () => {
    const prefix = testPrefix('contract-client')
    const client = createClient({ url: REDIS_URL })
    await client.connect()
    const store = createRedisStore({ client, prefix })
    return { store, cleanup: async () => { await store.close(); await client.close(); await deletePrefix(prefix) } }
  })
}
