import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, container, run, scratch, SHARED_ROOTFS } from '../support/host.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { serveFile, serveFileCached, startServer, type TestServer } from '../support/http-server.js';
import { buildMiniRoot } from '../support/miniroot.js';

// `micro-container rootfs add|ls|rm` for real: archives served over HTTP on 127.0.0.1, as
// a workflow would fetch them, then used by `container NAME`.
expectHostMountsUnchanged();
const S = scratch('mc-rootfs-');
const LIB = path.join(S.dir, 'lib');
let server: TestServer;
let archive: string;
let digest: string;

const rootfs = (...args: string[]) => run(process.execPath, [CLI, 'rootfs', ...args, '-d', LIB]);

beforeAll(async () => {
  // A root the tests make, packed with GNU tar and zstd (the suite must not need ../shared).
  const root = buildMiniRoot(path.join(S.dir, 'mini'));
  archive = path.join(S.dir, 'mini.tar.zst');
  execFileSync('tar', ['--numeric-owner', '--zstd', '-C', root, '-cf', archive, '.']);
  digest = execFileSync('sha256sum', [archive], { encoding: 'utf8' }).split(' ')[0];
  server = await startServer({ '/mini.tar.zst': serveFile(archive), '/cached.tar.zst': serveFileCached(path.join(S.dir, 'cached.tar.zst')), '/alpine.tar.gz': serveFile(path.join(SHARED_ROOTFS, 'alpine-minirootfs-3.20.3-x86_64.tar.gz')) });
});
afterAll(async () => {
  await server?.close();
  S.cleanup();
});

describe('rootfs add from a URL', () => {
  it('downloads, prints the digest to pin, extracts into the store, and names it', async () => {
    const r = await rootfs('add', 'mini', `${server.origin}/mini.tar.zst`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`pin it with --sha256 ${digest}`);
    expect(readlinkSync(path.join(LIB, 'root-mini'))).toBe(`store/roots/${digest}`);
    expect(readFileSync(path.join(LIB, 'root-mini/etc/passwd'), 'utf8')).toMatch(/^builder:x:1234/m);
    expect(statSync(path.join(LIB, 'root-mini/home/builder')).uid).toBe(1234);
  });

  it('with --sha256 of a root in the store, downloads nothing', async () => {
    const before = server.hits('/mini.tar.zst');
    const r = await rootfs('add', 'again', `${server.origin}/mini.tar.zst`, '--sha256', digest);
    expect(r.code).toBe(0);
    expect(server.hits('/mini.tar.zst')).toBe(before);
    expect(readlinkSync(path.join(LIB, 'root-again'))).toBe(`store/roots/${digest}`);
  });

  it('refuses a wrong --sha256 and leaves nothing behind', async () => {
    const r = await rootfs('add', 'bad', `${server.origin}/mini.tar.zst`, '--sha256', '0'.repeat(64));
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/sha256 mismatch/);
    expect(existsSync(path.join(LIB, 'root-bad'))).toBe(false);
    expect(execFileSync('ls', ['-A', path.join(LIB, 'store/archives')], { encoding: 'utf8' }).split('\n').filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('the named root runs with `container NAME`', async () => {
    const r = await container(['-d', LIB, '-b', path.join(S.dir, 'base'), 'mini', 'sh', '-c', 'id -un; hostname'], {});
    expect(r.stdout).toBe('root\nmini\n');
  });

  it.skipIf(!existsSync(path.join(SHARED_ROOTFS, 'alpine-minirootfs-3.20.3-x86_64.tar.gz')))('adds the real Alpine archive and verifies it against SHA256SUMS', async () => {
    const sums = readFileSync(path.join(SHARED_ROOTFS, 'SHA256SUMS'), 'utf8');
    const want = /^([0-9a-f]{64})\s+\*?alpine-minirootfs-3\.20\.3-x86_64\.tar\.gz$/m.exec(sums)![1];
    const r = await rootfs('add', 'alpine', `${server.origin}/alpine.tar.gz`, '--sha256', want);
    expect(r.stderr + r.stdout).toContain(want);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(LIB, 'root-alpine/etc/alpine-release'), 'utf8')).toBe('3.20.3\n');
  });
});

describe('rootfs add on a terminal', () => {
  it('draws the download as a bar redrawn in place, then clears it', async () => {
    // script(1) gives the CLI a pseudo-terminal for stdout and stderr.
    const cmd = [process.execPath, CLI, 'rootfs', 'add', 'tty', `${server.origin}/mini.tar.zst`, '-d', LIB].map((a) => `'${a}'`).join(' ');
    const r = await run('script', ['-qefc', cmd, '/dev/null'], { env: { ...process.env, COLUMNS: '100', TERM: 'xterm' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\r\x1b\[Kdownloading \[#+\] 100%  [\d.]+ [KM]iB \/ [\d.]+ [KM]iB/);
    // The bar is cleared before the next line, so no line of the log starts in the middle of it.
    expect(r.stdout).toMatch(/\r\x1b\[Ksha256 of /);
    expect(r.stdout).not.toMatch(/downloading http/);
    expect((await rootfs('rm', 'tty')).code).toBe(0);
  });
});

describe('rootfs add of a URL added before, without --sha256', () => {
  it('asks the server whether it changed (ETag), and downloads only when it did', async () => {
    const served = path.join(S.dir, 'cached.tar.zst');
    execFileSync('cp', [archive, served]);
    const url = `${server.origin}/cached.tar.zst`;
    const first = await rootfs('add', 'c1', url);
    expect(first.code).toBe(0);
    const before = server.requests.length;
    const again = await rootfs('add', 'c2', url);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`${url} has not changed since it was downloaded`);
    expect(again.stderr).toContain(`using root ${digest}`);
    expect(again.stderr).not.toMatch(/downloading|extracting/);
    const asked = server.requests.slice(before);
    expect(asked.length).toBe(1);
    expect(asked[0].headers['if-none-match']).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(readlinkSync(path.join(LIB, 'root-c2'))).toBe(`store/roots/${digest}`);

    // The archive changes on the server: the next add downloads the new one.
    const other = buildMiniRoot(path.join(S.dir, 'mini2'));
    writeFileSync(path.join(other, 'etc/version'), 'two\n');
    execFileSync('tar', ['--numeric-owner', '--zstd', '-C', other, '-cf', served, '.']);
    const changed = await rootfs('add', 'c3', url);
    expect(changed.code).toBe(0);
    expect(changed.stderr).not.toContain('has not changed');
    expect(readFileSync(path.join(LIB, 'root-c3/etc/version'), 'utf8')).toBe('two\n');
    expect(readlinkSync(path.join(LIB, 'root-c3'))).not.toBe(`store/roots/${digest}`);
  });

  it('downloads again when the server sends no validators (nothing to ask with)', async () => {
    const before = server.hits('/mini.tar.zst');
    const r = await rootfs('add', 'plain', `${server.origin}/mini.tar.zst`);
    expect(r.code).toBe(0);
    expect(server.hits('/mini.tar.zst')).toBe(before + 1);
    expect(readlinkSync(path.join(LIB, 'root-plain'))).toBe(`store/roots/${digest}`);
    // The tests below count what uses the stored root: take these names away.
    for (const name of ['c1', 'c2', 'c3', 'plain']) expect((await rootfs('rm', name)).code).toBe(0);
  });
});

describe('rootfs add from a file and a directory, ls and rm', () => {
  it('a local tarball with the same digest reuses the stored root', async () => {
    const r = await rootfs('add', 'local', archive);
    expect(r.code).toBe(0);
    expect(readlinkSync(path.join(LIB, 'root-local'))).toBe(`store/roots/${digest}`);
    expect(r.stderr).not.toMatch(/extracting/);
  });

  it('a directory is copied into the store', async () => {
    const dir = path.join(S.dir, 'tree');
    mkdirSync(path.join(dir, 'etc'), { recursive: true });
    writeFileSync(path.join(dir, 'etc/os-release'), 'ID=tree\n');
    const r = await rootfs('add', 'tree', dir);
    expect(r.code).toBe(0);
    writeFileSync(path.join(dir, 'etc/os-release'), 'ID=changed\n');
    expect(readFileSync(path.join(LIB, 'root-tree/etc/os-release'), 'utf8')).toBe('ID=tree\n');
  });

  it('ls lists them, as a table and as JSON', async () => {
    const table = await rootfs('ls');
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+ID\s+ADDED\s+SOURCE$/);
    const json = JSON.parse((await rootfs('ls', '--json')).stdout) as { name: string; id: string }[];
    expect(json.map((r) => r.name)).toEqual(expect.arrayContaining(['again', 'local', 'mini', 'tree']));
  });

  it('rm removes the name, and the root once no name uses it', async () => {
    for (const n of ['mini', 'again']) expect((await rootfs('rm', n)).code).toBe(0);
    expect(existsSync(path.join(LIB, 'store/roots', digest))).toBe(true); // root-local still uses it
    expect((await rootfs('rm', 'local')).code).toBe(0);
    expect(existsSync(path.join(LIB, 'store/roots', digest))).toBe(false);
    const r = await rootfs('rm', 'local');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/no root named 'local'/);
  });

  it('two adds of the same archive at once extract it once', async () => {
    const [a, b] = await Promise.all([rootfs('add', 'c1', archive), rootfs('add', 'c2', archive)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(((a.stderr + b.stderr).match(/extracting/g) ?? []).length).toBe(1);
    expect(readlinkSync(path.join(LIB, 'root-c1'))).toBe(readlinkSync(path.join(LIB, 'root-c2')));
  });
});
