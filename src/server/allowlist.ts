import { BlockList, isIP } from 'node:net'
import { errors } from '../errors.js'

/** The addresses webhooks may come from, built once from the `allowedIps` option (env `ALLOWED_IPS`). */
export interface Allowlist {
  /** The entries as given, for logs. */
  readonly entries: readonly string[]
  /** Tells whether an address (IPv4, IPv6 or IPv4-mapped IPv6 such as `::ffff:1.2.3.4`) is in the list. */
  allows(address: string | undefined): boolean
}

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4')

/**
 * Builds an allowlist from addresses and CIDR ranges, IPv4 and IPv6 (`203.0.113.7`, `198.51.100.0/24`,
 * `2001:db8::/32`). Node's `BlockList` does the matching, so an IPv4 entry also matches the IPv4-mapped IPv6 address
 * a dual-stack socket reports, and the other way round.
 * @throws NCCOFLOW_ERR_OPTIONS_INVALID naming `allowedIps` and the entry at fault.
 * @example
 * const list = parseAllowlist(['198.51.100.0/24', '2001:db8::/32'])
 * list.allows('::ffff:198.51.100.7') // true
 */
export function parseAllowlist(entries: readonly string[]): Allowlist {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new errors.OPTIONS_INVALID.Error('allowedIps', 'list at least one address or CIDR range, or leave it unset')
  }
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', prefix, extra] = typeof entry === 'string' ? entry.trim().split('/') : []
    const kind = isIP(address)
    const bits = prefix === undefined ? undefined : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN
    if (kind === 0 || extra !== undefined || (bits !== undefined && !(bits <= (kind === 4 ? 32 : 128)))) {
      throw new errors.OPTIONS_INVALID.Error('allowedIps', `"${String(entry)}" is not an IPv4 or IPv6 address or CIDR range`)
    }
    if (bits === undefined) list.addAddress(address, family(address))
    else list.addSubnet(address, bits, family(address))
  }
  return {
    entries: [...entries],
    allows: (address) => address !== undefined && isIP(address) !== 0 && list.check(address, family(address)),
  }
}
