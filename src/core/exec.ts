import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';

/**
 * The one place where micro-container starts processes (as docker/actions-toolkit keeps
 * exec behind one seam): the rest of the core asks for a command and gets a result.
 */
export interface ExecResult {
  code: number;
  /** Signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output. Never throws for a non-zero exit. */
export function execCapture(file: string, args: string[], options: SpawnOptions = {}): Promise<ExecResult> {
  return execCaptureFds(file, args, [], options);
}

/**
 * execCapture that also gives the child our open files FDS as its fds 3, 4, ...: for
 * flock(1), which locks an open file description that we keep after it exits.
 */
export function execCaptureFds(file: string, args: string[], fds: number[], options: SpawnOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe', ...fds] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // options.signal: node kills the child and reports an AbortError at once; the result
    // waits for 'close' instead (a death by killSignal), so that a caller cleaning up what
    // the child was writing knows it has stopped writing.
    child.on('error', (e) => (e.name === 'AbortError' ? undefined : reject(e)));
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), signal, stdout, stderr }));
  });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/** Shell-style status for a death by signal: 128 + its number. */
export function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (SIGNALS[signal] ?? 0) : 0;
}

/**
 * A filter process (a decompressor): INPUT goes to its stdin, its stdout is given back as
 * a stream for the caller to pipe on; `done` says how it ended (stderr captured).
 */
export function execFilter(file: string, args: string[], input: NodeJS.ReadableStream): { stdout: NodeJS.ReadableStream; done: Promise<ExecResult> } {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => undefined); // it may stop reading early: its status says why
  input.pipe(child.stdin!);
  const done = new Promise<ExecResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), signal, stdout: '', stderr }));
  });
  return { stdout: child.stdout!, done };
}

/**
 * A process of a data pipeline (tar, a decompressor, a compressor, find), whose stdio the
 * caller wires to files and to other processes: hundreds of megabytes go through these,
 * not through strings. Only the end of its stderr is kept, for messages.
 */
export interface PipedProcess {
  child: ChildProcess;
  /** Its command line, for messages. */
  what: string;
  /** Its exit status (128 + N for signal N) and the end of its stderr; rejects with `cannotStart`'s error when it cannot start. */
  done: Promise<{ code: number; stderr: string }>;
}

/** The last bytes of a pipeline process's stderr: enough for its message, bounded for a chatty one. */
const STDERR_KEEP = 8 * 1024;

/**
 * Starts a pipeline process; stdio[2] must be 'pipe'. Its stderr is read for the message
 * unless `passStderr` (the caller hands the stream on to another process and must not read
 * it). `cannotStart` says, in the caller's terms, why it did not start (ENOENT: not installed).
 */
export function startPiped(
  file: string,
  args: string[],
  stdio: StdioOptions,
  opts: { cwd?: string; passStderr?: boolean; cannotStart: (err: NodeJS.ErrnoException) => Error },
): PipedProcess {
  const child = spawn(file, args, { stdio, cwd: opts.cwd });
  let stderr = '';
  if (!opts.passStderr) child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_KEEP)));
  const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => reject(opts.cannotStart(err)));
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), stderr: stderr.trim() }));
  });
  return { child, what: [file, ...args].join(' '), done };
}
