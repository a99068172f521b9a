import { Type, type Static } from '@sinclair/typebox'
import { copyDefined, deepFreeze } from '../define.js'
import { issue, type NccoIssue } from '../issues.js'
import { UrlString } from '../url.js'
import { NonEmpty, PhoneNumberSchema } from './common.js'

// schema

/** A phone endpoint of `connect`. */
export const PhoneEndpointSchema = Type.Object(
  {
    type: Type.Literal('phone'),
    number: PhoneNumberSchema,
    dtmfAnswer: Type.Optional(Type.String({ pattern: '^[0-9*#p]*$', description: 'digits, *, # or p (a 500 ms pause)' })),
    onAnswer: Type.Optional(
      Type.Object(
        {
          url: UrlString('http'),
          ringbackTone: Type.Optional(UrlString('http')),
          ringback: Type.Optional(UrlString('http', { description: 'legacy spelling of ringbackTone' })),
        },
        { additionalProperties: false },
      ),
    ),
    shaken: Type.Optional(NonEmpty),
  },
  { additionalProperties: false },
)

/** A Client SDK user endpoint of `connect`. */
export const AppEndpointSchema = Type.Object({ type: Type.Literal('app'), user: NonEmpty }, { additionalProperties: false })

/** A WebSocket endpoint of `connect`. */
export const WebsocketEndpointSchema = Type.Object(
  {
    type: Type.Literal('websocket'),
    uri: UrlString('ws'),
    'content-type': Type.Optional(
      Type.Union([Type.Literal('audio/l16;rate=8000'), Type.Literal('audio/l16;rate=16000'), Type.Literal('audio/l16;rate=24000')]),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    authorization: Type.Optional(
      Type.Union(
        [
          Type.Object({ type: Type.Literal('vonage') }, { additionalProperties: false }),
          Type.Object(
            { type: Type.Literal('custom'), value: Type.String({ pattern: '^[\\x20-\\x7E]{1,8191}$', description: 'printable ASCII, under 8192 characters' }) },
            { additionalProperties: false },
          ),
        ],
        { discriminator: 'type' },
      ),
    ),
  },
  { additionalProperties: false },
)

/** A SIP endpoint of `connect`: a `uri`, or `user` and `domain`. */
export const SipEndpointSchema = Type.Object(
  {
    type: Type.Literal('sip'),
    uri: Type.Optional(UrlString('sip')),
    user: Type.Optional(NonEmpty),
    domain: Type.Optional(NonEmpty),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    standardHeaders: Type.Optional(Type.Object({ 'User-to-User': Type.Optional(Type.String()) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
)

/** A Vonage Business Communications extension endpoint of `connect`. */
export const VbcEndpointSchema = Type.Object({ type: Type.Literal('vbc'), extension: NonEmpty }, { additionalProperties: false })

/** Any `connect` endpoint, told apart by `type`. */
export const EndpointSchema = Type.Union(
  [PhoneEndpointSchema, AppEndpointSchema, WebsocketEndpointSchema, SipEndpointSchema, VbcEndpointSchema],
  { discriminator: 'type' },
)

// type

/** A phone endpoint. */
export type PhoneEndpoint = Static<typeof PhoneEndpointSchema>
/** A Client SDK user endpoint. */
export type AppEndpoint = Static<typeof AppEndpointSchema>
/** A WebSocket endpoint. */
export type WebsocketEndpoint = Static<typeof WebsocketEndpointSchema>
/** A SIP endpoint. */
export type SipEndpoint = Static<typeof SipEndpointSchema>
/** A VBC extension endpoint. */
export type VbcEndpoint = Static<typeof VbcEndpointSchema>
/** Any `connect` endpoint. */
export type Endpoint = Static<typeof EndpointSchema>

// factory

function endpoint<E>(fields: Record<string, unknown>, options: object | undefined): E {
  return deepFreeze(copyDefined({ ...fields, ...(options ?? {}) })) as E
}

/**
 * A phone endpoint.
 * @example phone('447700900001', { dtmfAnswer: 'p1234' })
 */
export function phone(number: string, options?: Omit<PhoneEndpoint, 'type' | 'number'>): PhoneEndpoint {
  return endpoint({ type: 'phone', number }, options)
}

/** A Client SDK user endpoint. */
export function app(user: string): AppEndpoint {
  return endpoint({ type: 'app', user }, undefined)
}

/**
 * A WebSocket endpoint.
 * @example websocket('wss://example.com/audio', { 'content-type': 'audio/l16;rate=16000' })
 */
export function websocket(uri: string, options?: Omit<WebsocketEndpoint, 'type' | 'uri'>): WebsocketEndpoint {
  return endpoint({ type: 'websocket', uri }, options)
}

/**
 * A SIP endpoint, by URI or by `{ user, domain }`.
 * @example sip('sip:alice@example.com') or sip({ user: 'alice', domain: 'example.com' })
 */
export function sip(target: string | { user: string; domain: string }, options?: Omit<SipEndpoint, 'type' | 'uri' | 'user' | 'domain'>): SipEndpoint {
  return endpoint(typeof target === 'string' ? { type: 'sip', uri: target } : { type: 'sip', ...target }, options)
}

/** A VBC extension endpoint. */
export function vbc(extension: string): VbcEndpoint {
  return endpoint({ type: 'vbc', extension }, undefined)
}

// guard

/** Tells whether a value looks like a `connect` endpoint of one of the known types. */
export function isEndpoint(value: unknown): value is Endpoint {
  const type = (value as { type?: unknown } | null)?.type
  return typeof type === 'string' && type in endpointRules
}

// rules

const MAX_WS_HEADERS = 512

/** Rules across an endpoint's own fields, by type; paths are relative to the endpoint. */
export const endpointRules: Record<Endpoint['type'], (e: never) => NccoIssue[]> = {
  phone: (e: PhoneEndpoint) =>
    e.onAnswer?.ringback !== undefined && e.onAnswer.ringbackTone !== undefined
      ? [issue('conflict', ['onAnswer', 'ringback'], 'give the answer tone once: ringback is the legacy spelling of ringbackTone')]
      : [],
  app: () => [],
  vbc: () => [],
  websocket: (e: WebsocketEndpoint) => {
    if (e.headers === undefined) return []
    const size = Buffer.byteLength(JSON.stringify(e.headers))
    return size > MAX_WS_HEADERS
      ? [issue('out_of_range', ['headers'], `websocket headers must be at most ${MAX_WS_HEADERS} bytes as JSON (got ${size})`)]
      : []
  },
  sip: (e: SipEndpoint) => {
    if (e.uri !== undefined && (e.user !== undefined || e.domain !== undefined)) {
      return [issue('conflict', ['uri'], 'a sip endpoint takes either uri or user and domain, not both')]
    }
    if (e.uri === undefined && e.user === undefined && e.domain === undefined) {
      return [issue('missing_field', ['uri'], 'a sip endpoint needs uri (sip:user@host) or user and domain')]
    }
    if (e.uri === undefined) {
      const missing = e.user === undefined ? 'user' : e.domain === undefined ? 'domain' : undefined
      if (missing !== undefined) return [issue('missing_field', [missing], `a sip endpoint with ${missing === 'user' ? 'domain' : 'user'} also needs ${missing}`)]
    }
    return []
  },
}
