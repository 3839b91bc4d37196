import { describe, expect, it } from 'vitest';
import { checkEntries, isStandardDevice, normalizeMemberPath, UnsafeArchiveError } from '../../src/core/rootfs/archive-check.js';
import type { TarEntry } from '../../src/core/rootfs/tar-header.js';

const E = (path: string, type: TarEntry['type'] = 'file', more: Partial<TarEntry> = {}): TarEntry => ({
  path,
  type,
  linkTarget: '',
  mode: type === 'directory' ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  devmajor: 0,
  devminor: 0,
  ...more,
});
const dir = (p: string): TarEntry => E(p, 'directory');
const sym = (p: string, to: string): TarEntry => E(p, 'symlink', { linkTarget: to });
const hard = (p: string, to: string): TarEntry => E(p, 'hardlink', { linkTarget: to });
const chr = (p: string, major: number, minor: number): TarEntry => E(p, 'char', { devmajor: major, devminor: minor, mode: 0o666 });
const blk = (p: string, major: number, minor: number): TarEntry => E(p, 'block', { devmajor: major, devminor: minor, mode: 0o660 });

describe('normalizeMemberPath', () => {
  it.each([
    ['./usr/bin/sh', { ok: true, path: 'usr/bin/sh' }],
    ['usr//bin/./sh/', { ok: true, path: 'usr/bin/sh' }],
    ['./', { ok: true, path: '' }],
    ['.', { ok: true, path: '' }],
    ['with space/new\nline', { ok: true, path: 'with space/new\nline' }],
    ['..foo/bar..', { ok: true, path: '..foo/bar..' }],
    ['', { ok: false, reason: 'empty name' }],
    ['/etc/passwd', { ok: false, reason: 'absolute path' }],
    ['../x', { ok: false, reason: 'has a ".." component' }],
    ['a/../b', { ok: false, reason: 'has a ".." component' }],
    ['a/..', { ok: false, reason: 'has a ".." component' }],
    ['a/..\0x', { ok: false, reason: 'has a NUL byte' }],
  ])('%j', (name, want) => {
    expect(normalizeMemberPath(name)).toEqual(want);
  });
});

describe('isStandardDevice', () => {
  it.each([
    ['dev/null', 'char', 1, 3, true],
    ['dev/urandom', 'char', 1, 9, true],
    ['dev/console', 'char', 5, 1, true],
    ['dev/ptmx', 'char', 5, 2, true],
    ['dev/tty', 'char', 5, 0, true],
    ['dev/tty1', 'char', 4, 1, true],
    ['dev/tty63', 'char', 4, 63, true],
    ['dev/tty64', 'char', 4, 64, false],
    ['dev/null', 'block', 1, 3, false],
    ['dev/null', 'char', 8, 0, false],
    ['dev/sda', 'block', 8, 0, false],
    ['dev/mem', 'char', 1, 1, false],
    ['dev/kmsg', 'char', 1, 11, false],
    ['home/null', 'char', 1, 3, false],
  ] as const)('%s %s %d:%d -> %s', (p, type, major, minor, want) => {
    expect(isStandardDevice(p, type, major, minor)).toBe(want);
  });
});

type Row = [label: string, entries: TarEntry[], isRoot: boolean, want: { problems?: string[]; notes?: string[]; skipped?: string[] }];

// Each row: the entries, and the entry names (as stored) that must be refused / noted /
// skipped (cut out of what tar sees). A message always starts with the entry's name.
const rows: Row[] = [
  ['an ordinary root', [dir('./'), dir('./bin'), E('./bin/sh', 'file', { mode: 0o755 }), sym('./bin/ls', 'busybox'), sym('./lib', 'usr/lib'), hard('./bin/sh2', './bin/sh')], false, {}],
  ['absolute symlink targets are normal in a root', [dir('./etc'), sym('./etc/mtab', '/proc/self/mounts'), sym('./etc/localtime', '../usr/share/zoneinfo/UTC')], false, {}],
  ['absolute path', [E('/etc/passwd')], true, { problems: ['/etc/passwd'] }],
  ['absolute directory', [dir('/tmp/')], true, { problems: ['/tmp/'] }],
  ['.. at the start', [E('../evil')], true, { problems: ['../evil'] }],
  ['.. in the middle', [dir('./a'), E('./a/../../evil')], true, { problems: ['./a/../../evil'] }],
  ['empty name', [E('')], true, { problems: [''] }],
  ['the root as a symlink', [sym('./', '/')], true, { problems: ['./'] }],
  ['the root as a file', [E('.')], true, { problems: ['.'] }],
  ['write through an absolute symlink', [sym('./evil', '/tmp/x'), E('./evil/owned')], true, { problems: ['./evil/owned'] }],
  ['write through a relative symlink', [sym('evil', '../../..'), E('evil/owned')], true, { problems: ['evil/owned'] }],
  ['write through an inside symlink is refused too', [dir('usr/lib'), sym('lib', 'usr/lib'), E('lib/libc.so')], true, { problems: ['lib/libc.so'] }],
  ['deep under a symlink', [sym('a', '/'), dir('a/b/'), E('a/b/c/d')], true, { problems: ['a/b/', 'a/b/c/d'] }],
  ['the symlink named differently (./ vs none)', [sym('./evil', '/'), E('evil//x')], true, { problems: ['evil//x'] }],
  ['a directory entry over a symlink does not make it safe', [sym('evil', '/etc'), dir('evil/'), E('evil/owned')], true, { problems: ['evil/owned'] }],
  ['a file over a symlink replaces it', [sym('x', '/etc'), E('x'), dir('y'), E('y/z')], true, {}],
  ['a symlink over a directory, then a write through it', [dir('d'), E('d/ok'), sym('d', '/etc'), E('d/owned')], true, { problems: ['d/owned'] }],
  ['replacing the symlink by a file makes the path plain again', [sym('s', '/'), E('s'), sym('t', '/')], true, {}],
  ['a symlink to itself is only a symlink', [sym('loop', 'loop')], true, {}],
  ['hard link, absolute target', [hard('passwd', '/etc/passwd')], true, { problems: ['passwd'] }],
  ['hard link, .. target', [hard('passwd', '../../etc/passwd')], true, { problems: ['passwd'] }],
  ['hard link, target not in the archive', [hard('passwd', 'etc/passwd')], true, { problems: ['passwd'] }],
  ['hard link, target later in the archive', [hard('b', 'a'), E('a')], true, { problems: ['b'] }],
  ['hard link, target through a symlink', [sym('etc', '/etc'), hard('pw', 'etc/passwd')], true, { problems: ['pw'] }],
  ['hard link, target a directory', [dir('d'), hard('h', 'd')], true, { problems: ['h'] }],
  ['hard link, target the root', [hard('h', './')], true, { problems: ['h'] }],
  ['hard link, empty target', [hard('h', '')], true, { problems: ['h'] }],
  ['hard link to a symlink (links the symlink itself)', [sym('s', '/etc/passwd'), hard('h', 's')], true, {}],
  ['hard link pair with different spellings', [E('./usr/bin/perl'), hard('./usr/bin/perl5', 'usr//bin/perl')], true, {}],
  ['standard devices as root: kept', [dir('./dev'), chr('./dev/null', 1, 3), chr('./dev/tty', 5, 0), chr('./dev/tty7', 4, 7)], true, {}],
  ['standard devices not as root: skipped', [chr('./dev/null', 1, 3)], false, { notes: ['./dev/null'], skipped: ['./dev/null'] }],
  ['a disk as root: skipped', [blk('./dev/sda', 8, 0)], true, { notes: ['./dev/sda'], skipped: ['./dev/sda'] }],
  ['a "null" that is the disk: skipped', [blk('./dev/null', 8, 0), chr('./dev/zero', 8, 0)], true, { notes: ['./dev/null', './dev/zero'], skipped: ['./dev/null', './dev/zero'] }],
  ['/dev/mem: skipped', [chr('dev/mem', 1, 1)], true, { notes: ['dev/mem'], skipped: ['dev/mem'] }],
  ['a null outside /dev: skipped', [chr('./tmp/null', 1, 3)], true, { notes: ['./tmp/null'], skipped: ['./tmp/null'] }],
  ['a hard link to a skipped device is skipped too', [blk('./dev/sda', 8, 0), hard('./disk', './dev/sda')], true, { notes: ['./dev/sda', './disk'], skipped: ['./dev/sda', './disk'] }],
  ['a skipped device name used again: the later entry is extracted', [blk('./dev/sda', 8, 0), E('./dev/sda'), hard('./l', './dev/sda')], true, { notes: ['./dev/sda'], skipped: ['./dev/sda'] }],
  ['a skipped device over an earlier file: the file stays, a link to it is fine', [E('./dev/sda'), blk('./dev/sda', 8, 0), hard('./l', './dev/sda')], true, { notes: ['./dev/sda'], skipped: ['./dev/sda'] }],
  ['a skipped device with a newline in its name', [blk('./dev/sd\na', 8, 0)], true, { notes: ['./dev/sd\na'], skipped: ['./dev/sd\na'] }],
  ['a device name with a star', [blk('./dev/sd*', 8, 0)], true, { notes: ['./dev/sd*'], skipped: ['./dev/sd*'] }],
  ['a hard link to a skipped hard link is skipped too', [blk('./dev/sda', 8, 0), hard('./a', './dev/sda'), hard('./b', 'a')], true, { notes: ['./dev/sda', './a', './b'], skipped: ['./dev/sda', './a', './b'] }],
  ['fifos are fine', [E('./run/initctl', 'fifo')], false, {}],
  ['setuid files are fine', [E('./usr/bin/su', 'file', { mode: 0o4755 })], false, {}],
  ['names with spaces and newlines are fine', [E('./a b'), E('./new\nline'), dir('./c d/')], false, {}],
  ['a NUL in a name (tar would cut it there)', [sym('evil', '/'), E('evil\0/x')], true, { problems: ['evil\0/x'] }],
  ['a NUL in a hard link target', [E('a'), hard('h', 'a\0/../../x')], true, { problems: ['h'] }],
  ['unknown type', [E('./x', 'other', { typeflag: 'Z' })], true, { problems: ['./x'] }],
  ['a symlink that carries data', [E('./s', 'symlink', { linkTarget: 'x', size: 512 })], true, { problems: ['./s'] }],
  ['a directory that carries data', [E('./d', 'directory', { size: 10 })], true, { problems: ['./d'] }],
  ['a file that carries data', [E('./f', 'file', { size: 10 })], true, {}],
  ['trusted.overlay xattrs are dropped with a note', [dir('./d'), E('./d/f', 'file', { xattrs: ['user.a', 'trusted.overlay.redirect'] })], true, { notes: ['./d/f'] }],
  ['security.capability is kept', [E('./ping', 'file', { xattrs: ['security.capability'] })], true, {}],
];

describe('checkEntries', () => {
  it.each(rows)('%s', (_, entries, isRoot, want) => {
    const plan = checkEntries(entries, { isRoot });
    expect(plan.entries).toBe(entries.length);
    expect(plan.problems.map((p) => p.path)).toEqual(want.problems ?? []);
    expect(plan.notes.map((p) => p.path)).toEqual(want.notes ?? []);
    expect(plan.skipped).toEqual(want.skipped ?? []);
    for (const f of [...plan.problems, ...plan.notes]) expect(f.message.startsWith(JSON.stringify(f.path))).toBe(true);
  });

  it('messages say why', () => {
    const plan = checkEntries([sym('./evil', '/tmp/x'), E('./evil/owned'), hard('./pw', '/etc/passwd'), E('/abs'), blk('./dev/sda', 8, 0)], { isRoot: true });
    expect(plan.problems.map((p) => p.message)).toEqual([
      '"./evil/owned": goes through "evil", a symlink made by an earlier entry; writing through it could land outside the root',
      '"./pw": hard link to "/etc/passwd": its target is an absolute path; it would link a file from outside the root',
      '"/abs": absolute path; refusing an entry that would be written outside the root',
    ]);
    expect(plan.notes.map((p) => p.message)).toEqual([
      '"./dev/sda": block device 8:0 skipped: not one of the standard /dev nodes (null zero full random urandom tty console ptmx tty0-63)',
    ]);
    expect(checkEntries([chr('./dev/null', 1, 3)], { isRoot: false }).notes[0]!.message).toBe('"./dev/null": char device 1:3 skipped: only root can create device nodes');
  });

  it('the xattr note names the attribute', () => {
    const plan = checkEntries([E('f', 'file', { xattrs: ['trusted.overlay.opaque'] })], { isRoot: true });
    expect(plan.droppedXattrs).toEqual(['trusted.overlay.opaque']);
    expect(plan.notes[0]!.message).toContain('trusted.overlay.opaque');
  });
});

describe('UnsafeArchiveError', () => {
  it('lists the first problems and counts the rest', () => {
    const problems = Array.from({ length: 23 }, (_, i) => ({ path: `/p${i}`, message: `"/p${i}": absolute path` }));
    const err = new UnsafeArchiveError('/a.tar', problems);
    expect(err.name).toBe('UnsafeArchiveError');
    expect(err.exitCode).toBe(125);
    expect(err.message.split('\n')[0]).toBe('refusing to extract /a.tar: 23 unsafe entries; nothing was kept');
    expect(err.message).toContain('"/p19": absolute path');
    expect(err.message).not.toContain('"/p20"');
    expect(err.message).toContain('and 3 more');
  });
});
