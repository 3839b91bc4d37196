import { statSync } from 'node:fs';
import { execCapture, type ExecResult } from '../exec.js';
import { JailError } from '../errors.js';
import { CONTAINER_PID, type NetStep, type Word } from './steps.js';

/** Which network namespaces the steps' 'bridge' and 'container' mean, by a process in each. */
export interface StepNamespaces {
  /** A process in the bridge's namespace; absent for our own (the host's, in production). */
  netnsPid?: number;
  /** The container's process. */
  containerPid?: number;
}

/** Packages that hold the tools, for the message when one is missing. */
const PACKAGE: Record<string, string> = { ip: 'iproute2', nsenter: 'util-linux', iptables: 'iptables', nft: 'nftables', grep: 'grep', sh: 'dash' };

// ip, iptables and nft live in sbin, which a user's or sudo's PATH may leave out; nsenter
// looks its command up in the PATH it is given. Read at each call, not at import.
function searchPath(): string {
  return [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean).join(':');
}

function netnsPath(pid: number): string {
  return `/proc/${pid}/ns/net`;
}

/** The command line STEP runs as, with the namespace entered: pure, for messages and tests. */
export function stepArgv(words: Word[], where: NetStep['in'], ns: StepNamespaces): string[] {
  const argv = words.map((w) => {
    if (w !== CONTAINER_PID) return w;
    if (ns.containerPid === undefined) throw new Error('a step names the container but no container pid was given');
    return String(ns.containerPid);
  });
  const pid = where === 'container' ? ns.containerPid : ns.netnsPid;
  if (where === 'container' && pid === undefined) throw new Error('a container step needs the container pid');
  return pid === undefined ? argv : ['nsenter', `--net=${netnsPath(pid)}`, ...argv];
}

export async function runArgv(argv: string[]): Promise<ExecResult> {
  try {
    return await execCapture(argv[0], argv.slice(1), { env: { ...process.env, PATH: searchPath() } });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new JailError(`${argv[0]} is not installed (Debian/Ubuntu package ${PACKAGE[argv[0]] ?? argv[0]}): container networks need it`);
    }
    throw e;
  }
}

function describe(argv: string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(' ');
}

async function succeeds(words: Word[], step: NetStep, ns: StepNamespaces): Promise<boolean> {
  return (await runArgv(stepArgv(words, step.in, ns))).code === 0;
}

/** Runs one step with its unless/onlyIf guards; throws JailError saying which step failed and why. */
export async function runStep(step: NetStep, ns: StepNamespaces): Promise<void> {
  if (step.unless && (await succeeds(step.unless, step, ns))) return;
  if (step.onlyIf && !(await succeeds(step.onlyIf, step, ns))) return;
  const argv = stepArgv(step.run, step.in, ns);
  const r = await runArgv(argv);
  if (r.code === 0) return;
  // Another process may have done (or undone) the same thing between our check and our
  // command: that is the state we wanted, not a failure.
  if (step.unless && (await succeeds(step.unless, step, ns))) return;
  if (step.onlyIf && !(await succeeds(step.onlyIf, step, ns))) return;
  throw new JailError(`could not ${step.why}: \`${describe(argv)}\` exited with ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
}

export async function runSteps(steps: NetStep[], ns: StepNamespaces): Promise<void> {
  for (const step of steps) await runStep(step, ns);
}

/** `ip -j ARGS` in the bridge's namespace, parsed; undefined when ip fails (a missing device). */
export async function ipJson(args: string[], netnsPid?: number): Promise<unknown[] | undefined> {
  const r = await runArgv(stepArgv(['ip', '-j', ...args], 'bridge', { netnsPid }));
  if (r.code !== 0) return undefined;
  // ip prints nothing at all (not "[]") for an empty list on some releases.
  return r.stdout.trim() === '' ? [] : (JSON.parse(r.stdout) as unknown[]);
}

/**
 * Checks that PID exists and returns its network namespace's identity (device:inode).
 * The caller compares them: a container "namespace" that is really the bridge's would
 * put eth0 and its routes into the host itself.
 */
export function netnsIdentity(pid: number | undefined, role: string): string {
  const file = pid === undefined ? '/proc/self/ns/net' : netnsPath(pid);
  try {
    const s = statSync(file);
    return `${s.dev}:${s.ino}`;
  } catch (e) {
    throw new JailError(`${role} process ${pid} has no network namespace to enter (${(e as NodeJS.ErrnoException).code}): has it exited?`);
  }
}
