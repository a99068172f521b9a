/**
 * `nccoflow`: the whole public API. Flows (`flow`), the server (`buildServer`, the `nccoflow` fastify plugin), call
 * stores, coded errors, and everything `nccoflow/ncco`, `nccoflow/webhooks` and `nccoflow/testing` export.
 * Anything not exported here is internal and may change.
 * @example
 * import { buildServer, flow } from 'nccoflow'
 * const hello = flow('hello').steps({ greet: (s) => s.talk('Hello.') })
 * const app = await buildServer({ flows: [hello], publicUrl: 'https://ivr.example.com' })
 * await app.listen({ port: 3000 })
 */
export * from './exports/ncco.js'
export * from './exports/webhooks.js'
export * from './exports/testing.js'

export { Flow, FlowBuilder, FlowDefinitionError, flow, isFlow, toFlowDefinition, type FlowProblem, type FlowProblemCode, type StepsOf } from './dsl/flow.js'
export { StepBuilder, type BranchOptions, type FlowNotifyOptions, type RecordingHandlers, type RetryOptions } from './dsl/step.js'
export { flowToMermaid } from './dsl/graph.js'
export type {
  BranchDefinition, CallInfo, CallbackHandler, ContextPatch, DigitsMatch, Dynamic, FlowDefinition, FlowLogger, FlowOptions, InputMatch,
  InputResult, SpeechMatch, StatusEvent, StatusHandler, StatusHandlerDefinition, StepArgs, StepDefinition, StepOp, StepTarget,
} from './dsl/types.js'

export { buildServer, type BuildServerOptions } from './server/build.js'
export { nccoflow, type RouteInfo } from './server/plugin.js'
export type { AdminOptions, FlowLoadProblem, NccoflowOptions } from './server/options.js'

export {
  StoreArgumentError, StoreConflictError, StoreUnavailableError,
  type CallIndexEntry, type CallPage, type CallPageQuery, type CallStore, type LogEntry, type LogOptions, type Versioned,
} from './runtime/store/contract.js'
export { createMemoryStore, type MemoryCallStore, type MemoryStoreOptions } from './runtime/store/memory.js'
export { createRedisStore, type RedisCallStore, type RedisCommander, type RedisStoreOptions } from './runtime/store/redis.js'
export type { CallRecord, HistoryEntry, LastAnswer } from './runtime/call-record.js'
export type { PersistedState } from './runtime/machine.js'
export type { CallTtl } from './runtime/transaction.js'

export { errors, isNccoflowError, type ErrorCode, type ErrorName } from './errors.js'
