import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Real HTTP(S) servers and a forward proxy on 127.0.0.1 (random ports) for the download
 * tests: the client under test talks to sockets, not to mocks, and nothing leaves the host.
 */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface RecordedRequest {
  method: string;
  /** The request-target as received: a path, an absolute URL (proxied GET) or host:port (CONNECT). */
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` (https for TLS servers). */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** How many requests had this path (query excluded). */
  hits(path: string): number;
  close(): Promise<void>;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, valid 2000-2100, for the TLS
 * server; the client trusts it through download()'s `ca` option. Test-only key.
 */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTPYE+AleQsnrZxLT
4Ei7xuXi9SkIbcCXNBlBdW0680ihRANCAASM4DjltDuZUF3ivayAcZBTAF4eVV43
Fec1C5+ObHBTf2yqiQ0HjaZlKkiws2jA0+hwUR3Qb7GxdlgOOXaJna2E
-----END PRIVATE KEY-----
`;
export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBnzCCAUWgAwIBAgIBATAKBggqhkjOPQQDAjAfMR0wGwYDVQQDDBRtaWNyby1j
b250YWluZXIgdGVzdDAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFow
HzEdMBsGA1UEAwwUbWljcm8tY29udGFpbmVyIHRlc3QwWTATBgcqhkjOPQIBBggq
hkjOPQMBBwNCAASM4DjltDuZUF3ivayAcZBTAF4eVV43Fec1C5+ObHBTf2yqiQ0H
jaZlKkiws2jA0+hwUR3Qb7GxdlgOOXaJna2Eo3AwbjAaBgNVHREEEzARhwR/AAAB
gglsb2NhbGhvc3QwDwYDVR0TAQH/BAUwAwEB/zALBgNVHQ8EBAMCAoQwEwYDVR0l
BAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFDLN90rWzXw2jm6rlY3tIw5piPY0MAoG
CCqGSM49BAMCA0gAMEUCIQCsUk2cKQ7pAHYANXN7VQzz5qs6LFDkermduQJAxEb8
2gIgXFfNu0xU47VloHMo2OIHjEZ5dQ9/O9O80XLf+EwmLLI=
-----END CERTIFICATE-----
`;

/**
 * Serves `routes` by path (query ignored); a key ending in `*` matches that prefix.
 * Anything else is a 404. Every request is recorded before it is handled.
 */
export function startServer(routes: Record<string, Handler>, options: { tls?: boolean } = {}): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const handler = route(routes, pathOf(req.url ?? '/'));
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };
  const server = options.tls ? https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, handle) : http.createServer(handle);
  return listen(server, options.tls ? 'https' : 'http', requests);
}

/**
 * A forward proxy: absolute-form requests (`GET http://host/path`) are forwarded, CONNECT
 * opens a TCP tunnel. It records each request, so a test can tell it was used.
 */
export function startProxy(): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('proxy wants an absolute URL\n');
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers, agent: false },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        // A cut-short upstream body must be cut short for the client too.
        up.on('aborted', () => res.destroy());
      },
    );
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end('bad gateway\n'));
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const [host = '', port = ''] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  return listen(server, 'http', requests);
}

function listen(server: http.Server, scheme: 'http' | 'https', requests: RecordedRequest[]): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        origin: `${scheme}://127.0.0.1:${port}`,
        port,
        requests,
        hits: (path) => requests.filter((r) => pathOf(r.url) === path).length,
        // Stalled responses never end by themselves: cut every connection, then close.
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function route(routes: Record<string, Handler>, path: string): Handler | undefined {
  if (routes[path]) return routes[path];
  const prefix = Object.keys(routes).find((k) => k.endsWith('*') && path.startsWith(k.slice(0, -1)));
  return prefix === undefined ? undefined : routes[prefix];
}

/** The path of a request-target: `/a/b` of `/a/b?x`, and of `http://host/a/b` as a proxy sees it. */
function pathOf(target: string): string {
  try {
    return new URL(target, 'http://placeholder').pathname;
  } catch {
    return target;
  }
}

/** 200 with the file's bytes and its Content-Length, streamed. */
export function serveFile(file: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  };
}

/**
 * A file as static servers (nginx, S3, CDNs) serve it: with an ETag and Last-Modified from
 * its size and mtime, answering 304 Not Modified to a matching If-None-Match (or, without
 * one, to an If-Modified-Since not older than the file).
 */
export function serveFileCached(file: string): Handler {
  return (req, res) => {
    const st = statSync(file);
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString();
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const fresh = inm !== undefined ? inm.split(/\s*,\s*/).includes(etag) : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
    if (fresh) {
      res.writeHead(304, { etag, 'last-modified': lastModified }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': st.size, etag, 'last-modified': lastModified });
    createReadStream(file).pipe(res);
  };
}

/** 200 with these bytes; without Content-Length (chunked) when `chunked` is set. */
export function serveBytes(body: Buffer, options: { chunked?: boolean } = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, options.chunked ? {} : { 'content-length': body.length });
    res.end(body);
  };
}

export function redirect(status: number, location: string): Handler {
  return (_req, res) => res.writeHead(status, { location }).end();
}

export function status(code: number): Handler {
  return (_req, res) => res.writeHead(code, { 'content-type': 'text/plain' }).end(`status ${code}\n`);
}

/** Announces `total` bytes, sends `sent` of them, then drops the connection. */
export function cutShort(total: number, sent: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-length': total });
    res.write(Buffer.alloc(sent, 0x61), () => res.socket?.destroy());
  };
}

/** Sends the head and `sent` of `total` bytes (none of the head when `sent` is undefined), then nothing, ever. */
export function stall(total: number, sent?: number): Handler {
  return (_req, res) => {
    if (sent === undefined) return;
    res.writeHead(200, { 'content-length': total });
    res.write(Buffer.alloc(sent, 0x61));
  };
}

/** The n-th request gets the n-th handler; the last one answers all later requests. */
export function sequence(...handlers: Handler[]): Handler {
  let n = 0;
  return (req, res) => handlers[Math.min(n++, handlers.length - 1)]!(req, res);
}
