export { buildServer, type BuildServerOptions } from './build.js'
export type { NccoflowOptions } from './options.js'
export { nccoflow, type RouteInfo } from './plugin.js'
export type { SignatureOptions } from './signature.js'
