import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isZeroBlock, parseHeader, parseNumeric, parsePax, TarFormatError, type TarEntry } from '../../src/core/rootfs/tar-header.js';
import { TarReader } from '../../src/core/rootfs/tar-reader.js';
import { buildTar, headerBlock, paxRecords, type WEntry } from '../support/archives.js';

/** Reads a whole archive, fed in chunks of `chunk` bytes. */
function read(tar: Buffer, chunk = tar.length): TarEntry[] {
  const out: TarEntry[] = [];
  const r = new TarReader((e) => out.push(e));
  for (let i = 0; i < tar.length && !r.done; i += chunk) r.write(tar.subarray(i, i + chunk));
  r.end();
  return out;
}

const summary = (e: TarEntry) => [e.path, e.type, e.linkTarget];

describe('parseNumeric', () => {
  const field = (s: string | number[], len = 8): Buffer => {
    const b = Buffer.alloc(len);
    (typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s)).copy(b);
    return b;
  };
  it.each<[string, Buffer, number]>([
    ['octal, NUL-terminated', field('0000755\0'), 0o755],
    ['octal, space-terminated', field('000755 \0'), 0o755],
    ['leading spaces', field('   755  '), 0o755],
    ['empty field', field(''), 0],
    ['base-256', field([0x80, 0, 0, 0, 0, 0, 0x01, 0x00]), 256],
    ['base-256 over 8 GiB', field([0x80, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0], 12), 2 ** 33],
  ])('%s', (_, buf, want) => {
    expect(parseNumeric(buf, 0, buf.length, 'f')).toBe(want);
  });
  it('refuses non-octal digits and negative base-256', () => {
    expect(() => parseNumeric(field('00009\0'), 0, 8, 'mode')).toThrow(TarFormatError);
    expect(() => parseNumeric(field([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 8, 'size')).toThrow(/negative size/);
  });
});

describe('parsePax', () => {
  it('reads records, values with newlines and "=" in them', () => {
    const m = parsePax(paxRecords({ path: 'a\nb', linkpath: 'x=y', 'SCHILY.xattr.user.test': '1' }));
    expect([...m]).toEqual([['path', 'a\nb'], ['linkpath', 'x=y'], ['SCHILY.xattr.user.test', '1']]);
  });
  it.each([
    ['no length', '  path=x\n'],
    ['length past the end', '99 path=x\n'],
    ['no newline at the length', '9 path=xy'],
    ['no =', '9 pathxy\n'],
  ])('refuses a malformed record: %s', (_, text) => {
    expect(() => parsePax(Buffer.from(text))).toThrow(TarFormatError);
  });
});

describe('parseHeader', () => {
  it('joins the ustar prefix', () => {
    const long = `${'p'.repeat(120)}/${'n'.repeat(90)}`;
    expect(parseHeader(headerBlock({ name: long }, 0)).name).toBe(long);
  });
  it('refuses a bad checksum', () => {
    const h = headerBlock({ name: 'x' }, 0);
    h[0] = 0x79;
    expect(() => parseHeader(h)).toThrow(/checksum/);
  });
  it('a block zero but for its checksum field is an end block, as for GNU tar', () => {
    const b = Buffer.alloc(512);
    b.write('0000400\0', 148, 'latin1');
    expect(isZeroBlock(b)).toBe(true);
  });
});

describe('TarReader', () => {
  const entries: WEntry[] = [
    { name: './', type: '5' },
    { name: './bin/sh', data: 'x'.repeat(1000), mode: 0o4755, uid: 1234, gid: 2345 },
    { name: './bin/sh2', type: '1', linkname: './bin/sh' },
    { name: './lib', type: '2', linkname: 'usr/lib' },
    { name: './dev/null', type: '3', devmajor: 1, devminor: 3 },
    { name: './dev/sda', type: '4', devmajor: 8, devminor: 0 },
    { name: './run/fifo', type: '6' },
    { name: `./${'long/'.repeat(40)}file`, data: 'gnu', gnuLong: true },
    { name: './gnu-link', type: '1', linkname: `./${'long/'.repeat(40)}file`, gnuLong: true },
    { name: './pax-placeholder', data: 'pax', pax: { path: './with space/new\nline', 'SCHILY.xattr.user.test': '1', uid: '70000' } },
    { name: './pl', type: '2', pax: { linkpath: `/${'t'.repeat(300)}` } },
    { name: './gnu-format', format: 'gnu', data: 'y' },
    { name: './old-dir/', type: '0' },
  ];

  it('reads every kind of member', () => {
    const got = read(buildTar(entries));
    expect(got.map(summary)).toEqual([
      ['./', 'directory', ''],
      ['./bin/sh', 'file', ''],
      ['./bin/sh2', 'hardlink', './bin/sh'],
      ['./lib', 'symlink', 'usr/lib'],
      ['./dev/null', 'char', ''],
      ['./dev/sda', 'block', ''],
      ['./run/fifo', 'fifo', ''],
      [`./${'long/'.repeat(40)}file`, 'file', ''],
      ['./gnu-link', 'hardlink', `./${'long/'.repeat(40)}file`],
      ['./with space/new\nline', 'file', ''],
      ['./pl', 'symlink', `/${'t'.repeat(300)}`],
      ['./gnu-format', 'file', ''],
      ['./old-dir/', 'directory', ''],
    ]);
    expect(got[1]).toMatchObject({ mode: 0o4755, uid: 1234, gid: 2345, size: 1000 });
    expect(got[4]).toMatchObject({ devmajor: 1, devminor: 3 });
    expect(got[5]).toMatchObject({ devmajor: 8, devminor: 0 });
    expect(got[9]).toMatchObject({ uid: 70000, xattrs: ['user.test'] });
  });

  it.each([1, 7, 511, 512, 513, 4096])('gives the same entries fed in chunks of %d bytes', (n) => {
    const tar = buildTar(entries);
    expect(read(tar, n)).toEqual(read(tar));
  });

  it('applies global pax headers to every later member, local ones to the next only', () => {
    const g = paxRecords({ uid: '4242' });
    const tar = Buffer.concat([headerBlock({ name: 'g', type: 'g' }, g.length), g, Buffer.alloc(512 - g.length), buildTar([{ name: 'a', pax: { gid: '7' } }, { name: 'b' }])]);
    expect(read(tar).map((e) => [e.path, e.uid, e.gid])).toEqual([['a', 4242, 7], ['b', 4242, 0]]);
  });

  it('stops at the first zero block, as GNU tar does', () => {
    const tar = Buffer.concat([buildTar([{ name: 'a' }], { end: false }), Buffer.alloc(512), buildTar([{ name: '/hidden' }])]);
    expect(read(tar).map((e) => e.path)).toEqual(['a']);
  });

  it('reads no data after a hard link, whatever its size field says (as GNU tar)', () => {
    // The "data" of the link is a header that GNU tar reads as the next member.
    const inner = headerBlock({ name: '/etc/owned' }, 0);
    const tar = buildTar([{ name: 'a' }, { name: 'h', type: '1', linkname: 'a', data: inner }]);
    expect(read(tar).map((e) => [e.path, e.size])).toEqual([['a', undefined], ['h', 512], ['/etc/owned', undefined]]);
  });

  it('accepts an archive without end blocks', () => {
    expect(read(buildTar([{ name: 'a', data: 'x' }], { end: false })).map((e) => e.path)).toEqual(['a']);
  });

  it.each([
    ['inside a header', (t: Buffer) => t.subarray(0, 700)],
    ['inside data', (t: Buffer) => t.subarray(0, 1200)],
    ['after a pax header', (_: Buffer) => buildTar([{ name: 'a', pax: { path: 'b' } }]).subarray(0, 1024)],
  ])('refuses a truncated archive: %s', (_, cut) => {
    const tar = buildTar([{ name: 'a', data: 'x'.repeat(600) }, { name: 'b' }]);
    expect(() => read(cut(tar))).toThrow(/truncated/);
  });

  it('refuses what is not a tar archive, naming the offset', () => {
    const tar = Buffer.concat([buildTar([{ name: 'a' }], { end: false }), Buffer.alloc(512, 0x41)]);
    expect(() => read(tar)).toThrow(/checksum.*at byte 512/);
  });

  it('refuses a huge extended header instead of holding it', () => {
    const h = headerBlock({ name: 'x', type: 'x' }, 64 * 1024 * 1024);
    expect(() => read(h)).toThrow(/extended header of 67108864 bytes/);
  });

  it('reads what GNU tar writes: pax, GNU and ustar formats, long names', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-tar-reader-'));
    try {
      const src = path.join(dir, 'src');
      const long = `${'d'.repeat(90)}/${'f'.repeat(120)}`;
      execFileSync('sh', ['-c', `mkdir -p "${src}/${'d'.repeat(90)}" && ln -s target "${src}/link"`]);
      writeFileSync(path.join(src, long), 'x');
      writeFileSync(path.join(src, 'new\nline'), 'x');
      for (const format of ['posix', 'gnu', 'ustar']) {
        // (ustar exits 2 for the name it cannot hold; the rest is still written.)
        const tar = spawnSync('tar', [`--format=${format}`, '-C', src, '-cf', '-', '.'], { maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] }).stdout;
        const names = read(tar).map((e) => e.path).sort();
        if (format === 'ustar') {
          // ustar cannot hold a 120-byte component; GNU tar leaves it out with a warning.
          expect(names).toEqual(['./', `./${'d'.repeat(90)}/`, './link', './new\nline']);
        } else {
          expect(names).toEqual(['./', `./${'d'.repeat(90)}/`, `./${long}`, './link', './new\nline']);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
