import { describe, expect, it } from 'vitest';
import { formatUptime, parseLifecycleArgs, renderPs, type LifecycleCommand } from '../../src/cli/lifecycle.js';
import { ConfigError } from '../../src/core/errors.js';
import { buildSpec } from '../../src/core/jail/spec.js';
import { runRecord, uptimeSeconds } from '../../src/core/jail/state.js';

describe('parseLifecycleArgs', () => {
  const cases: [string, LifecycleCommand, string[], Record<string, unknown>][] = [
    ['ps', 'ps', [], { json: false, argv: [] }],
    ['ps --json -d', 'ps', ['--json', '-d', '/lib'], { json: true, libraryDir: '/lib' }],
    ['exec with options', 'exec', ['-u', 'builder:wheel', '-w', '/src', 'b1', 'make', '-j2'], { user: 'builder:wheel', workdir: '/src', name: 'b1', argv: ['make', '-j2'] }],
    ['exec: options of the command stay its own', 'exec', ['b1', 'ls', '-l', '-d'], { name: 'b1', argv: ['ls', '-l', '-d'] }],
    ['exec with --', 'exec', ['-d/lib', '--', 'b1', 'true'], { libraryDir: '/lib', name: 'b1', argv: ['true'] }],
    ['stop --timeout', 'stop', ['--timeout', '2', 'b1'], { timeoutSeconds: 2, name: 'b1' }],
    ['stop --timeout=', 'stop', ['--timeout=0.5', 'b1'], { timeoutSeconds: 0.5 }],
    ['rm -d -b', 'rm', ['-d', '/lib', '--basedir', '/base', 'b1'], { libraryDir: '/lib', baseDir: '/base', name: 'b1' }],
    ['help', 'rm', ['--help'], { help: true }],
    ['rm: options after the name too', 'rm', ['b1', '-d', '/lib'], { libraryDir: '/lib', name: 'b1' }],
    ['stop: --timeout after the name', 'stop', ['b1', '--timeout', '3'], { timeoutSeconds: 3, name: 'b1' }],
    ['exec: what follows the name is the command', 'exec', ['b1', '-d', '/x'], { name: 'b1', argv: ['-d', '/x'] }],
  ];
  it.each(cases)('%s', (_, command, argv, want) => {
    expect(parseLifecycleArgs(command, argv)).toMatchObject(want);
  });

  it.each([
    ['ps with a name', 'ps', ['b1'], /ps takes no arguments/],
    ['exec without a command', 'exec', ['b1'], /exec needs a command/],
    ['stop without a name', 'stop', [], /stop needs the container's name/],
    ['rm with two names', 'rm', ['a', 'b'], /rm takes one name/],
    ['an option of another command', 'rm', ['--timeout', '3', 'a'], /unknown option --timeout/],
    ['--json outside ps', 'stop', ['--json', 'a'], /unknown option --json/],
    ['a value missing', 'exec', ['-u'], /option -u needs a value/],
    ['a bad timeout', 'stop', ['--timeout', '0', 'a'], /number of seconds greater than 0/],
  ] as [string, LifecycleCommand, string[], RegExp][])('refuses %s', (_, command, argv, msg) => {
    expect(() => parseLifecycleArgs(command, argv)).toThrow(ConfigError);
    expect(() => parseLifecycleArgs(command, argv)).toThrow(msg);
  });
});

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [93, '1m33s'],
    [7300, '2h1m'],
    [90000, '1d1h'],
  ])('%i', (s, want) => expect(formatUptime(s)).toBe(want));
});

describe('uptimeSeconds', () => {
  it.each([
    [100, '12.50 40.00\n', 11],
    [1250, '12.50 40.00\n', 0],
    [5000, '12.50 40.00\n', 0],
  ])('started at %i ticks, /proc/uptime %j', (ticks, text, want) => expect(uptimeSeconds(ticks, text)).toBe(want));
});

describe('renderPs', () => {
  it('aligns the columns; host and none show the network', () => {
    const text = renderPs([
      { name: 'b1', root: '/var/lib/micro-container/root-debian', pid: 4242, user: '1001:127', network: 'private', address: '10.213.0.2', uptimeSeconds: 75, processes: 3 },
      { name: 'app', root: '/', pid: 7, user: '0:0', network: 'host', uptimeSeconds: 5, processes: 1 },
      { name: 'quiet', root: '/', pid: 8, user: '0:0', network: 'none', uptimeSeconds: 5, processes: 1 },
    ]);
    expect(text.split('\n')).toEqual([
      'NAME   ROOT                                  PID   USER      ADDRESS     UPTIME  PROCS',
      'b1     /var/lib/micro-container/root-debian  4242  1001:127  10.213.0.2  1m15s   3',
      'app    /                                     7     0:0       host        5s      1',
      'quiet  /                                     8     0:0       none        5s      1',
      '',
    ]);
  });
  it('only the header when nothing runs', () => expect(renderPs([])).toBe('NAME  ROOT  PID  USER  ADDRESS  UPTIME  PROCS\n'));
});

describe('runRecord', () => {
  it('keeps the config without its command, with absolute paths', () => {
    const spec = buildSpec({ name: 'b1', libraryDir: 'lib', lowerDirs: ['r'], network: 'none', command: ['make'] }, {
      invoker: { uid: 1000, gid: 1000, home: '/home/u' },
      cwd: '/w',
      exists: () => true,
      isDirectory: () => true,
    });
    const r = runRecord(spec, { name: 'b1', libraryDir: 'lib', lowerDirs: ['r'], network: 'none', command: ['make'] });
    expect(r).toEqual({
      version: 1,
      config: { name: 'b1', libraryDir: '/w/lib', baseDir: '/home/u/.app', lowerDirs: ['/w/r'], network: 'none' },
      name: 'b1',
      stateDir: '/w/lib/app-b1',
      appDir: '/home/u/.app/app-b1',
      lowerDirs: ['/w/r'],
      user: '1000:1000',
      network: 'none',
      cgroup: undefined,
    });
  });
});
