import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInputs, type ActionConfig, type InputName } from '../../src/action/inputs.js';
import { containerVolumes, isActionOnlyVariable, jailConfig, jobId, planJob, shellCommand, stepEnvironment } from '../../src/action/plan.js';
import { renderShellWords, renderWrapper } from '../../src/action/wrapper.js';

const ENV = { GITHUB_WORKSPACE: '/w/app/app', RUNNER_TEMP: '/w/_temp', GITHUB_JOB: 'build', GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '1' };
const cfg = (given: Partial<Record<InputName, string>> = {}): ActionConfig => parseInputs((n) => given[n] ?? '', { env: ENV, uid: 1001, gid: 118 });

describe('planJob', () => {
  it('puts the container under library-dir/action and the wrapper under RUNNER_TEMP', () => {
    const p = planJob(cfg({ 'library-dir': '/lib' }), ENV);
    const id = jobId('build', ENV);
    expect(id).toMatch(/^build-[0-9a-f]{12}$/);
    expect(p).toEqual({
      name: 'build',
      jobDir: `/lib/action/${id}`,
      jailLibraryDir: `/lib/action/${id}/lib`,
      jailBaseDir: `/lib/action/${id}/base`,
      wrapperDir: `/w/_temp/micro-container/${id}-bin`,
      wrapperPath: `/w/_temp/micro-container/${id}-bin/mc-shell`,
    });
  });

  it.each([
    ['another run', { GITHUB_RUN_ID: '78' }],
    ['another attempt', { GITHUB_RUN_ATTEMPT: '2' }],
    ['another runner on the same machine', { RUNNER_TEMP: '/w2/_temp' }],
    ['another job', { GITHUB_JOB: 'test' }],
  ])('%s gets another job directory', (_, change) => {
    expect(jobId('build', { ...ENV, ...change })).not.toBe(jobId('build', ENV));
  });
});

describe('containerVolumes', () => {
  it.each<[string, Partial<Record<InputName, string>>, Record<string, string>, { host: string; guest: string; readOnly: boolean }[]]>([
    ['user volumes, then the workspace and RUNNER_TEMP at their own paths', { volumes: '/c:/cache:ro' }, {},
      [{ host: '/c', guest: '/cache', readOnly: true }, { host: '/w/app/app', guest: '/w/app/app', readOnly: false }, { host: '/w/_temp', guest: '/w/_temp', readOnly: false }]],
    ['workspace: false leaves it out', { workspace: 'false' }, {}, [{ host: '/w/_temp', guest: '/w/_temp', readOnly: false }]],
    ['file commands under RUNNER_TEMP need nothing more', {}, { GITHUB_OUTPUT: '/w/_temp/_runner_file_commands/set_output_1' },
      [{ host: '/w/app/app', guest: '/w/app/app', readOnly: false }, { host: '/w/_temp', guest: '/w/_temp', readOnly: false }]],
    ['file commands elsewhere: their directories, once', {}, { GITHUB_OUTPUT: '/fc/out', GITHUB_ENV: '/fc/env', GITHUB_STEP_SUMMARY: '/sum/s' },
      [{ host: '/w/app/app', guest: '/w/app/app', readOnly: false }, { host: '/w/_temp', guest: '/w/_temp', readOnly: false },
        { host: '/fc', guest: '/fc', readOnly: false }, { host: '/sum', guest: '/sum', readOnly: false }]],
    ['a user volume at the workspace path wins', { volumes: '/elsewhere:/w/app/app:ro' }, {},
      [{ host: '/elsewhere', guest: '/w/app/app', readOnly: true }, { host: '/w/_temp', guest: '/w/_temp', readOnly: false }]],
  ])('%s', (_, given, env, want) => {
    expect(containerVolumes(cfg(given), { ...ENV, ...env })).toEqual(want);
  });
});

describe('jailConfig', () => {
  it('maps the action config onto the jail config, hooks only when given', () => {
    const c = cfg({ env: 'A=1', user: '0:0', workdir: '/src', name: 'ci' });
    const p = planJob(c, ENV);
    expect(jailConfig(c, p, '/roots/alpine', ENV, { init: '/i.sh' })).toEqual({
      libraryDir: p.jailLibraryDir,
      baseDir: p.jailBaseDir,
      lowerDirs: ['/roots/alpine'],
      name: 'ci',
      workdir: '/src',
      user: '0:0',
      volumes: containerVolumes(c, ENV),
      env: { A: '1' },
      network: 'host',
      nat: false,
      initScript: '/i.sh',
      shutdownScript: undefined,
      command: [],
    });
  });

  it('passes network and nat on; image layers go above the root, topmost first', () => {
    const c = cfg({ network: 'private', nat: 'true', name: 'ci' });
    const p = planJob(c, ENV);
    const j = jailConfig(c, p, ['/lib/images/l2', '/lib/images/l1', '/roots/alpine'], ENV);
    expect([j.network, j.nat, j.lowerDirs]).toEqual(['private', true, ['/lib/images/l2', '/lib/images/l1', '/roots/alpine']]);
  });
});

describe('stepEnvironment', () => {
  it.each([
    ['INPUT_RUN', true],
    ['INPUT_ROOTFS-SHA256', true],
    ['STATE_plan', true],
    ['ACTIONS_RUNTIME_TOKEN', true],
    ['ACTIONS_CACHE_URL', true],
    ['SUDO_UID', true],
    ['MC_STAGE', true],
    ['GITHUB_OUTPUT', false],
    ['RUNNER_TEMP', false],
    ['MY_SECRET', false],
    ['PATH', false],
  ])('%s is only the action\'s: %s', (name, want) => {
    expect(isActionOnlyVariable(name)).toBe(want);
  });

  it('keeps the step\'s variables and drops the action\'s', () => {
    expect(stepEnvironment({ GITHUB_ENV: '/f', INPUT_RUN: 'x', TOKEN: 'a\nb', GONE: undefined, ACTIONS_RUNTIME_TOKEN: 't' })).toEqual({ GITHUB_ENV: '/f', TOKEN: 'a\nb' });
  });
});

describe('shellCommand', () => {
  it.each([
    [['sh', '-e'], ['sh', '-e', '/t/s.sh']],
    [['bash', '-e', '{0}'], ['bash', '-e', '/t/s.sh']],
    [['python3', '{0}', '--flag'], ['python3', '/t/s.sh', '--flag']],
    [['run', '--file={0}'], ['run', '--file=/t/s.sh']],
  ])('%j', (shell, want) => {
    expect(shellCommand(shell, '/t/s.sh')).toEqual(want);
  });
});

describe('the shell wrapper', () => {
  it.each([
    [['sh', '-e'], `'sh' '-e' "$@"`],
    [['bash', '-e', '{0}'], `'bash' '-e' "$@"`],
    [['run', '--file={0}', 'x'], `'run' '--file='"$1" 'x'`],
    [["it's"], `'it'\\''s' "$@"`],
  ])('shell words %j -> %s', (shell, want) => {
    expect(renderShellWords(shell)).toBe(want);
  });

  it('not root: execs sudo -n, which reads the environment from /proc of the wrapper (now sudo) itself', () => {
    const text = renderWrapper({ name: 'ci', shellName: 'mc-shell', launcher: '/lib/app-ci/launcher-1.sh', shell: ['sh', '-e'], viaSudo: true });
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toContain(`exec sudo -n -- /bin/bash -c 'mapfile -d '\\'''\\'' -t mc_env < "/proc/$1/environ" || exit 125; shift; exec /usr/bin/env -i -- "\${mc_env[@]}" MC_CLEAN_ENV=1 /bin/sh "$@"' mc-enter "$$" '/lib/app-ci/launcher-1.sh' 'sh' '-e' "$@"\n`);
    expect(spawnSync('sh', ['-n', '-c', text]).status).toBe(0);
  });

  it('as root: runs the launcher itself with the step\'s environment and the script', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-action-wrapper-'));
    try {
      // A stand-in launcher: shows what it was given.
      const launcher = path.join(dir, 'launcher.sh');
      writeFileSync(launcher, 'printf "%s|" "$@"; echo "clean=$MC_CLEAN_ENV step=$STEP_VAR"\n');
      const wrapper = path.join(dir, 'mc-shell');
      writeFileSync(wrapper, renderWrapper({ name: 'ci', shellName: 'mc-shell', launcher, shell: ['bash', '-e', '{0}'], viaSudo: false }), { mode: 0o755 });
      const r = spawnSync(wrapper, ['/t/step 1.sh'], { encoding: 'utf8', env: { PATH: process.env.PATH, STEP_VAR: 'v w' } });
      expect(r.stdout).toBe('bash|-e|/t/step 1.sh|clean=1 step=v w\n');
      const usage = spawnSync(wrapper, [], { encoding: 'utf8' });
      expect(usage.status).toBe(2);
      expect(usage.stderr).toBe("mc-shell: usage: mc-shell SCRIPT (as a step's shell: 'shell: mc-shell {0}')\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
