import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, run, type Result } from '../support/host.js';
import { buildImageTestRoot } from '../support/image-tree.js';
import { podman, PODMAN_RUN } from '../support/podman.js';

// `image export IMAGE --oci DIR|FILE.tar` read by the real tools: skopeo inspects the
// layout, podman loads the .tar into a private store and runs it, and sees the build.
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.geteuid?.() === 0;
const missing = [...['skopeo', 'podman', 'runc', 'zstd', 'unshare'].filter((c) => !has(c)), ...(isRoot ? [] : ['root'])];
if (missing.length > 0) console.warn(`image export integration tests skipped: missing ${missing.join(', ')} (apt-get install -y skopeo podman runc zstd)`);

// Lower case: podman names an image loaded from a path after it, and refuses upper case.
let dir = '';
let lib = '';
let store = '';

// MC_TEST_CLI: a bundle of one's own, while others rebuild dist/ in a shared tree.
const BIN = process.env.MC_TEST_CLI || CLI;
const cli = (args: string[]): Promise<Result> => run(process.execPath, [BIN, ...args], { timeoutMs: 120_000 });

/** podman with this file's private store (see ../support/podman.ts). */
const inStore = (args: string[]): Promise<Result> => podman(store, args);

function hostMountpoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n').map((l) => l.split(' ')[4]!);
}

describe.skipIf(missing.length > 0)('image export to an OCI layout', () => {
  beforeAll(async () => {
    dir = path.join(tmpdir(), `mc-image-export-${randomBytes(6).toString('hex')}`);
    mkdirSync(dir, { mode: 0o700 });
    lib = path.join(dir, 'lib');
    store = path.join(dir, 'podman');
    for (const d of ['root', 'run', 'tmp']) mkdirSync(path.join(store, d), { recursive: true });
    const root = buildImageTestRoot(path.join(dir, 'mini'));
    expect((await cli(['rootfs', 'add', 'mini', root, '-d', lib])).code).toBe(0);
    const b = await cli(['run', '-d', lib, '-b', path.join(dir, 'base'), '-u', '0:0', '-n', 'b1', '-l', path.join(lib, 'root-mini'), '-e', 'GREETING=hi', '-w', '/srv',
      'sh', '-c', 'set -e; mkdir -p /opt/app; echo built > /opt/app/f; rm /etc/motd; rm -rf /srv/old; mkdir /srv/old; echo new > /srv/old/c; cp /bin/true /opt/app/su; chmod 4755 /opt/app/su']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const s = await cli(['image', 'save', 'b1', '--as', 'img1', '-d', lib]);
    expect(s.code, s.stderr).toBe(0);
  });

  afterAll(async () => {
    try {
      if (store) await inStore(['system', 'reset', '--force']);
    } finally {
      const left = dir ? hostMountpoints().filter((mp) => mp === dir || mp.startsWith(`${dir}/`)) : [];
      for (const mp of left.reverse()) spawnSync('umount', ['-l', mp]);
      if (dir) rmSync(dir, { recursive: true, force: true });
      expect(left).toEqual([]);
    }
  });

  it('a directory layout that skopeo inspects: the base and the layer, the settings', async () => {
    const dest = path.join(dir, 'layout');
    const r = await cli(['image', 'export', 'img1', '--oci', dest, '--tag', 't1', '-d', lib]);
    expect(r.code, r.stderr).toBe(0);
    const insp = await run('skopeo', ['--insecure-policy', 'inspect', `oci:${dest}:t1`]);
    expect(insp.code, insp.stderr).toBe(0);
    const info = JSON.parse(insp.stdout) as { Layers: string[]; Env: string[] };
    const manifest = JSON.parse((await cli(['image', 'inspect', 'img1', '-d', lib])).stdout) as { manifest: { layer: { digest: string } } };
    expect(info.Layers).toHaveLength(2);
    expect(info.Layers[1]).toBe(manifest.manifest.layer.digest);
    expect(info.Env).toEqual(['GREETING=hi']);
    const cfg = JSON.parse((await run('skopeo', ['--insecure-policy', 'inspect', '--config', `oci:${dest}:t1`])).stdout) as { config: { WorkingDir: string } };
    expect(cfg.config.WorkingDir).toBe('/srv');
  });

  it('a .tar that podman loads and runs: the build files, deletions, setuid', async () => {
    const dest = path.join(dir, 'img1.tar');
    const r = await cli(['image', 'export', 'img1', '--oci', dest, '--tag', 'mc-image-test:1', '-d', lib]);
    expect(r.code, r.stderr).toBe(0);
    const load = await inStore(['load', '-i', dest]);
    expect(load.stdout).toBe('Loaded image: localhost/mc-image-test:1\n');
    const ran = await inStore([...PODMAN_RUN, 'localhost/mc-image-test:1', '/bin/sh', '-c',
      'cat /opt/app/f /srv/old/c; for f in /etc/motd /srv/old/a; do test -e $f && echo $f-present || echo $f-absent; done; stat -c %a /opt/app/su; pwd; echo $GREETING']);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe('built\nnew\n/etc/motd-absent\n/srv/old/a-absent\n4755\n/srv\nhi\n');
    expect(execFileSync('tar', ['-tf', dest], { encoding: 'utf8' })).toMatch(/index\.json/);
  });
});
