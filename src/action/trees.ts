import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { execCapture } from '../core/exec.js';
import type { Volume } from '../core/jail/config.js';
import { shQuote } from '../core/jail/launcher.js';
import { writeLauncherIn } from '../core/jail/run.js';
import { ensureInstance, type CloneResult } from '../core/trees/clone.js';
import { planContainerize } from '../core/trees/containerize.js';
import { JailError } from '../core/errors.js';
import { processStartTime } from '../core/processes.js';

/**
 * `rootfs: trees:GROUP/INSTANCE`: the job's container is the instance as containerize runs
 * it, kept up from main to post.
 *
 * containerize's container lives while a session is in it: the first session starts the
 * keeper (bind, mounts, profile), the last one out tears down (stop, unbind). So main
 * starts one session of its own, the holder, detached, whose command waits on a fifo; the
 * `run` script and every `shell: mc-shell {0}` step are sessions that join the live
 * container and leave, never the last. Post writes a line to the fifo: the holder's
 * command ends, it is the last session out, and it runs stop and unbind, once. Should
 * post never come, the keeper tears down when the holder is killed (the runner kills
 * orphans at the end of a job): containerize's own crash clean-up.
 *
 * The steps need the workspace, RUNNER_TEMP (their scripts) and the file-command files at
 * the same paths inside: main bind-mounts them into the keeper's mount namespace and adds
 * them to containerize's list of mounts, which its teardown unmounts, last first.
 */
export interface TreesHolder {
  /** The containerize launcher (in the job dir). */
  launcher: string;
  /** containerize's state dir (/run/micro-container/trees/ID). */
  stateDir: string;
  /** Writing a line here ends the holder's command. */
  fifo: string;
  /** The holder launcher: pid and start time (a pid alone may be reused). */
  pid: number;
  start: string;
  log: string;
  /** Bytes of the log written while the container started (post shows what came after). */
  logOffset?: number;
}

export interface TreesStart {
  holder: TreesHolder;
  /** The launcher steps run (starting in the workdir). */
  stepLauncher: string;
  /** The instance's directory (root-path). */
  tree: string;
  /** Set when the instance was cloned from the template now. */
  cloned?: CloneResult;
  /** What the holder printed while the container started (the bind and profile scripts). */
  setupLog: string;
}

export interface TreesRequest {
  trees: string;
  group: string;
  instance: string;
  template?: string;
  workdir: string;
  volumes: Volume[];
  /** The job's directory: launcher, fifo and log go there (post removes it). */
  jobDir: string;
  log: (line: string) => void;
  /** Called as soon as the holder runs: record it, so post stops it whatever happens next. */
  onHolder?: (h: TreesHolder) => void;
}

function alive(pid: number, start: string): boolean {
  return processStartTime(pid) === start;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The sh script that bind-mounts VOLUMES under ROOT inside the keeper's mount namespace
 * and appends each mount point to containerize's MOUNTS list. Pure. The instance outlives
 * the job, so a build may have left symbolic links in it: a guest path through one is
 * refused rather than followed out of the root.
 */
export function volumeMountScript(root: string, mounts: string, volumes: Volume[]): string {
  const base = root.replace(/\/+$/, '');
  const lines = ['set -e'];
  for (const v of volumes) {
    const parts = v.guest.split('/').filter(Boolean);
    const target = `${base}/${parts.join('/')}`;
    const t = shQuote(target);
    lines.push(`[ -d ${shQuote(v.host)} ] || { echo ${shQuote(`volume source ${v.host} is not a directory`)} >&2; exit 1; }`);
    for (let i = 1; i <= parts.length; i++) {
      const p = shQuote(`${base}/${parts.slice(0, i).join('/')}`);
      lines.push(`[ ! -L ${p} ] || { echo ${shQuote(`${v.guest}: /${parts.slice(0, i).join('/')} is a symbolic link in the instance; remove it, or mount the volume elsewhere`)} >&2; exit 1; }`);
    }
    lines.push(`mkdir -p -- ${t}`);
    lines.push(`mount --bind -- ${shQuote(v.host)} ${t}`);
    if (v.readOnly) lines.push(`mount -o remount,bind,ro -- ${t}`);
    lines.push(`printf '%s\\n' ${t} >> ${shQuote(mounts)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Clones the instance when missing, starts the container with its holder session, mounts the volumes. */
export async function startTrees(r: TreesRequest): Promise<TreesStart> {
  let cloned: CloneResult | undefined;
  if (r.template) {
    cloned = await ensureInstance({ trees: r.trees, group: r.group, from: r.template, to: r.instance, onWait: () => r.log(`another job is cloning ${r.group}/${r.instance}; waiting`) });
    r.log(cloned ? `cloned ${r.group}/${r.template} to ${r.instance} by ${cloned.method} in ${cloned.seconds.toFixed(2)} s` : `instance ${r.group}/${r.instance} exists: not cloned`);
  }
  const facts = { cwd: '/', envTrees: undefined, readFile: (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined) };
  const base = { trees: r.trees, group: r.group, instance: r.instance, command: [] };
  // The holder starts in / (the workdir is mounted only once the container is up); steps in the workdir.
  const { spec, launcher } = planContainerize({ ...base, workdir: '/' }, facts);
  mkdirSync(r.jobDir, { recursive: true, mode: 0o755 });
  const file = writeLauncherIn(r.jobDir, launcher);
  const stepLauncher = writeLauncherIn(r.jobDir, planContainerize({ ...base, workdir: r.workdir }, facts).launcher);
  const fifo = path.join(r.jobDir, 'trees-holder.fifo');
  const log = path.join(r.jobDir, 'trees-holder.log');
  if (!existsSync(fifo)) {
    const m = await execCapture('mkfifo', ['-m', '0600', '--', fifo]);
    if (m.code !== 0) throw new JailError(`cannot create ${fifo}: ${m.stderr.trim()}`);
  }
  // Read-write: opening never blocks, and the holder's `read` waits (a writer is there: itself).
  const fifoFd = openSync(fifo, 'r+');
  const logFd = openSync(log, 'w', 0o600);
  let exited: number | undefined;
  let pid: number;
  try {
    const child = spawn('/bin/sh', [file, '/bin/sh', '-c', 'read -r mc_line; exit 0'], {
      detached: true,
      stdio: [fifoFd, logFd, logFd],
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', MC_CLEAN_ENV: '1' },
    });
    child.on('exit', (code, signal) => (exited = code ?? (signal ? 128 : 1)));
    child.on('error', () => (exited = 127));
    if (child.pid === undefined) throw new JailError('cannot start the containerize launcher');
    pid = child.pid;
    child.unref();
  } finally {
    closeSync(fifoFd);
    closeSync(logFd);
  }
  const start = processStartTime(pid) ?? '';
  const holder: TreesHolder = { launcher: file, stateDir: spec.stateDir, fifo, pid, start, log };
  r.onHolder?.(holder);
  // Ready when the holder's command runs inside (containerize writes sessions/PID.cmd then).
  const cmdFile = path.join(spec.stateDir, 'sessions', `${pid}.cmd`);
  for (let i = 0; i < 1200 && exited === undefined && !existsSync(cmdFile); i++) await sleep(50);
  const setupLog = readFileSync(log, 'utf8');
  holder.logOffset = Buffer.byteLength(setupLog);
  if (!existsSync(cmdFile)) {
    if (exited === undefined) process.kill(pid, 'SIGKILL');
    throw new JailError(`containerize ${r.group}/${r.instance} did not start${exited !== undefined ? ` (exit code ${exited})` : ' within 60 s'}: ${setupLog.trim() || 'no output'}`);
  }
  const keeper = readFileSync(path.join(spec.stateDir, 'keeper'), 'utf8').trim().split(/\s+/)[0];
  const script = volumeMountScript(spec.root, path.join(spec.stateDir, 'mounts'), r.volumes);
  const m = await execCapture('nsenter', ['-t', keeper, '-m', '--', '/bin/sh', '-c', script]);
  if (m.code !== 0) throw new JailError(`cannot mount the workspace and the runner's directories into ${r.group}/${r.instance}: ${m.stderr.trim()}`);
  return { holder, stepLauncher, tree: spec.tree, cloned, setupLog };
}

/** The commands of the container's live sessions other than the holder's (a step still running). */
function otherSessionCommands(h: TreesHolder): number[] {
  const dir = path.join(h.stateDir, 'sessions');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === h.pid) continue;
    try {
      // sessions/PID holds the session's start time: a reused pid is not that session.
      if (processStartTime(Number(name)) !== readFileSync(path.join(dir, name), 'utf8').trim()) continue;
      const cmd = Number(readFileSync(path.join(dir, `${name}.cmd`), 'utf8').trim());
      if (Number.isInteger(cmd) && cmd > 1) out.push(cmd);
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

function keeperOf(h: TreesHolder): { pid: number; start: string } | undefined {
  try {
    const [pid, start] = readFileSync(path.join(h.stateDir, 'keeper'), 'utf8').trim().split(/\s+/);
    return pid && start ? { pid: Number(pid), start } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ends the container: a line to the fifo ends the holder's command. When no other session
 * is in, the holder is the last out and runs stop and unbind; a step still running (a
 * cancelled job) is killed first, so that its session is not left holding the container.
 * Waits for the keeper to end (bounded).
 */
export async function stopTrees(h: TreesHolder): Promise<string> {
  const keeper = keeperOf(h);
  const holderAlive = alive(h.pid, h.start);
  if (!holderAlive && !(keeper && alive(keeper.pid, keeper.start))) return 'the container was not running';
  const killed = otherSessionCommands(h);
  for (const pid of killed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended by itself.
    }
  }
  if (holderAlive) {
    try {
      const fd = openSync(h.fifo, 'r+');
      try {
        writeSync(fd, 'stop\n');
      } finally {
        closeSync(fd);
      }
    } catch {
      const cmd = Number(readFileSync(path.join(h.stateDir, 'sessions', `${h.pid}.cmd`), 'utf8').trim());
      if (Number.isInteger(cmd) && cmd > 1) process.kill(cmd, 'SIGKILL');
    }
  }
  const running = () => alive(h.pid, h.start) || (keeper !== undefined && alive(keeper.pid, keeper.start));
  for (let i = 0; i < 1200 && running(); i++) await sleep(50);
  if (running()) throw new JailError(`the containerize container did not end within 60 s (see ${h.stateDir})`);
  const log = existsSync(h.log) ? readFileSync(h.log).subarray(h.logOffset ?? 0).toString('utf8').trim() : '';
  const what = killed.length > 0 ? `killed ${killed.length} step(s) still running; ` : '';
  return `${what}stopped the container (stop and unbind ran)${log ? `:\n${log}` : ''}`;
}
