import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerJobs, setSudo, type RunnerJob, type RunnerUser } from '../support/action-harness.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { scratch, SHARED_ROOTFS, sharedRoot } from '../support/host.js';
import { serveFile, startServer, type TestServer } from '../support/http-server.js';

// action.yml end to end, as GitHub's runner runs it: main, `shell: mc-shell {0}` steps,
// post; as a non-root user with passwordless sudo (the hosted runners' `runner`) and as root.
expectHostMountsUnchanged();

const ALPINE_TGZ = path.join(SHARED_ROOTFS, 'alpine-minirootfs-3.20.3-x86_64.tar.gz');
const S = scratch('mc-action-');
const jobs = new RunnerJobs(S.dir, 'e2e-');
const LIB = () => path.join(S.dir, 'lib');

let user: RunnerUser;

beforeAll(() => {
  user = jobs.setUp();
});
afterAll(() => {
  setSudo(user.name, true);
  S.cleanup();
});

/** Processes running this test's `sleep 3579`. */
function sleepers(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8') === 'sleep\u00003579\u0000';
    } catch {
      return false;
    }
  });
}

/** Nothing of the job is left: neither the job dir in the library nor the wrapper dir main recorded. */
function expectNothingLeft(j: RunnerJob): void {
  const { plan } = JSON.parse(j.state.plan) as { plan: { jobDir: string; wrapperDir: string } };
  expect(plan.jobDir.startsWith(path.join(S.dir))).toBe(true);
  expect(existsSync(plan.jobDir)).toBe(false);
  expect(existsSync(plan.wrapperDir)).toBe(false);
}

describe('as the runner user with passwordless sudo, over the host root', () => {
  it('main runs `run` in the workspace as the runner, a later shell step shares the layer and the file commands, post cleans up', async () => {
    const j = jobs.job();
    // /opt is root's: the init script (on the host, root, with the container's root mounted)
    // gives the runner a directory there, as a workflow would prepare its build root.
    const init = path.join(S.dir, 'opt-init.sh');
    writeFileSync(init, '#!/bin/sh\nmkdir -p "$2/opt/mc-e2e" && chown "$3:$4" "$2/opt/mc-e2e"\n', { mode: 0o755 });
    const main = await j.main({
      'library-dir': LIB(),
      init,
      run: [
        'echo hello > out.txt',
        'echo from-run > /opt/mc-e2e/note',
        'echo "token=${ACTIONS_RUNTIME_TOKEN:-none} input=${INPUT_RUN:+set}" > env.txt',
      ].join('\n'),
    });
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.outputs).toMatchObject({ 'root-path': '/', 'shell-name': 'mc-shell', 'exit-code': '0', 'rootfs-cache-hit': 'false', 'image-cache-hit': 'false' });
    const out = statSync(path.join(j.workspace, 'out.txt'));
    expect([out.uid, out.gid]).toEqual([user.uid, user.gid]);
    // The runtime's token and the inputs are the action's, not the script's.
    expect(readFileSync(path.join(j.workspace, 'env.txt'), 'utf8')).toBe('token=none input=\n');
    expect(existsSync('/opt/mc-e2e')).toBe(false);
    expect(j.paths).toHaveLength(1);

    const step = await j.shellStep(
      'mc-shell {0}',
      [
        'cat /opt/mc-e2e/note',
        'id -u; id -g; pwd',
        'printf "%s\\n" "$MULTI" | wc -l',
        'echo "pp=$PYTHONPATH ld=$LD_LIBRARY_PATH"',
        'echo "answer=42" >> "$GITHUB_OUTPUT"',
        'echo "FROM_STEP=yes" >> "$GITHUB_ENV"',
        'echo "### from inside" >> "$GITHUB_STEP_SUMMARY"',
        'echo installed > /opt/mc-e2e/second',
      ].join('\n'),
      // What sudo would drop or mangle: multi-line values and its "unsafe" variables.
      { MULTI: 'line one\nline two\nline three', PYTHONPATH: '/py', LD_LIBRARY_PATH: '/ld' },
    );
    expect(step.stderr).toBe('');
    expect(step.code).toBe(0);
    expect(step.stdout.split('\n')).toEqual(['from-run', String(user.uid), String(user.gid), j.workspace, '3', 'pp=/py ld=/ld', '']);
    expect(step.outputs).toEqual({ answer: '42' });
    expect(step.summary).toBe('### from inside\n');
    expect(j.jobEnv.FROM_STEP).toBe('yes');

    // The next step gets GITHUB_ENV's variable (the runner carries it) and sees the layer.
    const next = await j.shellStep('mc-shell {0}', 'echo "$FROM_STEP $(cat /opt/mc-e2e/second)"\n');
    expect(next.stdout).toBe('yes installed\n');
    expect(existsSync('/opt/mc-e2e')).toBe(false);

    const post = await j.post({ 'library-dir': LIB() });
    expect(post.stderr).toBe('');
    expect(post.code).toBe(0);
    expect(post.summary).toMatch(/<h3>micro-container: build<\/h3>/);
    for (const phase of ['root', 'setup', 'run', 'stop', 'save', 'unmount', 'remove', 'total']) expect(post.summary).toContain(`<td>${phase}</td>`);
    expectNothingLeft(j);

    // Post is idempotent: again, it finds nothing to do and does not fail.
    const again = await j.post({ 'library-dir': LIB() });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing left to remove/);
  });

  it('a failing run fails the step with its exit code; post still tears down, and does not save the image (save-image-if: success)', async () => {
    const j = jobs.job();
    // (Over the host's / an image can be written to a file, not restored: no image-cache-key here.)
    const main = await j.main({ 'library-dir': LIB(), run: 'echo building\nexit 3', 'save-image': 'image.tar' });
    expect(main.code).toBe(3);
    expect(main.outputs['exit-code']).toBe('3');
    expect(main.errors).toEqual(['run failed with exit code 3']);
    expect(main.stdout).toContain('building');
    const post = await j.post({ 'library-dir': LIB() });
    expect(post.code).toBe(0);
    expect(post.summary).toContain('not saved: the build failed and save-image-if is success');
    expect(existsSync(path.join(j.workspace, 'image.tar'))).toBe(false);
    expectNothingLeft(j);
  });

  it('a step still running inside when post comes (a cancelled job) is killed, and its jail with it', async () => {
    const j = jobs.job();
    expect((await j.main({ 'library-dir': LIB() })).code).toBe(0);
    const stateDir = JSON.parse(j.state.main).stateDir as string;
    const stepDone = j.shellStep('mc-shell {0}', 'sleep 3579\n');
    const pid1 = () => (existsSync(path.join(stateDir, 'pid1')) ? readFileSync(path.join(stateDir, 'pid1'), 'utf8').trim() : '');
    for (let i = 0; i < 200 && pid1() === ''; i++) await new Promise((r) => setTimeout(r, 50));
    expect(pid1()).not.toBe('');
    try {
      const post = await j.post({ 'library-dir': LIB() });
      expect(post.code).toBe(0);
      expect(post.stdout).toMatch(/killed the jail/);
      const step = await stepDone;
      expect(step.code).not.toBe(0);
      expect(sleepers()).toEqual([]);
      expectNothingLeft(j);
    } finally {
      // Should post not have killed it, the test does, so nothing outlives it.
      for (const pid of sleepers()) process.kill(Number(pid), 'SIGKILL');
    }
  });

  it('runs the init script before run and the shutdown script in post, on the host with the root mounted', async () => {
    const j = jobs.job();
    const hooks = path.join(S.dir, 'hooks');
    mkdirSync(hooks, { recursive: true });
    const marker = path.join(hooks, 'shutdown.log');
    writeFileSync(path.join(hooks, 'init.sh'), '#!/bin/sh\necho "init $3:$4" > "$2/etc/mc-init"\n', { mode: 0o755 });
    writeFileSync(path.join(hooks, 'shutdown.sh'), `#!/bin/sh\necho "$1 $3:$4 $(cat "$2/etc/mc-init")" >> ${marker}\n`, { mode: 0o755 });
    const inputs = { 'library-dir': LIB(), init: path.join(hooks, 'init.sh'), shutdown: path.join(hooks, 'shutdown.sh') };
    const main = await j.main({ ...inputs, run: 'cat /etc/mc-init' });
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(`init ${user.uid}:${user.gid}`);
    expect(existsSync(marker)).toBe(false);
    expect((await j.shellStep('mc-shell {0}', 'cat /etc/mc-init\n')).stdout).toBe(`init ${user.uid}:${user.gid}\n`);
    expect(existsSync(marker)).toBe(false);
    const post = await j.post(inputs);
    expect(post.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe(`shutdown ${user.uid}:${user.gid} init ${user.uid}:${user.gid}\n`);
    expectNothingLeft(j);
  });

  it('says what to do when sudo asks for a password, and post then has nothing to clean', async () => {
    const j = jobs.job();
    setSudo(user.name, false);
    try {
      const main = await j.main({ 'library-dir': LIB(), run: 'true' });
      expect(main.code).toBe(1);
      expect(main.errors.join('\n')).toMatch(/root is needed.*passwordless sudo/);
      const post = await j.post({ 'library-dir': LIB() });
      expect(post.code).toBe(0);
      expect(post.stdout).toMatch(/nothing to clean up/);
    } finally {
      setSudo(user.name, true);
    }
  });

  it('reports a bad input by name before making anything: post has nothing to clean', async () => {
    const j = jobs.job();
    const main = await j.main({ 'library-dir': LIB(), volumes: 'no-colon-here' });
    expect(main.code).toBe(1);
    expect(main.errors.join('\n')).toMatch(/input 'volumes': 'no-colon-here' is not host:guest\[:ro\]/);
    const post = await j.post({ 'library-dir': LIB() });
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/nothing to clean up/);
  });

  it('when set-up fails half-way (a volume that is not there), post removes what main made', async () => {
    const j = jobs.job();
    const main = await j.main({ 'library-dir': LIB(), volumes: `${path.join(S.dir, 'missing')}:/data`, run: 'true' });
    expect(main.code).toBe(1);
    expect(main.errors.join('\n')).toMatch(/volume source .*missing does not exist/);
    expect(existsSync(JSON.parse(j.state.plan).plan.jobDir)).toBe(true);
    const post = await j.post({ 'library-dir': LIB() });
    expect(post.code).toBe(0);
    expect(post.summary).toMatch(/<td>setup<\/td><td>failed<\/td>/);
    expectNothingLeft(j);
  });
});

describe.skipIf(!existsSync(ALPINE_TGZ))('Alpine roots (from ../shared/rootfs)', () => {
  let server: TestServer;
  let sha = '';
  beforeAll(async () => {
    server = await startServer({ '/alpine.tar.gz': serveFile(ALPINE_TGZ) });
    sha = createHash('sha256').update(readFileSync(ALPINE_TGZ)).digest('hex');
    expect(readFileSync(path.join(SHARED_ROOTFS, 'SHA256SUMS'), 'utf8')).toContain(sha);
  });
  afterAll(() => server?.close());

  it('as root, over a directory root: run and shell steps as root in Alpine', async () => {
    const root = sharedRoot('alpine')!;
    const j = jobs.job('root');
    const main = await j.main({ 'library-dir': LIB(), rootfs: root, run: 'cat /etc/alpine-release > release.txt; id -u' });
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.outputs['root-path']).toBe(root);
    expect(main.stdout).toContain('\n0\n');
    expect(readFileSync(path.join(j.workspace, 'release.txt'), 'utf8')).toBe('3.20.3\n');
    // As root the wrapper runs the launcher itself (no sudo).
    expect(readFileSync(path.join(j.paths[0], 'mc-shell'), 'utf8')).not.toContain('sudo');
    const step = await j.shellStep('mc-shell {0}', 'cat /etc/alpine-release; echo "ok=1" >> "$GITHUB_OUTPUT"\n');
    expect(step.stdout).toBe('3.20.3\n');
    expect(step.outputs).toEqual({ ok: '1' });
    expect((await j.post({ 'library-dir': LIB() })).code).toBe(0);
    expectNothingLeft(j);
  });

  it('as the runner, from a tarball URL pinned by sha256: downloaded once, then found in the store', async () => {
    const url = `${server.origin}/alpine.tar.gz`;
    const inputs = { 'library-dir': LIB(), rootfs: url, 'rootfs-sha256': sha };
    const first = jobs.job();
    const main = await first.main({ ...inputs, run: 'cat /etc/alpine-release; id -u' });
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(`3.20.3\n${user.uid}\n`);
    expect(main.outputs['root-path']).toBe(path.join(LIB(), 'store', 'roots', sha));
    expect(server.hits('/alpine.tar.gz')).toBe(1);
    expect((await first.post(inputs)).code).toBe(0);

    const second = jobs.job();
    const again = await second.main({ ...inputs, run: 'cat /etc/alpine-release' });
    expect(again.code).toBe(0);
    expect(server.hits('/alpine.tar.gz')).toBe(1);
    const post = await second.post(inputs);
    expect(post.summary).toContain('found in the store');
    expectNothingLeft(second);
  });

  it('a wrong sha256 pin fails main with both digests; post cleans up', async () => {
    const j = jobs.job();
    const main = await j.main({ 'library-dir': path.join(S.dir, 'lib-bad'), rootfs: `${server.origin}/alpine.tar.gz`, 'rootfs-sha256': '0'.repeat(64), run: 'true' });
    expect(main.code).toBe(1);
    expect(main.errors.join('\n')).toMatch(/sha256/);
    expect((await j.post({ 'library-dir': path.join(S.dir, 'lib-bad') })).code).toBe(0);
    expectNothingLeft(j);
  });
});
