export const id = 196;
export const ids = [196];
export const modules = {

/***/ 1196:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  _: () => (/* binding */ addRoot),
  o: () => (/* binding */ classifySource)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/exec.ts
var exec = __webpack_require__(2642);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
var external_node_net_default = /*#__PURE__*/__webpack_require__.n(external_node_net_);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
var external_node_tls_default = /*#__PURE__*/__webpack_require__.n(external_node_tls_);
// EXTERNAL MODULE: ./src/core/version.ts
var version = __webpack_require__(3323);
// EXTERNAL MODULE: ./src/core/rootfs/errors.ts
var rootfs_errors = __webpack_require__(6904);
// EXTERNAL MODULE: ./src/core/rootfs/progress.ts
var progress = __webpack_require__(8104);
;// CONCATENATED MODULE: ./src/core/rootfs/download.ts















const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_BACKOFF_MS = 30_000;
/** Socket errors that say "the network or the server hiccupped", not "this can never work". */
const TRANSIENT_CODES = {
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
    problem;
    hint;
    transient;
    constructor(problem, hint, transient, options) {
        super(problem, options);
        this.problem = problem;
        this.hint = hint;
        this.transient = transient;
    }
}
/** Downloads `url` to `destFile`; see DownloadOptions. Throws RootfsError (ConfigError for bad arguments). */
async function download(url, destFile, options = {}) {
    const start = parseSourceUrl(url);
    const expected = options.sha256 === undefined ? undefined : parseSha256(options.sha256);
    const retries = count(options.retries, 4);
    const backoffMs = count(options.backoffMs, 500);
    const settings = {
        dest: external_node_path_default().resolve(destFile),
        expected,
        env: options.env ?? process.env,
        timeoutMs: count(options.timeoutMs, 30_000) || 30_000,
        maxRedirects: count(options.maxRedirects, 10),
        onProgress: options.onProgress,
        validators: options.validators,
        ca: options.ca === undefined ? undefined : [...defaultCAs(), ...[options.ca].flat()],
    };
    for (let attempt = 0;; attempt++) {
        const last = { url: start };
        try {
            return await attemptOnce(start, settings, last);
        }
        catch (e) {
            // Final verdicts (a digest mismatch, a disk error, bad settings) and the caller's own
            // errors (from onProgress) go out as they are.
            if (!(e instanceof Failure))
                throw e;
            if (!e.transient || attempt >= retries) {
                const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
                const at = last.url.href !== start.href ? ` (at ${redact(last.url)})` : '';
                throw new rootfs_errors/* RootfsError */._(`download of ${redact(start)} failed${tries}: ${e.problem}${at}; ${e.hint}`, { cause: e });
            }
            await (0,external_node_timers_promises_.setTimeout)(backoffDelay(attempt, backoffMs));
        }
    }
}
/**
 * The delay before retry number `attempt + 1` (attempt counts from 0): `baseMs * 2^attempt`,
 * capped at 30 s, of which the upper half is random ("equal jitter") so that many CI
 * runners failing together do not come back together, yet no retry comes back at once.
 */
function backoffDelay(attempt, baseMs, random = Math.random) {
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
function proxyFor(url, env = process.env) {
    const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : url.protocol === 'http:' ? ['http_proxy', 'HTTP_PROXY'] : [];
    const name = names.find((n) => env[n]?.trim());
    if (!name)
        return undefined;
    if (noProxyMatches(url, env.no_proxy?.trim() || env.NO_PROXY?.trim() || ''))
        return undefined;
    return parseProxyUrl(name, env[name].trim());
}
function parseProxyUrl(name, raw) {
    let proxy;
    try {
        // "proxy.corp:3128" without a scheme is common in the wild and means http.
        proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    }
    catch {
        throw new errors/* ConfigError */.xL(`${name}=${raw} is not a proxy URL; set it like http://proxy.example:3128 or unset it`);
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
        throw new errors/* ConfigError */.xL(`${name}=${redact(proxy)}: ${proxy.protocol.slice(0, -1)} proxies are not supported; use an http:// or https:// proxy`);
    }
    return proxy;
}
function noProxyMatches(url, noProxy) {
    const host = bare(url.hostname).replace(/\.$/, '');
    const hostIsIp = external_node_net_default().isIP(host) !== 0;
    const port = effectivePort(url);
    for (const raw of noProxy.toLowerCase().split(/[\s,]+/)) {
        if (!raw)
            continue;
        if (raw === '*')
            return true;
        let entry = raw;
        let entryPort;
        const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
        if (bracketed) {
            entry = bracketed[1];
            entryPort = bracketed[2];
        }
        else if (raw.split(':').length === 2) {
            // One colon is host:port; more are a bare IPv6 address.
            [entry, entryPort] = raw.split(':');
        }
        if (entryPort !== undefined && entryPort !== '' && entryPort !== port)
            continue;
        if (entry.includes('/') || external_node_net_default().isIP(entry)) {
            if (hostIsIp && ipInRange(host, entry))
                return true;
            continue;
        }
        const domain = entry.replace(/^\*?\./, '').replace(/\.$/, '');
        // An IP host is never a subdomain: "0.0.1" must not match 10.0.0.1.
        if (domain && !hostIsIp && (host === domain || host.endsWith(`.${domain}`)))
            return true;
    }
    return false;
}
/** `ip` is `range` (an address) or in it (address/prefix); via BlockList, which knows IPv6 spellings. */
function ipInRange(ip, range) {
    const [addr = '', bitsText] = range.split('/');
    const family = external_node_net_default().isIP(addr);
    if (!family)
        return false;
    const bits = bitsText === undefined ? (family === 4 ? 32 : 128) : Number(bitsText);
    if (!Number.isInteger(bits))
        return false;
    const list = new (external_node_net_default()).BlockList();
    try {
        list.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
        return list.check(ip, external_node_net_default().isIP(ip) === 4 ? 'ipv4' : 'ipv6');
    }
    catch {
        return false;
    }
}
/** One try from the first URL: redirects, then the body to a temp file, verified, renamed. */
async function attemptOnce(start, s, last) {
    const { res, timedOut } = await fetchFollowingRedirects(start, s, last);
    const url = last.url;
    const validators = validatorsOf(res);
    if (res.statusCode === 304) {
        res.destroy();
        return { path: s.dest, sha256: '', size: 0, url: url.href, notModified: true, validators: { ...s.validators, ...validators } };
    }
    const total = contentLength(res);
    const temp = external_node_path_default().join(external_node_path_default().dirname(s.dest), `.${external_node_path_default().basename(s.dest)}.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}.part`);
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let received = 0;
    let callerError;
    let diskError;
    const meter = new external_node_stream_.Transform({
        transform(chunk, _encoding, callback) {
            hash.update(chunk);
            received += chunk.length;
            try {
                s.onProgress?.({ received, total });
            }
            catch (e) {
                callerError = e;
                return callback(e);
            }
            callback(null, chunk);
        },
    });
    // 'wx': the random name is ours alone; flush: the bytes are on disk before the rename makes them the archive.
    const file = (0,external_node_fs_.createWriteStream)(temp, { flags: 'wx', mode: 0o644, flush: true });
    // pipeline() hands a network failure on to the file too: only an fs error of its own
    // (it names a syscall, and is not the response's error) is the disk's fault.
    let networkError;
    res.once('error', (e) => (networkError = e));
    file.once('error', (e) => {
        if (e.syscall && e !== networkError)
            diskError = e;
    });
    let renamed = false;
    try {
        try {
            await (0,external_node_stream_promises_.pipeline)(res, meter, file);
        }
        catch (e) {
            if (callerError !== undefined)
                throw callerError;
            if (diskError !== undefined)
                throw diskFailure(temp, diskError);
            if (timedOut())
                throw timeoutFailure(s.timeoutMs, received, total);
            throw truncated(received, total, e);
        }
        if (!res.complete || (total !== undefined && received !== total))
            throw truncated(received, total);
        const digest = hash.digest('hex');
        if (s.expected !== undefined && digest !== s.expected) {
            throw new rootfs_errors/* RootfsError */._(`sha256 mismatch for ${redact(url)}: expected ${s.expected}, got ${digest}; check --sha256 or the source`);
        }
        try {
            await (0,promises_.rename)(temp, s.dest);
        }
        catch (e) {
            throw diskFailure(s.dest, e);
        }
        renamed = true;
        return { path: s.dest, sha256: digest, size: received, url: url.href, validators };
    }
    finally {
        res.destroy();
        if (!renamed)
            await (0,promises_.rm)(temp, { force: true }).catch(() => undefined);
    }
}
/** The ETag and Last-Modified a response carries. Weak ETags count: they are for exactly this. */
function validatorsOf(res) {
    const v = {};
    const etag = res.headers.etag;
    const lastModified = res.headers['last-modified'];
    if (etag)
        v.etag = etag;
    if (lastModified)
        v.lastModified = lastModified;
    return v;
}
/** GETs `start`, following redirects, up to a 200 response whose body is not read yet. */
async function fetchFollowingRedirects(start, s, last) {
    const seen = new Set();
    let url = start;
    for (let hops = 0;; hops++) {
        last.url = url;
        const response = await get(url, s);
        const { res } = response;
        const status = res.statusCode ?? 0;
        if (status === 200 || status === 203)
            return response;
        // Only an answer to our own validators means "what you have is current".
        if (status === 304 && (s.validators?.etag || s.validators?.lastModified))
            return response;
        res.destroy();
        if (!REDIRECT_STATUSES.has(status))
            throw statusFailure(status, res.statusMessage);
        const location = res.headers.location;
        if (!location)
            throw new Failure(`HTTP ${status} redirect without a Location header`, 'the server is misconfigured; ask its owner or use another URL', false);
        let next;
        try {
            next = new URL(location, url);
        }
        catch {
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
/** One GET, direct or through the proxy the environment asks for, resolved at the response head. */
async function get(url, s) {
    const proxy = proxyFor(url, s.env);
    const via = proxy ? ` via proxy ${redact(proxy)}` : '';
    const headers = {
        'user-agent': `micro-container/${version/* VERSION */.x}`,
        accept: '*/*',
        // The digest is of the bytes as served: no transparent decompression.
        'accept-encoding': 'identity',
        ...(s.validators?.etag && { 'if-none-match': s.validators.etag }),
        ...(s.validators?.lastModified && { 'if-modified-since': s.validators.lastModified }),
    };
    let request;
    if (proxy && url.protocol === 'http:') {
        // A plain http proxy takes the absolute URL as the request target (RFC 9112 3.2.2).
        const auth = basicAuth(url);
        const target = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
        const proxyHeaders = { ...headers, host: url.host, ...(auth && { authorization: auth }), ...proxyAuthHeader(proxy) };
        request = () => moduleFor(proxy).request({ ...endpoint(proxy), method: 'GET', path: target, headers: proxyHeaders, agent: false, ca: s.ca });
    }
    else if (proxy) {
        // https through a proxy: a CONNECT tunnel, then our own TLS to the server over it.
        const socket = await connectTunnel(proxy, url, s);
        const host = bare(url.hostname);
        const createConnection = () => external_node_tls_default().connect({ socket, host, servername: external_node_net_default().isIP(host) ? undefined : host, ca: s.ca });
        request = () => external_node_https_default().request(url, { headers, createConnection, ca: s.ca });
    }
    else {
        request = () => moduleFor(url).request(url, { headers, agent: false, ca: s.ca });
    }
    return new Promise((resolve, reject) => {
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
function connectTunnel(proxy, url, s) {
    const authority = `${url.hostname}:${effectivePort(url)}`;
    const via = ` via proxy ${redact(proxy)}`;
    return new Promise((resolve, reject) => {
        const req = moduleFor(proxy).request({
            ...endpoint(proxy),
            method: 'CONNECT',
            path: authority,
            headers: { host: authority, 'user-agent': `micro-container/${version/* VERSION */.x}`, ...proxyAuthHeader(proxy) },
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
            if (head.length > 0)
                socket.unshift(head);
            resolve(socket);
        });
        req.end();
    });
}
function statusFailure(status, message) {
    const problem = `HTTP ${status}${message ? ` ${message}` : ''}`;
    if (status >= 500 || status === 408 || status === 429)
        return new Failure(problem, 'the server is failing or busy; try again later', true);
    if (status === 401 || status === 403)
        return new Failure(problem, 'check the URL, and that the file is public (credentials can go in the URL)', false);
    if (status === 407)
        return new Failure(problem, 'the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port)', false);
    if (status >= 400)
        return new Failure(problem, 'check the URL', false);
    return new Failure(`unexpected ${problem}`, 'check the URL; it should answer 200 with the archive', false);
}
function networkFailure(e, url, via) {
    if (e instanceof Failure)
        return e;
    const err = e;
    const code = err.code ?? '';
    const where = `${url.host}${via}`;
    const proxyHint = via ? '; check HTTPS_PROXY/HTTP_PROXY and NO_PROXY' : '';
    if (code in TRANSIENT_CODES)
        return new Failure(`${TRANSIENT_CODES[code]} (${where})`, `check your network and that the server is up${proxyHint}`, true, { cause: e });
    if (code === 'ENOTFOUND')
        return new Failure(`host not found (${where})`, `check the host name in the URL${proxyHint}`, false, { cause: e });
    if (/CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_/.test(code)) {
        return new Failure(`TLS error (${where}): ${err.message}`, 'the server certificate is not trusted; if your network uses its own CA, point NODE_EXTRA_CA_CERTS at it', false, { cause: e });
    }
    return new Failure(`${err.message || String(e)} (${where})`, `check the URL and your network${proxyHint}`, false, { cause: e });
}
function timeoutFailure(timeoutMs, received, total) {
    const after = received === undefined ? '' : ` after ${received}${total === undefined ? '' : ` of ${total}`} bytes`;
    return new Failure(`timed out: no data for ${timeoutMs} ms${after}`, 'the server or the network is stalled; try again later', true);
}
function truncated(received, total, cause) {
    const of = total === undefined ? '' : ` of ${total}`;
    return new Failure(`connection closed early, after ${received}${of} bytes`, 'the transfer was cut short; try again', true, { cause });
}
function diskFailure(file, e) {
    const err = e;
    return new rootfs_errors/* RootfsError */._(`cannot write ${file}: ${err.code ?? err.message}; check that ${external_node_path_default().dirname(file)} exists, is writable and has space`, { cause: e });
}
function parseSourceUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors/* ConfigError */.xL(`${text} is not a URL; give an http:// or https:// URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new errors/* ConfigError */.xL(`${redact(url)}: only http:// and https:// URLs can be downloaded`);
    }
    url.hash = '';
    return url;
}
function parseSha256(text) {
    const hex = text.trim().toLowerCase().replace(/^sha256:/, '');
    if (!/^[0-9a-f]{64}$/.test(hex))
        throw new errors/* ConfigError */.xL(`--sha256 ${text} is not a sha256 digest; give the 64 hex digits that sha256sum prints`);
    return hex;
}
/** A non-negative integer option, or its default when unset or nonsense (loops must stay bounded). */
function count(value, fallback) {
    return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}
function contentLength(res) {
    const text = res.headers['content-length'];
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
function defaultCAs() {
    // Node 22.15+/23.10+ can say which CAs it trusts by default (bundled + NODE_EXTRA_CA_CERTS);
    // an explicit `ca` replaces that set, so start from it where it exists.
    const get = (external_node_tls_default()).getCACertificates;
    return get ? get('default') : (external_node_tls_default()).rootCertificates;
}
function moduleFor(url) {
    return url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
}
function endpoint(url) {
    return { host: bare(url.hostname), port: effectivePort(url) };
}
function effectivePort(url) {
    return url.port || (url.protocol === 'https:' ? '443' : '80');
}
/** `[::1]` as URL.hostname spells it, `::1` as sockets want it. */
function bare(hostname) {
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
function basicAuth(url) {
    if (!url.username && !url.password)
        return undefined;
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    return `Basic ${Buffer.from(credentials).toString('base64')}`;
}
function proxyAuthHeader(proxy) {
    const auth = basicAuth(proxy);
    return auth ? { 'proxy-authorization': auth } : {};
}
/** The URL for messages: never print a password. */
function redact(url) {
    if (!url.password)
        return url.href;
    const copy = new URL(url.href);
    copy.password = '***';
    return copy.href;
}

// EXTERNAL MODULE: ./src/core/rootfs/archive-check.ts
var archive_check = __webpack_require__(8924);
// EXTERNAL MODULE: ./src/core/rootfs/compression.ts
var rootfs_compression = __webpack_require__(1977);
// EXTERNAL MODULE: ./src/core/rootfs/gate.ts + 1 modules
var rootfs_gate = __webpack_require__(1957);
// EXTERNAL MODULE: ./src/core/rootfs/pipeline.ts
var pipeline = __webpack_require__(4265);
// EXTERNAL MODULE: ./src/core/rootfs/tar-args.ts
var tar_args = __webpack_require__(6164);
// EXTERNAL MODULE: ./src/core/rootfs/tar-header.ts
var tar_header = __webpack_require__(5180);
;// CONCATENATED MODULE: ./src/core/rootfs/extract.ts









/**
 * Extracts a root filesystem archive (tar, gzip, xz, zstd or bzip2, told apart by content)
 * into `destDir`, which must not exist yet (an empty directory is replaced).
 *
 * The archive is decompressed once and goes through the gate (gate.ts) on its way to GNU
 * tar: every entry is checked before tar sees a byte of it, and one that could write
 * outside the root refuses the archive (UnsafeArchiveError, naming every such entry).
 * GNU tar does the writing, for speed and for everything it keeps (numeric owners,
 * setuid, hard links, xattrs, ACLs, timestamps). It writes into a new directory beside
 * destDir that is renamed into place only when complete: a refused, failed or aborted
 * extraction leaves nothing at destDir. (A SIGKILL of this process can leave that
 * `.NAME.extract-*` directory behind; never destDir.)
 */
async function extractArchive(archive, destDir, opts = {}) {
    const dest = external_node_path_default().resolve(destDir);
    const log = opts.log ?? (() => undefined);
    const isRoot = opts.isRoot ?? process.geteuid?.() === 0;
    refuseExisting(dest);
    if (opts.signal?.aborted)
        throw new rootfs_errors/* RootfsError */._(`extraction of ${archive} was aborted`);
    const fd = openArchive(archive);
    try {
        const compression = (0,rootfs_compression/* detectCompression */.IR)((0,rootfs_compression/* readMagic */.SC)(fd));
        const parent = external_node_path_default().dirname(dest);
        (0,external_node_fs_.mkdirSync)(parent, { recursive: true });
        const tmp = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(parent, `.${external_node_path_default().basename(dest)}.extract-`));
        try {
            // mkdtemp makes 0700; a root made from an archive without a "./" entry should not be.
            (0,external_node_fs_.chmodSync)(tmp, 0o755);
            const gate = new rootfs_gate/* ExtractionGate */.Z({ isRoot });
            let outcome;
            try {
                outcome = await (0,pipeline/* extractThroughGate */.w)(archive, fd, compression, (0,tar_args/* tarExtractArgs */.C)({ dir: tmp, isRoot }), gate, opts.signal);
            }
            catch (err) {
                if (err instanceof tar_header/* TarFormatError */.ZV) {
                    throw new rootfs_errors/* RootfsError */._(`${archive} is not a usable tar archive (${compression === 'none' ? 'uncompressed' : compression}): ${err.message}; nothing was extracted`);
                }
                throw err;
            }
            const plan = gate.plan();
            if (outcome === 'refused')
                throw new archive_check/* UnsafeArchiveError */.td(archive, plan.problems);
            const notes = plan.notes.map((n) => n.message);
            const fixed = openUpRoot(tmp);
            if (fixed)
                notes.push(fixed);
            (0,external_node_fs_.renameSync)(tmp, dest);
            notes.forEach((n) => log(n));
            return { compression, entries: plan.entries, notes };
        }
        catch (err) {
            (0,external_node_fs_.rmSync)(tmp, { recursive: true, force: true });
            const code = err.code;
            if (code === 'ENOTEMPTY' || code === 'EEXIST') {
                throw new rootfs_errors/* RootfsError */._(`${dest} appeared while ${archive} was being extracted; not replacing it`);
            }
            throw err;
        }
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
function refuseExisting(dest) {
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)(dest);
    }
    catch (err) {
        const code = err.code;
        if (code === 'ENOENT')
            return;
        throw new rootfs_errors/* RootfsError */._(`cannot extract into ${dest}: it exists and is not an empty directory (${code})`);
    }
    if (entries.length)
        throw new rootfs_errors/* RootfsError */._(`cannot extract into ${dest}: it exists and is not empty; extraction makes a new directory`);
}
function openArchive(archive) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(archive, 'r');
    }
    catch (err) {
        throw new rootfs_errors/* RootfsError */._(`cannot read the archive ${archive}: ${err.message}`);
    }
    if (!(0,external_node_fs_.fstatSync)(fd).isFile()) {
        (0,external_node_fs_.closeSync)(fd);
        throw new rootfs_errors/* RootfsError */._(`${archive} is not a regular file`);
    }
    return fd;
}
/**
 * Some archives (gliderlabs' Alpine rootfs) make "./" 0700: a non-root user inside the
 * container could then not even resolve /bin/sh. The root gets 0755, said in a note.
 */
function openUpRoot(dir) {
    const mode = (0,external_node_fs_.statSync)(dir).mode & 0o7777;
    if ((mode & 0o005) === 0o005)
        return undefined;
    (0,external_node_fs_.chmodSync)(dir, 0o755);
    return `the archive's top directory "./" was mode ${mode.toString(8).padStart(4, '0')}; made it 0755 so that non-root users in the container can use the root`;
}

// EXTERNAL MODULE: ./src/core/rootfs/store.ts
var rootfs_store = __webpack_require__(2006);
;// CONCATENATED MODULE: ./src/core/rootfs/add.ts









/** What SOURCE is: a URL, an archive file, or a directory. Pure but for the stat. */
function classifySource(source) {
    if (/^https?:\/\//i.test(source))
        return 'url';
    let st;
    try {
        st = (0,external_node_fs_.statSync)(source);
    }
    catch {
        throw new errors/* ConfigError */.xL(`rootfs source '${source}' is not an http(s):// URL and does not exist as a file or directory`);
    }
    if (st.isDirectory())
        return 'directory';
    if (st.isFile())
        return 'file';
    throw new errors/* ConfigError */.xL(`rootfs source '${source}' is neither a regular file nor a directory`);
}
/**
 * `rootfs add NAME SOURCE`: gets the root into the store (once per archive digest) and
 * points root-NAME at it. Sources as in actions/setup-node's distributions: each says
 * where the bytes come from; the store does find -> fetch -> verify -> extract -> record.
 */
async function addRoot(store, name, source, options = {}) {
    store.checkName(name);
    const log = options.log ?? (() => undefined);
    const want = options.sha256?.toLowerCase();
    if (want !== undefined && !(0,rootfs_store/* validDigest */.z7)(want))
        throw new errors/* ConfigError */.xL(`--sha256 '${options.sha256}' is not 64 hex digits`);
    const kind = classifySource(source);
    if (kind === 'directory') {
        const real = (0,external_node_fs_.realpathSync)(source);
        const id = `dir-${(0,external_node_crypto_.randomBytes)(8).toString('hex')}`;
        await store.ensureRoot(id, real, async (tmp) => {
            (0,external_node_fs_.mkdirSync)(tmp);
            // cp --reflink=auto: a copy that costs no space where the filesystem can share extents.
            const r = await (0,exec/* execCapture */.Wp)('cp', ['-a', '--reflink=auto', '--', `${real}/.`, `${tmp}/`]);
            if (r.code !== 0)
                throw new rootfs_errors/* RootfsError */._(`cannot copy ${real} into the store: ${r.stderr.trim()}`);
        });
        store.link(name, id);
        return { entry: entryOf(store, name), downloaded: false, extracted: false };
    }
    let archive;
    let digest;
    let downloaded = false;
    if (kind === 'url') {
        if (want && store.hasRoot(want)) {
            log(`root ${want} is in the store already; not downloading ${source}`);
            store.link(name, want);
            return { entry: entryOf(store, name), sha256: want, downloaded: false, extracted: false };
        }
        // Without a pin, a URL downloaded before is asked "changed since?" (ETag/Last-Modified).
        const known = want ? undefined : store.urlRecord(source);
        const validators = known && (known.etag || known.lastModified) ? { etag: known.etag, lastModified: known.lastModified } : undefined;
        if (want && (0,external_node_fs_.existsSync)(store.archivePath(want))) {
            archive = store.archivePath(want);
            digest = want;
        }
        else {
            (0,external_node_fs_.mkdirSync)(store.archivesDir, { recursive: true });
            const tmp = external_node_path_default().join(store.archivesDir, `.download-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
            let last = 0;
            const result = await download(source, tmp, {
                sha256: want,
                validators,
                onProgress: options.onProgress ?? ((p) => {
                    const now = Date.now();
                    if (now - last >= 1000 || (p.total !== undefined && p.received === p.total)) {
                        last = now;
                        log(`downloading ${source}: ${(0,progress/* formatProgress */.Vu)(p.received, p.total)}`);
                    }
                }),
            });
            if (result.notModified && known) {
                log(`${source} has not changed since it was downloaded (${known.fetchedAt}); using root ${known.sha256} (pin it with --sha256 ${known.sha256})`);
                store.link(name, known.sha256);
                return { entry: entryOf(store, name), sha256: known.sha256, downloaded: false, extracted: false };
            }
            digest = result.sha256;
            archive = store.archivePath(digest);
            (0,external_node_fs_.renameSync)(tmp, archive);
            downloaded = true;
            store.recordUrl({ url: source, sha256: digest, ...result.validators, fetchedAt: new Date().toISOString() });
        }
    }
    else {
        archive = external_node_path_default().resolve(source);
        digest = await (0,rootfs_store/* sha256File */.Q3)(archive);
        if (want && want !== digest) {
            throw new rootfs_errors/* RootfsError */._(`sha256 mismatch for ${archive}: expected ${want}, got ${digest}; check --sha256 or the file`);
        }
    }
    if (!want)
        log(`sha256 of ${source}: ${digest} (pin it with --sha256 ${digest})`);
    let extracted = false;
    await store.ensureRoot(digest, source, async (tmp) => {
        log(`extracting ${external_node_path_default().basename(archive)} into the store`);
        await extractArchive(archive, tmp, { log });
        extracted = true;
    }, () => log(`another process is adding root ${digest}; waiting for it`));
    store.link(name, digest);
    return { entry: entryOf(store, name), sha256: digest, downloaded, extracted };
}
function entryOf(store, name) {
    const e = store.list().find((r) => r.name === name);
    if (!e)
        throw new rootfs_errors/* RootfsError */._(`root-${name} vanished while it was being added`);
    return e;
}


/***/ }),

/***/ 8924:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Id: () => (/* binding */ ArchiveChecker),
/* harmony export */   Qu: () => (/* binding */ DROPPED_XATTR_PREFIXES),
/* harmony export */   td: () => (/* binding */ UnsafeArchiveError),
/* harmony export */   xC: () => (/* binding */ normalizeMemberPath)
/* harmony export */ });
/* unused harmony exports isStandardDevice, checkEntries */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6904);

/**
 * The device nodes a root may bring: the character devices every /dev has and that a jail
 * binds or creates anyway, with the numbers Linux gives them (devices.txt). A `dev/null`
 * that is really block 8:0 is the disk, not null. Everything else (disks, /dev/mem,
 * /dev/kmsg, ...) is skipped: a root filesystem has no business bringing it.
 */
const STANDARD_CHAR_DEVICES = new Map([
    ['dev/null', [1, 3]],
    ['dev/zero', [1, 5]],
    ['dev/full', [1, 7]],
    ['dev/random', [1, 8]],
    ['dev/urandom', [1, 9]],
    ['dev/tty', [5, 0]],
    ['dev/console', [5, 1]],
    ['dev/ptmx', [5, 2]],
    // Virtual consoles tty0..tty63 are 4:N.
    ...Array.from({ length: 64 }, (_, n) => [`dev/tty${n}`, [4, n]]),
]);
/** Whether `path` (normalized) with these numbers is one of the standard character devices. */
function isStandardDevice(path, type, major, minor) {
    const want = STANDARD_CHAR_DEVICES.get(path);
    return type === 'char' && want !== undefined && want[0] === major && want[1] === minor;
}
/**
 * Xattrs that are never restored: `trusted.overlay.*` steers overlayfs (opaque directories,
 * redirects, metacopy) when the root becomes a lower layer, so it is ours to set, not an
 * archive's.
 */
const DROPPED_XATTR_PREFIXES = ['trusted.overlay.'];
/**
 * An archive member name as a path relative to the root: `./a//b/` is `a/b`, `.` and `./`
 * are '' (the root itself). Absolute names and `..` components are refused, not repaired:
 * GNU tar would strip them and extract somewhere the author did not mean.
 */
function normalizeMemberPath(name) {
    if (name === '')
        return { ok: false, reason: 'empty name' };
    if (name.startsWith('/'))
        return { ok: false, reason: 'absolute path' };
    // tar stops a name at a NUL (a pax value can hold one): it would extract a name that is
    // not the one checked here.
    if (name.includes('\0'))
        return { ok: false, reason: 'has a NUL byte' };
    const parts = [];
    for (const part of name.split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part === '..')
            return { ok: false, reason: 'has a ".." component' };
        parts.push(part);
    }
    return { ok: true, path: parts.join('/') };
}
const q = (s) => JSON.stringify(s);
/**
 * The check, one entry at a time, in archive order (an archive of a million entries is not
 * held in memory; the check keeps one type per path, which it needs for symlinks and hard
 * links).
 */
class ArchiveChecker {
    opts;
    /** Type of what the archive has put at each path so far (later entries replace earlier). */
    kinds = new Map();
    /** Paths whose only entries were skipped: a hard link to one is skipped too. */
    skippedPaths = new Set();
    symlinks = 0;
    count = 0;
    problems = [];
    notes = [];
    skipped = [];
    dropped = new Set();
    constructor(opts) {
        this.opts = opts;
    }
    /** Whether any entry so far refuses the archive. */
    get refused() {
        return this.problems.length > 0;
    }
    add(e) {
        this.count++;
        const problem = (message) => {
            this.problems.push({ path: e.path, message: `${q(e.path)}: ${message}` });
            return 'refuse';
        };
        const norm = normalizeMemberPath(e.path);
        if (!norm.ok)
            return problem(`${norm.reason}; refusing an entry that would be written outside the root`);
        const p = norm.path;
        if (e.size && e.type !== 'file') {
            return problem(`a ${e.type} that carries ${e.size} bytes of data (crafted so that tar and this check could disagree about the next entry)`);
        }
        if (e.type === 'other')
            return problem(`unsupported entry type '${e.typeflag ?? '?'}'`);
        if (p === '' && e.type !== 'directory')
            return problem(`the root itself as a ${e.type}; the root must be a directory`);
        const via = this.symlinkAncestor(p);
        if (via !== undefined) {
            return problem(`goes through ${q(via)}, a symlink made by an earlier entry; writing through it could land outside the root`);
        }
        switch (e.type) {
            case 'hardlink': {
                const why = this.hardLinkProblem(e.linkTarget);
                if (why === 'skipped')
                    return this.skip(e, p, `hard link to ${q(e.linkTarget)}, which is skipped`);
                if (why)
                    return problem(`hard link to ${q(e.linkTarget)}: ${why}`);
                break;
            }
            case 'char':
            case 'block': {
                const standard = isStandardDevice(p, e.type, e.devmajor, e.devminor);
                if (standard && this.opts.isRoot)
                    break;
                const why = standard ? 'only root can create device nodes' : 'not one of the standard /dev nodes (null zero full random urandom tty console ptmx tty0-63)';
                return this.skip(e, p, `${e.type} device ${e.devmajor}:${e.devminor} skipped: ${why}`);
            }
        }
        for (const x of e.xattrs ?? []) {
            if (DROPPED_XATTR_PREFIXES.some((pre) => x.startsWith(pre))) {
                this.dropped.add(x);
                this.notes.push({ path: e.path, message: `${q(e.path)}: xattr ${x} not restored (it would steer the overlay mount)` });
            }
        }
        this.record(p, e.type);
        return 'extract';
    }
    plan() {
        return { entries: this.count, problems: this.problems, notes: this.notes, skipped: this.skipped, droppedXattrs: [...this.dropped] };
    }
    record(p, type) {
        this.skippedPaths.delete(p);
        const before = this.kinds.get(p);
        // GNU tar keeps a symlink that a directory entry lands on when the link leads to a
        // directory (it stats through it), so for what comes after, it is still a symlink.
        if (before === 'symlink' && type === 'directory')
            return;
        if (before === 'symlink')
            this.symlinks--;
        if (type === 'symlink')
            this.symlinks++;
        this.kinds.set(p, type);
    }
    /** The entry is left out of what tar sees; whatever an earlier entry put at its path stays. */
    skip(e, p, message) {
        this.notes.push({ path: e.path, message: `${q(e.path)}: ${message}` });
        this.skipped.push(e.path);
        if (!this.kinds.has(p))
            this.skippedPaths.add(p);
        return 'skip';
    }
    /** The first proper ancestor of `p` that is currently a symlink, if any. */
    symlinkAncestor(p) {
        if (this.symlinks === 0)
            return undefined;
        let i = p.indexOf('/');
        while (i !== -1) {
            const prefix = p.slice(0, i);
            if (this.kinds.get(prefix) === 'symlink')
                return prefix;
            i = p.indexOf('/', i + 1);
        }
        return undefined;
    }
    /** Why a hard link target is not acceptable; 'skipped' when it names a skipped entry. */
    hardLinkProblem(target) {
        const norm = normalizeMemberPath(target);
        if (!norm.ok)
            return `its target is an ${norm.reason === 'absolute path' ? 'absolute path' : `unsafe name (${norm.reason})`}; it would link a file from outside the root`;
        const t = norm.path;
        if (t === '')
            return 'its target is the root directory';
        const via = this.symlinkAncestor(t);
        if (via !== undefined)
            return `its target goes through ${q(via)}, a symlink made by an earlier entry, and could leave the root`;
        const kind = this.kinds.get(t);
        if (kind === undefined && this.skippedPaths.has(t))
            return 'skipped';
        if (kind === undefined)
            return 'its target is not an earlier entry of the archive, so it would be something outside the archive or nothing';
        if (kind === 'directory')
            return 'its target is a directory';
        return undefined;
    }
}
/** The plan for a list of entries. Pure. */
function checkEntries(entries, opts) {
    const c = new ArchiveChecker(opts);
    for (const e of entries)
        c.add(e);
    return c.plan();
}
/** The archive was refused: `problems` names every hostile entry. */
class UnsafeArchiveError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RootfsError */ ._ {
    archive;
    problems;
    name = 'UnsafeArchiveError';
    constructor(archive, problems) {
        const shown = problems.slice(0, 20).map((p) => `  - ${p.message}`);
        if (problems.length > shown.length)
            shown.push(`  - and ${problems.length - shown.length} more`);
        super(`refusing to extract ${archive}: ${problems.length} unsafe ${problems.length === 1 ? 'entry' : 'entries'}; nothing was kept\n${shown.join('\n')}`);
        this.archive = archive;
        this.problems = problems;
    }
}


/***/ }),

/***/ 1977:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IR: () => (/* binding */ detectCompression),
/* harmony export */   S0: () => (/* binding */ decompressorCommand),
/* harmony export */   SC: () => (/* binding */ readMagic),
/* harmony export */   kP: () => (/* binding */ MAGIC_BYTES)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);

/** How many leading bytes detectCompression needs to decide. */
const MAGIC_BYTES = 6;
const MAGICS = [
    ['gzip', [0x1f, 0x8b]],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
    // "BZh" then the block size digit 1-9: checking the digit keeps a text file that happens
    // to start with "BZh" from being taken for bzip2.
    ['bzip2', [0x42, 0x5a, 0x68]],
];
/** The compression of an archive whose first bytes are `firstBytes`; 'none' for anything else. Pure. */
function detectCompression(firstBytes) {
    for (const [kind, magic] of MAGICS) {
        if (firstBytes.length < magic.length)
            continue;
        if (!magic.every((b, i) => firstBytes[i] === b))
            continue;
        if (kind === 'bzip2') {
            const level = firstBytes[3];
            if (level === undefined || level < 0x31 || level > 0x39)
                continue;
        }
        return kind;
    }
    return 'none';
}
/**
 * The command that writes the decompressed archive to stdout, reading it from stdin; none
 * for an uncompressed archive. These are the tools every Debian and Alpine host has (xz
 * and zstd as packages), the same ones GNU tar would run for -z/-J/--zstd/-j.
 */
function decompressorCommand(compression) {
    switch (compression) {
        case 'gzip':
            return { file: 'gzip', args: ['-dc'] };
        case 'xz':
            return { file: 'xz', args: ['-dc'] };
        case 'zstd':
            // --long=31: archives made with zstd --long need the larger window to decompress.
            return { file: 'zstd', args: ['-dc', '--long=31'] };
        case 'bzip2':
            return { file: 'bzip2', args: ['-dc'] };
        case 'none':
            return undefined;
    }
}
/** The first MAGIC_BYTES of an open file (fewer when it is shorter), for detectCompression. */
function readMagic(fd) {
    const buf = Buffer.alloc(MAGIC_BYTES);
    const n = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync)(fd, buf, 0, MAGIC_BYTES, 0);
    return buf.subarray(0, n);
}


/***/ }),

/***/ 6904:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ RootfsError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);

/**
 * A root filesystem could not be fetched or stored: a download failed, a digest did not
 * match. The message names the source, the problem and what to do about it.
 */
class RootfsError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .MicroContainerError */ .WG {
    name = 'RootfsError';
}


/***/ }),

/***/ 1957:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Z: () => (/* binding */ ExtractionGate)
});

// EXTERNAL MODULE: ./src/core/rootfs/archive-check.ts
var archive_check = __webpack_require__(8924);
// EXTERNAL MODULE: ./src/core/rootfs/tar-header.ts
var tar_header = __webpack_require__(5180);
;// CONCATENATED MODULE: ./src/core/rootfs/tar-reader.ts

/**
 * A streaming tar reader: feed it the decompressed archive chunk by chunk and it calls
 * `onEntry` for every member, skipping file data. Memory stays flat (one header block and
 * at most one pax header), so a 10 GB root costs what a 10 MB one does.
 *
 * It stops at the first zero block, as GNU tar does when extracting without
 * --ignore-zeros: members after it are neither extracted by tar nor seen here.
 */
class TarReader {
    onEntry;
    header = Buffer.alloc(tar_header/* BLOCK */.IE);
    headerFill = 0;
    /** Bytes of data (and padding) still to skip. */
    skip = 0;
    /** Data of a pax / long-name member being collected, and how much of it is in. */
    meta;
    /** A GNU sparse member's data waits until its extension blocks are read. */
    sparsePending;
    paxLocal = new Map();
    paxGlobal = new Map();
    longName;
    longLink;
    offset = 0;
    /** Where the current member's headers (pax, long names, then its own) began, while they are being read. */
    seqStart;
    ended = false;
    _entries = 0;
    /**
     * `onEntry` gets each member with the byte range of its headers in the (decompressed)
     * stream: from its first pax or long-name header to the end of its own header block.
     */
    constructor(onEntry) {
        this.onEntry = onEntry;
    }
    /** Members seen so far. */
    get entries() {
        return this._entries;
    }
    /** Whether the end-of-archive marker has been read (later input is ignored). */
    get done() {
        return this.ended;
    }
    /**
     * Every byte before this offset belongs to a member already given to onEntry (or to its
     * data): what comes after may be part of a member whose headers are not all in yet.
     */
    get decidedOffset() {
        return this.seqStart ?? this.offset;
    }
    write(chunk) {
        let off = 0;
        const n = chunk.length;
        while (off < n && !this.ended) {
            if (this.skip > 0) {
                const k = Math.min(this.skip, n - off);
                this.skip -= k;
                off += k;
                this.offset += k;
                continue;
            }
            if (this.meta) {
                const m = this.meta;
                const k = Math.min(m.data.length - m.fill, n - off);
                chunk.copy(m.data, m.fill, off, off + k);
                m.fill += k;
                off += k;
                this.offset += k;
                if (m.fill === m.data.length) {
                    this.meta = undefined;
                    this.skip = m.pad;
                    this.finishMeta(m.kind, m.data);
                }
                continue;
            }
            if (this.headerFill === 0 && n - off >= tar_header/* BLOCK */.IE) {
                // The common case: the whole header is in this chunk; no copy.
                const block = chunk.subarray(off, off + tar_header/* BLOCK */.IE);
                off += tar_header/* BLOCK */.IE;
                this.block(block);
                this.offset += tar_header/* BLOCK */.IE;
                continue;
            }
            const k = Math.min(tar_header/* BLOCK */.IE - this.headerFill, n - off);
            chunk.copy(this.header, this.headerFill, off, off + k);
            this.headerFill += k;
            off += k;
            if (this.headerFill === tar_header/* BLOCK */.IE) {
                this.headerFill = 0;
                this.block(this.header);
                this.offset += tar_header/* BLOCK */.IE;
            }
        }
    }
    /** The input is over: throws when it stopped inside a member. */
    end() {
        if (this.ended)
            return;
        if (this.headerFill > 0 || this.skip > 0 || this.meta || this.sparsePending !== undefined) {
            throw new tar_header/* TarFormatError */.ZV(`the archive is truncated (it ends inside a member, at byte ${this.offset + this.headerFill})`);
        }
        if (this.seqStart !== undefined) {
            throw new tar_header/* TarFormatError */.ZV('the archive is truncated (it ends after an extended header, before its member)');
        }
        // No end-of-archive blocks at all: GNU tar accepts that too.
        this.ended = true;
    }
    block(block) {
        if (this.sparsePending !== undefined) {
            if (!(0,tar_header/* sparseExtensionContinues */.U7)(block)) {
                this.skip = this.sparsePending;
                this.sparsePending = undefined;
            }
            return;
        }
        if ((0,tar_header/* isZeroBlock */.ei)(block)) {
            this.ended = true;
            return;
        }
        let h;
        try {
            h = (0,tar_header/* parseHeader */.RW)(block);
        }
        catch (err) {
            if (err instanceof tar_header/* TarFormatError */.ZV)
                throw new tar_header/* TarFormatError */.ZV(`${err.message} at byte ${this.offset}`);
            throw err;
        }
        const size = (0,tar_header/* dataSize */.Q3)(h, h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'X' ? new Map() : this.paxLocal);
        switch (h.typeflag) {
            case 'x':
            case 'X': // Solaris' early name for a pax extended header
            case 'g':
            case 'L':
            case 'K':
                if (h.typeflag === 'g')
                    this.noOpenMember('a global pax header');
                else
                    this.seqStart ??= this.offset;
                if (size > tar_header/* MAX_META_BYTES */.Pu)
                    throw new tar_header/* TarFormatError */.ZV(`an extended header of ${size} bytes at byte ${this.offset} (more than a name or a few xattrs)`);
                if (size === 0) {
                    this.finishMeta(h.typeflag, Buffer.alloc(0));
                }
                else {
                    this.meta = { kind: h.typeflag, data: Buffer.allocUnsafe(size), fill: 0, pad: (0,tar_header/* padding */.Ms)(size) };
                }
                return;
            case 'V': // volume label: not a file, GNU tar does not extract it
                this.noOpenMember('a volume label');
                this.skip = size + (0,tar_header/* padding */.Ms)(size);
                return;
        }
        const pax = this.paxGlobal.size ? new Map([...this.paxGlobal, ...this.paxLocal]) : this.paxLocal;
        const entry = (0,tar_header/* resolveEntry */.Tp)(h, pax, size, this.longName, this.longLink);
        const headers = { start: this.seqStart ?? this.offset, end: this.offset + tar_header/* BLOCK */.IE };
        this.resetMeta();
        this._entries++;
        this.onEntry(entry, headers);
        // A member of another type with a size is refused by the check (see TarEntry.size), so
        // how this skips it does not matter; for the rest it is what GNU tar skips.
        // GNU tar reads no data after a hard link whatever its size field says ("links 0 size on tape").
        const stored = h.typeflag === '1' ? 0 : size;
        const skip = stored + (0,tar_header/* padding */.Ms)(stored);
        if (h.sparseExtended)
            this.sparsePending = skip;
        else
            this.skip = skip;
    }
    finishMeta(kind, data) {
        switch (kind) {
            case 'x':
            case 'X':
                for (const [k, v] of (0,tar_header/* parsePax */.dA)(data))
                    this.paxLocal.set(k, v);
                break;
            case 'g':
                for (const [k, v] of (0,tar_header/* parsePax */.dA)(data))
                    this.paxGlobal.set(k, v);
                break;
            case 'L':
                this.longName = (0,tar_header/* gnuLongName */.QM)(data);
                break;
            case 'K':
                this.longLink = (0,tar_header/* gnuLongName */.QM)(data);
                break;
        }
    }
    /** Between a member's extended headers and its own header, only more extended headers may come. */
    noOpenMember(what) {
        if (this.seqStart !== undefined)
            throw new tar_header/* TarFormatError */.ZV(`${what} at byte ${this.offset}, between a member's extended headers and the member`);
    }
    resetMeta() {
        this.seqStart = undefined;
        if (this.paxLocal.size)
            this.paxLocal = new Map();
        this.longName = undefined;
        this.longLink = undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/rootfs/gate.ts


/**
 * Stands between the decompressor and tar: the decompressed archive goes in, and only
 * what the check has passed comes out. Every member's headers are parsed and checked
 * before any byte of them is let through, so tar never sees a member that the check has
 * not accepted; a skipped member (a device node that is not kept) is cut out of the stream
 * exactly, whatever its name, instead of being named to tar as an exclusion pattern. Once
 * an entry is refused nothing more is let through (the caller stops tar); the rest of the
 * archive is still read so that the refusal names every hostile entry.
 *
 * One decompression for check and extraction, and memory bounded by one chunk plus one
 * member's headers (tar-reader.ts caps those).
 */
class ExtractionGate {
    checker;
    reader;
    /** Bytes received and not let through yet; the first of them is at offset `heldStart`. */
    held = [];
    heldStart = 0;
    received = 0;
    /** Byte ranges of skipped members' headers, in stream order, not yet passed. */
    cuts = [];
    constructor(opts) {
        this.checker = new archive_check/* ArchiveChecker */.Id(opts);
        this.reader = new TarReader((entry, headers) => {
            if (this.checker.add(entry) === 'skip')
                this.cuts.push(headers);
        });
    }
    /** Whether an entry has refused the archive. */
    get refused() {
        return this.checker.refused;
    }
    /** Takes the next chunk of the archive; returns what may go on to tar now. Throws TarFormatError. */
    feed(chunk) {
        this.held.push(chunk);
        this.received += chunk.length;
        this.reader.write(chunk);
        if (this.refused)
            return this.dropAll();
        return this.release(this.reader.done ? this.received : this.reader.decidedOffset);
    }
    /** The archive is over (throws when it was truncated); returns the rest. */
    finish() {
        this.reader.end();
        if (this.refused)
            return this.dropAll();
        return this.release(this.received);
    }
    plan() {
        return this.checker.plan();
    }
    dropAll() {
        this.held = [];
        this.heldStart = this.received;
        return [];
    }
    /** The held bytes before `upTo`, minus the cuts. */
    release(upTo) {
        const out = [];
        while (this.heldStart < upTo && this.held.length) {
            const end = Math.min(this.heldStart + this.held[0].length, upTo);
            const cut = this.cuts[0];
            if (cut && cut.start < end) {
                if (cut.start > this.heldStart) {
                    out.push(this.take(cut.start - this.heldStart));
                }
                else {
                    const to = Math.min(cut.end, end);
                    this.take(to - this.heldStart);
                    if (to === cut.end)
                        this.cuts.shift();
                }
                continue;
            }
            out.push(this.take(end - this.heldStart));
        }
        return out;
    }
    take(n) {
        const first = this.held[0];
        const part = first.subarray(0, n);
        if (n === first.length)
            this.held.shift();
        else
            this.held[0] = first.subarray(n);
        this.heldStart += n;
        return part;
    }
}


/***/ }),

/***/ 6544:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U: () => (/* binding */ withFileLock)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);


function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (e) {
        return e.code === 'EPERM';
    }
}
/**
 * A lock file made with O_EXCL, holding our pid: two processes adding the same root at
 * once do the work once (the second waits, then finds it done). A lock whose process is
 * gone (a crash) is taken over, never a reason to refuse.
 */
async function withFileLock(file, work, options = {}) {
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(file), { recursive: true });
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    let told = false;
    for (;;) {
        try {
            const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync)(file, 'wx', 0o600);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeSync)(fd, `${process.pid}\n`);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
            break;
        }
        catch (e) {
            if (e.code !== 'EEXIST')
                throw e;
            let holder = NaN;
            try {
                holder = Number((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8').trim());
            }
            catch {
                continue; // released between our open and read
            }
            if (Number.isInteger(holder) && !alive(holder)) {
                // Stale: remove it only if it still names the dead holder.
                try {
                    if (Number((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8').trim()) === holder)
                        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync)(file);
                }
                catch {
                    /* someone else took it over */
                }
                continue;
            }
            if (!told) {
                options.onWait?.();
                told = true;
            }
            if (Date.now() > deadline)
                throw new Error(`timed out waiting for the lock ${file} (held by pid ${holder})`);
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    try {
        return await work();
    }
    finally {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync)(file);
        }
        catch {
            /* already gone */
        }
    }
}


/***/ }),

/***/ 4265:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ extractThroughGate)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2642);
/* harmony import */ var _compression_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1977);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6904);






/** Bytes queued for tar before waiting for it to take them: memory stays flat. */
const MAX_QUEUED = 4 * 1024 * 1024;
/** Read size for a plain tar or a gzip file, and zlib's output chunk size. */
const CHUNK = 1024 * 1024;
function start(file, args, stdin, stdout) {
    return (0,_exec_js__WEBPACK_IMPORTED_MODULE_3__/* .startPiped */ .PH)(file, args, [stdin, stdout, 'pipe'], {
        cannotStart: (err) => new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .RootfsError */ ._(err.code === 'ENOENT' ? `${file} is not installed; it is needed to extract this archive` : `cannot run ${file}: ${err.message}`),
    });
}
function readAt(fd, buf, position) {
    return new Promise((resolve, reject) => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.read)(fd, buf, 0, buf.length, position, (err, n) => (err ? reject(err) : resolve(n))));
}
/**
 * The file, chunk by chunk, by positioned reads on the caller's fd (an fs.ReadStream would
 * close the fd when destroyed, possibly after its number has been reused).
 */
async function* fileChunks(fd) {
    for (let pos = 0;;) {
        // A fresh buffer each time: the previous one may still be queued for tar.
        const buf = Buffer.allocUnsafe(CHUNK);
        const n = await readAt(fd, buf, pos);
        if (n === 0)
            return;
        pos += n;
        yield buf.subarray(0, n);
    }
}
function openSource(archive, fd, compression) {
    if (compression === 'none')
        return { stream: node_stream__WEBPACK_IMPORTED_MODULE_1__.Readable.from(fileChunks(fd)) };
    if (compression === 'gzip') {
        const gunzip = (0,node_zlib__WEBPACK_IMPORTED_MODULE_2__.createGunzip)({ chunkSize: CHUNK });
        const stream = (0,node_stream__WEBPACK_IMPORTED_MODULE_1__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_1__.Readable.from(fileChunks(fd)), gunzip, () => undefined);
        // zlib's messages ("unexpected end of file", "incorrect header check") need a subject.
        const describe = (err) => err.code?.startsWith('Z_') ? new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .RootfsError */ ._(`the gzip data of ${archive} is corrupt or truncated (zlib: ${err.message})`) : err;
        return { stream, describe };
    }
    const cmd = (0,_compression_js__WEBPACK_IMPORTED_MODULE_4__/* .decompressorCommand */ .S0)(compression);
    const proc = start(cmd.file, cmd.args, fd, 'pipe');
    return { stream: proc.child.stdout, proc };
}
/** Resolves when the stream wants more, or is gone. */
function drained(w) {
    return new Promise((resolve) => {
        const done = () => {
            w.off('drain', done);
            w.off('close', done);
            resolve();
        };
        w.on('drain', done);
        w.on('close', done);
    });
}
function failure(p, f, archive) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .RootfsError */ ._(`${p.what} failed on ${archive} (exit status ${f.code})${f.stderr ? `: ${f.stderr}` : ''}`);
}
const asError = (err) => (err instanceof Error ? err : new Error(String(err)));
/**
 * Runs `decompress < fd | gate | tar ARGS` to the end of the archive. Resolves 'refused'
 * when the gate refused the archive (tar was stopped: what it made must be thrown away),
 * 'done' when tar extracted everything it was given. Throws the gate's format error, a
 * RootfsError with tar's or the decompressor's own message, or one saying the extraction
 * was aborted.
 */
async function extractThroughGate(archive, fd, compression, tarArgs, gate, signal) {
    const tar = start('tar', tarArgs, 'pipe', 'ignore');
    const src = openSource(archive, fd, compression);
    const kill = (c) => void (c && c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
    const stopAll = () => {
        kill(src.proc?.child);
        kill(tar.child);
        src.stream.destroy();
    };
    const stdin = tar.child.stdin;
    let tarGone = false;
    // EPIPE when tar has exited early: its exit status says why.
    stdin.on('error', () => (tarGone = true));
    stdin.on('close', () => (tarGone = true));
    if (signal?.aborted)
        stopAll();
    signal?.addEventListener('abort', stopAll, { once: true });
    let inputEnded = false;
    let failed;
    try {
        await new Promise((resolve, reject) => {
            const stream = src.stream;
            const stop = (err) => {
                stream.off('data', onData);
                stream.destroy();
                if (err)
                    reject(err);
                else
                    resolve();
            };
            const onData = (chunk) => {
                let parts;
                try {
                    parts = gate.feed(chunk);
                }
                catch (err) {
                    return stop(asError(err));
                }
                if (gate.refused)
                    return kill(tar.child); // keep reading: the refusal names every hostile entry
                if (tarGone)
                    return stop();
                for (const p of parts)
                    stdin.write(p);
                if (stdin.writableLength > MAX_QUEUED) {
                    stream.pause();
                    void drained(stdin).then(() => stream.resume());
                }
            };
            stream.on('data', onData);
            stream.once('end', () => {
                inputEnded = true;
                resolve();
            });
            stream.once('error', (err) => stop(src.describe?.(err) ?? err));
            // Destroyed (abort, tar gone) without an end: settle all the same.
            stream.once('close', () => resolve());
        });
        if (inputEnded && !signal?.aborted && !tarGone && !gate.refused) {
            const rest = gate.finish();
            if (gate.refused)
                kill(tar.child);
            else
                for (const p of rest)
                    stdin.write(p);
        }
    }
    catch (err) {
        failed = asError(err);
        kill(tar.child);
        // A decompressor whose output has ended is exiting by itself: let it, its status may be
        // the real cause (a corrupt stream reads as a truncated archive).
        if (!inputEnded)
            kill(src.proc?.child);
    }
    finally {
        stdin.end();
        signal?.removeEventListener('abort', stopAll);
    }
    const [t, d] = await Promise.allSettled([tar.done, src.proc?.done]);
    if (signal?.aborted)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .RootfsError */ ._(`extraction of ${archive} was aborted`);
    if (gate.refused)
        return 'refused';
    if (d.status === 'rejected')
        throw d.reason;
    if (t.status === 'rejected')
        throw t.reason;
    // A decompressor that failed by itself (not by SIGPIPE or our SIGKILL after tar or the
    // gate stopped) is the cause: a corrupt stream also reads as a truncated archive.
    if (d.value && ![0, 128 + 13, 128 + 9].includes(d.value.code))
        throw failure(src.proc, d.value, archive);
    if (failed !== undefined)
        throw failed;
    if (t.value.code !== 0)
        throw failure(tar, t.value, archive);
    if (d.value && d.value.code !== 0)
        throw failure(src.proc, d.value, archive);
    return 'done';
}


/***/ }),

/***/ 8104:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vu: () => (/* binding */ formatProgress),
/* harmony export */   hr: () => (/* binding */ progressBar),
/* harmony export */   z3: () => (/* binding */ formatBytes)
/* harmony export */ });
/**
 * Human-sized byte counts for progress lines. Binary units, as `du -h` and `curl` print
 * them, with one decimal so that a line that is redrawn does not jump in width much.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** `512 B`, `1.5 KiB`, `12.3 MiB`. */
function formatBytes(bytes) {
    if (!Number.isFinite(bytes) || bytes < 1024)
        return `${Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0} B`;
    let value = bytes;
    let unit = 0;
    // 1023.96 KiB would print as "1024.0 KiB": move up a unit once rounding would get there.
    while (value >= 1023.95 && unit < UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${UNITS[unit]}`;
}
/**
 * `12.3 MiB / 45.0 MiB (27%)`, or `12.3 MiB` when the size is not known (no
 * Content-Length). The percentage rounds down, so 100% means done.
 */
function formatProgress(received, total) {
    if (total === undefined || !Number.isFinite(total) || total < 0)
        return formatBytes(received);
    const percent = total === 0 ? 100 : Math.min(100, Math.max(0, Math.floor((received * 100) / total)));
    return `${formatBytes(received)} / ${formatBytes(total)} (${percent}%)`;
}
/**
 * The line a terminal redraws while downloading: `[#########-----------]  27%  12.3 MiB /
 * 45.0 MiB  3.1 MiB/s` in at most WIDTH columns (the bar shrinks, then the speed and the
 * bar go), or without a bar
 * when the size is not known. RATE is bytes per second, left out when not known yet.
 */
function progressBar(received, total, rate, width = 80) {
    const speed = rate !== undefined && Number.isFinite(rate) && rate > 0 ? `  ${formatBytes(rate)}/s` : '';
    if (total === undefined || !Number.isFinite(total) || total <= 0)
        return `${formatBytes(received)}${speed}`;
    const fraction = Math.min(1, Math.max(0, received / total));
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const counts = `${percent}  ${formatBytes(received)} / ${formatBytes(total)}`;
    // The speed goes first when the line would not fit.
    const text = counts.length + speed.length <= width ? counts + speed : counts;
    const barWidth = Math.min(30, width - text.length - 4);
    if (barWidth < 5)
        return text;
    const filled = Math.floor(fraction * barWidth);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
}


/***/ }),

/***/ 2006:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q3: () => (/* binding */ sha256File),
/* harmony export */   yd: () => (/* binding */ RootStore),
/* harmony export */   z7: () => (/* binding */ validDigest)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4296);
/* harmony import */ var _jail_spec_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4721);
/* harmony import */ var _lock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6544);






/** Hex sha256 of a file, streamed. */
async function sha256File(file) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    for await (const chunk of (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
function validDigest(hex) {
    return /^[0-9a-f]{64}$/.test(hex);
}
/**
 * The content-addressed store under a library dir:
 *   store/archives/SHA256    archives as downloaded (kept: a re-add never downloads again)
 *   store/roots/ID/          extracted roots, complete (renamed into place when done)
 *   store/roots/ID.json      where each came from
 *   store/urls/H.json        the last download of each URL (H: sha256 of the URL): its
 *                            digest and validators, so that adding the same URL again
 *                            without --sha256 asks the server "changed?" instead of downloading
 *   root-NAME -> store/roots/ID
 */
class RootStore {
    libraryDir;
    constructor(libraryDir) {
        this.libraryDir = libraryDir;
    }
    get archivesDir() {
        return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.libraryDir, 'store', 'archives');
    }
    get rootsDir() {
        return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.libraryDir, 'store', 'roots');
    }
    rootDir(id) {
        return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.rootsDir, id);
    }
    archivePath(digest) {
        return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.archivesDir, digest);
    }
    namePath(name) {
        return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.libraryDir, `root-${name}`);
    }
    lockPath(id) {
        return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.libraryDir, 'store', 'locks', `${id}.lock`);
    }
    urlRecordPath(url) {
        return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.libraryDir, 'store', 'urls', `${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(url).digest('hex')}.json`);
    }
    /** The last download of URL, when it is recorded and its archive's root is still in the store. */
    urlRecord(url) {
        try {
            const r = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(this.urlRecordPath(url), 'utf8'));
            return r.url === url && validDigest(r.sha256) && this.hasRoot(r.sha256) ? r : undefined;
        }
        catch {
            return undefined;
        }
    }
    /** Records a download of URL (atomically: a reader sees the old record or the new one). */
    recordUrl(record) {
        const file = this.urlRecordPath(record.url);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(file), { recursive: true });
        const tmp = `${file}.tmp-${process.pid}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}`;
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(tmp, JSON.stringify(record, null, 2) + '\n');
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync)(tmp, file);
    }
    checkName(name) {
        if (!(0,_jail_spec_js__WEBPACK_IMPORTED_MODULE_3__/* .validName */ .iz)(name))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ConfigError */ .xL(`root name '${name}' is not valid: use letters, digits, '.', '_' and '-'`);
    }
    hasRoot(id) {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(this.rootDir(id));
    }
    /**
     * Makes the root ID with MAKE(tmpDir) unless it is there already; under a lock, so two
     * processes adding the same root do the work once. MAKE fills a fresh directory beside
     * the final place, which is renamed in only when MAKE succeeded.
     */
    async ensureRoot(id, source, make, onWait) {
        const final = this.rootDir(id);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(this.rootsDir, { recursive: true, mode: 0o755 });
        await (0,_lock_js__WEBPACK_IMPORTED_MODULE_4__/* .withFileLock */ .U)(this.lockPath(id), async () => {
            if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(final))
                return;
            const tmp = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.rootsDir, `.tmp-${id}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}`);
            try {
                await make(tmp);
                (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(`${final}.json`, JSON.stringify({ id, source, addedAt: new Date().toISOString() }, null, 2) + '\n');
                (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync)(tmp, final);
            }
            finally {
                (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(tmp, { recursive: true, force: true });
            }
        }, { onWait });
        return final;
    }
    /** Points root-NAME at the root ID, atomically (a new link renamed over the old). */
    link(name, id) {
        this.checkName(name);
        const link = this.namePath(name);
        const tmp = `${link}.tmp-${process.pid}`;
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(tmp, { force: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.symlinkSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().relative(this.libraryDir, this.rootDir(id)), tmp);
        if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(link) && !(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync)(link).isSymbolicLink()) {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(tmp, { force: true });
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ConfigError */ .xL(`${link} exists and is not a root made by micro-container; move it away first`);
        }
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync)(tmp, link);
        return link;
    }
    list() {
        let names = [];
        try {
            names = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync)(this.libraryDir).filter((n) => n.startsWith('root-') && !n.includes('.tmp-'));
        }
        catch {
            return [];
        }
        const out = [];
        for (const entry of names.sort()) {
            const link = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(this.libraryDir, entry);
            const name = entry.slice('root-'.length);
            if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync)(link).isSymbolicLink()) {
                out.push({ name, id: '', path: link, source: 'a directory placed there by hand', addedAt: '' });
                continue;
            }
            const target = node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(this.libraryDir, (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readlinkSync)(link));
            const id = node_path__WEBPACK_IMPORTED_MODULE_2___default().basename(target);
            let meta = {};
            try {
                meta = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(`${target}.json`, 'utf8'));
            }
            catch {
                /* a root without its record still lists */
            }
            out.push({ name, id, path: target, source: meta.source ?? '', addedAt: meta.addedAt ?? '' });
        }
        return out;
    }
    /**
     * Removes root-NAME, and the stored root (and archive) when no other name uses it.
     * Returns what was removed.
     */
    remove(name) {
        this.checkName(name);
        const link = this.namePath(name);
        if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(link) && !this.isLink(link))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ConfigError */ .xL(`there is no root named '${name}' in ${this.libraryDir} (see rootfs ls)`);
        if (!this.isLink(link))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ConfigError */ .xL(`${link} is not a root made by micro-container; remove it by hand`);
        const id = node_path__WEBPACK_IMPORTED_MODULE_2___default().basename(node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(this.libraryDir, (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readlinkSync)(link)));
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(link);
        const removed = [link];
        if (!this.list().some((r) => r.id === id)) {
            for (const p of [this.rootDir(id), `${this.rootDir(id)}.json`, this.archivePath(id)]) {
                if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(p)) {
                    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(p, { recursive: true, force: true });
                    removed.push(p);
                }
            }
        }
        return removed;
    }
    isLink(p) {
        try {
            return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync)(p).isSymbolicLink();
        }
        catch {
            return false;
        }
    }
}


/***/ }),

/***/ 6164:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ tarExtractArgs)
/* harmony export */ });
/* harmony import */ var _archive_check_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8924);

function tarExtractArgs(o) {
    return [
        '-x',
        '-f',
        '-',
        '-C',
        o.dir,
        // Owners by number: the names in the archive are the root's, not the host's.
        '--numeric-owner',
        // Modes as stored, setuid and setgid included, whatever the umask.
        '--same-permissions',
        // As root GNU tar keeps owners anyway; as non-root chown would fail on every file.
        o.isRoot ? '--same-owner' : '--no-same-owner',
        // All namespaces (security.capability makes ping work, not just user.*), except the
        // overlay's own (archive-check.ts says why).
        '--xattrs',
        '--xattrs-include=*',
        ..._archive_check_js__WEBPACK_IMPORTED_MODULE_0__/* .DROPPED_XATTR_PREFIXES */ .Qu.map((p) => `--xattrs-exclude=${p}*`),
        '--acls',
        // Unknown pax keywords (LIBARCHIVE.*, SCHILY.fflags from bsdtar) are not errors.
        '--warning=no-unknown-keyword',
    ];
}


/***/ }),

/***/ 5180:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bv: () => (/* binding */ headerName),
/* harmony export */   IE: () => (/* binding */ BLOCK),
/* harmony export */   Ms: () => (/* binding */ padding),
/* harmony export */   Pu: () => (/* binding */ MAX_META_BYTES),
/* harmony export */   Q3: () => (/* binding */ dataSize),
/* harmony export */   QM: () => (/* binding */ gnuLongName),
/* harmony export */   RW: () => (/* binding */ parseHeader),
/* harmony export */   Tp: () => (/* binding */ resolveEntry),
/* harmony export */   U7: () => (/* binding */ sparseExtensionContinues),
/* harmony export */   ZV: () => (/* binding */ TarFormatError),
/* harmony export */   dA: () => (/* binding */ parsePax),
/* harmony export */   ei: () => (/* binding */ isZeroBlock),
/* harmony export */   vK: () => (/* binding */ parseNumeric)
/* harmony export */ });
/* unused harmony export entryType */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6904);

/**
 * The tar format, block by block, as GNU tar reads it: ustar and GNU headers, pax extended
 * headers (x and g) and GNU long names (L and K). Pure functions over 512-byte blocks; the
 * streaming is in tar-reader.ts. Only what the safety check needs is decoded: names, link
 * targets, types, modes, owners, device numbers, sizes, xattr names.
 */
const BLOCK = 512;
/**
 * Pax headers and GNU long names are the only member data a reader keeps; anything larger
 * than this is not a name or a few xattrs but an attempt to make the reader use memory.
 */
const MAX_META_BYTES = 8 * 1024 * 1024;
/** The zero bytes after SIZE bytes of member data, up to the next block. */
const padding = (size) => (BLOCK - (size % BLOCK)) % BLOCK;
class TarFormatError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RootfsError */ ._ {
    name = 'TarFormatError';
}
const ZEROS = Buffer.alloc(BLOCK);
/**
 * True for an end-of-archive block. Like GNU tar, the checksum field is not looked at: a
 * block that is zero everywhere else ends the archive for tar, so it must end it here too.
 */
function isZeroBlock(block) {
    // Compared natively: a byte loop here was a tenth of reading a metadata dump.
    return block.subarray(0, 148).equals(ZEROS.subarray(0, 148)) && block.subarray(156, BLOCK).equals(ZEROS.subarray(156, BLOCK));
}
/** A NUL-terminated string field. */
function str(block, off, len, encoding = 'utf8') {
    const end = block.indexOf(0, off);
    return block.toString(encoding, off, end === -1 || end > off + len ? off + len : end);
}
/**
 * A header's member name: POSIX ustar (magic "ustar\0", whatever the version, as GNU tar
 * compares it) splits long names into prefix + name; the GNU format ("ustar " " \0") keeps
 * atime/ctime at that offset instead, so its prefix is not a prefix. (star's 131-byte
 * prefix ends in a NUL at 130 by definition, so reading up to the first NUL gives the same
 * name.) `latin1`: the name's bytes, one char each, for a name that need not be UTF-8.
 */
function headerName(block, encoding = 'utf8', posix = block.toString('latin1', 257, 263) === 'ustar\0') {
    const name = str(block, 0, 100, encoding);
    if (!posix)
        return name;
    const prefix = str(block, 345, 155, encoding);
    return prefix ? `${prefix}/${name}` : name;
}
/**
 * A numeric field: octal digits (space or NUL padded), or GNU's base-256 (top bit of the
 * first byte set) for values that do not fit, such as sizes over 8 GiB or large uids.
 */
function parseNumeric(block, off, len, field) {
    const first = block[off];
    if (first & 0x80) {
        // Base-256, two's complement; a negative value (0xff lead) is nonsense for every field we read.
        if (first === 0xff)
            throw new TarFormatError(`negative ${field} in a tar header`);
        let v = first & 0x7f;
        for (let i = 1; i < len; i++)
            v = v * 256 + block[off + i];
        if (!Number.isSafeInteger(v))
            throw new TarFormatError(`${field} too large in a tar header`);
        return v;
    }
    let i = off;
    const end = off + len;
    while (i < end && (block[i] === 0x20 || block[i] === 0))
        i++;
    let v = 0;
    for (; i < end; i++) {
        const c = block[i];
        if (c === 0x20 || c === 0)
            break;
        if (c < 0x30 || c > 0x37)
            throw new TarFormatError(`invalid octal ${field} in a tar header`);
        v = v * 8 + (c - 0x30);
    }
    return v;
}
/** Whether the stored checksum matches (unsigned sum, or the signed sum old tars wrote). */
function checksumOk(block) {
    let stored;
    try {
        stored = parseNumeric(block, 148, 8, 'checksum');
    }
    catch {
        return false;
    }
    let unsigned = 8 * 0x20;
    for (let i = 0; i < 148; i++)
        unsigned += block[i];
    for (let i = 156; i < BLOCK; i++)
        unsigned += block[i];
    if (stored === unsigned)
        return true;
    let signed = 8 * 0x20;
    for (let i = 0; i < BLOCK; i++)
        if (i < 148 || i >= 156)
            signed += (block[i] << 24) >> 24;
    return stored === signed;
}
/**
 * Decodes one non-zero header block. Throws TarFormatError when it is not a tar header
 * (bad checksum): GNU tar would skip ahead looking for the next valid header, so what it
 * extracts after such a block is not something a check can vouch for; refusing is the safe
 * answer.
 */
function parseHeader(block) {
    if (block.length !== BLOCK)
        throw new TarFormatError('short tar header');
    if (!checksumOk(block))
        throw new TarFormatError('bad tar header checksum (not a tar archive, or corrupt)');
    const magic = block.toString('latin1', 257, 263);
    const version = block.toString('latin1', 263, 265);
    const posix = magic === 'ustar\0';
    const gnu = magic === 'ustar ' && version === ' \0';
    const name = headerName(block, 'utf8', posix);
    const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
    return {
        name,
        mode: parseNumeric(block, 100, 8, 'mode') & 0o7777,
        uid: parseNumeric(block, 108, 8, 'uid'),
        gid: parseNumeric(block, 116, 8, 'gid'),
        size: parseNumeric(block, 124, 12, 'size'),
        typeflag,
        linkname: str(block, 157, 100),
        devmajor: posix || gnu ? parseNumeric(block, 329, 8, 'devmajor') : 0,
        devminor: posix || gnu ? parseNumeric(block, 337, 8, 'devminor') : 0,
        sparseExtended: gnu && typeflag === 'S' && block[482] !== 0,
    };
}
/** Whether a GNU sparse extension block says that another one follows. */
function sparseExtensionContinues(block) {
    return block[504] !== 0;
}
/**
 * Pax extended header records: `LENGTH key=value\n`, LENGTH counting the whole record.
 * Values may hold newlines (a name with a newline in it is stored exactly this way).
 */
function parsePax(data) {
    const out = new Map();
    let pos = 0;
    while (pos < data.length) {
        if (data[pos] === 0)
            break; // NUL padding after the last record
        const space = data.indexOf(0x20, pos);
        if (space === -1)
            throw new TarFormatError('malformed pax extended header');
        const len = Number(data.toString('latin1', pos, space));
        if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
            throw new TarFormatError('malformed pax extended header record');
        }
        const eq = data.indexOf(0x3d, space + 1);
        if (eq === -1 || eq >= pos + len - 1)
            throw new TarFormatError('malformed pax extended header record (no "=")');
        out.set(data.toString('utf8', space + 1, eq), data.toString('utf8', eq + 1, pos + len - 1));
        pos += len;
    }
    return out;
}
/** The name stored in a GNU long-name / long-link member's data (NUL-terminated). */
function gnuLongName(data) {
    const end = data.indexOf(0);
    return data.toString('utf8', 0, end === -1 ? data.length : end);
}
/** The entry type GNU tar extracts a header as. */
function entryType(typeflag, name) {
    switch (typeflag) {
        case '0':
        case '7': // contiguous file: a regular file everywhere that matters
        case 'S': // GNU old sparse file
            // GNU tar follows BSD tar here: a regular file whose name ends in "/" is a directory.
            return name.endsWith('/') ? 'directory' : 'file';
        case '1':
            return 'hardlink';
        case '2':
            return 'symlink';
        case '3':
            return 'char';
        case '4':
            return 'block';
        case '5':
        case 'D': // GNU dump directory: a directory with a listing as data
            return 'directory';
        case '6':
            return 'fifo';
        default:
            return 'other';
    }
}
function paxNumber(pax, key, fallback) {
    const v = pax.get(key);
    if (v === undefined)
        return fallback;
    const n = Number(v.trim());
    if (!Number.isSafeInteger(n) || n < 0)
        throw new TarFormatError(`invalid pax ${key} '${v}'`);
    return n;
}
/** Size of the data after a header, with pax `size` (for members over 8 GiB) applied. */
function dataSize(h, pax) {
    return paxNumber(pax, 'size', h.size);
}
/**
 * The entry as GNU tar sees it: pax keys first (path, linkpath, uid, gid, device numbers,
 * GNU.sparse.name for sparse files), then GNU long names, then the header itself.
 */
function resolveEntry(h, pax, size, longName, longLink) {
    const path = pax.get('GNU.sparse.name') ?? pax.get('path') ?? longName ?? h.name;
    const linkTarget = pax.get('linkpath') ?? longLink ?? h.linkname;
    const type = entryType(h.typeflag, path);
    const xattrs = [];
    for (const key of pax.keys())
        if (key.startsWith('SCHILY.xattr.'))
            xattrs.push(key.slice('SCHILY.xattr.'.length));
    const e = {
        path,
        type,
        linkTarget: type === 'symlink' || type === 'hardlink' ? linkTarget : '',
        mode: h.mode,
        uid: paxNumber(pax, 'uid', h.uid),
        gid: paxNumber(pax, 'gid', h.gid),
        devmajor: paxNumber(pax, 'SCHILY.devmajor', h.devmajor),
        devminor: paxNumber(pax, 'SCHILY.devminor', h.devminor),
    };
    if (type === 'other')
        e.typeflag = h.typeflag;
    // A GNU dump directory's data is a listing, never extracted: not data in the sense above.
    if (size > 0 && h.typeflag !== 'D')
        e.size = size;
    if (xattrs.length)
        e.xattrs = xattrs;
    return e;
}


/***/ })

};
