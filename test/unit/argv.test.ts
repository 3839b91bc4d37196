import { describe, expect, it } from 'vitest';
import { applyRootShortcut, parseContainerArgs, parseNetwork, parseTimeout, parseVolume } from '../../src/cli/argv.js';
import { ConfigError } from '../../src/core/errors.js';

describe('parseContainerArgs', () => {
  const cases: [string, string[], Record<string, unknown>][] = [
    ['nothing: the shell', [], { command: [] }],
    ['a bare command', ['make', '-j2'], { command: ['make', '-j2'] }],
    ['-- ends options', ['-n', 'x', '--', '-n', 'y'], { name: 'x', command: ['-n', 'y'] }],
    ['options stop at the first word', ['-n', 'x', 'ls', '-l', '/'], { name: 'x', command: ['ls', '-l', '/'] }],
    ['attached values', ['-nfoo', '-u1000:1000'], { name: 'foo', user: '1000:1000' }],
    ['last value wins', ['-n', 'a', '-n', 'b', '-w', '/x', '-w', '/y'], { name: 'b', workdir: '/y' }],
    ['-v repeats', ['-v', '/a:/b', '-v', '/c:/d:ro'], { volumes: [{ host: '/a', guest: '/b', readOnly: false }, { host: '/c', guest: '/d', readOnly: true }] }],
    ['-l splits on :', ['-l', '/r1:/r2'], { lowerDirs: ['/r1', '/r2'] }],
    ['- is a login shell', ['-'], { login: true, command: [] }],
    ['long options', ['--name=a', '--user', 'u:g', '--rm'], { name: 'a', user: 'u:g', ephemeral: true }],
    ['-e repeats', ['-e', 'A=1', '-e', 'B=x=y'], { env: { A: '1', B: 'x=y' } }],
    ['all original options', ['-', '-d', '/lib', '-b', '/base', '-l', '/low', '-n', 'n', '-w', '/w', '-u', 'u', '-i', '/i', '-s', '/s', 'cmd'],
      { login: true, libraryDir: '/lib', baseDir: '/base', lowerDirs: ['/low'], name: 'n', workdir: '/w', user: 'u', initScript: '/i', shutdownScript: '/s', command: ['cmd'] }],
    ['network and nat', ['--network', 'private', '--nat', 'make'], { network: 'private', nat: true, command: ['make'] }],
    ['--network=none', ['--network=none'], { network: 'none' }],
    ['limits as written', ['--memory', '512m', '--pids=100', '--cpus', '1.5', 'cc'], { memory: '512m', pids: '100', cpus: '1.5', command: ['cc'] }],
    ['--timeout in seconds', ['--timeout', '600', 'make'], { timeoutSeconds: 600, command: ['make'] }],
    ['--timeout with fractions and an s', ['--timeout=1.5s'], { timeoutSeconds: 1.5 }],
  ];
  it.each(cases)('%s', (_, argv, want) => {
    expect(parseContainerArgs(argv).config).toMatchObject(want);
  });

  it('flags', () => {
    const a = parseContainerArgs(['--dry-run', '--', 'true']);
    expect(a.dryRun).toBe(true);
    expect(a.explicitCommand).toBe(true);
    expect(parseContainerArgs(['-h']).help).toBe(true);
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown short', ['-x'], /unknown option -x/],
    ['unknown long', ['--nope'], /unknown option --nope/],
    ['missing value', ['-n'], /-n needs a value/],
    ['flag with value', ['--rm=1'], /takes no value/],
    ['bad env', ['-e', 'NOEQUALS'], /NAME=value/],
    ['bad volume', ['-v', 'relative'], /host:guest/],
  ];
  it.each(bad)('refuses %s', (_, argv, msg) => {
    expect(() => parseContainerArgs(argv)).toThrow(ConfigError);
    expect(() => parseContainerArgs(argv)).toThrow(msg);
  });
});

describe('parseTimeout and parseNetwork', () => {
  it.each([
    ['1', 1],
    ['0.25', 0.25],
    [' 30s ', 30],
  ])('timeout %s', (text, want) => expect(parseTimeout(text)).toBe(want));
  it.each(['0', '-1', 'x', '1m', '', '99999999999'])('refuses timeout %j', (text) => {
    expect(() => parseTimeout(text)).toThrow(ConfigError);
    expect(() => parseTimeout(text)).toThrow(/number of seconds greater than 0/);
  });
  it.each(['host', 'none', 'private'])('network %s', (m) => expect(parseNetwork(m)).toBe(m));
  it.each(['bridge', 'HOST', ''])('refuses network %j', (m) => expect(() => parseNetwork(m)).toThrow(/use --network host \(the default\), none or private/));
  it('refuses --nat=1 and a --network without a value', () => {
    expect(() => parseContainerArgs(['--nat=1'])).toThrow(/takes no value/);
    expect(() => parseContainerArgs(['--network'])).toThrow(/needs a value/);
  });
});

describe('parseVolume', () => {
  it.each([
    ['/h:/g', { host: '/h', guest: '/g', readOnly: false }],
    ['/h:/g:ro', { host: '/h', guest: '/g', readOnly: true }],
    ['/h:/g:rw', { host: '/h', guest: '/g', readOnly: false }],
    ['rel/dir:/g', { host: 'rel/dir', guest: '/g', readOnly: false }],
    ['/a:b:/g', { host: '/a:b', guest: '/g', readOnly: false }],
  ])('%s', (text, want) => expect(parseVolume(text)).toEqual(want));
});

describe('applyRootShortcut', () => {
  const roots = new Set(['/lib/root-alpine']);
  const isDir = (p: string) => roots.has(p);
  it.each([
    ['uses an existing root as lowerdir and name', ['alpine', 'ls'], { lowerDirs: ['/lib/root-alpine'], name: 'alpine', command: ['ls'] }],
    ['leaves other words alone', ['ls', '-l'], { command: ['ls', '-l'] }],
    ['-l and -n win', ['-l', '/x', '-n', 'y', 'alpine'], { lowerDirs: ['/x'], name: 'y', command: [] }],
    ['-- forces a command', ['--', 'alpine'], { command: ['alpine'] }],
  ])('%s', (_, argv, want) => {
    expect(applyRootShortcut(parseContainerArgs(argv), '/lib', isDir).config).toMatchObject(want);
  });
});
