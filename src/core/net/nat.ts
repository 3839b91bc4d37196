import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkBridgeName } from './iface-names.js';
import { natAddSteps, natRemoveSteps, type NatBackend } from './nat-rules.js';
import { parsePool } from './pool.js';
import { runSteps } from './run-steps.js';

export interface NatOptions {
  /** A process in the bridge's network namespace; absent for our own. */
  netnsPid?: number;
  /** Default: iptables when it is installed, else nft. */
  backend?: NatBackend;
}

/** True when iptables is on the PATH or in sbin (where sudo's PATH may not look). */
export function hasIptables(): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return dirs.some((d) => d && existsSync(path.join(d, 'iptables')));
}

/** iptables when it is installed, else nft (see nat-rules.ts for why). */
export function defaultNatBackend(): NatBackend {
  return hasIptables() ? 'iptables' : 'nft';
}

/**
 * Lets the containers of POOL on BRIDGE reach beyond the bridge's namespace, masqueraded
 * behind its addresses (`--nat`). Turns IPv4 forwarding on in that namespace. Idempotent.
 */
export async function enableNat(pool: string, bridge: string, options: NatOptions = {}): Promise<void> {
  checkBridgeName(bridge);
  const cidr = parsePool(pool).cidr;
  await runSteps(natAddSteps(cidr, bridge, options.backend ?? defaultNatBackend()), { netnsPid: options.netnsPid });
}

/** Removes what enableNat added (forwarding stays on: others may need it). Idempotent. */
export async function disableNat(pool: string, bridge: string, options: NatOptions = {}): Promise<void> {
  checkBridgeName(bridge);
  const cidr = parsePool(pool).cidr;
  await runSteps(natRemoveSteps(cidr, bridge, options.backend ?? defaultNatBackend()), { netnsPid: options.netnsPid });
}
