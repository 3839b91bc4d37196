import { ConfigError, JailError } from '../errors.js';
import { validName } from '../jail/spec.js';
import { checkBridgeName, hostVethName } from './iface-names.js';
import { isIpv4 } from './ipv4.js';
import { isUnicastMac } from './mac.js';
import { ipJson, netnsIdentity, runArgv, runSteps, stepArgv } from './run-steps.js';
import { attachSteps, detachSteps, type AttachPlan } from './steps.js';

export interface AttachOptions extends AttachPlan {
  /** A process in the bridge's network namespace; absent for our own. */
  netnsPid?: number;
}

function checkPlan(plan: AttachPlan): void {
  checkBridgeName(plan.bridge);
  if (!validName(plan.name)) throw new ConfigError(`container name '${plan.name}' is not valid for the network`);
  if (!isIpv4(plan.ip) || !isIpv4(plan.gateway)) throw new ConfigError(`'${plan.ip}' via '${plan.gateway}' is not an IPv4 address and gateway`);
  if (!Number.isInteger(plan.prefix) || plan.prefix < 8 || plan.prefix > 30) throw new ConfigError(`prefix length ${plan.prefix} is not between 8 and 30`);
  if (!isUnicastMac(plan.mac)) throw new ConfigError(`'${plan.mac}' is not a lower-case unicast MAC address`);
}

/**
 * Connects the network namespace of process CONTAINERPID to the bridge: a veth pair whose
 * host end (hostVethName) is a port of the bridge and whose other end is the container's
 * eth0 with the lease's MAC and address, lo up, and a default route via the gateway.
 * The bridge must exist (ensureBridge). Returns the host end's name.
 */
export async function attach(containerPid: number, options: AttachOptions): Promise<string> {
  checkPlan(options);
  const ns = { netnsPid: options.netnsPid, containerPid };
  const container = netnsIdentity(containerPid, 'the container');
  // Else eth0 and its default route would go into the bridge's namespace (the host's).
  const shared = container === netnsIdentity(options.netnsPid, 'the bridge') ? "the bridge's" : container === netnsIdentity(undefined, 'our') ? 'our' : undefined;
  if (shared) throw new JailError(`process ${containerPid} shares ${shared} network namespace: a container needs one of its own (unshare --net)`);
  const veth = hostVethName(options.bridge, options.name);
  if (!(await ipJson(['link', 'show', 'dev', options.bridge], options.netnsPid))) {
    throw new JailError(`the bridge ${options.bridge} does not exist: ensureBridge makes it`);
  }
  // A host end exists only while its peer's namespace lives: the container is running.
  if (await ipJson(['link', 'show', 'dev', veth], options.netnsPid)) {
    throw new JailError(`container '${options.name}' is already attached to ${options.bridge} (interface ${veth}): is it running already?`);
  }
  const [create, ...rest] = attachSteps(options);
  await runSteps([create], ns);
  try {
    await runSteps(rest, ns);
  } catch (e) {
    // Deleting one end deletes both: leave no half-configured pair behind.
    await runArgv(stepArgv(['ip', 'link', 'del', 'dev', veth], 'bridge', ns));
    throw e;
  }
  return veth;
}

/**
 * Disconnects container NAME from BRIDGE; returns true when there was a veth to remove.
 * Safe to call again, and after the container died (its namespace took the pair along).
 */
export async function detach(name: string, options: { bridge: string; netnsPid?: number }): Promise<boolean> {
  checkBridgeName(options.bridge);
  const present = (await ipJson(['link', 'show', 'dev', hostVethName(options.bridge, name)], options.netnsPid)) !== undefined;
  await runSteps(detachSteps(options.bridge, name), { netnsPid: options.netnsPid });
  return present;
}
