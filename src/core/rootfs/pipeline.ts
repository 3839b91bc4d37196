import type { ChildProcess } from 'node:child_process';
import { read } from 'node:fs';
import { pipeline, Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { startPiped, type PipedProcess } from '../exec.js';
import { decompressorCommand, type Compression } from './compression.js';
import { RootfsError } from './errors.js';

/**
 * Where extraction starts its processes (through exec.ts's startPiped: execCapture is for
 * commands whose output is a few lines; these move hundreds of megabytes):
 *
 *   archive -> decompressor -> node (the gate) -> tar -x
 *
 * Everything tar extracts has passed through the gate. Node's cost is per chunk, so the
 * chunks are made big where we choose their size: gzip is inflated in-process by zlib
 * into 1 MiB chunks (faster than `gzip -dc` itself, and one pipe less), a plain tar is
 * read 1 MiB at a time; xz, zstd and bzip2 come from their tools (Node 20 has no zstd;
 * Node 24's is not faster than the zstd binary) through a pipe, 64 KiB at a time.
 */
export interface Gate {
  feed(chunk: Buffer): Buffer[];
  finish(): Buffer[];
  readonly refused: boolean;
}

/** Bytes queued for tar before waiting for it to take them: memory stays flat. */
const MAX_QUEUED = 4 * 1024 * 1024;
/** Read size for a plain tar or a gzip file, and zlib's output chunk size. */
const CHUNK = 1024 * 1024;

function start(file: string, args: string[], stdin: number | 'pipe', stdout: 'pipe' | 'ignore'): PipedProcess {
  return startPiped(file, args, [stdin, stdout, 'pipe'], {
    cannotStart: (err) => new RootfsError(err.code === 'ENOENT' ? `${file} is not installed; it is needed to extract this archive` : `cannot run ${file}: ${err.message}`),
  });
}

function readAt(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, 0, buf.length, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/**
 * The file, chunk by chunk, by positioned reads on the caller's fd (an fs.ReadStream would
 * close the fd when destroyed, possibly after its number has been reused).
 */
async function* fileChunks(fd: number): AsyncGenerator<Buffer> {
  for (let pos = 0; ; ) {
    // A fresh buffer each time: the previous one may still be queued for tar.
    const buf = Buffer.allocUnsafe(CHUNK);
    const n = await readAt(fd, buf, pos);
    if (n === 0) return;
    pos += n;
    yield buf.subarray(0, n);
  }
}

/** The decompressed archive as a stream, and the decompressor process if there is one. */
interface Source {
  stream: Readable;
  proc?: PipedProcess;
  /** The stream's own errors, as said to people. */
  describe?: (err: Error) => Error;
}

function openSource(archive: string, fd: number, compression: Compression): Source {
  if (compression === 'none') return { stream: Readable.from(fileChunks(fd)) };
  if (compression === 'gzip') {
    const gunzip = createGunzip({ chunkSize: CHUNK });
    const stream = pipeline(Readable.from(fileChunks(fd)), gunzip, () => undefined) as Readable;
    // zlib's messages ("unexpected end of file", "incorrect header check") need a subject.
    const describe = (err: Error & { code?: string }): Error =>
      err.code?.startsWith('Z_') ? new RootfsError(`the gzip data of ${archive} is corrupt or truncated (zlib: ${err.message})`) : err;
    return { stream, describe };
  }
  const cmd = decompressorCommand(compression)!;
  const proc = start(cmd.file, cmd.args, fd, 'pipe');
  return { stream: proc.child.stdout as Readable, proc };
}

/** Resolves when the stream wants more, or is gone. */
function drained(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}

function failure(p: PipedProcess, f: { code: number; stderr: string }, archive: string): RootfsError {
  return new RootfsError(`${p.what} failed on ${archive} (exit status ${f.code})${f.stderr ? `: ${f.stderr}` : ''}`);
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Runs `decompress < fd | gate | tar ARGS` to the end of the archive. Resolves 'refused'
 * when the gate refused the archive (tar was stopped: what it made must be thrown away),
 * 'done' when tar extracted everything it was given. Throws the gate's format error, a
 * RootfsError with tar's or the decompressor's own message, or one saying the extraction
 * was aborted.
 */
export async function extractThroughGate(
  archive: string,
  fd: number,
  compression: Compression,
  tarArgs: string[],
  gate: Gate,
  signal?: AbortSignal,
): Promise<'done' | 'refused'> {
  const tar = start('tar', tarArgs, 'pipe', 'ignore');
  const src = openSource(archive, fd, compression);
  const kill = (c: ChildProcess | undefined): void => void (c && c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
  const stopAll = (): void => {
    kill(src.proc?.child);
    kill(tar.child);
    src.stream.destroy();
  };
  const stdin = tar.child.stdin!;
  let tarGone = false;
  // EPIPE when tar has exited early: its exit status says why.
  stdin.on('error', () => (tarGone = true));
  stdin.on('close', () => (tarGone = true));
  if (signal?.aborted) stopAll();
  signal?.addEventListener('abort', stopAll, { once: true });

  let inputEnded = false;
  let failed: Error | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = src.stream;
      const stop = (err?: Error): void => {
        stream.off('data', onData);
        stream.destroy();
        if (err) reject(err);
        else resolve();
      };
      const onData = (chunk: Buffer): void => {
        let parts: Buffer[];
        try {
          parts = gate.feed(chunk);
        } catch (err) {
          return stop(asError(err));
        }
        if (gate.refused) return kill(tar.child); // keep reading: the refusal names every hostile entry
        if (tarGone) return stop();
        for (const p of parts) stdin.write(p);
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
      if (gate.refused) kill(tar.child);
      else for (const p of rest) stdin.write(p);
    }
  } catch (err) {
    failed = asError(err);
    kill(tar.child);
    // A decompressor whose output has ended is exiting by itself: let it, its status may be
    // the real cause (a corrupt stream reads as a truncated archive).
    if (!inputEnded) kill(src.proc?.child);
  } finally {
    stdin.end();
    signal?.removeEventListener('abort', stopAll);
  }

  const [t, d] = await Promise.allSettled([tar.done, src.proc?.done]);
  if (signal?.aborted) throw new RootfsError(`extraction of ${archive} was aborted`);
  if (gate.refused) return 'refused';
  if (d.status === 'rejected') throw d.reason;
  if (t.status === 'rejected') throw t.reason;
  // A decompressor that failed by itself (not by SIGPIPE or our SIGKILL after tar or the
  // gate stopped) is the cause: a corrupt stream also reads as a truncated archive.
  if (d.value && ![0, 128 + 13, 128 + 9].includes(d.value.code)) throw failure(src.proc!, d.value, archive);
  if (failed !== undefined) throw failed;
  if (t.value.code !== 0) throw failure(tar, t.value, archive);
  if (d.value && d.value.code !== 0) throw failure(src.proc!, d.value, archive);
  return 'done';
}
