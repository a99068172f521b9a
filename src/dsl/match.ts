import type { DigitsMatch, InputMatch, InputResult, SpeechMatch } from './types.js'

function digitsMatch(match: DigitsMatch, digits: string): boolean {
  if (typeof match === 'string') return digits === match
  if (match instanceof RegExp) return new RegExp(match.source, match.flags.replace('g', '')).test(digits)
  return match(digits)
}

function speechMatch(match: SpeechMatch, text: string): boolean {
  if (typeof match === 'string') {
    const escaped = match.trim().toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return new RegExp(`(^|\\W)${escaped}($|\\W)`, 'i').test(text)
  }
  if (match instanceof RegExp) return new RegExp(match.source, match.flags.replace('g', '')).test(text)
  return match(text)
}

/** Tells whether the caller gave nothing: no digits and no speech. */
export function isTimeout(result: InputResult): boolean {
  return result.digits === '' && result.speech.length === 0
}

/**
 * Tells whether an input result matches a branch: digits against `dtmf` when digits were pressed, otherwise each
 * speech transcript (best first) against `speech`.
 */
export function matchesInput(match: InputMatch, result: InputResult): boolean {
  if (result.digits !== '') return match.dtmf !== undefined && digitsMatch(match.dtmf, result.digits)
  return match.speech !== undefined && result.speech.some((s) => speechMatch(match.speech as SpeechMatch, s.text))
}

/**
 * The branch an input result takes: with digits, the first branch whose `dtmf` matches; with speech, the transcripts
 * are tried best first, and for each the branches in order, so a confident "message" beats a doubtful "sales".
 * Returns -1 when no branch matches.
 */
export function chooseBranch(branches: readonly { readonly match: InputMatch }[], result: InputResult): number {
  if (result.digits !== '') return branches.findIndex((b) => b.match.dtmf !== undefined && digitsMatch(b.match.dtmf, result.digits))
  for (const transcript of result.speech) {
    const index = branches.findIndex((b) => b.match.speech !== undefined && speechMatch(b.match.speech, transcript.text))
    if (index !== -1) return index
  }
  return -1
}
