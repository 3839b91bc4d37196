import { describe, expect, it } from 'vitest';
import { ImageError } from '../../src/core/image/errors.js';
import { ApplyRewrite } from '../../src/core/image/layer-apply-rewrite.js';
import { editMember } from '../../src/core/image/layer-member-edit.js';
import { SavePrefix } from '../../src/core/image/layer-save-rewrite.js';
import { emptyFileMember, paxRecord, paxValue, rewriteHeader, splitPaxRecords } from '../../src/core/image/layer-tar-member.js';
import { TarRewriter, type Member } from '../../src/core/image/layer-tar-rewriter.js';
import { parseHeader, parsePax, type TarEntry } from '../../src/core/rootfs/tar-header.js';
import { TarReader } from '../../src/core/rootfs/tar-reader.js';
import { buildTar, entryBlocks, headerBlock, type WEntry } from '../support/archives.js';

/** Entries of an archive as GNU tar would see them, with their pax records (decoded). */
function read(tar: Buffer): Array<TarEntry & { pax?: Record<string, string> }> {
  const out: Array<TarEntry & { pax?: Record<string, string> }> = [];
  const r = new TarReader((e, h) => {
    // The pax data, when the member has a pax header: between its headers' start and its own header.
    const span = tar.subarray(h.start, h.end - 512);
    const rec = span.length ? parsePax(span.subarray(512, 512 + parseHeader(span.subarray(0, 512)).size)) : undefined;
    out.push(rec ? { ...e, pax: Object.fromEntries(rec) } : e);
  });
  r.write(tar);
  r.end();
  return out;
}

/** Runs a whole archive through a rewriter, in chunks of `chunk` bytes (headers split across chunks too). */
function rewrite(tar: Buffer, handler: ConstructorParameters<typeof TarRewriter>[0], chunk = 100): Buffer {
  const r = new TarRewriter(handler);
  const out: Buffer[] = [];
  for (let i = 0; i < tar.length; i += chunk) out.push(...r.write(tar.subarray(i, i + chunk)));
  out.push(...r.end());
  return Buffer.concat(out);
}

/** The one member of a one-member archive, as the rewriter hands it over. */
function memberOf(e: WEntry): Member {
  let m: Member | undefined;
  rewrite(buildTar([e]), { member: (x) => ((m = x), { emit: x.original, data: 'pass' }) });
  return m!;
}

describe('pax records', () => {
  it.each([
    ['path', 'a', '9 path=a\n'],
    ['k', 'x'.repeat(4), '9 k=xxxx\n'],
    // 1 digit + 9 would be 10, which takes 2 digits: the length field counts itself.
    ['k', 'x'.repeat(5), '11 k=xxxxx\n'],
    ['k', 'x'.repeat(93), `99 k=${'x'.repeat(93)}\n`],
    ['k', 'x'.repeat(94), `101 k=${'x'.repeat(94)}\n`],
  ])('paxRecord(%s, %j chars)', (k, v, want) => expect(paxRecord(k, v).bytes.toString()).toBe(want));

  it('keeps binary values byte for byte through split and edit', () => {
    const bin = Buffer.from([0x01, 0x00, 0x00, 0x02, 0xff, 0x0a, 0x3d]);
    const data = Buffer.concat([paxRecord('SCHILY.xattr.security.capability', bin).bytes, paxRecord('path', 'a=b').bytes, Buffer.alloc(20)]);
    const recs = splitPaxRecords(data);
    expect(recs.map((r) => r.key)).toEqual(['SCHILY.xattr.security.capability', 'path']);
    expect(paxValue(recs[0]!)).toEqual(bin);
    expect(paxValue(recs[1]!).toString()).toBe('a=b');
  });

  it.each([
    ['no length', '  k=v\n'],
    ['length past the end', '99 k=v\n'],
    ['no newline', '7 k=vvv'],
    ['no =', '6 kvv\n'],
  ])('refuses a malformed record: %s', (_, text) => expect(() => splitPaxRecords(Buffer.from(text))).toThrow(ImageError));
});

describe('rewriteHeader', () => {
  const base = headerBlock({ name: 'long-prefix/'.repeat(3) + 'x', type: '3', mode: 0o644, uid: 1234, gid: 5678, devmajor: 0, devminor: 0 }, 0);

  it.each([
    [{ name: './a/.wh.f', typeflag: '0', mode: 0o600 }, { name: './a/.wh.f', typeflag: '0', mode: 0o600, uid: 1234, gid: 5678, size: 0 }],
    [{ typeflag: '5', mode: 0o4755 }, { typeflag: '5', mode: 0o4755 }],
    [{ size: 12345 }, { size: 12345 }],
    [{ devmajor: 1, devminor: 3 }, { devmajor: 1, devminor: 3 }],
    [{ linkname: 'target' }, { linkname: 'target' }],
  ])('%j reads back as %j, with a valid checksum', (change, want) => {
    expect(parseHeader(rewriteHeader(base, change))).toMatchObject(want);
  });

  it('a new name clears a POSIX prefix, and leaves the original block alone', () => {
    const withPrefix = headerBlock({ name: `${'p/'.repeat(60)}name` }, 0);
    expect(parseHeader(withPrefix).name).toBe(`${'p/'.repeat(60)}name`);
    const copy = Buffer.from(withPrefix);
    expect(parseHeader(rewriteHeader(withPrefix, { name: 'short' })).name).toBe('short');
    expect(withPrefix).toEqual(copy);
  });

  it('refuses values that do not fit the field', () => expect(() => rewriteHeader(base, { size: 8 ** 11 })).toThrow(ImageError));
});

describe('editMember: a PAX rewrite of one header', () => {
  it('drops records by key, adds records, keeps the rest and the pax header name', () => {
    const m = memberOf({ name: './d/', type: '5', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.user.a': 'b', 'SCHILY.xattr.trusted.overlay.origin': '\u0001' } });
    const out = Buffer.concat([...editMember(m, { drop: (k) => k.startsWith('SCHILY.xattr.trusted.overlay.'), add: [['SCHILY.xattr.user.new', 'n']] }), Buffer.alloc(1024)]);
    expect(read(out)).toEqual([expect.objectContaining({ path: './d/', type: 'directory', pax: { 'SCHILY.xattr.user.a': 'b', 'SCHILY.xattr.user.new': 'n' } })]);
    expect(out.toString('latin1', 0, 12)).toBe('PaxHeaders/x');
  });

  it('drops the pax header when no record is left', () => {
    const m = memberOf({ name: './d/', type: '5', pax: { 'SCHILY.xattr.trusted.overlay.impure': 'y' } });
    const out = editMember(m, { drop: () => true });
    expect(out).toHaveLength(1);
    expect(parseHeader(out[0]!)).toMatchObject({ name: './d/', typeflag: '5' });
  });

  it('renames into the header when short, into a pax path when long (the old path and a GNU long name go)', () => {
    const long = `./${'dir/'.repeat(30)}f`;
    const m = memberOf({ name: long, type: '3', gnuLong: true, devmajor: 0, devminor: 0 });
    const short = Buffer.concat([...editMember(m, { path: './.wh.f', typeflag: '0' }), Buffer.alloc(1024)]);
    expect(read(short).map((e) => [e.path, e.type])).toEqual([['./.wh.f', 'file']]);
    const longer = `./${'dir/'.repeat(30)}.wh.f`;
    const renamed = Buffer.concat([...editMember(m, { path: longer, typeflag: '0' }), Buffer.alloc(1024)]);
    expect(read(renamed)).toEqual([expect.objectContaining({ path: longer, type: 'file', pax: { path: longer } })]);
  });

  it('a link that stops being one loses its linkpath record', () => {
    const m = memberOf({ name: './l', type: '1', linkname: 'x', pax: { linkpath: `./${'x'.repeat(150)}` } });
    const out = Buffer.concat([...editMember(m, { typeflag: '0', linkname: '' }), Buffer.alloc(1024)]);
    expect(read(out)).toEqual([expect.objectContaining({ path: './l', type: 'file', linkTarget: '' })]);
    expect(read(out)[0]!.pax).toBeUndefined();
  });

  it('emptyFileMember: an empty regular file owned like its directory', () => {
    const dir = headerBlock({ name: './d/', type: '5', uid: 7, gid: 8 }, 0);
    expect(read(Buffer.concat([...emptyFileMember('./d/.wh..wh..opq', 0o750, dir), Buffer.alloc(1024)]))).toEqual([
      expect.objectContaining({ path: './d/.wh..wh..opq', type: 'file', mode: 0o750, uid: 7, gid: 8 }),
    ]);
  });
});

const OPQ = { 'SCHILY.xattr.trusted.overlay.opaque': 'y' };

describe('SavePrefix over a metadata dump (chunked at odd sizes)', () => {
  // In find's order (the disk's), not by name; plain directories among them.
  const metaTar = buildTar([
    { name: './', type: '5', pax: { 'SCHILY.xattr.trusted.overlay.uuid': 'abc' } },
    { name: './plain/', type: '5' },
    { name: './b/', type: '5', mode: 0o750, uid: 3, pax: { ...OPQ } },
    { name: './a/', type: '5', pax: { 'SCHILY.xattr.trusted.overlay.origin': 'o' } },
    { name: './a/f1', type: '3', devmajor: 0, devminor: 0, mode: 0 },
    { name: './a/f2', type: '1', linkname: './a/f1' },
    { name: './plain/too/', type: '5' },
    { name: './dev/null', type: '3', devmajor: 1, devminor: 3 },
    { name: `./${'l/'.repeat(60)}gone`, type: '3', devmajor: 0, devminor: 0, pax: { path: `./${'l/'.repeat(60)}gone` } },
  ]);

  it('hands the rewriter no plain directory: they cannot be opaque', () => {
    const seen: string[] = [];
    const h = new SavePrefix('/u');
    const member = h.member.bind(h);
    h.member = (m) => (seen.push(m.entry.path), member(m));
    rewrite(metaTar, h);
    expect(seen).toEqual(['./', './b/', './a/', './a/f1', './a/f2', './dev/null', `./${'l/'.repeat(60)}gone`]);
  });

  it.each([1, 100, 512, 513, 4096])('chunks of %i bytes: only the whiteouts and markers, in name order, nothing of the dump itself', (chunk) => {
    const h = new SavePrefix('/u');
    expect(rewrite(metaTar, h, chunk).every((b) => b === 0)).toBe(true); // the dump's own end only
    const out = read(Buffer.concat([...h.blocks, Buffer.alloc(1024)]));
    expect(out.map((e) => [e.path, e.type, e.mode.toString(8)])).toEqual([
      ['./a/.wh.f1', 'file', '600'],
      ['./a/.wh.f2', 'file', '600'],
      ['./b/.wh..wh..opq', 'file', '750'],
      [`./${'l/'.repeat(60)}.wh.gone`, 'file', '600'],
    ]);
    expect(out.find((e) => e.path === './b/.wh..wh..opq')!.uid).toBe(3);
    expect(out.flatMap((e) => Object.keys(e.pax ?? {})).filter((k) => k.includes('trusted.overlay'))).toEqual([]);
    expect(h.stats).toEqual({ whiteouts: 3, opaqueDirs: 1 });
    // Their names for tar to leave out; the hard link is one as it links to a whiteout.
    expect(h.whiteoutNames).toEqual(['./a/f1', './a/f2', `./${'l/'.repeat(60)}gone`]);
    expect(h.stats.whiteouts + h.stats.opaqueDirs).toBe(out.length);
  });

  it.each([
    ['a directory renamed by redirect_dir', [{ name: './r/', type: '5', pax: { 'SCHILY.xattr.trusted.overlay.redirect': '/old' } }], /redirect_dir/],
    ['a metacopy file', [{ name: './m', data: '', pax: { 'SCHILY.xattr.trusted.overlay.metacopy': '' } }], /metacopy/],
  ] as const)('refuses %s', (_, entries, msg) => {
    expect(() => rewrite(buildTar([...entries]), new SavePrefix('/u'))).toThrow(msg);
  });
});

describe('ApplyRewrite over a tar stream', () => {
  it.each([1, 100, 512, 4096])('chunks of %i bytes', (chunk) => {
    const layer = buildTar([
      { name: './', type: '5' },
      { name: './a/', type: '5', pax: { 'SCHILY.xattr.trusted.overlay.origin': 'o' } },
      { name: './a/.wh.f1', data: '', mode: 0o600, uid: 5 },
      { name: './b/', type: '5', mode: 0o750, pax: { 'SCHILY.xattr.user.d': '1' } },
      { name: './b/.wh..wh..opq', data: '' },
      { name: './b/new', data: 'n', pax: { 'SCHILY.xattr.trusted.overlay.metacopy': '' } },
      { name: './c/', type: '5' },
      { name: './c/x', data: 'x' },
      { name: './c/.wh..wh..opq', data: '' },
      { name: './.wh..wh.plnk', data: '' },
      { name: `./${'l/'.repeat(60)}.wh.gone`, data: '', pax: { path: `./${'l/'.repeat(60)}.wh.gone`, 'SCHILY.xattr.user.w': 'w' } },
    ]);
    const h = new ApplyRewrite('layer.tar');
    const out = read(rewrite(layer, h, chunk));
    expect(out.map((e) => [e.path, e.type, e.mode.toString(8)])).toEqual([
      ['./', 'directory', '755'],
      ['./a/', 'directory', '755'],
      ['./a/f1', 'char', '0'],
      ['./b/', 'directory', '750'],
      ['./b/new', 'file', '644'],
      ['./c/', 'directory', '755'],
      ['./c/x', 'file', '644'],
      [`./${'l/'.repeat(60)}gone`, 'char', '0'],
    ]);
    expect(out.find((e) => e.path === './a/f1')).toMatchObject({ uid: 5, devmajor: 0, devminor: 0 });
    expect(out.find((e) => e.path === './b/')!.pax).toEqual({ 'SCHILY.xattr.user.d': '1', ...OPQ });
    expect(out.find((e) => e.path === './a/')!.pax).toBeUndefined();
    expect(out.find((e) => e.path === './b/new')!.pax).toBeUndefined();
    expect(out.find((e) => e.path.endsWith('gone'))!.pax).toEqual({ path: `./${'l/'.repeat(60)}gone` });
    // c's marker came after another member: left for after tar, by relative path.
    expect(h.lateOpaque).toEqual(['c']);
    expect(h.stats).toEqual({ whiteouts: 2, opaqueDirs: 2, metaSkipped: 1 });
  });

  it('the root itself can be opaque', () => {
    const h = new ApplyRewrite('l');
    const out = read(rewrite(buildTar([{ name: './', type: '5' }, { name: './.wh..wh..opq', data: '' }]), h));
    expect(out).toEqual([expect.objectContaining({ path: './', pax: OPQ })]);
  });

  it('a directory with the marker, then the end of the archive: flushed before the end blocks', () => {
    const tar = buildTar([{ name: './d/', type: '5' }]);
    expect(rewrite(tar, new ApplyRewrite('l'), 7)).toEqual(tar);
  });

  it.each([
    ['a whiteout that is not a file', [{ name: './.wh.x', type: '2', linkname: 'y' }], /whiteout name on a symlink/],
    ['an empty whiteout name', [{ name: './.wh.', data: '' }], /not a name/],
    ['a whiteout of ..', [{ name: './d/.wh...', data: '' }], /not a name/],
    ['a hard link to a whiteout', [{ name: './.wh.x', data: '' }, { name: './h', type: '1', linkname: './.wh.x' }], /hard link to the whiteout/],
  ] as const)('refuses %s', (_, entries, msg) => {
    expect(() => rewrite(buildTar([...entries]), new ApplyRewrite('l'))).toThrow(msg);
  });

  it('a truncated archive is an error, not a short layer', () => {
    const tar = Buffer.concat(entryBlocks({ name: './f', data: 'x'.repeat(2000) }));
    const r = new TarRewriter(new ApplyRewrite('l'));
    r.write(tar.subarray(0, 1000));
    expect(() => r.end()).toThrow(/truncated/);
  });
});
