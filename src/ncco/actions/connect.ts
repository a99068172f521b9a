import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction, eventUrlField } from '../define.js'
import { issue, type NccoIssue } from '../issues.js'
import { EventMethodSchema, UrlList, UrlString, type Loose } from '../url.js'
import { PhoneNumberSchema } from './common.js'
import { EndpointSchema, endpointRules, isEndpoint, type Endpoint } from './endpoints.js'

// schema

/** Advanced machine detection settings (inner key `beep_timeout` is snake case, as Vonage has it). */
export const AdvancedMachineDetectionSchema = Type.Object(
  {
    behavior: Type.Optional(Type.Union([Type.Literal('continue'), Type.Literal('hangup')])),
    mode: Type.Optional(Type.Union([Type.Literal('default'), Type.Literal('detect'), Type.Literal('detect_beep')])),
    beep_timeout: Type.Optional(Type.Integer({ minimum: 45, maximum: 120 })),
  },
  { additionalProperties: false },
)

/** The `connect` action: connects the call to one endpoint (phone, app, websocket, sip, vbc). */
export const ConnectSchema = Type.Object(
  {
    action: Type.Literal('connect'),
    endpoint: Type.Array(EndpointSchema, { minItems: 1, maxItems: 1 }),
    from: Type.Optional(PhoneNumberSchema),
    randomFromNumber: Type.Optional(Type.Boolean()),
    eventType: Type.Optional(Type.Literal('synchronous')),
    timeout: Type.Optional(Type.Integer({ minimum: 3, maximum: 7200, description: 'seconds of ringing; default 60' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 7200, description: 'maximum call length in seconds; default 7200' })),
    machineDetection: Type.Optional(Type.Union([Type.Literal('continue'), Type.Literal('hangup')])),
    advancedMachineDetection: Type.Optional(AdvancedMachineDetectionSchema),
    // Ruby and .NET SDKs send the snake-case key; validation accepts it, the builder emits camelCase.
    advanced_machine_detection: Type.Optional(AdvancedMachineDetectionSchema),
    eventUrl: Type.Optional(UrlList()),
    eventMethod: Type.Optional(EventMethodSchema),
    ringbackTone: Type.Optional(UrlString('http')),
  },
  { additionalProperties: false },
)

// type

/** A `connect` action as sent to Vonage. */
export type ConnectAction = Static<typeof ConnectSchema>
/** Options of {@link connect}. */
export type ConnectOptions = Loose<Omit<ConnectAction, 'action' | 'endpoint' | 'advanced_machine_detection'>>

// factory

/**
 * Builds a `connect` action to one endpoint.
 * @example connect(phone('447700900001'), { eventType: 'synchronous', timeout: 20, eventUrl: 'https://example.com/connect' })
 */
export function connect(endpoint: Endpoint, options?: ConnectOptions): ConnectAction {
  return buildAction(connectDefinition, { endpoint: [endpoint] }, options)
}

// guard

/** Tells whether an action is a `connect`. */
export function isConnect(value: unknown): value is ConnectAction {
  return (value as { action?: unknown } | null)?.action === 'connect'
}

// definition (callback fields and rules)

function rules(action: ConnectAction): NccoIssue[] {
  const issues: NccoIssue[] = []
  if (action.from !== undefined && action.randomFromNumber === true) {
    issues.push(issue('conflict', ['from'], 'connect from cannot be used together with randomFromNumber: true'))
  }
  if (action.advancedMachineDetection !== undefined && action.advanced_machine_detection !== undefined) {
    issues.push(issue('conflict', ['advanced_machine_detection'], 'give advancedMachineDetection once: advancedMachineDetection and advanced_machine_detection are the same option'))
  }
  const endpoints: readonly unknown[] = Array.isArray(action.endpoint) ? action.endpoint : []
  endpoints.forEach((e, index) => {
    if (!isEndpoint(e)) return
    const rule = endpointRules[e.type] as (endpoint: Endpoint) => NccoIssue[]
    for (const found of rule(e)) issues.push({ ...found, path: ['endpoint', index, ...found.path] })
  })
  return issues
}

/**
 * How nccoflow handles `connect`: its eventUrl answers with an NCCO only when `eventType` is synchronous; once the
 * other leg hangs up after talking, Vonage goes on with the next action.
 */
export const connectDefinition = defineAction({
  name: 'connect',
  schema: ConnectSchema,
  urls: [eventUrlField('connect', 'call_event', (action) => action.eventType === 'synchronous')],
  resumes: true,
  rules,
})
