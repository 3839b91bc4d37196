import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { resolveInvoker, parsePasswd } from '../../src/core/identity.js';
import { buildSpec, type SpecFacts } from '../../src/core/jail/spec.js';

const facts = (over: Partial<SpecFacts> = {}): SpecFacts => ({
  invoker: { uid: 1001, gid: 127, name: 'runner', home: '/home/runner' },
  cwd: '/work',
  exists: (p) => p !== '/missing',
  isDirectory: (p) => !p.startsWith('/file') && p !== '/missing',
  ...over,
});

describe('buildSpec', () => {
  it('applies the original defaults', () => {
    const s = buildSpec({}, facts());
    expect(s).toMatchObject({
      libraryDir: '/var/lib/micro-container',
      baseDir: '/home/runner/.app',
      stateDir: '/var/lib/micro-container/app',
      rootDir: '/var/lib/micro-container/app/root',
      appDir: '/home/runner/.app/app',
      upperDir: '/home/runner/.app/app/upper',
      workDir: '/home/runner/.app/app/work',
      lowerDirs: ['/'],
      user: '1001:127',
      owner: '1001:127',
      hostname: 'micro-container',
      workdir: '',
    });
  });

  it.each([
    ['a name picks app-NAME', { name: 'b1' }, { rootDir: '/var/lib/micro-container/app-b1/root', appDir: '/home/runner/.app/app-b1', hostname: 'b1' }],
    ['relative paths are from cwd', { libraryDir: 'lib', baseDir: 'base', lowerDirs: ['r'] }, { libraryDir: '/work/lib', baseDir: '/work/base', lowerDirs: ['/work/r'] }],
    ['--rm puts the upper layer in the state dir tmpfs', { ephemeral: true }, { upperDir: '/var/lib/micro-container/app/rm/upper', workDir: '/var/lib/micro-container/app/rm/work' }],
    ['volumes: parents first, normalized', { volumes: [{ host: 'a', guest: '/x/y/', readOnly: true }, { host: '/b', guest: '/x', readOnly: false }] },
      { volumes: [{ host: '/b', guest: '/x', readOnly: false }, { host: '/work/a', guest: '/x/y/', readOnly: true }] }],
    ['explicit user', { user: 'builder:wheel' }, { user: 'builder:wheel' }],
  ])('%s', (_, config, want) => {
    expect(buildSpec(config, facts())).toMatchObject(want);
  });

  it.each([
    ['a bad name', { name: '../x' }, /name '..\/x' is not valid/],
    ['a missing lowerdir', { lowerDirs: ['/missing'] }, /lowerdir \/missing is not a directory/],
    ['a lowerdir with a colon', { lowerDirs: ['/a,b'] }, /contains ':' or ','/],
    ['a missing volume source', { volumes: [{ host: '/missing', guest: '/g', readOnly: false }] }, /volume source \/missing does not exist/],
    ['a relative guest path', { volumes: [{ host: '/h', guest: 'g', readOnly: false }] }, /must be absolute/],
    ['a relative workdir', { workdir: 'src' }, /workdir 'src' must be an absolute path/],
    ['a bad user', { user: 'a:b:c' }, /user\[:group\]/],
    ['a bad env name', { env: { 'A-B': '1' } }, /environment variable name/],
    ['a missing script', { initScript: '/missing' }, /script \/missing does not exist/],
  ])('refuses %s', (_, config, msg) => {
    expect(() => buildSpec(config, facts())).toThrow(ConfigError);
    expect(() => buildSpec(config, facts())).toThrow(msg);
  });
});

describe('resolveInvoker', () => {
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/bash\nrunner:x:1001:127::/home/runner:/bin/bash\n');
  it.each([
    ['root directly', {}, { uid: 0, gid: 0 }, { uid: 0, gid: 0, home: '/root', name: 'root' }],
    ['root under sudo is the caller', { SUDO_UID: '1001', SUDO_GID: '127', SUDO_USER: 'runner' }, { uid: 0, gid: 0 }, { uid: 1001, gid: 127, home: '/home/runner', name: 'runner' }],
    ['a user', { HOME: '/home/runner' }, { uid: 1001, gid: 127 }, { uid: 1001, gid: 127, home: '/home/runner' }],
    ['SUDO_UID without root is ignored', { SUDO_UID: '5', HOME: '/h' }, { uid: 1001, gid: 127 }, { uid: 1001, home: '/h' }],
  ])('%s', (_, env, self, want) => {
    expect(resolveInvoker(env, { ...self, home: '/root' }, passwd)).toMatchObject(want);
  });
});
