/** Codes of the issues {@link validateNcco} reports; each is documented in docs/ncco.md. */
export type NccoIssueCode =
  | 'not_array'
  | 'empty'
  | 'not_object'
  | 'unknown_action'
  | 'missing_field'
  | 'unknown_field'
  | 'invalid_type'
  | 'invalid_value'
  | 'out_of_range'
  | 'invalid_url'
  | 'conflict'
  | 'barge_in'
  | 'unreachable'
  | 'ignored'
  | 'quoted_value'

/** A path into an NCCO: the action index first, then keys and array indexes. */
export type NccoPath = readonly (string | number)[]

/** One problem found in an NCCO: where it is, what kind it is and what to do about it. */
export interface NccoIssue {
  readonly code: NccoIssueCode
  readonly path: NccoPath
  readonly message: string
  /** `error` makes the NCCO invalid; `warning` flags something that is valid but probably a mistake. */
  readonly severity: 'error' | 'warning'
}

/** Builds an error-severity issue. */
export function issue(code: NccoIssueCode, path: NccoPath, message: string): NccoIssue {
  return { code, path, message, severity: 'error' }
}

/** Builds a warning-severity issue. */
export function warning(code: NccoIssueCode, path: NccoPath, message: string): NccoIssue {
  return { code, path, message, severity: 'warning' }
}

/** Renders a path for a message: `[1, 'dtmf', 'maxDigits']` becomes `dtmf.maxDigits`. */
export function fieldName(path: NccoPath): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? part : `.${part}`
  }
  return out
}
