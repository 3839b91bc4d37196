import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveArchive } from '../../src/core/cache/archive-cache.js';
import { rootCacheKey } from '../../src/core/cache/keys.js';
import { RunnerJobs } from '../support/action-harness.js';
import { startCacheServer, type CacheProtocol, type CacheServer } from '../support/cache-server.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { scratch, SHARED_ROOTFS } from '../support/host.js';
import { serveFile, startServer, type TestServer } from '../support/http-server.js';

// The `cache` input end to end: a root downloaded from a URL is saved by post in a real
// Actions cache service on 127.0.0.1, and the next job (a fresh library dir: a new hosted
// runner) restores it instead of downloading; what the cache holds is used only when its
// sha256 is the pinned one.
expectHostMountsUnchanged();

const ALPINE_TGZ = path.join(SHARED_ROOTFS, 'alpine-minirootfs-3.20.3-x86_64.tar.gz');
const S = scratch('mc-action-cache-');
let web: TestServer;
let sha = '';
const jobs = new RunnerJobs(S.dir, 'c');
const job = () => jobs.job();
/** A library dir of its own: each job is a fresh runner unless it says otherwise. */
const freshLib = () => jobs.freshLib();
const URL_PATH = '/alpine.tar.gz';

describe.skipIf(!existsSync(ALPINE_TGZ))('root archives in the Actions cache', () => {
  beforeAll(async () => {
    jobs.setUp();
    web = await startServer({ [URL_PATH]: serveFile(ALPINE_TGZ) });
    sha = createHash('sha256').update(readFileSync(ALPINE_TGZ)).digest('hex');
  });
  afterAll(async () => {
    await web?.close();
    S.cleanup();
  });

  for (const protocol of ['v2', 'v1'] as CacheProtocol[]) {
    it(`cache service ${protocol}: a cold job downloads and post saves the archive; a warm job on a fresh runner restores it and downloads nothing`, async () => {
      const cache: CacheServer = await startCacheServer();
      try {
        const env = cache.env(protocol);
        const inputs = { rootfs: `${web.origin}${URL_PATH}`, 'rootfs-sha256': sha, run: 'cat /etc/alpine-release' };
        const before = web.hits(URL_PATH);

        const cold = job();
        const lib1 = freshLib();
        const main1 = await cold.main({ ...inputs, 'library-dir': lib1 }, env);
        expect(main1.stderr).toBe('');
        expect(main1.code).toBe(0);
        expect(main1.stdout).toContain('3.20.3\n');
        expect(main1.outputs['rootfs-cache-hit']).toBe('false');
        expect(web.hits(URL_PATH)).toBe(before + 1);
        expect(main1.stdout).toContain(`root cache: no entry for ${rootCacheKey(sha)}`);
        // Download progress is logged, throttled (one line a second, and the last).
        expect(main1.stdout).toMatch(/downloading http:\/\/127\.0\.0\.1:\d+\/alpine\.tar\.gz: /);
        expect(cache.entries).toEqual([]);
        const post1 = await cold.post({ 'library-dir': lib1 }, env);
        expect(post1.code).toBe(0);
        expect(post1.stderr).toBe('');
        expect(cache.entries).toEqual([expect.objectContaining({ key: rootCacheKey(sha), committed: true, protocol })]);
        expect(post1.summary).toMatch(/<td>cache<\/td><td>ok<\/td><td>[^<]+<\/td><td>root archive [0-9.]+ (KiB|MiB) saved as micro-container-root-[0-9a-f]{64}</);
        expect(post1.summary).toMatch(/<td>root<\/td><td>ok<\/td><td>[^<]+<\/td><td>alpine\.tar\.gz \(downloaded and extracted, sha256 [0-9a-f]{12}; cache miss\); downloaded [0-9.]+ (KiB|MiB), root [0-9.]+ (KiB|MiB)<\/td>/);

        const warm = job();
        const lib2 = freshLib();
        cache.resetStats();
        const main2 = await warm.main({ ...inputs, 'library-dir': lib2 }, env);
        expect(main2.stderr).toBe('');
        expect(main2.code).toBe(0);
        expect(main2.stdout).toContain('3.20.3\n');
        expect(main2.outputs['rootfs-cache-hit']).toBe('true');
        expect(web.hits(URL_PATH)).toBe(before + 1);
        // One download of the stored entry (@actions/cache's tar of the one archive file).
        expect(cache.stats.downloadedBytes).toBe(cache.entries[0].size);
        expect(readFileSync(path.join(lib2, 'store', 'archives', sha)).equals(readFileSync(ALPINE_TGZ))).toBe(true);
        const post2 = await warm.post({ 'library-dir': lib2 }, env);
        expect(post2.code).toBe(0);
        // Restored, not downloaded: nothing to save again.
        expect(post2.summary).not.toContain('<td>cache</td>');
        expect(post2.summary).toMatch(/restored from the Actions cache and extracted.*restored [0-9.]+ (KiB|MiB) from the cache/);
        expect(cache.stats.operations.reserve).toBe(0);
      } finally {
        await cache.close();
      }
    });
  }

  it('a cache entry whose archive is not the pinned one is refused with a warning: the root is downloaded', async () => {
    const cache = await startCacheServer();
    try {
      const env = cache.env('v2');
      // Someone saved something else under the key of the pinned digest.
      const bogus = path.join(S.dir, 'bogus.tar.gz');
      writeFileSync(bogus, 'not the alpine archive\n');
      const saved = await saveArchive(bogus, rootCacheKey(sha), { env, log: () => undefined });
      expect(saved.saved).toBe(true);
      const before = web.hits(URL_PATH);

      const j = job();
      const lib = freshLib();
      const main = await j.main({ rootfs: `${web.origin}${URL_PATH}`, 'rootfs-sha256': sha, 'library-dir': lib, run: 'cat /etc/alpine-release' }, env);
      expect(main.code).toBe(0);
      expect(main.stdout).toContain('3.20.3\n');
      expect(main.outputs['rootfs-cache-hit']).toBe('false');
      expect(main.stdout).toMatch(new RegExp(`::warning::root cache: the entry ${rootCacheKey(sha)} holds an archive with sha256 ${createHash('sha256').update(readFileSync(bogus)).digest('hex')}, not ${sha}; refusing it`));
      expect(web.hits(URL_PATH)).toBe(before + 1);
      expect(readFileSync(path.join(lib, 'store', 'archives', sha)).equals(readFileSync(ALPINE_TGZ))).toBe(true);
      // No refused file is left in the store.
      expect(readdirSync(path.join(lib, 'store', 'archives'))).toEqual([sha]);
      const post = await j.post({ 'library-dir': lib }, env);
      expect(post.code).toBe(0);
      // Entries are immutable: the bad one stays, post says so and does not fail.
      expect(post.summary).toContain('root archive not saved: the cache has it already');
      expect(cache.entries).toHaveLength(1);
    } finally {
      await cache.close();
    }
  });

  it('without a cache service: a notice, the root is downloaded, post saves nothing and does not fail', async () => {
    const j = job();
    const lib = freshLib();
    const before = web.hits(URL_PATH);
    // The harness's default environment has a runtime token but no cache URL.
    const main = await j.main({ rootfs: `${web.origin}${URL_PATH}`, 'rootfs-sha256': sha, 'library-dir': lib, run: 'true' });
    expect(main.code).toBe(0);
    expect(main.stderr).toBe('');
    expect(main.stdout).toMatch(/::notice::root not looked up in the Actions cache: the Actions cache is not available: ACTIONS_CACHE_URL \(cache service v1\) is not set/);
    expect(main.stdout).not.toContain('::warning::');
    expect(main.outputs['rootfs-cache-hit']).toBe('false');
    expect(web.hits(URL_PATH)).toBe(before + 1);
    const post = await j.post({ 'library-dir': lib });
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/::notice::root not saved in the Actions cache: the Actions cache is not available/);
    expect(post.summary).toContain('root archive not saved: cache not available');
  });

  it('cache: false neither restores nor saves; an unpinned URL is downloaded and its digest suggested as the pin', async () => {
    const cache = await startCacheServer();
    try {
      const env = cache.env('v2');
      const off = job();
      const lib1 = freshLib();
      const main1 = await off.main({ rootfs: `${web.origin}${URL_PATH}`, 'rootfs-sha256': sha, 'library-dir': lib1, cache: 'false' }, env);
      expect(main1.code).toBe(0);
      expect((await off.post({ 'library-dir': lib1 }, env)).code).toBe(0);
      expect(cache.stats.requests).toBe(0);

      const unpinned = job();
      const lib2 = freshLib();
      const main2 = await unpinned.main({ rootfs: `${web.origin}${URL_PATH}`, 'library-dir': lib2 }, env);
      expect(main2.code).toBe(0);
      expect(main2.outputs['rootfs-cache-hit']).toBe('false');
      expect(cache.stats.operations.lookup).toBe(0);
      expect(main2.stdout).toContain(`pin rootfs-sha256: ${sha} to have the next run restore this root from the Actions cache`);
      expect((await unpinned.post({ 'library-dir': lib2 }, env)).code).toBe(0);
      expect(cache.entries).toEqual([expect.objectContaining({ key: rootCacheKey(sha), committed: true })]);
    } finally {
      await cache.close();
    }
  });
});
