import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { coversExactly, matchEntry, parseBlockList, parseContentRange, parseRange } from './cache-server-rules.js';

/**
 * A GitHub Actions cache service on 127.0.0.1 (random port), speaking both protocols as
 * `@actions/cache` 6 uses them, so tests run the real client against real sockets:
 *
 * - v2: Twirp JSON at `/twirp/github.actions.results.api.v1.CacheService/*`, with signed
 *   blob URLs on this same server that take what the Azure Blob SDK sends (Put Blob, Put
 *   Block, Put Block List) and serve downloads as plain GETs (Range and HEAD too).
 * - v1: the REST API under `/_apis/artifactcache/`: lookup, reserve, PATCH chunks, commit.
 *
 * Matching is GitHub's: for each key in order (primary first, then restore keys), an exact
 * key, else the newest entry whose key starts with it; the version must be equal; only
 * committed entries match. A (key, version) that exists, even while still uploading, cannot
 * be created again (409). Entries are kept in a temp dir, removed by close().
 *
 * What differs from GitHub: one scope (no branches), no size quota or eviction, and the
 * bearer token is checked by equality with the one env() hands out, not as a signed JWT.
 */

export type CacheProtocol = 'v1' | 'v2';
/** What a request does, the same words for both protocols. */
export type CacheOperation = 'lookup' | 'reserve' | 'upload' | 'commit' | 'download';

export interface CacheServerEntry {
  id: number;
  key: string;
  version: string;
  /** Bytes of the archive once committed; bytes received so far before that. */
  size: number;
  committed: boolean;
  protocol: CacheProtocol;
  /** Creation order: a larger number was created later ("newest wins"). */
  created: number;
}

export interface CacheServerStats {
  /** Every request the server received, whatever it was. */
  requests: number;
  /** Requests per operation, injected failures included. v2's Put Block List counts as an upload. */
  operations: Record<CacheOperation, number>;
  /** The size of every stored request body that carried archive bytes (v1 PATCH, v2 Put Block or Put Blob), in arrival order. */
  chunks: number[];
  /** Archive bytes received and stored (uploads) and sent (downloads). */
  uploadedBytes: number;
  downloadedBytes: number;
  /** Reservations refused because the (key, version) exists. */
  refused: number;
  /** Requests answered with an injected failure. */
  injected: number;
  /** Requests refused for a missing or wrong token or signature. */
  unauthorized: number;
}

export interface CacheServer {
  /** `http://127.0.0.1:PORT/` (with the slash: v1 appends `_apis/...` to it). */
  url: string;
  /**
   * Exactly the environment that makes `@actions/cache` talk to this server with `protocol`.
   * Variables the other protocol would read are set to '' (the client tests truthiness),
   * and GITHUB_SERVER_URL is github.com: any other host counts as GHES and forces v1.
   */
  env(protocol: CacheProtocol): Record<string, string>;
  /** A snapshot of the entries, oldest first. */
  readonly entries: CacheServerEntry[];
  readonly stats: CacheServerStats;
  /** The next `times` requests of `operation` ('any': of any operation) get `status` (default 502). */
  failNext(operation: CacheOperation | 'any', options?: { status?: number; times?: number }): void;
  /** Zeroes the counters (entries stay). */
  resetStats(): void;
  close(): Promise<void>;
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';
const V1_PREFIX = '/_apis/artifactcache/';
/** Blob URLs are IP-style, as the Azure SDK parses them: /ACCOUNT/CONTAINER/BLOB. */
const BLOB_PREFIX = '/devstoreaccount1/actions-cache/';
const AZURE_VERSION = '2025-01-05';

interface StoredEntry extends CacheServerEntry {
  /** Where the archive bytes are: the blob name in URLs and the file name in the data dir. */
  blob: string;
  /** The signature a blob URL for this entry must carry. */
  sig: string;
  /** v2: staged blocks (base64 id -> file); v1: received Content-Ranges, for the commit check. */
  blocks: Map<string, string>;
  ranges: Array<[number, number]>;
}

interface Fault {
  operation: CacheOperation | 'any';
  status: number;
  left: number;
}

export async function startCacheServer(): Promise<CacheServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mc-cache-server-'));
  const token = testRuntimeToken();
  const entries: StoredEntry[] = [];
  const faults: Fault[] = [];
  let nextId = 1;
  let created = 0;
  let origin = '';
  const stats = emptyStats();

  const blobFile = (entry: StoredEntry) => path.join(dataDir, entry.blob);
  const blobUrl = (entry: StoredEntry, permissions: string) =>
    `${origin}${BLOB_PREFIX}${entry.blob}?sv=${AZURE_VERSION}&sr=b&sp=${permissions}&se=2100-01-01T00%3A00%3A00Z&sig=${encodeURIComponent(entry.sig)}`;

  function create(key: string, version: string, protocol: CacheProtocol): StoredEntry | undefined {
    if (entries.some((e) => e.key === key && e.version === version)) return undefined;
    const entry: StoredEntry = {
      id: nextId++,
      key,
      version,
      size: 0,
      committed: false,
      protocol,
      created: ++created,
      blob: `${randomBytes(8).toString('hex')}.bin`,
      sig: randomBytes(16).toString('base64'),
      blocks: new Map(),
      ranges: [],
    };
    writeFileSync(blobFile(entry), '');
    entries.push(entry);
    return entry;
  }

  /** Counts the request for its operation; answers it with an injected failure when one is due. */
  function admit(operation: CacheOperation, res: http.ServerResponse, family: 'twirp' | 'v1' | 'blob'): boolean {
    stats.operations[operation]++;
    const fault = faults.find((f) => f.left > 0 && (f.operation === operation || f.operation === 'any'));
    if (!fault) return true;
    fault.left--;
    stats.injected++;
    const text = `injected failure for ${operation}`;
    if (family === 'twirp') sendJson(res, fault.status, { code: fault.status >= 500 ? 'unavailable' : 'internal', msg: text });
    else if (family === 'v1') sendJson(res, fault.status, { message: text });
    else sendBlobError(res, fault.status, 'ServerBusy', text);
    return false;
  }

  function received(data: Buffer): void {
    stats.uploadedBytes += data.length;
    stats.chunks.push(data.length);
  }

  function authorized(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (req.headers.authorization === `Bearer ${token}`) return true;
    stats.unauthorized++;
    sendJson(res, 401, { message: 'missing or wrong bearer token' });
    return false;
  }

  // ---- v2: Twirp ----------------------------------------------------------------------------

  async function twirp(method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 404, { code: 'bad_route', msg: `${req.method} is not a Twirp call` });
    const body = parseJson(await readBody(req));
    if (!body) return sendJson(res, 400, { code: 'malformed', msg: 'the body is not a JSON object' });
    const key = str(body.key);
    const version = str(body.version);
    if (method === 'CreateCacheEntry') {
      if (!admit('reserve', res, 'twirp')) return;
      if (!key || !version) return sendJson(res, 400, { code: 'invalid_argument', msg: 'key and version are required' });
      const entry = create(key, version, 'v2');
      if (!entry) {
        stats.refused++;
        // What github.com answers, and what @actions/cache turns into a ReserveCacheError.
        return sendJson(res, 409, { code: 'already_exists', msg: 'cache entry with the same key, version, and scope already exists' });
      }
      return sendJson(res, 200, { ok: true, signed_upload_url: blobUrl(entry, 'cw') });
    }
    if (method === 'FinalizeCacheEntryUpload') {
      if (!admit('commit', res, 'twirp')) return;
      const entry = entries.find((e) => e.key === key && e.version === version && !e.committed && e.protocol === 'v2');
      if (!entry) return sendJson(res, 404, { code: 'not_found', msg: 'no cache entry is being uploaded with this key and version' });
      const actual = statSync(blobFile(entry)).size;
      if (String(actual) !== str(body.size_bytes)) return sendJson(res, 200, { ok: false, message: `size_bytes ${str(body.size_bytes)} does not match the ${actual} bytes uploaded` });
      entry.size = actual;
      entry.committed = true;
      return sendJson(res, 200, { ok: true, entry_id: String(entry.id) });
    }
    if (method === 'GetCacheEntryDownloadURL') {
      if (!admit('lookup', res, 'twirp')) return;
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(str) : [];
      const entry = matchEntry(entries, [key, ...restoreKeys], version);
      // A miss is a 200 with ok false (emitDefaultValues off: ok is simply absent).
      if (!entry) return sendJson(res, 200, {});
      return sendJson(res, 200, { ok: true, signed_download_url: blobUrl(entry, 'r'), matched_key: entry.key });
    }
    return sendJson(res, 404, { code: 'bad_route', msg: `no method ${method}` });
  }

  // ---- v2 uploads and all downloads: the blob endpoint ---------------------------------------

  async function blob(name: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const entry = entries.find((e) => e.blob === name);
    if (!entry) return sendBlobError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
    if (url.searchParams.get('sig') !== entry.sig) {
      stats.unauthorized++;
      return sendBlobError(res, 403, 'AuthenticationFailed', 'Signature did not match.');
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!admit('download', res, 'blob')) return;
      if (!entry.committed) return sendBlobError(res, 404, 'BlobNotFound', 'The blob is not committed yet.');
      return serveRange(entry, req, res);
    }
    if (req.method !== 'PUT') return sendBlobError(res, 405, 'UnsupportedHttpVerb', `${req.method} is not supported here.`);
    if (!admit('upload', res, 'blob')) return;
    if (entry.committed) return sendBlobError(res, 409, 'BlobImmutableDueToPolicy', 'The entry is committed.');
    const comp = url.searchParams.get('comp');
    const file = blobFile(entry);
    if (comp === 'block') {
      const id = url.searchParams.get('blockid');
      if (!id) return sendBlobError(res, 400, 'InvalidQueryParameterValue', 'blockid is required.');
      const data = await readBody(req);
      const blockFile = `${file}.block-${createHash('sha256').update(id).digest('hex')}`;
      writeFileSync(blockFile, data);
      entry.blocks.set(id, blockFile);
      received(data);
      return sendBlobCreated(res, { 'content-md5': md5(data) });
    }
    if (comp === 'blocklist') {
      const ids = parseBlockList((await readBody(req)).toString('utf8'));
      const missing = ids.find((id) => !entry.blocks.has(id));
      if (missing !== undefined) return sendBlobError(res, 400, 'InvalidBlockList', `Block ${missing} was never staged.`);
      writeFileSync(file, '');
      for (const id of ids) appendFileSync(file, readFileSync(entry.blocks.get(id)!));
      for (const blockFile of entry.blocks.values()) rmSync(blockFile, { force: true });
      entry.blocks.clear();
      entry.size = statSync(file).size;
      return sendBlobCreated(res, { etag: etag(entry), 'last-modified': new Date().toUTCString() });
    }
    if (comp !== null) return sendBlobError(res, 400, 'InvalidQueryParameterValue', `comp=${comp} is not supported here.`);
    if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return sendBlobError(res, 400, 'InvalidHeaderValue', 'x-ms-blob-type must be BlockBlob.');
    const data = await readBody(req);
    writeFileSync(file, data);
    entry.size = data.length;
    received(data);
    return sendBlobCreated(res, { etag: etag(entry), 'last-modified': new Date().toUTCString(), 'content-md5': md5(data) });
  }

  function serveRange(entry: StoredEntry, req: http.IncomingMessage, res: http.ServerResponse): void {
    const size = entry.size;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag: etag(entry),
      'x-ms-blob-type': 'BlockBlob',
      ...azureHeaders(),
    };
    let start = 0;
    let end = size - 1;
    let status = 200;
    const asked = (req.headers['x-ms-range'] as string | undefined) ?? req.headers.range;
    if (asked) {
      const range = parseRange(asked, size);
      if (!range) {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
        return;
      }
      [start, end] = range;
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${size}`;
    }
    const length = end - start + 1;
    res.writeHead(status, { ...headers, 'content-length': length });
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    stats.downloadedBytes += length;
    createReadStream(blobFile(entry), { start, end }).pipe(res);
  }

  // ---- v1: REST -------------------------------------------------------------------------------

  async function v1(resource: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'GET' && resource === 'cache') {
      if (!admit('lookup', res, 'v1')) return;
      const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean);
      const version = url.searchParams.get('version') ?? '';
      const entry = matchEntry(entries, keys, version);
      if (!entry) {
        res.writeHead(204).end();
        return;
      }
      return sendJson(res, 200, {
        scope: 'refs/heads/main',
        cacheKey: entry.key,
        cacheVersion: entry.version,
        creationTime: new Date().toISOString(),
        archiveLocation: blobUrl(entry, 'r'),
      });
    }
    if (req.method === 'GET' && resource === 'caches') {
      // Only listed in debug mode after a miss, for the log.
      const key = url.searchParams.get('key') ?? '';
      const found = entries.filter((e) => e.committed && e.key === key);
      return sendJson(res, 200, {
        totalCount: found.length,
        artifactCaches: found.map((e) => ({ cacheKey: e.key, cacheVersion: e.version, scope: 'refs/heads/main' })),
      });
    }
    if (req.method === 'POST' && resource === 'caches') {
      if (!admit('reserve', res, 'v1')) return;
      const body = parseJson(await readBody(req));
      const key = str(body?.key);
      const version = str(body?.version);
      if (!key || !version) return sendJson(res, 400, { message: 'key and version are required' });
      const entry = create(key, version, 'v1');
      if (!entry) {
        stats.refused++;
        return sendJson(res, 409, {
          $id: '1',
          innerException: null,
          message: `Cache already exists. Scope: refs/heads/main, Key: ${key}, Version: ${version}`,
          typeName: 'Microsoft.TeamFoundation.DistributedTask.WebApi.ArtifactCacheAlreadyExistsException, Microsoft.TeamFoundation.DistributedTask.WebApi',
          typeKey: 'ArtifactCacheAlreadyExistsException',
          errorCode: 0,
          eventId: 3000,
        });
      }
      return sendJson(res, 201, { cacheId: entry.id });
    }
    const idMatch = /^caches\/(\d+)$/.exec(resource);
    if (idMatch) {
      const entry = entries.find((e) => e.id === Number(idMatch[1]) && e.protocol === 'v1');
      if (req.method === 'PATCH') {
        if (!admit('upload', res, 'v1')) return;
        if (!entry || entry.committed) return sendJson(res, 404, { message: `no reserved cache ${idMatch[1]}` });
        const range = parseContentRange(String(req.headers['content-range'] ?? ''));
        if (!range) return sendJson(res, 400, { message: 'Content-Range must be "bytes START-END/*"' });
        const data = await readBody(req);
        const [start, end] = range;
        if (end - start + 1 !== data.length) return sendJson(res, 400, { message: `Content-Range says ${end - start + 1} bytes, the body has ${data.length}` });
        const fd = openSync(blobFile(entry), 'r+');
        try {
          writeSync(fd, data, 0, data.length, start);
        } finally {
          closeSync(fd);
        }
        entry.ranges.push([start, end]);
        entry.size = Math.max(entry.size, end + 1);
        received(data);
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'POST') {
        if (!admit('commit', res, 'v1')) return;
        if (!entry || entry.committed) return sendJson(res, 404, { message: `no reserved cache ${idMatch[1]}` });
        const size = Number(parseJson(await readBody(req))?.size);
        if (!coversExactly(entry.ranges, size)) return sendJson(res, 400, { message: `the uploaded chunks do not cover exactly ${size} bytes` });
        entry.size = size;
        entry.committed = true;
        res.writeHead(204).end();
        return;
      }
    }
    return sendJson(res, 404, { message: `no route for ${req.method} ${resource}` });
  }

  const server = http.createServer((req, res) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = (): Promise<void> | void => {
      if (url.pathname.startsWith(TWIRP_PREFIX)) {
        if (!authorized(req, res)) return;
        return twirp(url.pathname.slice(TWIRP_PREFIX.length), req, res);
      }
      if (url.pathname.startsWith(V1_PREFIX)) {
        if (!authorized(req, res)) return;
        return v1(url.pathname.slice(V1_PREFIX.length), url, req, res);
      }
      if (url.pathname.startsWith(BLOB_PREFIX)) return blob(url.pathname.slice(BLOB_PREFIX.length), url, req, res);
      sendJson(res, 404, { message: `no route for ${url.pathname}` });
    };
    Promise.resolve()
      .then(route)
      .catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, { message: `cache server bug: ${String(error)}` });
      });
  });

  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

  return {
    url: `${origin}/`,
    env(protocol) {
      const common = { ACTIONS_RUNTIME_TOKEN: token, GITHUB_SERVER_URL: 'https://github.com', ACTIONS_CACHE_MODE: '' };
      return protocol === 'v2'
        ? { ...common, ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: `${origin}/`, ACTIONS_CACHE_URL: '' }
        : { ...common, ACTIONS_CACHE_SERVICE_V2: '', ACTIONS_RESULTS_URL: '', ACTIONS_CACHE_URL: `${origin}/` };
    },
    get entries() {
      return entries.map(({ id, key, version, size, committed, protocol, created }) => ({ id, key, version, size, committed, protocol, created }));
    },
    stats,
    failNext(operation, options = {}) {
      faults.push({ operation, status: options.status ?? 502, left: options.times ?? 1 });
    },
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          rmSync(dataDir, { recursive: true, force: true });
          done();
        });
      }),
  };
}

/**
 * A runtime token shaped like the runner's: an HS256 JWT (signed with a test-only secret)
 * whose `scp` claim grants cache read/write and results access. @actions/cache 6 only checks
 * that the variable is set; clients that read the scopes (as @actions/artifact does) find
 * them in the same form as on a runner.
 */
export function testRuntimeToken(): string {
  const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
  const header = b64({ typ: 'JWT', alg: 'HS256' });
  const claims = b64({
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'vso:00000000-0000-0000-0000-000000000000',
    nbf: 946684800,
    exp: 4102444800,
    scp: 'Actions.ExampleScope Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:ce7f54c7-61c7-4aae-887f-30da475f5f1a:ca395085-040a-526b-2ce8-bdc85f692774 Actions.UploadArtifacts:00000000-0000-0000-0000-000000000000/1:Build/Build/1 LocationService.Connect ReadAndUpdateBuildByUri:00000000-0000-0000-0000-000000000000/1:Build/Build/1',
    ac: '[{"Scope":"refs/heads/main","Permission":3}]',
  });
  const signature = createHmac('sha256', 'micro-container test secret').update(`${header}.${claims}`).digest();
  return `${header}.${claims}.${b64(signature)}`;
}

function emptyStats(): CacheServerStats {
  return {
    requests: 0,
    operations: { lookup: 0, reserve: 0, upload: 0, commit: 0, download: 0 },
    chunks: [],
    uploadedBytes: 0,
    downloadedBytes: 0,
    refused: 0,
    injected: 0,
    unauthorized: 0,
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(data: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }).end(data);
}

/** The headers every Azure Blob response carries; the SDK reads them into its response objects. */
function azureHeaders(): http.OutgoingHttpHeaders {
  return {
    'x-ms-request-id': randomUUID(),
    'x-ms-version': AZURE_VERSION,
    date: new Date().toUTCString(),
  };
}

function sendBlobCreated(res: http.ServerResponse, headers: http.OutgoingHttpHeaders): void {
  res.writeHead(201, { ...azureHeaders(), 'x-ms-request-server-encrypted': 'true', 'content-length': 0, ...headers }).end();
}

/** Azure's error form: a status, x-ms-error-code, and an XML body the SDK parses for its message. */
function sendBlobError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res
    .writeHead(status, { ...azureHeaders(), 'x-ms-error-code': code, 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
    .end(body);
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

function etag(entry: StoredEntry): string {
  return `"0x${(0x8dc0000000000000n + BigInt(entry.id * 1000 + entry.size)).toString(16).toUpperCase()}"`;
}
