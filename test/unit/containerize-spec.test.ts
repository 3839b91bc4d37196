import { describe, expect, it } from 'vitest';
import { parseUnshareOptions } from '../../src/core/trees/unshare-options.js';
import { buildContainerizeSpec, checkTreeName, treesDir, type ContainerizeFacts } from '../../src/core/trees/containerize-spec.js';
import { parseContainerizeArgs } from '../../src/cli/containerize-args.js';
import { renderContainerizeLauncher } from '../../src/core/trees/containerize-launcher.js';
import { ConfigError } from '../../src/core/errors.js';

describe('parseUnshareOptions', () => {
  const ok: [string, string, Partial<ReturnType<typeof parseUnshareOptions>>][] = [
    ['empty file', '', { unshare: [], nsenter: [], pidNs: false, utsNs: false, propagation: 'slave' }],
    ['comments and blank lines only', '# nothing\n\n   # more\n', { unshare: [], nsenter: [] }],
    ['short options', '-u -i', { unshare: ['--uts', '--ipc'], nsenter: ['-u', '-i'], utsNs: true }],
    ['long options, any order, canonical order out', '--net --uts', { unshare: ['--uts', '--net'], nsenter: ['-u', '-n'] }],
    ['a pid namespace forks, and says so', '--pid', { unshare: ['--pid', '--fork'], nsenter: ['-p'], pidNs: true }],
    ['--fork and --kill-child are implied, so dropped', '-p -f --kill-child', { unshare: ['--pid', '--fork'] }],
    ['--mount is always there already', '--mount -m', { unshare: [], nsenter: [] }],
    ['repeats count once', '-u --uts -u', { unshare: ['--uts'] }],
    ['options over several lines with comments', '--uts # hostname\n--ipc\n', { unshare: ['--uts', '--ipc'] }],
    ['propagation as two words', '--propagation private', { propagation: 'private', unshare: [] }],
    ['propagation with =', '--propagation=shared -C', { propagation: 'shared', unshare: ['--cgroup'], nsenter: ['-C'] }],
    ['time and cgroup namespaces', '-T -C', { unshare: ['--cgroup', '--time'], nsenter: ['-C', '-T'] }],
  ];
  it.each(ok)('%s', (_name, text, want) => {
    expect(parseUnshareOptions(text)).toMatchObject(want);
  });

  const bad: [string, string, RegExp][] = [
    ['a user namespace', '--user', /--user is not supported.*remove it/],
    ['-U', '-U', /-U is not supported/],
    ['map-root-user', '-r', /-r is not supported/],
    ['mount-proc', '--mount-proc', /--mount-proc is not needed/],
    ['an unknown word', '--frobnicate', /'--frobnicate' is not an option containerize can pass on/],
    ['a command word', 'bash', /'bash' is not an option/],
    ['a namespace bound to a file', '--net=/run/netns/x', /bound to a file is not supported/],
    ['a bad propagation', '--propagation sideways', /--propagation takes one of slave, private, shared, unchanged \(got 'sideways'\)/],
    ['a missing propagation', '--propagation', /got ''/],
  ];
  it.each(bad)('refuses %s', (_name, text, message) => {
    expect(() => parseUnshareOptions(text, '/t/g/.container/unshare-options')).toThrow(ConfigError);
    expect(() => parseUnshareOptions(text, '/t/g/.container/unshare-options')).toThrow(message);
  });

  it('names the file in its errors', () => {
    expect(() => parseUnshareOptions('--user', '/t/g/.container/unshare-options')).toThrow(/^\/t\/g\/\.container\/unshare-options: /);
  });
});

describe('checkTreeName', () => {
  it.each(['builder', 'a', 'gcc-12', 'x86_64', 'v1.2+3', '_tmp', '0'])('accepts %s', (n) => {
    expect(() => checkTreeName('group', n)).not.toThrow();
  });
  it.each(['', '.container', '.', '..', '-x', 'a/b', 'a b', 'a:b', 'x'.repeat(129), 'é'])('refuses %j', (n) => {
    expect(() => checkTreeName('instance', n)).toThrow(/instance '.*' is not a valid name/);
  });
});

describe('treesDir', () => {
  it.each([
    [undefined, undefined, '/home/u', '/trees'],
    [undefined, '/srv/trees', '/home/u', '/srv/trees'],
    ['/mnt/t', '/srv/trees', '/home/u', '/mnt/t'],
    ['rel', undefined, '/home/u', '/home/u/rel'],
    [undefined, 'rel/../t', '/w', '/w/t'],
    ['', '/srv/trees', '/w', '/srv/trees'],
  ])('flag %j env %j cwd %s -> %s', (flag, env, cwd, want) => {
    expect(treesDir(flag, env, cwd)).toBe(want);
  });
});

function facts(files: Record<string, string> = {}, envTrees?: string): ContainerizeFacts {
  return { cwd: '/home/u', envTrees, readFile: (p) => files[p] };
}

describe('buildContainerizeSpec', () => {
  it('without options: the tree itself is the root, default cgroup, slave propagation, workdir /', () => {
    const s = buildContainerizeSpec({ group: 'g', instance: 'i' }, facts());
    expect(s).toMatchObject({
      trees: '/trees',
      groupDir: '/trees/g',
      hooksDir: '/trees/g/.container',
      tree: '/trees/g/i',
      root: '/trees/g/i',
      overlay: false,
      upperDir: '',
      workDir: '',
      unshare: [],
      nsenter: [],
      propagation: 'slave',
      workdir: '/',
      command: [],
    });
    expect(s.stateDir).toMatch(/^\/run\/micro-container\/trees\/g\.i\.[0-9a-f]{8}$/);
    expect(s.cgroup).toBe(`containerize/${s.stateDir.split('/').pop()}`);
  });

  it('keeps apart the same group and instance under two trees dirs', () => {
    const a = buildContainerizeSpec({ group: 'g', instance: 'i', trees: '/t1' }, facts());
    const b = buildContainerizeSpec({ group: 'g', instance: 'i', trees: '/t2' }, facts());
    expect(a.stateDir).not.toBe(b.stateDir);
    expect(a.cgroup).not.toBe(b.cgroup);
  });

  it('--overlay: the root is a mount point in the state dir, the layers beside the group', () => {
    const s = buildContainerizeSpec({ group: 'g', instance: 'i', trees: '/t', overlay: true }, facts());
    expect(s.root).toBe(`${s.stateDir}/root`);
    expect(s.upperDir).toBe('/t/g/.overlay/i/upper');
    expect(s.workDir).toBe('/t/g/.overlay/i/work');
    expect(s.tree).toBe('/t/g/i');
  });

  it('reads cgroup-name and unshare-options from the group', () => {
    const s = buildContainerizeSpec(
      { group: 'g', instance: 'i', trees: '/t' },
      facts({ '/t/g/.container/cgroup-name': 'builds/ci\n', '/t/g/.container/unshare-options': '--pid --uts\n--propagation private\n' }),
    );
    expect(s.cgroup).toMatch(/^builds\/ci\/g\.i\.[0-9a-f]{8}$/);
    expect(s).toMatchObject({ unshare: ['--uts', '--pid', '--fork'], nsenter: ['-u', '-p'], pidNs: true, utsNs: true, propagation: 'private' });
  });

  it('MICRO_CONTAINER_TREES when there is no --trees', () => {
    expect(buildContainerizeSpec({ group: 'g', instance: 'i' }, facts({}, '/srv/t')).tree).toBe('/srv/t/g/i');
  });

  it('normalizes the workdir', () => {
    expect(buildContainerizeSpec({ group: 'g', instance: 'i', workdir: '/src/../build/' }, facts()).workdir).toBe('/build/');
  });

  const bad: [string, Parameters<typeof buildContainerizeSpec>[0], Record<string, string>, RegExp][] = [
    ['a bad group', { group: '.container', instance: 'i' }, {}, /group '\.container' is not a valid name/],
    ['a bad instance', { group: 'g', instance: '../x' }, {}, /instance '\.\.\/x' is not a valid name/],
    ['a relative workdir', { group: 'g', instance: 'i', workdir: 'src' }, {}, /workdir 'src' must be an absolute path/],
    ['a cgroup name with ..', { group: 'g', instance: 'i', trees: '/t' }, { '/t/g/.container/cgroup-name': 'a/../b' }, /cgroup-name: 'a\/\.\.\/b' is not a cgroup name/],
    ['a cgroup name with a blank', { group: 'g', instance: 'i', trees: '/t' }, { '/t/g/.container/cgroup-name': 'my group' }, /is not a cgroup name/],
    ['an absolute cgroup name', { group: 'g', instance: 'i', trees: '/t' }, { '/t/g/.container/cgroup-name': '/abs' }, /is not a cgroup name/],
    ['bad unshare options', { group: 'g', instance: 'i', trees: '/t' }, { '/t/g/.container/unshare-options': '--user' }, /unshare-options: --user is not supported/],
    ['--overlay where overlayfs cannot take the path', { group: 'g', instance: 'i', trees: '/t:x', overlay: true }, {}, /contains ':' or ','/],
  ];
  it.each(bad)('refuses %s', (_n, config, files, message) => {
    expect(() => buildContainerizeSpec(config, facts(files))).toThrow(message);
  });

  it('an empty cgroup-name file means the default', () => {
    const s = buildContainerizeSpec({ group: 'g', instance: 'i', trees: '/t' }, facts({ '/t/g/.container/cgroup-name': '\n' }));
    expect(s.cgroup.startsWith('containerize/')).toBe(true);
  });
});

describe('parseContainerizeArgs', () => {
  const ok: [string[], Partial<ReturnType<typeof parseContainerizeArgs>['config']>, boolean?][] = [
    [['g', 'i'], { group: 'g', instance: 'i', command: [], overlay: false, trees: undefined }],
    [['g', 'i', 'make', '-j2'], { command: ['make', '-j2'] }],
    [['g', 'i', '--', '-x', 'y'], { command: ['-x', 'y'] }],
    [['--trees', '/t', 'g', 'i'], { trees: '/t' }],
    [['--trees=/t', '--overlay', '-w', '/src', 'g', 'i', 'sh'], { trees: '/t', overlay: true, workdir: '/src', command: ['sh'] }],
    [['--workdir=/b', 'g', 'i'], { workdir: '/b' }],
    [['--', 'g', 'i', 'ls'], { group: 'g', instance: 'i', command: ['ls'] }],
    // Options after INSTANCE belong to the command, as the original took them.
    [['g', 'i', '--overlay'], { overlay: false, command: ['--overlay'] }],
    [['--dry-run', 'g', 'i'], { group: 'g' }, true],
  ];
  it.each(ok)('%j', (argv, want, dryRun = false) => {
    const a = parseContainerizeArgs(argv);
    expect(a.config).toMatchObject(want);
    expect(a.dryRun).toBe(dryRun);
  });

  it.each([
    [[], /needs a GROUP and an INSTANCE/],
    [['g'], /needs a GROUP and an INSTANCE/],
    [['--trees'], /option --trees needs a value/],
    [['-w'], /option -w needs a value/],
    [['--bogus', 'g', 'i'], /unknown option --bogus/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseContainerizeArgs(argv)).toThrow(message);
  });

  it('help and version win wherever they are before GROUP', () => {
    expect(parseContainerizeArgs(['--trees', '/t', '-h']).help).toBe(true);
    expect(parseContainerizeArgs(['--version']).version).toBe(true);
  });
});

describe('renderContainerizeLauncher', () => {
  const spec = buildContainerizeSpec(
    { group: 'g', instance: 'i', trees: "/it's", command: ['echo', 'a b'] },
    facts({ "/it's/g/.container/unshare-options": '--uts' }),
  );
  const text = renderContainerizeLauncher(spec);

  it('is a standalone sh script whose prelude holds the spec, quoted', () => {
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toContain("MC_PROG='containerize'");
    expect(text).toContain(`MC_INSTANCE='i'`);
    expect(text).toContain(`MC_TREE='/it'\\''s/g/i'`);
    expect(text).toContain("MC_UNSHARE='--uts'");
    expect(text).toContain("MC_NSENTER='-u'");
    expect(text).toContain("MC_UTSNS='1'");
    expect(text).toContain("MC_OVERLAY='0'");
    expect(text).toContain(`MC_COMMAND=''\\''echo'\\'' '\\''a b'\\'''`);
  });

  it('holds the shared helpers and the containerize stages', () => {
    for (const fn of ['mc_say()', 'mc_resolve()', 'mc_starttime()', 'mc_stage_keeper()', 'mc_stage_main()', 'mc_teardown()', 'mc_leave()']) {
      expect(text).toContain(fn);
    }
  });
});
