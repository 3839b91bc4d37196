import { hostVethName } from './iface-names.js';

/**
 * The network plumbing as data: one list of commands that Node runs (run-steps.ts) and
 * that the jail's sh launcher can run as text (net-script.ts), so the two never drift.
 * Pure.
 */

/** Stands for the container's pid in a command; Node puts the number, sh puts "$1". */
export const CONTAINER_PID: unique symbol = Symbol('container pid');
export type Word = string | typeof CONTAINER_PID;

export interface NetStep {
  /** Where the command runs: the bridge's network namespace or the container's. */
  in: 'bridge' | 'container';
  run: Word[];
  /** Skip the step when this succeeds (it is done already); also checked again when RUN fails, for a racing peer. */
  unless?: Word[];
  /** Run the step only when this succeeds (there is something to undo); checked again when RUN fails. */
  onlyIf?: Word[];
  /** Why the step is there, for error messages and comments in the sh text. */
  why: string;
}

export interface AttachPlan {
  /** The container's name: the host end of its veth is named after it. */
  name: string;
  ip: string;
  prefix: number;
  mac: string;
  gateway: string;
  bridge: string;
}

/**
 * Makes BRIDGE with the gateway address and brings it up; every step may run again.
 * ALIAS (bridgeAlias) marks whose network it is; the caller has checked that the bridge
 * has no other.
 */
export function bridgeSteps(bridge: string, gatewayCidr: string, alias?: string): NetStep[] {
  return [
    { in: 'bridge', unless: ['ip', 'link', 'show', 'dev', bridge], run: ['ip', 'link', 'add', 'name', bridge, 'type', 'bridge'], why: `create the bridge ${bridge}` },
    ...(alias === undefined ? [] : [{ in: 'bridge' as const, run: ['ip', 'link', 'set', 'dev', bridge, 'alias', alias], why: `mark the bridge ${bridge} as '${alias}'` }]),
    // replace, not add: an address that is already there is success, not an error.
    { in: 'bridge', run: ['ip', 'addr', 'replace', gatewayCidr, 'dev', bridge], why: `give the bridge ${bridge} the gateway address ${gatewayCidr}` },
    { in: 'bridge', run: ['ip', 'link', 'set', 'dev', bridge, 'up'], why: `bring the bridge ${bridge} up` },
  ];
}

/**
 * Connects the container (by pid) to its bridge. The veth pair is made with its peer
 * already inside the container's namespace, named eth0 and with its MAC: nothing half-made
 * is ever left in the bridge's namespace under a temporary name, and the pair disappears
 * by itself with the container's namespace.
 */
export function attachSteps(plan: AttachPlan): NetStep[] {
  const veth = hostVethName(plan.bridge, plan.name);
  return [
    { in: 'bridge', run: ['ip', 'link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'address', plan.mac, 'netns', CONTAINER_PID], why: `create the veth pair ${veth} / eth0 for '${plan.name}'` },
    { in: 'bridge', run: ['ip', 'link', 'set', 'dev', veth, 'master', plan.bridge], why: `put ${veth} on the bridge ${plan.bridge}` },
    { in: 'bridge', run: ['ip', 'link', 'set', 'dev', veth, 'up'], why: `bring ${veth} up` },
    { in: 'container', run: ['ip', 'link', 'set', 'dev', 'lo', 'up'], why: 'bring the loopback up in the container' },
    { in: 'container', run: ['ip', 'addr', 'replace', `${plan.ip}/${plan.prefix}`, 'dev', 'eth0'], why: `give eth0 the address ${plan.ip}/${plan.prefix}` },
    { in: 'container', run: ['ip', 'link', 'set', 'dev', 'eth0', 'up'], why: 'bring eth0 up' },
    { in: 'container', run: ['ip', 'route', 'replace', 'default', 'via', plan.gateway, 'dev', 'eth0'], why: `route through the gateway ${plan.gateway}` },
  ];
}

/** Removes the container's veth pair, if it is still there (it goes with a dead container's namespace). */
export function detachSteps(bridge: string, name: string): NetStep[] {
  const veth = hostVethName(bridge, name);
  return [{ in: 'bridge', onlyIf: ['ip', 'link', 'show', 'dev', veth], run: ['ip', 'link', 'del', 'dev', veth], why: `remove the veth ${veth} of '${name}'` }];
}
