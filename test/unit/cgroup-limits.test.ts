import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { containerExit } from '../../src/core/cgroup/exit-status.js';
import { cpuMaxText, formatBytes, parseCpus, parseMemory, parsePids } from '../../src/core/cgroup/limits.js';
import { countOomKills } from '../../src/core/cgroup/oom.js';

const MiB = 1024 ** 2;

describe('parseMemory', () => {
  it.each([
    ['512m', 512 * MiB],
    ['1g', 1024 * MiB],
    ['1G', 1024 * MiB],
    ['1.5g', 1536 * MiB],
    ['1048576000', 1048576000],
    ['64M', 64 * MiB],
    ['256mb', 256 * MiB],
    ['256MiB', 256 * MiB],
    ['8192k', 8 * MiB],
    [' 2t ', 2 * 1024 ** 4],
    ['7340032b', 7 * MiB],
  ])('%s -> %d bytes', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  it.each([
    ['', /memory limit '' is not valid: use .*512m/],
    ['lots', /memory limit 'lots' is not valid/],
    ['-1g', /'-1g' is not valid/],
    ['12x', /'12x' is not valid/],
    ['1e9', /'1e9' is not valid/],
    ['12ib', /'12ib' is not valid/],
    ['1m', /'1m' is too small: use at least 6m/],
    ['0', /'0' is too small/],
    ['99999999999t', /too large/],
  ])('%j is refused', (text, message) => {
    expect(() => parseMemory(text)).toThrow(ConfigError);
    expect(() => parseMemory(text)).toThrow(message);
  });
});

describe('parseCpus', () => {
  it.each([
    ['1.5', { quota: 150000, period: 100000 }, '150000 100000'],
    ['1', { quota: 100000, period: 100000 }, '100000 100000'],
    ['0.25', { quota: 25000, period: 100000 }, '25000 100000'],
    ['.5', { quota: 50000, period: 100000 }, '50000 100000'],
    ['2.', { quota: 200000, period: 100000 }, '200000 100000'],
    ['0.01', { quota: 1000, period: 100000 }, '1000 100000'],
  ])('%s -> %j (cpu.max %s)', (text, quota, cpuMax) => {
    expect(parseCpus(text)).toEqual(quota);
    expect(cpuMaxText(parseCpus(text))).toBe(cpuMax);
  });

  it.each([
    ['', /CPU limit '' is not valid: use a number of CPUs, e.g. 1, 1.5 or 0.25/],
    ['two', /'two' is not valid/],
    ['-1', /'-1' is not valid/],
    ['1/2', /'1\/2' is not valid/],
    ['0', /'0' is too small: use at least 0.01/],
    ['0.001', /too small/],
    ['5000', /'5000' is too large/],
  ])('%j is refused', (text, message) => {
    expect(() => parseCpus(text)).toThrow(ConfigError);
    expect(() => parseCpus(text)).toThrow(message);
  });
});

describe('parsePids', () => {
  it.each([['1', 1], ['20', 20], [' 4096 ', 4096], ['4194304', 4194304]])('%j -> %d', (text, n) => {
    expect(parsePids(text)).toBe(n);
  });
  it.each(['0', '-5', '1.5', 'max', '', '4194305', '10k'])('%j is refused, naming the accepted form', (text) => {
    expect(() => parsePids(text)).toThrow(ConfigError);
    expect(() => parsePids(text)).toThrow(`process limit '${text}' is not valid: use a whole number from 1 to 4194304`);
  });
});

describe('formatBytes', () => {
  it.each([[64 * MiB, '64 MiB'], [1536 * MiB, '1.5 GiB'], [4096, '4 KiB'], [100, '100 B'], [1024 ** 4, '1 TiB']])('%d -> %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});

describe('containerExit', () => {
  it.each([
    ['no OOM: the status as is', 3, false, {}, { status: 3 }],
    ['no OOM, killed otherwise: 137 without an OOM message', 137, false, {}, { status: 137 }],
    ['OOM kill of the command', 137, true, { memoryBytes: 64 * MiB },
      { status: 137, message: "container b1 ran out of memory: the kernel's OOM killer killed a process (its memory limit is 64 MiB: raise it with --memory); exit status 137" }],
    ['OOM kill of a child, make exits 2: reported as 137', 2, true, { memoryBytes: 64 * MiB }, { status: 137, message: expect.stringContaining('ran out of memory') }],
    ['OOM without a limit of ours (host OOM)', 137, true, {}, { status: 137, message: "container b1 ran out of memory: the kernel's OOM killer killed a process; exit status 137" }],
    ['OOM kill, yet the command succeeded: 0 with a warning', 0, true, { memoryBytes: 64 * MiB },
      { status: 0, message: 'container b1: a process was killed for lack of memory (its memory limit is 64 MiB: raise it with --memory), but the command still succeeded' }],
  ])('%s', (_, status, oom, limits, want) => {
    expect(containerExit('b1', status, oom, limits)).toEqual(want);
  });
});

describe('countOomKills', () => {
  const V2_EVENTS = 'low 0\nhigh 0\nmax 1187\noom 3\noom_kill 2\noom_group_kill 0\n';
  const V1_CONTROL_NEW = 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n';
  const V1_CONTROL_OLD_UNDER = 'oom_kill_disable 1\nunder_oom 1\n';
  it.each([
    ['v2 memory.events after two kills', 'memory.events', V2_EVENTS, 2],
    ['v2 memory.events: oom without a kill is not a kill', 'memory.events', 'max 5\noom 1\noom_kill 0\n', 0],
    ['v1 memory.oom_control, Linux >= 4.13', 'memory.oom_control', V1_CONTROL_NEW, 1],
    ['v1 memory.oom_control, old kernel in the middle of an OOM', 'memory.oom_control', V1_CONTROL_OLD_UNDER, 1],
    ['v1, nothing happened', 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n', 0],
    ['file missing (no memory controller)', 'memory.events', undefined, 0],
    ['a key that merely ends in oom_kill does not count', 'memory.events', 'xoom_kill 4\n', 0],
  ] as const)('%s -> %d', (_, file, text, n) => {
    expect(countOomKills(file, text)).toBe(n);
  });
});
