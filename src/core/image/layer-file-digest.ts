import { createHash } from 'node:crypto';
import { fdatasync, read } from 'node:fs';

/** How often (bytes) the file's data is pushed to the disk while it is written. */
const SYNC_EVERY = 16 << 20;
/** How long to wait for the writer when the file has been read to its end. */
const POLL_MS = 4;

const readAt = (fd: number, buf: Buffer, pos: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n))));
const datasync = (fd: number): Promise<void> => new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

/**
 * SHA-256 and size of a file that another process (the compressor, or tar) is writing to
 * `fd` from its start, read as it grows, and its data made durable on the way: by the time
 * the writer ends, most of the file is hashed and on the disk, and what is left is the
 * last chunk (hashing and syncing after the end cost a save a tenth of its time).
 *
 * The writer only appends (tar and the compressors write their output once, in order), and
 * a file's size grows only over bytes already copied in, so what is read below the size is
 * final. `writerEnded` settles when the writer has exited, however it ended; the file is
 * then read to its end once more. The result is only meaningful if the writer succeeded.
 * `stop` ends it early (it rejects): the save failed, and the fd is about to be closed.
 */
export async function digestGrowingFile(fd: number, writerEnded: Promise<unknown>, stop?: AbortSignal): Promise<{ digest: string; size: number }> {
  let ended = false;
  const end = writerEnded.then(
    () => (ended = true),
    () => (ended = true),
  );
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  let syncedTo = 0;
  let syncing: Promise<void> | undefined;
  let syncError: unknown;
  for (;;) {
    if (stop?.aborted) break;
    const wasEnded = ended;
    const n = await readAt(fd, buf, pos);
    if (n > 0) {
      hash.update(buf.subarray(0, n));
      pos += n;
      if (!syncing && pos - syncedTo >= SYNC_EVERY) {
        const at = pos;
        syncing = datasync(fd).then(
          () => {
            syncedTo = at;
            syncing = undefined;
          },
          (err: unknown) => {
            syncError ??= err;
            syncing = undefined;
          },
        );
      }
      continue;
    }
    if (wasEnded) break;
    await Promise.race([end, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
  }
  await syncing;
  if (stop?.aborted) throw new Error('stopped');
  if (syncError) throw syncError;
  await datasync(fd);
  return { digest: `sha256:${hash.digest('hex')}`, size: pos };
}
