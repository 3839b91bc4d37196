import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate, attach, ensureBridge, type Lease } from '../../src/core/net/index.js';
import { scratch } from '../support/host.js';
import { compileNet } from '../support/net-compile.js';
import { holdNetns, inNetns, killAllHolders, linkNames, pollUntil, runQuiet, type NetnsHolder } from '../support/net-namespaces.js';

// --nat for real, without going near the machine's own namespace: enableNat/disableNat run
// in a Node process that is itself inside the test's "host" namespace (so even a wrong
// netnsPid could not reach the machine's firewall). That namespace has the bridge and an
// "uplink" veth to an "internet" namespace that has no route back to the pool: a
// container's ping there is answered only when masquerading works.

const BR = 'mcnat0';
const S = scratch('mc-net-nat-');
const LIB = path.join(S.dir, 'lib');
const WAN_HOST = '192.0.2.1'; // TEST-NET-1, only ever inside the test's namespaces
const WAN_FAR = '192.0.2.2';
let netUrl: string;
let host: NetnsHolder;
let internet: NetnsHolder;
let box: NetnsHolder;
let lease: Lease;
let rulesBefore: string;
let forwardBefore: string;

/** The machine's own firewall, without counters (they move with its traffic). */
async function hostRules(): Promise<string> {
  const r = await runQuiet('nft', ['-s', 'list', 'ruleset']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function sysctlForward(pid?: number): Promise<string> {
  const r = pid === undefined ? await runQuiet('cat', ['/proc/sys/net/ipv4/ip_forward']) : await inNetns(pid, ['cat', '/proc/sys/net/ipv4/ip_forward']);
  return r.stdout.trim();
}

async function must(pid: number, argv: string[]): Promise<void> {
  const r = await inNetns(pid, argv);
  expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
}

/** enableNat / disableNat from a Node process inside the host namespace (no netnsPid). */
async function natInHost(op: 'enableNat' | 'disableNat', backend: string): Promise<void> {
  const code = `const m = await import(process.argv[1]); await m.${op}(process.argv[2], process.argv[3], { backend: process.argv[4] });`;
  const r = await inNetns(host.pid, [process.execPath, '--input-type=module', '-e', code, netUrl, '10.213.0.0/24', BR, backend], 30_000);
  expect(r.code, r.stderr).toBe(0);
}

async function pingFar(): Promise<number> {
  return (await inNetns(box.pid, ['ping', '-n', '-c', '1', '-W', '1', WAN_FAR])).code;
}

/** Our rules in the host namespace, as the backend lists them. */
async function ourRules(backend: string): Promise<string[]> {
  if (backend === 'nft') {
    const r = await inNetns(host.pid, ['nft', 'list', 'tables']);
    return r.stdout.split('\n').filter((l) => l.includes('micro_container'));
  }
  const lines: string[] = [];
  for (const table of ['nat', 'filter']) {
    const r = await inNetns(host.pid, ['iptables', '-w', '-t', table, '-S']);
    expect(r.code, r.stderr).toBe(0);
    // Not the bridge's own FORWARD accept (bridgeForwardRule): it stays while the bridge does.
    lines.push(...r.stdout.split('\n').filter((l) => l.includes(`micro-container ${BR}`) && !l.includes(`-i ${BR} -o ${BR}`)));
  }
  return lines;
}

beforeAll(async () => {
  rulesBefore = await hostRules();
  forwardBefore = await sysctlForward();
  netUrl = await compileNet(path.join(S.dir, 'build'), 'index');
  [host, internet, box] = await Promise.all([holdNetns(), holdNetns(), holdNetns()]);
  // The uplink: made inside the host namespace, its peer sent to the internet namespace.
  await must(host.pid, ['ip', 'link', 'add', 'name', 'up0', 'type', 'veth', 'peer', 'name', 'wan0', 'netns', String(internet.pid)]);
  await must(host.pid, ['ip', 'addr', 'add', `${WAN_HOST}/24`, 'dev', 'up0']);
  await must(host.pid, ['ip', 'link', 'set', 'dev', 'up0', 'up']);
  await must(internet.pid, ['ip', 'addr', 'add', `${WAN_FAR}/24`, 'dev', 'wan0']);
  await must(internet.pid, ['ip', 'link', 'set', 'dev', 'wan0', 'up']);
  await must(internet.pid, ['ip', 'link', 'set', 'dev', 'lo', 'up']);
  lease = await allocate(LIB, 'natbox');
  await ensureBridge(BR, `${lease.gateway}/${lease.prefix}`, { netnsPid: host.pid });
  await attach(box.pid, { ...lease, bridge: BR, netnsPid: host.pid });
}, 120_000);

afterAll(async () => {
  await killAllHolders();
  S.cleanup();
  expect(await hostRules()).toBe(rulesBefore);
  expect(await sysctlForward()).toBe(forwardBefore);
  expect(await linkNames()).not.toContain(BR);
});

describe.each(['iptables', 'nft'])('NAT with %s, inside the test namespaces', (backend) => {
  it('a container reaches beyond the bridge only while NAT is on; the rules go when it is off', async () => {
    // The host namespace can reach the far end itself: the uplink works.
    expect((await inNetns(host.pid, ['ping', '-n', '-c', '1', '-W', '1', WAN_FAR])).code).toBe(0);
    expect(await ourRules(backend)).toEqual([]);
    expect(await pingFar()).not.toBe(0);

    await natInHost('enableNat', backend);
    await natInHost('enableNat', backend); // idempotent: no second copy of any rule
    const rules = await ourRules(backend);
    expect(rules).toHaveLength(backend === 'nft' ? 1 : 3);
    expect(await sysctlForward(host.pid)).toBe('1');
    // Bounded retries: the first echo may race the neighbour discovery on the fresh uplink.
    expect(await pollUntil(async () => (await pingFar()) === 0, 3, 0)).toBe(true);

    await natInHost('disableNat', backend);
    await natInHost('disableNat', backend); // idempotent
    expect(await ourRules(backend)).toEqual([]);
    // Forwarding stays on (others may rely on it): the masquerade is what made the difference.
    expect(await sysctlForward(host.pid)).toBe('1');
    expect(await pingFar()).not.toBe(0);
  });
});
