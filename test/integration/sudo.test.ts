import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, run, scratch } from '../support/host.js';
import { buildMiniRoot } from '../support/miniroot.js';

// GitHub's runners: a non-root `runner` user with passwordless sudo. We make such a user
// and run the CLI as it, as a workflow step would.
const USER = 'mc-runner';
const S = scratch('mc-sudo-');
let uid = 0;
let gid = 0;
let ROOT = '';

beforeAll(() => {
  if (spawnSync('id', ['-u', USER]).status !== 0) {
    execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', USER]);
  }
  writeFileSync(`/etc/sudoers.d/${USER}`, `${USER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }));
  gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }));
  chmodSync(S.dir, 0o755);
  ROOT = buildMiniRoot(path.join(S.dir, 'root'));
});
afterAll(() => S.cleanup());

function asRunner(args: string[]) {
  return run('runuser', ['-u', USER, '--', process.execPath, CLI, 'run', ...args], { cwd: S.dir, env: { PATH: process.env.PATH, HOME: `/home/${USER}` } });
}

describe('as a non-root user with passwordless sudo', () => {
  it('runs through sudo -n and keeps the caller as the default user, basedir and owner', async () => {
    const vol = path.join(S.dir, 'ws');
    mkdirSync(vol);
    execFileSync('chown', [`${uid}:${gid}`, vol]);
    const r = await asRunner(['-d', path.join(S.dir, 'lib'), '-l', ROOT, '-n', 'ci', '-v', `${vol}:/ws`, '--', 'sh', '-c', 'id -u; id -g; echo built > /ws/out']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([String(uid), String(gid)]);
    const st = statSync(path.join(vol, 'out'));
    expect([st.uid, st.gid]).toEqual([uid, gid]);
    const base = `/home/${USER}/.app`;
    expect(existsSync(path.join(base, 'app-ci/upper'))).toBe(true);
    expect(statSync(base).uid).toBe(uid);
  });

  it('says what to do when sudo cannot be used without a password', async () => {
    execFileSync('rm', ['-f', `/etc/sudoers.d/${USER}`]);
    try {
      const r = await asRunner(['-l', ROOT, '--', 'true']);
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(/root is needed.*passwordless sudo/);
    } finally {
      writeFileSync(`/etc/sudoers.d/${USER}`, `${USER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
    }
  });
});

describe('killing the CLI under sudo', () => {
  it('SIGKILL of the caller\'s process (sudo) ends the jail, leaving no process', async () => {
    const { spawn } = await import('node:child_process');
    const { readdirSync, readFileSync } = await import('node:fs');
    const child = spawn('runuser', ['-u', USER, '--', process.execPath, CLI, 'run', '-d', path.join(S.dir, 'lib'), '-l', ROOT, '-n', 'killme', '--', 'sleep', '4321'], { stdio: 'ignore', env: { PATH: process.env.PATH, HOME: `/home/${USER}` } });
    const sleepers = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try { return readFileSync(`/proc/${p}/cmdline`, 'utf8') === 'sleep\u00004321\u0000'; } catch { return false; }
    });
    const until = async (cond: () => boolean) => { for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50)); return cond(); };
    expect(await until(() => sleepers().length === 1)).toBe(true);
    // runuser -> sudo (Node 24 becomes sudo by execve; Node 20 spawns it): kill what the caller started.
    // Only the sudo under our child: other sudo processes may be running on the machine.
    const parentOf = (pid: string) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
    const descends = (pid: string) => {
      for (let p = Number(pid), n = 0; p > 1 && n < 20; p = parentOf(String(p)), n++) if (p === child.pid) return true;
      return false;
    };
    const sudoPid = execFileSync('pgrep', ['-u', '0', '-x', 'sudo'], { encoding: 'utf8' }).trim().split('\n').filter(descends).pop()!;
    expect(sudoPid).toBeDefined();
    process.kill(Number(sudoPid), 'SIGKILL');
    expect(await until(() => sleepers().length === 0)).toBe(true);
    child.kill('SIGKILL');
  });
});
