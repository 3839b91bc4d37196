import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { resolveInvoker, parsePasswd } from '../../src/core/identity.js';
import { detectCgroupLayout, type CgroupLayout } from '../../src/core/cgroup/layout.js';
import type { JailConfig } from '../../src/core/jail/config.js';
import { JailError } from '../../src/core/errors.js';
import { renderLauncher } from '../../src/core/jail/launcher.js';
import { buildSpec, cgroupName, parseBridgeNetns, type SpecFacts } from '../../src/core/jail/spec.js';

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

describe('buildSpec: network and cgroup', () => {
  const V1 = detectCgroupLayout(
    ['30 25 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory', '31 25 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids',
      '32 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct', '33 25 0:29 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer',
      '34 25 0:30 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw'].join('\n'),
  );
  const V2 = detectCgroupLayout('30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw');
  const lease = { name: 'b1', ip: '10.213.0.7', prefix: 24, gateway: '10.213.0.1', mac: '02:11:22:33:44:55' };
  const cg = cgroupName('/var/lib/micro-container', 'b1');

  it('defaults to the host network, and no cgroup without a layout', () => {
    const s = buildSpec({ name: 'b1' }, facts());
    expect(s.network).toBe('host');
    expect(s.cgroup).toBeUndefined();
    expect(s.net).toBeUndefined();
  });

  it.each([
    ['none', { name: 'b1', network: 'none' as const }, {}, { network: 'none', net: undefined }],
    ['private: the lease on mc0, gateway route', { name: 'b1', network: 'private' as const }, { lease },
      { network: 'private', net: { name: 'b1', ip: '10.213.0.7', prefix: 24, mac: '02:11:22:33:44:55', gateway: '10.213.0.1', bridge: 'mc0', gatewayCidr: '10.213.0.1/24', owner: '/var/lib/micro-container', netnsPid: undefined, nat: undefined } }],
    ['private with nat and a bridge namespace', { name: 'b1', network: 'private' as const, nat: true, bridgeNetns: '/proc/42/ns/net' }, { lease, natBackend: 'nft' as const },
      { net: { netnsPid: 42, nat: { pool: '10.213.0.0/24', backend: 'nft' } } }],
  ])('%s', (_, config, more, want) => {
    expect(buildSpec(config, facts(more))).toMatchObject(want);
  });

  it.each([
    ['v1 with limits: every hierarchy, limits required', V1, { memory: '64m', pids: '20' },
      { name: cg, limits: { memoryBytes: 64 * 1024 ** 2, pids: 20 }, oom: { file: `/sys/fs/cgroup/memory/micro-container/${cg}/memory.oom_control`, kind: 'memory.oom_control' } }],
    ['v2 with a cpu limit: memory.events counts OOM kills', V2, { cpus: '0.5' },
      { dirs: [`/sys/fs/cgroup/micro-container/${cg}`], oom: { file: `/sys/fs/cgroup/micro-container/${cg}/memory.events`, kind: 'memory.events' } }],
  ])('%s', (_, layout, config, want) => {
    const s = buildSpec({ name: 'b1', ...config }, facts({ cgroupLayout: layout }));
    expect(s.cgroup).toMatchObject(want);
    expect(s.cgroup!.plan.steps.every((x) => x.optional !== true || x.path.includes('unified'))).toBe(true);
  });

  it.each([
    ['hybrid', V1],
    ['no cgroup filesystem', { mode: 'none', v1: {} } as CgroupLayout],
  ])('without limits there is no cgroup (%s): the PID namespace tracks the processes', (_, layout) => {
    const s = buildSpec({ name: 'b1' }, facts({ cgroupLayout: layout }));
    expect(s.cgroup).toBeUndefined();
    const text = renderLauncher(s);
    expect(text).toContain('mc_cg_setup() { :; }');
    expect(text).not.toContain('/sys/fs/cgroup');
  });

  const NONE: CgroupLayout = { mode: 'none', v1: {} };
  it.each([
    ['an unknown network', { network: 'bridge' as never }, undefined, ConfigError, /not one of host, none or private/],
    ['private without a name', { network: 'private' as const }, undefined, ConfigError, /needs a container name/],
    ['nat without private', { name: 'b1', nat: true }, undefined, ConfigError, /--nat only applies to --network private/],
    ['a bad bridge namespace', { name: 'b1', network: 'private' as const, bridgeNetns: '/run/netns/x' }, undefined, ConfigError, /\/proc\/PID\/ns\/net/],
    ['a bad memory limit', { memory: '12x' }, undefined, ConfigError, /memory limit '12x' is not valid/],
    ['limits where no cgroup can be had', { pids: '10' }, NONE, JailError, /need cgroups/],
  ] as [string, JailConfig, CgroupLayout | undefined, typeof ConfigError, RegExp][])('refuses %s', (_, config, layout, type, msg) => {
    expect(() => buildSpec(config, facts({ lease, cgroupLayout: layout }))).toThrow(type);
    expect(() => buildSpec(config, facts({ lease, cgroupLayout: layout }))).toThrow(msg);
  });

  it.each([
    ['/var/lib/micro-container', 'b1', /^b1\.[0-9a-f]{8}$/],
    ['/var/lib/micro-container', '', /^app\.[0-9a-f]{8}$/],
  ])('cgroupName(%s, %j)', (lib, name, want) => expect(cgroupName(lib, name)).toMatch(want));
  it('cgroupName differs between library directories', () => expect(cgroupName('/a', 'x')).not.toBe(cgroupName('/b', 'x')));

  it.each([
    ['/proc/123/ns/net', 123],
    ['/proc/1/ns/net', 1],
  ])('parseBridgeNetns(%s)', (text, pid) => expect(parseBridgeNetns(text)).toBe(pid));
  it.each(['/proc/0/ns/net', '/proc/self/ns/net', '/run/netns/x', ''])('parseBridgeNetns refuses %j', (text) => expect(() => parseBridgeNetns(text)).toThrow(ConfigError));
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
