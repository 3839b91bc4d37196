import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCacheKey } from '../../src/core/cache/keys.js';
import { RunnerJobs } from '../support/action-harness.js';
import { startCacheServer, type CacheServer } from '../support/cache-server.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { scratch, SHARED_ROOTFS, sharedRoot } from '../support/host.js';
import { serveFile, startServer, type TestServer } from '../support/http-server.js';

// Images between runs, end to end as the runner user with sudo: post saves the container's
// layer as an image file in a real Actions cache service on 127.0.0.1 (image-cache-key),
// and a later job on a fresh runner (a new library dir) restores it and starts from it,
// with the root restored from the cache too (no download). save-image-if and save-image.
expectHostMountsUnchanged();

const ALPINE_TGZ = path.join(SHARED_ROOTFS, 'alpine-minirootfs-3.20.3-x86_64.tar.gz');
const S = scratch('mc-action-image-');
let web: TestServer;
let cache: CacheServer;
let env: Record<string, string>;
let sha = '';
const jobs = new RunnerJobs(S.dir, 'img');
const job = () => jobs.job();
/** A library dir of its own: a fresh runner. */
const freshLib = () => jobs.freshLib();
const URL_PATH = '/alpine.tar.gz';

// The "install": done once, then found in the image. Root inside (Alpine's /opt is root's).
const INSTALL = 'if [ -e /opt/tool/installed ]; then echo "reused $(cat /opt/tool/installed)"; else echo installing; mkdir -p /opt/tool; echo "$RUN_TAG" > /opt/tool/installed; fi';

const imageEntries = () => cache.entries.filter((e) => e.key.startsWith('micro-container-image-')).map((e) => `${e.key} ${e.committed}`);

describe.skipIf(!existsSync(ALPINE_TGZ))('images in the Actions cache (image-cache-key, image-restore-keys, save-image, save-image-if)', () => {
  let inputs: Record<string, string>;
  beforeAll(async () => {
    jobs.setUp();
    web = await startServer({ [URL_PATH]: serveFile(ALPINE_TGZ) });
    sha = createHash('sha256').update(readFileSync(ALPINE_TGZ)).digest('hex');
    cache = await startCacheServer();
    env = cache.env('v2');
    inputs = { rootfs: `${web.origin}${URL_PATH}`, 'rootfs-sha256': sha, user: '0:0' };
  });
  afterAll(async () => {
    await web?.close();
    await cache?.close();
    S.cleanup();
  });

  it('cold: post saves the image in the cache; warm on a fresh runner: root and image restored, nothing downloaded, the install not re-run', async () => {
    const cold = job();
    const lib1 = freshLib();
    const main1 = await cold.main({ ...inputs, 'library-dir': lib1, 'image-cache-key': 'build-v1', run: INSTALL, env: 'RUN_TAG=cold' }, env);
    expect(main1.stderr).toBe('');
    expect(main1.code).toBe(0);
    expect(main1.stdout).toContain('installing\n');
    expect(main1.outputs['image-cache-hit']).toBe('false');
    expect(main1.stdout).toContain('image cache: no entry for build-v1');
    expect(web.hits(URL_PATH)).toBe(1);
    const post1 = await cold.post({ 'library-dir': lib1 }, env);
    expect(post1.code).toBe(0);
    expect(post1.stderr).toBe('');
    expect(imageEntries()).toEqual([`${imageCacheKey('build-v1')} true`]);
    expect(post1.outputs['image-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(post1.outputs['image-path']).toBeUndefined();
    expect(post1.summary).toMatch(/<td>save<\/td><td>ok<\/td><td>[^<]+<\/td><td>image sha256:[0-9a-f]{12}: [0-9.]+ (B|KiB|MiB) in [0-9.]+ s; cached as build-v1; upper layer [0-9.]+ (B|KiB|MiB)<\/td>/);

    const warm = job();
    const lib2 = freshLib();
    cache.resetStats();
    const main2 = await warm.main({ ...inputs, 'library-dir': lib2, 'image-cache-key': 'build-v1', run: INSTALL, env: 'RUN_TAG=warm' }, env);
    expect(main2.stderr).toBe('');
    expect(main2.code).toBe(0);
    expect(main2.stdout).toContain('reused cold\n');
    expect(main2.outputs['image-cache-hit']).toBe('true');
    expect(main2.outputs['rootfs-cache-hit']).toBe('true');
    expect(web.hits(URL_PATH)).toBe(1);
    // A later step sees the image's files too, over the root from the cache.
    const step = await warm.shellStep('mc-shell {0}', 'cat /opt/tool/installed /etc/alpine-release');
    expect(step.stdout).toBe('cold\n3.20.3\n');
    const post2 = await warm.post({ 'library-dir': lib2 }, env);
    expect(post2.code).toBe(0);
    // Restored exactly: not saved again.
    expect(post2.summary).toContain('not saved: image build-v1 was restored exactly');
    expect(post2.summary).toMatch(/<td>image<\/td><td>ok<\/td><td>[^<]+<\/td><td>restored build-v1; [0-9.]+ (KiB|MiB) in 1 layer\(s\)<\/td>/);
    expect(cache.stats.operations.reserve).toBe(0);
    expect(imageEntries()).toEqual([`${imageCacheKey('build-v1')} true`]);
  });

  it('a restore-key prefix hit: image-cache-hit false, the image is used, post saves under the new key (a chain on the old image)', async () => {
    const j = job();
    const lib = freshLib();
    const main = await j.main({ ...inputs, 'library-dir': lib, 'image-cache-key': 'build-v2', 'image-restore-keys': 'nothing-\nbuild-', run: `${INSTALL}; echo more > /opt/tool/v2`, env: 'RUN_TAG=v2' }, env);
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('reused cold\n');
    expect(main.outputs['image-cache-hit']).toBe('false');
    expect(main.stdout).toContain('image cache: restored build-v1 (a restore key; post saves under build-v2)');
    const post = await j.post({ 'library-dir': lib }, env);
    expect(post.code).toBe(0);
    expect(imageEntries()).toEqual([`${imageCacheKey('build-v1')} true`, `${imageCacheKey('build-v2')} true`]);

    // The new entry holds both layers: a fresh runner gets v1's install and v2's file.
    const k = job();
    const lib3 = freshLib();
    const again = await k.main({ ...inputs, 'library-dir': lib3, 'image-cache-key': 'build-v2', run: 'cat /opt/tool/installed /opt/tool/v2' }, env);
    expect(again.code).toBe(0);
    expect(again.outputs['image-cache-hit']).toBe('true');
    expect(again.stdout).toContain('cold\nmore\n');
    expect((await k.post({ 'library-dir': lib3 }, env)).code).toBe(0);
  });

  it('a failing build: save-image-if success saves nothing; always saves, and save-image writes the file owned by the runner', async () => {
    const before = imageEntries();
    const failing = job();
    const lib = freshLib();
    const out1 = path.join(failing.workspace, 'out', 'image.tar');
    const main1 = await failing.main({ ...inputs, 'library-dir': lib, 'image-cache-key': 'fail-success', 'save-image': 'out/image.tar', run: 'echo x > /opt/half; exit 3' }, env);
    expect(main1.code).toBe(3);
    const post1 = await failing.post({ 'library-dir': lib }, env);
    expect(post1.code).toBe(0);
    expect(post1.summary).toContain('not saved: the build failed and save-image-if is success');
    expect(existsSync(out1)).toBe(false);
    expect(imageEntries()).toEqual(before);
    expect(post1.outputs['image-digest']).toBeUndefined();

    const always = job();
    const out2 = path.join(always.workspace, 'out', 'image.tar');
    const main2 = await always.main({ ...inputs, 'library-dir': lib, 'image-cache-key': 'fail-always', 'save-image': 'out/image.tar', 'save-image-if': 'always', run: 'echo x > /opt/half; exit 3' }, env);
    expect(main2.code).toBe(3);
    const post2 = await always.post({ 'library-dir': lib }, env);
    expect(post2.code).toBe(0);
    expect(post2.outputs['image-path']).toBe(out2);
    expect(post2.outputs['image-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const st = statSync(out2);
    expect([st.uid, st.gid]).toEqual([jobs.user!.uid, jobs.user!.gid]);
    expect(imageEntries()).toEqual([...before, `${imageCacheKey('fail-always')} true`]);
    // The file is the image: its manifest's sha256 is the digest post gave.
    const { execFileSync } = await import('node:child_process');
    const manifest = execFileSync('tar', ['-xOf', out2, 'manifest.json']);
    expect(`sha256:${createHash('sha256').update(manifest).digest('hex')}`).toBe(post2.outputs['image-digest']);
    expect(post2.summary).toContain(`written to ${out2}; cached as fail-always`);
  });

  it('an image restored over a different root is refused with what to do', async () => {
    const other = sharedRoot('alpine');
    if (!other) return;
    const j = job();
    const main = await j.main({ rootfs: other, user: '0:0', 'library-dir': freshLib(), 'image-cache-key': 'build-v1', run: 'true' }, env);
    expect(main.code).not.toBe(0);
    expect(main.errors.join('\n')).toMatch(/the image restored from the cache key 'build-v1' sits on the root .*not on this job's root .*Change image-cache-key/);
    expect((await j.post({}, env)).code).toBe(0);
  });

  it('over the host root, save-image writes the layer as an image file (no cache key needed); the workspace is left out', async () => {
    const j = job();
    const main = await j.main({ 'library-dir': freshLib(), 'save-image': 'host-image.tar', user: '0:0', run: 'echo w > in-workspace.txt; mkdir -p /opt/mc-host-img; echo t > /opt/mc-host-img/f' }, env);
    expect(main.code).toBe(0);
    const post = await j.post({}, env);
    expect(post.code).toBe(0);
    const file = path.join(j.workspace, 'host-image.tar');
    expect(post.outputs['image-path']).toBe(file);
    expect(statSync(file).uid).toBe(jobs.user!.uid);
    const { execFileSync } = await import('node:child_process');
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as { base: { path?: string }; layer: { digest: string } };
    expect(manifest.base.path).toBe('/');
    const layer = execFileSync('tar', ['-xOf', file, `blobs/sha256/${manifest.layer.digest.replace('sha256:', '')}`]);
    const members = execFileSync('tar', ['-t', '--zstd'], { input: layer, encoding: 'utf8' }).split('\n');
    expect(members).toContain('./opt/mc-host-img/f');
    expect(members.some((m) => m.includes('in-workspace.txt'))).toBe(false);
  });

  it('rootfs host with image-cache-key: refused before anything is made, saying what to do', async () => {
    const j = job();
    const main = await j.main({ 'library-dir': freshLib(), 'image-cache-key': 'host-key', run: 'true' }, env);
    expect(main.code).not.toBe(0);
    expect(main.errors.join('\n')).toMatch(/input 'image-cache-key' needs a root of its own.*Set rootfs to a URL, tarball or directory/);
    expect((await j.post({}, env)).code).toBe(0);
  });
});
