import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, lstatSync, openSync, read, renameSync, statSync, unlinkSync, write } from 'node:fs';
import path from 'node:path';
import { pipeline, Transform, Writable, type Readable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { signalNumber } from '../exec.js';
import { TarFormatError } from '../rootfs/tar-header.js';
import { ImageError } from './errors.js';
import { compressorCommand, layerMediaType, type LayerCompression } from './layer-compression.js';
import { SaveRewrite } from './layer-save-rewrite.js';
import { tarCreateArgs } from './layer-tar-args.js';
import { TarRewriter } from './layer-tar-rewriter.js';

export interface SaveLayerOptions {
  /** zstd (default), gzip or none. */
  compression?: LayerCompression;
  /** Guest paths left out with everything below them: the volumes' mount points. */
  exclude?: string[];
  /** Stops the save: the promise rejects and nothing is left behind. */
  signal?: AbortSignal;
}

export interface SavedLayer {
  /** The layer file written. */
  file: string;
  compression: LayerCompression;
  /** OCI media type of the file as a blob. */
  mediaType: string;
  /** `sha256:HEX` of the file (the blob digest). */
  digest: string;
  /** Bytes in the file. */
  size: number;
  /** `sha256:HEX` of the uncompressed tar (the OCI diff_id). */
  diffId: string;
  /** Bytes of the uncompressed tar. */
  uncompressedSize: number;
  /** Members in the layer, whiteouts and opaque markers included. */
  entries: number;
  whiteouts: number;
  opaqueDirs: number;
}

/** The last bytes of a tool's stderr: enough for its message, bounded for a chatty one. */
const STDERR_KEEP = 8 * 1024;

interface Tool {
  child: ChildProcess;
  what: string;
  done: Promise<{ code: number; stderr: string }>;
}

/**
 * Starts a tool of the save pipeline. Not exec.ts's execCapture: these move hundreds of
 * megabytes through pipes, as ../rootfs/pipeline.ts does for extraction.
 */
function startTool(file: string, args: string[], stdio: ['ignore' | 'pipe', 'pipe' | number, 'pipe']): Tool {
  const child = spawn(file, args, { stdio });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_KEEP)));
  const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(new ImageError(err.code === 'ENOENT' ? `${file} is not installed; it is needed to save an image layer (install it, or choose another compression)` : `cannot run ${file}: ${err.message}`)),
    );
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), stderr: stderr.trim() }));
  });
  return { child, what: [file, ...args].join(' '), done };
}

/** Bytes gathered before a write to the compressor (see runPipeline). */
const GATHER_BYTES = 1 << 20;
const SIGPIPE_STATUS = 128 + 13;
const SIGKILL_STATUS = 128 + 9;

/**
 * Saves an overlay upper directory as an OCI layer file (see layer-save-rewrite.ts for
 * what becomes of whiteouts, opaque directories and the overlay's xattrs):
 *
 *   tar -c upper | node (rewrite; sha256 = diff_id) | zstd -T0 -3 > FILE.tmp; sha256 FILE.tmp = digest
 *
 * Why a rewrite of tar's stream rather than a walk to find whiteouts first and a tar with
 * exclusions and appended entries: tar reads the tree once and does the walk, no pattern
 * per whiteout, no second archive to splice in, and the names it changes are the ones
 * tar wrote. Node only parses headers; file data goes through in the chunks tar wrote,
 * gathered into 1 MiB writes.
 * Digests: the uncompressed stream is hashed in node as it goes by (OpenSSL's SHA-256 runs
 * at ~1.4 GB/s here; coreutils' sha256sum in a tee'd pipeline takes ~1 s of CPU for the
 * 165 MB of Debian's /usr, more than node's whole share). The compressor writes the file
 * itself and node hashes the file afterwards, from the page cache (~50 ms for 50 MB):
 * passing zstd's output through node too cost more CPU than that. Measured by
 * bench/image-save.mjs.
 *
 * The file is written under a temporary name in its directory, fdatasynced and renamed
 * (the directory synced too): `outFile` is either the whole layer or absent, never half
 * of one (an existing file stays until the new one replaces it); on any failure the
 * temporary file is removed. Memory is flat: streams with backpressure, one member's
 * headers at a time (node's peak RSS ~92 MB for a 165 MB and for a 500 MB layer).
 */
export async function saveLayer(upperDir: string, outFile: string, opts: SaveLayerOptions = {}): Promise<SavedLayer> {
  const compression = opts.compression ?? 'zstd';
  const upper = path.resolve(upperDir);
  const out = path.resolve(outFile);
  const args = tarCreateArgs({ upperDir: upper, exclude: opts.exclude });
  let st;
  try {
    st = statSync(upper);
  } catch (err) {
    throw new ConfigError(`cannot save ${upper} as an image: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist (is it the container\'s upper layer?)' : (err as Error).message}`);
  }
  if (!st.isDirectory()) throw new ConfigError(`cannot save ${upper} as an image: it is not a directory (give the container's upper layer directory)`);
  const outDir = path.dirname(out);
  try {
    if (!statSync(outDir).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new ConfigError(`cannot write the image layer ${out}: its directory ${outDir} does not exist (create it first)`);
  }
  if (opts.signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);

  const tmp = path.join(outDir, `.${path.basename(out)}.tmp-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx+', 0o644);
  } catch (err) {
    throw new ImageError(`cannot create ${tmp} to write the image layer: ${(err as Error).message}`);
  }
  let fdOpen = true;
  try {
    const r = await runPipeline(upper, args, compression, fd, opts.signal);
    fdatasyncSync(fd);
    closeSync(fd);
    fdOpen = false;
    renameSync(tmp, out);
    syncDir(outDir);
    return { file: out, compression, mediaType: layerMediaType(compression), ...r };
  } catch (err) {
    if (fdOpen) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
}

/** Makes a rename durable (the directory entry), where the filesystem allows it. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the data itself was synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** SHA-256 and byte count of what goes through a stream. */
function digester(): { update: (b: Buffer) => void; result: () => { digest: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | undefined;
  return {
    update: (b) => {
      hash.update(b);
      size += b.length;
    },
    result: () => ({ digest: (digest ??= `sha256:${hash.digest('hex')}`), size }),
  };
}

/** Writes all of `buf` at the fd's offset (a write may take less than it is given). */
function writeAll(fd: number, buf: Buffer, cb: (err?: Error | null) => void): void {
  write(fd, buf, 0, buf.length, null, (err, n) => {
    if (err) return cb(err);
    if (n < buf.length) return writeAll(fd, buf.subarray(n), cb);
    cb();
  });
}

/**
 * The layer file as a stream. Not fs.createWriteStream: it closes its fd when destroyed
 * even with autoClose off, and the fd is saveLayer's to fsync and close.
 */
function fdWriter(fd: number): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      writeAll(fd, chunk, cb);
    },
  });
}

/** SHA-256 and size of what was written to `fd`, read back from its start (the page cache, just written). */
async function hashFile(fd: number): Promise<{ digest: string; size: number }> {
  const d = digester();
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let pos = 0; ; ) {
    const n = await new Promise<number>((resolve, reject) => read(fd, buf, 0, buf.length, pos, (err, k) => (err ? reject(err) : resolve(k))));
    if (n === 0) break;
    d.update(buf.subarray(0, n));
    pos += n;
  }
  return d.result();
}

function settle(streams: Array<Readable | Writable>): Promise<Error | undefined> {
  return new Promise((resolve) => pipeline(streams as unknown as [Readable, Writable], (err) => resolve(err ?? undefined)));
}

async function runPipeline(
  upper: string,
  tarArgs: string[],
  compression: LayerCompression,
  fd: number,
  signal: AbortSignal | undefined,
): Promise<Omit<SavedLayer, 'file' | 'compression' | 'mediaType'>> {
  const tar = startTool('tar', tarArgs, ['ignore', 'pipe', 'pipe']);
  const cmd = compressorCommand(compression);
  // The compressor writes the file itself: its output going through node as well cost
  // more CPU (two more copies, a wake-up per 64 KiB) than reading the file back to hash it.
  const comp = cmd ? startTool(cmd.file, cmd.args, ['pipe', fd, 'pipe']) : undefined;
  const tools = comp ? [tar, comp] : [tar];
  const killAll = (): void => {
    for (const t of tools) if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
  };
  // Set by us, in order of blame: the rewrite's refusal, then the file's write error.
  let rewriteError: Error | undefined;
  let writeError: Error | undefined;

  const isWhiteout = (name: string): boolean => {
    try {
      const s = lstatSync(path.join(upper, name));
      return s.isCharacterDevice() && s.rdev === 0;
    } catch {
      return false;
    }
  };
  const handler = new SaveRewrite(upper, isWhiteout);
  const rewriter = new TarRewriter(handler);
  const plain = digester();
  // The uncompressed layer is hashed here, as it is produced (one stream stage less), and
  // its pieces (a header here, a file's data there) are gathered into writes of about
  // 1 MiB: a pipe write per piece cost more CPU than hashing and compressing together.
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  const push = (t: Transform, parts: Buffer[], force = false): void => {
    for (const p of parts) {
      if (!p.length) continue;
      plain.update(p);
      gathered.push(p);
      gatheredBytes += p.length;
    }
    if (gatheredBytes >= GATHER_BYTES || (force && gatheredBytes > 0)) {
      t.push(gathered.length === 1 ? gathered[0] : Buffer.concat(gathered, gatheredBytes));
      gathered = [];
      gatheredBytes = 0;
    }
  };
  const rewrite = new Transform({
    writableHighWaterMark: 1 << 20,
    readableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      try {
        push(this, rewriter.write(chunk));
        cb();
      } catch (err) {
        rewriteError = err instanceof TarFormatError ? new ImageError(`tar wrote an archive this save cannot read: ${err.message}`) : (err as Error);
        killAll();
        cb(rewriteError);
      }
    },
    flush(cb) {
      try {
        push(this, rewriter.end(), true);
        cb();
      } catch (err) {
        rewriteError = err as Error;
        cb(rewriteError);
      }
    },
  });
  const file = comp ? undefined : fdWriter(fd);
  file?.on('error', (err) => {
    writeError ??= new ImageError(`cannot write the image layer: ${err.message}`);
    killAll();
  });

  const onAbort = (): void => killAll();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const flows = comp
      ? [settle([tar.child.stdout!, rewrite, comp.child.stdin!])]
      : [settle([tar.child.stdout!, rewrite, file!])];
    const [flowErrors, statuses] = await Promise.all([Promise.all(flows), Promise.allSettled(tools.map((t) => t.done))]);
    if (signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);
    if (rewriteError) throw rewriteError;
    if (writeError) throw writeError;
    // A tool that could not start is the cause; then one that failed by itself (not by
    // SIGPIPE or our SIGKILL after another part stopped), the compressor first: tar's
    // "Broken pipe" is what a dead compressor does to it, never the other way round.
    // tar's exit status 1 ("file changed as we read it") is a failure too: a layer of a
    // tree that was being written is not a layer of anything.
    for (const s of statuses) if (s.status === 'rejected') throw s.reason;
    const exits = statuses.map((s, i) => ({ tool: tools[i]!, ...(s as PromiseFulfilledResult<{ code: number; stderr: string }>).value })).reverse();
    for (const { tool, code, stderr } of exits) {
      if (code !== 0 && code !== SIGPIPE_STATUS && code !== SIGKILL_STATUS) {
        throw new ImageError(`${tool.what} failed while saving ${upper} (exit status ${code})${stderr ? `: ${stderr}` : ''}`);
      }
    }
    for (const { tool, code } of exits) {
      if (code !== 0) throw new ImageError(`${tool.what} was stopped while saving ${upper} (exit status ${code})`);
    }
    const streamError = flowErrors.find((e) => e !== undefined);
    if (streamError) throw new ImageError(`saving ${upper} failed: ${streamError.message}`);
    const p = plain.result();
    const c = comp ? await hashFile(fd) : p;
    return {
      digest: c.digest,
      size: c.size,
      diffId: p.digest,
      uncompressedSize: p.size,
      entries: rewriter.members + handler.stats.opaqueDirs,
      whiteouts: handler.stats.whiteouts,
      opaqueDirs: handler.stats.opaqueDirs,
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    killAll();
  }
}
