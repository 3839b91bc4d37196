import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { parseUnshareOptions } from './unshare-options.js';

/** What `containerize [--trees DIR] [--overlay] [-w DIR] GROUP INSTANCE [COMMAND...]` asks for. */
export interface ContainerizeConfig {
  /** --trees; else MICRO_CONTAINER_TREES; else /trees. */
  trees?: string;
  group: string;
  instance: string;
  /** Writes go to an upper layer beside the tree instead of into it. */
  overlay?: boolean;
  /** Where the command starts, inside the root (default /). */
  workdir?: string;
  command?: string[];
}

/** Everything the containerize launcher needs, decided. */
export interface ContainerizeSpec {
  trees: string;
  group: string;
  instance: string;
  groupDir: string;
  /** GROUP/.container: the scripts. */
  hooksDir: string;
  /** GROUP/INSTANCE: the build root. */
  tree: string;
  /** What the container's processes see as /: the tree, or the overlay's mount point. */
  root: string;
  overlay: boolean;
  upperDir: string;
  workDir: string;
  /** Locks, session files, the keeper's pid: under /run, gone with a reboot. */
  stateDir: string;
  /** The container's cgroup, relative to the hierarchy: `cgroup-name`/GROUP.INSTANCE.HASH. */
  cgroup: string;
  unshare: string[];
  nsenter: string[];
  pidNs: boolean;
  utsNs: boolean;
  propagation: string;
  workdir: string;
  command: string[];
}

export interface ContainerizeFacts {
  cwd: string;
  /** MICRO_CONTAINER_TREES, if set. */
  envTrees?: string;
  /** A file's text, or undefined when it is not there (cgroup-name, unshare-options). */
  readFile(p: string): string | undefined;
}

export const DEFAULT_TREES = '/trees';
export const STATE_ROOT = '/run/micro-container/trees';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/;

/** A group or instance name: one path component, not hidden (`.container` is the group's). */
export function checkTreeName(kind: 'group' | 'instance', name: string): void {
  if (!NAME.test(name)) {
    throw new ConfigError(
      `${kind} '${name}' is not a valid name: use letters, digits, '_', '.', '+' and '-', not starting with '.' or '-' (at most 128)`,
    );
  }
}

/** The trees directory: --trees, else MICRO_CONTAINER_TREES, else /trees. Pure. */
export function treesDir(flag: string | undefined, env: string | undefined, cwd: string): string {
  return path.resolve(cwd, flag || env || DEFAULT_TREES);
}

// overlayfs splits lowerdir on ':' and options on ','.
const FORBIDDEN_IN_LAYER = /[:,\n]/;

/**
 * The name of an instance's container: its state dir under STATE_ROOT and its cgroup leaf.
 * The same group and instance under two trees dirs are two containers. Pure.
 */
export function containerizeId(trees: string, group: string, instance: string): string {
  return `${group}.${instance}.${createHash('sha256').update(trees).digest('hex').slice(0, 8)}`;
}

/** config + facts -> spec. Pure (files are read through facts); throws ConfigError. */
export function buildContainerizeSpec(config: ContainerizeConfig, facts: ContainerizeFacts): ContainerizeSpec {
  checkTreeName('group', config.group);
  checkTreeName('instance', config.instance);
  const trees = treesDir(config.trees, facts.envTrees, facts.cwd);
  const groupDir = path.join(trees, config.group);
  const hooksDir = path.join(groupDir, '.container');
  const tree = path.join(groupDir, config.instance);
  const overlay = config.overlay === true;
  if (overlay && FORBIDDEN_IN_LAYER.test(tree)) {
    throw new ConfigError(`${tree} contains ':' or ','; overlayfs cannot take such a path (use --trees elsewhere, or run without --overlay)`);
  }
  const id = containerizeId(trees, config.group, config.instance);
  const stateDir = path.join(STATE_ROOT, id);

  const cgroupFile = path.join(hooksDir, 'cgroup-name');
  const cgroupName = (facts.readFile(cgroupFile) ?? 'containerize').trim() || 'containerize';
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(cgroupName) || cgroupName.split('/').some((c) => c === '.' || c === '..')) {
    throw new ConfigError(`${cgroupFile}: '${cgroupName}' is not a cgroup name (one line: letters, digits, '_', '.', '-', and '/' between parts)`);
  }
  const optionsFile = path.join(hooksDir, 'unshare-options');
  const options = parseUnshareOptions(facts.readFile(optionsFile) ?? '', optionsFile);

  const workdir = config.workdir ?? '/';
  if (!workdir.startsWith('/')) throw new ConfigError(`workdir '${workdir}' must be an absolute path inside the root (-w /path)`);
  const overlayDir = path.join(groupDir, '.overlay', config.instance);
  return {
    trees,
    group: config.group,
    instance: config.instance,
    groupDir,
    hooksDir,
    tree,
    root: overlay ? path.join(stateDir, 'root') : tree,
    overlay,
    upperDir: overlay ? path.join(overlayDir, 'upper') : '',
    workDir: overlay ? path.join(overlayDir, 'work') : '',
    stateDir,
    cgroup: `${cgroupName}/${id}`,
    unshare: options.unshare,
    nsenter: options.nsenter,
    pidNs: options.pidNs,
    utsNs: options.utsNs,
    propagation: options.propagation,
    workdir: path.posix.normalize(workdir),
    command: config.command ?? [],
  };
}
