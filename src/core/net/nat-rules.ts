import type { NetStep } from './steps.js';

/**
 * A bridge's firewall rules, as steps (pure): the FORWARD accept between its ports
 * (bridgeForwardRule, iptables only), and outbound NAT for its pool, in two backends:
 * - iptables (the default when it is installed): works over both the legacy and the nft
 *   kernel backends and puts its FORWARD accepts in the same chain as Docker's, so a
 *   Docker host's FORWARD DROP policy does not swallow the containers' traffic;
 * - nft: one table of our own per bridge, replaced or deleted atomically. An accept there
 *   cannot overrule a drop in another table's forward chain (Docker's), so prefer
 *   iptables on such hosts.
 * Adding and removing may both run any number of times.
 */
export type NatBackend = 'iptables' | 'nft';

/** iptables rules: [table, chain, 'A'ppend or 'I'nsert first, match and target...]. */
export function iptablesRules(pool: string, bridge: string): { table: string; chain: string; position: 'A' | 'I'; rule: string[] }[] {
  const tag = ['-m', 'comment', '--comment', `micro-container ${bridge}`];
  return [
    // Leaving the pool through any other interface: take the outgoing interface's address.
    { table: 'nat', chain: 'POSTROUTING', position: 'A', rule: ['-s', pool, '!', '-o', bridge, ...tag, '-j', 'MASQUERADE'] },
    // From the bridge (out, or bridge to bridge when br_netfilter sends it through iptables).
    { table: 'filter', chain: 'FORWARD', position: 'I', rule: ['-i', bridge, ...tag, '-j', 'ACCEPT'] },
    // Replies coming back in.
    { table: 'filter', chain: 'FORWARD', position: 'I', rule: ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'] },
  ];
}

/**
 * Traffic between two ports of the bridge. Where br_netfilter is loaded (Docker loads it,
 * and sets bridge-nf-call-iptables=1), bridged frames go through iptables' FORWARD
 * chain, whose policy Docker sets to DROP: the containers could not reach each other
 * without this accept, NAT or not.
 */
export function bridgeForwardRule(bridge: string): { table: string; chain: string; rule: string[] } {
  return { table: 'filter', chain: 'FORWARD', rule: ['-i', bridge, '-o', bridge, '-m', 'comment', '--comment', `micro-container ${bridge}`, '-j', 'ACCEPT'] };
}

export function bridgeForwardAddSteps(bridge: string): NetStep[] {
  const { table, chain, rule } = bridgeForwardRule(bridge);
  return [{ in: 'bridge', unless: ['iptables', '-w', '-t', table, '-C', chain, ...rule], run: ['iptables', '-w', '-t', table, '-I', chain, ...rule], why: `let the ports of ${bridge} reach each other through FORWARD` }];
}

export function bridgeForwardRemoveSteps(bridge: string): NetStep[] {
  const { table, chain, rule } = bridgeForwardRule(bridge);
  return [{ in: 'bridge', onlyIf: ['iptables', '-w', '-t', table, '-C', chain, ...rule], run: ['iptables', '-w', '-t', table, '-D', chain, ...rule], why: `remove the FORWARD accept between the ports of ${bridge}` }];
}

/** The nft table that holds a bridge's NAT: nft names take letters, digits and '_'. */
export function nftTableName(bridge: string): string {
  return `micro_container_${bridge.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** The nft script that (re)creates the bridge's table: delete-then-create in one transaction. */
export function nftNatScript(pool: string, bridge: string): string {
  const t = nftTableName(bridge);
  return [
    `add table ip ${t}`,
    `delete table ip ${t}`,
    `table ip ${t} {`,
    `  chain postrouting { type nat hook postrouting priority srcnat; policy accept; ip saddr ${pool} oifname != "${bridge}" masquerade; }`,
    `  chain forward { type filter hook forward priority filter; policy accept; iifname "${bridge}" accept; oifname "${bridge}" ct state established,related accept; }`,
    '}',
  ].join('\n');
}

const FORWARDING = '/proc/sys/net/ipv4/ip_forward';

export function natAddSteps(pool: string, bridge: string, backend: NatBackend): NetStep[] {
  // Forwarding is a property of the whole namespace (the host's, in production) that
  // other software may rely on too: it is turned on here and never turned off.
  const forwarding: NetStep = { in: 'bridge', unless: ['grep', '-qx', '1', FORWARDING], run: ['sh', '-c', `echo 1 > ${FORWARDING}`], why: 'turn on IPv4 forwarding' };
  if (backend === 'nft') return [forwarding, { in: 'bridge', run: ['nft', nftNatScript(pool, bridge)], why: `NAT the pool ${pool} (nft table ${nftTableName(bridge)})` }];
  return [
    forwarding,
    ...iptablesRules(pool, bridge).map(({ table, chain, position, rule }): NetStep => ({
      in: 'bridge',
      unless: ['iptables', '-w', '-t', table, '-C', chain, ...rule],
      run: ['iptables', '-w', '-t', table, `-${position}`, chain, ...rule],
      why: `add the ${table} ${chain} rule for ${bridge}`,
    })),
  ];
}

export function natRemoveSteps(pool: string, bridge: string, backend: NatBackend): NetStep[] {
  if (backend === 'nft') {
    const t = nftTableName(bridge);
    return [{ in: 'bridge', run: ['nft', `add table ip ${t}\ndelete table ip ${t}`], why: `remove the nft table ${t}` }];
  }
  return iptablesRules(pool, bridge).map(({ table, chain, rule }): NetStep => ({
    in: 'bridge',
    onlyIf: ['iptables', '-w', '-t', table, '-C', chain, ...rule],
    run: ['iptables', '-w', '-t', table, '-D', chain, ...rule],
    why: `remove the ${table} ${chain} rule for ${bridge}`,
  }));
}
