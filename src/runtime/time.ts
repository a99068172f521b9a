/** When Vonage says a webhook happened: its `timestamp`, or the time it was received when it has none. */
export function receivedAt(payload: Readonly<Record<string, unknown>>): { readonly at: string; readonly stamped: boolean } {
  return typeof payload.timestamp === 'string' ? { at: payload.timestamp, stamped: true } : { at: new Date().toISOString(), stamped: false }
}
