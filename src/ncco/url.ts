import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox'

/** The URL flavours an NCCO field can hold. */
export type UrlKind = 'http' | 'ws' | 'sip'

const schemes: Record<UrlKind, readonly string[]> = {
  http: ['http:', 'https:'],
  ws: ['ws:', 'wss:'],
  sip: ['sip:', 'sips:'],
}

/** Tells whether a string is an absolute URL with one of the schemes of the given kind. */
export function isUrlOfKind(value: string, kind: UrlKind): boolean {
  if (!URL.canParse(value)) return false
  const url = new URL(value)
  if (!schemes[kind].includes(url.protocol)) return false
  return kind === 'sip' ? url.pathname.length > 0 : url.host.length > 0
}

for (const kind of Object.keys(schemes) as UrlKind[]) {
  FormatRegistry.Set(`nccoflow-${kind}-url`, (value) => isUrlOfKind(value, kind))
}

/** Human description of the schemes of a URL kind, for messages. */
export function describeUrlKind(kind: UrlKind): string {
  return `an absolute ${schemes[kind].map((s) => s.slice(0, -1)).join(' or ')} URL`
}

/** Schema of one URL string of the given kind, marked so validation reports `invalid_url`. */
export function UrlString(kind: UrlKind = 'http', options: Record<string, unknown> = {}) {
  return Type.String({ format: `nccoflow-${kind}-url`, nccoUrl: kind, ...options })
}

/** Schema of a Vonage URL list: an array holding exactly one absolute http(s) URL. */
export function UrlList(options: Record<string, unknown> = {}) {
  return Type.Array(UrlString('http', { nccoUrl: 'item' }), { minItems: 1, maxItems: 1, nccoUrl: 'list', ...options })
}

/** Schema of `eventMethod`. */
export const EventMethodSchema = Type.Union([Type.Literal('GET'), Type.Literal('POST')], {
  description: 'HTTP method Vonage uses for the eventUrl; POST by default',
})

/** A URL list as the builder accepts it: one string, or the array Vonage wants. */
export type UrlInput = string | readonly string[]

/** Keys whose value is a URL list in every action that has them. */
export type UrlListKey = 'eventUrl' | 'streamUrl' | 'musicOnHoldUrl'

/** The options type of a factory: URL lists may be given as one string. */
export type Loose<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]: K extends UrlListKey ? T[K] | string : Loose<T[K]> }
    : T

/** Reads the `nccoUrl` marker of a schema, if any. */
export function urlMarker(schema: TSchema): UrlKind | 'list' | 'item' | undefined {
  return (schema as { nccoUrl?: UrlKind | 'list' | 'item' }).nccoUrl
}
