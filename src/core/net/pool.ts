import { ConfigError } from '../errors.js';
import { ipToNumber, isIpv4, numberToIp } from './ipv4.js';

/**
 * The default pool: a private /24 that home routers, VPNs, Docker (172.17/16, 172.18+/16)
 * and podman (10.88/16) do not use by default, so it is unlikely to clash with a route the
 * host already has.
 */
export const DEFAULT_POOL = '10.213.0.0/24';

/** An address pool: the bridge takes the first host address, containers the rest. */
export interface Pool {
  /** Canonical text, e.g. `10.213.0.0/24`. */
  cidr: string;
  prefix: number;
  /** The network address, as a number. */
  network: number;
  /** The bridge's address (network + 1), the containers' default route. */
  gateway: string;
  /** First and last address a container may have (numbers): network + 2 .. broadcast - 1. */
  first: number;
  last: number;
}

/**
 * Parses `A.B.C.D/N`. The address must be the network's own (host bits zero), so that a
 * typo such as 10.213.0.5/24 is shown rather than silently widened. /8../30: a /31 or /32
 * has no room for a gateway and a container.
 */
export function parsePool(text: string): Pool {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text.trim());
  const hint = `give a network as A.B.C.D/N, e.g. ${DEFAULT_POOL}`;
  if (!m || !isIpv4(m[1])) throw new ConfigError(`network pool '${text}' is not an IPv4 network: ${hint}`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 30) throw new ConfigError(`network pool '${text}': the prefix length must be between 8 and 30 (a /31 or /32 has no room for containers)`);
  const size = 2 ** (32 - prefix);
  const address = ipToNumber(m[1]);
  const network = address - (address % size);
  if (network !== address) {
    throw new ConfigError(`network pool '${text}' has host bits set: did you mean ${numberToIp(network)}/${prefix}?`);
  }
  return {
    cidr: `${numberToIp(network)}/${prefix}`,
    prefix,
    network,
    gateway: numberToIp(network + 1),
    first: network + 2,
    last: network + size - 2,
  };
}

/** The bridge's address with its prefix, as `ip addr` takes it: `10.213.0.1/24`. */
export function gatewayCidr(pool: Pool): string {
  return `${pool.gateway}/${pool.prefix}`;
}

/** True when IP is one a container may have in POOL (not the network, gateway or broadcast). */
export function isContainerAddress(pool: Pool, ip: string): boolean {
  if (!isIpv4(ip)) return false;
  const n = ipToNumber(ip);
  return n >= pool.first && n <= pool.last;
}
