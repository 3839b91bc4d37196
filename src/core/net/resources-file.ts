import { ConfigError } from '../errors.js';
import { validName } from '../jail/spec.js';
import type { Allocation, NetworkState } from './address-table.js';
import { isUnicastMac } from './mac.js';
import { isContainerAddress, parsePool } from './pool.js';

/**
 * The resources file (`LIBRARYDIR/network.json`): who has which address and MAC.
 *
 *   { "version": 1, "pool": "10.213.0.0/24",
 *     "allocations": [ { "name": "build", "ip": "10.213.0.2", "mac": "02:5e:..." } ] }
 *
 * Parsing checks everything another process (or a person with an editor) could have got
 * wrong, because a duplicate address would surface much later as a confusing network fault.
 */
export const NETWORK_FILE_VERSION = 1;

export function serializeNetworkState(state: NetworkState): string {
  const out: Record<string, unknown> = { version: NETWORK_FILE_VERSION };
  if (state.pool !== undefined) out.pool = state.pool;
  out.allocations = state.allocations.map(({ name, ip, mac }) => ({ name, ip, mac }));
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Parses and validates the file's TEXT; SOURCE names it in errors. Throws ConfigError. */
export function parseNetworkState(text: string, source: string): NetworkState {
  const bad = (why: string) => new ConfigError(`${source} is not a valid network resources file: ${why}; fix it, or remove it if no container is using the network`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('not a JSON object');
  const doc = data as Record<string, unknown>;
  if (doc.version !== NETWORK_FILE_VERSION) throw bad(`version ${JSON.stringify(doc.version)} is not ${NETWORK_FILE_VERSION} (written by another micro-container release?)`);
  if (!Array.isArray(doc.allocations)) throw bad('"allocations" is not a list');
  let pool;
  if (doc.pool !== undefined) {
    if (typeof doc.pool !== 'string') throw bad('"pool" is not a string');
    try {
      pool = parsePool(doc.pool);
    } catch (e) {
      throw bad((e as Error).message);
    }
    if (pool.cidr !== doc.pool) throw bad(`"pool" ${doc.pool} is not in canonical form ${pool.cidr}`);
  } else if (doc.allocations.length > 0) {
    throw bad('there are allocations but no "pool"');
  }
  const names = new Set<string>();
  const ips = new Map<string, string>();
  const macs = new Map<string, string>();
  const allocations: Allocation[] = doc.allocations.map((entry: unknown, i: number) => {
    if (typeof entry !== 'object' || entry === null) throw bad(`allocation ${i} is not an object`);
    const { name, ip, mac } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !validName(name)) throw bad(`allocation ${i} has no valid container name`);
    if (names.has(name)) throw bad(`container '${name}' is listed twice`);
    if (typeof ip !== 'string' || !isContainerAddress(pool!, ip)) throw bad(`container '${name}' has the address ${JSON.stringify(ip)}, which is not a container address in ${doc.pool}`);
    if (typeof mac !== 'string' || !isUnicastMac(mac)) throw bad(`container '${name}' has the MAC ${JSON.stringify(mac)}, which is not a lower-case unicast MAC`);
    if (ips.has(ip)) throw bad(`containers '${ips.get(ip)}' and '${name}' have the same address ${ip}`);
    if (macs.has(mac)) throw bad(`containers '${macs.get(mac)}' and '${name}' have the same MAC ${mac}`);
    names.add(name);
    ips.set(ip, name);
    macs.set(mac, name);
    return { name, ip, mac };
  });
  allocations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return doc.pool === undefined ? { allocations } : { pool: doc.pool as string, allocations };
}
