import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JailError } from '../errors.js';
import { signalNumber } from '../exec.js';
import { childrenOf, commOf, descendantsOf, processStartTime, signal } from '../processes.js';
import { launcherDigest, renderLauncher } from './launcher.js';
import type { JailSpec } from './spec.js';

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Creates what must exist before the launcher can be written: basedir and appdir (owned
 * by the invoking user) first, then librarydir (0700, root), then the container's state
 * dir, so that where they are the same directory, basedir's creation wins.
 * The launcher does the same for itself when it runs standalone.
 */
export function prepareDirs(spec: JailSpec): void {
  const [uid, gid] = spec.owner.split(':').map(Number);
  for (const dir of spec.ephemeral ? [spec.baseDir] : [spec.baseDir, spec.appDir]) {
    if (!isDir(dir)) {
      mkdirSync(dir, { recursive: true });
      chownSync(dir, uid, gid);
    }
  }
  if (!isDir(spec.libraryDir)) mkdirSync(spec.libraryDir, { recursive: true, mode: 0o700 });
  if (!isDir(spec.stateDir)) mkdirSync(spec.stateDir, { recursive: true, mode: 0o700 });
}

/**
 * Writes launcher TEXT into DIR under a name made of its digest, so a run never rewrites
 * a launcher that another run is executing. Returns its path.
 */
export function writeLauncherIn(dir: string, text: string): string {
  const file = path.join(dir, `launcher-${launcherDigest(text)}.sh`);
  // Named by its content: when it is there, it is this text (written whole, by rename).
  if (existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o700 });
  renameSync(tmp, file);
  return file;
}

/** Writes the launcher for SPEC into its state dir (made first). Returns its path. */
export function writeLauncher(spec: JailSpec, text = renderLauncher(spec)): string {
  prepareDirs(spec);
  return writeLauncherIn(spec.stateDir, text);
}

function parentIsSudo(ppid: number): boolean {
  try {
    return readFileSync(`/proc/${ppid}/comm`, 'utf8').trim() === 'sudo';
  } catch {
    return false;
  }
}

export interface RunJailOptions {
  /** The command; empty: the spec's built-in one, else the user's shell. */
  command?: string[];
  /** Extra environment for the launcher itself (not the command). */
  env?: NodeJS.ProcessEnv;
  /**
   * Stop the command after this long: SIGTERM to it, then, after graceMs, the lifeline is
   * cut (which SIGKILLs everything in a jail this run started) and the launcher is killed.
   * A run that joined a live container has every process it started there stopped so.
   */
  timeoutMs?: number;
  /** Between SIGTERM and the end at a timeout (default 3 s). */
  graceMs?: number;
  /**
   * stdin, stdout, stderr of the launcher (and so of the command): 'inherit' (default, the
   * CLI's terminal), 'pipe' (the library captures or feeds them: see spawnLauncher) or
   * 'ignore' (/dev/null).
   */
  stdio?: [LauncherStdio, LauncherStdio, LauncherStdio];
  /**
   * Pass our SIGINT/SIGTERM/SIGHUP to the command (default true: the CLI's behaviour). The
   * library turns it off: a program that uses it keeps its own signal handling, and if it
   * dies of the signal the lifeline ends the jail anyway.
   */
  forwardSignals?: boolean;
}

export type LauncherStdio = 'inherit' | 'pipe' | 'ignore';

export interface LauncherExit {
  status: number;
  /** The time limit was reached and the command was stopped. */
  timedOut: boolean;
  /** The command was stopped: by the time limit, or by stop(). */
  stopped: boolean;
}

/**
 * Runs a launcher as root with the caller's terminal, and returns the command's exit
 * status. fd 3 is a lifeline pipe: if this process dies (even by SIGKILL) the jail ends;
 * SIGTERM, SIGHUP (and SIGINT when no terminal sent it to the jail already) travel down it
 * as "signal NAME" lines, and the launcher passes them to the command.
 */
export async function runLauncher(file: string, options: RunJailOptions = {}): Promise<number> {
  return (await runLauncherDetailed(file, options)).status;
}

/** runLauncher, saying also whether the time limit (options.timeoutMs) ended the command. */
export function runLauncherDetailed(file: string, options: RunJailOptions = {}): Promise<LauncherExit> {
  return spawnLauncher(file, options).exit;
}

export interface SpawnedLauncher {
  /** The launcher's process: its stdio[0..2] are streams where options.stdio said 'pipe'. */
  child: ChildProcess;
  /** Ends the lifeline: the jail this launcher started ends (SIGKILL to all in it). */
  cutLifeline(): void;
  /**
   * Stops the command as the time limit does (SIGTERM, then after graceMs SIGKILL to the
   * jail this run started, or to the processes a joined run started); its exit then says
   * `stopped`. Once is enough: later calls do nothing.
   */
  stop(): void;
  exit: Promise<LauncherExit>;
}

/**
 * Starts a launcher as runLauncherDetailed does, and gives its process at once (for the
 * library's captured runs and long-running containers), with a promise of its end.
 */
export function spawnLauncher(file: string, options: RunJailOptions = {}): SpawnedLauncher {
  const child = spawn('/bin/sh', [file, ...(options.command ?? [])], {
    stdio: [...(options.stdio ?? ['inherit', 'inherit', 'inherit']), 'pipe'],
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ...(process.env.TERM ? { TERM: process.env.TERM } : {}),
      ...options.env,
      MC_LIFELINE_FD: '3',
      MC_CLEAN_ENV: '1',
    },
  });
  const lifeline = child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
  lifeline.on('error', () => undefined); // the jail may be gone already
  // A run that joined a live container: the launcher became nsenter (setpriv execs it too),
  // which waits for the command it started inside but passes it no signal, and whose end
  // leaves the command running; nobody reads the lifeline either. So the session is
  // signalled here, by host pid: a forwarded signal goes to the command (nsenter's child);
  // at the time limit SIGTERM goes to every process of the session and, at the end, SIGKILL
  // to what is left of them, those that outlived the command included (no longer below
  // nsenter then: remembered by pid and start time).
  const joined = (): boolean => child.pid !== undefined && commOf(child.pid) === 'nsenter';
  /** The session's processes seen so far: pid -> start time. */
  const session = new Map<number, string | undefined>();
  const toCommand = (sig: NodeJS.Signals): void => {
    if (joined()) for (const p of childrenOf(child.pid!)) signal(p, sig);
  };
  const toSession = (sig: NodeJS.Signals): void => {
    if (joined()) for (const p of descendantsOf(child.pid!)) if (!session.has(p)) session.set(p, processStartTime(p));
    for (const [p, start] of session) if (start !== undefined && processStartTime(p) === start) signal(p, sig);
  };
  let stopping = false;
  let hardStop: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (stopping || child.exitCode !== null || child.signalCode !== null) return;
    stopping = true;
    lifeline.write('signal TERM\n');
    toSession('SIGTERM');
    hardStop = setTimeout(() => {
      lifeline.end();
      toSession('SIGKILL');
      child.kill('SIGKILL');
    }, options.graceMs ?? 3000);
  };
  const exit = new Promise<LauncherExit>((resolve, reject) => {
    const forward = (sig: NodeJS.Signals) => () => {
      if (sig === 'SIGINT' && process.stdin.isTTY) return;
      lifeline.write(`signal ${sig.slice(3)}\n`);
      toCommand(sig);
    };
    const handlers: [NodeJS.Signals, () => void][] =
      options.forwardSignals === false ? [] : (['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]).map((s) => [s, forward(s)]);
    for (const [s, h] of handlers) process.on(s, h);
    // Under sudo, "the CLI" the caller may SIGKILL is sudo, our parent: when it is gone
    // (we are re-parented), cut the lifeline so the jail ends as if we had been killed.
    const ppid = process.ppid;
    const underSudo = parentIsSudo(ppid);
    const watch = underSudo ? setInterval(() => process.ppid !== ppid && lifeline.end(), 200) : undefined;
    watch?.unref();
    let timedOut = false;
    const limit =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs);
    child.on('error', (e) => reject(new JailError(`cannot start the launcher ${file}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (watch) clearInterval(watch);
      if (limit) clearTimeout(limit);
      if (hardStop) clearTimeout(hardStop);
      for (const [s, h] of handlers) process.off(s, h);
      if (stopping) toSession('SIGKILL');
      resolve({ status: code ?? 128 + signalNumber(signal), timedOut, stopped: stopping });
    });
  });
  return { child, exit, stop, cutLifeline: () => lifeline.end() };
}
