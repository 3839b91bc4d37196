import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { container, run, sh } from '../support/host.js';
import { jailFixture } from '../support/fixture.js';

// Everything here runs for real: root, namespaces, overlayfs. After each test the host's
// mount table must be what it was before: the jail's mounts live in its own namespace.
const FX = jailFixture('mc-jail-');
const S = FX;
const LIB = FX.lib;
const BASE = FX.base;
const opts = FX.opts;

/** Processes whose command line is exactly ARGS (in any namespace: ps reads the host's /proc). */
function processesMatching(args: string): string[] {
  return sh('ps -eo args= || true').split('\n').filter((l) => l.trim() === args);
}
/** Processes whose command line mentions TEXT. */
function processesMentioning(text: string): string[] {
  return sh('ps -eo args= || true').split('\n').filter((l) => l.includes(text) && !l.startsWith('ps '));
}

describe('the jail on the host /', () => {
  it('runs a command in its own namespaces with the exit status passed through', async () => {
    const r = await container(['-d', LIB, '-b', BASE, '-n', 'hostroot', '-u', '0:0', '--', '/bin/sh', '-c', 'echo $$ $(hostname); readlink /proc/1/exe; exit 7']);
    expect(r.code).toBe(7);
    const [line, pid1] = r.stdout.trim().split('\n');
    expect(line.split(' ')[1]).toBe('hostroot');
    expect(Number(line.split(' ')[0])).toBeLessThan(10); // a fresh PID namespace
    expect(pid1).toMatch(/sh$/); // our init, not the host's
  });

  it('sees nothing of the host but the overlay, and never writes the lower layer', async () => {
    // Not under /tmp: the jail has a fresh tmpfs there.
    const marker = `/var/tmp/mc-host-only-${process.pid}`;
    writeFileSync(marker, 'x\n');
    onTestFinished(() => rmSync(marker, { force: true }));
    const r = await container(['-d', LIB, '-b', BASE, '-n', 'hostroot', '-u', '0:0', '--', '/bin/sh', '-c',
      `cat ${marker}; echo new > ${marker}; cat /proc/self/mountinfo; ls /proc/1/root/${path.basename(LIB)} 2>&1 || true`]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('x');
    expect(readFileSync(marker, 'utf8')).toBe('x\n'); // the write went to the upper layer
    const mounts = r.stdout.split('\n').filter((l) => / - /.test(l));
    expect(mounts[0]).toMatch(/ \/ \S+ - overlay overlay /);
    // Only the jail's own mounts are there: no host /proc, no host root underneath.
    expect(mounts.some((l) => l.split(' ')[4] === '/' && !l.includes('overlay'))).toBe(false);
    expect(readFileSync(path.join(BASE, 'app-hostroot/upper', marker), 'utf8')).toBe('new\n');
  });
});

describe('the jail on a root built by the tests', () => {
  it('resolves user names in the container, with supplementary groups, HOME and USER', async () => {
    const r = await container(opts('users', '-u', 'builder', '--', 'sh', '-c', 'id -u; id -g; id -G; echo $HOME $USER; pwd; grep -E "^(CapEff|CapPrm|NoNewPrivs)" /proc/self/status'));
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual(['1234', '1234', '1234 10 2000', '/home/builder builder', '/home/builder']);
    expect(lines.slice(5)).toEqual(['CapPrm:\t0000000000000000', 'CapEff:\t0000000000000000', 'NoNewPrivs:\t1']);
  });

  it('accepts numbers that the container does not list, and user:group by name', async () => {
    const r1 = await container(opts('users', '-u', '4321:99', '--', 'sh', '-c', 'id -u; id -g; echo $HOME; pwd'));
    expect(r1.stdout.trim().split('\n')).toEqual(['4321', '99', '/', '/']);
    const r2 = await container(opts('users', '-u', 'builder:devs', '--', 'id', '-g'));
    expect(r2.stdout.trim()).toBe('2000');
  });

  it('says clearly when a user or group is not in the container', async () => {
    const r = await container(opts('users', '-u', 'ghost', '--', 'true'));
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/user 'ghost' is not in the container's \/etc\/passwd/);
  });

  it('gives files written to a volume the uid:gid of the user on the host', async () => {
    const vol = path.join(S.dir, 'vol-owner');
    mkdirSync(vol);
    chmodSync(vol, 0o777);
    const r = await container(opts('vol', '-u', 'builder', '-v', `${vol}:/out`, '--', 'sh', '-c', 'echo hi > /out/f'));
    expect(r.code).toBe(0);
    const st = statSync(path.join(vol, 'f'));
    expect([st.uid, st.gid]).toEqual([1234, 1234]);
  });

  it('makes :ro volumes read-only, recursively, and creates missing guest paths', async () => {
    const vol = path.join(S.dir, 'vol-ro');
    mkdirSync(path.join(vol, 'sub'), { recursive: true });
    // A mount inside the volume: :ro must cover it too.
    const r = await container(opts('vol', '-u', '0:0', '-v', `${vol}:/deep/new/ro:ro`, '--', 'sh', '-c',
      'touch /deep/new/ro/x 2>/dev/null && echo wrote-top; touch /deep/new/ro/sub/y 2>/dev/null && echo wrote-sub; grep " /deep/new/ro " /proc/self/mountinfo'));
    expect(r.stdout).not.toMatch(/wrote/);
    expect(r.stdout).toMatch(/ \/deep\/new\/ro ro,/);
    expect(existsSync(path.join(BASE, 'app-vol/upper/deep/new/ro'))).toBe(true);
  });

  it('refuses a volume whose host path does not exist', async () => {
    const r = await container(opts('vol', '-v', `${S.dir}/nope:/x`, '--', 'true'));
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/volume source .*\/nope does not exist on the host/);
    expect(existsSync(path.join(S.dir, 'nope'))).toBe(false);
  });

  it('exits 127 for a command not found and 126 for one not executable', async () => {
    expect((await container(opts('codes', '-u', '0:0', '--', 'no-such-command'))).code).toBe(127);
    const r = await container(opts('codes', '-u', '0:0', '--', '/etc/passwd'));
    expect(r.code).toBe(126);
  });

  it('keeps the upper layer between runs of a name; --rm throws it away', async () => {
    expect((await container(opts('keep', '-u', '0:0', '--', 'sh', '-c', 'echo 1 > /root/state'))).code).toBe(0);
    expect((await container(opts('keep', '-u', '0:0', '--', 'cat', '/root/state'))).stdout).toBe('1\n');
    expect(existsSync(path.join(FX.root, 'root/state'))).toBe(false);
    expect((await container(opts('gone', '--rm', '-u', '0:0', '--', 'sh', '-c', 'echo 1 > /root/state; cat /root/state'))).stdout).toBe('1\n');
    expect((await container(opts('gone', '--rm', '-u', '0:0', '--', 'sh', '-c', 'cat /root/state 2>&1; true'))).stdout).toMatch(/No such file/);
    expect(existsSync(path.join(BASE, 'app-gone/upper'))).toBe(false);
  });

  it('gives the jail /dev, /tmp, /proc and the host /etc/hosts and resolv.conf', async () => {
    const r = await container(opts('devs', '-u', '0:0', '--', 'sh', '-c',
      'ls /dev; echo x > /dev/null && head -c 4 /dev/zero | wc -c; stat -c %a /tmp; cat /etc/hosts | grep -c localhost; test -e /proc/self/status && echo proc'));
    expect(r.code).toBe(0);
    for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm', 'fd', 'ptmx', 'stdin']) expect(r.stdout.split('\n')).toContain(d);
    expect(r.stdout).toMatch(/\n4\n1777\n[1-9]\d*\nproc\n$/);
  });

  it('starts in -w, or says the workdir is missing', async () => {
    expect((await container(opts('wd', '-u', '0:0', '-w', '/work', '--', 'pwd'))).stdout).toBe('/work\n');
    const r = await container(opts('wd', '-u', '0:0', '-w', '/nowhere', '--', 'pwd'));
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/workdir \/nowhere does not exist/);
  });

  it('passes -e variables and nothing of the caller\'s environment', async () => {
    const r = await container(opts('env', '-u', '0:0', '-e', 'CC=gcc -O2', '--', 'env'), { env: { ...process.env, SECRET_TOKEN: 'x' } });
    expect(r.stdout).toMatch(/^CC=gcc -O2$/m);
    expect(r.stdout).toMatch(/^HOME=\/root$/m);
    expect(r.stdout).not.toMatch(/SECRET_TOKEN/);
  });
});

describe('signals and killing', () => {
  it('passes SIGTERM to the command, and runs the shutdown script', async () => {
    const out = path.join(S.dir, 'sig');
    mkdirSync(out, { recursive: true });
    chmodSync(out, 0o777);
    const shutdown = path.join(S.dir, 'shutdown.sh');
    writeFileSync(shutdown, `#!/bin/sh\necho "$1 $3 $4 $(test -d "$2/proc" && echo mounted)" >> ${out}/hooks\n`);
    chmodSync(shutdown, 0o755);
    const child = spawn(process.execPath, [path.resolve('dist/cli/index.js'), 'run', ...opts('sig', '-u', 'builder', '-s', shutdown, '-v', `${out}:/out`, '--', 'sh', '-c',
      'trap "echo got-term > /out/term; exit 3" TERM; echo started > /out/started; while :; do sleep 0.1; done')], { stdio: 'ignore' });
    onTestFinished(() => void child.kill('SIGKILL'));
    await waitFor(() => existsSync(path.join(out, 'started')));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(3);
    expect(readFileSync(path.join(out, 'term'), 'utf8')).toBe('got-term\n');
    expect(readFileSync(path.join(out, 'hooks'), 'utf8')).toBe('shutdown 1234 1234 mounted\n');
  });

  it('leaves no process behind when the CLI is killed with SIGKILL', async () => {
    const out = path.join(S.dir, 'kill');
    mkdirSync(out, { recursive: true });
    const child = spawn(process.execPath, [path.resolve('dist/cli/index.js'), 'run', ...opts('killed', '-u', '0:0', '-v', `${out}:/out`, '--', 'sh', '-c',
      'sleep 1234 & echo started > /out/started; wait')], { stdio: 'ignore' });
    onTestFinished(() => void child.kill('SIGKILL'));
    await waitFor(() => existsSync(path.join(out, 'started')));
    expect(processesMatching('sleep 1234').length).toBe(1);
    child.kill('SIGKILL');
    await waitFor(() => processesMatching('sleep 1234').length === 0 && processesMentioning(path.join(LIB, 'app-killed')).length === 0);
    // And the name is free again at once.
    expect((await container(opts('killed', '-u', '0:0', '--', 'true'))).code).toBe(0);
  });
});

describe('init and shutdown scripts', () => {
  it('run on the host with init|shutdown ROOTDIR UID GID, around the command, in order', async () => {
    const log = path.join(S.dir, 'hooklog');
    const hook = path.join(S.dir, 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\necho "$1 $2 $3 $4 $(cat "$2/etc/hostname-probe" 2>/dev/null)" >> ${log}\n[ "$1" = init ] && echo from-init > "$2/etc/hostname-probe"\nexit 0\n`);
    chmodSync(hook, 0o755);
    const r = await container(opts('hooks', '-u', 'builder', '-i', hook, '-s', hook, '--', 'cat', '/etc/hostname-probe'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('from-init\n');
    const rootdir = path.join(LIB, 'app-hooks/root');
    expect(readFileSync(log, 'utf8')).toBe(`init ${rootdir} 1234 1234 \nshutdown ${rootdir} 1234 1234 from-init\n`);
  });

  it('a failing init script stops the run with 125', async () => {
    const hook = path.join(S.dir, 'bad-init.sh');
    writeFileSync(hook, '#!/bin/sh\nexit 4\n');
    chmodSync(hook, 0o755);
    const r = await container(opts('hooks', '-u', '0:0', '-i', hook, '--', 'echo', 'should-not-run'));
    expect(r.code).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/init script .* failed with status 4/);
  });
});

describe('plan once, execute many', () => {
  it('--dry-run prints a launcher that runs with sh alone', async () => {
    const r = await container(opts('dry', '-u', 'builder', '--dry-run', '--', 'id', '-u'));
    expect(r.code).toBe(0);
    const file = path.join(S.dir, 'launcher.sh');
    writeFileSync(file, r.stdout);
    expect(r.stdout.startsWith('#!/bin/sh')).toBe(true);
    const own = await run('/bin/sh', [file], {});
    expect(own.stdout).toBe('1234\n');
    const given = await run('/bin/sh', [file, 'sh', '-c', 'echo given $(id -u)'], {});
    expect(given.stdout).toBe('given 1234\n');
  });

  it('a second run of a running container joins it', async () => {
    const out = path.join(S.dir, 'join');
    mkdirSync(out, { recursive: true });
    const first = spawn(process.execPath, [path.resolve('dist/cli/index.js'), 'run', ...opts('joined', '-u', '0:0', '-v', `${out}:/out`, '--', 'sh', '-c',
      'echo here > /tmp/shared; echo started > /out/started; while [ ! -e /out/stop ]; do sleep 0.05; done')], { stdio: 'ignore' });
    onTestFinished(() => void first.kill('SIGKILL'));
    await waitFor(() => existsSync(path.join(out, 'started')));
    const second = await container(opts('joined', '-u', 'builder', '--', 'sh', '-c', 'cat /tmp/shared; id -u; ps -o pid= | wc -l'));
    expect(second.stdout.split('\n').slice(0, 2)).toEqual(['here', '1234']);
    writeFileSync(path.join(out, 'stop'), '');
    expect(await new Promise((r) => first.on('close', r))).toBe(0);
  });
});

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

