import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Container } from '../../src/core/api/container.js';
import { setupService, type Service } from '../../src/core/api/service.js';
import { ConfigError, JailError } from '../../src/core/errors.js';
import { stopContainer } from '../../src/core/jail/lifecycle.js';
import { livePid1 } from '../../src/core/jail/state.js';
import { buildApiRoot } from '../support/api-root.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { REPO, run, scratch, sh, SHARED_ROOTFS } from '../support/host.js';
import { serveFile, startServer } from '../support/http-server.js';
import { pollUntil } from '../support/net-namespaces.js';

// The library API for real: as root, over a root the test builds (the mini root with tar)
// and over the host's /. After each test the host's mount table is as before.
expectHostMountsUnchanged();
const S = scratch('mc-api-');
const LIB_A = path.join(S.dir, 'lib-a');
const BASE_A = path.join(S.dir, 'base-a');
const LIB_B = path.join(S.dir, 'lib-b');
const BASE_B = path.join(S.dir, 'base-b');
const ROOT = path.join(S.dir, 'root');
const IMAGE_FILE = path.join(S.dir, 'out', 'web.mcimg');
// An unusual sleep, so that finding it among the host's processes means it is ours.
const SLEEPER = 'sleep 4713';

/** Host processes running exactly ARGS. */
function hostProcesses(args: string): string[] {
  return sh('ps -eo args= || true').split('\n').filter((l) => l.trim() === args);
}
/** Mounts on the host whose mount point is under DIR. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(dir));
}

/**
 * The built library (dist/lib), copied once it imports: the programs that test the lifeline
 * are plain Node, and another engineer's build may be rewriting dist/ meanwhile.
 */
async function stableLibraryCopy(): Promise<string> {
  const src = path.join(REPO, 'dist/lib/index.js');
  const dest = path.join(S.dir, 'mc-lib.mjs');
  let why = '';
  for (let i = 0; i < 30; i++) {
    if (existsSync(src)) {
      copyFileSync(src, dest);
      const r = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(dest)}); if (typeof m.setupService !== 'function') process.exit(3);`]);
      if (r.code === 0) return dest;
      why = r.stderr;
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error(`${src} does not import (run node scripts/build.mjs): ${why}`);
}

let a: Service;
let web: Container;
const started: Container[] = [];

beforeAll(async () => {
  buildApiRoot(ROOT);
  // A project archive made on the host as root: its files are root's in the tar.
  const proj = path.join(S.dir, 'src', 'project');
  mkdirSync(path.join(proj, 'sub'), { recursive: true });
  writeFileSync(path.join(proj, 'hello.txt'), 'hello from the archive\n');
  writeFileSync(path.join(proj, 'sub', 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  execFileSync('tar', ['-czf', path.join(S.dir, 'project.tar.gz'), '--owner=0', '--group=0', '-C', path.join(S.dir, 'src'), 'project']);
  execFileSync('tar', ['-cf', path.join(S.dir, 'plain.tar'), '-C', path.join(S.dir, 'src'), 'project']);
  mkdirSync(path.dirname(IMAGE_FILE));
  a = await setupService({ libraryDir: LIB_A, baseDir: BASE_A });
  web = await a.provision({ name: 'web', rootfs: ROOT, user: 'builder', env: { GREETING: 'hi' } });
});

afterAll(async () => {
  // Whatever failed, nothing stays up.
  for (const c of started) await c.stop().catch(() => undefined);
  S.cleanup();
});

describe('the library API over a root of our own', () => {
  it('loadArchive unpacks a tar.gz into the home, owned by the container user', async () => {
    await web.loadArchive(path.join(S.dir, 'project.tar.gz'));
    const upper = path.join(BASE_A, 'app-web', 'upper', 'home', 'builder', 'project');
    for (const f of ['', 'hello.txt', 'sub', 'sub/run.sh']) {
      const st = lstatSync(path.join(upper, f));
      expect([f, st.uid, st.gid]).toEqual([f, 1234, 1234]);
    }
    expect(statSync(path.join(upper, 'sub/run.sh')).mode & 0o777).toBe(0o755);
    const r = await web.run(['stat', '-c', '%u:%g %n', 'project/hello.txt']);
    expect(r).toEqual({ exitCode: 0, timedOut: false, stdout: '1234:1234 project/hello.txt\n', stderr: '' });
    // A plain tar into a dest of our choice, as root: root's files, not the archive's owners.
    await web.loadArchive(path.join(S.dir, 'plain.tar'), { dest: '/opt/app', user: '0:0' });
    expect((await web.run(['stat', '-c', '%u %n', '/opt/app/project/hello.txt'])).stdout).toBe('0 /opt/app/project/hello.txt\n');
  });

  it('writeFile renders the template with the container facts and the context, with mode and owner', async () => {
    const text = await web.writeFile('/etc/app/app.conf', 'name={{ name }} user={{ user }} uid={{ uid }} home={{ home }} host={{ hostname }} port={{ port }} ip={{ ip | default("none") }}\n', { port: 8080 }, { mode: 0o640, owner: 'builder' });
    expect(text).toBe('name=web user=builder uid=1234 home=/home/builder host=web port=8080 ip=none\n');
    expect((await web.run(['cat', '/etc/app/app.conf'])).stdout).toBe(text);
    expect((await web.run(['stat', '-c', '%a %U', '/etc/app/app.conf'])).stdout).toBe('640 builder\n');
    // Written through the overlay: the root built by the test is untouched.
    expect(existsSync(path.join(ROOT, 'etc/app/app.conf'))).toBe(false);
    expect(readFileSync(path.join(BASE_A, 'app-web/upper/etc/app/app.conf'), 'utf8')).toBe(text);
    // An unknown name is a ConfigError that names it, and nothing is written.
    await expect(web.writeFile('/etc/other.conf', '{{ nope }}')).rejects.toThrow(/\{\{ nope \}\} is not in the context/);
    expect(existsSync(path.join(BASE_A, 'app-web/upper/etc/other.conf'))).toBe(false);
  });

  it('run gives the exit status, captured output, and takes env, cwd, user, stdin and streams', async () => {
    expect((await web.run(['sh', '-c', 'exit 3'])).exitCode).toBe(3);
    expect(await web.run(['sh', '-c', 'echo out; echo err >&2'])).toEqual({ exitCode: 0, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
    expect((await web.run(['sh', '-c', 'echo "$GREETING $FOO"'], { env: { FOO: 'bar' } })).stdout).toBe('hi bar\n');
    expect((await web.run(['pwd'], { cwd: '/tmp' })).stdout).toBe('/tmp\n');
    expect((await web.run(['pwd'])).stdout).toBe('/home/builder\n');
    expect((await web.run(['id', '-u'])).stdout).toBe('1234\n');
    expect((await web.run(['id', '-u'], { user: '0:0' })).stdout).toBe('0\n');
    expect((await web.run(['cat'], { stdin: 'fed through stdin\n' })).stdout).toBe('fed through stdin\n');
    const out = new PassThrough();
    let streamed = '';
    out.on('data', (d) => (streamed += d));
    const r = await web.run(['sh', '-c', 'echo to the stream; echo kept >&2'], { stdout: out });
    expect(r).toEqual({ exitCode: 0, timedOut: false, stdout: '', stderr: 'kept\n' });
    expect(streamed).toBe('to the stream\n');
    expect((await web.run(['no-such-command'])).exitCode).toBe(127);
    await expect(web.run([])).rejects.toThrow(ConfigError);
  });

  it('run stops the command at timeoutMs (124, timedOut) or when its signal aborts (an AbortError), and leaves nothing running', async () => {
    const t = await web.run(['sh', '-c', 'echo began; sleep 30.4; echo finished'], { timeoutMs: 1000 });
    expect(t).toMatchObject({ exitCode: 124, timedOut: true, stdout: 'began\n' });
    expect(hostProcesses('sleep 30.4')).toEqual([]);
    const ac = new AbortController();
    const p = web.run(['sleep', '30.5'], { signal: ac.signal });
    expect(await pollUntil(() => hostProcesses('sleep 30.5').length === 1, 100, 100)).toBe(true);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(hostProcesses('sleep 30.5')).toEqual([]);
    // Aborted before it starts: nothing runs at all.
    await expect(web.run(['touch', '/tmp/never'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(mountsUnder(LIB_A)).toEqual([]);
  });

  it('start runs the startup commands, runs join it, stop leaves nothing', async () => {
    // A daemon as redis-server --daemonize makes one: a new session, the parent returns at once.
    web.addStartupCommand(`setsid -f sh -c 'echo $$ > /tmp/sleeper.pid; exec ${SLEEPER}' >/dev/null 2>&1`);
    web.addStartupCommand('echo "started as $(id -un)" >> "$HOME/starts"');
    // Kept with the container: the same name provisioned again has them.
    expect((await a.provision({ name: 'web', rootfs: ROOT, user: 'builder' })).startupCommands).toEqual(web.startupCommands);
    started.push(web);
    await web.start();
    expect(web.running).toBe(true);
    await expect(web.start()).rejects.toThrow(/running already/);
    expect((await web.run(['cat', 'starts'])).stdout).toBe('started as builder\n');
    expect((await web.run(['sh', '-c', 'kill -0 "$(cat /tmp/sleeper.pid)" && echo alive'])).stdout).toBe('alive\n');
    // A second run: the startup's sleeper is still there (the container stayed up between runs).
    expect((await web.run(['sh', '-c', 'ps -o args= -p "$(cat /tmp/sleeper.pid)"'])).stdout).toBe(`${SLEEPER}\n`);
    expect(hostProcesses(SLEEPER)).toHaveLength(1);
    // A run that joined it, stopped at its time limit: it and what it started go, the container stays.
    const t = await web.run(['sh', '-c', 'sleep 30.6 & sleep 30.6; echo finished'], { timeoutMs: 1000 });
    expect(t).toMatchObject({ exitCode: 124, timedOut: true, stdout: '' });
    expect(hostProcesses('sleep 30.6')).toEqual([]);
    expect(web.running).toBe(true);
    expect(hostProcesses(SLEEPER)).toHaveLength(1);
    expect((await a.containers()).map((c) => c.name)).toEqual(['web']);
    await web.stop();
    expect(web.running).toBe(false);
    expect(hostProcesses(SLEEPER)).toEqual([]);
    expect(mountsUnder(LIB_A)).toEqual([]);
    expect(await a.containers()).toEqual([]);
    // Stopped from outside (micro-container stop): the container can be started again.
    await web.start();
    expect((await stopContainer('web', { libraryDir: LIB_A })).wasRunning).toBe(true);
    expect(hostProcesses(SLEEPER)).toEqual([]);
    await web.start();
    await web.stop();
    expect(mountsUnder(LIB_A)).toEqual([]);
    // What the startup wrote in the upper layer stays; the sleeper (and the jail's /tmp) went with it.
    expect((await web.run(['sh', '-c', 'wc -l < starts; kill -0 "$(cat /tmp/sleeper.pid 2>/dev/null)" 2>/dev/null || echo gone'])).stdout).toBe('3\ngone\n');
  });

  it('a failing startup command is an error with its output, and nothing is left running', async () => {
    const bad = await a.provision({ name: 'bad', rootfs: ROOT, user: 'builder' });
    bad.addStartupCommand(`${SLEEPER} >/dev/null 2>&1 &`);
    bad.addStartupCommand('echo broken config >&2; exit 7');
    started.push(bad);
    const err = await bad.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JailError);
    expect((err as Error).message).toMatch(/startup command 2 \(echo broken config >&2; exit 7\) failed with status 7: broken config/);
    expect(bad.running).toBe(false);
    expect(hostProcesses(SLEEPER)).toEqual([]);
    await bad.remove();
  });

  it('saveImage writes an image file with the startup commands; another service loads it ephemeral and runs from it', async () => {
    const saved = await web.saveImage(IMAGE_FILE);
    expect(saved.file).toBe(IMAGE_FILE);
    expect(saved.name).toBe('web:latest');
    expect(saved.manifest.settings.startup).toEqual(web.startupCommands);
    expect(saved.manifest.settings.user).toBe('builder');
    expect(statSync(IMAGE_FILE).size).toBeGreaterThan(0);

    const b = await setupService({ libraryDir: LIB_B, baseDir: BASE_B });
    const d = await b.loadImage(IMAGE_FILE, { ephemeral: true, name: 'copy' });
    expect(d.startupCommands).toEqual(web.startupCommands);
    const r = await d.run(['sh', '-c', 'id -un; cat project/hello.txt /etc/app/app.conf; wc -l < starts; echo "$GREETING"; touch scratch-file']);
    expect(r.stdout).toBe('builder\nhello from the archive\nname=web user=builder uid=1234 home=/home/builder host=web port=8080 ip=none\n3\nhi\n');
    // Ephemeral: what a run wrote is gone with it, and no upper layer is kept anywhere.
    expect((await d.run(['sh', '-c', 'ls scratch-file 2>/dev/null || echo none'])).stdout).toBe('none\n');
    expect(existsSync(path.join(BASE_B, 'app-copy', 'upper'))).toBe(false);
    const rm = path.join(LIB_B, 'app-copy', 'rm');
    expect(existsSync(rm) ? readdirSync(rm) : []).toEqual([]);
    expect(mountsUnder(LIB_B)).toEqual([]);

    // start() of a container from the image runs the image's startup commands.
    started.push(d);
    await d.start();
    expect((await d.run(['sh', '-c', 'wc -l < starts'])).stdout).toBe('4\n');
    expect(hostProcesses(SLEEPER)).toHaveLength(1);
    await d.stop();
    expect(hostProcesses(SLEEPER)).toEqual([]);
    expect(mountsUnder(LIB_B)).toEqual([]);
    // The start's own line went with its throwaway upper layer; the image's stays.
    expect((await d.run(['sh', '-c', 'wc -l < starts'])).stdout).toBe('3\n');
  });

  it('if the program dies, the lifeline ends the container it started; a program that forgets stop() still exits', async () => {
    const lib = await stableLibraryCopy();
    const script = (end: string) => `
      const { setupService } = await import(${JSON.stringify(lib)});
      const s = await setupService({ libraryDir: ${JSON.stringify(LIB_A)}, baseDir: ${JSON.stringify(BASE_A)} });
      const c = await s.provision({ name: 'orphan', rootfs: ${JSON.stringify(ROOT)}, user: 'builder' });
      await c.start();
      console.log('up');
      ${end}`;
    const state = path.join(LIB_A, 'app-orphan');
    // Killed: SIGKILL, no chance to clean up.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script('setInterval(() => {}, 1000);')], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('up') && resolve());
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => reject(new Error(`the program ended (${code}) before its container was up: ${stderr}`)));
    });
    expect(livePid1(state)).toBeDefined();
    child.kill('SIGKILL');
    expect(await pollUntil(() => livePid1(state) === undefined, 100, 100)).toBe(true);
    // Forgotten: the program's end is the container's.
    const r = await run(process.execPath, ['--input-type=module', '-e', script('')], { timeoutMs: 30_000 });
    expect(r.stdout, r.stderr).toBe('up\n');
    expect(await pollUntil(() => livePid1(state) === undefined, 100, 100)).toBe(true);
    expect(await pollUntil(() => mountsUnder(LIB_A).length === 0, 100, 100)).toBe(true);
  });
});

describe('the library API over the host root', () => {
  it('runs on /, writes files only into its upper layer, and unpacks with the host tar', async () => {
    const h = await a.provision({ name: 'on-host', user: '0:0' });
    expect((await h.run(['cat', '/etc/debian_version'])).stdout).toBe(readFileSync('/etc/debian_version', 'utf8'));
    const file = `/etc/mc-api-test-${process.pid}.conf`;
    await h.writeFile(file, 'root={{ rootfs }} user={{ user }}\n');
    expect((await h.run(['cat', file])).stdout).toBe('root=host user=root\n');
    expect(existsSync(file)).toBe(false);
    await h.loadArchive(path.join(S.dir, 'project.tar.gz'), { dest: '/srv/proj' });
    expect((await h.run(['cat', '/srv/proj/project/hello.txt'])).stdout).toBe('hello from the archive\n');
    expect(existsSync('/srv/proj')).toBe(false);
    // An image over the host's / with its layers stored under that / cannot be stacked by
    // overlayfs: a ConfigError that says so (not a mount error at the first run).
    const img = await h.saveImage(undefined, { as: 'on-host' });
    if (statSync(LIB_A).dev === statSync('/').dev) {
      await expect(a.provision({ name: 'from-host-image', image: img.digest })).rejects.toThrow(/overlayfs cannot stack/);
    } else {
      expect((await (await a.provision({ name: 'from-host-image', image: img.digest, ephemeral: true })).run(['cat', file])).stdout).toBe('root=host user=root\n');
    }
    await h.remove();
    expect(existsSync(path.join(BASE_A, 'app-on-host'))).toBe(false);
  });
});

const ALPINE = path.join(SHARED_ROOTFS, 'alpine-minirootfs-3.20.3-x86_64.tar.gz');
const ALPINE_SHA256 = 'd4e6fd67dcf75e40c451560ac7265166c2b72a0f38ddc9aae756a7de3d1efa0c';

describe.skipIf(!existsSync(ALPINE))('the library API over Alpine, added to the store from a URL', () => {
  it('rootfs URL (pinned by sha256) then the store root by name: busybox tar, writeFile owner, a daemon at start', async () => {
    const server = await startServer({ '/alpine.tar.gz': serveFile(ALPINE) });
    let alp: Container;
    try {
      alp = await a.provision({ name: 'alp', rootfs: `${server.origin}/alpine.tar.gz`, rootfsName: 'alpine', sha256: ALPINE_SHA256, user: '0:0' });
    } finally {
      await server.close();
    }
    expect((await alp.run(['cat', '/etc/alpine-release'])).stdout).toBe('3.20.3\n');
    // The same root again, by its store name: no download (the server is gone).
    const again = await a.provision({ name: 'alp', rootfs: 'root-alpine', user: '0:0' });
    expect(again.config.lowerDirs).toEqual(alp.config.lowerDirs);
    await alp.loadArchive(path.join(S.dir, 'project.tar.gz'), { dest: '/srv' });
    expect((await alp.run(['stat', '-c', '%u %n', '/srv/project/hello.txt'])).stdout).toBe('0 /srv/project/hello.txt\n');
    await alp.writeFile('/etc/conf.d/app', 'home={{ home }}\n', {}, { owner: 'nobody:nobody', mode: '600' });
    expect((await alp.run(['stat', '-c', '%U %a', '/etc/conf.d/app'])).stdout).toBe('nobody 600\n');
    alp.addStartupCommand(`${SLEEPER} >/dev/null 2>&1 &`);
    started.push(alp);
    await alp.start();
    expect((await alp.run(['pgrep', '-f', SLEEPER])).exitCode).toBe(0);
    await alp.stop();
    expect(hostProcesses(SLEEPER)).toEqual([]);
    await alp.remove();
  });
});

describe('the library API refuses bad input with what to do', () => {
  it.each([
    ['a rootfs path that is not there', { rootfs: '/no/such/root' }, /neither a directory nor an archive file/],
    ['a store root that is not there', { rootfs: 'root-nothere' }, /there is no root 'nothere'/],
    ['rootfs and image together', { rootfs: ROOT, image: 'web' }, /either rootfs or image/],
    ['an image that is not there', { image: 'nothere' }, /no image named nothere/],
    ['a bad name', { name: '-bad' }, /container name '-bad' is not valid/],
    ['a relative workdir', { rootfs: ROOT, workdir: 'rel' }, /workdir 'rel' must be an absolute path/],
  ])('%s', async (_what, options, message) => {
    await expect(a.provision(options)).rejects.toThrow(message);
    await expect(a.provision(options)).rejects.toBeInstanceOf(ConfigError);
  });

  it('a file that is not an archive, and a startup command that is empty', async () => {
    const notTar = path.join(S.dir, 'not-a-tar');
    writeFileSync(notTar, 'just text\n');
    await expect(web.loadArchive(notTar)).rejects.toThrow(/loading .*not-a-tar into web:\/home\/builder failed/);
    await expect(web.loadArchive(path.join(S.dir, 'missing.tar'))).rejects.toThrow(ConfigError);
    expect(() => web.addStartupCommand('  ')).toThrow(ConfigError);
  });
});
