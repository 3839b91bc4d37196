import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Signalling a group of processes (a container's cgroup or PID namespace) and waiting
 * for it to empty: what stop and the cgroup clean-up share.
 */

/** Sends SIG to PID; a process that is gone already is what we want. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already (ESRCH).
  }
}

/** Polls LIST every 20 ms until it is empty, for at most MS; true when it emptied. */
export async function waitNoProcesses(list: () => number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (list().length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(20, Math.max(1, deadline - Date.now())));
  }
}
