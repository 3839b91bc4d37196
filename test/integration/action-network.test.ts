import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JAIL_BRIDGE } from '../../src/core/jail/spec.js';
import { RunnerJobs } from '../support/action-harness.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { scratch } from '../support/host.js';
import { holdNetns, killAllHolders, linkNames, pollUntil, type NetnsHolder } from '../support/net-namespaces.js';

// The action's `network` input end to end (main's run, a later shell: step, post) as the
// runner user with sudo. `private` puts the bridge in a network namespace this file holds
// (MICRO_CONTAINER_BRIDGE_NETNS, which reaches the root process through sudo's pipe):
// nothing is made in, or sent to, the machine's own namespace (checked at the end).
expectHostMountsUnchanged();
const S = scratch('mc-action-net-');
let hostLinksBefore: string[];
let bridgeNs: NetnsHolder;
const jobs = new RunnerJobs(S.dir, 'net-');
const job = () => jobs.job();
const LIB = () => path.join(S.dir, 'lib');

// Interface names from /proc/net/dev (per network namespace, needs no tool in the root).
const LINKS = "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' '; echo";

beforeAll(async () => {
  jobs.setUp();
  hostLinksBefore = await linkNames();
  bridgeNs = await holdNetns();
});
afterAll(async () => {
  await killAllHolders();
  S.cleanup();
  expect(await linkNames()).toEqual(hostLinksBefore);
});

describe('input network', () => {
  it('none: run and later steps see only lo', async () => {
    const j = job();
    const inputs = { 'library-dir': LIB(), network: 'none' };
    const main = await j.main({ ...inputs, run: LINKS });
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('\nlo \n');
    const step = await j.shellStep('mc-shell {0}', LINKS);
    expect(step.code).toBe(0);
    expect(step.stdout).toBe('lo \n');
    const post = await j.post(inputs);
    expect(post.code).toBe(0);
    expect(post.summary).toContain('network none');
  });

  it('private: eth0 with the name\'s address from 10.213.0.0/24, the bridge in the test\'s namespace; post releases the address', async () => {
    const j = job();
    const netns = `/proc/${bridgeNs.pid}/ns/net`;
    const inputs = { 'library-dir': LIB(), network: 'private', name: 'netbox' };
    const show = `${LINKS}; ip -4 -o addr show dev eth0 | awk '{print $4}'; hostname; echo "bridge-env=\${MICRO_CONTAINER_BRIDGE_NETNS:-unset}"`;
    const main = await j.main({ ...inputs, run: show }, { MICRO_CONTAINER_BRIDGE_NETNS: netns });
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    const out = main.stdout.split('\n');
    expect(out).toContain('eth0 lo ');
    const addr = out.find((l) => l.startsWith('10.213.0.'));
    expect(addr).toMatch(/^10\.213\.0\.([2-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])\/24$/);
    expect(out).toContain('netbox');
    // The allocation is in the shared library, under the container's name.
    const table = JSON.parse(readFileSync(path.join(LIB(), 'network.json'), 'utf8')) as { allocations: { name: string; ip: string }[] };
    expect(table.allocations.map((a) => `${a.ip}/24 ${a.name}`)).toEqual([`${addr} netbox`]);
    expect(await linkNames()).toEqual(hostLinksBefore);

    // A later step: the same address (the wrapper's launcher has the namespace written in).
    // It waits (bounded: 20 s) for the test to look at the links while it runs: the bridge
    // and the host's end of the veth are in the test's namespace, none in the machine's.
    const ready = path.join(j.runnerTemp, 'net-ready');
    const go = path.join(j.runnerTemp, 'net-go');
    const stepDone = j.shellStep('mc-shell {0}', `ip -4 -o addr show dev eth0 | awk '{print $4}'; awk '$2 == "netbox"' /etc/hosts; touch ${ready}; i=0; while [ ! -e ${go} ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done`);
    expect(await pollUntil(() => existsSync(ready), 200, 100)).toBe(true);
    const during = await linkNames(bridgeNs.pid);
    const hostDuring = await linkNames();
    writeFileSync(go, '');
    const step = await stepDone;
    expect(during).toContain(JAIL_BRIDGE);
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(hostDuring).toEqual(hostLinksBefore);
    expect(step.code).toBe(0);
    expect(step.stdout).toBe(`${addr}\n${addr!.split('/')[0]}\tnetbox\n`);

    const post = await j.post(inputs);
    expect(post.code).toBe(0);
    expect(post.summary).toContain(`network private ${addr}`);
    expect(post.summary).toContain(`released ${addr!.split('/')[0]} of netbox`);
    expect((JSON.parse(readFileSync(path.join(LIB(), 'network.json'), 'utf8')) as { allocations: unknown[] }).allocations).toEqual([]);
    expect(await linkNames()).toEqual(hostLinksBefore);
  });

  it('bad combinations are refused by name before anything is made', async () => {
    const j = job();
    const main = await j.main({ 'library-dir': LIB(), nat: 'true' });
    expect(main.code).not.toBe(0);
    expect(main.errors.join('\n')).toContain("input 'nat': applies to network: private only");
    expect((await j.post({ 'library-dir': LIB() })).code).toBe(0);
  });
});
