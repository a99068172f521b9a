export { StoreArgumentError, StoreConflictError, type CallStore, type Versioned } from './contract.js'
export { createMemoryStore, type MemoryCallStore, type MemoryStoreOptions } from './memory.js'
