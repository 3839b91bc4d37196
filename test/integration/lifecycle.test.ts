import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { hostCgroupLayout } from '../../src/core/cgroup/container-cgroup.js';
import { containerCgroupDirs } from '../../src/core/cgroup/plan.js';
import { PidNamespace } from '../../src/core/jail/pid-namespace.js';
import { cgroupName } from '../../src/core/jail/spec.js';
import { CLI, container, run, sh } from '../support/host.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { scratch } from '../support/host.js';
import { pollUntil } from '../support/net-namespaces.js';

// Limits, --timeout and the lifecycle commands, for real (root, cgroups, namespaces), on
// the host's / as the lower layer. After each test the host's mount table is as before.
expectHostMountsUnchanged();
const S = scratch('mc-life-');
const LIB = path.join(S.dir, 'lib');
const BASE = path.join(S.dir, 'base');
const opts = (name: string, ...more: string[]) => ['-d', LIB, '-b', BASE, '-n', name, '-u', '0:0', ...more];
const LAYOUT = hostCgroupLayout();

/** The container's cgroup directories on this host (they must be gone after it ends). */
function cgroupDirs(name: string): string[] {
  const d = containerCgroupDirs(LAYOUT, cgroupName(LIB, name));
  return [...(d.v2 ? [d.v2.leaf] : []), ...Object.values(d.v1)];
}
const cgroupLeft = (name: string) => cgroupDirs(name).filter((d) => existsSync(d));

/** Host processes whose command line is exactly ARGS. */
function processes(args: string): string[] {
  return sh('ps -eo args= || true').split('\n').filter((l) => l.trim() === args);
}

function cli(args: string[], timeoutMs?: number) {
  return run(process.execPath, [CLI, ...args], { timeoutMs });
}

/** A container run in the background (killed at the end of the test whatever happens). */
function background(args: string[]): { child: ChildProcess; done: Promise<{ code: number; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((r) => child.on('close', (code, sig) => r({ code: code ?? (sig ? 128 : 0), stdout, stderr })));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await done;
  });
  return { child, done };
}

interface PsRow { name: string; pid: number; address?: string; root: string; user: string; processes: number }
async function ps(): Promise<PsRow[]> {
  const r = await cli(['ps', '-d', LIB, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PsRow[];
}
async function waitListed(name: string): Promise<PsRow> {
  expect(await pollUntil(async () => (await ps()).some((c) => c.name === name), 100, 100)).toBe(true);
  return (await ps()).find((c) => c.name === name)!;
}

describe('resource limits', () => {
  it('a memory hog is killed by --memory 64m: status 137 and a message that says so; no cgroup left', async () => {
    const r = await container(opts('hog', '--memory', '64m', '--', 'sh', '-c', 'x=$(head -c 400000000 /dev/zero | tr "\\0" a); echo survived'), { timeoutMs: 60_000 });
    expect(r.code).toBe(137);
    expect(r.stdout).not.toContain('survived');
    expect(r.stderr).toContain('container hog ran out of memory');
    expect(r.stderr).toContain('64 MiB');
    expect(cgroupLeft('hog')).toEqual([]);
  });

  it('the same command fits without a limit', async () => {
    const r = await container(opts('nohog', '--', 'sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived'), { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('survived\n');
  });

  // Bounded: 60 forks at most, each child ends after 2 s.
  const bomb = 'i=0; while [ $i -lt 60 ]; do i=$((i+1)); sleep 2 & echo $i; done 2>/dev/null; echo all-forked; wait';
  it('a fork bomb is stopped by --pids 20', async () => {
    const r = await container(opts('bomb', '--pids', '20', '--', 'sh', '-c', bomb), { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('all-forked');
    const forked = Number(r.stdout.trim().split('\n').pop());
    expect(forked).toBeGreaterThan(5);
    expect(forked).toBeLessThan(20);
    expect(cgroupLeft('bomb')).toEqual([]);
  });

  it('with --pids 100 the same loop completes', async () => {
    const r = await container(opts('nobomb', '--pids', '100', '--', 'sh', '-c', bomb), { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('all-forked');
  });

  it('--cpus writes the CFS quota; the command runs inside the cgroup', async () => {
    const name = cgroupName(LIB, 'cpu');
    const r = await container(opts('cpu', '--cpus', '0.5', '--', 'cat', '/proc/self/cgroup'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`/micro-container/${name}`);
    expect(cgroupLeft('cpu')).toEqual([]);
  });

  it('bad limits are refused before anything starts (125, what to write instead)', async () => {
    for (const [opt, value, text] of [['--memory', 'lots', 'memory limit'], ['--pids', '0', 'process limit'], ['--cpus', 'x', 'CPU limit'], ['--timeout', '-1', 'timeout']]) {
      const r = await container(opts('bad', opt, value, '--', 'true'));
      expect(r.code).toBe(125);
      expect(r.stderr).toContain(text);
    }
  });
});

describe('--timeout', () => {
  it('stops the command after S seconds: status 124, a message, nothing left', async () => {
    const tag = 'sleep 31.5';
    const r = await container(opts('slow', '--timeout', '1', '--', 'sh', '-c', `${tag}; echo finished`), { timeoutMs: 30_000 });
    expect(r.code).toBe(124);
    expect(r.stdout).not.toContain('finished');
    expect(r.stderr).toContain('container slow: stopped after 1 s (--timeout); exit status 124');
    expect(processes(tag)).toEqual([]);
    expect(cgroupLeft('slow')).toEqual([]);
  });

  it('a run that joined a live container: its command and what it started there are stopped; the container goes on', async () => {
    const first = 'sleep 62.5';
    background(opts('tjoin', '--', 'sh', '-c', first));
    await waitListed('tjoin');
    // A child in the background (it outlives the command's sh) and one in the foreground.
    const tag = 'sleep 31.6';
    const r = await container(opts('tjoin', '--timeout', '1', '--', 'sh', '-c', `${tag} & ${tag}; echo finished`), { timeoutMs: 30_000 });
    expect(r.code).toBe(124);
    expect(r.stdout).not.toContain('finished');
    expect(r.stderr).toContain('container tjoin: stopped after 1 s (--timeout); exit status 124');
    expect(processes(tag)).toEqual([]);
    expect(processes(first)).toHaveLength(1);
    expect((await cli(['stop', '-d', LIB, 'tjoin'])).code).toBe(0);
  });

  it('a run that joined a live container passes SIGTERM to its command', async () => {
    background(opts('sjoin', '--', 'sleep', '62.6'));
    await waitListed('sjoin');
    const joined = background(opts('sjoin', '--', 'sh', '-c', 'trap "echo got TERM; exit 7" TERM; echo ready; sleep 31.7 >/dev/null 2>&1 & wait'));
    expect(await pollUntil(() => processes('sleep 31.7').length === 1, 100, 100)).toBe(true);
    joined.child.kill('SIGTERM');
    const r = await joined.done;
    expect(r.stdout).toBe('ready\ngot TERM\n');
    expect(r.code).toBe(7);
    // The run ended with its command: the sleep it left behind (in the container, until
    // it stops) holds nothing of the CLI's.
    expect(processes('sleep 31.7')).toHaveLength(1);
    expect((await cli(['stop', '-d', LIB, 'sjoin'])).code).toBe(0);
  });

  it('a command that ends in time keeps its own status', async () => {
    const r = await container(opts('quick', '--timeout', '30', '--', 'sh', '-c', 'exit 3'));
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
  });
});

describe('--network none', () => {
  it('has only lo, up', async () => {
    const r = await container(opts('nonet', '--network', 'none', '--', 'ip', '-o', 'link', 'show'));
    expect(r.code, r.stderr).toBe(0);
    const links = r.stdout.trim().split('\n');
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  });
});

describe('ps, exec, stop, rm', () => {
  // Without limits a container has no cgroup, and its PID namespace holds its processes;
  // with limits its cgroup does. ps, exec and stop work the same either way.
  it.each([
    ['without limits (its PID namespace)', 'live', [] as string[]],
    ['with limits (its cgroup)', 'livecg', ['--pids', '1000']],
  ])('%s: ps lists it with its pid; exec sees its /tmp; stop leaves nothing', async (_, name, limits) => {
    const marker = path.join(S.dir, `shutdown-ran-${name}`);
    const shutdown = path.join(S.dir, `shutdown-${name}.sh`);
    writeFileSync(shutdown, `#!/bin/sh\necho "$1" > ${marker}\n`);
    chmodSync(shutdown, 0o755);
    const tag = `sleep 61.${name.length}`;
    const bg = background(opts(name, ...limits, '-s', shutdown, '--', 'sh', '-c', `echo inside > /tmp/seen; ${tag}`));
    const row = await waitListed(name);
    expect(row).toMatchObject({ name, root: '/', user: '0:0' });
    expect(readFileSync(`/proc/${row.pid}/stat`, 'utf8')).toContain('(sh)');
    expect(row.processes).toBeGreaterThan(1);
    expect(cgroupLeft(name).length > 0).toBe(limits.length > 0);

    const text = await cli(['ps', '-d', LIB]);
    expect(text.stdout.split('\n')[0]).toMatch(/^NAME +ROOT +PID +USER +ADDRESS +UPTIME +PROCS$/);
    expect(text.stdout).toMatch(new RegExp(`^${name} +/ +${row.pid} +0:0 +host `, 'm'));

    const e = await cli(['exec', '-d', LIB, name, 'sh', '-c', 'cat /tmp/seen; cat /proc/self/cgroup; echo $$']);
    expect(e.code, e.stderr).toBe(0);
    const [seen, ...rest] = e.stdout.trim().split('\n');
    expect(seen).toBe('inside');
    expect(rest.join('\n').includes(`/micro-container/${cgroupName(LIB, name)}`)).toBe(limits.length > 0);
    expect(Number(rest.pop())).toBeLessThan(100); // its PID namespace
    const ex = await cli(['exec', '-d', LIB, '-u', 'nobody', '-w', '/tmp', name, 'sh', '-c', 'id -un; pwd']);
    expect(ex.stdout).toBe('nobody\n/tmp\n');
    expect(processes(tag)).toHaveLength(1);
    // A session that joined counts among its processes while it runs.
    const joined = spawn(process.execPath, [CLI, 'exec', '-d', LIB, name, 'sleep', '60.5'], { stdio: 'ignore' });
    onTestFinished(() => {
      joined.kill('SIGKILL');
    });
    expect(await pollUntil(() => processes('sleep 60.5').length === 1, 100, 100)).toBe(true);
    expect((await waitListed(name)).processes).toBeGreaterThan(row.processes);

    const stop = await cli(['stop', '-d', LIB, '--timeout', '5', name]);
    expect(stop.code, stop.stderr).toBe(0);
    // When stop returns, everything is gone: processes (the joined session too), cgroup,
    // and (checked after the test) mounts.
    expect(processes(tag)).toEqual([]);
    expect(processes('sleep 60.5')).toEqual([]);
    expect(cgroupLeft(name)).toEqual([]);
    expect(existsSync(`/proc/${row.pid}`)).toBe(false);
    expect(readFileSync(marker, 'utf8')).toBe('shutdown\n');
    expect((await bg.done).code).not.toBe(0);
    expect(await ps()).toEqual([]);
    // Stopping what is stopped is fine.
    expect((await cli(['stop', '-d', LIB, name])).code).toBe(0);
  });

  it('a PID namespace is only ever a jail\'s: never the host\'s own (a stale pid must not make stop signal the host)', async () => {
    expect(PidNamespace.of(process.pid)).toBeUndefined();
    expect(PidNamespace.of(1)).toBeUndefined();
    expect(PidNamespace.of(2 ** 22 + 7)).toBeUndefined(); // no such process
    const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', 'sleep', '59.5'], { stdio: 'ignore' });
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    expect(await pollUntil(() => processes('sleep 59.5').length === 1, 100, 100)).toBe(true);
    const init = Number(sh(`pgrep -P ${child.pid}`).trim());
    const ns = PidNamespace.of(init)!;
    expect(ns.pids()).toEqual([init]);
    expect(await ns.killAll({ termTimeoutMs: 0 })).toEqual({ terminated: 0, killed: true, left: [] });
    expect(processes('sleep 59.5')).toEqual([]);
  });

  it('stop of a container without a cgroup whose command ignores SIGTERM: SIGKILL after the timeout ends it all', async () => {
    const tag = 'sleep 64.5';
    const bg = background(opts('stubborn', '--', 'sh', '-c', `trap "" TERM; ${tag}; echo not-reached`));
    await waitListed('stubborn');
    expect(cgroupLeft('stubborn')).toEqual([]);
    const stop = await cli(['stop', '-d', LIB, '--timeout', '1', 'stubborn']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(processes(tag)).toEqual([]);
    const r = await bg.done;
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('not-reached');
    expect(await ps()).toEqual([]);
  });

  it('exec into a container that is not running: 125 and what to do; it does not start one', async () => {
    const r = await cli(['exec', '-d', LIB, 'live', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("container 'live' is not running");
    const n = await cli(['exec', '-d', LIB, 'never-ran', 'true']);
    expect(n.code).toBe(125);
    expect(await ps()).toEqual([]);
  });

  it('rm stops a live container and removes its upper layer and state', async () => {
    const bg = background(opts('gone', '--', 'sh', '-c', 'echo kept > /etc/mc-upper-file; sleep 62.5'));
    await waitListed('gone');
    expect(existsSync(path.join(BASE, 'app-gone/upper/etc/mc-upper-file'))).toBe(true);
    const r = await cli(['rm', '-d', LIB, 'gone']);
    expect(r.code, r.stderr).toBe(0);
    expect(processes('sleep 62.5')).toEqual([]);
    expect(existsSync(path.join(BASE, 'app-gone'))).toBe(false);
    expect(existsSync(path.join(LIB, 'app-gone'))).toBe(false);
    expect(cgroupLeft('gone')).toEqual([]);
    await bg.done;
    const again = await cli(['rm', '-d', LIB, 'gone']);
    expect(again.code).toBe(125);
    expect(again.stderr).toContain("there is no container 'gone'");
  });

  it('SIGKILL of the CLI: the jail ends and its cgroup is removed', async () => {
    const tag = 'sleep 63.5';
    const bg = background(opts('killed', '--memory', '100m', '--', 'sh', '-c', tag));
    await waitListed('killed');
    expect(cgroupLeft('killed').length).toBeGreaterThan(0);
    bg.child.kill('SIGKILL');
    expect(await pollUntil(() => processes(tag).length === 0 && cgroupLeft('killed').length === 0, 100, 100)).toBe(true);
    expect(await ps()).toEqual([]);
  });
});

describe('cleanup of the scratch dir', () => {
  it('removes it', () => {
    S.cleanup();
    expect(existsSync(S.dir)).toBe(false);
  });
});
