import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Signalling a group of processes (a container's cgroup or PID namespace, the processes
 * of a session that joined one) and waiting for it to empty: what stop, the cgroup
 * clean-up and a joined run's time limit share.
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

/** The pids a process's threads started (`/proc/PID/task/TID/children`); none for a process that is gone. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** Every process below PID (its children, theirs, ...), parents before their children. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const seen = new Set<number>([pid]);
  for (let queue = [pid]; queue.length; ) {
    const next: number[] = [];
    for (const p of queue) {
      for (const c of childrenOf(p)) {
        if (seen.has(c)) continue;
        seen.add(c);
        out.push(c);
        next.push(c);
      }
    }
    queue = next;
  }
  return out;
}

/** A process's command name (`/proc/PID/comm`), undefined when it is gone. */
export function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A process's start time (field 22 of /proc/PID/stat, after the parenthesised name, which may hold spaces). Pure. */
export function statStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(') ');
  if (close < 0) return undefined;
  return stat.slice(close + 2).split(' ')[19];
}

/**
 * A process's start time in clock ticks since boot: with its pid, what tells it from a
 * later process that got the same pid. Undefined when it is gone, or a zombie (dead, its
 * parent not done with it yet).
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat[stat.lastIndexOf(') ') + 2];
    return state === 'Z' ? undefined : statStartTime(stat);
  } catch {
    return undefined;
  }
}
