import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, run, scratch, type Result } from '../support/host.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { buildImageTestRoot, LIST_TREE, parseTree } from '../support/image-tree.js';

// Images end to end through the CLI, for real, as root: a build in a container, image save,
// a run from the image that must see exactly the build's tree, image files loaded into
// another library dir (fetching the base from where it came from), chains, --squash,
// refusals (a different base, a damaged file), concurrent saves.
const isRoot = process.geteuid?.() === 0;
if (!isRoot) console.warn('image CLI integration tests skipped: they need root');

expectHostMountsUnchanged();
const S = scratch('mc-image-');
const LIB = path.join(S.dir, 'lib');
const LIB2 = path.join(S.dir, 'lib2');
const BASE = path.join(S.dir, 'base');
const ARCHIVE = path.join(S.dir, 'mini.tar.zst');

// MC_TEST_CLI: a bundle of one's own, while others rebuild dist/ in a shared tree.
const BIN = process.env.MC_TEST_CLI || CLI;
const cli = (args: string[]): Promise<Result> => run(process.execPath, [BIN, ...args], { timeoutMs: 120_000 });
const image = (lib: string, ...args: string[]): Promise<Result> => cli(['image', ...args, '-d', lib]);
/** `run` in LIB (or another library dir) with BASE as basedir, as root. */
const runIn = (lib: string, args: string[]): Promise<Result> => cli(['run', '-d', lib, '-b', BASE, '-u', '0:0', ...args]);

async function tree(lib: string, args: string[]): Promise<string[]> {
  const r = await runIn(lib, [...args, 'sh', '-c', LIST_TREE]);
  // Only progress notes (a base fetched, a layer applied) may be on stderr: nothing from find or md5sum.
  expect(r.stderr).not.toMatch(/find|md5sum|sh:/);
  expect(r.code).toBe(0);
  return parseTree(r.stdout);
}

const BUILD = [
  'set -e',
  'mkdir -p /opt/app/sub',
  'echo hello > /opt/app/sub/f',
  'chown 1234:2000 /opt/app/sub/f',
  'chmod 640 /opt/app/sub/f',
  'ln -s sub/f /opt/app/link',
  'ln /opt/app/sub/f /opt/app/hard',
  // a file of the base's, deleted
  'rm /etc/motd',
  // a directory of the base's, replaced: its old files must stay gone
  'rm -rf /srv/old',
  'mkdir /srv/old',
  'echo new > /srv/old/c',
  // a setuid file
  'cp /bin/true /opt/app/su',
  'chmod 4755 /opt/app/su',
  // a file of the base's, changed
  'echo builder2:x:1235:1235::/home/builder:/bin/sh >> /etc/passwd',
].join('; ');

function blobs(lib: string): string[] {
  try {
    return readdirSync(path.join(lib, 'store/images/blobs/sha256'));
  } catch {
    return [];
  }
}

beforeAll(() => {
  if (!isRoot) return;
  const root = buildImageTestRoot(path.join(S.dir, 'mini'));
  execFileSync('tar', ['--numeric-owner', '--zstd', '-C', root, '-cf', ARCHIVE, '.']);
  mkdirSync(BASE);
});
afterAll(() => S.cleanup());

describe.skipIf(!isRoot)('image save, run from an image, files, chains', () => {
  let b1Tree: string[] = [];
  let img1 = '';
  let b2Tree: string[] = [];

  it('a build in a container is saved as an image named by --as', async () => {
    expect((await cli(['rootfs', 'add', 'mini', ARCHIVE, '-d', LIB])).code).toBe(0);
    const b = await runIn(LIB, ['-n', 'b1', '-l', path.join(LIB, 'root-mini'), 'sh', '-c', BUILD]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const s = await image(LIB, 'save', 'b1', '--as', 'img1', '-b', BASE);
    expect(s.code, s.stderr).toBe(0);
    const m = /^img1:latest (sha256:[0-9a-f]{64})\n$/.exec(s.stdout);
    expect(m).not.toBeNull();
    img1 = m![1]!;
    const ls = JSON.parse((await image(LIB, 'ls', '--json')).stdout) as Array<{ name: string; digest: string; parent: string | null }>;
    expect(ls).toEqual([expect.objectContaining({ name: 'img1:latest', digest: img1, parent: null })]);
    const insp = JSON.parse((await image(LIB, 'inspect', 'img1')).stdout) as { digest: string; manifest: { base: { id: string; source: string; name: string }; layer: { mediaType: string } } };
    expect(insp.digest).toBe(img1);
    const sha = execFileSync('sha256sum', [ARCHIVE], { encoding: 'utf8' }).slice(0, 64);
    expect(insp.manifest.base).toEqual({ id: sha, source: ARCHIVE, name: 'mini' });
    expect(insp.manifest.layer.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
  });

  it('container --image --rm sees exactly the build tree: deleted stays deleted, replaced stays replaced, setuid stays', async () => {
    b1Tree = await tree(LIB, ['-n', 'b1', '-l', path.join(LIB, 'root-mini')]);
    const fromImage = await tree(LIB, ['-n', 'v1', '--image', 'img1', '--rm']);
    expect(fromImage).toEqual(b1Tree);
    expect(b1Tree).toContain('/opt/app/su f 4755 0 0 ' + statSync('/bin/true').size + ' 1');
    expect(b1Tree).toContain('/opt/app/sub/f f 640 1234 2000 6 2');
    expect(b1Tree).toContain('/opt/app/link l 777 0 0 sub/f');
    expect(b1Tree).toContain('/srv/old/c f 644 0 0 4 1');
    expect(b1Tree.filter((l) => /^\/srv\/old\/[ab] |\/etc\/motd/.test(l))).toEqual([]);
    // --ephemeral (= --rm) left no upper layer of v1 behind
    expect(existsSync(path.join(BASE, 'app-v1', 'upper'))).toBe(false);
  });

  it('--ephemeral writes go away; image settings are not needed for a plain run', async () => {
    const w = await runIn(LIB, ['-n', 'v2', '--image', 'img1', '--ephemeral', 'sh', '-c', 'echo x > /opt/app/new; cat /opt/app/sub/f']);
    expect(w.stdout).toBe('hello\n');
    const r = await runIn(LIB, ['-n', 'v2', '--image', 'img1', '--rm', 'sh', '-c', 'test -e /opt/app/new && echo there || echo gone']);
    expect(r.stdout).toBe('gone\n');
  });

  it('image save -o FILE, image rm, image load FILE --as img2 in another library dir gives the same tree (the base fetched from its source)', async () => {
    const file = path.join(S.dir, 'img1.mcimg');
    const s = await image(LIB, 'save', 'b1', '--as', 'img1', '-o', file);
    expect(s.code, s.stderr).toBe(0);
    const layerOf = async (ref: string): Promise<string> => (JSON.parse((await image(LIB, 'inspect', ref)).stdout) as { manifest: { layer: { digest: string } } }).manifest.layer.digest;
    const firstLayer = await layerOf(img1);
    // A new manifest (its own time of creation), the same layer: the same upper gives the same bytes.
    img1 = /^img1:latest (sha256:[0-9a-f]{64})\n$/.exec(s.stdout)![1]!;
    expect(await layerOf('img1')).toBe(firstLayer);
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(
      ['manifest.json', `manifests/${img1.slice(7)}.json`, ...blobs(LIB).map((b) => `blobs/sha256/${b}`)].sort(),
    );
    const rm = await image(LIB, 'rm', 'img1');
    expect(rm.code, rm.stderr).toBe(0);
    expect(blobs(LIB)).toEqual([]);
    expect((await image(LIB, 'inspect', 'img1')).code).toBe(125);

    const l = await image(LIB2, 'load', file, '--as', 'img2');
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toBe(`img2:latest ${img1}\n`);
    // LIB2 has no root at all: the base comes from the archive the image records.
    const t = await tree(LIB2, ['-n', 'v3', '--image', 'img2', '--rm']);
    expect(t).toEqual(b1Tree);
    expect(readdirSync(path.join(LIB2, 'store/roots'))).toContain(execFileSync('sha256sum', [ARCHIVE], { encoding: 'utf8' }).slice(0, 64));
  });

  it('a chain: a container started from img2 saves only its new layer, with img2 as parent; --squash makes one layer on the base', async () => {
    const b = await runIn(LIB2, ['-n', 'b2', '--image', 'img2', 'sh', '-c', 'set -e; echo more > /opt/more; rm /opt/app/link; rm -rf /srv/old; mkdir -p /srv/old/d']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    b2Tree = await tree(LIB2, ['-n', 'b2', '--image', 'img2']);
    expect(b2Tree).toContain('/opt/more f 644 0 0 5 1');
    expect(b2Tree.filter((l) => l.startsWith('/opt/app/link') || l.startsWith('/srv/old/c') || l.startsWith('/srv/old/a'))).toEqual([]);

    const s = await image(LIB2, 'save', 'b2', '--as', 'img3:v1');
    expect(s.code, s.stderr).toBe(0);
    const insp = JSON.parse((await image(LIB2, 'inspect', 'img3:v1')).stdout) as { digest: string; chain: string[]; manifest: { parent: string; layer: { size: number } } };
    expect(insp.manifest.parent).toBe(img1);
    expect(insp.chain).toEqual([insp.digest, img1]);
    const img2Size = (JSON.parse((await image(LIB2, 'inspect', 'img2')).stdout) as { manifest: { layer: { size: number } } }).manifest.layer.size;
    // Only what is new: a few small files and whiteouts, not the first layer again.
    expect(insp.manifest.layer.size).toBeLessThan(img2Size);
    expect(await tree(LIB2, ['-n', 'v4', '--image', 'img3:v1', '--rm'])).toEqual(b2Tree);

    const q = await image(LIB2, 'save', 'b2', '--as', 'img3:squashed', '--squash');
    expect(q.code, q.stderr).toBe(0);
    const sq = JSON.parse((await image(LIB2, 'inspect', 'img3:squashed')).stdout) as { chain: string[]; manifest: { parent?: string; squashed?: boolean } };
    expect(sq.manifest.parent).toBeUndefined();
    expect(sq.manifest.squashed).toBe(true);
    expect(sq.chain).toHaveLength(1);
    // The base's /etc/motd and /srv/old/a, deleted by the first layer, stay deleted in the one layer.
    expect(await tree(LIB2, ['-n', 'v5', '--image', 'img3:squashed', '--rm'])).toEqual(b2Tree);
    // and it travels alone: a file of it loads where its parent is not.
    const file = path.join(S.dir, 'squashed.mcimg');
    expect((await image(LIB2, 'save', 'b2', '--as', 'img3:squashed', '--squash', '-o', file)).code).toBe(0);
    const lib5 = path.join(S.dir, 'lib5');
    expect((await image(lib5, 'load', file, '--as', 'sq')).code).toBe(0);
    expect(await tree(lib5, ['-n', 'v6', '--image', 'sq', '--rm'])).toEqual(b2Tree);
  });

  it('containers started at once from a freshly loaded image apply its layer once, and both see it', async () => {
    const lib6 = path.join(S.dir, 'lib6');
    expect((await image(lib6, 'load', path.join(S.dir, 'squashed.mcimg'), '--as', 'sq')).code).toBe(0);
    const [a, b] = await Promise.all([tree(lib6, ['-n', 'p1', '--image', 'sq', '--rm']), tree(lib6, ['-n', 'p2', '--image', 'sq', '--rm'])]);
    expect(a).toEqual(b2Tree);
    expect(b).toEqual(b2Tree);
    expect(readdirSync(path.join(lib6, 'store/layers'))).toHaveLength(1);
  });

  it('a different base is a clear error, exit 125', async () => {
    const other = path.join(S.dir, 'other-root');
    mkdirSync(other, { recursive: true });
    const r = await runIn(LIB2, ['-n', 'v7', '--image', 'img2', '-l', other, '--rm', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/sits on the root mini \([0-9a-f]{64}\).*-l gives a different base.*leave -l out with --image/);
  });

  it('concurrent saves of the same container: both succeed, one blob, no temp files', async () => {
    const [a, b] = await Promise.all([image(LIB2, 'save', 'b2', '--as', 'c1'), image(LIB2, 'save', 'b2', '--as', 'c2')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const da = JSON.parse((await image(LIB2, 'inspect', 'c1')).stdout) as { manifest: { layer: { digest: string } } };
    const db = JSON.parse((await image(LIB2, 'inspect', 'c2')).stdout) as { manifest: { layer: { digest: string } } };
    expect(da.manifest.layer.digest).toBe(db.manifest.layer.digest);
    expect(blobs(LIB2).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(readdirSync(path.join(LIB2, 'store/images/names')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a damaged or truncated image file is refused with a clear error, and nothing is loaded', async () => {
    const good = path.join(S.dir, 'img1.mcimg');
    const truncated = path.join(S.dir, 'truncated.mcimg');
    copyFileSync(good, truncated);
    truncateSync(truncated, Math.floor(statSync(good).size / 2));
    const flipped = path.join(S.dir, 'flipped.mcimg');
    copyFileSync(good, flipped);
    // A byte in the middle of the largest member (the layer blob) changed.
    const list = execFileSync('tar', ['-tvf', good], { encoding: 'utf8' });
    expect(list).toMatch(/blobs\/sha256/);
    const fd = openSync(flipped, 'r+');
    const at = Math.floor(statSync(good).size / 2);
    const byte = Buffer.alloc(1);
    byte[0] = readFileSync(good)[at]! ^ 0xff;
    writeSync(fd, byte, 0, 1, at);
    closeSync(fd);
    const lib3 = path.join(S.dir, 'lib3');
    for (const f of [truncated, flipped]) {
      const r = await image(lib3, 'load', f, '--as', 'bad');
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(/is not a complete micro-container image file \(.+\); nothing was loaded/);
      expect(JSON.parse((await image(lib3, 'ls', '--json')).stdout)).toEqual([]);
      expect(blobs(lib3)).toEqual([]);
      expect(existsSync(path.join(lib3, 'store/images')) ? readdirSync(path.join(lib3, 'store/images')).filter((f2) => f2.startsWith('.')) : []).toEqual([]);
    }
    // A link among the members: refused before anything is unpacked.
    const linky = path.join(S.dir, 'linky');
    mkdirSync(path.join(linky, 'blobs/sha256'), { recursive: true });
    execFileSync('tar', ['-xf', good, '-C', linky, 'manifest.json']);
    execFileSync('ln', ['-s', '/etc/passwd', path.join(linky, 'blobs/sha256', 'f'.repeat(64))]);
    const linkyFile = path.join(S.dir, 'linky.mcimg');
    execFileSync('tar', ['-cf', linkyFile, '-C', linky, 'manifest.json', `blobs/sha256/${'f'.repeat(64)}`]);
    const l = await image(lib3, 'load', linkyFile, '--as', 'bad');
    expect(l.code).toBe(125);
    expect(l.stderr).toMatch(/is not a regular file or directory\); nothing was loaded/);
    expect(blobs(lib3)).toEqual([]);
    const notTar = path.join(S.dir, 'not-an-image');
    writeFileSync(notTar, 'hello');
    const r = await image(lib3, 'load', notTar);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/nothing was loaded/);
  });

  it('an image whose base archive now has other content cannot run: a clear error', async () => {
    const lib4 = path.join(S.dir, 'lib4');
    expect((await image(lib4, 'load', path.join(S.dir, 'img1.mcimg'), '--as', 'x')).code).toBe(0);
    const saved = path.join(S.dir, 'mini.tar.zst.orig');
    copyFileSync(ARCHIVE, saved);
    try {
      writeFileSync(path.join(S.dir, 'other.txt'), 'other');
      execFileSync('tar', ['--zstd', '-C', S.dir, '-cf', ARCHIVE, 'other.txt']);
      const r = await runIn(lib4, ['-n', 'v8', '--image', 'x', '--rm', 'true']);
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(/now gives a different one; a different base cannot carry this image/);
    } finally {
      copyFileSync(saved, ARCHIVE);
      rmSync(saved);
    }
  });
});
