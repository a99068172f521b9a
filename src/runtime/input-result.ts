import type { InputResult } from '../dsl/types.js'

/** Most speech transcripts kept from one input, and most characters of each: the result is stored with the call. */
const MAX_TRANSCRIPTS = 5
const MAX_TEXT = 500

/** What a flow sees of an input webhook: digits, speech best first (bounded, since it is stored) and whether it timed out. */
export function toInputResult(payload: Readonly<Record<string, unknown>>): InputResult {
  const dtmf = payload.dtmf as { digits?: string } | undefined
  const speech = (payload.speech as { results?: { text: string; confidence?: number }[] } | undefined)?.results ?? []
  const ranked = speech
    .filter((s) => typeof s.text === 'string' && s.text !== '')
    .sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))
    .slice(0, MAX_TRANSCRIPTS)
    .map((s) => (s.text.length > MAX_TEXT ? { ...s, text: s.text.slice(0, MAX_TEXT) } : s))
  const digits = (dtmf?.digits ?? '').slice(0, MAX_TEXT)
  return { digits, speech: ranked, timedOut: digits === '' && ranked.length === 0 }
}
