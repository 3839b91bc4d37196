import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { ImageError } from './errors.js';
import { digestGrowingFile } from './layer-file-digest.js';
import { compressorCommand, layerMediaType, type LayerCompression } from './layer-compression.js';
import { scanUpper } from './layer-save-scan.js';
import { checkTools, running, startTool, type Tool } from './layer-save-tools.js';
import { excludeMemberName, tarCreateArgs, tarExclusion } from './layer-tar-args.js';

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

/**
 * Saves an overlay upper directory as an OCI layer file:
 *
 *   scanUpper(upper)        find | tar (the headers and overlay xattrs of directories and
 *                           character devices): the `.wh.` members and opaque markers,
 *                           the whiteouts to leave out, refusals (layer-save-scan.ts)
 *   node writes those members, then  tar --sort=name --exclude... . | zstd -T0 -3 > FILE.tmp
 *   node reads FILE.tmp as it grows: sha256 = digest, fdatasync as it goes
 *
 * tar writes the layer straight into the compressor: the data never passes through Node
 * (on two cores, Node's share of moving and hashing 165 MB made a save 1.5x plain
 * `tar | zstd`). The layer is the members Node wrote (whiteouts and markers first, so each
 * comes before anything in its directory) followed by tar's archive.
 *
 * The file is written under a temporary name in its directory, fdatasynced and renamed
 * (the directory synced too): `outFile` is either the whole layer or absent, never half
 * of one (an existing file stays until the new one replaces it); on any failure the
 * temporary file is removed. Memory is flat: the whiteouts' names, and streams.
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

/** Writes BUF to the stream and waits until it has been handed to the kernel. */
function writeStream(w: Writable, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => w.write(buf, (err) => (err ? reject(err) : resolve())));
}

/**
 * The scan starts first (tar waits for it), the compressor while it runs (it writes the
 * file itself); tar starts when the scan has said what to leave out and the prefix is in
 * the compressor, and Node follows the file as it grows. Every tool is killed on the way
 * out, whatever happened, and nothing reads the fd once this returns.
 */
async function runPipeline(
  upper: string,
  exclude: string[],
  compression: LayerCompression,
  fd: number,
  signal: AbortSignal | undefined,
): Promise<Omit<SavedLayer, 'file' | 'compression' | 'mediaType'>> {
  const stopScan = new AbortController();
  const stopAll = (): void => stopScan.abort();
  signal?.addEventListener('abort', stopAll, { once: true });
  const scanning = scanUpper(upper, exclude, stopScan.signal);
  scanning.catch(() => undefined); // awaited below
  const cmd = compressorCommand(compression);
  const comp = cmd ? startTool(cmd.file, cmd.args, ['pipe', fd, 'pipe'], { orElse: 'choose another compression' }) : undefined;
  const tools: Tool[] = comp ? [comp] : [];
  const killAll = (): void => {
    for (const t of tools) if (running(t)) t.child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', killAll, { once: true });
  const stopFollowing = new AbortController();
  let file: Promise<{ digest: string; size: number }> | undefined;
  try {
    // A compressor that could not start (not installed) rejects `done` with why.
    if (comp && comp.child.pid === undefined) await comp.done;
    const scan = await scanning;
    const exclusion = tarExclusion(scan.excluded);
    let into: Writable | number;
    if (comp) {
      const stdin = comp.child.stdin!;
      stdin.on('error', () => undefined); // the compressor's exit status says why
      // All of it in the pipe before tar writes there too.
      if (scan.prefix.length) await writeStream(stdin, scan.prefix).catch(() => undefined);
      into = stdin;
    } else {
      // Uncompressed: the members go to the file at its offset, then tar goes on from there.
      writeSync(fd, scan.prefix);
      into = fd;
    }
    if (signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);
    const tar = startTool('tar', tarCreateArgs(upper, exclusion), ['pipe', into, 'pipe']);
    tools.unshift(tar);
    // Its --exclude-from: tar reads it to the end before it starts.
    tar.child.stdin!.on('error', () => undefined);
    tar.child.stdin!.end(exclusion.file);
    // tar's end is the layer's end: then the compressor gets EOF.
    void tar.done.catch(() => undefined).finally(() => comp?.child.stdin!.end());
    file = digestGrowingFile(fd, (comp ?? tar).done, stopFollowing.signal);
    file.catch(() => undefined); // judged below, once the tools are
    try {
      await checkTools(tools, upper);
    } finally {
      if (signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);
    }
    const c = await file;
    return {
      digest: c.digest,
      size: c.size,
      ...(comp ? {} : { diffId: c.digest }),
      entries: scan.entries,
      whiteouts: scan.whiteouts,
      opaqueDirs: scan.opaqueDirs,
    };
  } finally {
    signal?.removeEventListener('abort', killAll);
    signal?.removeEventListener('abort', stopAll);
    stopScan.abort();
    await scanning.catch(() => undefined);
    killAll();
    // Whatever happened, nothing reads the fd once this returns: the caller closes it.
    stopFollowing.abort();
    await file?.catch(() => undefined);
  }
}
