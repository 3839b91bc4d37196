import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, linkSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * @actions/cache runs tar through @actions/exec as one command line that it splits on
 * spaces, with the working directory and the archive path unquoted: a path with white space,
 * a double quote or a backslash breaks the command. We only hand it paths without them.
 */
export function execSafe(p: string): boolean {
  return !/[\s"\\]/.test(p);
}

/**
 * A fresh directory for one cache call: in `near` when it is usable (so that links and
 * renames to and from it stay on one filesystem), else in the system temp dir; undefined
 * when neither can hold one.
 */
export function makeWorkDir(near: string, prefix: string): string | undefined {
  for (const parent of [near, tmpdir()]) {
    if (!execSafe(parent)) continue;
    try {
      const dir = mkdtempSync(path.join(parent, prefix));
      if (execSafe(dir)) return dir;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Not writable here: try the next place.
    }
  }
  return undefined;
}

/** `dest` becomes a name for `src`'s bytes: a hard link when possible (no copy), else a copy (a reflink where the filesystem can). */
export function linkOrCopy(src: string, dest: string): void {
  try {
    linkSync(src, dest);
  } catch {
    copyFileSync(src, dest, constants.COPYFILE_FICLONE);
  }
}

/**
 * Renames `src` to `dest`, replacing it atomically. Across filesystems it copies to a
 * temporary name beside `dest` first, so that `dest` is never seen half written.
 */
export function moveIntoPlace(src: string, dest: string): void {
  try {
    renameSync(src, dest);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const partial = path.join(path.dirname(dest), `.${path.basename(dest)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    copyFileSync(src, partial, constants.COPYFILE_FICLONE);
    renameSync(partial, dest);
  } finally {
    rmSync(partial, { force: true });
  }
}
