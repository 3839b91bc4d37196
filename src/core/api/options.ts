import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { JailConfig, NetworkMode, Volume } from '../jail/config.js';
import { validName } from '../jail/spec.js';
import type { TemplateContext } from './template.js';

/**
 * The pure parts of the library API: what provision() options become (a JailConfig and
 * where the root comes from), the facts a template sees, and the argv of the few commands
 * the API runs inside a container. No I/O here, so that all of it is table-tested.
 */

/** provision()'s options: the original `container` tool's, by name. */
export interface ProvisionOptions {
  /** The container's name (its upper layer and state are kept under it); default: a new one. */
  name?: string;
  /**
   * The root: 'host' (default, the host's `/`), a directory, a store root's name (as
   * `root-NAME` in the library dir, or NAME), or a URL or archive file (added to the store
   * under rootfsName, checked against sha256 when given). Not with image.
   */
  rootfs?: string;
  /** With a URL or archive rootfs: the name it gets in the store (default: the container's). */
  rootfsName?: string;
  /** With a URL or archive rootfs: its expected sha256. */
  sha256?: string;
  /** A stored image (name or digest) to start from. Not with rootfs. */
  image?: string;
  /** user[:group] inside (names or numbers); default: the invoking user. */
  user?: string;
  volumes?: Volume[];
  env?: Record<string, string>;
  /** Where commands start inside; default: the user's home. */
  workdir?: string;
  hostname?: string;
  network?: NetworkMode;
  /** A throwaway upper layer: nothing a run writes outlives it (or the start() it joined). */
  ephemeral?: boolean;
  memory?: string;
  pids?: string;
  cpus?: string;
}

/** Where the container's root comes from, decided from the rootfs option alone. */
export type RootfsSource =
  | { kind: 'host' }
  | { kind: 'directory'; path: string }
  | { kind: 'store'; name: string }
  | { kind: 'archive'; source: string };

/**
 * What ROOTFS names. IS_DIR and IS_FILE answer for paths (absolute after cwd). A bare word
 * that is neither a file nor a directory is a store root's name.
 */
export function classifyRootfs(rootfs: string | undefined, cwd: string, isDir: (p: string) => boolean, isFile: (p: string) => boolean): RootfsSource {
  if (rootfs === undefined || rootfs === '' || rootfs === 'host') return { kind: 'host' };
  if (/^https?:\/\//i.test(rootfs)) return { kind: 'archive', source: rootfs };
  const m = /^root-(.+)$/.exec(rootfs);
  const looksLikePath = rootfs.includes('/') || rootfs.startsWith('.');
  const p = path.resolve(cwd, rootfs);
  if (looksLikePath || !m) {
    if (isDir(p)) return { kind: 'directory', path: p };
    if (isFile(p)) return { kind: 'archive', source: p };
    if (looksLikePath) throw new ConfigError(`rootfs ${p} is neither a directory nor an archive file: give 'host', a directory, a store root's name, a URL or a tarball`);
  }
  const name = m ? m[1]! : rootfs;
  if (!validName(name)) throw new ConfigError(`rootfs '${rootfs}' is not a store root's name: give 'host', a directory, a store root's name (rootfs ls), a URL or a tarball`);
  return { kind: 'store', name };
}

/** A new container name when none is given: short, valid, unlikely to collide. */
export function generatedName(randomHex: string): string {
  return `api-${randomHex.slice(0, 10)}`;
}

/** provision()'s options + decided lower dirs -> the JailConfig every run of it starts from. Pure. */
export function provisionConfig(o: ProvisionOptions, where: { libraryDir: string; baseDir?: string; name: string; lowerDirs: string[] }): JailConfig {
  if (o.rootfs !== undefined && o.image !== undefined) throw new ConfigError("give either rootfs or image, not both: an image carries its own root");
  if (!validName(where.name)) throw new ConfigError(`container name '${where.name}' is not valid: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
  const config: JailConfig = { libraryDir: where.libraryDir, name: where.name, lowerDirs: where.lowerDirs };
  if (where.baseDir) config.baseDir = where.baseDir;
  if (o.user !== undefined) config.user = o.user;
  if (o.volumes?.length) config.volumes = o.volumes.map((v) => ({ host: v.host, guest: v.guest, readOnly: v.readOnly === true }));
  if (o.env && Object.keys(o.env).length) config.env = { ...o.env };
  if (o.workdir !== undefined) config.workdir = o.workdir;
  if (o.hostname !== undefined) config.hostname = o.hostname;
  if (o.network !== undefined) config.network = o.network;
  if (o.ephemeral) config.ephemeral = true;
  if (o.memory !== undefined) config.memory = o.memory;
  if (o.pids !== undefined) config.pids = o.pids;
  if (o.cpus !== undefined) config.cpus = o.cpus;
  return config;
}

/** run()'s per-run options over the container's config (a launcher per distinct result). Pure. */
export function runConfig(base: JailConfig, argv: readonly string[], o: { env?: Record<string, string>; cwd?: string; user?: string }): JailConfig {
  if (argv.length === 0) throw new ConfigError('run() needs a command: give an argv such as [\'make\', \'-j2\'] (use [\'sh\', \'-c\', \'...\'] for a shell line)');
  const out: JailConfig = { ...base, command: [...argv] };
  if (o.env && Object.keys(o.env).length) out.env = { ...(base.env ?? {}), ...o.env };
  if (o.cwd !== undefined) out.workdir = o.cwd;
  if (o.user !== undefined) out.user = o.user;
  return out;
}

/** What the container itself says about its user, from identityArgv's output. */
export interface Identity {
  uid: number;
  gid: number;
  user: string;
  home: string;
  hostname: string;
}

/** Asks the container who its user is: one line each (id(1) and the launcher's HOME). */
export const IDENTITY_ARGV = ['/bin/sh', '-c', 'id -u; id -g; id -un 2>/dev/null || id -u; printf "%s\\n" "$HOME"; hostname 2>/dev/null || printf "%s\\n" "$HOSTNAME"'];

/** IDENTITY_ARGV's output -> Identity. Pure; JailError-free: a ConfigError says what was wrong. */
export function parseIdentity(text: string): Identity {
  const [uid, gid, user, home, hostname] = text.replace(/\n$/, '').split('\n');
  if (!/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '') || home === undefined) {
    throw new ConfigError(`the container could not say who its user is (got ${JSON.stringify(text.slice(0, 200))}): its root needs sh and id`);
  }
  return { uid: Number(uid), gid: Number(gid), user: user || uid!, home: home || '/', hostname: hostname ?? '' };
}

/** The facts templates see: the container's, under the caller's context (the context wins). Pure. */
export function templateContext(
  facts: { name: string; identity: Identity; network: NetworkMode; ip?: string; mac?: string; gateway?: string; image?: string; rootfs: string },
  context: TemplateContext = {},
): TemplateContext {
  const id = facts.identity;
  return {
    name: facts.name,
    hostname: id.hostname || facts.name,
    user: id.user,
    uid: id.uid,
    gid: id.gid,
    home: id.home,
    network: facts.network,
    ip: facts.ip ?? null,
    mac: facts.mac ?? null,
    gateway: facts.gateway ?? null,
    image: facts.image ?? null,
    rootfs: facts.rootfs,
    ...context,
  };
}

/** Unpacks a plain tar from stdin into DEST (made first), as whoever runs it (so owned by it). */
export function untarArgv(dest: string, asRoot = false): string[] {
  if (!dest.startsWith('/')) throw new ConfigError(`loadArchive dest '${dest}' must be an absolute path inside the container`);
  // --no-same-owner as root: what is unpacked is root's, not the archive's owners'.
  return ['/bin/sh', '-c', `mkdir -p -- "$1" && exec tar -x${asRoot ? ' --no-same-owner' : ''} -f - -C "$1"`, 'mc-untar', dest];
}

export interface WriteFileOptions {
  /** File mode, e.g. 0o600 or '600'. */
  mode?: number | string;
  /** owner[:group] of the file (names or numbers, as chown takes them). */
  owner?: string;
  /** Who writes it (default root): a user without the right to write there gets an error. */
  user?: string;
}

/** Writes stdin to FILE inside (parents made), then mode and owner when asked. Pure. */
export function writeFileArgv(file: string, o: WriteFileOptions = {}): string[] {
  if (!file.startsWith('/')) throw new ConfigError(`writeFile path '${file}' must be an absolute path inside the container`);
  const mode = o.mode === undefined ? '' : typeof o.mode === 'number' ? o.mode.toString(8) : o.mode;
  if (mode !== '' && !/^[0-7]{3,4}$/.test(mode)) throw new ConfigError(`writeFile mode '${o.mode}' is not an octal mode such as 0o644 or '600'`);
  if (o.owner !== undefined && !/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(o.owner)) throw new ConfigError(`writeFile owner '${o.owner}' is not of the form user[:group]`);
  let script = 'mkdir -p -- "${1%/*}/" && cat > "$1"';
  if (mode) script += ` && chmod ${mode} -- "$1"`;
  if (o.owner) script += ` && chown ${o.owner} -- "$1"`;
  return ['/bin/sh', '-c', script, 'mc-write', file];
}

/** The line the keep-alive prints once every startup command has run. */
export const READY_LINE = 'mc-startup-ready';
/** The line it prints when startup command N (from 1) failed with status S: `mc-startup-failed N S`. */
export const FAILED_PREFIX = 'mc-startup-failed';

/**
 * start()'s command: the startup commands in order (each by sh -c, stdin /dev/null, output
 * to stderr), then the ready line, then it stays up until stop(). A command that
 * daemonizes leaves its daemon in the container, which lives as long as this does.
 */
export function keepAliveArgv(startup: readonly string[]): string[] {
  const script = [
    'i=0',
    'for c do',
    '  i=$((i+1))',
    `  sh -c "$c" </dev/null >&2 || { s=$?; echo "${FAILED_PREFIX} $i $s"; exit "$s"; }`,
    'done',
    `echo ${READY_LINE}`,
    // Our stdout and stderr go: only the daemons started above keep the pipes.
    'exec >/dev/null 2>&1',
    'while :; do sleep 3600; done',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'mc-keepalive', ...startup];
}

/** keepAliveArgv's output line -> what it says. Pure. */
export function parseStartupLine(line: string): { ready: true } | { failed: { index: number; status: number } } | undefined {
  if (line === READY_LINE) return { ready: true };
  const m = new RegExp(`^${FAILED_PREFIX} (\\d+) (\\d+)$`).exec(line);
  return m ? { failed: { index: Number(m[1]), status: Number(m[2]) } } : undefined;
}

/** A startup command must be one non-empty line of sh. */
export function checkStartupCommand(command: string): void {
  if (typeof command !== 'string' || command.trim() === '') throw new ConfigError('a startup command is a non-empty line of sh, such as \'redis-server --daemonize yes\'');
  if (command.includes('\0')) throw new ConfigError('a startup command cannot hold a NUL byte');
}
