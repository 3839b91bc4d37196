import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerJobs, type RunnerJob } from '../support/action-harness.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { scratch } from '../support/host.js';
import { buildMiniRoot } from '../support/miniroot.js';
import { stopTrees, type TreesHolder } from '../../src/action/trees.js';
import { processStartTime } from '../../src/core/processes.js';
import { STATE_ROOT } from '../../src/core/trees/containerize-spec.js';

// rootfs: trees:GROUP/INSTANCE end to end: the instance is cloned from its template when
// missing, the group's .container scripts run once per job (bind in main; stop and unbind
// in post), and `run` and later `shell: mc-shell {0}` steps join the one live container.
expectHostMountsUnchanged();

const S = scratch('mc-action-trees-');
const TREES = () => path.join(S.dir, 'trees');
const HOOK_LOG = () => path.join(S.dir, 'hooks.log');
const hookCalls = () => (existsSync(HOOK_LOG()) ? readFileSync(HOOK_LOG(), 'utf8').split('\n').filter(Boolean) : []);

const runner = new RunnerJobs(S.dir, 't');
const jobs: RunnerJob[] = [];
function job(): RunnerJob {
  const j = runner.job();
  jobs.push(j);
  return j;
}

beforeAll(() => {
  runner.setUp();
  const hooks = path.join(TREES(), 'ci', '.container');
  mkdirSync(hooks, { recursive: true });
  buildMiniRoot(path.join(TREES(), 'ci', 'main'));
  // Each script logs its name and arguments; bind also leaves a mark inside the root.
  for (const name of ['bind', 'stop', 'unbind']) {
    const extra = name === 'bind' ? 'echo "bound by $0" > "$1/etc/bound"\necho "bind script says hello"\n' : '';
    writeFileSync(path.join(hooks, name), `#!/bin/sh\necho "${name} $*" >> ${HOOK_LOG()}\n${extra}`, { mode: 0o755 });
  }
  writeFileSync(path.join(hooks, 'profile'), `echo profile >> /tmp/profile-ran\n`, { mode: 0o644 });
});
afterAll(async () => {
  // A test that failed before its post leaves its container up: stop it (its launcher is in the scratch dir).
  for (const j of jobs) {
    const holder = j.state.main ? (JSON.parse(j.state.main) as { treesHolder?: TreesHolder }).treesHolder : undefined;
    if (holder) await stopTrees(holder).catch(() => undefined);
  }
  // containerize keeps an instance's state dir (its locks) under /run; these are the test's.
  const hash = createHash('sha256').update(TREES()).digest('hex').slice(0, 8);
  if (existsSync(STATE_ROOT)) {
    for (const d of readdirSync(STATE_ROOT)) if (d.startsWith('ci.') && d.endsWith(`.${hash}`)) rmSync(path.join(STATE_ROOT, d), { recursive: true, force: true });
  }
  S.cleanup();
});

function expectNothingLeft(j: RunnerJob): void {
  const { plan } = JSON.parse(j.state.plan) as { plan: { jobDir: string; wrapperDir: string } };
  expect(existsSync(plan.jobDir)).toBe(false);
  expect(existsSync(plan.wrapperDir)).toBe(false);
}

describe('rootfs trees:GROUP/INSTANCE with trees-template', () => {
  it('the first job clones the instance, binds once, runs run and steps in the one container, and stops and unbinds once in post; the next job reuses it', async () => {
    const inputs = { rootfs: 'trees:ci/pr-1', 'trees-template': 'main', 'trees-dir': TREES(), 'library-dir': path.join(S.dir, 'lib') };
    const instance = path.join(TREES(), 'ci', 'pr-1');
    const first = job();
    const main = await first.main({ ...inputs, run: 'echo from-run > /built.txt\npwd\ncat /etc/bound\ncat /tmp/profile-ran' });
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(`${first.workspace}\nbound by ${path.join(TREES(), 'ci', '.container', 'bind')}\nprofile\n`);
    expect(main.stdout).toContain('bind script says hello');
    expect(main.stdout).toMatch(/cloned ci\/main to pr-1 by (copy|reflink|snapshot) in [0-9.]+ s/);
    expect(main.outputs).toMatchObject({ 'root-path': instance, 'exit-code': '0', 'shell-name': 'mc-shell', 'rootfs-cache-hit': 'false' });
    expect(hookCalls()).toEqual([`bind ${instance} ci pr-1`]);
    // Written into the instance itself: a trees root is the build root, kept between jobs.
    expect(readFileSync(path.join(instance, 'built.txt'), 'utf8')).toBe('from-run\n');

    const step = await first.shellStep('mc-shell {0}', 'cat /built.txt\necho second > /second.txt\npwd\necho "ok=1" >> "$GITHUB_OUTPUT"\n');
    expect(step.stderr).toBe('');
    expect(step.code).toBe(0);
    expect(step.stdout).toBe(`from-run\n${first.workspace}\n`);
    expect(step.outputs).toEqual({ ok: '1' });
    const next = await first.shellStep('mc-shell {0}', 'cat /second.txt /tmp/profile-ran\n');
    expect(next.stdout).toBe('second\nprofile\n');
    // The container stayed up: bind ran once, nothing stopped yet.
    expect(hookCalls()).toEqual([`bind ${instance} ci pr-1`]);

    const post = await first.post(inputs);
    expect(post.stderr).toBe('');
    expect(post.code).toBe(0);
    const calls = hookCalls();
    expect(calls).toHaveLength(3);
    expect(calls[1]).toMatch(new RegExp(`^stop ${instance} \\d+$`));
    expect(calls[2]).toBe(`unbind ${instance}`);
    expect(post.summary).toMatch(/<td>trees<\/td><td>ok<\/td><td>[^<]+<\/td><td>ci\/pr-1: cloned from main by (copy|reflink|snapshot) in [0-9.]+ s \([0-9.]+ (KiB|MiB)\)/);
    expect(post.summary).toContain('stopped the container (stop and unbind ran)');
    const { treesHolder } = JSON.parse(first.state.main) as { treesHolder: { stateDir: string; pid: number } };
    // Gone, or a zombie its new parent (init, after main's exit) has not reaped yet.
    expect(processStartTime(treesHolder.pid)).toBeUndefined();
    expect(readFileSync(path.join(treesHolder.stateDir, 'keeper'), 'utf8')).toBe('');
    expectNothingLeft(first);

    // The next job: the instance is there, with what the first job left in it.
    const second = job();
    const again = await second.main({ ...inputs, run: 'cat /built.txt /second.txt' });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('from-run\nsecond\n');
    expect(again.stdout).toContain('instance ci/pr-1 exists: not cloned');
    const post2 = await second.post(inputs);
    expect(post2.code).toBe(0);
    expect(post2.summary).toContain('ci/pr-1: instance exists (not cloned)');
    expect(hookCalls().map((c) => c.split(' ')[0])).toEqual(['bind', 'stop', 'unbind', 'bind', 'stop', 'unbind']);
    expectNothingLeft(second);
  });

  it('a failing run fails main with its code; a step still running when post comes is killed; post stops and unbinds once', async () => {
    const inputs = { rootfs: 'trees:ci/pr-2', 'trees-template': 'main', 'trees-dir': TREES(), 'library-dir': path.join(S.dir, 'lib') };
    const instance = path.join(TREES(), 'ci', 'pr-2');
    const before = hookCalls().length;
    const j = job();
    const main = await j.main({ ...inputs, run: 'echo building\nexit 4' });
    expect(main.code).toBe(4);
    expect(main.errors).toEqual(['run failed with exit code 4']);
    const stepDone = j.shellStep('mc-shell {0}', 'echo started > /started\nsleep 3579\n');
    for (let i = 0; i < 200 && !existsSync(path.join(instance, 'started')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(path.join(instance, 'started'))).toBe(true);
    const post = await j.post(inputs);
    expect(post.code).toBe(0);
    expect(post.summary).toContain('killed 1 step(s) still running; stopped the container (stop and unbind ran)');
    const step = await stepDone;
    expect(step.code).not.toBe(0);
    const sleepers = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && (() => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8') === 'sleep\u00003579\u0000';
      } catch {
        return false;
      }
    })());
    expect(sleepers).toEqual([]);
    expect(hookCalls().slice(before).map((c) => c.split(' ')[0])).toEqual(['bind', 'stop', 'unbind']);
    const { treesHolder } = JSON.parse(j.state.main) as { treesHolder: { stateDir: string } };
    expect(readFileSync(path.join(treesHolder.stateDir, 'keeper'), 'utf8')).toBe('');
    expectNothingLeft(j);
  });

  it('a missing instance without trees-template fails main with what to do; post cleans up', async () => {
    const j = job();
    const inputs = { rootfs: 'trees:ci/nope', 'trees-dir': TREES(), 'library-dir': path.join(S.dir, 'lib') };
    const main = await j.main({ ...inputs, run: 'true' });
    expect(main.code).toBe(1);
    expect(main.errors.join('\n')).toMatch(/instance nope does not exist/);
    const post = await j.post(inputs);
    expect(post.code).toBe(0);
    expectNothingLeft(j);
  });
});
