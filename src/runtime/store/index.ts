export { StoreArgumentError, StoreConflictError, StoreUnavailableError, type CallStore, type Versioned } from './contract.js'
export { createMemoryStore, type MemoryCallStore, type MemoryStoreOptions } from './memory.js'
export { createRedisStore, type RedisCallStore, type RedisCommander, type RedisStoreOptions } from './redis.js'
