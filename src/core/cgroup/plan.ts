import path from 'node:path';
import { ConfigError, JailError } from '../errors.js';
import type { CgroupLayout, OwnCgroups } from './layout.js';
import { cpuMaxText, type CgroupLimits } from './limits.js';

/**
 * The cgroup set-up of one container as data (pure): the directories and the files to
 * write, in order. The same plan is carried out from Node (ContainerCgroup.create) or
 * rendered as sh (renderCgroupSetup) for a launcher that has no Node.
 */

/** The v1 hierarchies a container gets a directory in (cpuacct rides along with cpu when co-mounted). */
export const V1_HIERARCHIES = ['memory', 'pids', 'cpu', 'freezer'] as const;
export type V1Hierarchy = (typeof V1_HIERARCHIES)[number];

export const DEFAULT_PARENT = 'micro-container';

export interface CgroupPlacement {
  /** The cgroup that holds every container's, relative to each hierarchy's root: `micro-container`. */
  parent?: string;
  /**
   * Put the parent inside these cgroups (usually the caller's own, from parseProcCgroup)
   * rather than at each hierarchy's root: for a delegated subtree, or to stay inside the
   * memory cgroup of whatever runs us. Under v2 with limits this needs the caller's cgroup
   * to hold no process itself (v2's no-internal-process rule), so the default is the root.
   */
  within?: OwnCgroups;
}

export interface CgroupDirs {
  name: string;
  /**
   * The container's v2 cgroup. `limits`: true under pure v2 (the limits go here); false on
   * a hybrid host, where it only tracks the processes (no controllers) and is best effort.
   */
  v2?: { mount: string; parent: string; leaf: string; limits: boolean };
  /** The container's directory in each v1 hierarchy; co-mounted controllers share one. */
  v1: Partial<Record<V1Hierarchy, string>>;
}

export interface CgroupStep {
  op: 'mkdir' | 'write';
  path: string;
  /** What to write (op 'write'). */
  value?: string;
  /** Only when the file exists: memory.memsw.* and memory.swap.max need swap accounting. */
  ifExists?: boolean;
  /** A failure is not an error: v2 tracking on a hybrid host is a bonus, not a need. */
  optional?: boolean;
}

export interface CgroupPlan {
  dirs: CgroupDirs;
  /** Set-up, in order: parents before children, controllers enabled before limits are written. */
  steps: CgroupStep[];
  /** The cgroup.procs files a process is written to, to join the container (one per hierarchy). */
  join: { path: string; optional?: boolean }[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

/** Checks a container's cgroup name: one path component, no `.`/`..`. */
export function checkCgroupName(name: string): void {
  if (!NAME.test(name)) {
    throw new ConfigError(`cgroup name '${name}' is not valid: use letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 200)`);
  }
}

function checkParent(parent: string): void {
  const parts = parent.split('/');
  if (parent === '' || parts.some((p) => !NAME.test(p))) {
    throw new ConfigError(`cgroup parent '${parent}' is not valid: use a relative path of names made of letters, digits, '.', '_' and '-', e.g. micro-container`);
  }
}

/** MOUNT joined with a cgroup path (absolute in its hierarchy) and more components. */
function under(mount: string, cgroupPath: string | undefined, ...rest: string[]): string {
  return path.join(mount, cgroupPath ?? '/', ...rest);
}

/** Where a container's cgroup directories are, for LAYOUT and PLACEMENT. */
export function containerCgroupDirs(layout: CgroupLayout, name: string, placement: CgroupPlacement = {}): CgroupDirs {
  checkCgroupName(name);
  const parent = placement.parent ?? DEFAULT_PARENT;
  checkParent(parent);
  const within = placement.within;
  const dirs: CgroupDirs = { name, v1: {} };
  if (layout.v2 !== undefined && (layout.mode === 'v2' || layout.mode === 'hybrid')) {
    const p = under(layout.v2, within?.v2, parent);
    dirs.v2 = { mount: layout.v2, parent: p, leaf: path.join(p, name), limits: layout.mode === 'v2' };
  }
  if (layout.mode === 'v1' || layout.mode === 'hybrid') {
    for (const h of V1_HIERARCHIES) {
      const mount = layout.v1[h];
      if (mount !== undefined) dirs.v1[h] = under(mount, within?.v1[h], parent, name);
    }
  }
  return dirs;
}

/** v2 controllers a container with LIMITS needs, in a fixed order. */
function v2Controllers(limits: CgroupLimits): string[] {
  return [
    ...(limits.memoryBytes !== undefined ? ['memory'] : []),
    ...(limits.pids !== undefined ? ['pids'] : []),
    ...(limits.cpu !== undefined ? ['cpu'] : []),
  ];
}

/** Every directory from MOUNT down to DIR, MOUNT first. */
function ancestry(mount: string, dir: string): string[] {
  const out = [mount];
  const rel = path.relative(mount, dir);
  let cur = mount;
  for (const part of rel === '' ? [] : rel.split('/')) out.push((cur = path.join(cur, part)));
  return out;
}

/**
 * The set-up of container NAME's cgroup with LIMITS. Throws JailError when the host has no
 * cgroup filesystem, or no v1 hierarchy for a limit asked for (a v2 controller that cannot
 * be enabled only shows when its subtree_control write fails).
 */
export function planCgroupSetup(layout: CgroupLayout, name: string, limits: CgroupLimits = {}, placement: CgroupPlacement = {}): CgroupPlan {
  const dirs = containerCgroupDirs(layout, name, placement);
  const steps: CgroupStep[] = [];
  const join: CgroupPlan['join'] = [];
  if (layout.mode === 'none') {
    throw new JailError('no cgroup filesystem is mounted, so the container cannot be tracked or limited: mount cgroup2 on /sys/fs/cgroup');
  }
  if (layout.mode === 'v2' && dirs.v2) {
    const { mount, parent, leaf } = dirs.v2;
    steps.push({ op: 'mkdir', path: parent });
    // v2's no-internal-process rule: a cgroup that hands controllers to its children holds
    // no process itself. So `micro-container` only holds containers, and each container is
    // a leaf; the controllers are enabled all the way down from the root.
    for (const c of v2Controllers(limits)) {
      for (const dir of ancestry(mount, parent)) steps.push({ op: 'write', path: path.join(dir, 'cgroup.subtree_control'), value: `+${c}` });
    }
    steps.push({ op: 'mkdir', path: leaf });
    if (limits.memoryBytes !== undefined) {
      steps.push({ op: 'write', path: path.join(leaf, 'memory.max'), value: String(limits.memoryBytes) });
      // No swap beyond the limit: a build that outgrows it is killed, not slowed to a crawl.
      steps.push({ op: 'write', path: path.join(leaf, 'memory.swap.max'), value: '0', ifExists: true });
    }
    if (limits.pids !== undefined) steps.push({ op: 'write', path: path.join(leaf, 'pids.max'), value: String(limits.pids) });
    if (limits.cpu !== undefined) steps.push({ op: 'write', path: path.join(leaf, 'cpu.max'), value: cpuMaxText(limits.cpu) });
    join.push({ path: path.join(leaf, 'cgroup.procs') });
    return { dirs, steps, join };
  }
  // v1 (and hybrid): one directory per hierarchy, limits in the controller's own.
  const need: [keyof CgroupLimits, V1Hierarchy, string][] = [
    ['memoryBytes', 'memory', '--memory'],
    ['pids', 'pids', '--pids'],
    ['cpu', 'cpu', '--cpus'],
  ];
  for (const [key, h, option] of need) {
    if (limits[key] !== undefined && dirs.v1[h] === undefined) {
      throw new JailError(`${option} needs the ${h} cgroup controller, which this host has not mounted (no v1 ${h} hierarchy, and its cgroup v2 tree has no controllers)`);
    }
  }
  const seen = new Set<string>();
  for (const h of V1_HIERARCHIES) {
    const dir = dirs.v1[h];
    if (dir === undefined || seen.has(dir)) continue;
    seen.add(dir);
    steps.push({ op: 'mkdir', path: dir });
    join.push({ path: path.join(dir, 'cgroup.procs') });
  }
  if (limits.memoryBytes !== undefined) {
    const dir = dirs.v1.memory!;
    // The memory limit first: memsw (memory + swap) may never be below it.
    steps.push({ op: 'write', path: path.join(dir, 'memory.limit_in_bytes'), value: String(limits.memoryBytes) });
    steps.push({ op: 'write', path: path.join(dir, 'memory.memsw.limit_in_bytes'), value: String(limits.memoryBytes), ifExists: true });
  }
  if (limits.pids !== undefined) steps.push({ op: 'write', path: path.join(dirs.v1.pids!, 'pids.max'), value: String(limits.pids) });
  if (limits.cpu !== undefined) {
    const dir = dirs.v1.cpu!;
    steps.push({ op: 'write', path: path.join(dir, 'cpu.cfs_period_us'), value: String(limits.cpu.period) });
    steps.push({ op: 'write', path: path.join(dir, 'cpu.cfs_quota_us'), value: String(limits.cpu.quota) });
  }
  if (dirs.v2) {
    // Hybrid: the v2 tree has no controllers, but its cgroup.procs (recursive listing) and
    // cgroup.kill track and end the processes cheaply. Best effort: it may not be writable.
    steps.push({ op: 'mkdir', path: dirs.v2.leaf, optional: true });
    join.push({ path: path.join(dirs.v2.leaf, 'cgroup.procs'), optional: true });
  }
  if (join.length === 0) {
    throw new JailError('this host has no cgroup hierarchy to track the container in (neither cgroup v2 nor a v1 memory, pids, cpu or freezer hierarchy): mount cgroup2 on /sys/fs/cgroup');
  }
  return { dirs, steps, join };
}

