import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download, formatProgress } from '../../src/core/rootfs/download.js';
import { RootfsError } from '../../src/core/rootfs/errors.js';
import { scratch, SHARED_ROOTFS } from '../support/host.js';
import {
  cutShort,
  redirect,
  sequence,
  serveBytes,
  serveFile,
  serveFileCached,
  stall,
  startProxy,
  startServer,
  status,
  TEST_TLS_CERT,
  type Handler,
  type TestServer,
} from '../support/http-server.js';

/**
 * download() against real servers on 127.0.0.1: the archive, redirects, failures, a stall,
 * a forward proxy. Nothing here needs root or the internet; every test is well under 5 s.
 */
const ALPINE = 'alpine-minirootfs-3.20.3-x86_64.tar.gz';
const FAST = { backoffMs: 1 };

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** The real Alpine archive when ../shared/rootfs has it (checked against SHA256SUMS), else 2 MiB made here. */
async function payloadFile(dir: string): Promise<{ file: string; sha256: string; size: number }> {
  const shared = path.join(SHARED_ROOTFS, ALPINE);
  if (existsSync(shared)) {
    const listed = readFileSync(path.join(SHARED_ROOTFS, 'SHA256SUMS'), 'utf8')
      .split('\n')
      .find((l) => l.trim().endsWith(`  ${ALPINE}`))
      ?.split(/\s+/)[0];
    const actual = await sha256File(shared);
    expect(actual, `${shared} does not match SHA256SUMS`).toBe(listed);
    return { file: shared, sha256: actual, size: statSync(shared).size };
  }
  const blocks: Buffer[] = [];
  for (let i = 0; i < 2 * 1024 * 32; i++) blocks.push(createHash('sha256').update(`block ${i}`).digest());
  const file = path.join(dir, 'generated.bin');
  writeFileSync(file, Buffer.concat(blocks));
  return { file, sha256: await sha256File(file), size: 2 * 1024 * 1024 };
}

const fixture = scratch('mc-download-');
let payload: { file: string; sha256: string; size: number };
let server: TestServer;
let tlsServer: TestServer;
let out: string;
let counter = 0;
/** Per-test routes, reset between tests (sequences keep state). */
let extra: Record<string, Handler> = {};

beforeAll(async () => {
  payload = await payloadFile(fixture.dir);
  const routes: Record<string, Handler> = {
    '/files/root.tar.gz': serveFile(payload.file),
    '/cached/root.tar.gz': serveFileCached(payload.file),
    '/abs': (req, res) => redirect(302, `http://127.0.0.1:${server.port}/rel/start`)(req, res),
    '/rel/start': redirect(301, '../files/root.tar.gz'),
    '/see-other': redirect(303, '/files/root.tar.gz'),
    '/temporary': redirect(307, '/see-other'),
    '/permanent': redirect(308, '/temporary'),
    '/loop-a': redirect(302, '/loop-b'),
    '/loop-b': redirect(302, '/loop-a'),
    '/chain/*': (req, res) => redirect(302, `/chain/${Number(path.basename(req.url ?? '0')) + 1}`)(req, res),
    '/no-location': status(302),
    '/missing': status(404),
    '/short': cutShort(100_000, 10_000),
    '/stall-body': stall(1000, 10),
    '/stall-head': stall(1000),
    '/chunked': serveBytes(Buffer.from('no length here\n'), { chunked: true }),
    '/extra/*': (req, res) => {
      const handler = extra[new URL(req.url ?? '/', 'http://x').pathname];
      if (handler) handler(req, res);
      else status(404)(req, res);
    },
  };
  server = await startServer(routes);
  tlsServer = await startServer({ '/files/root.tar.gz': serveFile(payload.file) }, { tls: true });
});

afterAll(async () => {
  await server?.close();
  await tlsServer?.close();
  fixture.cleanup();
});

beforeEach(() => {
  out = path.join(fixture.dir, `out-${++counter}`);
  mkdirSync(out);
  extra = {};
  server.requests.length = 0;
});

afterEach(() => {
  // Whatever happened, nothing but a finished download is left in the destination's directory.
  expect(readdirSync(out).filter((f) => f !== 'root.tar.gz')).toEqual([]);
});

/** The RootfsError download() rejects with (fails the test if it resolves or throws something else). */
async function failure(url: string, options: Parameters<typeof download>[2] = {}): Promise<RootfsError> {
  const dest = path.join(out, 'root.tar.gz');
  const error = await download(url, dest, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RootfsError);
  expect(existsSync(dest)).toBe(false);
  return error as RootfsError;
}

describe('download', () => {
  it('streams the archive to the destination and verifies its sha256', async () => {
    const dest = path.join(out, 'root.tar.gz');
    const url = `${server.origin}/files/root.tar.gz`;
    const r = await download(url, dest, { sha256: payload.sha256.toUpperCase() });
    expect(r).toEqual({ path: dest, sha256: payload.sha256, size: payload.size, url, validators: {} });
    expect(await sha256File(dest)).toBe(payload.sha256);
    expect(readdirSync(out)).toEqual(['root.tar.gz']);
    expect(server.requests[0]!.headers['accept-encoding']).toBe('identity');
  });

  it('sends the validators it is given, and on 304 writes nothing and says notModified', async () => {
    const dest = path.join(out, 'root.tar.gz');
    const url = `${server.origin}/cached/root.tar.gz`;
    const first = await download(url, dest);
    expect(first.validators.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(first.validators.lastModified).toMatch(/GMT$/);
    expect(first.notModified).toBeUndefined();

    const dest2 = path.join(out, 'again.tar.gz');
    const again = await download(url, dest2, { validators: first.validators });
    expect(again).toMatchObject({ notModified: true, size: 0, sha256: '', validators: first.validators });
    expect(existsSync(dest2)).toBe(false);
    expect(readdirSync(out)).toEqual(['root.tar.gz']);
    const req = server.requests.at(-1)!;
    expect(req.headers['if-none-match']).toBe(first.validators.etag);
    expect(req.headers['if-modified-since']).toBe(first.validators.lastModified);

    // Stale validators: the server sends the whole archive.
    const fresh = await download(url, dest, { validators: { etag: '"other"' } });
    expect(fresh.notModified).toBeUndefined();
    expect(fresh.sha256).toBe(payload.sha256);
  });

  it('treats a 304 it did not ask for as an error', async () => {
    extra['/extra/unasked'] = status(304);
    await expect(download(`${server.origin}/extra/unasked`, path.join(out, 'x'))).rejects.toThrow(/HTTP 304/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('replaces an existing destination only with a complete download', async () => {
    const dest = path.join(out, 'root.tar.gz');
    writeFileSync(dest, 'old');
    await download(`${server.origin}/files/root.tar.gz`, dest, { sha256: payload.sha256 });
    expect(statSync(dest).size).toBe(payload.size);
  });

  it('reports progress with the total as bytes arrive', async () => {
    const seen: Array<{ received: number; total?: number }> = [];
    await download(`${server.origin}/files/root.tar.gz`, path.join(out, 'root.tar.gz'), { onProgress: (p) => seen.push({ ...p }) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((p) => p.total === payload.size)).toBe(true);
    expect(seen.every((p, i) => i === 0 || p.received > seen[i - 1]!.received)).toBe(true);
    const last = seen.at(-1)!;
    expect(last.received).toBe(payload.size);
    expect(formatProgress(last.received, last.total)).toMatch(/ \(100%\)$/);
  });

  it('reports progress without a total when there is no Content-Length', async () => {
    const seen: Array<{ received: number; total?: number }> = [];
    const r = await download(`${server.origin}/chunked`, path.join(out, 'root.tar.gz'), { onProgress: (p) => seen.push({ ...p }) });
    expect(r.size).toBe(15);
    expect(seen.at(-1)).toEqual({ received: 15, total: undefined });
  });

  it('leaves nothing behind on a sha256 mismatch, and does not retry it', async () => {
    const wrong = '0'.repeat(64);
    const url = `${server.origin}/files/root.tar.gz`;
    const e = await failure(url, { sha256: wrong, ...FAST });
    expect(e.message).toBe(`sha256 mismatch for ${url}: expected ${wrong}, got ${payload.sha256}; check --sha256 or the source`);
    expect(server.hits('/files/root.tar.gz')).toBe(1);
  });

  it('leaves nothing behind when the body is cut short, after retrying', async () => {
    const e = await failure(`${server.origin}/short`, { retries: 1, ...FAST });
    expect(e.message).toMatch(/^download of http:\/\/127\.0\.0\.1:\d+\/short failed after 2 attempts: connection closed early, after \d+ of 100000 bytes; .*try again$/);
    expect(server.hits('/short')).toBe(2);
  });

  it('does not retry a 404', async () => {
    const e = await failure(`${server.origin}/missing`, { retries: 3, ...FAST });
    expect(e.message).toBe(`download of ${server.origin}/missing failed: HTTP 404 Not Found; check the URL`);
    expect(server.hits('/missing')).toBe(1);
  });

  it('retries 500 and 429, then succeeds', async () => {
    extra['/extra/flaky'] = sequence(status(500), status(429), serveFile(payload.file));
    const r = await download(`${server.origin}/extra/flaky`, path.join(out, 'root.tar.gz'), { sha256: payload.sha256, ...FAST });
    expect(r.size).toBe(payload.size);
    expect(server.hits('/extra/flaky')).toBe(3);
  });

  it('gives up on a 5xx after the retries, saying how many attempts it made', async () => {
    extra['/extra/down'] = status(503);
    const e = await failure(`${server.origin}/extra/down`, { retries: 2, ...FAST });
    expect(e.message).toMatch(/failed after 3 attempts: HTTP 503 Service Unavailable; the server is failing or busy; try again later$/);
    expect(server.hits('/extra/down')).toBe(3);
  });

  it('follows absolute and relative redirects and returns the final URL', async () => {
    const r = await download(`${server.origin}/abs`, path.join(out, 'root.tar.gz'), { sha256: payload.sha256 });
    expect(r.url).toBe(`${server.origin}/files/root.tar.gz`);
    expect(server.requests.map((q) => q.url)).toEqual(['/abs', '/rel/start', '/files/root.tar.gz']);
  });

  it('follows 308, 307 and 303', async () => {
    const r = await download(`${server.origin}/permanent`, path.join(out, 'root.tar.gz'));
    expect(r.url).toBe(`${server.origin}/files/root.tar.gz`);
    expect(server.requests.map((q) => q.url)).toEqual(['/permanent', '/temporary', '/see-other', '/files/root.tar.gz']);
  });

  it('fails clearly on a redirect loop, without retrying', async () => {
    const e = await failure(`${server.origin}/loop-a`, { retries: 3, ...FAST });
    expect(e.message).toBe(
      `download of ${server.origin}/loop-a failed: redirect loop (${server.origin}/loop-b redirects back to ${server.origin}/loop-a) (at ${server.origin}/loop-b); the server redirects in a circle; check the URL`,
    );
    expect(server.requests.length).toBe(2);
  });

  it('stops after maxRedirects', async () => {
    const e = await failure(`${server.origin}/chain/0`, { maxRedirects: 3, ...FAST });
    expect(e.message).toMatch(/: too many redirects \(more than 3, next http:\/\/127\.0\.0\.1:\d+\/chain\/4\) \(at .*\/chain\/3\); check the URL/);
    expect(server.requests.length).toBe(4);
  });

  it('fails on a redirect without Location', async () => {
    const e = await failure(`${server.origin}/no-location`, FAST);
    expect(e.message).toMatch(/failed: HTTP 302 redirect without a Location header; /);
  });

  it('times out when the body stalls', async () => {
    const started = Date.now();
    const e = await failure(`${server.origin}/stall-body`, { timeoutMs: 200, retries: 1, ...FAST });
    expect(e.message).toMatch(/failed after 2 attempts: timed out: no data for 200 ms after 10 of 1000 bytes; /);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out when the response never starts', async () => {
    const e = await failure(`${server.origin}/stall-head`, { timeoutMs: 200, retries: 0 });
    expect(e.message).toMatch(/stall-head failed: timed out: no data for 200 ms; /);
  });

  it('retries a refused connection, then names it', async () => {
    const gone = await startServer({});
    await gone.close();
    const e = await failure(`${gone.origin}/x`, { retries: 1, ...FAST });
    expect(e.message).toBe(`download of ${gone.origin}/x failed after 2 attempts: connection refused (127.0.0.1:${gone.port}); check your network and that the server is up`);
  });

  it('says so when the destination cannot be written, without retrying', async () => {
    const dest = path.join(out, 'no-such-dir', 'root.tar.gz');
    const e = await download(`${server.origin}/files/root.tar.gz`, dest, { retries: 3, ...FAST }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RootfsError);
    expect((e as Error).message).toMatch(/^cannot write .*no-such-dir\/\.root\.tar\.gz\.[0-9a-f]+\.part: ENOENT; check that .*no-such-dir exists, is writable and has space$/);
    expect(server.hits('/files/root.tar.gz')).toBe(1);
  });

  it('passes an onProgress error through and leaves nothing behind', async () => {
    const dest = path.join(out, 'root.tar.gz');
    const e = await download(`${server.origin}/files/root.tar.gz`, dest, {
      onProgress: () => {
        throw new Error('stop');
      },
    }).catch((x: unknown) => x);
    expect((e as Error).message).toBe('stop');
    expect(existsSync(dest)).toBe(false);
  });

  it('downloads over https, trusting the CA it is given', async () => {
    const url = `${tlsServer.origin}/files/root.tar.gz`;
    const r = await download(url, path.join(out, 'root.tar.gz'), { sha256: payload.sha256, ca: TEST_TLS_CERT });
    expect(r.url).toBe(url);
  });

  it('refuses an untrusted https server, without retrying', async () => {
    tlsServer.requests.length = 0;
    const e = await failure(`${tlsServer.origin}/files/root.tar.gz`, { retries: 3, ...FAST });
    expect(e.message).toMatch(/failed: TLS error \(127\.0\.0\.1:\d+\): .*certificate.*; the server certificate is not trusted/);
  });
});

describe('download through a proxy', () => {
  let proxy: TestServer;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy?.close();
  });
  beforeEach(() => {
    proxy.requests.length = 0;
  });

  it('sends http requests to HTTP_PROXY in absolute form', async () => {
    const url = `${server.origin}/files/root.tar.gz`;
    const r = await download(url, path.join(out, 'root.tar.gz'), { sha256: payload.sha256, env: { HTTP_PROXY: proxy.origin } });
    expect(r.url).toBe(url);
    expect(proxy.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`GET ${url}`]);
    expect(server.hits('/files/root.tar.gz')).toBe(1);
  });

  it('follows redirects through the proxy', async () => {
    await download(`${server.origin}/abs`, path.join(out, 'root.tar.gz'), { sha256: payload.sha256, env: { http_proxy: proxy.origin } });
    expect(proxy.requests.map((q) => q.url)).toEqual([`${server.origin}/abs`, `${server.origin}/rel/start`, `${server.origin}/files/root.tar.gz`]);
  });

  it('bypasses the proxy for hosts in NO_PROXY', async () => {
    await download(`${server.origin}/files/root.tar.gz`, path.join(out, 'root.tar.gz'), {
      sha256: payload.sha256,
      env: { HTTP_PROXY: proxy.origin, NO_PROXY: 'example.com,127.0.0.1' },
    });
    expect(proxy.requests).toEqual([]);
    expect(server.hits('/files/root.tar.gz')).toBe(1);
  });

  it('tunnels https through HTTPS_PROXY with CONNECT', async () => {
    const url = `${tlsServer.origin}/files/root.tar.gz`;
    const r = await download(url, path.join(out, 'root.tar.gz'), { sha256: payload.sha256, ca: TEST_TLS_CERT, env: { HTTPS_PROXY: proxy.origin } });
    expect(r.url).toBe(url);
    expect(proxy.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`CONNECT 127.0.0.1:${tlsServer.port}`]);
  });

  it('names the proxy when it cannot be reached', async () => {
    const gone = await startServer({});
    await gone.close();
    const e = await failure(`${server.origin}/files/root.tar.gz`, { retries: 0, env: { HTTP_PROXY: gone.origin } });
    expect(e.message).toContain(`connection refused (127.0.0.1:${server.port} via proxy ${gone.origin}/); check your network and that the server is up; check HTTPS_PROXY/HTTP_PROXY and NO_PROXY`);
  });

  it('passes a cut-short body through as a failure', async () => {
    await failure(`${server.origin}/short`, { retries: 0, env: { HTTP_PROXY: proxy.origin } });
    expect(proxy.requests.length).toBe(1);
  });
});
