import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/core/rootfs/archive-check.js';
import { RootfsError } from '../../src/core/rootfs/errors.js';
import { extractArchive } from '../../src/core/rootfs/extract.js';
import { buildRealTree, buildTar, hasCommand, hostileCases, packTree, writeArchive, type Compressor } from '../support/archives.js';
import { scratch } from '../support/host.js';

const S = scratch('mc-extract-');
afterAll(() => S.cleanup());
const isRoot = process.geteuid?.() === 0;
let n = 0;
/** A fresh case directory: the archive and the destination's parent, and an `outside` to escape to. */
function place(): { dir: string; outside: string; dest: string } {
  const dir = path.join(S.dir, `case${++n}`);
  const outside = path.join(dir, 'outside');
  mkdirSync(outside, { recursive: true });
  return { dir, outside, dest: path.join(dir, 'parent', 'root') };
}
/** Nothing at dest, no temp dir beside it. */
function expectNothingLeft(dest: string): void {
  expect(existsSync(dest)).toBe(false);
  const parent = path.dirname(dest);
  if (existsSync(parent)) expect(readdirSync(parent)).toEqual([]);
}

describe('extractArchive refuses hostile archives, naming the entry', () => {
  const compressions: Compressor[] = ['none', 'gzip', 'zstd', 'xz', 'bzip2'];
  const cases = hostileCases('/OUTSIDE');
  it.each(cases.map((c, i) => [c.label, compressions[i % compressions.length]!, i] as const))('%s (%s)', async (_, compression, i) => {
    const { dir, outside, dest } = place();
    const c = hostileCases(outside)[i]!;
    const archive = writeArchive(dir, 'hostile.tar', buildTar(c.entries), compression);
    const err = await extractArchive(archive, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    const problems = (err as UnsafeArchiveError).problems;
    expect(problems.some((p) => p.path.includes(c.names))).toBe(true);
    expect((err as Error).message).toContain(JSON.stringify(c.entries.at(-1)!.pax?.path ?? c.entries.at(-1)!.name));
    expect(readdirSync(outside)).toEqual([]);
    expectNothingLeft(dest);
  });

  it('refuses a hostile entry that comes after tar has started: the partial tree is thrown away', async () => {
    const { dir, outside, dest } = place();
    const good = Array.from({ length: 3000 }, (_, i) => ({ name: `./f/${i}`, data: 'x'.repeat(4096) }));
    const entries = [{ name: './', type: '5' }, { name: './f', type: '5' }, ...good, { name: './evil', type: '2', linkname: outside }, { name: './evil/owned', data: 'owned' }];
    const archive = writeArchive(dir, 'late.tar.gz', buildTar(entries), 'gzip');
    const err = await extractArchive(archive, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect((err as UnsafeArchiveError).problems.map((p) => p.path)).toEqual(['./evil/owned']);
    expect(readdirSync(outside)).toEqual([]);
    expectNothingLeft(dest);
  });

  it('reads through a lying file name: a zstd archive called .tar.gz', async () => {
    const { dir, outside, dest } = place();
    const archive = writeArchive(dir, 'root.tar.gz', buildTar(hostileCases(outside)[0]!.entries), 'zstd');
    await expect(extractArchive(archive, dest)).rejects.toThrow(/absolute path/);
  });

  it('does not touch /etc/passwd for a hard link to it', async () => {
    const before = statSync('/etc/passwd');
    const { dir, dest } = place();
    const archive = writeArchive(dir, 'a.tar', buildTar([{ name: './', type: '5' }, { name: './pw', type: '1', linkname: '/etc/passwd' }]));
    await expect(extractArchive(archive, dest)).rejects.toThrow(/"\.\/pw": hard link to "\/etc\/passwd"/);
    expect(statSync('/etc/passwd').nlink).toBe(before.nlink);
  });
});

describe('extractArchive fails cleanly', () => {
  it('when tar fails on an archive that passed the check', async () => {
    // A file, then a file "inside" it: harmless, but tar cannot make it.
    const { dir, dest } = place();
    const archive = writeArchive(dir, 'a.tar', buildTar([{ name: './', type: '5' }, { name: './a', data: 'x' }, { name: './a/b', data: 'y' }]), 'gzip');
    const err = await extractArchive(archive, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RootfsError);
    expect((err as Error).message).toMatch(/^tar -x .* failed on .*a\.tar \(exit status 2\): .*Not a directory/s);
    expectNothingLeft(dest);
  });

  it('when the compressed stream is corrupt', async () => {
    const { dir, dest } = place();
    const good = writeArchive(dir, 'a.tar.gz', buildTar([{ name: './', type: '5' }, { name: './a', data: 'x'.repeat(100_000) }]), 'gzip');
    const bytes = readFileSync(good);
    const archive = path.join(dir, 'cut.tar.gz');
    writeFileSync(archive, bytes.subarray(0, bytes.length - 20));
    await expect(extractArchive(archive, dest)).rejects.toThrow(/the gzip data of .*cut\.tar\.gz is corrupt or truncated \(zlib: unexpected end of file\)/);
    // The same through a decompressor process: its own message.
    const zst = writeArchive(dir, 'a.tar.zst', buildTar([{ name: './', type: '5' }, { name: './a', data: 'x'.repeat(100_000) }]), 'zstd');
    const cut = path.join(dir, 'cut.tar.zst');
    writeFileSync(cut, readFileSync(zst).subarray(0, 60));
    await expect(extractArchive(cut, dest)).rejects.toThrow(/zstd -dc --long=31 failed on .*cut\.tar\.zst \(exit status 1\): .*/);
    expectNothingLeft(dest);
  });

  it('when the file is not a tar archive', async () => {
    const { dir, dest } = place();
    const archive = path.join(dir, 'notes.txt');
    writeFileSync(archive, 'hello\n'.repeat(200));
    await expect(extractArchive(archive, dest)).rejects.toThrow(/is not a usable tar archive \(uncompressed\): bad tar header checksum/);
    expectNothingLeft(dest);
  });

  it('when the archive is missing', async () => {
    const { dir, dest } = place();
    await expect(extractArchive(path.join(dir, 'nope.tar'), dest)).rejects.toThrow(/cannot read the archive .*nope\.tar/);
    expectNothingLeft(dest);
  });

  it('when the destination exists and is not empty, without touching it', async () => {
    const { dir, dest } = place();
    mkdirSync(dest, { recursive: true });
    writeFileSync(path.join(dest, 'mine'), 'keep');
    const archive = writeArchive(dir, 'a.tar', buildTar([{ name: './', type: '5' }, { name: './a', data: 'x' }]));
    await expect(extractArchive(archive, dest)).rejects.toThrow(/exists and is not empty/);
    expect(readdirSync(dest)).toEqual(['mine']);
  });

  it('when aborted in the middle of extraction: nothing at dest, no temp dir', async () => {
    const { dir, dest } = place();
    const big = path.join(dir, 'big');
    mkdirSync(big);
    execFileSync('truncate', ['-s', '400M', path.join(big, 'zeros')]);
    const archive = path.join(dir, 'big.tar.gz');
    execFileSync('sh', ['-c', `tar -C "${big}" -cf - . | gzip -1 > "${archive}"`]);
    const ac = new AbortController();
    // Abort once tar has started writing (the temp dir beside dest has content).
    const parent = path.dirname(dest);
    const timer = setInterval(() => {
      const tmp = existsSync(parent) ? readdirSync(parent).find((f) => f.startsWith('.root.extract-')) : undefined;
      if (tmp && readdirSync(path.join(parent, tmp)).length) ac.abort();
    }, 5);
    try {
      await expect(extractArchive(archive, dest, { signal: ac.signal })).rejects.toThrow(/aborted/);
    } finally {
      clearInterval(timer);
    }
    expect(ac.signal.aborted).toBe(true);
    expectNothingLeft(dest);
  });

  it('when aborted before it starts', async () => {
    const { dir, dest } = place();
    const archive = writeArchive(dir, 'a.tar.zst', buildTar([{ name: './', type: '5' }, { name: './a', data: 'x' }]), 'zstd');
    await expect(extractArchive(archive, dest, { signal: AbortSignal.abort() })).rejects.toThrow(/aborted/);
    expectNothingLeft(dest);
  });
});

const canBuildTree = isRoot && ['setfattr', 'getfattr', 'setfacl', 'getfacl'].every(hasCommand);
if (!canBuildTree) console.warn('[skip] extract keeps what a root needs: needs root, setfattr/getfattr and setfacl/getfacl (apt-get install attr acl)');

describe.skipIf(!canBuildTree)('extractArchive keeps what a root needs (a tree packed by GNU tar)', () => {
  const src = path.join(S.dir, 'tree');
  const archive = path.join(S.dir, 'tree.tar.zst');
  const notes: string[] = [];
  const dest = path.join(S.dir, 'out', 'root');
  let result: Awaited<ReturnType<typeof extractArchive>>;
  const at = (p: string) => path.join(dest, p);

  it('extracts, skipping the disks with a note each', async () => {
    buildRealTree(src);
    packTree(src, archive, '--zstd');
    result = await extractArchive(archive, dest, { log: (l) => notes.push(l) });
    expect(result.compression).toBe('zstd');
    expect(result.notes).toEqual(notes);
    const why = 'not one of the standard /dev nodes (null zero full random urandom tty console ptmx tty0-63)';
    // Notes in archive order (the order GNU tar read the directory in), then the mode fix.
    expect([...notes].sort()).toEqual([
      `"./dev/new\\nline": block device 8:32 skipped: ${why}`,
      `"./dev/sd*": block device 8:16 skipped: ${why}`,
      `"./dev/sda": block device 8:0 skipped: ${why}`,
      `"./dev/zero": block device 8:0 skipped: ${why}`,
      '"./bin/xattr": xattr trusted.overlay.opaque not restored (it would steer the overlay mount)',
      'the archive\'s top directory "./" was mode 0700; made it 0755 so that non-root users in the container can use the root',
    ].sort());
    expect(notes.at(-1)).toMatch(/^the archive's top directory/);
    expect(readdirSync(path.dirname(dest))).toEqual(['root']);
  });

  it('the skipped devices are not there; the file beside them that a loose name pattern would match is', () => {
    expect(existsSync(at('dev/sda'))).toBe(false);
    expect(existsSync(at('dev/sd*'))).toBe(false);
    expect(existsSync(at('dev/zero'))).toBe(false);
    expect(existsSync(at('dev/new\nline'))).toBe(false);
    expect(readFileSync(at('dev/sdX'), 'utf8')).toBe('not a disk\n');
  });

  it('keeps /dev/null as the real char device 1:3', () => {
    const st = lstatSync(at('dev/null'));
    expect(st.isCharacterDevice()).toBe(true);
    expect([Math.floor(st.rdev / 256), st.rdev % 256]).toEqual([1, 3]);
    expect(st.mode & 0o7777).toBe(0o666);
  });

  it('keeps setuid, numeric owners, timestamps', () => {
    expect(statSync(at('bin/suid')).mode & 0o7777).toBe(0o4755);
    const st = statSync(at('home/user/with space'));
    expect([st.uid, st.gid]).toEqual([1234, 2345]);
    expect(Math.floor(st.mtimeMs / 1000)).toBe(Math.floor(statSync(path.join(src, 'home/user/with space')).mtimeMs / 1000));
  });

  it('keeps names with spaces, newlines and glob characters', () => {
    expect(readFileSync(at('home/user/new\nline'), 'utf8')).toBe('newline\n');
    expect(readFileSync(at('home/user/star*[x]'), 'utf8')).toBe('star\n');
    expect(statSync(at('home/user/new\nline')).uid).toBe(1234);
  });

  it('keeps xattrs, but not the overlay\'s', () => {
    expect(execFileSync('getfattr', ['--only-values', '-n', 'user.test', at('bin/xattr')], { encoding: 'utf8' })).toBe('1');
    expect(execFileSync('getfattr', ['-d', '-m', '-', at('bin/xattr')], { encoding: 'utf8' })).not.toContain('trusted.overlay');
    // (the source had it: the archive carried it)
    expect(execFileSync('getfattr', ['-d', '-m', '-', path.join(src, 'bin/xattr')], { encoding: 'utf8' })).toContain('trusted.overlay.opaque');
  });

  it('keeps POSIX ACLs', () => {
    expect(execFileSync('getfacl', ['-c', '-n', at('bin/acl')], { encoding: 'utf8' })).toContain('user:4321:rw-');
  });

  it('keeps hard links as one inode, symlinks and fifos', () => {
    const a = statSync(at('bin/a'));
    const b = statSync(at('bin/b'));
    expect(a.ino).toBe(b.ino);
    expect(a.nlink).toBe(2);
    expect(lstatSync(at('dev/fd')).isSymbolicLink()).toBe(true);
    expect(lstatSync(at('home/fifo')).isFIFO()).toBe(true);
  });

  it('opens up a 0700 top directory to 0755', () => {
    expect(statSync(dest).mode & 0o7777).toBe(0o755);
  });

  it('as non-root would: no devices, no owners from the archive', async () => {
    const d2 = path.join(S.dir, 'out2', 'root');
    const r = await extractArchive(archive, d2, { isRoot: false });
    expect(r.notes.filter((l) => l.includes('only root can create device nodes'))).toEqual(['"./dev/null": char device 1:3 skipped: only root can create device nodes']);
    expect(r.notes.filter((l) => l.includes('skipped'))).toHaveLength(5);
    expect(r.notes.filter((l) => l.includes('not restored'))).toHaveLength(1);
    expect(readdirSync(path.join(d2, 'dev')).sort()).toEqual(['fd', 'sdX']);
    expect(statSync(path.join(d2, 'home/user/with space')).uid).toBe(process.geteuid!());
    expect(statSync(path.join(d2, 'bin/suid')).mode & 0o7777).toBe(0o4755);
  });
});
