import { Type, type Static } from '@sinclair/typebox'
import { buildAction, defineAction, eventUrlField } from '../define.js'
import { issue, warning, type NccoIssue } from '../issues.js'
import { EventMethodSchema, UrlList, type Loose } from '../url.js'
import { LanguageSchema } from './common.js'

// schema

/** DTMF settings of an `input`. */
export const DtmfSettingsSchema = Type.Object(
  {
    timeOut: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'seconds after the last key; default 3' })),
    maxDigits: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'default 4' })),
    submitOnHash: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

/** Speech recognition settings of an `input`. */
export const SpeechSettingsSchema = Type.Object(
  {
    uuid: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1 })),
    endOnSilence: Type.Optional(Type.Number({ minimum: 0.4, maximum: 10 })),
    language: Type.Optional(LanguageSchema),
    context: Type.Optional(Type.Array(Type.String())),
    startTimeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    maxDuration: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    saveAudio: Type.Optional(Type.Boolean()),
    sensitivity: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    provider: Type.Optional(Type.String({ minLength: 1 })),
    providerOptions: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
)

/** The `input` action: collects DTMF digits and/or speech and posts the result to `eventUrl`. */
export const InputSchema = Type.Object(
  {
    action: Type.Literal('input'),
    type: Type.Array(Type.Union([Type.Literal('dtmf'), Type.Literal('speech')]), { minItems: 1, maxItems: 2, uniqueItems: true }),
    dtmf: Type.Optional(DtmfSettingsSchema),
    speech: Type.Optional(SpeechSettingsSchema),
    eventUrl: Type.Optional(UrlList()),
    eventMethod: Type.Optional(EventMethodSchema),
    mode: Type.Optional(Type.Union([Type.Literal('synchronous'), Type.Literal('asynchronous')])),
  },
  { additionalProperties: false },
)

// type

/** An `input` action as sent to Vonage. */
export type InputAction = Static<typeof InputSchema>
/** DTMF settings of an `input`. */
export type DtmfSettings = Static<typeof DtmfSettingsSchema>
/** Speech settings of an `input`. */
export type SpeechSettings = Static<typeof SpeechSettingsSchema>
/** Options of {@link input}; `type` is required. */
export type InputOptions = Loose<Omit<InputAction, 'action'>>

// factory

/**
 * Builds an `input` action.
 * @example input({ type: ['dtmf'], dtmf: { maxDigits: 1 }, eventUrl: 'https://example.com/input' })
 */
export function input(options: InputOptions): InputAction {
  return buildAction(inputDefinition, {}, options)
}

// guard

/** Tells whether an action is an `input`. */
export function isInput(value: unknown): value is InputAction {
  return (value as { action?: unknown } | null)?.action === 'input'
}

// definition (callback fields and rules)

/** How nccoflow handles `input`: its eventUrl answers with the next NCCO; DTMF settings are not allowed in asynchronous mode. */
export const inputDefinition = defineAction({
  name: 'input',
  schema: InputSchema,
  urls: [eventUrlField('input', 'input', true)],
  collectsInput: true,
  rules: (action) => {
    const issues: NccoIssue[] = []
    const types: readonly unknown[] = Array.isArray(action.type) ? action.type : []
    if (action.mode === 'asynchronous') {
      if (action.dtmf !== undefined) {
        issues.push(issue('conflict', ['dtmf'], 'input dtmf settings cannot be used with mode "asynchronous": leave them out, each digit is sent as it is pressed'))
      }
      if (types.includes('speech')) {
        issues.push(issue('conflict', ['mode'], 'input mode "asynchronous" is for DTMF only: remove "speech" from type'))
      }
    }
    for (const kind of ['dtmf', 'speech'] as const) {
      if (action[kind] !== undefined && Array.isArray(action.type) && !types.includes(kind)) {
        issues.push(warning('ignored', [kind], `input ${kind} settings are ignored because type does not include "${kind}"`))
      }
    }
    return issues
  },
})
