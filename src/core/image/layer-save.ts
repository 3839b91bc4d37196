import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fdatasync, fsyncSync, lstatSync, openSync, read, renameSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { signalNumber } from '../exec.js';
import { TarFormatError } from '../rootfs/tar-header.js';
import { ImageError } from './errors.js';
import { compressorCommand, layerMediaType, type LayerCompression } from './layer-compression.js';
import { SavePrefix } from './layer-save-rewrite.js';
import { nulList, walkUpper, type UpperWalk } from './layer-save-walk.js';
import { excludeMemberName, tarCreateArgs, tarMetaArgs } from './layer-tar-args.js';
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
  /**
   * `sha256:HEX` of the uncompressed tar (the OCI diff_id): only for an uncompressed layer,
   * where it is the digest. Else it is worked out when it is needed (OCI export, load),
   * not here: hashing the whole tar while it is compressed made a save a third slower.
   */
  diffId?: string;
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
function startTool(file: string, args: string[], stdio: ['ignore' | 'pipe', 'pipe' | number | Writable, 'pipe']): Tool {
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

const SIGPIPE_STATUS = 128 + 13;
const SIGKILL_STATUS = 128 + 9;

/**
 * Saves an overlay upper directory as an OCI layer file:
 *
 *   walkUpper(upper)                         what goes in, in order (layer-save-walk.ts)
 *   tar --no-recursion (dirs, whiteouts...)  their headers and overlay xattrs only
 *     -> node: the `.wh.` members and opaque markers (SavePrefix), refusals
 *   node writes those members, then  tar -T members | zstd -T0 -3  > FILE.tmp
 *   sha256 FILE.tmp = digest
 *
 * tar writes the layer straight into the compressor: the data never passes through Node
 * (on two cores, Node's share of moving and hashing 165 MB made a save 1.5x plain
 * `tar | zstd`). The layer is the members Node wrote (whiteouts and markers first, so each
 * comes before anything in its directory) followed by tar's archive.
 *
 * The file is written under a temporary name in its directory, fdatasynced and renamed
 * (the directory synced too): `outFile` is either the whole layer or absent, never half
 * of one (an existing file stays until the new one replaces it); on any failure the
 * temporary file is removed. Memory is flat: the walk's list of names, and streams.
 */
export async function saveLayer(upperDir: string, outFile: string, opts: SaveLayerOptions = {}): Promise<SavedLayer> {
  const compression = opts.compression ?? 'zstd';
  const upper = path.resolve(upperDir);
  const out = path.resolve(outFile);
  const exclude = (opts.exclude ?? []).map(excludeMemberName);
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
    const r = await runPipeline(upper, exclude, compression, fd, opts.signal);
    closeSync(fd);
    fdOpen = false;
    renameSync(tmp, out);
    syncDir(outDir);
    return { file: out, compression, mediaType: layerMediaType(compression), ...r };
  } catch (err) {
    if (fdOpen) closeSync(fd);
    // tar and the compressor write the file themselves, and say "Wrote only N of M bytes":
    // name the cause when it is a full disk (looked at before the file goes).
    const full = err instanceof ImageError && diskFull(outDir);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    if (full) {
      throw new ImageError(`no space left on the filesystem of ${outDir} (ENOSPC) while saving ${upper}; free some space or write the layer elsewhere (${(err as Error).message})`);
    }
    throw err;
  }
}

/** Whether the filesystem of DIR has (next to) no space left for us. */
function diskFull(dir: string): boolean {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize < 256 * 1024;
  } catch {
    return false;
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

/** Throws for a tool that failed (see runPipeline for the order of blame). */
async function checkTools(tools: Tool[], upper: string): Promise<void> {
  const statuses = await Promise.allSettled(tools.map((t) => t.done));
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
}

/** Writes BUF to a child's stdin and ends it. */
function feed(stdin: Writable, buf: Buffer): void {
  stdin.on('error', () => undefined); // a tool that died says so by its exit status
  stdin.end(buf);
}

/** Writes BUF to the stream and waits until it has been handed to the kernel. */
function writeStream(w: Writable, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => w.write(buf, (err) => (err ? reject(err) : resolve())));
}

/**
 * The prefix: tar's metadata dump of `meta` through SavePrefix. Throws ImageError for
 * what the layer cannot hold.
 */
async function layerPrefix(upper: string, meta: () => string[], signal: AbortSignal | undefined): Promise<SavePrefix> {
  const isWhiteout = (name: string): boolean => {
    try {
      const s = lstatSync(path.join(upper, name));
      return s.isCharacterDevice() && s.rdev === 0;
    } catch {
      return false;
    }
  };
  const handler = new SavePrefix(upper, isWhiteout);
  const rewriter = new TarRewriter(handler);
  const tar = startTool('tar', tarMetaArgs(upper), ['pipe', 'pipe', 'pipe']);
  const onAbort = (): void => {
    tar.child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let failure: Error | undefined;
  try {
    // tar starts (an exec) while the walk runs: it waits for the names on its stdin.
    feed(tar.child.stdin!, nulList(meta()));
    tar.child.stdout!.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        rewriter.write(chunk);
      } catch (err) {
        failure = err instanceof TarFormatError ? new ImageError(`tar wrote an archive this save cannot read: ${err.message}`) : (err as Error);
        tar.child.kill('SIGKILL');
      }
    });
    await checkTools([tar], upper).catch((err: Error) => {
      failure ??= err;
    });
    if (signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);
    if (failure) throw failure;
    return handler;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (tar.child.exitCode === null && tar.child.signalCode === null) tar.child.kill('SIGKILL');
  }
}

async function runPipeline(
  upper: string,
  exclude: string[],
  compression: LayerCompression,
  fd: number,
  signal: AbortSignal | undefined,
): Promise<Omit<SavedLayer, 'file' | 'compression' | 'mediaType'>> {
  const cmd = compressorCommand(compression);
  // The compressor writes the file itself; Node hashes the file afterwards (page cache).
  // It starts first: its start-up overlaps the walk.
  const comp = cmd ? startTool(cmd.file, cmd.args, ['pipe', fd, 'pipe']) : undefined;
  const tools: Tool[] = comp ? [comp] : [];
  const killAll = (): void => {
    for (const t of tools) if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
  };
  const onAbort = (): void => killAll();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // A compressor that could not start (not installed) rejects `done` with why.
    if (comp && comp.child.pid === undefined) await comp.done;
    let walk: UpperWalk | undefined;
    const prefix = await layerPrefix(upper, () => (walk = walkUpper(upper, exclude)).meta, signal);
    const members = walk!.members;
    const head = Buffer.concat(prefix.blocks);
    let into: Writable | number;
    if (comp) {
      const stdin = comp.child.stdin!;
      stdin.on('error', () => undefined); // the compressor's exit status says why
      if (head.length) await writeStream(stdin, head).catch(() => undefined);
      into = stdin;
    } else {
      // Uncompressed: the members go to the file at its offset, then tar goes on from there.
      writeSync(fd, head);
      into = fd;
    }
    if (signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);
    const tar = startTool('tar', tarCreateArgs(upper), ['pipe', into, 'pipe']);
    tools.unshift(tar);
    feed(tar.child.stdin!, nulList(members));
    // tar's end is the layer's end: then the compressor gets EOF.
    void tar.done.catch(() => undefined).finally(() => comp?.child.stdin!.end());
    try {
      await checkTools(tools, upper);
    } finally {
      if (signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);
    }
    // The file's digest (read back from the page cache) while its data goes to the disk.
    const [c] = await Promise.all([hashFile(fd), new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())))]);
    return {
      digest: c.digest,
      size: c.size,
      ...(comp ? {} : { diffId: c.digest }),
      entries: members.length + prefix.stats.whiteouts + prefix.stats.opaqueDirs,
      whiteouts: prefix.stats.whiteouts,
      opaqueDirs: prefix.stats.opaqueDirs,
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    killAll();
  }
}
