import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI, container, run, sh } from '../support/host.js';
import { buildMiniRoot } from '../support/miniroot.js';
import { jailFixture } from '../support/fixture.js';

// More rules of the `container` CLI, for real (root, namespaces, overlayfs), in the style of
// jail.test.ts: after each test the host's mount table must be what it was before.
const FX = jailFixture('mc-more-');
const S = FX;
const LIB = FX.lib;
const BASE = FX.base;
const opts = FX.opts;

/** The caller's environment without sudo's variables, so the invoking user is root. */
function envAsRoot(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const k of ['SUDO_UID', 'SUDO_GID', 'SUDO_USER', 'SUDO_COMMAND']) if (!(k in extra)) delete env[k];
  return env;
}

/** Starts the CLI in the background (stdin a pipe, never a terminal); killed when the test ends. */
function startContainer(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'run', ...args], { stdio: ['pipe', 'ignore', 'inherit'], env: envAsRoot() });
  onTestFinished(() => void child.kill('SIGKILL'));
  return child;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.on('close', (code) => r(code)));
}

/** A directory the jail's users can write to, for markers. */
function outDir(name: string): string {
  const out = path.join(S.dir, name);
  mkdirSync(out, { recursive: true });
  chmodSync(out, 0o777);
  return out;
}

/** Every entry under DIR with type, size, mode, owner, mtime, ctime, inode and a content digest. */
function listing(dir: string): string {
  return sh(`cd '${dir}' && find . -printf '%p %y %s %m %U:%G %T@ %C@ %i %l\\n' | sort && find . -type f -exec sha256sum {} + | sort -k 2`);
}

describe('lowerdir with several directories', () => {
  it('stacks them: the first is the top layer, the others under it, in order', async () => {
    const top = path.join(S.dir, 'layer-top');
    const mid = path.join(S.dir, 'layer-mid');
    mkdirSync(path.join(top, 'etc'), { recursive: true });
    mkdirSync(path.join(mid, 'etc'), { recursive: true });
    writeFileSync(path.join(top, 'etc/both'), 'from-top\n');
    writeFileSync(path.join(mid, 'etc/both'), 'from-mid\n');
    writeFileSync(path.join(mid, 'etc/mid-only'), 'mid-only\n');
    writeFileSync(path.join(top, 'top-only'), 'top-only\n');
    // A user only the top layer's /etc/passwd knows: users are looked up in the stacked root.
    writeFileSync(path.join(top, 'etc/passwd'), `${readFileSync(path.join(FX.root, 'etc/passwd'), 'utf8')}layered:x:777:777:layered:/:/bin/sh\n`);
    const r = await container(['-d', LIB, '-b', BASE, '-l', `${top}:${mid}:${FX.root}`, '-n', 'layers', '-u', 'layered', '--', 'sh', '-c',
      'cat /etc/both /etc/mid-only /top-only; id -u; grep -c "^builder:" /etc/passwd; grep " / / " /proc/self/mountinfo'], { env: envAsRoot() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual(['from-top', 'mid-only', 'top-only', '777', '1']);
    // The bottom layer (the miniroot) gives the binaries; the order reaches overlayfs as given.
    expect(lines[5]).toContain(`lowerdir=${top}:${mid}:${FX.root},`);
  });
});

describe('librarydir and basedir creation', () => {
  /** The CLI as root under sudo's variables for uid 1234, with a known umask. */
  const asSudoCaller = (args: string[]) =>
    run('/bin/sh', ['-c', 'umask 022 && exec "$@"', 'sh', process.execPath, CLI, 'run', ...args], {
      env: { ...process.env, SUDO_UID: '1234', SUDO_GID: '1234', SUDO_USER: 'builder' },
    });

  it('makes a missing librarydir 0700 root, and a missing basedir with the default mode for the invoking user', async () => {
    const lib = path.join(S.dir, 'own-sep/lib');
    const base = path.join(S.dir, 'own-sep/base');
    const r = await asSudoCaller(['-d', lib, '-b', base, '-l', FX.root, '-n', 'own', '--', 'id', '-u']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1234\n'); // the invoking user is the default -u
    const l = statSync(lib);
    expect([l.uid, l.gid, l.mode & 0o7777]).toEqual([0, 0, 0o700]);
    const b = statSync(base);
    expect([b.uid, b.gid, b.mode & 0o7777]).toEqual([1234, 1234, 0o755]);
  });

  it('when -d and -b name the same missing directory, basedir\'s creation wins', async () => {
    const same = path.join(S.dir, 'own-same/dir');
    const r = await asSudoCaller(['-d', same, '-b', same, '-l', FX.root, '-n', 'own', '--', 'true']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const st = statSync(same);
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([1234, 1234, 0o755]);
  });

  it('the standalone launcher creates them the same way (basedir first)', async () => {
    const same = path.join(S.dir, 'own-launcher/dir');
    const lib = path.join(S.dir, 'own-launcher/lib');
    const base = path.join(S.dir, 'own-launcher/base');
    const dry1 = await asSudoCaller(['-d', same, '-b', same, '-l', FX.root, '-n', 'own', '--dry-run', '--', 'true']);
    const dry2 = await asSudoCaller(['-d', lib, '-b', base, '-l', FX.root, '-n', 'own', '--dry-run', '--', 'true']);
    expect(existsSync(path.join(S.dir, 'own-launcher'))).toBe(false); // --dry-run creates nothing
    for (const [i, text] of [dry1.stdout, dry2.stdout].entries()) {
      const file = path.join(S.dir, `own-launcher-${i}.sh`);
      writeFileSync(file, text);
      const r = await run('/bin/sh', ['-c', 'umask 022 && exec /bin/sh "$0"', file], {});
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const s = statSync(same);
    expect([s.uid, s.gid, s.mode & 0o7777]).toEqual([1234, 1234, 0o755]);
    const l = statSync(lib);
    expect([l.uid, l.gid, l.mode & 0o7777]).toEqual([0, 0, 0o700]);
    const b = statSync(base);
    expect([b.uid, b.gid, b.mode & 0o7777]).toEqual([1234, 1234, 0o755]);
  });
});

describe('the shell when no command is given', () => {
  it('`-` gives a login shell that starts in the user\'s HOME and reads the script from stdin', async () => {
    // A top layer with a ~/.profile for builder: a login shell reads it.
    const top = path.join(S.dir, 'login-top');
    mkdirSync(path.join(top, 'home/builder'), { recursive: true });
    writeFileSync(path.join(top, 'home/builder/.profile'), 'echo profile-read\n');
    chownSync(path.join(top, 'home/builder'), 1234, 1234);
    chownSync(path.join(top, 'home/builder/.profile'), 1234, 1234);
    const r = await container(['-d', LIB, '-b', BASE, '-l', `${top}:${FX.root}`, '-n', 'login', '-u', 'builder', '-'], {
      input: 'pwd; echo $HOME; echo $SHELL; id -u\n',
      env: envAsRoot(),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['profile-read', '/home/builder', '/home/builder', '/bin/sh', '1234', '']);
  });

  it('`-` starts in HOME on the plain miniroot too', async () => {
    const r = await container(opts('login', '-u', 'builder', '-'), { input: 'pwd; echo $HOME; echo $0\n', env: envAsRoot() });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['/home/builder', '/home/builder']);
  });

  it('without `-`, runs the user\'s shell from the container\'s /etc/passwd, reading stdin', async () => {
    // The container's passwd names a shell the host does not have: /bin/mysh.
    const top = path.join(S.dir, 'shell-top');
    mkdirSync(path.join(top, 'etc'), { recursive: true });
    mkdirSync(path.join(top, 'bin'), { recursive: true });
    copyFileSync(path.join(FX.root, 'bin/sh'), path.join(top, 'bin/mysh'));
    chmodSync(path.join(top, 'bin/mysh'), 0o755);
    writeFileSync(path.join(top, 'etc/passwd'), readFileSync(path.join(FX.root, 'etc/passwd'), 'utf8').replace('builder:/bin/sh', 'builder:/bin/mysh'));
    mkdirSync(path.join(top, 'home/builder'), { recursive: true });
    writeFileSync(path.join(top, 'home/builder/.profile'), 'echo profile-read\n');
    chownSync(path.join(top, 'home/builder'), 1234, 1234);
    const r = await container(['-d', LIB, '-b', BASE, '-l', `${top}:${FX.root}`, '-n', 'shell', '-u', 'builder'], {
      input: 'echo $0; id -u; pwd\n',
      env: envAsRoot(),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Not a login shell: no profile read.
    expect(r.stdout).toBe('/bin/mysh\n1234\n/home/builder\n');
  });
});

describe('PID 1', () => {
  it('reaps orphans: none is left a zombie', async () => {
    const script = [
      '(sleep 0.4 &); (sleep 0.4 &); (sleep 0.5 &)',
      // While they run (once they have exec'd sleep), they are orphans adopted by PID 1.
      'sleep 0.1',
      'for f in /proc/[0-9]*/stat; do read -r l < $f; echo "early $l"; done',
      'sleep 1',
      'for f in /proc/[0-9]*/stat; do read -r l < $f 2>/dev/null && echo "late $l"; done',
    ].join('; ');
    const r = await container(opts('reap', '-u', 'builder', '--', 'sh', '-c', script), { env: envAsRoot() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const parse = (tag: string) =>
      r.stdout.split('\n').filter((l) => l.startsWith(`${tag} `)).map((l) => {
        const m = /^\S+ (\d+) \((.*)\) (\S) (\d+)/.exec(l)!;
        return { pid: Number(m[1]), comm: m[2], state: m[3], ppid: Number(m[4]) };
      });
    const early = parse('early');
    expect(early.filter((p) => p.comm === 'sleep' && p.ppid === 1).length).toBe(3);
    const late = parse('late');
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((p) => p.state === 'Z')).toEqual([]);
    expect(late.filter((p) => p.comm === 'sleep' && p.ppid === 1)).toEqual([]);
  });
});

describe('several containers', () => {
  it('two jails with different names run side by side, each with its own hostname', async () => {
    const out = outDir('side');
    const first = startContainer(opts('side-a', '-u', 'builder', '-v', `${out}:/out`, '--', 'sh', '-c',
      'hostname > /out/a-host; echo mine > /tmp/a-tmp; echo started > /out/a-started; while [ ! -e /out/release ]; do sleep 0.05; done; hostname >> /out/a-host; cat /tmp/a-tmp >> /out/a-host'));
    await waitFor(() => existsSync(path.join(out, 'a-started')));
    const second = await container(opts('side-b', '-u', 'builder', '--', 'sh', '-c', 'hostname; cat /tmp/a-tmp 2>/dev/null || echo no-a-tmp'), { env: envAsRoot() });
    // The second ran to completion at once (no "waiting" for the first), in its own jail.
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('side-b\nno-a-tmp\n');
    expect(first.exitCode).toBe(null); // still running
    writeFileSync(path.join(out, 'release'), '');
    expect(await exitOf(first)).toBe(0);
    expect(readFileSync(path.join(out, 'a-host'), 'utf8')).toBe('side-a\nside-a\nmine\n');
  });
});

describe('container NAME', () => {
  it('uses ${librarydir}/root-NAME as lowerdir and NAME as the name', async () => {
    const lib = path.join(S.dir, 'lib-short');
    const base = path.join(S.dir, 'base-short');
    const root = buildMiniRoot(path.join(lib, 'root-mini'));
    const r = await container(['-d', lib, '-b', base, 'mini', 'sh', '-c', 'hostname; grep " / / " /proc/self/mountinfo'], { env: envAsRoot() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [host, mountinfo] = r.stdout.split('\n');
    expect(host).toBe('mini');
    expect(mountinfo).toContain(`lowerdir=${root},upperdir=${path.join(base, 'app-mini/upper')},`);
    expect(existsSync(path.join(base, 'app-mini/upper'))).toBe(true);
    expect(existsSync(path.join(lib, 'app-mini'))).toBe(true);
  });

  it('-n still names it; after `--` the word is the command', async () => {
    const lib = path.join(S.dir, 'lib-short2');
    const base = path.join(S.dir, 'base-short2');
    buildMiniRoot(path.join(lib, 'root-mini'));
    const named = await container(['-d', lib, '-b', base, '-n', 'other', 'mini', 'hostname'], { env: envAsRoot() });
    expect(named.stdout).toBe('other\n');
    expect(existsSync(path.join(base, 'app-other/upper'))).toBe(true);
    const literal = await container(['-d', lib, '-b', base, '-l', FX.root, '--', 'mini'], { env: envAsRoot() });
    expect(literal.code).toBe(127);
  });
});

describe('volumes', () => {
  it(':ro is recursive: a mount nested in the volume source is read-only inside too; rw leaves it writable', async () => {
    const src = path.join(S.dir, 'vol-nested');
    const other = path.join(S.dir, 'vol-nested-other');
    mkdirSync(path.join(src, 'nested'), { recursive: true });
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, 'seen'), 'through-nested\n');
    execFileSync('mount', ['--bind', other, path.join(src, 'nested')]);
    try {
      const probe = 'cat /v/nested/seen; touch /v/nested/x 2>/dev/null && echo wrote-nested; touch /v/top 2>/dev/null && echo wrote-top; true';
      const ro = await container(opts('volro', '-u', '0:0', '-v', `${src}:/v:ro`, '--', 'sh', '-c', probe), { env: envAsRoot() });
      const rw = await container(opts('volro', '-u', '0:0', '-v', `${src}:/v`, '--', 'sh', '-c', probe), { env: envAsRoot() });
      // On the host the nested mount stays writable whatever the jail did with its copy.
      writeFileSync(path.join(src, 'nested/host-write'), 'ok\n');
      expect(rw.stdout).toBe('through-nested\nwrote-nested\nwrote-top\n');
      expect(existsSync(path.join(other, 'x'))).toBe(true);
      expect(ro.code).toBe(0);
      expect(ro.stdout).toBe('through-nested\n');
    } finally {
      execFileSync('umount', [path.join(src, 'nested')]);
    }
  });
});

describe('the lower directories', () => {
  it('are never written: creating, modifying, deleting and renaming over them leaves them as they were', async () => {
    const lower = buildMiniRoot(path.join(S.dir, 'lower-ro'));
    const under = path.join(S.dir, 'lower-ro-under');
    for (const d of [path.join(lower, 'data/sub'), path.join(lower, 'data/gone'), path.join(under, 'data'), path.join(under, 'deep/er')]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(lower, 'data/keep'), 'keep\n');
    writeFileSync(path.join(lower, 'data/modify'), 'before\n');
    writeFileSync(path.join(lower, 'data/delete'), 'delete me\n');
    writeFileSync(path.join(lower, 'data/sub/move'), 'move me\n');
    writeFileSync(path.join(lower, 'data/gone/f'), 'f\n');
    writeFileSync(path.join(under, 'data/under-modify'), 'under\n');
    writeFileSync(path.join(under, 'deep/er/file'), 'deep\n');
    chownSync(path.join(lower, 'data'), 1234, 1234);
    chownSync(path.join(lower, 'data/modify'), 1234, 1234);
    const before = [listing(lower), listing(under)];
    const layers = `${lower}:${under}`;
    const script = [
      'set -e',
      'echo new > /data/new', 'echo after >> /data/modify', 'rm /data/delete', 'cat /data/sub/move > /data/moved; rm /data/sub/move',
      'rm -r /data/gone', 'mkdir /data/gone', 'echo again > /data/gone/f',
      'echo changed > /data/under-modify', 'rm -r /deep/er', 'touch /deep/t', 'chmod 600 /data/keep',
      'rm /etc/passwd; echo root:x:0:0::/:/bin/sh > /etc/passwd', 'mkdir -p /root/x /home/builder/y',
      'cat /data/modify /data/under-modify',
    ].join('; ');
    const r = await container(['-d', LIB, '-b', BASE, '-l', layers, '-n', 'lower-ro', '-u', '0:0', '--', 'sh', '-c', script], { env: envAsRoot() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('before\nafter\nchanged\n');
    // As a user too, in a second run that sees the first one's changes in the upper layer.
    const r2 = await container(['-d', LIB, '-b', BASE, '-l', layers, '-n', 'lower-ro', '-u', '1234:1234', '--', 'sh', '-c',
      'cat /data/new /data/gone/f; test ! -e /data/delete && echo deleted; echo by-user >> /data/modify; touch /data/user-file'], { env: envAsRoot() });
    expect(r2.stderr).toBe('');
    expect(r2.stdout).toBe('new\nagain\ndeleted\n');
    expect([listing(lower), listing(under)]).toEqual(before);
  });
});

describe('exit status', () => {
  it('is 128+N when the command is killed by signal N inside', async () => {
    expect((await container(opts('sigexit', '-u', '0:0', '--', 'sh', '-c', 'kill -TERM $$'), { env: envAsRoot() })).code).toBe(143);
    expect((await container(opts('sigexit', '-u', 'builder', '--', 'sh', '-c', 'kill -KILL $$'), { env: envAsRoot() })).code).toBe(137);
    expect((await container(opts('sigexit', '-u', 'builder', '--', 'sh', '-c', 'kill -HUP $$'), { env: envAsRoot() })).code).toBe(129);
    // Killed by another process inside: the command is the exec'd sleep.
    expect((await container(opts('sigexit', '-u', 'builder', '--', 'sh', '-c', '(sleep 0.2; kill -USR1 $$) & exec sleep 5'), { env: envAsRoot() })).code).toBe(138);
  });
});

describe('SIGINT without a terminal', () => {
  it('the command starts with SIGINT and SIGQUIT not ignored', async () => {
    // Bits 1 and 2 of SigIgn are SIGINT and SIGQUIT: if they are ignored when the command
    // starts, a non-interactive shell cannot even trap them.
    const r = await container(opts('sigint', '-u', 'builder', '--', 'grep', '^SigIgn:', '/proc/self/status'), { env: envAsRoot() });
    expect(r.code).toBe(0);
    const ignored = BigInt(`0x${r.stdout.split(/\s+/)[1]}`);
    expect({ SIGINT: (ignored >> 1n) & 1n, SIGQUIT: (ignored >> 2n) & 1n }).toEqual({ SIGINT: 0n, SIGQUIT: 0n });
  });

  it('a SIGINT sent with kill(1) to the CLI reaches the command', async () => {
    const out = outDir('sigint');
    const child = startContainer(opts('sigint', '-u', 'builder', '-v', `${out}:/out`, '--', 'sh', '-c',
      'trap "echo got-int > /out/int; exit 5" INT; echo started > /out/started; while :; do sleep 0.1; done'));
    await waitFor(() => existsSync(path.join(out, 'started')));
    execFileSync('kill', ['-INT', String(child.pid)]);
    const code = await Promise.race([exitOf(child), new Promise<string>((r) => setTimeout(() => r('still running 5 s after SIGINT'), 5_000))]);
    expect(existsSync(path.join(out, 'int')) ? readFileSync(path.join(out, 'int'), 'utf8') : 'no marker').toBe('got-int\n');
    expect(code).toBe(5);
  });
});

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a terminal', () => {
  it('with no command and a terminal on stdin, the user\'s shell is interactive, and its status is ours', async () => {
    // script(1) gives the CLI a real pty; the shell (root's, from the host's own passwd:
    // this runs over the host's /) reads our lines from it.
    const cmd = [process.execPath, CLI, 'run', '-d', LIB, '-b', BASE, '-n', 'tty', '--rm', '-u', '0:0'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = await run('script', ['-qec', cmd, '/dev/null'], { input: 'echo $((6*7)) $-\nexit 3\n' });
    const out = r.stdout.replace(/\r/g, '');
    expect([r.code, out]).toEqual([3, expect.stringMatching(/42 [A-Za-z]*i[A-Za-z]*\s/)]); // `i` in $-: interactive
  });
});
