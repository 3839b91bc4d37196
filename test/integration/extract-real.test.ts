import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractArchive, type ExtractResult } from '../../src/core/rootfs/extract.js';
import { scratch, SHARED_ROOTFS } from '../support/host.js';

// The real root filesystem archives in ../shared/rootfs (see its README): verified against
// SHA256SUMS, extracted, and compared with what the README says they hold.

const S = scratch('mc-extract-real-');
afterAll(() => S.cleanup());

const isRoot = process.geteuid?.() === 0;

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

const sums = existsSync(path.join(SHARED_ROOTFS, 'SHA256SUMS'))
  ? new Map(readFileSync(path.join(SHARED_ROOTFS, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split(/\s+\*?/).reverse() as [string, string]))
  : new Map<string, string>();

/** Every path under dir (the root itself as '.'), without following symlinks. */
function walk(dir: string): { files: number; dirs: number; symlinks: number; chars: number; blocks: number; other: number; total: number } {
  const c = { files: 0, dirs: 1, symlinks: 0, chars: 0, blocks: 0, other: 0, total: 1 };
  const go = (d: string): void => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      c.total++;
      if (ent.isDirectory()) {
        c.dirs++;
        go(path.join(d, ent.name));
      } else if (ent.isFile()) c.files++;
      else if (ent.isSymbolicLink()) c.symlinks++;
      else if (ent.isCharacterDevice()) c.chars++;
      else if (ent.isBlockDevice()) c.blocks++;
      else c.other++;
    }
  };
  go(dir);
  return c;
}

interface Case {
  file: string;
  compression: string;
  entries: number;
  check: (root: string, r: ExtractResult) => void;
}

const cases: Case[] = [
  {
    file: 'alpine-minirootfs-3.20.3-x86_64.tar.gz',
    compression: 'gzip',
    entries: 518,
    check: (root, r) => {
      // README: 87 files, 97 dirs, 334 symlinks (the root "./" is one of the dirs).
      expect(walk(root)).toMatchObject({ files: 87, dirs: 97, symlinks: 334, total: 518 });
      expect(r.notes).toEqual([]);
      expect(statSync(root).mode & 0o7777).toBe(0o755);
      expect(readlinkSync(path.join(root, 'bin/sh'))).toBe('/bin/busybox');
      const shadow = statSync(path.join(root, 'etc/shadow'));
      expect([shadow.uid, shadow.gid, shadow.mode & 0o7777]).toEqual([0, 42, 0o640]);
      expect(statSync(path.join(root, 'tmp')).mode & 0o7777).toBe(0o1777);
      expect(readFileSync(path.join(root, 'etc/alpine-release'), 'utf8')).toBe('3.20.3\n');
    },
  },
  {
    file: 'gliderlabs-library-3.9-x86_64-rootfs.tar.xz',
    compression: 'xz',
    entries: 484,
    check: (root, r) => {
      // Its "./" is 0700: opened up, and said so.
      expect(statSync(root).mode & 0o7777).toBe(0o755);
      expect(r.notes).toEqual(['the archive\'s top directory "./" was mode 0700; made it 0755 so that non-root users in the container can use the root']);
      expect(walk(root).total).toBe(484);
      expect(readFileSync(path.join(root, 'etc/alpine-release'), 'utf8')).toMatch(/^3\.9\./);
      expect(lstatSync(path.join(root, 'bin/busybox')).mode & 0o7777).toBe(0o755);
    },
  },
  {
    file: 'debian-bookworm.tar.zst',
    compression: 'zstd',
    entries: 8743,
    check: (root, r) => {
      expect(r.notes).toEqual([]);
      const c = walk(root);
      // 8,743 entries, "./" among them: one path per entry.
      expect(c.total).toBe(8743);
      // README: 8 character devices under /dev, 2 hard links.
      expect(c.chars).toBe(isRoot ? 8 : 0);
      expect(readdirSync(path.join(root, 'dev')).filter((f) => lstatSync(path.join(root, 'dev', f)).isCharacterDevice()).sort()).toEqual(
        isRoot ? ['console', 'full', 'null', 'ptmx', 'random', 'tty', 'urandom', 'zero'] : [],
      );
      const perl = statSync(path.join(root, 'usr/bin/perl'));
      expect(statSync(path.join(root, 'usr/bin/perl5.36.0')).ino).toBe(perl.ino);
      expect(statSync(path.join(root, 'usr/bin/perlbug')).ino).toBe(statSync(path.join(root, 'usr/bin/perlthanks')).ino);
      expect(perl.nlink).toBe(2);
      const nul = lstatSync(path.join(root, 'dev/null'));
      expect([Math.floor(nul.rdev / 256), nul.rdev % 256, nul.mode & 0o7777]).toEqual([1, 3, 0o666]);
      const su = statSync(path.join(root, 'usr/bin/su'));
      expect([su.uid, su.gid, su.mode & 0o7777]).toEqual([0, 0, 0o4755]);
      const shadow = statSync(path.join(root, 'etc/shadow'));
      expect([shadow.uid, shadow.gid, shadow.mode & 0o7777]).toEqual([0, 42, 0o640]);
      expect(statSync(path.join(root, 'tmp')).mode & 0o7777).toBe(0o1777);
      expect(statSync(root).mode & 0o7777).toBe(0o755);
      expect(readFileSync(path.join(root, 'etc/debian_version'), 'utf8')).toMatch(/^12\./);
    },
  },
];

for (const c of cases) {
  const archive = path.join(SHARED_ROOTFS, c.file);
  const present = existsSync(archive);
  if (!present) console.warn(`[skip] ../shared/rootfs has no ${c.file}: its extraction test does not run`);
  describe.skipIf(!present)(`extracting ${c.file} from ../shared/rootfs`, () => {
    it('is the archive SHA256SUMS names', async () => {
      expect(sums.get(c.file), `SHA256SUMS has no line for ${c.file}`).toBeDefined();
      expect(await sha256(archive)).toBe(sums.get(c.file));
    });

    it(`extracts all ${c.entries} entries with owners, modes, links and devices`, async () => {
      const dest = path.join(S.dir, c.file, 'root');
      const r = await extractArchive(archive, dest);
      expect(r.compression).toBe(c.compression);
      expect(r.entries).toBe(c.entries);
      expect(readdirSync(path.dirname(dest))).toEqual(['root']);
      c.check(dest, r);
    });
  });
}
