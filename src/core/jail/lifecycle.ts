import { rmSync } from 'node:fs';
import path from 'node:path';
import { ContainerCgroup, hostCgroupLayout } from '../cgroup/container-cgroup.js';
import type { CgroupLayout } from '../cgroup/layout.js';
import { ConfigError } from '../errors.js';
import { list, release } from '../net/allocations.js';
import { DEFAULT_LIBRARY_DIR, type JailConfig } from './config.js';
import { hostFacts } from './host-facts.js';
import { renderLauncher } from './launcher.js';
import { PidNamespace } from './pid-namespace.js';
import { runLauncher, writeLauncher } from './run.js';
import { buildSpec, cgroupName, validName } from './spec.js';
import { livePid1, readRunRecord, stateDirs, uptimeSeconds, waitIdle, type RunRecord } from './state.js';

/**
 * The everyday commands on containers that run (or ran) from one library directory:
 * ps, exec, stop, rm. A container is found by its state dir (LIBRARYDIR/app-NAME): its
 * `pid1` file says whether it runs, run.json how it was started, and its cgroup (with
 * limits) or else its PID namespace holds every process it has.
 */

export interface ContainerStatus {
  name: string;
  /** The root: the first lower directory. */
  root: string;
  /** PID 1 of the container, as the host sees it. */
  pid: number;
  user: string;
  network: string;
  /** With a private network: its address. */
  address?: string;
  uptimeSeconds: number;
  /** Processes in it: in its cgroup, or in its PID namespace when it has no cgroup. */
  processes: number;
}

export interface Where {
  libraryDir?: string;
  baseDir?: string;
  cwd?: string;
}

function libraryOf(where: Where): string {
  return path.resolve(where.cwd ?? process.cwd(), where.libraryDir || DEFAULT_LIBRARY_DIR);
}

/**
 * The container's cgroup, when it has one: the run record names it (a run without limits
 * has none); without a record (a run of an older version), the one its name gives, if it
 * is there.
 */
function cgroupOf(record: RunRecord | undefined, libraryDir: string, name: string, layout: CgroupLayout): ContainerCgroup | undefined {
  if (record && record.cgroup === undefined) return undefined;
  try {
    const cg = new ContainerCgroup(record?.cgroup ?? cgroupName(libraryDir, name), layout);
    return record || cg.exists() ? cg : undefined;
  } catch {
    return undefined;
  }
}

/** What holds the container's processes: its cgroup, else the PID namespace of its live PID 1. */
function processesOf(
  record: RunRecord | undefined,
  libraryDir: string,
  name: string,
  layout: CgroupLayout,
  live: { pid: number } | undefined,
): ContainerCgroup | PidNamespace | undefined {
  return cgroupOf(record, libraryDir, name, layout) ?? (live ? PidNamespace.of(live.pid) : undefined);
}

/** The running containers of a library directory, by name. */
export async function listContainers(where: Where = {}, layout: CgroupLayout = hostCgroupLayout()): Promise<ContainerStatus[]> {
  const libraryDir = libraryOf(where);
  const leases = new Map((await list(libraryDir).catch(() => ({ leases: [] }))).leases.map((l) => [l.name, l.ip]));
  const out: ContainerStatus[] = [];
  for (const { name, stateDir } of stateDirs(libraryDir)) {
    const live = livePid1(stateDir);
    if (!live) continue;
    const record = readRunRecord(stateDir);
    const network = record?.network ?? 'host';
    out.push({
      name: name || 'app',
      root: record?.lowerDirs[0] ?? '',
      pid: live.pid,
      user: record?.user ?? '',
      network,
      ...(network === 'private' && leases.has(name) ? { address: leases.get(name) } : {}),
      uptimeSeconds: uptimeSeconds(live.startTicks),
      processes: processesOf(record, libraryDir, name, layout, live)?.pids().length ?? 0,
    });
  }
  return out;
}

function checkName(name: string): void {
  if (!validName(name)) throw new ConfigError(`container name '${name}' is not valid: use the name given with -n (see micro-container ps)`);
}

export interface StopReport {
  /** Whether it was running. */
  wasRunning: boolean;
  /** Processes still there at the end (normally none). */
  left: number[];
}

/**
 * Stops container NAME: SIGTERM to every process in its cgroup (or PID namespace), SIGKILL
 * to whatever is left after termTimeoutMs; then waits for the launcher's clean-up (the shutdown script
 * runs, the jail's mounts go with its namespace, the cgroup and veth are removed).
 */
export async function stopContainer(name: string, where: Where = {}, termTimeoutMs = 10_000, layout: CgroupLayout = hostCgroupLayout()): Promise<StopReport> {
  checkName(name);
  const libraryDir = libraryOf(where);
  const stateDir = path.join(libraryDir, `app-${name}`);
  const record = readRunRecord(stateDir);
  const live = livePid1(stateDir);
  const group = processesOf(record, libraryDir, name, layout, live);
  const pids = group?.pids() ?? [];
  if (!live && pids.length === 0) return { wasRunning: false, left: [] };
  if (group && pids.length > 0) {
    await group.killAll({ termTimeoutMs });
  } else if (live) {
    // Neither (PID 1 gone from /proc between the reads): SIGKILL is the only signal a
    // namespace's init takes from outside without a handler.
    try {
      process.kill(live.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await waitIdle(stateDir, termTimeoutMs + 30_000);
  // The launcher removes it; a launcher that was itself killed could not.
  if (group instanceof ContainerCgroup && group.exists()) await group.remove().catch(() => undefined);
  return { wasRunning: true, left: group?.pids() ?? [] };
}

export interface RemoveReport {
  stopped: boolean;
  removedUpper?: string;
  releasedAddress?: string;
}

/** rm NAME: stop it if it runs, remove its upper layer, its state dir and its network allocation. */
export async function removeContainer(name: string, where: Where = {}, layout: CgroupLayout = hostCgroupLayout()): Promise<RemoveReport> {
  checkName(name);
  const libraryDir = libraryOf(where);
  const stateDir = path.join(libraryDir, `app-${name}`);
  const record = readRunRecord(stateDir);
  const facts = hostFacts(where.cwd);
  // The upper layer: where it was made (run.json), else where -b (or the default) puts it.
  const appDir = where.baseDir || !record ? buildSpec({ libraryDir, baseDir: where.baseDir, name }, facts).appDir : record.appDir;
  const stop = await stopContainer(name, where, 10_000, layout);
  const released = await release(libraryDir, name);
  const existed = stateDirs(libraryDir).some((d) => d.name === name);
  if (!existed && !released && !stop.wasRunning && !record) {
    throw new ConfigError(`there is no container '${name}' in ${libraryDir} (see micro-container ps; give -d if it uses another library directory)`);
  }
  rmSync(appDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
  return { stopped: stop.wasRunning, removedUpper: appDir, releasedAddress: released?.ip };
}

export interface ExecOptions extends Where {
  /** user[:group] inside the container; default: the one it runs as. */
  user?: string;
  /** Where the command starts inside it. */
  workdir?: string;
  command: string[];
}

/**
 * Runs COMMAND inside the running container NAME: its namespaces (network too, when it
 * has its own) and its cgroup, as its user unless told otherwise. Returns the command's
 * exit status. Uses the container's own launcher logic (the join path), told never to
 * start a container that is not running.
 */
export async function execInContainer(name: string, options: ExecOptions): Promise<number> {
  checkName(name);
  const libraryDir = libraryOf(options);
  const stateDir = path.join(libraryDir, `app-${name}`);
  const record = readRunRecord(stateDir);
  if (!livePid1(stateDir) || !record) {
    throw new ConfigError(`container '${name}' is not running in ${libraryDir} (start it with micro-container run -n ${name} ...; see micro-container ps)`);
  }
  const config: JailConfig = { ...record.config, user: options.user ?? record.config.user ?? record.user, workdir: options.workdir ?? record.config.workdir, command: [] };
  const leases = config.network === 'private' ? (await list(libraryDir)).leases : [];
  const lease = leases.find((l) => l.name === name);
  const facts = { ...hostFacts(options.cwd), cgroupLayout: hostCgroupLayout(), lease };
  const spec = buildSpec(config, facts);
  const file = writeLauncher(spec, renderLauncher(spec));
  return runLauncher(file, { command: options.command, env: { MC_JOIN_ONLY: '1' } });
}
