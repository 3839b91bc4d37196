import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hostCgroupLayout } from '../../src/core/cgroup/container-cgroup.js';
import { containerCgroupDirs } from '../../src/core/cgroup/plan.js';
import { cgroupName, JAIL_BRIDGE } from '../../src/core/jail/spec.js';
import { hostVethName } from '../../src/core/net/iface-names.js';
import { CLI, run, scratch, type Result } from '../support/host.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { holdNetns, killAllHolders, linkNames, pollUntil, type NetnsHolder } from '../support/net-namespaces.js';

// `--network private` end to end through the CLI. The bridge lives in a network namespace
// this file makes (MICRO_CONTAINER_BRIDGE_NETNS), the containers in their own: nothing is
// created in, or sent to, the machine's namespace (checked at the end). No NAT.
expectHostMountsUnchanged();
const S = scratch('mc-netrun-');
const LIB = path.join(S.dir, 'lib');
const BASE = path.join(S.dir, 'base');
let bridgeNs: NetnsHolder;
let hostLinksBefore: string[];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  hostLinksBefore = await linkNames();
  bridgeNs = await holdNetns();
  env = { ...process.env, MICRO_CONTAINER_BRIDGE_NETNS: `/proc/${bridgeNs.pid}/ns/net` };
});

afterAll(async () => {
  await killAllHolders();
  S.cleanup();
  expect(await linkNames()).toEqual(hostLinksBefore);
});

const opts = (name: string, ...more: string[]) => ['-d', LIB, '-b', BASE, '-n', name, '-u', '0:0', '--network', 'private', ...more];
const cli = (args: string[], timeoutMs = 30_000): Promise<Result> => run(process.execPath, [CLI, ...args], { env, timeoutMs });

function background(args: string[]): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [CLI, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Result>((r) => child.on('close', (code) => r({ code: code ?? 137, stdout, stderr })));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await done;
  });
  return { child, done };
}

async function bridgeLinks(): Promise<string[]> {
  return linkNames(bridgeNs.pid);
}

interface Alloc { name: string; ip: string; mac: string }
function allocations(): Alloc[] {
  return (JSON.parse(readFileSync(path.join(LIB, 'network.json'), 'utf8')) as { allocations: Alloc[] }).allocations;
}

async function waitListed(name: string): Promise<{ name: string; pid: number; address?: string }> {
  let row: { name: string; pid: number; address?: string } | undefined;
  const ok = await pollUntil(async () => {
    const r = await cli(['ps', '-d', LIB, '--json']);
    row = (JSON.parse(r.stdout || '[]') as { name: string; pid: number; address?: string }[]).find((c) => c.name === name);
    return row !== undefined;
  }, 100, 100);
  expect(ok).toBe(true);
  return row!;
}

// A TCP server inside the container that answers one connection and ends (or after 20 s).
const SERVER = `node -e 'const s=require("net").createServer(c=>{c.end("pong from "+require("os").hostname()+"\\n");s.close()});s.listen(7007,()=>console.log("listening"));setTimeout(()=>process.exit(3),20000).unref()'`;
// Its client: retries (at most 50 times, 100 ms apart) until the server listens.
const CLIENT = `node -e 'let n=0;const go=()=>{const c=require("net").connect(7007,"alpha");c.on("data",d=>process.stdout.write(d));c.on("error",e=>{if(++n<50)setTimeout(go,100);else{console.error(e.message);process.exit(1)}})};go()'`;

describe('--network private', () => {
  it('two containers on the bridge reach each other by name (ping and TCP), each listed in the other\'s /etc/hosts', async () => {
    // beta first once, so that it has an address when alpha starts (hosts lists the allocated containers).
    const first = await cli(['run', ...opts('beta', '--', 'true')]);
    expect(first.code, first.stderr).toBe(0);
    const alpha = background(opts('alpha', '--', 'sh', '-c', `cat /etc/hosts; ip -o -4 addr show dev eth0; ${SERVER}`));
    const row = await waitListed('alpha');
    const [a, b] = [allocations().find((x) => x.name === 'alpha')!, allocations().find((x) => x.name === 'beta')!];
    expect(row.address).toBe(a.ip);
    expect(await bridgeLinks()).toContain(hostVethName(JAIL_BRIDGE, 'alpha'));

    const r = await cli(['run', ...opts('beta', '--', 'sh', '-c', `cat /etc/hosts; ip -o link show dev eth0; ip route show default; ping -c 1 -W 5 alpha >/dev/null && echo ping-ok; ${CLIENT}`)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${b.ip}\tbeta`);
    expect(r.stdout).toContain(`${a.ip}\talpha`);
    expect(r.stdout).toContain(`link/ether ${b.mac}`);
    expect(r.stdout).toContain('default via 10.213.0.1 dev eth0');
    expect(r.stdout).toContain('ping-ok');
    expect(r.stdout).toContain('pong from alpha');

    const done = await alpha.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`${a.ip}\talpha`);
    expect(done.stdout).toContain(`${b.ip}\tbeta`);
    expect(done.stdout).toContain(`inet ${a.ip}/24`);
    // Both gone: no veth left, and the bridge went with its last port.
    expect(await bridgeLinks()).toEqual(['lo']);
  });

  it('keeps a name\'s address and MAC across runs; rm frees them', async () => {
    const before = allocations().find((x) => x.name === 'alpha')!;
    const r = await cli(['run', ...opts('alpha', '--', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`inet ${before.ip}/24`);
    expect(allocations().find((x) => x.name === 'alpha')).toEqual(before);
    const rm = await cli(['rm', '-d', LIB, 'alpha']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(allocations().map((x) => x.name)).toEqual(['beta']);
    // The freed address is the first free one again.
    const g = await cli(['run', ...opts('gamma', '--', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0')]);
    expect(g.stdout).toContain(`inet ${before.ip}/24`);
  });

  it('exec joins the network namespace too', async () => {
    background(opts('delta', '--', 'sleep', '64.5'));
    const row = await waitListed('delta');
    const e = await cli(['exec', '-d', LIB, 'delta', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain(`inet ${row.address}/24`);
    const s = await cli(['stop', '-d', LIB, 'delta']);
    expect(s.code, s.stderr).toBe(0);
    expect(await bridgeLinks()).toEqual(['lo']);
  });

  it('SIGKILL of the CLI: no veth left in the bridge namespace, no cgroup left', async () => {
    const bg = background(opts('epsilon', '--', 'sleep', '65.5'));
    await waitListed('epsilon');
    const veth = hostVethName(JAIL_BRIDGE, 'epsilon');
    expect(await bridgeLinks()).toContain(veth);
    bg.child.kill('SIGKILL');
    const d = containerCgroupDirs(hostCgroupLayout(), cgroupName(LIB, 'epsilon'));
    const dirs = [...(d.v2 ? [d.v2.leaf] : []), ...Object.values(d.v1)];
    expect(await pollUntil(async () => !(await bridgeLinks()).includes(veth) && dirs.every((x) => !existsSync(x)), 100, 100)).toBe(true);
    expect(await pollUntil(async () => (await bridgeLinks()).length === 1, 50, 100)).toBe(true);
  });

  it('containers started at once get distinct addresses and MACs, and share one bridge', async () => {
    const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const rs = await Promise.all(names.map((n) => cli(['run', ...opts(n, '--', 'sh', '-c', 'ip -o link show dev eth0; ip -o -4 addr show dev eth0')], 60_000)));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    const seen = rs.map((r) => [/link\/ether (\S+)/.exec(r.stdout)?.[1], /inet (\S+)\/24/.exec(r.stdout)?.[1]]);
    const table = allocations().filter((a) => names.includes(a.name));
    expect(seen).toEqual(names.map((n) => [table.find((a) => a.name === n)!.mac, table.find((a) => a.name === n)!.ip]));
    expect(new Set(seen.map((x) => x[0])).size).toBe(names.length);
    expect(new Set(seen.map((x) => x[1])).size).toBe(names.length);
    expect(await bridgeLinks()).toEqual(['lo']);
  });

  it('refuses --nat without private and private without a name (125)', async () => {
    const a = await cli(['run', '-d', LIB, '-b', BASE, '-n', 'x', '--nat', '--', 'true']);
    expect(a.code).toBe(125);
    expect(a.stderr).toContain('--nat only applies to --network private');
    const b = await cli(['run', '-d', LIB, '-b', BASE, '--network', 'private', '--', 'true']);
    expect(b.code).toBe(125);
    expect(b.stderr).toContain('needs a container name');
  });
});
