import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as actionsCache from '@actions/cache';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionsLogLine } from '../../src/core/cache/actions-log.js';
import { restoreArchive, saveArchive, type CacheCallOptions } from '../../src/core/cache/archive-cache.js';
import { ArchiveCacheError } from '../../src/core/cache/errors.js';
import { imageCacheKey, imageRestoreKeys, rootCacheKey } from '../../src/core/cache/keys.js';
import { inCacheScope } from '../../src/core/cache/process-scope.js';
import { execCapture } from '../../src/core/exec.js';
import { startCacheServer, type CacheProtocol, type CacheServer } from '../support/cache-server.js';
import { scratch } from '../support/host.js';

/**
 * saveArchive / restoreArchive through the real @actions/cache 6 against the test cache
 * service on 127.0.0.1, in both protocols: real uploads and downloads of the archives.
 * Each test has its own server on an ephemeral port and its own scratch dir, which is also
 * TMPDIR during the test so that "nothing left in temp dirs" can be checked.
 */

interface Ctx {
  server: CacheServer;
  dir: string;
  tmp: string;
  lines: ActionsLogLine[];
  opts: CacheCallOptions;
}

const MiB = 1024 * 1024;

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function writeRandom(file: string, bytes: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, randomBytes(bytes));
  return sha256(file);
}

function setup(protocol: CacheProtocol): { ctx: () => Ctx } {
  let current: Ctx | undefined;
  let cleanup: () => void = () => undefined;
  let savedTmpdir: string | undefined;
  beforeEach(async () => {
    const s = scratch('mc-cache-');
    cleanup = s.cleanup;
    // Started first: the server keeps its entries in a temp dir of its own.
    const server = await startCacheServer();
    const tmp = path.join(s.dir, 'tmp');
    mkdirSync(tmp);
    savedTmpdir = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;
    const lines: ActionsLogLine[] = [];
    current = { server, dir: s.dir, tmp, lines, opts: { env: server.env(protocol), log: (l) => lines.push(l) } };
  });
  afterEach(async () => {
    if (savedTmpdir === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTmpdir;
    await current?.server.close();
    current = undefined;
    cleanup();
  });
  return { ctx: () => current! };
}

describe.each(['v2', 'v1'] as const)('archive cache over service %s', (protocol) => {
  const { ctx } = setup(protocol);

  it('saves an archive and restores the same bytes elsewhere, leaving no temp files', async () => {
    const { server, dir, tmp, opts } = ctx();
    const src = path.join(dir, 'src', 'root.tar.zst');
    const digest = writeRandom(src, 3 * MiB + 17);
    const key = rootCacheKey(digest);

    const saved = await saveArchive(src, key, opts);
    expect(saved).toEqual({ saved: true, id: expect.any(Number), exists: false });
    expect(saved.id).toBeGreaterThan(0);
    expect(server.entries).toEqual([expect.objectContaining({ id: saved.id, key, committed: true, protocol })]);
    expect(readdirSync(path.dirname(src))).toEqual(['root.tar.zst']);

    const dest = path.join(dir, 'elsewhere', 'deeper', 'root.tar.zst');
    const restored = await restoreArchive(dest, key, [], opts);
    expect(restored).toEqual({ matchedKey: key, exactHit: true });
    expect(sha256(dest)).toBe(digest);
    expect(readdirSync(path.dirname(dest))).toEqual(['root.tar.zst']);
    expect(readdirSync(tmp)).toEqual([]);
    expect(server.stats.downloadedBytes).toBe(server.entries[0]!.size);
  });

  it('picks an exact key first, then the newest entry its prefix matches, then restore keys in order', async () => {
    const { dir, opts } = ctx();
    const digests: Record<string, string> = {};
    for (const name of ['build-a', 'build-b', 'other-1']) {
      const file = path.join(dir, 'src', name);
      digests[name] = writeRandom(file, 4096);
      expect((await saveArchive(file, imageCacheKey(name), opts)).saved).toBe(true);
    }
    const dest = path.join(dir, 'out', 'image.tar.zst');
    const cases: Array<[string, string[], string | undefined, boolean]> = [
      // Exact wins over a newer entry the key prefixes.
      ['build-a', [], 'build-a', true],
      // The primary key is a prefix too: newest of build-*.
      ['build', [], 'build-b', false],
      ['build-c', imageRestoreKeys('nothing-\nbuild-\nother-'), 'build-b', false],
      ['build-c', imageRestoreKeys(['other-', 'build-']), 'other-1', false],
      ['zzz', imageRestoreKeys('yyy'), undefined, false],
    ];
    for (const [primary, restoreKeys, expected, exact] of cases) {
      rmSync(dest, { force: true });
      const result = await restoreArchive(dest, imageCacheKey(primary), restoreKeys, opts);
      expect(result, `${primary} ${restoreKeys.join(' ')}`).toEqual({ matchedKey: expected && imageCacheKey(expected), exactHit: exact });
      if (expected) expect(sha256(dest)).toBe(digests[expected]);
      else expect(existsSync(dest)).toBe(false);
    }
  });

  it('refuses to replace an existing key: a warning and exists, not a failure; the first entry stays', async () => {
    const { server, dir, opts, lines } = ctx();
    const first = path.join(dir, 'first.tar');
    const second = path.join(dir, 'second.tar');
    const firstDigest = writeRandom(first, 8192);
    writeRandom(second, 8192);
    const key = imageCacheKey('same');
    expect((await saveArchive(first, key, opts)).saved).toBe(true);

    const again = await saveArchive(second, key, opts);
    expect(again).toEqual({ saved: false, id: -1, exists: true, warning: expect.stringContaining(`already has an entry for '${key}'`) });
    expect(server.stats.refused).toBe(1);
    expect(server.entries).toHaveLength(1);
    // @actions/cache says so at info level only: it does not fail the job.
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warning')).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['first.tar', 'second.tar', 'tmp']);

    const dest = path.join(dir, 'back.tar');
    expect(await restoreArchive(dest, key, [], opts)).toEqual({ matchedKey: key, exactHit: true });
    expect(sha256(dest)).toBe(firstDigest);
  });

  it('replaces an existing destination only on success, by a rename', async () => {
    const { server, dir, opts } = ctx();
    const src = path.join(dir, 'new.tar');
    const digest = writeRandom(src, 2 * MiB);
    const key = imageCacheKey('atomic');
    expect((await saveArchive(src, key, opts)).saved).toBe(true);

    const destDir = path.join(dir, 'store');
    const dest = path.join(destDir, 'image.tar');
    mkdirSync(destDir);
    writeFileSync(dest, 'the old archive');
    const oldIno = statSync(dest).ino;

    // A failed download (500 is not retried) leaves the old file as it was.
    server.failNext('download', { status: 500 });
    const failed = await restoreArchive(dest, key, [], opts);
    expect(failed).toEqual({ matchedKey: undefined, exactHit: false, warning: expect.stringMatching(/^Failed to restore: .*500/) });
    expect(readFileSync(dest, 'utf8')).toBe('the old archive');
    expect(statSync(dest).ino).toBe(oldIno);
    expect(readdirSync(destDir)).toEqual(['image.tar']);

    // A successful one renames a complete file over it: the name sees no write, only a rename.
    const events: string[] = [];
    const watcher = watch(destDir, (event, name) => {
      if (name === 'image.tar') events.push(event);
    });
    try {
      const restored = await restoreArchive(dest, key, [], opts);
      expect(restored).toEqual({ matchedKey: key, exactHit: true });
      // inotify delivers in order: once the rename is seen, any earlier write would have been too.
      for (let i = 0; i < 100 && !events.includes('rename'); i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      watcher.close();
    }
    expect(events).toContain('rename');
    expect(events).not.toContain('change');
    expect(statSync(dest).ino).not.toBe(oldIno);
    expect(sha256(dest)).toBe(digest);
    expect(readdirSync(destDir)).toEqual(['image.tar']);
  });

  it('stages paths @actions/cache cannot quote in TMPDIR, across filesystems, still renaming into place', async () => {
    const { dir, opts } = ctx();
    // /dev/shm is a tmpfs: another filesystem than the scratch dir, so links and renames fail (EXDEV).
    const shm = mkdtempSync(path.join('/dev/shm', 'mc-cache-'));
    try {
      process.env['TMPDIR'] = shm;
      const spaced = path.join(dir, 'with space');
      const src = path.join(spaced, 'a.tar');
      const digest = writeRandom(src, 100_000);
      expect((await saveArchive(src, 'k', opts)).saved).toBe(true);
      expect(readdirSync(spaced)).toEqual(['a.tar']);
      const dest = path.join(spaced, 'out', 'b.tar');
      expect(await restoreArchive(dest, 'k', [], opts)).toEqual({ matchedKey: 'k', exactHit: true });
      expect(sha256(dest)).toBe(digest);
      expect(readdirSync(path.dirname(dest))).toEqual(['b.tar']);
      expect(readdirSync(shm)).toEqual([]);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it('serialises concurrent calls: each runs with its own environment and work dir', async () => {
    const { server, dir, opts } = ctx();
    const files = ['a', 'b', 'c'].map((n) => path.join(dir, 'src', `${n}.tar`));
    const digests = files.map((f) => writeRandom(f, 65536));
    const results = await Promise.all(files.map((f, i) => saveArchive(f, imageCacheKey(`par-${i}`), opts)));
    expect(results.map((r) => r.saved)).toEqual([true, true, true]);
    expect(server.entries.map((e) => e.key).sort()).toEqual([0, 1, 2].map((i) => imageCacheKey(`par-${i}`)));
    const dests = [0, 1, 2].map((i) => path.join(dir, 'out', `${i}.tar`));
    const restored = await Promise.all(dests.map((d, i) => restoreArchive(d, imageCacheKey(`par-${i}`), [], opts)));
    expect(restored.map((r) => r.exactHit)).toEqual([true, true, true]);
    expect(dests.map(sha256)).toEqual(digests);
  });

  it('is "not available" with a reason, without a request, when the runner gave no token or no URL', async () => {
    const { server, dir, opts } = ctx();
    const file = path.join(dir, 'a.tar');
    writeRandom(file, 100);
    const noToken = { ...opts, env: { ...opts.env, ACTIONS_RUNTIME_TOKEN: undefined } };
    const urlVar = protocol === 'v2' ? 'ACTIONS_RESULTS_URL' : 'ACTIONS_CACHE_URL';
    const noUrl = { ...opts, env: { ...opts.env, [urlVar]: '' } };
    expect(await saveArchive(file, 'k', noToken)).toEqual({ saved: false, id: -1, exists: false, warning: expect.stringContaining('ACTIONS_RUNTIME_TOKEN is not set') });
    expect(await saveArchive(file, 'k', noUrl)).toEqual({ saved: false, id: -1, exists: false, warning: expect.stringContaining(`${urlVar} (cache service ${protocol}) is not set`) });
    const dest = path.join(dir, 'out', 'a.tar');
    expect(await restoreArchive(dest, 'k', [], noToken)).toEqual({ matchedKey: undefined, exactHit: false, warning: expect.stringContaining('ACTIONS_RUNTIME_TOKEN is not set') });
    expect(await restoreArchive(dest, 'k', [], noUrl)).toEqual({ matchedKey: undefined, exactHit: false, warning: expect.stringContaining('is not set') });
    expect(server.stats.requests).toBe(0);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('follows the runner\'s cache-mode: read permits restores, not saves', async () => {
    const { server, dir, opts } = ctx();
    const file = path.join(dir, 'a.tar');
    const digest = writeRandom(file, 1000);
    expect((await saveArchive(file, 'k', opts)).saved).toBe(true);
    server.resetStats();
    const readOnly = { ...opts, env: { ...opts.env, ACTIONS_CACHE_MODE: 'read' } };
    expect(await saveArchive(file, 'k2', readOnly)).toEqual({ saved: false, id: -1, exists: false, warning: "the effective cache-mode 'read' does not permit writes" });
    expect(server.stats.requests).toBe(0);
    const dest = path.join(dir, 'b.tar');
    expect(await restoreArchive(dest, 'k', [], readOnly)).toEqual({ matchedKey: 'k', exactHit: true });
    expect(sha256(dest)).toBe(digest);
  });

  it('a wrong token is refused by the service: not saved, not "exists", nothing restored', async () => {
    const { server, dir, opts } = ctx();
    const file = path.join(dir, 'a.tar');
    writeRandom(file, 1000);
    expect((await saveArchive(file, 'k', opts)).saved).toBe(true);
    const wrong = { ...opts, env: { ...opts.env, ACTIONS_RUNTIME_TOKEN: 'not-the-token' } };
    const saved = await saveArchive(file, 'k2', wrong);
    expect(saved).toEqual({ saved: false, id: -1, exists: false, warning: expect.stringMatching(/401|wrong bearer token/) });
    const restored = await restoreArchive(path.join(dir, 'b.tar'), 'k', [], wrong);
    expect(restored).toEqual({ matchedKey: undefined, exactHit: false, warning: expect.stringMatching(/^Failed to restore: /) });
    expect(server.stats.unauthorized).toBe(2);
    expect(existsSync(path.join(dir, 'b.tar'))).toBe(false);
  });

  it('throws ArchiveCacheError only for an archive that is not there or not a file', async () => {
    const { dir, opts } = ctx();
    await expect(saveArchive(path.join(dir, 'missing.tar'), 'k', opts)).rejects.toThrow(ArchiveCacheError);
    await expect(saveArchive(dir, 'k', opts)).rejects.toThrow(/not a regular file/);
  });

  it('keeps the cache version to its own path: an entry saved for other paths does not match', async () => {
    const { server, dir, opts } = ctx();
    const file = path.join(dir, 'a.tar');
    writeRandom(file, 1000);
    const key = imageCacheKey('versioned');
    expect((await saveArchive(file, key, opts)).saved).toBe(true);
    const work = path.join(dir, 'raw');
    mkdirSync(work);
    const env = { ...opts.env, HOME: work, GITHUB_WORKSPACE: work, RUNNER_TEMP: work };
    const other = await inCacheScope(env, () => undefined, () => actionsCache.restoreCache([path.join(work, 'other')], key, [], { lookupOnly: true }));
    expect(other.value).toBeUndefined();
    const same = await inCacheScope(env, () => undefined, () => actionsCache.restoreCache(['~/micro-container-archive'], key, [], { lookupOnly: true }));
    expect(same.value).toBe(key);
    expect(server.stats.operations.lookup).toBe(2);
  });
});

describe('archive cache: multi-chunk uploads', () => {
  describe('v1', () => {
    const { ctx } = setup('v1');
    it('uploads a 40 MB archive in 32 MiB chunks (PATCH with Content-Range) and restores it intact', async () => {
      const { server, dir, opts } = ctx();
      const src = path.join(dir, 'big.tar.zst');
      const digest = writeRandom(src, 40 * 1000 * 1000);
      // The default chunk size, whatever the environment says.
      const defaults = { ...opts, env: { ...opts.env, CACHE_UPLOAD_CHUNK_SIZE: undefined, CACHE_UPLOAD_CONCURRENCY: undefined } };
      expect((await saveArchive(src, imageCacheKey('big'), defaults)).saved).toBe(true);
      // @actions/cache wraps the archive in its own tar.zst: a few bytes more than 40 MB.
      const size = server.entries[0]!.size;
      // Four uploaders run at once: the chunks may arrive in any order.
      expect([...server.stats.chunks].sort((a, b) => b - a)).toEqual([32 * MiB, size - 32 * MiB]);
      const dest = path.join(dir, 'out', 'big.tar.zst');
      expect((await restoreArchive(dest, imageCacheKey('big'), [], opts)).exactHit).toBe(true);
      expect(sha256(dest)).toBe(digest);
    });
  });

  describe('v2', () => {
    const { ctx } = setup('v2');
    it('uploads a 40 MB archive as one Put Blob (the client sends up to 128 MiB in one shot)', async () => {
      const { server, dir, opts } = ctx();
      const src = path.join(dir, 'big.tar.zst');
      const digest = writeRandom(src, 40 * 1000 * 1000);
      expect((await saveArchive(src, imageCacheKey('big'), opts)).saved).toBe(true);
      expect(server.stats.chunks).toEqual([server.entries[0]!.size]);
      const dest = path.join(dir, 'out', 'big.tar.zst');
      expect((await restoreArchive(dest, imageCacheKey('big'), [], opts)).exactHit).toBe(true);
      expect(sha256(dest)).toBe(digest);
    });

    it('uploads a 136 MB archive (over 128 MiB) as 64 MiB blocks and a block list, and restores it intact', async () => {
      const { server, dir, opts } = ctx();
      const src = path.join(dir, 'huge.tar.zst');
      const digest = writeRandom(src, 136 * 1000 * 1000);
      expect((await saveArchive(src, imageCacheKey('huge'), opts)).saved).toBe(true);
      const size = server.entries[0]!.size;
      expect(server.stats.chunks.length).toBe(3);
      expect([...server.stats.chunks].sort((a, b) => b - a)).toEqual([64 * MiB, 64 * MiB, size - 128 * MiB]);
      const dest = path.join(dir, 'out', 'huge.tar.zst');
      expect((await restoreArchive(dest, imageCacheKey('huge'), [], opts)).exactHit).toBe(true);
      expect(sha256(dest)).toBe(digest);
    });
  });
});

describe('archive cache: a failing service gives warnings, never a throw', () => {
  describe('v1', () => {
    const { ctx } = setup('v1');

    it('a 502 on every lookup: a miss with the error after the client retries once (10 s)', async () => {
      const { server, dir, opts, lines } = ctx();
      server.failNext('lookup', { status: 502, times: 2 });
      const result = await restoreArchive(path.join(dir, 'out.tar'), 'k', ['k-'], opts);
      expect(result).toEqual({ matchedKey: undefined, exactHit: false, warning: 'Failed to restore: getCacheEntry failed: Cache service responded with 502' });
      expect(server.stats.operations.lookup).toBe(2);
      expect(lines.some((l) => l.level === 'warning')).toBe(true);
      expect(readdirSync(dir)).toEqual(['tmp']);
      expect(readdirSync(ctx().tmp)).toEqual([]);
    });

    it('a 500 on the reservation: -1 and the error; a 500 on a chunk: not saved, though v1 returns the reserved id', async () => {
      const { server, dir, opts } = ctx();
      const file = path.join(dir, 'a.tar');
      writeRandom(file, 1000);
      // v1 does not retry a 500.
      server.failNext('reserve', { status: 500 });
      expect(await saveArchive(file, 'k1', opts)).toEqual({ saved: false, id: -1, exists: false, warning: 'Failed to save: reserveCache failed: Cache service responded with 500' });
      server.failNext('upload', { status: 500 });
      const chunk = await saveArchive(file, 'k2', opts);
      expect(chunk).toEqual({ saved: false, id: -1, exists: false, warning: expect.stringMatching(/^Failed to save: uploadChunk .* failed: Cache service responded with 500/) });
      expect(server.entries.filter((e) => e.committed)).toEqual([]);
      expect(readdirSync(dir).sort()).toEqual(['a.tar', 'tmp']);
      expect(readdirSync(ctx().tmp)).toEqual([]);
    });
  });

  describe('v2', () => {
    const { ctx } = setup('v2');

    it('one 502 on the lookup is retried and the restore succeeds', async () => {
      const { server, dir, opts, lines } = ctx();
      const file = path.join(dir, 'a.tar');
      const digest = writeRandom(file, 1000);
      expect((await saveArchive(file, 'k', opts)).saved).toBe(true);
      server.failNext('lookup', { status: 502 });
      const dest = path.join(dir, 'b.tar');
      expect(await restoreArchive(dest, 'k', [], opts)).toEqual({ matchedKey: 'k', exactHit: true });
      expect(sha256(dest)).toBe(digest);
      expect(server.stats.operations.lookup).toBe(2);
      expect(lines.some((l) => l.level === 'info' && /^Attempt 1 of 5 failed .*502/.test(l.message))).toBe(true);
    });

    it('a 502 on the blob upload: not saved (the SDK does not retry it); the half-made entry then blocks the key', async () => {
      const { server, dir, opts } = ctx();
      const file = path.join(dir, 'a.tar');
      writeRandom(file, 1000);
      server.failNext('upload', { status: 502 });
      expect(await saveArchive(file, 'k', opts)).toEqual({ saved: false, id: -1, exists: false, warning: expect.stringContaining('injected failure for upload') });
      expect(server.stats.operations.upload).toBe(1);
      // As on github.com, a reserved entry is not committed and cannot be reserved again.
      const again = await saveArchive(file, 'k', opts);
      expect(again).toEqual({ saved: false, id: -1, exists: true, warning: expect.any(String) });
      expect(await restoreArchive(path.join(dir, 'b.tar'), 'k', [], opts)).toEqual({ matchedKey: undefined, exactHit: false });
    });

    it('a 500 on every reservation: -1 with the cause, after the client gives up (5 attempts, about 27 s)', async () => {
      const { server, dir, opts } = ctx();
      const file = path.join(dir, 'a.tar');
      writeRandom(file, 1000);
      server.failNext('reserve', { status: 500, times: 5 });
      const result = await saveArchive(file, 'k', opts);
      expect(result).toEqual({ saved: false, id: -1, exists: false, warning: expect.stringContaining('Failed to make request after 5 attempts') });
      expect(result.warning).toContain('Failed to save: Unable to reserve cache with key k');
      expect(server.stats.operations.reserve).toBe(5);
      expect(readdirSync(dir).sort()).toEqual(['a.tar', 'tmp']);
      expect(readdirSync(ctx().tmp)).toEqual([]);
    });
  });
});

describe.each(['v2', 'v1'] as const)('an archive written as root travels as one opaque file (%s)', (protocol) => {
  const { ctx } = setup(protocol);

  it('owners, modes, xattrs, whiteouts: the same archive bytes come back, and extract the same', async () => {
    const { dir, opts } = ctx();
    const tree = path.join(dir, 'tree');
    mkdirSync(path.join(tree, 'etc'), { recursive: true });
    mkdirSync(path.join(tree, 'opaque'));
    writeFileSync(path.join(tree, 'etc', 'shadow'), 'root:*:1::::::\n', { mode: 0o600 });
    writeFileSync(path.join(tree, 'owned'), 'by 1234:5678\n');
    writeFileSync(path.join(tree, '.wh.removed'), '');
    const script = [
      'set -e',
      'cd "$1"',
      'chown 0:0 etc/shadow && chmod 0600 etc/shadow',
      'chown 1234:5678 owned',
      'mknod gone c 0 0',
      'setfattr -n user.mc -v keep owned',
      'setfattr -n trusted.overlay.opaque -v y opaque',
      'tar --create --zstd --numeric-owner --xattrs --xattrs-include="*" -f ../root.tar.zst .',
    ].join('\n');
    const made = await execCapture('sh', ['-c', script, 'sh', tree]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const archive = path.join(dir, 'root.tar.zst');
    const digest = sha256(archive);

    const key = rootCacheKey(digest);
    expect((await saveArchive(archive, key, opts)).saved).toBe(true);
    rmSync(archive);
    rmSync(tree, { recursive: true });

    const dest = path.join(dir, 'restored', 'root.tar.zst');
    expect(await restoreArchive(dest, key, [], opts)).toEqual({ matchedKey: key, exactHit: true });
    expect(sha256(dest)).toBe(digest);

    const out = path.join(dir, 'out');
    mkdirSync(out);
    const extracted = await execCapture('tar', ['--extract', '--zstd', '--numeric-owner', '--same-owner', '--xattrs', '--xattrs-include=*', '-C', out, '-f', dest]);
    expect(extracted.stderr).toBe('');
    const shadow = lstatSync(path.join(out, 'etc', 'shadow'));
    expect([shadow.uid, shadow.gid, shadow.mode & 0o7777]).toEqual([0, 0, 0o600]);
    const owned = lstatSync(path.join(out, 'owned'));
    expect([owned.uid, owned.gid]).toEqual([1234, 5678]);
    const gone = lstatSync(path.join(out, 'gone'));
    expect([gone.isCharacterDevice(), gone.rdev]).toEqual([true, 0]);
    expect(lstatSync(path.join(out, '.wh.removed')).size).toBe(0);
    const attrs = await execCapture('getfattr', ['--absolute-names', '--only-values', '-n', 'user.mc', path.join(out, 'owned')]);
    expect(attrs.stdout).toBe('keep');
    const opaque = await execCapture('getfattr', ['--absolute-names', '--only-values', '-n', 'trusted.overlay.opaque', path.join(out, 'opaque')]);
    expect(opaque.stdout).toBe('y');
  });
});
