import { openSync, closeSync, readFileSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock file made with O_EXCL, holding our pid: two processes adding the same root at
 * once do the work once (the second waits, then finds it done). A lock whose process is
 * gone (a crash) is taken over, never a reason to refuse.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: { timeoutMs?: number; onWait?: () => void } = {}): Promise<T> {
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(file, 'utf8').trim());
      } catch {
        continue; // released between our open and read
      }
      if (Number.isInteger(holder) && !alive(holder)) {
        // Stale: remove it only if it still names the dead holder.
        try {
          if (Number(readFileSync(file, 'utf8').trim()) === holder) unlinkSync(file);
        } catch {
          /* someone else took it over */
        }
        continue;
      }
      if (!told) {
        options.onWait?.();
        told = true;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${file} (held by pid ${holder})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    try {
      unlinkSync(file);
    } catch {
      /* already gone */
    }
  }
}
