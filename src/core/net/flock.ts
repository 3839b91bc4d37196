import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { JailError } from '../errors.js';
import { execCaptureFds } from '../exec.js';

/** flock(1)'s exit status when -w runs out, chosen with -E so it differs from its errors. */
const TIMED_OUT = 75;

/**
 * Runs WORK holding an exclusive flock(2) on FILE, across processes and within one.
 *
 * Node has no flock, so we open FILE ourselves and let flock(1) lock that open file as
 * its fd 3. A flock belongs to the open file description, which the child shares with us:
 * when flock(1) exits the lock stays, held by our fd, until we close it. The kernel drops
 * it when our process dies, so there is no stale lock to take over (an O_EXCL lock file
 * with a pid in it must guess at that, and two takers can race). The file is never removed:
 * removing it would let a later taker lock a new inode while an earlier one holds the old.
 * Each call opens FILE anew, so two calls in one process exclude each other too (and a
 * nested call waits for the outer one: it is not re-entrant).
 */
export async function withFlock<T>(file: string, work: () => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(file, 'a', 0o600);
  try {
    const seconds = String(Math.max(1, Math.ceil((options.timeoutMs ?? 60_000) / 1000)));
    let r;
    try {
      r = await execCaptureFds('flock', ['-x', '-w', seconds, '-E', String(TIMED_OUT), '3'], [fd]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new JailError('flock (util-linux) is not installed: it is needed to share the network resources file safely');
      throw e;
    }
    if (r.code === TIMED_OUT) throw new JailError(`timed out after ${seconds} s waiting for the lock ${file}: another micro-container process holds it`);
    if (r.code !== 0) throw new JailError(`could not lock ${file}: flock exited with ${r.code}: ${r.stderr.trim()}`);
    return await work();
  } finally {
    closeSync(fd);
  }
}
