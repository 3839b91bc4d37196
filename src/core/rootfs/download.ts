import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { ConfigError } from '../errors.js';
import { VERSION } from '../version.js';
import { RootfsError } from './errors.js';

export { formatBytes, formatProgress } from './progress.js';

/**
 * Fetches a root filesystem archive over http(s) for `rootfs add NAME SOURCE`: streamed to a
 * temp file beside the destination while its sha256 is computed, and renamed into place only
 * when it is complete and verified, so a destination that exists is always a whole archive.
 * Only node's own http/https/tls: the bundle must stay self-contained.
 */
export interface DownloadOptions {
  /** Expected hex digest (a `sha256:` prefix is accepted); a mismatch is an error and leaves nothing. */
  sha256?: string;
  /** Transient failures (connection reset/refused, timeouts, truncation, 5xx, 408, 429) are retried this many times; default 4. */
  retries?: number;
  /** Base delay of the exponential backoff between retries; default 500 ms. */
  backoffMs?: number;
  /** The connection is given up after this long without a byte; default 30000 ms. */
  timeoutMs?: number;
  /** Called as bytes arrive (throttling is the caller's business); `total` is Content-Length when sent. */
  onProgress?: (p: { received: number; total?: number }) => void;
  /** Where HTTPS_PROXY/HTTP_PROXY/NO_PROXY are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default 10. */
  maxRedirects?: number;
  /**
   * Extra CA certificates (PEM) to trust besides node's bundled ones, for a mirror or proxy
   * with a private CA. NODE_EXTRA_CA_CERTS does the same for the whole process.
   */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * What an earlier download of the URL answered: sent as If-None-Match/If-Modified-Since,
   * so that an unchanged archive is not downloaded again (the result says notModified and
   * nothing is written).
   */
  validators?: Validators;
}

/** An HTTP response's cache validators, as the server sent them. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface DownloadResult {
  /** The destination, absolute. */
  path: string;
  sha256: string;
  size: number;
  /** The URL the bytes came from, after redirects. */
  url: string;
  /** The server said 304 Not Modified to the validators given: nothing was written, sha256 and size are ''/0. */
  notModified?: boolean;
  /** The response's ETag and Last-Modified, to send next time. */
  validators: Validators;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_BACKOFF_MS = 30_000;

/** Socket errors that say "the network or the server hiccupped", not "this can never work". */
const TRANSIENT_CODES: Record<string, string> = {
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  ECONNABORTED: 'connection aborted',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  EAI_AGAIN: 'temporary DNS failure',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host down',
};

/**
 * One attempt's failure, before it becomes the RootfsError the user sees: what went wrong,
 * what to do, and whether another attempt may go better.
 */
class Failure extends Error {
  constructor(
    readonly problem: string,
    readonly hint: string,
    readonly transient: boolean,
    options?: ErrorOptions,
  ) {
    super(problem, options);
  }
}

/** Downloads `url` to `destFile`; see DownloadOptions. Throws RootfsError (ConfigError for bad arguments). */
export async function download(url: string, destFile: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const start = parseSourceUrl(url);
  const expected = options.sha256 === undefined ? undefined : parseSha256(options.sha256);
  const retries = count(options.retries, 4);
  const backoffMs = count(options.backoffMs, 500);
  const settings: Settings = {
    dest: path.resolve(destFile),
    expected,
    env: options.env ?? process.env,
    timeoutMs: count(options.timeoutMs, 30_000) || 30_000,
    maxRedirects: count(options.maxRedirects, 10),
    onProgress: options.onProgress,
    validators: options.validators,
    ca: options.ca === undefined ? undefined : [...defaultCAs(), ...[options.ca].flat()],
  };
  for (let attempt = 0; ; attempt++) {
    const last: { url: URL } = { url: start };
    try {
      return await attemptOnce(start, settings, last);
    } catch (e) {
      // Final verdicts (a digest mismatch, a disk error, bad settings) and the caller's own
      // errors (from onProgress) go out as they are.
      if (!(e instanceof Failure)) throw e;
      if (!e.transient || attempt >= retries) {
        const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
        const at = last.url.href !== start.href ? ` (at ${redact(last.url)})` : '';
        throw new RootfsError(`download of ${redact(start)} failed${tries}: ${e.problem}${at}; ${e.hint}`, { cause: e });
      }
      await sleep(backoffDelay(attempt, backoffMs));
    }
  }
}

/**
 * The delay before retry number `attempt + 1` (attempt counts from 0): `baseMs * 2^attempt`,
 * capped at 30 s, of which the upper half is random ("equal jitter") so that many CI
 * runners failing together do not come back together, yet no retry comes back at once.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exp = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(MAX_BACKOFF_MS, Math.max(0, baseMs) * 2 ** Math.min(exp, 30));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/**
 * The proxy to use for `url`, or undefined for a direct connection, as curl and wget
 * decide it: https_proxy/HTTPS_PROXY for https URLs, http_proxy/HTTP_PROXY for http URLs
 * (the lowercase name wins; empty means unset), unless no_proxy/NO_PROXY matches the
 * host. NO_PROXY is a comma (or space) list of `*`, `example.com` (that host and its
 * subdomains), `.example.com` or `*.example.com` (the same), any of these with `:port`,
 * IP addresses (`127.0.0.1`, `::1`, `[::1]:8080`) and CIDR ranges (`10.0.0.0/8`).
 * Names are not resolved: `localhost` does not match 127.0.0.1.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : url.protocol === 'http:' ? ['http_proxy', 'HTTP_PROXY'] : [];
  const name = names.find((n) => env[n]?.trim());
  if (!name) return undefined;
  if (noProxyMatches(url, env.no_proxy?.trim() || env.NO_PROXY?.trim() || '')) return undefined;
  return parseProxyUrl(name, env[name]!.trim());
}

function parseProxyUrl(name: string, raw: string): URL {
  let proxy: URL;
  try {
    // "proxy.corp:3128" without a scheme is common in the wild and means http.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new ConfigError(`${name}=${raw} is not a proxy URL; set it like http://proxy.example:3128 or unset it`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new ConfigError(`${name}=${redact(proxy)}: ${proxy.protocol.slice(0, -1)} proxies are not supported; use an http:// or https:// proxy`);
  }
  return proxy;
}

function noProxyMatches(url: URL, noProxy: string): boolean {
  const host = bare(url.hostname).replace(/\.$/, '');
  const hostIsIp = net.isIP(host) !== 0;
  const port = effectivePort(url);
  for (const raw of noProxy.toLowerCase().split(/[\s,]+/)) {
    if (!raw) continue;
    if (raw === '*') return true;
    let entry = raw;
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
    if (bracketed) {
      entry = bracketed[1]!;
      entryPort = bracketed[2];
    } else if (raw.split(':').length === 2) {
      // One colon is host:port; more are a bare IPv6 address.
      [entry, entryPort] = raw.split(':') as [string, string];
    }
    if (entryPort !== undefined && entryPort !== '' && entryPort !== port) continue;
    if (entry.includes('/') || net.isIP(entry)) {
      if (hostIsIp && ipInRange(host, entry)) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    // An IP host is never a subdomain: "0.0.1" must not match 10.0.0.1.
    if (domain && !hostIsIp && (host === domain || host.endsWith(`.${domain}`))) return true;
  }
  return false;
}

/** `ip` is `range` (an address) or in it (address/prefix); via BlockList, which knows IPv6 spellings. */
function ipInRange(ip: string, range: string): boolean {
  const [addr = '', bitsText] = range.split('/');
  const family = net.isIP(addr);
  if (!family) return false;
  const bits = bitsText === undefined ? (family === 4 ? 32 : 128) : Number(bitsText);
  if (!Number.isInteger(bits)) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
    return list.check(ip, net.isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

interface Settings {
  dest: string;
  expected: string | undefined;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  maxRedirects: number;
  onProgress: DownloadOptions['onProgress'];
  validators: Validators | undefined;
  ca: Array<string | Buffer> | undefined;
}

/** One try from the first URL: redirects, then the body to a temp file, verified, renamed. */
async function attemptOnce(start: URL, s: Settings, last: { url: URL }): Promise<DownloadResult> {
  const { res, timedOut } = await fetchFollowingRedirects(start, s, last);
  const url = last.url;
  const validators = validatorsOf(res);
  if (res.statusCode === 304) {
    res.destroy();
    return { path: s.dest, sha256: '', size: 0, url: url.href, notModified: true, validators: { ...s.validators, ...validators } };
  }
  const total = contentLength(res);
  const temp = path.join(path.dirname(s.dest), `.${path.basename(s.dest)}.${randomBytes(6).toString('hex')}.part`);
  const hash = createHash('sha256');
  let received = 0;
  let callerError: unknown;
  let diskError: unknown;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      received += chunk.length;
      try {
        s.onProgress?.({ received, total });
      } catch (e) {
        callerError = e;
        return callback(e as Error);
      }
      callback(null, chunk);
    },
  });
  // 'wx': the random name is ours alone; flush: the bytes are on disk before the rename makes them the archive.
  const file = createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true });
  // pipeline() hands a network failure on to the file too: only an fs error of its own
  // (it names a syscall, and is not the response's error) is the disk's fault.
  let networkError: unknown;
  res.once('error', (e) => (networkError = e));
  file.once('error', (e: NodeJS.ErrnoException) => {
    if (e.syscall && e !== networkError) diskError = e;
  });
  let renamed = false;
  try {
    try {
      await pipeline(res, meter, file);
    } catch (e) {
      if (callerError !== undefined) throw callerError;
      if (diskError !== undefined) throw diskFailure(temp, diskError);
      if (timedOut()) throw timeoutFailure(s.timeoutMs, received, total);
      throw truncated(received, total, e);
    }
    if (!res.complete || (total !== undefined && received !== total)) throw truncated(received, total);
    const digest = hash.digest('hex');
    if (s.expected !== undefined && digest !== s.expected) {
      throw new RootfsError(`sha256 mismatch for ${redact(url)}: expected ${s.expected}, got ${digest}; check --sha256 or the source`);
    }
    try {
      await rename(temp, s.dest);
    } catch (e) {
      throw diskFailure(s.dest, e);
    }
    renamed = true;
    return { path: s.dest, sha256: digest, size: received, url: url.href, validators };
  } finally {
    res.destroy();
    if (!renamed) await rm(temp, { force: true }).catch(() => undefined);
  }
}

/** The ETag and Last-Modified a response carries. Weak ETags count: they are for exactly this. */
function validatorsOf(res: http.IncomingMessage): Validators {
  const v: Validators = {};
  const etag = res.headers.etag;
  const lastModified = res.headers['last-modified'];
  if (etag) v.etag = etag;
  if (lastModified) v.lastModified = lastModified;
  return v;
}

/** GETs `start`, following redirects, up to a 200 response whose body is not read yet. */
async function fetchFollowingRedirects(start: URL, s: Settings, last: { url: URL }): Promise<Response> {
  const seen = new Set<string>();
  let url = start;
  for (let hops = 0; ; hops++) {
    last.url = url;
    const response = await get(url, s);
    const { res } = response;
    const status = res.statusCode ?? 0;
    if (status === 200 || status === 203) return response;
    // Only an answer to our own validators means "what you have is current".
    if (status === 304 && (s.validators?.etag || s.validators?.lastModified)) return response;
    res.destroy();
    if (!REDIRECT_STATUSES.has(status)) throw statusFailure(status, res.statusMessage);
    const location = res.headers.location;
    if (!location) throw new Failure(`HTTP ${status} redirect without a Location header`, 'the server is misconfigured; ask its owner or use another URL', false);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new Failure(`HTTP ${status} redirect to an invalid Location "${location}"`, 'the server is misconfigured; ask its owner or use another URL', false);
    }
    next.hash = '';
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new Failure(`redirect to unsupported URL ${redact(next)}`, 'only http and https are supported; download it yourself and add the file', false);
    }
    // Without cookies nothing changes between two visits of the same URL: a loop is a loop.
    seen.add(url.href);
    if (seen.has(next.href)) {
      throw new Failure(`redirect loop (${redact(url)} redirects back to ${redact(next)})`, 'the server redirects in a circle; check the URL', false);
    }
    if (hops >= s.maxRedirects) {
      throw new Failure(`too many redirects (more than ${s.maxRedirects}, next ${redact(next)})`, 'check the URL, or raise maxRedirects', false);
    }
    url = next;
  }
}

interface Response {
  res: http.IncomingMessage;
  /** The idle timeout fired (the body stream then fails with a plain "aborted"). */
  timedOut: () => boolean;
}

/** One GET, direct or through the proxy the environment asks for, resolved at the response head. */
async function get(url: URL, s: Settings): Promise<Response> {
  const proxy = proxyFor(url, s.env);
  const via = proxy ? ` via proxy ${redact(proxy)}` : '';
  const headers: http.OutgoingHttpHeaders = {
    'user-agent': `micro-container/${VERSION}`,
    accept: '*/*',
    // The digest is of the bytes as served: no transparent decompression.
    'accept-encoding': 'identity',
    ...(s.validators?.etag && { 'if-none-match': s.validators.etag }),
    ...(s.validators?.lastModified && { 'if-modified-since': s.validators.lastModified }),
  };
  let request: () => http.ClientRequest;
  if (proxy && url.protocol === 'http:') {
    // A plain http proxy takes the absolute URL as the request target (RFC 9112 3.2.2).
    const auth = basicAuth(url);
    const target = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
    const proxyHeaders = { ...headers, host: url.host, ...(auth && { authorization: auth }), ...proxyAuthHeader(proxy) };
    request = () => moduleFor(proxy).request({ ...endpoint(proxy), method: 'GET', path: target, headers: proxyHeaders, agent: false, ca: s.ca });
  } else if (proxy) {
    // https through a proxy: a CONNECT tunnel, then our own TLS to the server over it.
    const socket = await connectTunnel(proxy, url, s);
    const host = bare(url.hostname);
    const createConnection = () => tls.connect({ socket, host, servername: net.isIP(host) ? undefined : host, ca: s.ca });
    request = () => https.request(url, { headers, createConnection, ca: s.ca });
  } else {
    request = () => moduleFor(url).request(url, { headers, agent: false, ca: s.ca });
  }
  return new Promise<Response>((resolve, reject) => {
    let timedOut = false;
    const req = request();
    req.setTimeout(s.timeoutMs, () => {
      timedOut = true;
      req.destroy(timeoutFailure(s.timeoutMs));
    });
    // Stays attached for the whole exchange: errors after the head surface on the body stream.
    req.on('error', (e) => reject(networkFailure(e, url, via)));
    req.once('response', (res) => resolve({ res, timedOut: () => timedOut }));
    req.end();
  });
}

/** Opens a CONNECT tunnel to `url`'s host:port through `proxy`. */
function connectTunnel(proxy: URL, url: URL, s: Settings): Promise<net.Socket> {
  const authority = `${url.hostname}:${effectivePort(url)}`;
  const via = ` via proxy ${redact(proxy)}`;
  return new Promise((resolve, reject) => {
    const req = moduleFor(proxy).request({
      ...endpoint(proxy),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, 'user-agent': `micro-container/${VERSION}`, ...proxyAuthHeader(proxy) },
      agent: false,
      ca: s.ca,
    });
    req.setTimeout(s.timeoutMs, () => req.destroy(timeoutFailure(s.timeoutMs)));
    req.on('error', (e) => reject(networkFailure(e, url, via)));
    req.once('connect', (res, socket, head) => {
      socket.setTimeout(0);
      if (res.statusCode !== 200) {
        socket.destroy();
        const status = res.statusCode ?? 0;
        const transient = status >= 500 || status === 408 || status === 429;
        const hint = status === 407 ? 'the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port)' : 'check HTTPS_PROXY and NO_PROXY, or try again later';
        reject(new Failure(`proxy ${redact(proxy)} refused CONNECT ${authority}: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd(), hint, transient));
        return;
      }
      // Bytes the proxy sent after its answer belong to the TLS stream.
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.end();
  });
}

function statusFailure(status: number, message: string | undefined): Failure {
  const problem = `HTTP ${status}${message ? ` ${message}` : ''}`;
  if (status >= 500 || status === 408 || status === 429) return new Failure(problem, 'the server is failing or busy; try again later', true);
  if (status === 401 || status === 403) return new Failure(problem, 'check the URL, and that the file is public (credentials can go in the URL)', false);
  if (status === 407) return new Failure(problem, 'the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port)', false);
  if (status >= 400) return new Failure(problem, 'check the URL', false);
  return new Failure(`unexpected ${problem}`, 'check the URL; it should answer 200 with the archive', false);
}

function networkFailure(e: unknown, url: URL, via: string): Failure {
  if (e instanceof Failure) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? '';
  const where = `${url.host}${via}`;
  const proxyHint = via ? '; check HTTPS_PROXY/HTTP_PROXY and NO_PROXY' : '';
  if (code in TRANSIENT_CODES) return new Failure(`${TRANSIENT_CODES[code]} (${where})`, `check your network and that the server is up${proxyHint}`, true, { cause: e });
  if (code === 'ENOTFOUND') return new Failure(`host not found (${where})`, `check the host name in the URL${proxyHint}`, false, { cause: e });
  if (/CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_/.test(code)) {
    return new Failure(`TLS error (${where}): ${err.message}`, 'the server certificate is not trusted; if your network uses its own CA, point NODE_EXTRA_CA_CERTS at it', false, { cause: e });
  }
  return new Failure(`${err.message || String(e)} (${where})`, `check the URL and your network${proxyHint}`, false, { cause: e });
}

function timeoutFailure(timeoutMs: number, received?: number, total?: number): Failure {
  const after = received === undefined ? '' : ` after ${received}${total === undefined ? '' : ` of ${total}`} bytes`;
  return new Failure(`timed out: no data for ${timeoutMs} ms${after}`, 'the server or the network is stalled; try again later', true);
}

function truncated(received: number, total: number | undefined, cause?: unknown): Failure {
  const of = total === undefined ? '' : ` of ${total}`;
  return new Failure(`connection closed early, after ${received}${of} bytes`, 'the transfer was cut short; try again', true, { cause });
}

function diskFailure(file: string, e: unknown): RootfsError {
  const err = e as NodeJS.ErrnoException;
  return new RootfsError(`cannot write ${file}: ${err.code ?? err.message}; check that ${path.dirname(file)} exists, is writable and has space`, { cause: e });
}

function parseSourceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${text} is not a URL; give an http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${redact(url)}: only http:// and https:// URLs can be downloaded`);
  }
  url.hash = '';
  return url;
}

function parseSha256(text: string): string {
  const hex = text.trim().toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new ConfigError(`--sha256 ${text} is not a sha256 digest; give the 64 hex digits that sha256sum prints`);
  return hex;
}

/** A non-negative integer option, or its default when unset or nonsense (loops must stay bounded). */
function count(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

function contentLength(res: http.IncomingMessage): number | undefined {
  const text = res.headers['content-length'];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function defaultCAs(): readonly string[] {
  // Node 22.15+/23.10+ can say which CAs it trusts by default (bundled + NODE_EXTRA_CA_CERTS);
  // an explicit `ca` replaces that set, so start from it where it exists.
  const get = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  return get ? get('default') : tls.rootCertificates;
}

function moduleFor(url: URL): typeof http | typeof https {
  return url.protocol === 'https:' ? https : http;
}

function endpoint(url: URL): { host: string; port: string } {
  return { host: bare(url.hostname), port: effectivePort(url) };
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** `[::1]` as URL.hostname spells it, `::1` as sockets want it. */
function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function basicAuth(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

function proxyAuthHeader(proxy: URL): { 'proxy-authorization'?: string } {
  const auth = basicAuth(proxy);
  return auth ? { 'proxy-authorization': auth } : {};
}

/** The URL for messages: never print a password. */
function redact(url: URL): string {
  if (!url.password) return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}

