import { describe, expect, it } from 'vitest';
import { detectCgroupLayout, parseMountinfo, parseProcCgroup } from '../../src/core/cgroup/layout.js';

// Real-looking /proc/self/mountinfo texts (trimmed to the lines around cgroups).

/** This machine: Debian 12, hybrid (v1 controllers each in its own hierarchy + an empty v2 tree). */
const HYBRID_DEBIAN = `22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw
23 22 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

/** GitHub's ubuntu-24.04 runner: cgroup v2 only, systemd's options. */
const V2_UBUNTU_2404 = `24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
25 30 0:23 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw
30 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw,discard,errors=remount-ro,commit=30
33 24 0:6 / /sys/kernel/security rw,nosuid,nodev,noexec,relatime shared:8 - securityfs securityfs rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
36 24 0:31 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:10 - pstore pstore rw
37 24 0:32 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:11 - bpf bpf rw,mode=700
`;

/** A pure v1 host (CentOS 7 style): cpu and cpuacct co-mounted, no cgroup2 at all. */
const V1_CENTOS7 = `18 61 0:17 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw
25 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
26 25 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
29 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,cpu,cpuacct
30 25 0:26 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,net_cls,net_prio
31 25 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory
32 25 0:28 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,pids
33 25 0:29 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,freezer
34 25 0:30 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,devices
61 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/centos-root rw,attr2,inode64,noquota
`;

/** Ubuntu 20.04 (systemd hybrid): v1 controllers, v2 at unified with nsdelegate. */
const HYBRID_UBUNTU_2004 = `25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
31 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
35 25 0:33 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,pids
37 25 0:35 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:21 - cgroup cgroup rw,cpu,cpuacct
38 25 0:36 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:22 - cgroup cgroup rw,freezer
`;

describe('detectCgroupLayout', () => {
  it.each([
    ['this machine: hybrid Debian 12', HYBRID_DEBIAN, {
      mode: 'hybrid', v2: '/sys/fs/cgroup/unified',
      v1: { memory: '/sys/fs/cgroup/memory', pids: '/sys/fs/cgroup/pids', cpu: '/sys/fs/cgroup/cpu', cpuacct: '/sys/fs/cgroup/cpuacct', freezer: '/sys/fs/cgroup/freezer' },
    }],
    ['GitHub ubuntu-24.04 runner: v2 only', V2_UBUNTU_2404, { mode: 'v2', v2: '/sys/fs/cgroup', v1: {} }],
    ['pure v1 host, cpu and cpuacct co-mounted', V1_CENTOS7, {
      mode: 'v1',
      v1: { memory: '/sys/fs/cgroup/memory', pids: '/sys/fs/cgroup/pids', cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct', freezer: '/sys/fs/cgroup/freezer' },
    }],
    ['Ubuntu 20.04 systemd hybrid', HYBRID_UBUNTU_2004, {
      mode: 'hybrid', v2: '/sys/fs/cgroup/unified',
      v1: { memory: '/sys/fs/cgroup/memory', pids: '/sys/fs/cgroup/pids', cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct', freezer: '/sys/fs/cgroup/freezer' },
    }],
    ['no cgroup filesystem at all', '30 1 8:1 / / rw - ext4 /dev/root rw\n', { mode: 'none', v1: {} }],
    ['only the name=systemd hierarchy: not a v1 host', '40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n', { mode: 'none', v1: {} }],
    ['a second mount of a hierarchy (a jail\'s bind) loses to /sys/fs/cgroup',
      '90 80 0:30 / /var/lib/jail/root/sys/fs/cgroup rw - cgroup2 cgroup2 rw\n35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n91 80 0:30 / /mnt/cg rw - cgroup2 cgroup2 rw\n',
      { mode: 'v2', v2: '/sys/fs/cgroup', v1: {} }],
    ['cgroup2 mounted only elsewhere still counts', '91 80 0:30 / /mnt/my\\040cg rw - cgroup2 cgroup2 rw\n', { mode: 'v2', v2: '/mnt/my cg', v1: {} }],
    ['empty text', '', { mode: 'none', v1: {} }],
  ])('%s', (_, text, want) => {
    expect(detectCgroupLayout(text)).toEqual(want);
  });
});

describe('parseMountinfo', () => {
  it('reads fields around optional fields, unescapes paths, skips junk lines', () => {
    const text = `35 24 0:30 / /sys/fs/cgroup rw,nosuid shared:9 master:2 - cgroup2 cgroup2 rw,nsdelegate
not a mountinfo line
29 25 0:25 /docker/abc /sys/fs/cgroup/cpu\\054cpuacct rw - cgroup cgroup rw,cpu,cpuacct
`;
    expect(parseMountinfo(text)).toEqual([
      { id: 35, parentId: 24, root: '/', mountPoint: '/sys/fs/cgroup', fsType: 'cgroup2', source: 'cgroup2', superOptions: ['rw', 'nsdelegate'] },
      { id: 29, parentId: 25, root: '/docker/abc', mountPoint: '/sys/fs/cgroup/cpu,cpuacct', fsType: 'cgroup', source: 'cgroup', superOptions: ['rw', 'cpu', 'cpuacct'] },
    ]);
  });
});

describe('parseProcCgroup', () => {
  it.each([
    ['hybrid, inside a memory cgroup', '9:name=systemd:/\n8:pids:/\n6:freezer:/\n4:memory:/process_api/1301\n1:cpu:/\n2:cpuacct:/\n0::/\n',
      { v2: '/', v1: { pids: '/', freezer: '/', memory: '/process_api/1301', cpu: '/', cpuacct: '/' } }],
    ['v2 only', '0::/system.slice/runner-provisioner.service\n', { v2: '/system.slice/runner-provisioner.service', v1: {} }],
    ['co-mounted cpu,cpuacct', '3:cpu,cpuacct:/user.slice\n', { v1: { cpu: '/user.slice', cpuacct: '/user.slice' } }],
  ])('%s', (_, text, want) => {
    expect(parseProcCgroup(text)).toEqual(want);
  });
});
