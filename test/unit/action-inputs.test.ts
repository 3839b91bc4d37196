import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { defaultName, INPUT_NAMES, OUTPUT_NAMES, parseInputs, parseShell, type ActionConfig, type InputName } from '../../src/action/inputs.js';
import { readActionYml } from '../support/action-yml.js';

const ENV = { GITHUB_WORKSPACE: '/home/runner/work/app/app', RUNNER_TEMP: '/home/runner/work/_temp', GITHUB_JOB: 'build' };
const facts = { env: ENV, uid: 1001, gid: 118 };

/** The runner gives every input, with action.yml's default when the workflow leaves it out. */
function parse(given: Partial<Record<InputName, string>>, env: Record<string, string | undefined> = ENV): ActionConfig {
  const defaults = readActionYml().inputs;
  return parseInputs((n) => (given[n] ?? defaults[n]?.default ?? '').trim(), { ...facts, env });
}

describe('action.yml and inputs.ts agree', () => {
  it('declares exactly the inputs parseInputs reads, and the outputs', () => {
    const yml = readActionYml();
    expect(Object.keys(yml.inputs)).toEqual([...INPUT_NAMES]);
    expect(yml.outputs).toEqual([...OUTPUT_NAMES]);
    expect(yml.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js', 'post-if': 'always()' });
  });

  it('its defaults are the defaults parseInputs applies to empty inputs', () => {
    expect(parse({})).toEqual(parseInputs(() => '', facts));
  });
});

describe('parseInputs: defaults', () => {
  it('host root, runner uid:gid, the workspace mounted and as workdir, job id as name, mc-shell', () => {
    expect(parse({})).toEqual({
      rootfs: { kind: 'host' },
      rootfsSha256: undefined,
      treesTemplate: undefined,
      treesDir: '/trees',
      name: 'build',
      libraryDir: '/var/lib/micro-container',
      imageCacheKey: undefined,
      imageRestoreKeys: [],
      saveImage: undefined,
      saveImageIf: 'success',
      cache: true,
      volumes: [],
      workspace: true,
      user: '1001:118',
      workdir: '/home/runner/work/app/app',
      env: {},
      network: 'host',
      nat: false,
      init: undefined,
      shutdown: undefined,
      run: '',
      shell: ['sh', '-e'],
      shellName: 'mc-shell',
      workspacePath: '/home/runner/work/app/app',
      runnerTemp: '/home/runner/work/_temp',
    });
  });
});

describe('parseInputs: values', () => {
  it.each<[string, Partial<Record<InputName, string>>, Partial<ActionConfig>]>([
    ['a URL root with a pin (upper-case hex accepted)', { rootfs: 'https://example.org/a.tar.gz', 'rootfs-sha256': 'AB'.repeat(32) },
      { rootfs: { kind: 'url', url: 'https://example.org/a.tar.gz' }, rootfsSha256: 'ab'.repeat(32) }],
    ['a relative tarball path is from the workspace', { rootfs: 'roots/alpine.tar.gz' }, { rootfs: { kind: 'path', path: '/home/runner/work/app/app/roots/alpine.tar.gz' } }],
    ['an absolute directory', { rootfs: '/srv/root' }, { rootfs: { kind: 'path', path: '/srv/root' } }],
    ['a trees root with its template', { rootfs: 'trees:ci/pr-12', 'trees-template': 'main' }, { rootfs: { kind: 'trees', group: 'ci', instance: 'pr-12' }, treesTemplate: 'main', treesDir: '/trees' }],
    ['a trees dir relative to the workspace', { rootfs: 'trees:ci/pr-12', 'trees-dir': '../trees' }, { treesDir: '/home/runner/work/app/trees' }],
    ['an absolute trees dir', { rootfs: 'trees:ci/pr-12', 'trees-dir': '/srv/trees/' }, { treesDir: '/srv/trees' }],
    ['volumes: ro, rw, relative, blank and comment lines', { volumes: '/cache:/root/.cache\n\n# comment\nsrc:/src:ro\n/a:/b/:rw' },
      { volumes: [
        { host: '/cache', guest: '/root/.cache', readOnly: false },
        { host: '/home/runner/work/app/app/src', guest: '/src', readOnly: true },
        { host: '/a', guest: '/b', readOnly: false },
      ] }],
    ['env: the value keeps later = and spaces inside', { env: 'CC=gcc\nFLAGS=-O2 -DX=1\nEMPTY=' }, { env: { CC: 'gcc', FLAGS: '-O2 -DX=1', EMPTY: '' } }],
    ['booleans as YAML writes them', { cache: 'False', workspace: 'FALSE' }, { cache: false, workspace: false }],
    ['user, workdir, name', { user: 'builder:wheel', workdir: '/src/', name: 'b-1.x' }, { user: 'builder:wheel', workdir: '/src', name: 'b-1.x' }],
    ['image inputs', { 'image-cache-key': 'img-linux-abc', 'image-restore-keys': 'img-linux-\nimg-', 'save-image': 'out/img.tar.zst', 'save-image-if': 'always' },
      { imageCacheKey: 'img-linux-abc', imageRestoreKeys: ['img-linux-', 'img-'], saveImage: '/home/runner/work/app/app/out/img.tar.zst', saveImageIf: 'always' }],
    ['hooks are host paths, relative to the workspace', { init: 'ci/init.sh', shutdown: '/opt/down.sh' }, { init: '/home/runner/work/app/app/ci/init.sh', shutdown: '/opt/down.sh' }],
    ['shell with {0}, shell-name', { shell: 'bash  --noprofile -e {0}', 'shell-name': 'alpine' }, { shell: ['bash', '--noprofile', '-e', '{0}'], shellName: 'alpine' }],
    ['library-dir', { 'library-dir': '/mnt/mc' }, { libraryDir: '/mnt/mc' }],
  ])('%s', (_, given, want) => {
    expect(parse(given)).toMatchObject(want);
  });

  it.each([
    ['build', 'build'],
    ['_private', 'private'],
    ['a job with spaces', 'a-job-with-spaces'],
    ['___', 'job'],
    [undefined, 'job'],
  ])('the default name of job %s is %s', (job, want) => {
    expect(defaultName(job)).toBe(want);
    expect(parse({}, { ...ENV, GITHUB_JOB: job }).name).toBe(want);
  });
});

describe('parseInputs: errors name the input and what to do', () => {
  it.each<[Partial<Record<InputName, string>>, RegExp]>([
    [{ rootfs: 'ftp://x/y.tar' }, /input 'rootfs': 'ftp:\/\/x\/y.tar': only http:\/\/ and https:\/\//],
    [{ rootfs: 'trees:onlygroup' }, /input 'rootfs': 'trees:onlygroup' is not trees:GROUP\/INSTANCE/],
    [{ 'rootfs-sha256': 'abc', rootfs: 'https://x/y' }, /input 'rootfs-sha256': 'abc' is not 64 hex digits/],
    [{ 'rootfs-sha256': 'a'.repeat(64) }, /input 'rootfs-sha256': pins a URL or a tarball/],
    [{ 'trees-template': 'main' }, /input 'trees-template': applies to rootfs: trees:GROUP\/INSTANCE only/],
    [{ name: '-bad' }, /input 'name': '-bad' is not valid/],
    [{ volumes: '/a' }, /input 'volumes': '\/a' is not host:guest\[:ro\]/],
    [{ volumes: '/a:/b:rx' }, /input 'volumes': '\/a:\/b:rx' is not host:guest\[:ro\]/],
    [{ volumes: '/a:b' }, /input 'volumes': guest path 'b' in '\/a:b' must be absolute/],
    [{ env: 'NOEQUALS' }, /input 'env': 'NOEQUALS' is not KEY=VALUE/],
    [{ env: '1X=2' }, /input 'env': '1X=2' is not KEY=VALUE/],
    [{ cache: 'yes' }, /input 'cache': 'yes' is not a boolean \(use true or false\)/],
    [{ 'save-image-if': 'sometimes' }, /input 'save-image-if': 'sometimes' is not one of success, always, never/],
    [{ network: 'bridge' }, /input 'network': 'bridge' is not one of host, none, private/],
    [{ nat: 'true' }, /input 'nat': applies to network: private only/],
    [{ nat: 'on', network: 'private' }, /input 'nat': 'on' is not a boolean/],
    [{ user: 'a:b:c' }, /input 'user': 'a:b:c' is not of the form user\[:group\]/],
    [{ user: 'me:' }, /input 'user': 'me:' is not of the form/],
    [{ workdir: 'src' }, /input 'workdir': 'src' must be an absolute path/],
    [{ 'shell-name': 'my shell' }, /input 'shell-name': 'my shell' is not a command name/],
    [{ shell: 'bash -c "x"' }, /input 'shell': .*quotes and backslashes are not supported/],
    [{ shell: 'sh {0} {0}' }, /input 'shell': 'sh \{0\} \{0\}' has more than one \{0\}/],
    [{ 'image-cache-key': 'a,b' }, /input 'image-cache-key': 'a,b' contains ','/],
    [{ 'image-cache-key': 'k'.repeat(513) }, /input 'image-cache-key': .* longer than the Actions cache's 512 characters/],
    [{ 'image-restore-keys': 'img-' }, /input 'image-restore-keys': needs image-cache-key as well/],
  ])('%j', (given, message) => {
    expect(() => parse(given)).toThrow(ConfigError);
    expect(() => parse(given)).toThrow(message);
  });

  it('outside a runner (no GITHUB_WORKSPACE or RUNNER_TEMP) says so', () => {
    expect(() => parse({}, { RUNNER_TEMP: '/t' })).toThrow(/GITHUB_WORKSPACE is not set.*GitHub Actions step/);
    expect(() => parse({}, { GITHUB_WORKSPACE: '/w' })).toThrow(/RUNNER_TEMP is not set.*GitHub Actions step/);
  });
});

describe('parseShell', () => {
  it.each([
    ['', ['sh', '-e']],
    ['bash -e {0}', ['bash', '-e', '{0}']],
    ['python3', ['python3']],
  ])('%j -> %j', (text, want) => {
    expect(parseShell(text)).toEqual(want);
  });
});
