import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withFlock } from '../net/flock.js';
import { processStartTime } from '../processes.js';
import type { JailConfig } from './config.js';
import type { JailSpec } from './spec.js';

/**
 * What the CLI keeps about a container in its state dir (LIBRARYDIR/app-NAME), for ps,
 * exec, stop and rm: the launcher itself keeps only `pid1` (host pid and start time of
 * PID 1 while it runs) and `lock` (held while the jail and its clean-up run).
 */
export const RUN_FILE = 'run.json';

export interface RunRecord {
  version: 1;
  /** The config it was started with (paths absolute), without the command. */
  config: JailConfig;
  name: string;
  stateDir: string;
  appDir: string;
  lowerDirs: string[];
  user: string;
  network: JailSpec['network'];
  cgroup?: string;
}

/** Writes TEXT to FILE by a temp name in the same directory and a rename. */
export function writeAtomic(file: string, text: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The record of SPEC's run, started with CONFIG. Pure. */
export function runRecord(spec: JailSpec, config: JailConfig): RunRecord {
  const { command: _command, ...rest } = config;
  return {
    version: 1,
    config: { ...rest, libraryDir: spec.libraryDir, baseDir: spec.baseDir, lowerDirs: spec.lowerDirs, name: spec.name },
    name: spec.name,
    stateDir: spec.stateDir,
    appDir: spec.appDir,
    lowerDirs: spec.lowerDirs,
    user: spec.user,
    network: spec.network,
    cgroup: spec.cgroup?.name,
  };
}

export function readRunRecord(stateDir: string): RunRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path.join(stateDir, RUN_FILE), 'utf8')) as RunRecord;
    return r.version === 1 ? r : undefined;
  } catch {
    return undefined;
  }
}

/** PID 1 of the container whose state dir is STATEDIR, when it is running (pid and start time match). */
export function livePid1(stateDir: string): { pid: number; startTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(stateDir, 'pid1'), 'utf8').trim();
  } catch {
    return undefined;
  }
  const [pid, start] = text.split(' ');
  if (!pid || !start || processStartTime(Number(pid)) !== start) return undefined;
  return { pid: Number(pid), startTicks: Number(start) };
}

/** Seconds since a process started START ticks after boot (USER_HZ is 100 on Linux's ABIs). */
export function uptimeSeconds(startTicks: number, procUptime = readFileSync('/proc/uptime', 'utf8')): number {
  return Math.max(0, Math.floor(Number(procUptime.split(' ')[0]) - startTicks / 100));
}

/** The state dirs in LIBRARYDIR, by container name ('' for the default one, `app`). */
export function stateDirs(libraryDir: string): { name: string; stateDir: string }[] {
  let entries: string[];
  try {
    entries = readdirSync(libraryDir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => e === 'app' || e.startsWith('app-'))
    .sort()
    .map((e) => ({ name: e === 'app' ? '' : e.slice(4), stateDir: path.join(libraryDir, e) }));
}

/**
 * Waits until no launcher holds STATEDIR's lock: the jail and its clean-up (shutdown
 * script, cgroup, network) are over. False when it did not happen within timeoutMs.
 */
export async function waitIdle(stateDir: string, timeoutMs = 30_000): Promise<boolean> {
  try {
    await withFlock(path.join(stateDir, 'lock'), async () => undefined, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}
