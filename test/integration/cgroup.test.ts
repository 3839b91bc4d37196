import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerCgroup, hostCgroupLayout, ownCgroups } from '../../src/core/cgroup/container-cgroup.js';
import { containerExit } from '../../src/core/cgroup/exit-status.js';
import type { CgroupLayout } from '../../src/core/cgroup/layout.js';
import { parseCpus, parseMemory } from '../../src/core/cgroup/limits.js';
import { containerCgroupDirs, type CgroupPlacement } from '../../src/core/cgroup/plan.js';
import { renderCgroupSetup } from '../../src/core/cgroup/render.js';
import { JailError } from '../../src/core/errors.js';
import { execCapture } from '../../src/core/exec.js';

// Real cgroups on this host: hybrid, v1 memory/pids/cpu/freezer hierarchies and a v2 tree
// without controllers at /sys/fs/cgroup/unified. The containers live under a parent named
// for this run, inside this process's own cgroups (the machinery that runs us keeps us in
// a memory cgroup of its own: we stay inside it), and every test removes what it made.
const HOST = hostCgroupLayout();
const PLACEMENT: CgroupPlacement = { parent: `mc-cgtest-${process.pid}`, within: ownCgroups() };
/** The same host seen as pure v1 (no v2 tree): the freezer path of killAll. */
const V1_VIEW: CgroupLayout = { mode: 'v1', v1: HOST.v1 };
/** The same host seen as pure v2: its unified tree, which can track and kill but has no memory/pids/cpu. */
const V2_VIEW: CgroupLayout = { mode: 'v2', v2: HOST.v2, v1: {} };

const runnable = process.getuid?.() === 0 && HOST.mode === 'hybrid' && HOST.v2 !== undefined;
if (!runnable) console.warn(`cgroup integration tests skipped: they need root on a hybrid cgroup host (here: uid ${process.getuid?.()}, ${HOST.mode})`);

const made: ContainerCgroup[] = [];
const children: ChildProcess[] = [];

/** A container cgroup that is killed and removed after the test, whatever happens. */
function cgroup(name: string, layout: CgroupLayout = HOST): ContainerCgroup {
  const cg = new ContainerCgroup(name, layout, PLACEMENT);
  made.push(cg);
  return cg;
}

async function cleanUp(): Promise<void> {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const cg of made.splice(0)) {
    await cg.killAll({ termTimeoutMs: 0, killTimeoutMs: 5000 });
    await cg.remove();
  }
}

afterAll(async () => {
  await cleanUp();
  // The per-run parents, in every hierarchy.
  for (const layout of [HOST, V2_VIEW]) {
    const d = containerCgroupDirs(layout, 'x', PLACEMENT);
    for (const dir of [d.v2?.parent, ...Object.values(d.v1).map((p) => path.dirname(p))]) {
      if (dir && existsSync(dir)) rmdirSync(dir);
    }
  }
});

/** Whether process PID exists (kill -0). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Workload {
  /** The workload's first process (host pid), PID 1 of a PID namespace of its own. */
  pid: number;
  /** Lets the script run (after the test put it into a cgroup). */
  go: () => void;
  /** How `unshare` (the test's child) ended: its status is the workload's, or 1 when a signal killed it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `bash -c SCRIPT` as PID 1 of a new PID namespace (as a container's command is),
 * so that the orphans of a killed fork bomb are reaped by it rather than left as zombies
 * to whatever the host's PID 1 is. It waits for a line on stdin before it runs, so the
 * test can put it into a cgroup first; it keeps that stdin as fd 3 (a pipe that stays open
 * and silent: `read -t` on it is a sleep that forks nothing).
 */
async function startWaiting(script: string): Promise<Workload> {
  const child = spawn('unshare', ['--pid', '--fork', '--kill-child', 'bash', '-c', `exec 3<&0; read -r _ <&3; ${script}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let pid = 0;
  const found = await until(() => {
    const kids = readText(`/proc/${child.pid}/task/${child.pid}/children`).trim();
    pid = Number(kids.split(' ')[0]);
    return kids !== '';
  }, 5000);
  if (!found) throw new Error('unshare did not start its child');
  return { pid, go: () => child.stdin!.write('go\n'), exited };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Polls COND every 20 ms for at most MS. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(20);
  }
  return cond();
}

// A fork bomb that stops by itself, and stays small even if the limit failed: every
// process forks 3 copies of itself (5 generations: at most 121 processes in all), then
// lives until 4 s after the bomb started ($SECONDS is inherited), sleeping with bash's
// `read -t` (no fork). bash retries a refused fork for up to 15 s, so it is all gone
// within ~20 s even if nobody kills it.
const BOMB = 'b() { d=$1 i=0; while [ "$SECONDS" -lt 4 ]; do if [ $i -lt 3 ] && [ $d -lt 4 ]; then b $((d + 1)) & i=$((i + 1)); fi; read -t 0.1 -u 3 _; done; }; SECONDS=0; b 0';

describe.skipIf(!runnable)('cgroups on this host (hybrid: v1 controllers + v2 tracking)', () => {
  it('a memory hog under --memory 64m is OOM-killed: exit 137, oomKilled() true, the message says so', async () => {
    try {
      const limits = { memoryBytes: parseMemory('64m') };
      const cg = cgroup('hog');
      const setup = renderCgroupSetup(HOST, 'hog', limits, PLACEMENT);
      // The launcher's way: the rendered sh moves its shell into the cgroup, then execs.
      const r = await execCapture('/bin/sh', ['-c', `${setup}exec sh -c 'x=$(head -c 300m /dev/zero | tr "\\0" a); echo survived \${#x}'`]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('');
      expect(r.signal).toBe('SIGKILL');
      expect(r.code).toBe(137);
      expect(readFileSync(path.join(cg.dirs.v1.memory!, 'memory.limit_in_bytes'), 'utf8').trim()).toBe(String(64 * 1024 ** 2));
      expect(readFileSync(path.join(cg.dirs.v1.memory!, 'memory.memsw.limit_in_bytes'), 'utf8').trim()).toBe(String(64 * 1024 ** 2));
      expect(cg.oomKilled()).toBe(true);
      expect(containerExit('hog', r.code, cg.oomKilled(), limits)).toEqual({
        status: 137,
        message: "container hog ran out of memory: the kernel's OOM killer killed a process (its memory limit is 64 MiB: raise it with --memory); exit status 137",
      });
    } finally {
      await cleanUp();
    }
  });

  it('a command that fits in its limit is not reported as OOM-killed', async () => {
    try {
      const cg = cgroup('fits');
      const setup = renderCgroupSetup(HOST, 'fits', { memoryBytes: parseMemory('64m') }, PLACEMENT);
      const r = await execCapture('/bin/sh', ['-c', `${setup}x=$(head -c 1m /dev/zero | tr "\\0" a); echo \${#x}; cat /proc/self/cgroup`]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(String(1024 * 1024));
      // The shell really was in the container's cgroups (v1 memory and pids, and v2).
      expect(r.stdout).toContain(`:memory:${path.join(PLACEMENT.within!.v1.memory!, PLACEMENT.parent!, 'fits')}\n`);
      expect(r.stdout).toContain(`:pids:/${PLACEMENT.parent}/fits\n`);
      expect(r.stdout).toContain(`0::/${PLACEMENT.parent}/fits\n`);
      expect(cg.oomKilled()).toBe(false);
    } finally {
      await cleanUp();
    }
  });

  it('--cpus 0.1: the quota is written and the kernel throttles a busy loop', async () => {
    try {
      const cg = cgroup('cpu');
      cg.create({ cpu: parseCpus('0.1') });
      const dir = cg.dirs.v1.cpu!;
      expect(readFileSync(path.join(dir, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('10000');
      expect(readFileSync(path.join(dir, 'cpu.cfs_period_us'), 'utf8').trim()).toBe('100000');
      const busy = await startWaiting('SECONDS=0; while [ "$SECONDS" -lt 2 ]; do :; done'); // stops by itself after 1-2 s
      cg.addProcess(busy.pid);
      busy.go();
      expect((await busy.exited).code).toBe(0);
      // Counters, not clocks: periods in which the loop used up its 10 ms and was stopped.
      const throttled = Number(/^nr_throttled (\d+)$/m.exec(readFileSync(path.join(dir, 'cpu.stat'), 'utf8'))?.[1]);
      expect(throttled).toBeGreaterThan(0);
    } finally {
      await cleanUp();
    }
  });

  it.each([
    ['hybrid (cgroup.kill in the v2 tree)', 'bomb-h', () => HOST],
    ['v1 only (the freezer)', 'bomb-v1', () => V1_VIEW],
  ])('a fork bomb under pids 20 never exceeds 20, and killAll ends it: %s', async (_, name, layout) => {
    try {
      const cg = cgroup(name, layout());
      cg.create({ pids: 20 });
      const bomb = await startWaiting(BOMB);
      cg.addProcess(bomb.pid);
      bomb.go();
      const seen = new Set<number>();
      let most = 0;
      // Bounded: at most 40 samples, 2 s.
      for (let i = 0; i < 40; i++) {
        const pids = cg.pids();
        pids.forEach((p) => seen.add(p));
        most = Math.max(most, pids.length, Number(readFileSync(path.join(cg.dirs.v1.pids!, 'pids.current'), 'utf8')));
        await sleep(50);
      }
      const refused = Number(/^max (\d+)$/m.exec(readFileSync(path.join(cg.dirs.v1.pids!, 'pids.events'), 'utf8'))?.[1] ?? 0);
      expect(most).toBeLessThanOrEqual(20);
      expect(most).toBeGreaterThanOrEqual(15); // the bomb did push against the limit...
      expect(refused).toBeGreaterThan(0); // ...and the kernel refused forks because of it
      const t0 = process.hrtime.bigint();
      const report = await cg.killAll({ termTimeoutMs: 0, killTimeoutMs: 5000 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(`killAll of a fork bomb (${layout().mode}): ${ms.toFixed(1)} ms, ${seen.size} processes seen in all`);
      expect(report).toEqual({ terminated: 0, killed: true, left: [] });
      expect(cg.pids()).toEqual([]);
      expect(await until(() => ![...seen].some(alive), 5000)).toBe(true); // reaped, kill -0 fails
      expect((await bomb.exited).code).not.toBe(0); // unshare says 1 for a child killed by a signal
      await cg.remove();
      expect(cg.exists()).toBe(false);
    } finally {
      await cleanUp();
    }
  });

  it('killAll: SIGTERM first; processes that trap it end by themselves, others get SIGKILL after the wait', async () => {
    try {
      const polite = cgroup('polite');
      polite.create();
      const p = await startWaiting('trap "exit 3" TERM; while :; do read -t 1 -u 3 _; done');
      polite.addProcess(p.pid);
      p.go();
      const stubborn = cgroup('stubborn');
      stubborn.create({ pids: 10 });
      // Ignores SIGTERM, with a child that does too, in a cgroup of its own below ours.
      const s = await startWaiting(`trap "" TERM; mkdir ${stubborn.dirs.v1.pids}/inner && echo $$ > ${stubborn.dirs.v1.pids}/inner/cgroup.procs; bash -c 'trap "" TERM; while :; do read -t 1 -u 3 _; done' & while :; do read -t 1 -u 3 _; done`);
      stubborn.addProcess(s.pid);
      s.go();
      const innerProcs = path.join(stubborn.dirs.v1.pids!, 'inner/cgroup.procs');
      expect(await until(() => readText(innerProcs).trim().split('\n').length === 2, 5000)).toBe(true);
      const inner = readText(innerProcs).trim().split('\n').map(Number);
      expect(stubborn.pids()).toEqual(inner.sort((x, y) => x - y)); // pids() finds them below the container's own cgroup

      expect(await polite.killAll({ termTimeoutMs: 5000 })).toEqual({ terminated: 1, killed: false, left: [] });
      expect(await p.exited).toEqual({ code: 3, signal: null });

      const pids = stubborn.pids();
      const t0 = Date.now();
      const report = await stubborn.killAll({ termTimeoutMs: 300, killTimeoutMs: 5000 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300); // it did wait for SIGTERM to work
      expect(report).toEqual({ terminated: 2, killed: true, left: [] });
      expect(await until(() => !pids.some(alive), 5000)).toBe(true);
      expect((await s.exited).code).not.toBe(0);
      await stubborn.remove(); // the inner cgroup too
      expect(existsSync(path.join(stubborn.dirs.v1.pids!, 'inner'))).toBe(false);
      expect(stubborn.exists()).toBe(false);
    } finally {
      await cleanUp();
    }
  });

  it('remove() waits while processes exit, and refuses when they stay', async () => {
    try {
      const cg = cgroup('busy');
      cg.create();
      const b = await startWaiting('while :; do read -t 1 -u 3 _; done');
      cg.addProcess(b.pid);
      b.go();
      await expect(cg.remove({ timeoutMs: 100 })).rejects.toThrow(/cannot remove the cgroup .*busy: EBUSY.*stop the container first/);
      expect(cg.exists()).toBe(true);
      process.kill(b.pid, 'SIGKILL');
      await cg.remove({ timeoutMs: 5000 }); // retries while the process exits
      expect(cg.exists()).toBe(false);
    } finally {
      await cleanUp();
    }
  });

  it('list() names the live containers with their processes (for ps)', async () => {
    try {
      const a = cgroup('list-a');
      const b = cgroup('list-b');
      a.create();
      b.create();
      const x = await startWaiting('while :; do read -t 1 -u 3 _; done');
      a.addProcess(x.pid);
      x.go();
      expect(ContainerCgroup.list(HOST, PLACEMENT)).toEqual([
        { name: 'list-a', pids: [x.pid] },
        { name: 'list-b', pids: [] },
      ]);
      await a.killAll({ termTimeoutMs: 0 });
      await a.remove();
      expect(ContainerCgroup.list(HOST, PLACEMENT)).toEqual([{ name: 'list-b', pids: [] }]);
    } finally {
      await cleanUp();
    }
  });

  it('create() with a bad placement leaves nothing behind and says what failed', () => {
    // A parent under a regular file cannot be made: the error names the path.
    const cg = new ContainerCgroup('x', { mode: 'v1', v1: { pids: '/proc/self/status' } });
    expect(() => cg.create({ pids: 5 })).toThrow(JailError);
    expect(() => cg.create({ pids: 5 })).toThrow(/cannot create the cgroup \/proc\/self\/status\/micro-container\/x: ENOTDIR/);
  });
});

describe.skipIf(!runnable)('the cgroup v2 path, on this host\'s unified tree (no controllers: tracking and cgroup.kill)', () => {
  it('tracks processes, including children, and cgroup.kill ends them all at once', async () => {
    try {
      const cg = cgroup('v2-track', V2_VIEW);
      cg.create();
      expect(existsSync(path.join(cg.dirs.v2!.leaf, 'cgroup.kill'))).toBe(true);
      const t = await startWaiting('trap "" TERM; for i in 1 2 3; do bash -c "trap \\"\\" TERM; while :; do read -t 1 -u 3 _; done" & done; while :; do read -t 1 -u 3 _; done');
      cg.addProcess(t.pid);
      t.go();
      expect(await until(() => cg.pids().length === 4, 5000)).toBe(true);
      const pids = cg.pids();
      expect(pids).toContain(t.pid);
      expect(ContainerCgroup.list(V2_VIEW, PLACEMENT)).toEqual([{ name: 'v2-track', pids }]);
      const t0 = process.hrtime.bigint();
      const report = await cg.killAll({ termTimeoutMs: 0 });
      console.log(`killAll by cgroup.kill of 4 processes: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`);
      expect(report).toEqual({ terminated: 0, killed: true, left: [] });
      expect(await until(() => !pids.some(alive), 5000)).toBe(true);
      await cg.remove();
      expect(cg.exists()).toBe(false);
    } finally {
      await cleanUp();
    }
  });

  it('the rendered sh joins the v2 leaf; a limit needs a controller the tree does not have: exit 125 and why', async () => {
    try {
      const cg = cgroup('v2-sh', V2_VIEW);
      const ok = await execCapture('/bin/sh', ['-c', `${renderCgroupSetup(V2_VIEW, 'v2-sh', {}, PLACEMENT)}cat /proc/self/cgroup`]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`0::/${PLACEMENT.parent}/v2-sh\n`);
      expect(cg.pids()).toEqual([]);

      const limited = cgroup('v2-pids', V2_VIEW);
      const bad = await execCapture('/bin/sh', ['-c', `${renderCgroupSetup(V2_VIEW, 'v2-pids', { pids: 5 }, PLACEMENT)}echo ran`]);
      expect(bad.code).toBe(125);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain(`micro-container: cannot write +pids to ${HOST.v2}/cgroup.subtree_control`);
      expect(limited.exists()).toBe(false);
    } finally {
      await cleanUp();
    }
  });

  it('create() with a memory limit fails with a JailError naming subtree_control, and leaves no leaf', () => {
    const cg = cgroup('v2-mem', V2_VIEW);
    expect(() => cg.create({ memoryBytes: parseMemory('64m') })).toThrow(JailError);
    expect(() => cg.create({ memoryBytes: parseMemory('64m') })).toThrow(/cannot write '\+memory' to .*cgroup\.subtree_control: .*bound to a cgroup v1 hierarchy/);
    expect(cg.exists()).toBe(false);
  });
});

