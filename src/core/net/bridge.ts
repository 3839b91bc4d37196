import { ConfigError, JailError } from '../errors.js';
import { bridgeAlias, checkBridgeName } from './iface-names.js';
import { isIpv4 } from './ipv4.js';
import { ipJson, runArgv, runSteps, stepArgv } from './run-steps.js';
import { bridgeForwardAddSteps, bridgeForwardRemoveSteps } from './nat-rules.js';
import { hasIptables } from './nat.js';
import { bridgeSteps } from './steps.js';

export interface BridgeOptions {
  /** Where the bridge lives: a process in that network namespace, or absent for our own. */
  netnsPid?: number;
  /**
   * The library directory whose resources file gives out the bridge's addresses. It is
   * written on the bridge as its alias, and a bridge marked by another one is refused
   * (see bridgeAlias). Absent: no check, no mark.
   */
  owner?: string;
  /**
   * Keep an iptables FORWARD accept for traffic between the bridge's ports while the
   * bridge exists (bridgeForwardRule: needed on Docker hosts). Default: when iptables is
   * installed. removeBridgeIfUnused must be given the same choice.
   */
  forwardAccept?: boolean;
}

interface Link {
  ifname: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string };
}

function refuseOtherOwner(link: Link | undefined, bridge: string, owner: string | undefined): void {
  if (owner === undefined || link?.ifalias === undefined || link.ifalias === bridgeAlias(owner)) return;
  throw new ConfigError(`the bridge ${bridge} belongs to another network ('${link.ifalias}'), whose containers could get the same addresses: use that library directory, or give ${owner} its own bridge and pool`);
}

async function findLink(name: string, netnsPid?: number): Promise<Link | undefined> {
  const links = (await ipJson(['-d', 'link', 'show', 'dev', name], netnsPid)) as Link[] | undefined;
  return links?.[0];
}

function refuseNonBridge(link: Link | undefined, bridge: string): void {
  if (link && link.linkinfo?.info_kind !== 'bridge') {
    throw new ConfigError(`the interface ${bridge} exists and is a ${link.linkinfo?.info_kind ?? 'physical'} interface, not a bridge: pick another bridge name`);
  }
}

/**
 * Makes the bridge BRIDGE if it is missing, gives it GATEWAYCIDR (e.g. 10.213.0.1/24) and
 * brings it up. Safe to call again and from several processes at once. Throws ConfigError
 * when BRIDGE is another kind of interface or (with OPTIONS.owner) another network's.
 */
export async function ensureBridge(bridge: string, gatewayCidr: string, options: BridgeOptions = {}): Promise<void> {
  checkBridgeName(bridge);
  const [ip, prefix] = gatewayCidr.split('/');
  if (!isIpv4(ip) || !/^([89]|[12][0-9]|30)$/.test(prefix ?? '')) throw new ConfigError(`gateway '${gatewayCidr}' is not an address with a prefix length between 8 and 30, like 10.213.0.1/24`);
  const before = await findLink(bridge, options.netnsPid);
  refuseNonBridge(before, bridge);
  refuseOtherOwner(before, bridge, options.owner);
  const alias = options.owner === undefined ? undefined : bridgeAlias(options.owner);
  await runSteps(bridgeSteps(bridge, gatewayCidr, alias), { netnsPid: options.netnsPid });
  // Two library directories (each under its own lock) may have raced to mark it: one lost.
  if (alias !== undefined) refuseOtherOwner(await findLink(bridge, options.netnsPid), bridge, options.owner);
  if (options.forwardAccept ?? hasIptables()) await runSteps(bridgeForwardAddSteps(bridge), { netnsPid: options.netnsPid });
}

/** The interfaces on BRIDGE (its ports); [] when it has none or does not exist. */
export async function bridgePorts(bridge: string, options: BridgeOptions = {}): Promise<string[]> {
  checkBridgeName(bridge);
  const ports = (await ipJson(['link', 'show', 'master', bridge], options.netnsPid)) as Link[] | undefined;
  return (ports ?? []).map((l) => l.ifname);
}

/**
 * Deletes BRIDGE when no port is left on it; returns true when it deleted it. A container
 * that starts at the same moment could lose its bridge: callers that share a bridge
 * between processes run this and attach under withNetworkLock.
 */
export async function removeBridgeIfUnused(bridge: string, options: BridgeOptions = {}): Promise<boolean> {
  checkBridgeName(bridge);
  const link = await findLink(bridge, options.netnsPid);
  let removed = false;
  if (link) {
    refuseNonBridge(link, bridge);
    if ((await bridgePorts(bridge, options)).length > 0) return false;
    const r = await runArgv(stepArgv(['ip', 'link', 'del', 'dev', bridge], 'bridge', options));
    // A failure is fine when another process removed it first.
    if (r.code !== 0 && (await findLink(bridge, options.netnsPid))) throw new JailError(`could not remove the bridge ${bridge}: ${r.stderr.trim()}`);
    removed = r.code === 0;
  }
  // Also when the bridge was gone already: its rule must not outlive it.
  if (options.forwardAccept ?? hasIptables()) await runSteps(bridgeForwardRemoveSteps(bridge), { netnsPid: options.netnsPid });
  return removed;
}
