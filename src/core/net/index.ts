/**
 * Container networks (`--network private`): a bridge owned by micro-container, a static
 * IPv4 address and a random MAC per container name, kept for that name across runs in
 * LIBRARYDIR/network.json (written atomically, under a flock) until it is released.
 *
 * Typical use (as root), the bridge in the host's namespace:
 *
 *   const lease = await allocate(libraryDir, name, pool);          // locked read-modify-write
 *   await withNetworkLock(libraryDir, async () => {                  // vs. a racing removal
 *     await ensureBridge(bridge, `${lease.gateway}/${lease.prefix}`, { owner: libraryDir });
 *     await attach(jailPid, { ...lease, bridge });                   // eth0 in the jail's netns
 *     if (nat) await enableNat(pool, bridge);                        // --nat
 *   });
 *   writeFile(`${state}/hosts`, renderHosts((await list(libraryDir)).leases, { name }));
 *   ...
 *   await withNetworkLock(libraryDir, async () => {
 *     await detach(name, { bridge });            // a no-op once the jail is dead: the kernel took its pair
 *     await removeBridgeIfUnused(bridge);                            // and its FORWARD accept
 *     if ((await bridgePorts(bridge)).length === 0) await disableNat(pool, bridge);  // no bridge left
 *   });
 *   await release(libraryDir, name);             // on `rm NAME` only: otherwise the name keeps its address and MAC
 *
 * Every function that touches interfaces takes `netnsPid`: a process whose network
 * namespace holds the bridge (tests use their own); absent means the caller's.
 * renderNetScript gives the same steps as sh for the launcher.
 *
 * One library directory per bridge: addresses are unique within one network.json, so
 * ensureBridge marks the bridge with its owner and refuses another library directory's.
 * /etc/hosts is rendered when a container starts: it lists the containers allocated then.
 */
export { DEFAULT_POOL, parsePool, gatewayCidr, isContainerAddress, type Pool } from './pool.js';
export { generateMac, isUnicastMac, type RandomBytes } from './mac.js';
export { allocateIn, releaseIn, leaseOf, type Allocation, type AllocateOptions, type Lease, type NetworkState } from './address-table.js';
export { parseNetworkState, serializeNetworkState, NETWORK_FILE_VERSION } from './resources-file.js';
export { renderHosts } from './hosts-file.js';
export { allocate, release, list, networkFile, withNetworkLock } from './allocations.js';
export { DEFAULT_BRIDGE, bridgeAlias, hostVethName, validIfName } from './iface-names.js';
export { ensureBridge, removeBridgeIfUnused, bridgePorts, type BridgeOptions } from './bridge.js';
export { attach, detach, type AttachOptions } from './veth.js';
export { enableNat, disableNat, defaultNatBackend, type NatOptions } from './nat.js';
export { iptablesRules, nftNatScript, nftTableName, natAddSteps, natRemoveSteps, type NatBackend } from './nat-rules.js';
export { attachSteps, bridgeSteps, detachSteps, CONTAINER_PID, type AttachPlan, type NetStep, type Word } from './steps.js';
export { renderNetScript, type NetScriptPlan } from './net-script.js';
