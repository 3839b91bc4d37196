import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { ImageError } from '../../src/core/image/errors.js';
import { applyLayer } from '../../src/core/image/layer-apply.js';
import { saveLayer, type SavedLayer } from '../../src/core/image/layer-save.js';
import { UnsafeArchiveError } from '../../src/core/rootfs/archive-check.js';
import type { TarEntry } from '../../src/core/rootfs/tar-header.js';
import { TarReader } from '../../src/core/rootfs/tar-reader.js';
import { buildTar, writeArchive } from '../support/archives.js';
import { hostMounts, scratch, sh } from '../support/host.js';

/**
 * Image layers for real: an overlay is mounted (in a private mount namespace, so nothing
 * outlives the script that mounted it), changed the ways builds change a root, its upper
 * layer saved as an OCI layer, the layer applied to a fresh directory, and that directory
 * stacked on the same lower: the merged tree must be the one the container saw.
 */

const S = scratch('mc-image-');
afterAll(() => {
  // Only ours: other tests on this machine may mount and unmount meanwhile.
  const left = hostMounts().filter((m) => m.includes(S.dir));
  S.cleanup();
  expect(left).toEqual([]);
});

const q = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
/** Runs a shell script in its own private mount namespace: its mounts die with it. */
const inMountNs = (script: string): string => execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-euc', script], { encoding: 'utf8', maxBuffer: 1 << 26 });

/**
 * Every path of a tree, one line each: type, mode, owner, size (not for directories,
 * whose size is the filesystem's business), link target, link count of files (hard links),
 * mtime to the second, content digest, user xattrs. Sockets are left out (a layer does not
 * keep them; checked on their own).
 */
const LIST = `list() (
  cd "$1"
  find . ! -type s -printf '%p|%y|%m|%U|%G|%Ts|%l|' -a \\( -type d -printf '-|-\\n' -o -printf '%s|%n\\n' \\) | LC_ALL=C sort
  find . -type f -exec sha256sum {} + | LC_ALL=C sort -k2
  getfattr -R -h -d -m '^user\\.' --absolute-names . 2>/dev/null | grep -v '^$' | LC_ALL=C sort || true
  find . ! -type s ! -type l -print0 | LC_ALL=C sort -z | xargs -0 getfacl -P -s -p 2>/dev/null
)`;

const lower = path.join(S.dir, 'lower');
/** A directory deep enough that names in it need pax headers. */
const LONG = `${'long/'.repeat(30)}x`;
const upper = path.join(S.dir, 'upper');
let mergedBefore = '';

beforeAll(() => {
  // The lower layer: a small tree of our own.
  for (const d of ['a', 'rep/old', 'gone/deep', 'keep', 'vol']) mkdirSync(path.join(lower, d), { recursive: true });
  writeFileSync(path.join(lower, 'a/f1'), 'one\n');
  writeFileSync(path.join(lower, 'a/f2'), 'two\n');
  writeFileSync(path.join(lower, 'a/stays'), 'stays\n');
  writeFileSync(path.join(lower, 'rep/old/x'), 'old x\n');
  writeFileSync(path.join(lower, 'rep/y'), 'old y\n');
  writeFileSync(path.join(lower, 'gone/deep/z'), 'z\n');
  writeFileSync(path.join(lower, 'keep/k'), 'k\n');
  writeFileSync(path.join(lower, 'top'), 'top\n');
  writeFileSync(path.join(lower, 'edit'), 'before\n');
  symlinkSync('keep/k', path.join(lower, 'lnk'));
  mkdirSync(path.join(lower, LONG), { recursive: true });
  writeFileSync(path.join(lower, LONG, `victim-${'v'.repeat(120)}`), 'victim\n');
  chmodSync(lower, 0o755);
  mkdirSync(upper);
  mkdirSync(path.join(S.dir, 'work'));
  mkdirSync(path.join(S.dir, 'merged'));
  const m = path.join(S.dir, 'merged');
  mergedBefore = inMountNs(`${LIST}
    mount -t overlay -o lowerdir=${q(lower)},upperdir=${q(upper)},workdir=${q(path.join(S.dir, 'work'))} overlay ${q(m)}
    cd ${q(m)}
    rm a/f1 a/f2 top lnk                      # whiteouts
    rm -r gone                                # a whole directory deleted
    rm -r rep && mkdir rep && echo new > rep/n  # replaced: opaque
    echo after > edit                          # copied up and changed
    echo suid > su && chmod 4755 su            # setuid
    echo sg > sg && chmod 2711 sg              # setgid, odd mode
    mkdir -p d/e && echo linked > d/e/g && ln d/e/g d/hl   # hard links
    ln -s ../keep d/rel && ln -s /etc/passwd d/abs           # symlinks
    setfattr -n user.test -v hello d/e/g && setfattr -n user.bin -v 0x00ff10 keep
    setfacl -m u:1234:rw-,g:55:r-- d/e/g && setfacl -d -m g:55:r-x d   # ACLs, a default one
    mkfifo fifo
    ${q(process.execPath)} -e 'require("net").createServer().listen("sock", () => process.exit(0))'   # a socket (left behind by exit)
    echo owned > own && chown 1234:5678 own
    mkdir -p vol/mnt && echo volume > vol/mnt/data   # a volume's mount point: left out when asked
    echo deep > ${LONG}/.hidden-$(printf 'n%.0s' $(seq 1 120))
    rm ${LONG}/victim-$(printf 'v%.0s' $(seq 1 120))   # a whiteout whose name needs a pax path
    sync
    test -S sock
    list .
  `);
}, 120_000);

function entriesOf(file: string, decompress?: string[]): TarEntry[] {
  const data = decompress ? execFileSync(decompress[0]!, [...decompress.slice(1), file], { maxBuffer: 1 << 30 }) : readFileSync(file);
  const out: TarEntry[] = [];
  const r = new TarReader((e) => out.push(e));
  r.write(data);
  r.end();
  return out;
}
const byPath = (entries: TarEntry[]): Map<string, TarEntry> => new Map(entries.map((e) => [e.path.replace(/\/$/, ''), e]));
const sha = (file: string, decompress?: string): string => `sha256:${sh(`${decompress ? `${decompress} < ${q(file)}` : `cat ${q(file)}`} | sha256sum`).split(' ')[0]}`;

describe('saveLayer + applyLayer round trip on a real overlay', () => {
  let saved: SavedLayer;
  let entries: Map<string, TarEntry>;
  const layer = path.join(S.dir, 'out', 'layer.tar.zst');

  beforeAll(async () => {
    mkdirSync(path.dirname(layer), { recursive: true });
    saved = await saveLayer(upper, layer, { exclude: ['/vol/mnt'] });
    entries = byPath(entriesOf(layer, ['zstd', '-dc']));
  });

  it('writes the file alone, with the digests of what is in it', () => {
    expect(readdirSync(path.dirname(layer))).toEqual(['layer.tar.zst']);
    expect(saved.compression).toBe('zstd');
    expect(saved.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
    expect(saved.digest).toBe(sha(layer));
    expect(saved.size).toBe(readFileSync(layer).length);
    // The diff_id is left to whoever needs it (OCI export, load): hashing the tar would
    // cost the save a third of its time.
    expect(saved.diffId).toBeUndefined();
    expect(saved.whiteouts).toBe(6);
    expect(saved.opaqueDirs).toBe(1);
  });

  it('writes whiteouts as .wh.NAME files and the replaced directory with .wh..wh..opq', () => {
    for (const name of ['./a/.wh.f1', './a/.wh.f2', './.wh.top', './.wh.lnk', './.wh.gone']) {
      expect(entries.get(name), name).toMatchObject({ type: 'file', mode: 0o600 });
      expect(entries.get(name)!.size ?? 0).toBe(0);
    }
    expect(entries.get('./rep')).toMatchObject({ type: 'directory', mode: 0o755 });
    expect(entries.get('./rep/.wh..wh..opq')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(entries.get('./rep/n')).toMatchObject({ type: 'file' });
    expect([...entries.keys()].filter((p) => p.includes('.wh.')).sort()).toEqual([
      './.wh.gone', './.wh.lnk', './.wh.top', './a/.wh.f1', './a/.wh.f2', `./${LONG}/.wh.victim-${'v'.repeat(120)}`, './rep/.wh..wh..opq',
    ]);
    // Nothing under a deleted or replaced directory, no character devices left.
    expect([...entries.values()].filter((e) => e.type === 'char')).toEqual([]);
    expect([...entries.keys()].filter((p) => p.startsWith('./gone/') || p.startsWith('./rep/old'))).toEqual([]);
  });

  it('keeps owners, modes, setuid/setgid, links, fifos and user xattrs; drops sockets, overlay xattrs and the excluded volume', () => {
    expect(entries.get('./su')).toMatchObject({ type: 'file', mode: 0o4755, uid: 0, gid: 0 });
    expect(entries.get('./sg')).toMatchObject({ type: 'file', mode: 0o2711 });
    expect(entries.get('./own')).toMatchObject({ uid: 1234, gid: 5678 });
    expect(entries.get('./fifo')).toMatchObject({ type: 'fifo' });
    expect(entries.get('./d/rel')).toMatchObject({ type: 'symlink', linkTarget: '../keep' });
    expect(entries.get('./d/abs')).toMatchObject({ type: 'symlink', linkTarget: '/etc/passwd' });
    const links = ['./d/e/g', './d/hl'].map((p) => entries.get(p)!);
    expect(links.map((e) => e.type).sort()).toEqual(['file', 'hardlink']);
    expect(links.find((e) => e.type === 'hardlink')!.linkTarget).toBe(links.find((e) => e.type === 'file')!.path);
    // An ACL is its xattr, as the kernel keeps it: what podman and Docker restore (they ignore tar's SCHILY.acl.*).
    expect(entries.get('./d/e/g')?.xattrs ?? entries.get('./d/hl')?.xattrs).toEqual(['user.test', 'system.posix_acl_access']);
    expect(entries.get('./d')?.xattrs).toEqual(['system.posix_acl_default']);
    expect(entries.get('./keep')?.xattrs).toEqual(['user.bin']);
    expect(entries.has('./sock')).toBe(false);
    expect([...entries.values()].flatMap((e) => e.xattrs ?? []).filter((x) => x.startsWith('trusted.overlay.'))).toEqual([]);
    expect(entries.has('./vol')).toBe(true);
    expect([...entries.keys()].filter((p) => p.startsWith('./vol/mnt'))).toEqual([]);
    expect([...entries.keys()].some((p) => p.length > 200 && p.includes('.hidden-'))).toBe(true);
  });

  it('applies to a lower layer with char 0/0 whiteouts and an opaque directory, and nothing of the markers', async () => {
    const applied = path.join(S.dir, 'applied', 'layer');
    const r = await applyLayer(layer, applied);
    expect(r).toMatchObject({ compression: 'zstd', whiteouts: 6, opaqueDirs: 1 });
    expect(readdirSync(path.dirname(applied))).toEqual(['layer']);
    expect(sh(`stat -c '%F %t:%T %a %u:%g' ${q(path.join(applied, 'a/f1'))} ${q(path.join(applied, 'gone'))}`)).toBe('character special file 0:0 0 0:0\n'.repeat(2));
    expect(sh(`getfattr -h --only-values -n trusted.overlay.opaque ${q(path.join(applied, 'rep'))}`)).toBe('y');
    expect(sh(`find ${q(applied)} -name '.wh.*'`)).toBe('');
    expect(sh(`getfattr -R -h -d -m '^trusted\\.overlay\\.' --absolute-names ${q(applied)} | grep '^trusted' || true`)).toBe('trusted.overlay.opaque="y"\n');
    expect(existsSync(path.join(applied, 'sock'))).toBe(false);

    // The lower, then the applied layer over it: what the container saw, path by path.
    const after = inMountNs(`${LIST}
      mkdir -p ${q(path.join(S.dir, 'm2'))}
      mount -t overlay -o ro,lowerdir=${q(applied)}:${q(lower)} overlay ${q(path.join(S.dir, 'm2'))}
      list ${q(path.join(S.dir, 'm2'))}
    `);
    // The volume's mount point was left out of the layer: the lower's vol/ shows, empty.
    const expected = mergedBefore
      .split('\n')
      .filter((l) => !/^\.\/vol\/mnt|[ ]\.\/vol\/mnt/.test(l))
      .join('\n');
    expect(after.split('\n')).toEqual(expected.split('\n'));
    expect(after).toContain(`./${LONG}|d|`);
    expect(after).not.toContain('victim-');
    expect(after).not.toContain('./gone');
    expect(after).not.toContain('./rep/old');
    expect(after).toMatch(/\.\/rep\/n\|f\|/);
    expect(after).toMatch(/\.\/a\/stays\|f\|/);
    expect(after).not.toMatch(/\.\/a\/f1\|/);
    // ACLs, as xattrs (the form podman and Docker restore too), a directory's default one included.
    expect(after).toMatch(/# file: \.\/d\/e\/g\n# owner: root\n# group: root\nuser::rw-\nuser:1234:rw-\ngroup::r--\ngroup:55:r--/);
    expect(after).toMatch(/# file: \.\/d\n# owner: root\n# group: root\n[^#]*default:group:55:r-x/);
  });
});

describe('saveLayer compressions', () => {
  const up = path.join(S.dir, 'small-upper');
  beforeAll(() => {
    mkdirSync(path.join(up, 'etc'), { recursive: true });
    writeFileSync(path.join(up, 'etc/conf'), 'x'.repeat(100_000));
    sh(`mknod -m 000 ${q(path.join(up, 'etc/deleted'))} c 0 0 && setfattr -n trusted.overlay.opaque -v y ${q(path.join(up, 'etc'))}`);
  });

  it.each([
    ['gzip', 'layer.tar.gz', 'gzip -dc', 'application/vnd.oci.image.layer.v1.tar+gzip'],
    ['none', 'layer.tar', undefined, 'application/vnd.oci.image.layer.v1.tar'],
    ['zstd', 'layer.tar.zst', 'zstd -dc', 'application/vnd.oci.image.layer.v1.tar+zstd'],
  ] as const)('%s', async (compression, name, decompress, mediaType) => {
    const dir = path.join(S.dir, `comp-${compression}`);
    mkdirSync(dir);
    const file = path.join(dir, name);
    const r = await saveLayer(up, file, { compression });
    expect(r.mediaType).toBe(mediaType);
    expect(r.digest).toBe(sha(file));
    if (compression === 'none') expect(r.diffId).toBe(r.digest);
    else {
      expect(r.diffId).toBeUndefined();
      expect(r.size).toBeLessThan(Number(sh(`${decompress} < ${q(file)} | wc -c`).trim()) / 10);
    }
    const e = byPath(entriesOf(file, decompress?.split(' ')));
    // The markers and whiteouts first (tar cannot write them), then tar's members in order.
    expect([...e.keys()]).toEqual(['./etc/.wh..wh..opq', './etc/.wh.deleted', '.', './etc', './etc/conf']);
    // Applied, it gives back the upper layer it came from (the overlay's own xattr included).
    const back = path.join(dir, 'back');
    await applyLayer(file, back);
    expect(sh(`cd ${q(back)} && find . -printf '%p %y %m %s\\n' | sort && getfattr -h --only-values -n trusted.overlay.opaque etc && stat -c '%t:%T' etc/deleted`)).toBe(
      sh(`cd ${q(up)} && find . -printf '%p %y %m %s\\n' | sort && getfattr -h --only-values -n trusted.overlay.opaque etc && stat -c '%t:%T' etc/deleted`),
    );
  });
});

describe('saveLayer: names tar and find could get wrong', () => {
  // Whiteouts whose names a line, a glob or UTF-8 cannot hold as they are; a volume whose
  // path is a glob, beside names it would match as one; a socket.
  const up = path.join(S.dir, 'odd-upper');
  const odd = ['nl\nx', 'sp ', 'tab\t', 'st*r', '[br]', '\\x', '-dash'];
  /** Every path of a tree with its type, mode and device numbers; names as hex (any bytes). */
  const tree = (dir: string): string[] => {
    const out: string[] = [];
    const walk = (rel: Buffer): void => {
      for (const name of readdirSync(Buffer.concat([Buffer.from(`${dir}/`), rel]), { encoding: 'buffer' })) {
        const p = Buffer.concat([rel, name]);
        const st = lstatSync(Buffer.concat([Buffer.from(`${dir}/`), p]));
        out.push(`${p.toString('hex')} ${st.mode.toString(8)} ${st.isCharacterDevice() ? st.rdev : '-'}`);
        if (st.isDirectory()) walk(Buffer.concat([p, Buffer.from('/')]));
      }
    };
    walk(Buffer.alloc(0));
    return out.sort();
  };
  const hex = (s: string): string => Buffer.from(s).toString('hex');

  beforeAll(() => {
    for (const d of ['d', 'v[1]*/in', 'v1x', 'vx', 'keep']) mkdirSync(path.join(up, d), { recursive: true });
    writeFileSync(path.join(up, 'v[1]*/in/f'), 'volume\n');
    writeFileSync(path.join(up, 'v1x/f'), 'matches the glob, not the name\n');
    writeFileSync(path.join(up, 'keep/star'), 'k\n');
    for (const n of odd) sh(`mknod -m 0 ${q(path.join(up, 'd', n))} c 0 0`);
    sh(`mknod -m 0 "$(printf '%s/d/\\377b' ${q(up)})" c 0 0`); // not UTF-8
    sh(`ln ${q(path.join(up, 'd/[br]'))} ${q(path.join(up, 'd/hl'))}`); // one whiteout inode, two names
    sh(`cd ${q(path.join(up, 'keep'))} && ${q(process.execPath)} -e 'require("net").createServer().listen("sock", () => process.exit(0))'`);
  });

  it.each(['none', 'zstd'] as const)('%s: every whiteout becomes its .wh. member with its exact name; the volume and the socket are left out', async (compression) => {
    const dir = path.join(S.dir, `odd-${compression}`);
    mkdirSync(dir);
    const file = path.join(dir, 'layer');
    const r = await saveLayer(up, file, { compression, exclude: ['/v[1]*'] });
    expect(r).toMatchObject({ whiteouts: odd.length + 2, opaqueDirs: 0 });
    const e = byPath(entriesOf(file, compression === 'zstd' ? ['zstd', '-dc'] : undefined));
    expect([...e.values()].filter((m) => m.type === 'char')).toEqual([]);
    expect([...e.keys()].filter((p) => p.startsWith('./v'))).toEqual(['./v1x', './v1x/f', './vx']);
    expect(e.has('./keep/star') && !e.has('./keep/sock')).toBe(true);
    expect(r.entries).toBe(e.size);
    // Applied, the layer is the upper layer again, byte for byte in every name.
    const back = path.join(dir, 'back');
    await applyLayer(file, back);
    const want = tree(up).filter((l) => !l.startsWith(hex('v[1]*')) && !l.startsWith(hex('keep/sock')));
    expect(want.some((l) => l.startsWith(`${hex('d/')}ff62 `))).toBe(true);
    expect(tree(back)).toEqual(want);
  });

  it('refuses a whiteout whose name tar cannot be told (not UTF-8, and a newline), naming it', async () => {
    const bad = path.join(S.dir, 'odd-bad');
    mkdirSync(bad);
    sh(`mknod -m 0 "$(printf '%s/\\377\\nX' ${q(bad)})" c 0 0`);
    const dir = path.join(S.dir, 'odd-bad-out');
    mkdirSync(dir);
    const err = await saveLayer(bad, path.join(dir, 'l.tar.zst')).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as Error).message).toMatch(/newline or ends in white space and is not UTF-8.*rename it/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('saveLayer is atomic', () => {
  /** Nothing in `dir`: no layer, no temp file. */
  const expectEmpty = (dir: string): void => expect(readdirSync(dir)).toEqual([]);
  const big = path.join(S.dir, 'big-upper');
  beforeAll(() => {
    mkdirSync(path.join(big, 'zz'), { recursive: true });
    // Incompressible, so that the compressor has written plenty before the bad member.
    sh(`head -c ${24 << 20} /dev/urandom > ${q(path.join(big, 'aa-data'))}`);
  });

  it('refuses a missing upper directory before writing anything', async () => {
    const dir = path.join(S.dir, 'at-missing');
    mkdirSync(dir);
    const err = await saveLayer(path.join(S.dir, 'no-such-upper'), path.join(dir, 'l.tar.zst')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/no-such-upper.*does not exist/);
    expectEmpty(dir);
  });

  it('refuses bad volume paths with a ConfigError', async () => {
    const dir = path.join(S.dir, 'at-vol');
    mkdirSync(dir);
    await expect(saveLayer(big, path.join(dir, 'l'), { exclude: ['work'] })).rejects.toThrow(ConfigError);
    await expect(saveLayer(big, path.join(dir, 'l'), { exclude: ['/'] })).rejects.toThrow(/root/);
    expectEmpty(dir);
  });

  it('removes the temp file when the rewrite refuses a member after megabytes were written', async () => {
    const dir = path.join(S.dir, 'at-refused');
    mkdirSync(dir);
    writeFileSync(path.join(big, 'zz', '.wh.sneaky'), '');
    try {
      const err = await saveLayer(big, path.join(dir, 'l.tar.zst')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageError);
      expect((err as Error).message).toContain('"./zz/.wh.sneaky" is named like an OCI whiteout');
      expectEmpty(dir);
    } finally {
      sh(`rm -f ${q(path.join(big, 'zz', '.wh.sneaky'))}`);
    }
  });

  it('removes the temp file when the disk fills up', async () => {
    const dir = path.join(S.dir, 'at-full');
    mkdirSync(dir);
    sh(`mount -t tmpfs -o size=1m tmpfs ${q(dir)}`);
    try {
      const err = await saveLayer(big, path.join(dir, 'l.tar'), { compression: 'none' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageError);
      expect((err as Error).message).toMatch(/ENOSPC|no space/i);
      expectEmpty(dir);
    } finally {
      sh(`umount ${q(dir)}`);
    }
  });

  it('fails cleanly when the compressor is not installed', async () => {
    const dir = path.join(S.dir, 'at-nozstd');
    const bin = path.join(S.dir, 'bin-without-zstd');
    mkdirSync(dir);
    mkdirSync(bin);
    symlinkSync(sh('command -v tar').trim(), path.join(bin, 'tar'));
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      const err = await saveLayer(big, path.join(dir, 'l.tar.zst')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageError);
      expect((err as Error).message).toMatch(/zstd is not installed/);
    } finally {
      process.env.PATH = saved;
    }
    expectEmpty(dir);
  });

  it('stops on abort and leaves nothing', async () => {
    const dir = path.join(S.dir, 'at-abort');
    mkdirSync(dir);
    const ac = new AbortController();
    const p = saveLayer(big, path.join(dir, 'l.tar.zst'), { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toThrow(/aborted/);
    expectEmpty(dir);
  });

  it('replaces an existing layer file only when the new one is complete', async () => {
    const dir = path.join(S.dir, 'at-replace');
    mkdirSync(dir);
    const file = path.join(dir, 'l.tar');
    writeFileSync(file, 'previous');
    writeFileSync(path.join(big, 'zz', '.wh.sneaky'), '');
    try {
      await expect(saveLayer(big, file, { compression: 'none' })).rejects.toThrow(ImageError);
    } finally {
      sh(`rm -f ${q(path.join(big, 'zz', '.wh.sneaky'))}`);
    }
    expect(readFileSync(file, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['l.tar']);
  });
});

describe('applyLayer refuses what is not a safe OCI layer, leaving nothing', () => {
  let n = 0;
  const place = (): { dir: string; dest: string } => {
    const dir = path.join(S.dir, `apply${++n}`);
    mkdirSync(dir, { recursive: true });
    return { dir, dest: path.join(dir, 'parent', 'layer') };
  };
  const nothingLeft = (dest: string): void => {
    expect(existsSync(dest)).toBe(false);
    if (existsSync(path.dirname(dest))) expect(readdirSync(path.dirname(dest))).toEqual([]);
  };

  it('an absolute member name (the extraction check)', async () => {
    const { dir, dest } = place();
    const file = writeArchive(dir, 'l.tar', buildTar([{ name: './', type: '5' }, { name: path.join(dir, 'owned'), data: 'x' }]), 'zstd');
    await expect(applyLayer(file, dest)).rejects.toThrow(UnsafeArchiveError);
    expect(existsSync(path.join(dir, 'owned'))).toBe(false);
    nothingLeft(dest);
  });

  it.each([
    ['a whiteout of ".."', [{ name: './a/', type: '5' }, { name: './a/.wh...', data: '' }], /whiteout of "\.\."/],
    ['a whiteout name on a directory', [{ name: './.wh.d/', type: '5' }], /whiteout name on a directory/],
    ['a hard link to a whiteout', [{ name: './.wh.x', data: '' }, { name: './y', type: '1', linkname: './.wh.x' }], /hard link to the whiteout/],
  ])('%s', async (_, members, message) => {
    const { dir, dest } = place();
    const file = writeArchive(dir, 'l.tar.gz', buildTar([{ name: './', type: '5' }, ...members]), 'gzip');
    await expect(applyLayer(file, dest)).rejects.toThrow(message);
    nothingLeft(dest);
  });

  it('a layer that carries its own trusted.overlay xattrs gets none of them; a marker away from its directory still counts', async () => {
    const { dir, dest } = place();
    const file = writeArchive(
      dir,
      'l.tar',
      buildTar([
        { name: './', type: '5' },
        { name: './x/', type: '5', mode: 0o750, uid: 7, gid: 8, pax: { 'SCHILY.xattr.trusted.overlay.redirect': '/etc', 'SCHILY.xattr.user.k': 'v' } },
        { name: './x/file', data: 'data' },
        { name: './x/.wh..wh..opq', data: '' },
        { name: './x/.wh..wh.plnk', data: '' },
        { name: './f', data: 'f', pax: { 'SCHILY.xattr.trusted.overlay.metacopy': '' } },
      ]),
    );
    const r = await applyLayer(file, dest);
    expect(r).toMatchObject({ opaqueDirs: 1, whiteouts: 0 });
    expect(r.notes.join('\n')).toContain('trusted.overlay.redirect');
    expect(sh(`getfattr -R -h -d -m - --absolute-names ${q(dest)} | grep -v '^#' | grep -v '^$' | sort`)).toBe('trusted.overlay.opaque="y"\nuser.k="v"\n');
    expect(sh(`stat -c '%a %u:%g' ${q(path.join(dest, 'x'))} && ls -A ${q(path.join(dest, 'x'))}`)).toBe('750 7:8\nfile\n');
  });

  it('a non-empty destination', async () => {
    const { dir } = place();
    const file = writeArchive(dir, 'l.tar', buildTar([{ name: './', type: '5' }]));
    await expect(applyLayer(file, dir)).rejects.toThrow(/not empty/);
  });
});
