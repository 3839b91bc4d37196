import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import type { Result } from './host.js';

/**
 * Network namespaces that a test makes for itself, each held by a process (no `ip netns
 * add`, which would write /run/netns): every packet a test sends stays inside them.
 */
export interface NetnsHolder {
  /** The holding process: /proc/PID/ns/net is the namespace. */
  pid: number;
  /** SIGKILLs the holder and waits for it to be gone; the namespace goes with it. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();

/**
 * A fresh network namespace (only `lo`, down), held by `sleep`. Resolves once the holder
 * is inside it: `unshare` has made it before sh says so, and sh then execs sleep under the
 * same pid. The sleep is bounded, so a holder orphaned by a crashed test run still ends.
 */
export function holdNetns(seconds = 300): Promise<NetnsHolder> {
  const child = spawn('unshare', ['--net', '--', 'sh', '-c', `echo ready; exec sleep ${seconds}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  live.add(child);
  const gone = new Promise<void>((resolve) => child.on('close', () => resolve()));
  void gone.then(() => live.delete(child));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await gone;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error('the namespace holder did not start within 10 s'));
    }, 10_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.stdout!.setEncoding('utf8').once('data', (d: string) => {
      clearTimeout(timer);
      const pid = child.pid!;
      // Never hand out our own namespace: the code under test would then touch the host's.
      if (d.trim() !== 'ready' || netnsOf(pid) === netnsOf('self')) {
        void kill();
        reject(new Error(`the namespace holder ${pid} is not in a namespace of its own`));
        return;
      }
      resolve({ pid, kill });
    });
  });
}

/** Kills every holder still alive (afterAll, whatever happened). */
export async function killAllHolders(): Promise<void> {
  await Promise.all(
    [...live].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('close', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * Runs a command to completion with a time limit. Like host.ts's run, but with stdin
 * closed from the start: writing to the stdin of a command that exits at once (nsenter
 * into a namespace that is gone) would raise EPIPE outside any test.
 */
export function runQuiet(file: string, args: string[], timeoutMs = 20_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), stdout, stderr });
    });
  });
}

/** `net:[INODE]` of a process's network namespace, or '' when it is gone. */
export function netnsOf(pid: number | 'self'): string {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return '';
  }
}

/** Runs ARGV inside the network namespace of PID (which must not be ours). */
export function inNetns(pid: number, argv: string[], timeoutMs = 10_000): Promise<Result> {
  if (netnsOf(pid) === netnsOf('self')) throw new Error(`process ${pid} shares our network namespace: refusing to run ${argv.join(' ')} there`);
  return runQuiet('nsenter', [`--net=/proc/${pid}/ns/net`, ...argv], timeoutMs);
}

/** Interface names in the namespace of PID (ours when absent). */
export async function linkNames(pid?: number): Promise<string[]> {
  const r = pid === undefined ? await runQuiet('ip', ['-j', 'link', 'show']) : await inNetns(pid, ['ip', '-j', 'link', 'show']);
  if (r.code !== 0) throw new Error(`ip link failed: ${r.stderr}`);
  return (JSON.parse(r.stdout || '[]') as { ifname: string }[]).map((l) => l.ifname).sort();
}

/** Polls CHECK up to TRIES times, DELAYMS apart; true as soon as it holds. */
export async function pollUntil(check: () => Promise<boolean> | boolean, tries = 50, delayMs = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  return check();
}
