import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';

/** The bridge micro-container makes when the caller names none. */
export const DEFAULT_BRIDGE = 'mc0';

/** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), and never '.', '..', '/', ':' or spaces. */
export function validIfName(name: string): boolean {
  return /^[A-Za-z0-9_.-]{1,15}$/.test(name) && name !== '.' && name !== '..';
}

export function checkBridgeName(bridge: string): void {
  if (!validIfName(bridge)) throw new ConfigError(`bridge name '${bridge}' is not a valid interface name: 1 to 15 of letters, digits, '_', '.' and '-'`);
}

/**
 * The host end of a container's veth pair: `mc` + 12 hex digits of a hash of the bridge
 * and container names. Container names reach 63 characters, interface names only 15, so
 * a hash it must be; deterministic so that detach finds the interface from the name
 * alone (after a crash too), and with 48 bits a clash needs millions of containers. The
 * bridge is in the hash so that two networks may each have a container 'build'.
 */
export function hostVethName(bridge: string, container: string): string {
  return `mc${createHash('sha256').update(`${bridge}\0${container}`).digest('hex').slice(0, 12)}`;
}

/**
 * What a bridge's alias (ifalias) says about who made it: the library directory whose
 * resources file hands out its addresses. Two library directories on one bridge would give
 * the same addresses and MACs to different containers on one wire, so ensureBridge
 * refuses a bridge whose alias names another. A path that ifalias cannot hold (over 255
 * bytes, or not printable ASCII) is named by a hash.
 */
export function bridgeAlias(owner: string): string {
  const plain = `micro-container ${owner}`;
  if (/^[\x20-\x7e]+$/.test(plain) && plain.length <= 255) return plain;
  return `micro-container sha256:${createHash('sha256').update(owner).digest('hex')}`;
}
