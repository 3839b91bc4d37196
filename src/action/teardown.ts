import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execCapture } from '../core/exec.js';

/**
 * Post's clean-up, in reverse order of set-up, each part idempotent: kill what is left of
 * the jail, unmount what is mounted under the job's directory on the host, remove it.
 */

/** mountinfo's octal escapes (\040 for a space, ...) undone. */
export function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points at or under DIR in a mountinfo text, deepest first (the unmount order). */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const base = dir.replace(/\/+$/, '');
  const points = mountinfo
    .split('\n')
    .filter(Boolean)
    .map((l) => unescapeMountPath(l.split(' ')[4] ?? ''))
    .filter((p) => p === base || p.startsWith(`${base}/`));
  return [...new Set(points)].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

/** "PID STARTTIME" of the pid1 file -> the pid, when that very process is alive. */
export function livePid1(pid1File: string, statOf: (pid: number) => string | undefined): number | undefined {
  let text = '';
  try {
    text = readFileSync(pid1File, 'utf8').trim();
  } catch {
    return undefined;
  }
  const [pid, start] = text.split(/\s+/).map(Number);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const stat = statOf(pid);
  if (!stat) return undefined;
  // Fields after "(comm) ": state is the 3rd field of stat, starttime the 22nd.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[19]) === start ? pid : undefined;
}

function procStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Kills the jail's PID 1 if it is still running (a step's process outlived the step, or a
 * cancelled job): the kernel then kills everything in its pid namespace. Waits, bounded.
 */
export async function killJail(stateDir: string): Promise<string> {
  const pid = livePid1(path.join(stateDir, 'pid1'), procStat);
  if (pid === undefined) return 'nothing was running';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'nothing was running';
  }
  for (let i = 0; i < 100 && procStat(pid) !== undefined; i++) await new Promise((r) => setTimeout(r, 50));
  return procStat(pid) === undefined ? `killed the jail (pid ${pid})` : `the jail (pid ${pid}) did not end within 5 s`;
}

/** Unmounts (lazily) whatever the host has mounted under DIR. Returns what it unmounted. */
export async function unmountUnder(dir: string): Promise<{ unmounted: string[]; failed: string[] }> {
  const unmounted: string[] = [];
  const failed: string[] = [];
  for (const p of mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), dir)) {
    const r = await execCapture('umount', ['-l', '--', p]);
    (r.code === 0 ? unmounted : failed).push(p);
  }
  return { unmounted, failed };
}

/** Bytes used under DIR (du), or undefined when it is not there. */
export async function diskUsage(dir: string): Promise<number | undefined> {
  if (!existsSync(dir)) return undefined;
  const r = await execCapture('du', ['-s', '-B1', '-x', '--', dir]);
  const n = Number(r.stdout.split(/\s/)[0]);
  return r.code === 0 && Number.isFinite(n) ? n : undefined;
}

/** Removes DIR (and what is in it). True when something was removed. */
export function removeTree(dir: string): boolean {
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}
