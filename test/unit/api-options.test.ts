import { describe, expect, it } from 'vitest';
import {
  checkStartupCommand, classifyRootfs, generatedName, keepAliveArgv, parseIdentity, parseStartupLine, provisionConfig, READY_LINE, runConfig,
  templateContext, untarArgv, writeFileArgv, type ProvisionOptions,
} from '../../src/core/api/options.js';
import { ConfigError } from '../../src/core/errors.js';
import type { JailConfig } from '../../src/core/jail/config.js';

const DIRS = new Set(['/roots/alpine', '/work/here/rootdir']);
const FILES = new Set(['/tmp/root.tar.zst', '/work/here/root.tgz']);
const isDir = (p: string) => DIRS.has(p);
const isFile = (p: string) => FILES.has(p);

describe('classifyRootfs', () => {
  it.each([
    [undefined, { kind: 'host' }],
    ['', { kind: 'host' }],
    ['host', { kind: 'host' }],
    ['/roots/alpine', { kind: 'directory', path: '/roots/alpine' }],
    ['./rootdir', { kind: 'directory', path: '/work/here/rootdir' }],
    ['rootdir', { kind: 'directory', path: '/work/here/rootdir' }],
    ['/tmp/root.tar.zst', { kind: 'archive', source: '/tmp/root.tar.zst' }],
    ['root.tgz', { kind: 'archive', source: '/work/here/root.tgz' }],
    ['https://example.org/alpine.tar.gz', { kind: 'archive', source: 'https://example.org/alpine.tar.gz' }],
    ['HTTP://127.0.0.1:8080/r.tar', { kind: 'archive', source: 'HTTP://127.0.0.1:8080/r.tar' }],
    ['alpine', { kind: 'store', name: 'alpine' }],
    ['root-alpine', { kind: 'store', name: 'alpine' }],
    ['root-debian.12', { kind: 'store', name: 'debian.12' }],
  ] as const)('%s -> %j', (rootfs, want) => {
    expect(classifyRootfs(rootfs, '/work/here', isDir, isFile)).toEqual(want);
  });

  it.each([
    ['/no/such/dir', /rootfs \/no\/such\/dir is neither a directory nor an archive file/],
    ['./missing', /rootfs \/work\/here\/missing is neither/],
    ['root-.hidden', /is not a store root's name/],
    ['bad name', /is not a store root's name/],
  ])('%s is a ConfigError', (rootfs, message) => {
    expect(() => classifyRootfs(rootfs, '/work/here', isDir, isFile)).toThrow(message);
    expect(() => classifyRootfs(rootfs, '/work/here', isDir, isFile)).toThrow(ConfigError);
  });
});

describe('provisionConfig', () => {
  const where = { libraryDir: '/lib', name: 'web', lowerDirs: ['/roots/alpine'] };
  it.each<[string, ProvisionOptions, Partial<typeof where> & { baseDir?: string }, JailConfig]>([
    ['the minimum', {}, {}, { libraryDir: '/lib', name: 'web', lowerDirs: ['/roots/alpine'] }],
    ['a base dir', {}, { baseDir: '/base' }, { libraryDir: '/lib', baseDir: '/base', name: 'web', lowerDirs: ['/roots/alpine'] }],
    [
      'every option',
      { user: 'builder:devs', env: { A: '1' }, workdir: '/src', hostname: 'h', network: 'private', ephemeral: true, memory: '512m', pids: '100', cpus: '1.5', volumes: [{ host: '/h', guest: '/g', readOnly: true }] },
      {},
      {
        libraryDir: '/lib', name: 'web', lowerDirs: ['/roots/alpine'], user: 'builder:devs', env: { A: '1' }, workdir: '/src', hostname: 'h', network: 'private',
        ephemeral: true, memory: '512m', pids: '100', cpus: '1.5', volumes: [{ host: '/h', guest: '/g', readOnly: true }],
      },
    ],
    ['empty env and volumes and ephemeral false are left out', { env: {}, volumes: [], ephemeral: false }, {}, { libraryDir: '/lib', name: 'web', lowerDirs: ['/roots/alpine'] }],
    ['readOnly defaults to false', { volumes: [{ host: '/h', guest: '/g' } as never] }, {}, { libraryDir: '/lib', name: 'web', lowerDirs: ['/roots/alpine'], volumes: [{ host: '/h', guest: '/g', readOnly: false }] }],
  ])('%s', (_what, o, w, want) => {
    expect(provisionConfig(o, { ...where, ...w })).toEqual(want);
  });

  it.each<[string, ProvisionOptions, string, RegExp]>([
    ['rootfs and image', { rootfs: '/r', image: 'web' }, 'web', /either rootfs or image/],
    ['a bad name', {}, '-x', /container name '-x' is not valid/],
  ])('%s is a ConfigError', (_what, o, name, message) => {
    expect(() => provisionConfig(o, { ...where, name })).toThrow(message);
  });

  it('generated names are valid container names', () => {
    expect(generatedName('0123456789abcdef')).toBe('api-0123456789');
    expect(() => provisionConfig({}, { ...where, name: generatedName('ffffffffffffffff') })).not.toThrow();
  });
});

describe('runConfig', () => {
  const base: JailConfig = { libraryDir: '/lib', name: 'web', lowerDirs: ['/r'], user: 'builder', env: { A: '1' }, workdir: '/src' };
  it.each<[string, string[], Parameters<typeof runConfig>[2], JailConfig]>([
    ['the container config with the command', ['make', '-j2'], {}, { ...base, command: ['make', '-j2'] }],
    ['env on top', ['env'], { env: { B: '2', A: 'x' } }, { ...base, env: { A: 'x', B: '2' }, command: ['env'] }],
    ['cwd and user', ['id'], { cwd: '/tmp', user: '0:0' }, { ...base, workdir: '/tmp', user: '0:0', command: ['id'] }],
  ])('%s', (_what, argv, o, want) => {
    expect(runConfig(base, argv, o)).toEqual(want);
  });
  it('an empty argv is a ConfigError', () => {
    expect(() => runConfig(base, [], {})).toThrow(/run\(\) needs a command/);
  });
});

describe('parseIdentity', () => {
  it.each([
    ['1234\n1234\nbuilder\n/home/builder\nweb\n', { uid: 1234, gid: 1234, user: 'builder', home: '/home/builder', hostname: 'web' }],
    ['0\n0\nroot\n/root\nmicro-container\n', { uid: 0, gid: 0, user: 'root', home: '/root', hostname: 'micro-container' }],
    ['5000\n5000\n5000\n\n\n', { uid: 5000, gid: 5000, user: '5000', home: '/', hostname: '' }],
  ])('%j', (text, want) => {
    expect(parseIdentity(text)).toEqual(want);
  });
  it.each(['', 'sh: id: not found\n', 'x\n1\nu\n/\n'])('%j is a ConfigError that says what the root needs', (text) => {
    expect(() => parseIdentity(text)).toThrow(/needs sh and id/);
  });
});

describe('templateContext', () => {
  const identity = { uid: 1234, gid: 1234, user: 'builder', home: '/home/builder', hostname: 'web' };
  it('the facts, with null where there is none, under the caller context', () => {
    expect(templateContext({ name: 'web', identity, network: 'host', rootfs: 'host' })).toEqual({
      name: 'web', hostname: 'web', user: 'builder', uid: 1234, gid: 1234, home: '/home/builder', network: 'host', ip: null, mac: null, gateway: null, image: null, rootfs: 'host',
    });
    expect(templateContext({ name: 'db', identity: { ...identity, hostname: '' }, network: 'private', ip: '10.213.0.5', mac: '02:00:00:00:00:05', gateway: '10.213.0.1', image: 'base:1', rootfs: '/r' }, { port: 5432, user: 'override' })).toEqual({
      name: 'db', hostname: 'db', user: 'override', uid: 1234, gid: 1234, home: '/home/builder', network: 'private', ip: '10.213.0.5', mac: '02:00:00:00:00:05', gateway: '10.213.0.1', image: 'base:1', rootfs: '/r', port: 5432,
    });
  });
});

describe('commands run inside', () => {
  it.each<[string, string[]]>([
    ['/home/builder', ['/bin/sh', '-c', 'mkdir -p -- "$1" && exec tar -x -f - -C "$1"', 'mc-untar', '/home/builder']],
  ])('untarArgv %s', (dest, want) => {
    expect(untarArgv(dest)).toEqual(want);
    expect(untarArgv(dest, true)[2]).toBe('mkdir -p -- "$1" && exec tar -x --no-same-owner -f - -C "$1"');
  });
  it('untarArgv wants an absolute dest', () => {
    expect(() => untarArgv('rel')).toThrow(/must be an absolute path/);
  });

  it.each<[string, Parameters<typeof writeFileArgv>[1], string]>([
    ['/etc/a.conf', {}, 'mkdir -p -- "${1%/*}/" && cat > "$1"'],
    ['/etc/a.conf', { mode: 0o640 }, 'mkdir -p -- "${1%/*}/" && cat > "$1" && chmod 640 -- "$1"'],
    ['/etc/a.conf', { mode: '0600', owner: 'app:app' }, 'mkdir -p -- "${1%/*}/" && cat > "$1" && chmod 0600 -- "$1" && chown app:app -- "$1"'],
    ['/a', { owner: '1000' }, 'mkdir -p -- "${1%/*}/" && cat > "$1" && chown 1000 -- "$1"'],
  ])('writeFileArgv %s %j', (file, o, script) => {
    expect(writeFileArgv(file, o)).toEqual(['/bin/sh', '-c', script, 'mc-write', file]);
  });
  it.each<[string, Parameters<typeof writeFileArgv>[1], RegExp]>([
    ['etc/a', {}, /must be an absolute path/],
    ['/a', { mode: 'rw' }, /is not an octal mode/],
    ['/a', { mode: 0o10000 }, /is not an octal mode/],
    ['/a', { owner: 'a b' }, /is not of the form user\[:group\]/],
    ['/a', { owner: 'x;rm' }, /is not of the form/],
  ])('writeFileArgv %s %j is a ConfigError', (file, o, message) => {
    expect(() => writeFileArgv(file, o)).toThrow(message);
  });
});

describe('startup commands', () => {
  it('keepAliveArgv passes the commands as arguments, in order, never inside the script', () => {
    const argv = keepAliveArgv(['redis-server --daemonize yes', "echo 'it''s' > /tmp/m"]);
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv.slice(3)).toEqual(['mc-keepalive', 'redis-server --daemonize yes', "echo 'it''s' > /tmp/m"]);
    expect(argv[2]).not.toContain('redis');
    expect(argv[2]).toContain(`echo ${READY_LINE}`);
    expect(keepAliveArgv([]).length).toBe(4);
  });
  it.each([
    [READY_LINE, { ready: true }],
    ['mc-startup-failed 2 7', { failed: { index: 2, status: 7 } }],
    ['mc-startup-failed x 7', undefined],
    ['started', undefined],
    [`${READY_LINE} `, undefined],
  ])('parseStartupLine %j', (line, want) => {
    expect(parseStartupLine(line)).toEqual(want);
  });
  it.each(['', '   ', 'a\0b'])('checkStartupCommand %j is a ConfigError', (c) => {
    expect(() => checkStartupCommand(c)).toThrow(ConfigError);
  });
  it('checkStartupCommand takes a line of sh', () => {
    expect(() => checkStartupCommand('redis-server --daemonize yes')).not.toThrow();
  });
});
