import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { Invoker } from '../identity.js';
import { DEFAULT_LIBRARY_DIR, type JailConfig, type Volume } from './config.js';

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
}

export interface SpecFacts {
  invoker: Invoker;
  /** Directory relative paths are taken from (the caller's cwd). */
  cwd: string;
  /** Does this host path exist? (Volumes must; lowerdirs must be directories.) */
  exists(p: string): boolean;
  isDirectory(p: string): boolean;
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
  };
}
