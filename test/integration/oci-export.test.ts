import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { exportOciLayout, type OciExportInput } from '../../src/core/image/oci-export.js';
import { layerFromArchive, rootLayerFromDirectory } from '../../src/core/image/oci-layer-source.js';
import { MEDIA_TYPE } from '../../src/core/image/oci-spec.js';
import { run, scratch, SHARED_ROOTFS, type Result } from '../support/host.js';
import { podman, PODMAN_RUN } from '../support/podman.js';

// OCI layouts written by exportOciLayout, read back by the real tools that users push and
// run images with: skopeo (1.9 on Debian 12) and podman (4.3), in a private podman store.

const ALPINE = path.join(SHARED_ROOTFS, 'alpine-minirootfs-3.20.3-x86_64.tar.gz');
const ALPINE_XZ = path.join(SHARED_ROOTFS, 'gliderlabs-library-3.9-x86_64-rootfs.tar.xz');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.geteuid?.() === 0;
const missing = [
  ...['skopeo', 'podman', 'runc', 'zstd', 'unshare'].filter((c) => !has(c)),
  ...(existsSync(ALPINE) ? [] : [ALPINE]),
  ...(isRoot ? [] : ['root']),
];
if (missing.length > 0) console.warn(`oci-export integration tests skipped: missing ${missing.join(', ')} (apt-get install -y skopeo podman runc zstd; ../shared/rootfs)`);

// Made in beforeAll, not at import: a suite whose tests are all skipped runs no afterAll.
let S = { dir: '', cleanup: () => {} };

function hostMountpoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[4]!.replace(/\\040/g, ' '));
}

function lowerCaseScratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = path.join(tmpdir(), prefix + randomBytes(6).toString('hex'));
  mkdirSync(dir, { mode: 0o700 });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** sha256 of the decompressed stream, by other tools than the code under test. */
function diffIdOf(file: string, decompress: string): string {
  const out = execFileSync('sh', ['-c', `${decompress} < "$1" | sha256sum`, 'sh', file], { encoding: 'utf8' });
  return `sha256:${out.slice(0, 64)}`;
}
function digestOf(file: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
}

async function skopeo(args: string[]): Promise<Result> {
  return run('skopeo', ['--insecure-policy', ...args], { timeoutMs: 60_000 });
}


/** A layer made with plain tar: a new file, and a whiteout deleting the base's /etc/motd. */
function makeBuildLayer(): string {
  const dir = path.join(S.dir, 'layer2');
  mkdirSync(path.join(dir, 'build'), { recursive: true });
  mkdirSync(path.join(dir, 'etc'), { recursive: true });
  writeFileSync(path.join(dir, 'build/hello.txt'), 'hello from layer two\n');
  writeFileSync(path.join(dir, 'etc/.wh.motd'), '');
  const file = path.join(S.dir, 'layer2.tar');
  execFileSync('tar', ['-C', dir, '--numeric-owner', '-cf', file, 'build', 'etc']);
  return file;
}

function input(base: OciExportInput['layers'][number], layer2: string, extra: Partial<OciExportInput> = {}): OciExportInput {
  return {
    layers: [base, { file: layer2, createdBy: 'tar -cf layer2.tar build etc' }],
    config: { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', GREETING: 'hello oci' }, workdir: '/build', cmd: ['/bin/sh'], created: '2026-01-02T03:04:05Z' },
    tag: 'mc-test:1.0',
    ...extra,
  };
}

/** What the image shows when run: file content, whether the whited-out file is there, env, cwd. */
const PROBE = 'cat /build/hello.txt; test -e /etc/motd && echo motd-present || echo motd-absent; echo "greeting=$GREETING"; pwd; cat /etc/alpine-release';

describe.skipIf(missing.length > 0)('OCI layout export read by skopeo and podman', () => {
  let layer2 = '';
  let store = '';

  beforeAll(() => {
    // Lower case on purpose: `podman load -i DIR` (and `podman pull oci:DIR`) names the image
    // after DIR's path, and refuses a path with upper-case letters, which mkdtemp would give.
    S = lowerCaseScratch('mc-oci-');
    layer2 = makeBuildLayer();
    mkdirSync(path.join(S.dir, 'alpine-root'));
    execFileSync('tar', ['-C', path.join(S.dir, 'alpine-root'), '--numeric-owner', '-xzf', ALPINE]);
    store = path.join(S.dir, 'podman');
    for (const d of ['root', 'run', 'tmp']) mkdirSync(path.join(store, d), { recursive: true });
  });

  afterAll(async () => {
    try {
      if (store) await podman(store, ['system', 'reset', '--force']);
    } finally {
      // Nothing podman mounted may stay mounted under the scratch dir: unmount what did (so the
      // host is clean either way), then fail on it. Only our own paths are compared: other
      // people's tests on this machine mount and unmount meanwhile.
      const left = S.dir ? hostMountpoints().filter((mp) => mp === S.dir || mp.startsWith(`${S.dir}/`)) : [];
      for (const mp of left.reverse()) spawnSync('umount', ['-l', mp]);
      S.cleanup();
      expect(left).toEqual([]);
    }
  });

  it('writes a directory layout that skopeo inspects: layers, digests, diff IDs, env, workdir', async () => {
    const dest = path.join(S.dir, 'layout-dir');
    const r = await exportOciLayout(input({ file: ALPINE }, layer2), dest);
    expect(r.format).toBe('directory');
    expect(readFileSync(path.join(dest, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    // The gzip root tarball is already a layer: linked as it is, not rewritten.
    expect(r.layers.map((l) => [l.mediaType, l.digest, l.size])).toEqual([
      [MEDIA_TYPE.layerGzip, digestOf(ALPINE), statSync(ALPINE).size],
      [MEDIA_TYPE.layerTar, digestOf(layer2), statSync(layer2).size],
    ]);
    expect(r.diffIds).toEqual([diffIdOf(ALPINE, 'gzip -dc'), digestOf(layer2)]);
    // On one file system the root tarball is hard-linked, not copied.
    const blob = statSync(path.join(dest, 'blobs/sha256', r.layers[0]!.digest.slice(7)));
    if (statSync(ALPINE).dev === statSync(dest).dev) expect(blob.ino).toBe(statSync(ALPINE).ino);
    // Every blob is named by its content's digest.
    for (const name of readdirSync(path.join(dest, 'blobs/sha256'))) expect(digestOf(path.join(dest, 'blobs/sha256', name))).toBe(`sha256:${name}`);
    expect(readdirSync(S.dir).filter((n) => n.includes('oci-tmp'))).toEqual([]);

    const insp = await skopeo(['inspect', `oci:${dest}:mc-test:1.0`]);
    expect(insp.stderr).toBe('');
    const info = JSON.parse(insp.stdout) as { Digest: string; Layers: string[]; Env: string[]; Architecture: string; Os: string; Created: string };
    expect(info.Digest).toBe(r.manifest.digest);
    expect(info.Layers).toEqual(r.layers.map((l) => l.digest));
    expect(info.Env).toEqual(['GREETING=hello oci', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin']);
    expect([info.Os, info.Architecture, info.Created]).toEqual(['linux', process.arch === 'x64' ? 'amd64' : process.arch, '2026-01-02T03:04:05Z']);
    const cfg = JSON.parse((await skopeo(['inspect', '--config', `oci:${dest}:mc-test:1.0`])).stdout) as {
      config: { WorkingDir: string; Cmd: string[] };
      rootfs: { diff_ids: string[] };
      history: { created_by: string }[];
    };
    expect(cfg.config).toMatchObject({ WorkingDir: '/build', Cmd: ['/bin/sh'] });
    expect(cfg.rootfs.diff_ids).toEqual(r.diffIds);
    expect(cfg.history.map((h) => h.created_by)).toEqual(['micro-container: layer 1', 'tar -cf layer2.tar build etc']);
    // skopeo reads the manifest blob byte for byte.
    const raw = (await skopeo(['inspect', '--raw', `oci:${dest}:mc-test:1.0`])).stdout;
    expect(raw).toBe(readFileSync(path.join(dest, 'blobs/sha256', r.manifest.digest.slice(7)), 'utf8'));
  });

  it('writes a .tar that podman loads into a private store and runs: new file, whiteout, env, workdir', async () => {
    // The base written from a directory, as a root that exists only as a tree would be.
    const root = path.join(S.dir, 'alpine-root');
    const base = await rootLayerFromDirectory(root, path.join(S.dir, 'base-from-dir.tar.gz'), { compression: 'gzip' });
    expect(base.compression).toBe('gzip');
    const dest = path.join(S.dir, 'out', 'image.tar');
    const r = await exportOciLayout(input({ file: base.file, compression: 'gzip' }, layer2), dest);
    expect(r.format).toBe('tar');
    expect(execFileSync('tar', ['-tf', dest], { encoding: 'utf8' }).split('\n')).toEqual(expect.arrayContaining(['oci-layout', 'index.json', `blobs/sha256/${r.manifest.digest.slice(7)}`]));
    expect(readdirSync(path.dirname(dest))).toEqual(['image.tar']);

    const insp = await skopeo(['inspect', `oci-archive:${dest}`]);
    expect(JSON.parse(insp.stdout).Layers).toEqual(r.layers.map((l) => l.digest));

    const load = await podman(store, ['load', '-i', dest]);
    // The tag in index.json is the name podman gives the image.
    expect(load.stdout).toBe('Loaded image: localhost/mc-test:1.0\n');
    const listed = await podman(store, ['image', 'inspect', '--format', '{{.Id}}', 'localhost/mc-test:1.0']);
    expect(listed.stdout.trim()).toBe(r.config.digest.slice('sha256:'.length));
    const ran = await podman(store, [...PODMAN_RUN, 'localhost/mc-test:1.0', '/bin/sh', '-c', PROBE]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe('hello from layer two\nmotd-absent\ngreeting=hello oci\n/build\n3.20.3\n');
    expect(ran.code).toBe(0);
  });

  it('zstd layers: skopeo inspects, podman loads and runs them (Debian 12: skopeo 1.9, podman 4.3)', async () => {
    const zbase = await layerFromArchive(ALPINE, path.join(S.dir, 'base.tar.zst'), { compression: 'zstd' });
    const zdest = path.join(S.dir, 'layout-zstd');
    const r = await exportOciLayout(input({ file: zbase.file }, layer2, { tag: 'zstd' }), zdest);
    expect(r.layers[0]!.mediaType).toBe(MEDIA_TYPE.layerZstd);
    // Same tar inside, other compression: the diff ID is the gzip root's.
    expect(r.diffIds[0]).toBe(diffIdOf(ALPINE, 'gzip -dc'));
    expect(JSON.parse((await skopeo(['inspect', `oci:${zdest}:zstd`])).stdout).Layers).toEqual(r.layers.map((l) => l.digest));
    // Not there before: what runs below comes from the zstd layer. (podman load, not
    // `podman pull oci:DIR`: pull names the image after DIR, which must then be lower case.)
    expect((await podman(store, ['image', 'exists', r.config.digest.slice(7)])).code).toBe(1);
    const pull = await podman(store, ['load', '-i', zdest]);
    expect(pull.code, pull.stderr + pull.stdout).toBe(0);
    const ran = await podman(store, [...PODMAN_RUN, r.config.digest.slice(7), '/bin/sh', '-c', PROBE]);
    expect(ran.stdout).toBe('hello from layer two\nmotd-absent\ngreeting=hello oci\n/build\n3.20.3\n');

    // layerCompression 'gzip' rewrites a zstd layer for readers without zstd; same diff ID.
    const g = await exportOciLayout(input({ file: zbase.file }, layer2, { tag: 'gz', layerCompression: 'gzip' }), path.join(S.dir, 'layout-regz'));
    expect(g.layers[0]!.mediaType).toBe(MEDIA_TYPE.layerGzip);
    const gzBlob = path.join(S.dir, 'layout-regz', 'blobs/sha256', g.layers[0]!.digest.slice(7));
    expect(readFileSync(gzBlob).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(diffIdOf(gzBlob, 'gzip -dc')).toBe(r.diffIds[0]);
    expect(g.diffIds).toEqual(r.diffIds);
    expect(g.config.digest).toBe(r.config.digest);
  });

  it.skipIf(!existsSync(ALPINE_XZ))('recompresses an xz root tarball (no OCI media type) to zstd, and podman runs it', async () => {
    const dest = path.join(S.dir, 'layout-xz');
    const r = await exportOciLayout(input({ file: ALPINE_XZ }, layer2, { tag: 'xz' }), dest);
    expect(r.layers[0]!.mediaType).toBe(MEDIA_TYPE.layerZstd);
    expect(readdirSync(path.join(S.dir)).filter((n) => n.includes('oci-tmp'))).toEqual([]);
    expect(r.diffIds[0]).toBe(diffIdOf(ALPINE_XZ, 'xz -dc'));
    const pull = await podman(store, ['load', '-i', dest]);
    expect(pull.code, pull.stderr + pull.stdout).toBe(0);
    const ran = await podman(store, [...PODMAN_RUN, r.config.digest.slice(7), '/bin/sh', '-c', 'cat /build/hello.txt /etc/alpine-release']);
    expect(ran.stdout).toMatch(/^hello from layer two\n3\.9\.\d+\n$/);
  });

  it('packs the same directory to the same layer twice', async () => {
    const root = path.join(S.dir, 'alpine-root');
    const a = await rootLayerFromDirectory(root, path.join(S.dir, 'again-1.tar.zst'), { compression: 'zstd' });
    const b = await rootLayerFromDirectory(root, path.join(S.dir, 'again-2.tar.zst'), { compression: 'zstd' });
    expect(digestOf(a.file)).toBe(digestOf(b.file));
    // numeric owners kept: /etc/shadow is root:shadow (42) 0640 in Alpine.
    expect(execFileSync('tar', ['--zstd', '-tvf', a.file, '--numeric-owner', './etc/shadow'], { encoding: 'utf8' })).toMatch(/^-rw-r----- 0\/42 /);
  });
});

describe.skipIf(missing.length > 0)('OCI export failures leave nothing behind', () => {
  let F = { dir: '', cleanup: () => {} };
  beforeAll(() => {
    F = scratch('mc-oci-fail-');
  });
  afterAll(() => F.cleanup());

  it('a corrupt second layer: ConfigError, no dest, no temp sibling', async () => {
    const bad = path.join(F.dir, 'bad.tar.gz');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 7)]));
    for (const dest of [path.join(F.dir, 'out-dir'), path.join(F.dir, 'out.tar')]) {
      await expect(exportOciLayout({ layers: [{ file: ALPINE }, { file: bad }], config: {}, tag: 'x' }, dest)).rejects.toThrow(/not a readable gzip file/);
      expect(readdirSync(F.dir).sort()).toEqual(['bad.tar.gz']);
    }
  });

  it('refuses a non-empty dest directory and leaves it as it was', async () => {
    const dest = path.join(F.dir, 'full');
    mkdirSync(dest);
    writeFileSync(path.join(dest, 'keep'), 'x');
    const err = await exportOciLayout({ layers: [{ file: ALPINE }], config: {} }, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/is not empty; give an empty or absent directory/);
    expect(readdirSync(dest)).toEqual(['keep']);
    rmSync(dest, { recursive: true });
  });

  it('an existing empty dest directory is filled; a media type that contradicts the bytes is refused', async () => {
    const dest = path.join(F.dir, 'empty');
    mkdirSync(dest);
    await exportOciLayout({ layers: [{ file: ALPINE, mediaType: MEDIA_TYPE.layerGzip }], config: {} }, dest);
    expect(readdirSync(dest).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
    await expect(exportOciLayout({ layers: [{ file: ALPINE, compression: 'zstd' }], config: {} }, path.join(F.dir, 'no'))).rejects.toThrow(
      /said to be zstd but its first bytes say gzip/,
    );
    expect(existsSync(path.join(F.dir, 'no'))).toBe(false);
    await expect(exportOciLayout({ layers: [{ file: ALPINE }], config: {}, layerCompression: 'xz' as 'gzip' }, path.join(F.dir, 'no'))).rejects.toThrow(
      /layer compression "xz" is not one of keep, gzip/,
    );
    await expect(exportOciLayout({ layers: [], config: {} }, path.join(F.dir, 'no'))).rejects.toThrow(/needs at least one layer/);
    await expect(exportOciLayout({ layers: [{ file: ALPINE }], config: {}, tag: 'no good' }, path.join(F.dir, 'no'))).rejects.toThrow(/not a valid OCI reference name/);
    expect(readdirSync(F.dir).sort()).toEqual(['bad.tar.gz', 'empty']);
  });
});
