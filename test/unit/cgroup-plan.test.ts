import { describe, expect, it } from 'vitest';
import { ConfigError, JailError } from '../../src/core/errors.js';
import type { CgroupLayout } from '../../src/core/cgroup/layout.js';
import { containerCgroupDirs, planCgroupSetup } from '../../src/core/cgroup/plan.js';
import { renderCgroupSetup } from '../../src/core/cgroup/render.js';

const HYBRID: CgroupLayout = {
  mode: 'hybrid', v2: '/sys/fs/cgroup/unified',
  v1: { memory: '/sys/fs/cgroup/memory', pids: '/sys/fs/cgroup/pids', cpu: '/sys/fs/cgroup/cpu', cpuacct: '/sys/fs/cgroup/cpuacct', freezer: '/sys/fs/cgroup/freezer' },
};
const V2: CgroupLayout = { mode: 'v2', v2: '/sys/fs/cgroup', v1: {} };
const V1: CgroupLayout = {
  mode: 'v1',
  v1: { memory: '/sys/fs/cgroup/memory', pids: '/sys/fs/cgroup/pids', cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct', freezer: '/sys/fs/cgroup/freezer' },
};
const ALL = { memoryBytes: 64 * 1024 ** 2, pids: 20, cpu: { quota: 150000, period: 100000 } };

/** A plan as lines: "mkdir PATH", "write PATH VALUE [ifExists] [optional]", "join PATH [optional]". */
function lines(layout: CgroupLayout, limits = {}, placement = {}): string[] {
  const plan = planCgroupSetup(layout, 'b1', limits, placement);
  const flags = (o: { ifExists?: boolean; optional?: boolean }) => `${o.ifExists ? ' ifExists' : ''}${o.optional ? ' optional' : ''}`;
  return [
    ...plan.steps.map((s) => (s.op === 'mkdir' ? `mkdir ${s.path}${flags(s)}` : `write ${s.path} ${s.value}${flags(s)}`)),
    ...plan.join.map((j) => `join ${j.path}${flags(j)}`),
  ];
}

describe('planCgroupSetup', () => {
  it('v2 with every limit: controllers enabled from the root down to micro-container, the leaf holds the limits', () => {
    expect(lines(V2, ALL)).toEqual([
      'mkdir /sys/fs/cgroup/micro-container',
      'write /sys/fs/cgroup/cgroup.subtree_control +memory',
      'write /sys/fs/cgroup/micro-container/cgroup.subtree_control +memory',
      'write /sys/fs/cgroup/cgroup.subtree_control +pids',
      'write /sys/fs/cgroup/micro-container/cgroup.subtree_control +pids',
      'write /sys/fs/cgroup/cgroup.subtree_control +cpu',
      'write /sys/fs/cgroup/micro-container/cgroup.subtree_control +cpu',
      'mkdir /sys/fs/cgroup/micro-container/b1',
      'write /sys/fs/cgroup/micro-container/b1/memory.max 67108864',
      'write /sys/fs/cgroup/micro-container/b1/memory.swap.max 0 ifExists',
      'write /sys/fs/cgroup/micro-container/b1/pids.max 20',
      'write /sys/fs/cgroup/micro-container/b1/cpu.max 150000 100000',
      'join /sys/fs/cgroup/micro-container/b1/cgroup.procs',
    ]);
  });

  it('v2 without limits: tracking only, no controller enabled', () => {
    expect(lines(V2)).toEqual([
      'mkdir /sys/fs/cgroup/micro-container',
      'mkdir /sys/fs/cgroup/micro-container/b1',
      'join /sys/fs/cgroup/micro-container/b1/cgroup.procs',
    ]);
  });

  it('v2 with only pids, under a nested parent: every level enables pids', () => {
    expect(lines(V2, { pids: 5 }, { parent: 'ci/jobs' })).toEqual([
      'mkdir /sys/fs/cgroup/ci/jobs',
      'write /sys/fs/cgroup/cgroup.subtree_control +pids',
      'write /sys/fs/cgroup/ci/cgroup.subtree_control +pids',
      'write /sys/fs/cgroup/ci/jobs/cgroup.subtree_control +pids',
      'mkdir /sys/fs/cgroup/ci/jobs/b1',
      'write /sys/fs/cgroup/ci/jobs/b1/pids.max 5',
      'join /sys/fs/cgroup/ci/jobs/b1/cgroup.procs',
    ]);
  });

  it('hybrid (this machine): a directory per v1 hierarchy, limits there, v2 tracking as a bonus', () => {
    expect(lines(HYBRID, ALL)).toEqual([
      'mkdir /sys/fs/cgroup/memory/micro-container/b1',
      'mkdir /sys/fs/cgroup/pids/micro-container/b1',
      'mkdir /sys/fs/cgroup/cpu/micro-container/b1',
      'mkdir /sys/fs/cgroup/freezer/micro-container/b1',
      'write /sys/fs/cgroup/memory/micro-container/b1/memory.limit_in_bytes 67108864',
      'write /sys/fs/cgroup/memory/micro-container/b1/memory.memsw.limit_in_bytes 67108864 ifExists',
      'write /sys/fs/cgroup/pids/micro-container/b1/pids.max 20',
      'write /sys/fs/cgroup/cpu/micro-container/b1/cpu.cfs_period_us 100000',
      'write /sys/fs/cgroup/cpu/micro-container/b1/cpu.cfs_quota_us 150000',
      'mkdir /sys/fs/cgroup/unified/micro-container/b1 optional',
      'join /sys/fs/cgroup/memory/micro-container/b1/cgroup.procs',
      'join /sys/fs/cgroup/pids/micro-container/b1/cgroup.procs',
      'join /sys/fs/cgroup/cpu/micro-container/b1/cgroup.procs',
      'join /sys/fs/cgroup/freezer/micro-container/b1/cgroup.procs',
      'join /sys/fs/cgroup/unified/micro-container/b1/cgroup.procs optional',
    ]);
  });

  it('v1 with co-mounted cpu,cpuacct and no limits; placed inside the caller\'s own cgroups', () => {
    const within = { v1: { memory: '/user.slice/job', cpu: '/user.slice', cpuacct: '/user.slice' } };
    expect(lines(V1, {}, { within, parent: 'mc' })).toEqual([
      'mkdir /sys/fs/cgroup/memory/user.slice/job/mc/b1',
      'mkdir /sys/fs/cgroup/pids/mc/b1',
      'mkdir /sys/fs/cgroup/cpu,cpuacct/user.slice/mc/b1',
      'mkdir /sys/fs/cgroup/freezer/mc/b1',
      'join /sys/fs/cgroup/memory/user.slice/job/mc/b1/cgroup.procs',
      'join /sys/fs/cgroup/pids/mc/b1/cgroup.procs',
      'join /sys/fs/cgroup/cpu,cpuacct/user.slice/mc/b1/cgroup.procs',
      'join /sys/fs/cgroup/freezer/mc/b1/cgroup.procs',
    ]);
  });

  it.each([
    ['no cgroups at all', { mode: 'none', v1: {} } as CgroupLayout, {}, /no cgroup filesystem is mounted.*mount cgroup2 on \/sys\/fs\/cgroup/],
    ['--memory without a memory hierarchy', { mode: 'v1', v1: { pids: '/p' } } as CgroupLayout, { memoryBytes: 1 << 30 }, /--memory needs the memory cgroup controller, which this host has not mounted/],
    ['--cpus on a hybrid host without a v1 cpu hierarchy', { ...HYBRID, v1: { memory: '/m' } }, { cpu: { quota: 1000, period: 100000 } }, /--cpus needs the cpu cgroup controller/],
  ])('%s: JailError', (_, layout, limits, message) => {
    expect(() => planCgroupSetup(layout, 'b1', limits)).toThrow(JailError);
    expect(() => planCgroupSetup(layout, 'b1', limits)).toThrow(message);
  });

  it.each([
    ['b/1', { }, /cgroup name 'b\/1' is not valid/],
    ['..', {}, /cgroup name '\.\.' is not valid/],
    ['', {}, /cgroup name '' is not valid/],
    ['ok', { parent: '../escape' }, /cgroup parent '\.\.\/escape' is not valid: use a relative path/],
    ['ok', { parent: '/abs' }, /cgroup parent '\/abs' is not valid/],
  ])('name %j, placement %j: ConfigError', (name, placement, message) => {
    expect(() => containerCgroupDirs(V2, name, placement)).toThrow(ConfigError);
    expect(() => containerCgroupDirs(V2, name, placement)).toThrow(message);
  });
});

describe('renderCgroupSetup', () => {
  it('hybrid: mkdir, limits, memsw only when present, $$ moved in, v2 tracking silently optional; paths quoted', () => {
    const layout: CgroupLayout = { mode: 'hybrid', v2: '/sys/fs/cgroup/unified', v1: { memory: "/mnt/it's mem" } };
    expect(renderCgroupSetup(layout, 'b1', { memoryBytes: 64 * 1024 ** 2 })).toBe(`# The cgroup of container b1.
mc_cg_fail() { printf '%s: %s\\n' "\${MC_PROG:-micro-container}" "$*" >&2; exit 125; }
mkdir -p -- '/mnt/it'\\''s mem/micro-container/b1' || mc_cg_fail 'cannot create the cgroup /mnt/it'\\''s mem/micro-container/b1'
echo '67108864' > '/mnt/it'\\''s mem/micro-container/b1/memory.limit_in_bytes' || mc_cg_fail 'cannot write 67108864 to /mnt/it'\\''s mem/micro-container/b1/memory.limit_in_bytes'
[ ! -e '/mnt/it'\\''s mem/micro-container/b1/memory.memsw.limit_in_bytes' ] || echo '67108864' > '/mnt/it'\\''s mem/micro-container/b1/memory.memsw.limit_in_bytes' || mc_cg_fail 'cannot write 67108864 to /mnt/it'\\''s mem/micro-container/b1/memory.memsw.limit_in_bytes'
{ mkdir -p -- '/sys/fs/cgroup/unified/micro-container/b1'; } 2>/dev/null || :
echo $$ > '/mnt/it'\\''s mem/micro-container/b1/cgroup.procs' || mc_cg_fail 'cannot move the launcher into the cgroup /mnt/it'\\''s mem/micro-container/b1'
{ echo $$ > '/sys/fs/cgroup/unified/micro-container/b1/cgroup.procs'; } 2>/dev/null || :
`);
  });

  it('v2 with a CPU limit: subtree_control lines before the leaf', () => {
    const text = renderCgroupSetup(V2, 'b1', { cpu: { quota: 50000, period: 100000 } });
    expect(text.split('\n').slice(2, -1)).toEqual([
      "mkdir -p -- '/sys/fs/cgroup/micro-container' || mc_cg_fail 'cannot create the cgroup /sys/fs/cgroup/micro-container'",
      "echo '+cpu' > '/sys/fs/cgroup/cgroup.subtree_control' || mc_cg_fail 'cannot write +cpu to /sys/fs/cgroup/cgroup.subtree_control'",
      "echo '+cpu' > '/sys/fs/cgroup/micro-container/cgroup.subtree_control' || mc_cg_fail 'cannot write +cpu to /sys/fs/cgroup/micro-container/cgroup.subtree_control'",
      "mkdir -p -- '/sys/fs/cgroup/micro-container/b1' || mc_cg_fail 'cannot create the cgroup /sys/fs/cgroup/micro-container/b1'",
      "echo '50000 100000' > '/sys/fs/cgroup/micro-container/b1/cpu.max' || mc_cg_fail 'cannot write 50000 100000 to /sys/fs/cgroup/micro-container/b1/cpu.max'",
      "echo $$ > '/sys/fs/cgroup/micro-container/b1/cgroup.procs' || mc_cg_fail 'cannot move the launcher into the cgroup /sys/fs/cgroup/micro-container/b1'",
    ]);
  });
});
