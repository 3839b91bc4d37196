import { createHash } from 'node:crypto';
import path from 'node:path';
import type { CgroupLayout } from '../cgroup/layout.js';
import { hasLimits, parseCpus, parseMemory, parsePids, type CgroupLimits } from '../cgroup/limits.js';
import { containerCgroupDirs, planCgroupSetup, type CgroupPlan } from '../cgroup/plan.js';
import { ConfigError, JailError } from '../errors.js';
import type { Invoker } from '../identity.js';
import type { Lease } from '../net/address-table.js';
import type { NetScriptPlan } from '../net/net-script.js';
import type { NatBackend } from '../net/nat-rules.js';
import { DEFAULT_LIBRARY_DIR, NETWORK_MODES, type JailConfig, type NetworkMode, type Volume } from './config.js';

/**
 * Everything the launcher needs, decided: absolute paths, layers, mounts, user, command.
 * Built from a JailConfig by a pure function; rendered to sh by renderLauncher.
 */
export interface JailSpec {
  name: string;
  hostname: string;
  libraryDir: string;
  baseDir: string;
  /** chown target for directories made for the invoking user (uid:gid). */
  owner: string;
  /** ${libraryDir}/app[-name]: lock, fifos, /dev skeleton, hosts; `root` is the mount point. */
  stateDir: string;
  rootDir: string;
  /** ${baseDir}/app[-name]: holds upper and work. */
  appDir: string;
  upperDir: string;
  workDir: string;
  lowerDirs: string[];
  ephemeral: boolean;
  user: string;
  workdir: string;
  login: boolean;
  volumes: Volume[];
  env: Record<string, string>;
  initScript: string;
  shutdownScript: string;
  /** The built-in command; the launcher's own arguments replace it. */
  command: string[];
  network: NetworkMode;
  /** The container's cgroup; absent when the host's cgroup layout was not given. */
  cgroup?: JailCgroup;
  /** With network private: the plumbing the launcher runs (renderNetScript). */
  net?: NetScriptPlan;
}

export interface JailCgroup {
  /** The cgroup's name under micro-container/ (cgroupName). */
  name: string;
  limits: CgroupLimits;
  /** Set-up steps; all optional (best effort) when no limit was asked for. */
  plan: CgroupPlan;
  /** The leaf directories, removed when the container ends. */
  dirs: string[];
  /** Where the kernel counts OOM kills, copied by the launcher before it removes the cgroup. */
  oom?: { file: string; kind: 'memory.events' | 'memory.oom_control' };
}

export interface SpecFacts {
  invoker: Invoker;
  /** Directory relative paths are taken from (the caller's cwd). */
  cwd: string;
  /** Does this host path exist? (Volumes must; lowerdirs must be directories.) */
  exists(p: string): boolean;
  isDirectory(p: string): boolean;
  /** The host's cgroup layout; absent: no cgroup (and limits are refused). */
  cgroupLayout?: CgroupLayout;
  /** With network private: the name's allocation (made under the network lock, in Node). */
  lease?: Lease;
  /** iptables or nft for --nat; iptables FORWARD accepts between ports when iptables is there. */
  natBackend?: NatBackend;
  forwardAccept?: boolean;
}

/** The bridge micro-container's private networks use. */
export const JAIL_BRIDGE = 'mc0';

/**
 * The cgroup name of container NAME of LIBRARYDIR: the name (app for the default one) and
 * a short hash of the library directory, since two library directories may each have a
 * container of one name, and cgroups are machine-wide. Pure.
 */
export function cgroupName(libraryDir: string, name: string): string {
  return `${name || 'app'}.${createHash('sha256').update(libraryDir).digest('hex').slice(0, 8)}`;
}

/** `/proc/PID/ns/net` -> PID (MICRO_CONTAINER_BRIDGE_NETNS). Pure; throws ConfigError. */
export function parseBridgeNetns(text: string): number {
  const m = /^\/proc\/([1-9][0-9]*)\/ns\/net$/.exec(text);
  if (!m) throw new ConfigError(`bridge namespace '${text}' is not of the form /proc/PID/ns/net (MICRO_CONTAINER_BRIDGE_NETNS: a process in the namespace that holds the bridge)`);
  return Number(m[1]);
}

function parseLimits(config: JailConfig): CgroupLimits {
  const limits: CgroupLimits = {};
  if (config.memory !== undefined) limits.memoryBytes = parseMemory(config.memory);
  if (config.pids !== undefined) limits.pids = parsePids(config.pids);
  if (config.cpus !== undefined) limits.cpu = parseCpus(config.cpus);
  return limits;
}

/**
 * The container's cgroup: only when it has limits. Moving a process into a new cgroup
 * waits for an RCU grace period (5-15 ms on these machines, more than half of a jail's
 * start), and without limits the PID namespace already does what the cgroup would:
 * ps counts its processes, stop signals them, and PID 1's end kills them all.
 */
function jailCgroup(libraryDir: string, name: string, limits: CgroupLimits, layout: CgroupLayout | undefined): JailCgroup | undefined {
  if (!hasLimits(limits)) return undefined;
  if (layout === undefined || layout.mode === 'none') {
    throw new JailError('--memory, --pids and --cpus need cgroups, and this host has no cgroup filesystem mounted: mount cgroup2 on /sys/fs/cgroup');
  }
  const cg = cgroupName(libraryDir, name);
  const plan = planCgroupSetup(layout, cg, limits);
  const d = containerCgroupDirs(layout, cg);
  const dirs = [...new Set([...(d.v2 ? [d.v2.leaf] : []), ...Object.values(d.v1)])];
  let oom: JailCgroup['oom'];
  if (d.v2?.limits) oom = { file: path.join(d.v2.leaf, 'memory.events'), kind: 'memory.events' };
  else if (d.v1.memory) oom = { file: path.join(d.v1.memory, 'memory.oom_control'), kind: 'memory.oom_control' };
  return { name: cg, limits, plan, dirs, oom };
}

function jailNet(config: JailConfig, name: string, libraryDir: string, facts: SpecFacts): NetScriptPlan | undefined {
  if ((config.network ?? 'host') !== 'private') return undefined;
  const lease = facts.lease;
  if (lease === undefined || lease.name !== name) throw new JailError(`no network allocation was given for container '${name}'`);
  return {
    name,
    ip: lease.ip,
    prefix: lease.prefix,
    mac: lease.mac,
    gateway: lease.gateway,
    bridge: JAIL_BRIDGE,
    gatewayCidr: `${lease.gateway}/${lease.prefix}`,
    netnsPid: config.bridgeNetns ? parseBridgeNetns(config.bridgeNetns) : undefined,
    nat: config.nat ? { pool: poolOf(lease), backend: facts.natBackend ?? 'iptables' } : undefined,
    owner: libraryDir,
    forwardAccept: facts.forwardAccept ?? false,
  };
}

/** The network a lease is on, as A.B.C.D/N (its gateway is the network's first address). */
function poolOf(lease: Lease): string {
  const n = lease.gateway.split('.').reduce((a, o) => a * 256 + Number(o), 0) - 1;
  return `${[24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.')}/${lease.prefix}`;
}

// overlayfs splits lowerdir on ':' and mount options on ','; fstab fields are escaped by
// the launcher, but these two cannot be expressed safely, so they are refused.
const FORBIDDEN_IN_LAYER = /[:,\n]/;

function absolute(p: string, cwd: string): string {
  return path.resolve(cwd, p);
}

export function validName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name);
}

/** config + facts about the host -> JailSpec. Pure (facts are injected); throws ConfigError. */
export function buildSpec(config: JailConfig, facts: SpecFacts): JailSpec {
  const name = config.name ?? '';
  if (name !== '' && !validName(name)) {
    throw new ConfigError(`container name '${name}' is not valid: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
  }
  const libraryDir = absolute(config.libraryDir || DEFAULT_LIBRARY_DIR, facts.cwd);
  const baseDir = absolute(config.baseDir || path.join(facts.invoker.home, '.app'), facts.cwd);
  const suffix = name ? `app-${name}` : 'app';
  const stateDir = path.join(libraryDir, suffix);
  const appDir = path.join(baseDir, suffix);
  const ephemeral = config.ephemeral === true;

  const lowerDirs = (config.lowerDirs && config.lowerDirs.length > 0 ? config.lowerDirs : ['/']).map((d) => absolute(d, facts.cwd));
  for (const d of lowerDirs) {
    if (FORBIDDEN_IN_LAYER.test(d)) throw new ConfigError(`lowerdir ${d} contains ':' or ','; overlayfs cannot take such a path (rename or bind-mount it elsewhere)`);
    if (!facts.isDirectory(d)) throw new ConfigError(`lowerdir ${d} is not a directory on the host (check -l)`);
  }
  for (const d of [appDir, stateDir]) {
    if (FORBIDDEN_IN_LAYER.test(d)) throw new ConfigError(`${d} contains ':' or ','; overlayfs cannot take such a path (choose another -b/-d)`);
  }

  const volumes = (config.volumes ?? []).map((v) => {
    const host = absolute(v.host, facts.cwd);
    if (!v.guest.startsWith('/')) throw new ConfigError(`volume guest path '${v.guest}' must be absolute (as in -v ${v.host}:/path)`);
    if (!facts.exists(host)) throw new ConfigError(`volume source ${host} does not exist on the host (create it first, or fix -v ${v.host}:${v.guest})`);
    return { host, guest: path.posix.normalize(v.guest), readOnly: v.readOnly };
  });
  // Parents before children, so that a volume inside another lands on top of it.
  volumes.sort((a, b) => a.guest.split('/').length - b.guest.split('/').length);

  const workdir = config.workdir ?? '';
  if (workdir && !workdir.startsWith('/')) throw new ConfigError(`workdir '${workdir}' must be an absolute path inside the container (-w /path)`);

  const env = config.env ?? {};
  for (const k of Object.keys(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new ConfigError(`environment variable name '${k}' is not valid (-e NAME=value)`);
  }
  const user = config.user || `${facts.invoker.uid}:${facts.invoker.gid}`;
  if (/[\s'"\\]/.test(user) || user.split(':').length > 2 || user.startsWith(':')) {
    throw new ConfigError(`user '${user}' is not of the form user[:group] (names or numbers)`);
  }
  const network = config.network ?? 'host';
  if (!NETWORK_MODES.includes(network)) throw new ConfigError(`network '${network}' is not one of host, none or private (--network)`);
  if (network === 'private' && name === '') throw new ConfigError('--network private needs a container name (-n NAME): the address is kept for that name');
  if (config.nat && network !== 'private') throw new ConfigError('--nat only applies to --network private');
  if (config.bridgeNetns !== undefined && network === 'private') parseBridgeNetns(config.bridgeNetns);
  const limits = parseLimits(config);
  for (const s of [config.initScript, config.shutdownScript]) {
    if (s && !facts.exists(absolute(s, facts.cwd))) throw new ConfigError(`script ${absolute(s, facts.cwd)} does not exist on the host (check -i/-s)`);
  }

  return {
    name,
    hostname: config.hostname || name || 'micro-container',
    libraryDir,
    baseDir,
    owner: `${facts.invoker.uid}:${facts.invoker.gid}`,
    stateDir,
    rootDir: path.join(stateDir, 'root'),
    appDir,
    upperDir: ephemeral ? path.join(stateDir, 'rm', 'upper') : path.join(appDir, 'upper'),
    workDir: ephemeral ? path.join(stateDir, 'rm', 'work') : path.join(appDir, 'work'),
    lowerDirs,
    ephemeral,
    user,
    workdir: workdir ? path.posix.normalize(workdir) : '',
    login: config.login === true,
    volumes,
    env,
    initScript: config.initScript ? absolute(config.initScript, facts.cwd) : '',
    shutdownScript: config.shutdownScript ? absolute(config.shutdownScript, facts.cwd) : '',
    command: config.command ?? [],
    network,
    cgroup: jailCgroup(libraryDir, name, limits, facts.cgroupLayout),
    net: jailNet(config, name, libraryDir, facts),
  };
}
