export * from './ncco/index.js'
export { errors, isNccoflowError, type ErrorCode, type ErrorName } from './errors.js'
