import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CLI, run, scratch, type Result } from '../support/host.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { buildMiniRoot } from '../support/miniroot.js';
import { buildContainerizeSpec, containerizeId, STATE_ROOT } from '../../src/core/trees/containerize-spec.js';

// containerize for real: a trees dir with one group whose .container/ scripts log their
// arguments, cwd and order to GROUP/log (bind mounts GROUP/logdir into the root so that
// the profile and the command log there too), instances built from the host's binaries.
expectHostMountsUnchanged();
const S = scratch('mc-ctz-');
const TREES = path.join(S.dir, 'trees');
const GROUP = path.join(TREES, 'g');
const HOOKS = path.join(GROUP, '.container');
const LOG = path.join(GROUP, 'logdir/log');
let TEMPLATE = '';

const HOOK_TEXT: Record<string, string> = {
  // bind: ROOT GROUP INSTANCE, from the group's dir, before anything is mounted in ROOT.
  bind: `#!/bin/sh
echo "bind $* cwd=$(pwd) proc-mounted=$(test -e "$1/proc/self" && echo yes || echo no)" >> logdir/log
mkdir -p "$1/hooks-log" && mount --bind logdir "$1/hooks-log"
`,
  // unbind: ROOT, after /proc and the rest are gone.
  unbind: `#!/bin/sh
echo "unbind $* proc-mounted=$(test -e "$1/proc/self" && echo yes || echo no)" >> logdir/log
umount "$1/hooks-log"
`,
  // stop: ROOT INSTANCE_PID, while everything is still mounted and the keeper lives.
  stop: `#!/bin/sh
echo "stop $1 pid-alive=$(kill -0 "$2" && echo yes || echo no) proc-mounted=$(test -e "$1/proc/self" && echo yes || echo no)" >> logdir/log
`,
  // profile: inside the root, as its processes see it (/proc mounted, fresh /tmp).
  profile: `echo "profile root-release=$(cat /release) proc=$(test -e /proc/self/stat && echo yes) tmp=$(ls -A /tmp | tr '\\n' ' ')" >> /hooks-log/log
echo from-profile > /tmp/profile-made
`,
};

function makeInstance(name: string): string {
  const dir = path.join(GROUP, name);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('cp', ['-a', TEMPLATE, dir]);
  writeFileSync(path.join(dir, 'release'), `${name}\n`);
  return dir;
}

function writeHooks(which: Record<string, string | undefined> = HOOK_TEXT): void {
  rmSync(HOOKS, { recursive: true, force: true });
  mkdirSync(HOOKS, { recursive: true });
  for (const [name, text] of Object.entries(which)) {
    if (text === undefined) continue;
    writeFileSync(path.join(HOOKS, name), text);
    if (name !== 'profile' && name !== 'cgroup-name' && name !== 'unshare-options') chmodSync(path.join(HOOKS, name), 0o755);
  }
}

function log(): string[] {
  return existsSync(LOG) ? readFileSync(LOG, 'utf8').trim().split('\n').filter(Boolean) : [];
}

function resetLog(): void {
  mkdirSync(path.dirname(LOG), { recursive: true });
  writeFileSync(LOG, '');
  chmodSync(LOG, 0o666);
}

function containerize(args: string[], timeoutMs = 30_000): Promise<Result> {
  return run(process.execPath, [CLI, 'containerize', '--trees', TREES, ...args], { timeoutMs });
}

function startContainerize(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'containerize', '--trees', TREES, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  (child as ChildProcess & { output: () => string }).output = () => out;
  onTestFinished(() => void child.kill('SIGKILL'));
  return child;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.on('close', (code) => r(code)));
}

/** Polls for a file, at most 20 s. */
async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (existsSync(file)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file} did not appear in 20 s`);
}

/** A command that marks NAME as up and waits (at most 20 s) for NAME.go. */
function waiting(name: string): string[] {
  return ['sh', '-c', `touch /${name}.up; i=0; while [ ! -e /${name}.go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; echo ${name}-done`];
}

function spec(instance: string) {
  return buildContainerizeSpec({ trees: TREES, group: 'g', instance }, { cwd: '/', readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined) });
}

/** The cgroup directories a container of INSTANCE may have (the tracking hierarchy varies by host). */
function cgroupDirs(instance: string): string[] {
  const cg = spec(instance).cgroup;
  return ['/sys/fs/cgroup', '/sys/fs/cgroup/unified', '/sys/fs/cgroup/pids'].map((b) => path.join(b, cg)).filter((d) => existsSync(d));
}

/** Is PID a live process (a zombie waiting for its reaper is not)? */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

beforeAll(() => {
  TEMPLATE = buildMiniRoot(path.join(S.dir, 'template'));
  mkdirSync(GROUP, { recursive: true });
});
afterAll(() => {
  S.cleanup();
  // The state dirs of this run's instances (containerize keeps them between runs, for the
  // next one to find): theirs end with the hash of this run's trees dir.
  const suffix = containerizeId(TREES, 'g', 'x').slice('g.x'.length);
  for (const id of existsSync(STATE_ROOT) ? readdirSync(STATE_ROOT) : []) {
    if (id.endsWith(suffix)) rmSync(path.join(STATE_ROOT, id), { recursive: true, force: true });
  }
});

describe('containerize GROUP INSTANCE', () => {
  it('runs every .container script with its arguments, in order, and the command in the tree itself', async () => {
    const tree = makeInstance('one');
    writeHooks();
    resetLog();
    const r = await containerize(['g', 'one', 'sh', '-c', 'echo "cmd pid=$$ tmp=$(cat /tmp/profile-made)" >> /hooks-log/log; echo built > /artifact; pwd']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('/\n');
    const kp = /^stop (\S+) /.exec(log()[3] ?? '');
    expect(log()).toEqual([
      `bind ${tree} g one cwd=${GROUP} proc-mounted=no`,
      // The profile itself is bind-mounted under the fresh /tmp.
      'profile root-release=one proc=yes tmp=.containerize-profile ',
      expect.stringMatching(/^cmd pid=\d+ tmp=from-profile$/),
      `stop ${tree} pid-alive=yes proc-mounted=yes`,
      `unbind ${tree} proc-mounted=no`,
    ]);
    expect(kp?.[1]).toBe(tree);
    // No overlay: the build root itself holds what the command wrote; nothing else is left.
    expect(readFileSync(path.join(tree, 'artifact'), 'utf8')).toBe('built\n');
    expect(readdirSync(path.join(tree, 'tmp'))).toEqual([]);
    expect(existsSync(path.join(tree, 'hooks-log/log'))).toBe(false);
    expect(cgroupDirs('one')).toEqual([]);
    expect(readFileSync(path.join(spec('one').stateDir, 'keeper'), 'utf8')).toBe('');
  });

  it('stop gets the live keeper pid, which is gone afterwards; the command exit status is returned', async () => {
    makeInstance('status');
    writeHooks({ stop: '#!/bin/sh\necho "$2" > logdir/stop-pid\n' });
    resetLog();
    const r = await containerize(['g', 'status', 'sh', '-c', 'exit 7']);
    expect(r.code).toBe(7);
    const pid = Number(readFileSync(path.join(GROUP, 'logdir/stop-pid'), 'utf8'));
    expect(pid).toBeGreaterThan(1);
    expect(alive(pid)).toBe(false);
  });

  it('runs bash by default when the root has it, else sh; -w sets where the command starts', async () => {
    const tree = makeInstance('shell');
    writeHooks({});
    mkdirSync(path.join(tree, 'src'));
    const r = await containerize(['-w', '/src', 'g', 'shell'], 30_000);
    expect(r.code).toBe(0);
    // stdin is an empty pipe: the default shell (sh here: no bash in this root) reads it and exits.
    const r2 = await run(process.execPath, [CLI, 'containerize', '--trees', TREES, '-w', '/src', 'g', 'shell'], { input: 'echo "$0 in $(pwd)"\n' });
    expect(r2.stdout).toBe('sh in /src\n');
    const r3 = await containerize(['-w', '/nope', 'g', 'shell', 'true']);
    expect(r3.code).toBe(125);
    expect(r3.stderr).toMatch(/workdir \/nope does not exist in g\/shell/);
  });

  it('a second containerize joins the live container and runs no script; the last to leave tears down', async () => {
    const tree = makeInstance('shared');
    writeHooks();
    resetLog();
    const a = startContainerize(['g', 'shared', ...waiting('a')]);
    await waitFor(path.join(tree, 'a.up'));
    const b = startContainerize(['g', 'shared', 'sh', '-c', `cat /tmp/profile-made; ${waiting('b')[2]}`]);
    await waitFor(path.join(tree, 'b.up'));
    // Both in one container: one bind, one profile, no teardown yet.
    expect(log()).toEqual([expect.stringMatching(/^bind /), expect.stringMatching(/^profile /)]);
    writeFileSync(path.join(tree, 'a.go'), '');
    expect(await exitOf(a)).toBe(0);
    // The first one left; b is still inside, so nothing was torn down.
    expect(log().map((l) => l.split(' ')[0])).toEqual(['bind', 'profile']);
    expect(cgroupDirs('shared').length).toBe(1);
    const joined = await containerize(['g', 'shared', 'cat', '/tmp/profile-made']);
    expect(joined.stdout).toBe('from-profile\n');
    expect(log().map((l) => l.split(' ')[0])).toEqual(['bind', 'profile']);
    writeFileSync(path.join(tree, 'b.go'), '');
    expect(await exitOf(b)).toBe(0);
    expect((b as ChildProcess & { output: () => string }).output()).toBe('from-profile\nb-done\n');
    expect(log().map((l) => l.split(' ')[0])).toEqual(['bind', 'profile', 'stop', 'unbind']);
    expect(cgroupDirs('shared')).toEqual([]);
  });

  it('puts every process in the cgroup that cgroup-name names, and kills what is left at the end', async () => {
    const tree = makeInstance('cg');
    writeHooks({ 'cgroup-name': 'mc-test-builds\n' });
    const r = await containerize(['g', 'cg', 'sh', '-c', 'cat /proc/self/cgroup; (trap "" HUP TERM; sleep 60 >/dev/null 2>&1 & echo $! > /left-behind)']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/:\/mc-test-builds\/g\.cg\.[0-9a-f]{8}\n/);
    const left = Number(readFileSync(path.join(tree, 'left-behind'), 'utf8'));
    expect(alive(left)).toBe(false);
    expect(cgroupDirs('cg')).toEqual([]);
    // The parent that cgroup-name made stays, as the original's did; the test removes it.
    for (const b of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified', '/sys/fs/cgroup/pids']) {
      if (existsSync(path.join(b, 'mc-test-builds/cgroup.procs'))) rmdirSync(path.join(b, 'mc-test-builds'));
    }
  });

  it('unshare-options adds namespaces: with --pid --uts the keeper is pid 1 and the hostname is the instance', async () => {
    makeInstance('ns');
    writeHooks({ 'unshare-options': '--pid --uts # more namespaces\n' });
    const r = await containerize(['g', 'ns', 'sh', '-c', 'hostname; cat /proc/1/comm; ls /proc | grep -c "^[0-9]"']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [host, comm, count] = r.stdout.trim().split('\n');
    expect(host).toBe('ns');
    expect(comm).toBe('sh');
    // A fresh /proc for the PID namespace: only the keeper and this command's few processes.
    expect(Number(count)).toBeLessThan(8);
  });

  it('--overlay writes to an upper layer beside the group and leaves the tree as it was', async () => {
    const tree = makeInstance('ov');
    writeHooks({});
    const r = await containerize(['--overlay', 'g', 'ov', 'sh', '-c', 'echo new > /added; rm /release; cat /etc/passwd | head -1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('root:x:0:0:root:/root:/bin/sh\n');
    expect(existsSync(path.join(tree, 'added'))).toBe(false);
    expect(readFileSync(path.join(tree, 'release'), 'utf8')).toBe('ov\n');
    const upper = path.join(GROUP, '.overlay/ov/upper');
    expect(readFileSync(path.join(upper, 'added'), 'utf8')).toBe('new\n');
    // A second run sees the first one's changes.
    const r2 = await containerize(['--overlay', 'g', 'ov', 'sh', '-c', 'cat /added; test -e /release || echo release-gone']);
    expect(r2.stdout).toBe('new\nrelease-gone\n');
  });

  it('a killed containerize (SIGKILL) leaves no process, no mount, and runs stop and unbind', async () => {
    const tree = makeInstance('killed');
    writeHooks();
    resetLog();
    const a = startContainerize(['g', 'killed', 'sh', '-c', `echo $$ > /cmd-pid; ${waiting('a')[2]}`]);
    await waitFor(path.join(tree, 'a.up'));
    const cmdPid = Number(readFileSync(path.join(tree, 'cmd-pid'), 'utf8'));
    a.kill('SIGKILL');
    await exitOf(a);
    for (let i = 0; i < 200 && log().length < 4; i++) await new Promise((r) => setTimeout(r, 50));
    expect(log().map((l) => l.split(' ')[0])).toEqual(['bind', 'profile', 'stop', 'unbind']);
    expect(alive(cmdPid)).toBe(false);
    for (let i = 0; i < 100 && cgroupDirs('killed').length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(cgroupDirs('killed')).toEqual([]);
  });

  it('SIGTERM to containerize goes to the command, and the container is torn down', async () => {
    const tree = makeInstance('term');
    writeHooks();
    resetLog();
    const a = startContainerize(['g', 'term', 'sh', '-c', `trap 'echo got-term; exit 3' TERM; touch /t.up; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done`]);
    await waitFor(path.join(tree, 't.up'));
    a.kill('SIGTERM');
    expect(await exitOf(a)).toBe(3);
    expect((a as ChildProcess & { output: () => string }).output()).toBe('got-term\n');
    expect(log().map((l) => l.split(' ')[0])).toEqual(['bind', 'profile', 'stop', 'unbind']);
  });

  it('after a crash (keeper and every session killed) the next run cleans up and starts afresh', async () => {
    const tree = makeInstance('crash');
    writeHooks({ bind: HOOK_TEXT.bind, unbind: HOOK_TEXT.unbind });
    resetLog();
    const a = startContainerize(['g', 'crash', 'sh', '-c', `(trap "" HUP TERM; sleep 60 >/dev/null 2>&1 & echo $! > /orphan); ${waiting('a')[2]}`]);
    await waitFor(path.join(tree, 'a.up'));
    const st = spec('crash').stateDir;
    const keeper = Number(readFileSync(path.join(st, 'keeper'), 'utf8').split(' ')[0]);
    const orphan = Number(readFileSync(path.join(tree, 'orphan'), 'utf8'));
    // Kill everything of ours but the orphan in the cgroup: the keeper, the session's
    // launcher and the CLI, as a crash would.
    const sessions = readdirSync(path.join(st, 'sessions')).filter((f) => /^\d+$/.test(f)).map(Number);
    for (const pid of [keeper, ...sessions, a.pid!]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await exitOf(a);
    expect(alive(keeper)).toBe(false);
    const r = await containerize(['g', 'crash', 'sh', '-c', 'echo fresh']);
    expect(r.stdout).toBe('fresh\n');
    expect(r.stderr).toMatch(/cleaning up after an earlier run of g\/crash that ended without tearing down/);
    expect(r.code).toBe(0);
    expect(alive(orphan)).toBe(false);
    expect(cgroupDirs('crash')).toEqual([]);
  });

  it('clear errors, status 125, and nothing left mounted for bad groups, instances and scripts', async () => {
    makeInstance('bad');
    rmSync(HOOKS, { recursive: true, force: true });
    let r = await containerize(['g', 'bad', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/\.container does not exist: every group needs a \.container directory/);

    writeHooks({});
    r = await containerize(['g', 'missing', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/instance missing does not exist in .*trees clone g TEMPLATE missing/);

    writeHooks({ bind: '#!/bin/sh\nexit 0\n' });
    chmodSync(path.join(HOOKS, 'bind'), 0o644);
    r = await containerize(['g', 'bad', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/bind is not executable \(chmod \+x it\)/);

    writeHooks({ bind: '#!/bin/sh\nexit 4\n', unbind: '#!/bin/sh\necho unbind-after-failed-bind >> logdir/log\n' });
    resetLog();
    r = await containerize(['g', 'bad', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/bind script .*failed with status 4/);
    expect(r.stderr).toMatch(/could not start g\/bad/);
    expect(log()).toEqual(['unbind-after-failed-bind']);

    writeHooks({ profile: 'exit 9\n' });
    r = await containerize(['g', 'bad', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/profile script .*failed with status 9/);
    expect(cgroupDirs('bad')).toEqual([]);

    writeHooks({ 'unshare-options': '--user\n' });
    r = await containerize(['g', 'bad', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/unshare-options: --user is not supported/);

    // After all that, the instance still works.
    writeHooks({});
    r = await containerize(['g', 'bad', 'echo', 'ok']);
    expect(r.stdout).toBe('ok\n');
  });

  it('--dry-run prints the launcher and runs nothing', async () => {
    makeInstance('dry');
    writeHooks({});
    const r = await containerize(['--dry-run', 'g', 'dry', 'make']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#!\/bin\/sh\n# containerize launcher for g\/dry/);
    expect(r.stdout).toContain(`MC_TREE='${path.join(GROUP, 'dry')}'`);
    expect(existsSync(spec('dry').stateDir)).toBe(false);
  });
});
