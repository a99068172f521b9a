import { createHash, randomUUID } from 'node:crypto'
import { errors as jose, jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { errors } from '../errors.js'

/** The `signature` option (env `VONAGE_SIGNATURE_SECRET`, `VONAGE_SIGNATURE_MAX_AGE`, `VONAGE_API_KEY`, `VONAGE_APPLICATION_ID`). */
export interface SignatureOptions {
  /** The account's signature secret (Dashboard → Settings); during a rotation a list, the new one first. */
  readonly secret: string | readonly string[]
  /** Most seconds between a token's `iat` and now, in either direction (default 300). */
  readonly maxAgeSeconds?: number
  /** When set, the token's `api_key` claim must be this. */
  readonly apiKey?: string
  /** When set, the token's `application_id` claim must be this. */
  readonly applicationId?: string
}

/** The claims of a token Vonage signs a webhook with. */
export interface VonageClaims extends JWTPayload {
  readonly iat: number
  readonly payload_hash?: string
  readonly api_key?: string
  readonly application_id?: string
}

/** Why a webhook's token was refused: `missing` is a request with no `Authorization` header at all. */
export type SignatureReason = 'missing' | 'malformed' | 'signature' | 'expired' | 'issuer' | 'body' | 'api-key' | 'application'

/** The outcome of a check: the verified claims, or the reason for refusing and a sentence about it. */
export type SignatureResult =
  | { readonly ok: true; readonly claims: VonageClaims }
  | { readonly ok: false; readonly reason: SignatureReason; readonly detail: string }

/** Checks the tokens of signed webhooks; build it with {@link createSignatureVerifier}. */
export interface SignatureVerifier {
  readonly maxAgeSeconds: number
  /** Checks an `Authorization` header's token in every way but the body hash, at `now` (seconds since the epoch). */
  token(authorization: string | undefined, now?: number): Promise<SignatureResult>
  /** Checks the verified claims' `payload_hash` against the raw body; a request without a body (GET) has nothing to hash. */
  body(claims: VonageClaims, body: Buffer | undefined): SignatureResult
}

const DEFAULT_MAX_AGE = 300

const refuse = (reason: SignatureReason, detail: string): SignatureResult => ({ ok: false, reason, detail })

function checkOptions(options: SignatureOptions) {
  if (options === null || typeof options !== 'object') throw new errors.OPTIONS_INVALID.Error('signature', 'it must be an object with a secret')
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret
  if (!Array.isArray(secrets) || secrets.length === 0 || !secrets.every((s) => typeof s === 'string' && s.trim() !== '')) {
    throw new errors.OPTIONS_INVALID.Error('signature.secret', 'it must be a non-empty string or a non-empty list of them')
  }
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0) {
    throw new errors.OPTIONS_INVALID.Error('signature.maxAgeSeconds', `it must be a positive number of seconds, got ${String(options.maxAgeSeconds)}`)
  }
  for (const name of ['apiKey', 'applicationId'] as const) {
    const value = options[name]
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new errors.OPTIONS_INVALID.Error(`signature.${name}`, 'it must be a non-empty string when set')
  }
  return { keys: secrets.map((s) => new TextEncoder().encode(s)), maxAge }
}

/** The reason and detail for an error jose throws once a token's signature is known good or cannot be checked. */
function joseRefusal(error: unknown): SignatureResult {
  const message = (error as Error).message
  if (error instanceof jose.JOSEAlgNotAllowed) return refuse('signature', `${message}: only HS256 is accepted`)
  if (error instanceof jose.JWTExpired) return refuse('expired', message)
  if (error instanceof jose.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return refuse('issuer', `iss is not "Vonage"`)
    if (error.claim === 'nbf') return refuse('expired', message)
  }
  return refuse('malformed', message)
}

/**
 * Builds the verifier of Vonage's signed webhooks: an `Authorization: Bearer <JWT>` header, HS256 with the account's
 * signature secret, claims `iat`, `jti`, `iss: "Vonage"`, `payload_hash` (hex SHA-256 of the body), `api_key`,
 * `application_id`. No other algorithm is accepted, never `none`; every secret of a rotation is tried.
 * @throws NCCOFLOW_ERR_OPTIONS_INVALID naming the option at fault.
 * @example
 * const verifier = createSignatureVerifier({ secret: [process.env.NEW_SECRET, process.env.OLD_SECRET] })
 * const result = await verifier.token(request.headers.authorization)
 * if (result.ok) verifier.body(result.claims, request.rawBody)
 */
export function createSignatureVerifier(options: SignatureOptions): SignatureVerifier {
  const { keys, maxAge } = checkOptions(options)
  return {
    maxAgeSeconds: maxAge,
    async token(authorization, now = Math.floor(Date.now() / 1000)) {
      if (authorization === undefined) return refuse('missing', 'no Authorization header')
      const token = /^Bearer +([^\s]+) *$/i.exec(authorization)?.[1]
      if (token === undefined) return refuse('malformed', 'the Authorization header is not "Bearer <token>"')
      let claims: VonageClaims | undefined
      let failure: SignatureResult = refuse('signature', 'no signature secret verifies it')
      for (const key of keys) {
        try {
          const verified = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: 'Vonage', requiredClaims: ['iat'], currentDate: new Date(now * 1000) })
          claims = verified.payload as VonageClaims
          break
        } catch (error) {
          if (!(error instanceof jose.JWSSignatureVerificationFailed)) {
            failure = joseRefusal(error)
            break
          }
        }
      }
      if (claims === undefined) return failure
      const age = now - claims.iat
      if (Math.abs(age) > maxAge) return refuse('expired', `iat is ${Math.abs(age)} s in the ${age > 0 ? 'past' : 'future'}, more than ${maxAge} s from now`)
      if (options.apiKey !== undefined && claims.api_key !== options.apiKey) return refuse('api-key', `api_key ${JSON.stringify(claims.api_key ?? null)} is not the configured one`)
      if (options.applicationId !== undefined && claims.application_id !== options.applicationId) {
        return refuse('application', `application_id ${JSON.stringify(claims.application_id ?? null)} is not the configured one`)
      }
      return { ok: true, claims }
    },
    body(claims, body) {
      if (body === undefined || body.length === 0) return { ok: true, claims }
      const hash = createHash('sha256').update(body).digest('hex')
      if (typeof claims.payload_hash !== 'string') return refuse('body', 'the token has no payload_hash for the body')
      if (claims.payload_hash.toLowerCase() !== hash) return refuse('body', 'payload_hash is not the SHA-256 of the body: the body changed')
      return { ok: true, claims }
    },
  }
}

/**
 * Signs a webhook as Vonage does, for requests the server sends to its own routes (the dashboard's simulator): HS256
 * with the first secret (the new one during a rotation), claims `iat`, `jti`, `iss: "Vonage"`, the body's
 * `payload_hash` (none for a GET), and `api_key` and `application_id` when the options require them.
 * @returns the `Authorization` header's value, `Bearer <JWT>`.
 */
export async function signLikeVonage(options: SignatureOptions, body: string | undefined): Promise<string> {
  const secret = typeof options.secret === 'string' ? options.secret : options.secret[0] as string
  const claims = {
    iss: 'Vonage',
    ...(body === undefined ? {} : { payload_hash: createHash('sha256').update(body).digest('hex') }),
    ...(options.apiKey === undefined ? {} : { api_key: options.apiKey }),
    ...(options.applicationId === undefined ? {} : { application_id: options.applicationId }),
  }
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setJti(randomUUID()).sign(new TextEncoder().encode(secret))
  return `Bearer ${token}`
}
