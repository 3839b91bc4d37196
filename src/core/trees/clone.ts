import { constants, copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError, MicroContainerError } from '../errors.js';
import { execCapture } from '../exec.js';
import { processStartTime } from '../processes.js';
import { withFileLock } from '../rootfs/lock.js';
import { checkTreeName } from './containerize-spec.js';
import {
  available,
  checkCloneNames,
  containerizeStatePath,
  groupPath,
  instancePath,
  isWorkOf,
  listGroups,
  listInstances,
  lockPath,
  mountsUnder,
  overlayPath,
  parseKeeper,
  resolveTrees,
  workPrefix,
} from './layout.js';

/** A build root could not be cloned or removed: it is in use, something is mounted in it, cp failed. */
export class TreesError extends MicroContainerError {
  override name = 'TreesError';
}

export interface CloneOptions {
  /** The trees directory (the caller resolves --trees / MICRO_CONTAINER_TREES); default /trees. */
  trees?: string;
  group: string;
  /** The instance to copy (the template). */
  from: string;
  /** The new instance; must not exist. */
  to: string;
  /** Cancels the clone: the copy stops and nothing is left behind. */
  signal?: AbortSignal;
  /** How long to wait for another clone or removal of TO (default 30 min). */
  lockTimeoutMs?: number;
  /** Called once when another process holds TO's lock and we wait for it. */
  onWait?: () => void;
}

/**
 * How an instance was cloned: `snapshot` when the template is a btrfs subvolume (with no
 * subvolume inside), `reflink` when the filesystem clones extents (btrfs, XFS made with
 * reflink=1, ...), else `copy`, a full copy of the data.
 */
export type CloneMethod = 'snapshot' | 'reflink' | 'copy';

export interface CloneResult {
  /** The new instance's directory. */
  path: string;
  method: CloneMethod;
  /** The clone shares its data with the template instead of duplicating it (snapshot or reflink). */
  reflinked: boolean;
  /** Wall time of the clone (probe, copy or snapshot, measuring the template, rename), lock wait excluded. */
  seconds: number;
  /** The template's apparent size (`du -sb`: file sizes, hard links once, directories included); NaN if du could not tell. */
  bytes: number;
}

/**
 * Clones GROUP/FROM into GROUP/TO (`trees clone GROUP FROM TO`): every file with its
 * owner, mode, times, xattrs (capabilities, ACLs) and hard links, devices, fifos and
 * symlinks as they are, sharing data extents where the filesystem can (cp --reflink=auto).
 * A template that is a btrfs subvolume is snapshotted instead, which visits no file: a
 * Debian root clones in ~0.2 s instead of ~2.7 s (bench/trees-clone.mjs; most of the
 * 0.2 s is du measuring the template).
 *
 * The copy is made in GROUP/.TO.clone-XXXXXX and renamed into place, so TO appears whole
 * or not at all: on a failure, an abort or SIGINT/SIGTERM/SIGHUP the temp is removed (the
 * signal is then re-raised when nobody else listens for it). A clone killed outright
 * leaves its temp behind; the next clone or removal of TO removes it, under TO's lock.
 */
export async function cloneInstance(options: CloneOptions): Promise<CloneResult> {
  const r = await cloneLocked(options, false);
  return r!;
}

/**
 * The Action's `trees-template`: GROUP/TO is cloned from GROUP/FROM unless it is already
 * there (undefined then). Two jobs asking at once clone it once; the second waits.
 */
export async function ensureInstance(options: CloneOptions): Promise<CloneResult | undefined> {
  return cloneLocked(options, true);
}

async function cloneLocked(o: CloneOptions, ifMissing: boolean): Promise<CloneResult | undefined> {
  checkCloneNames(o.group, o.from, o.to);
  const trees = resolveTrees(o.trees);
  const groupDir = groupPath(trees, o.group);
  if (!isDir(groupDir)) throw new ConfigError(`there is no group '${o.group}' in ${trees}: ${available('groups', listGroups(trees))}`);
  const dest = instancePath(trees, o.group, o.to);
  if (ifMissing && exists(dest)) return undefined; // even should the template be gone since
  refuseExisting(dest, o);
  const src = sourceDir(trees, o.group, o.from);
  const mounted = mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), src, false);
  if (mounted.length) {
    throw new TreesError(
      `cannot clone ${o.group}/${o.from}: ${describeMounts(mounted)} mounted inside it, and cp would copy the mounted filesystems; unmount them (or end the containerize session that holds them) first`,
    );
  }
  o.signal?.throwIfAborted();

  let stop: Interruption | undefined;
  try {
    return await withFileLock(
      lockPath(trees, o.group, o.to),
      async () => {
        if (exists(dest)) {
          if (ifMissing) return undefined;
          refuseExisting(dest, o);
        }
        await sweepWork(groupDir, o.to);
        stop = new Interruption(o.signal);
        return await copyInto(src, dest, workPrefix(trees, o.group, o.to, 'clone'), stop, o);
      },
      { timeoutMs: o.lockTimeoutMs, onWait: o.onWait },
    );
  } finally {
    // After the lock is released: a re-raised signal may end the process at once.
    stop?.release();
    stop?.reraise();
  }
}

/**
 * cp (or btrfs) and du die with us (prctl PR_SET_PDEATHSIG, through util-linux's setpriv): were we
 * killed outright, an orphaned cp would go on writing into the temp that the next clone
 * of the instance removes.
 */
const DIE_WITH_US = ['--pdeathsig', 'KILL', '--'];

async function copyInto(src: string, dest: string, prefix: string, stop: Interruption, o: CloneOptions): Promise<CloneResult> {
  const started = performance.now();
  let tmp: string | undefined = mkdtempSync(prefix);
  try {
    let method: CloneMethod;
    let argv: string[];
    if (await snapshottable(src)) {
      method = 'snapshot';
      rmdirSync(tmp); // btrfs makes the snapshot under this name
      argv = ['btrfs', 'subvolume', 'snapshot', '--', src, tmp];
    } else {
      method = probeReflink(tmp) ? 'reflink' : 'copy';
      // -a is --preserve=all, which ignores xattrs that cannot be copied; naming xattr
      // makes such a loss an error, where a build root would silently lose its file
      // capabilities. -T: the template's contents (and its own owner and mode) go into tmp.
      argv = ['cp', '-a', '--preserve=xattr', '--reflink=auto', '--no-target-directory', '--', src, tmp];
    }
    const cp = execCapture('setpriv', [...DIE_WITH_US, ...argv], { signal: stop.controller.signal, killSignal: 'SIGKILL' });
    // du only reads metadata; it runs beside cp, which is mostly waiting for the disk.
    const du = execCapture('setpriv', [...DIE_WITH_US, 'du', '-s', '-b', '--', src], { signal: stop.controller.signal, killSignal: 'SIGKILL' });
    const [c, d] = await Promise.all([cp, du]).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new TreesError('setpriv (util-linux) is not installed: it is needed to clone a build root') : e;
    });
    stop.check(`clone of ${o.group}/${o.from} into ${o.to}`);
    if (c.code !== 0) {
      const what = method === 'snapshot' ? 'btrfs subvolume snapshot' : 'cp -a';
      throw new TreesError(`cloning ${o.group}/${o.from} into ${o.to} failed: ${what} exited with ${c.code}: ${lastLines(c.stderr)}; nothing was made at ${dest}`);
    }
    try {
      renameSync(tmp, dest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
        throw new ConfigError(`${dest} appeared while ${o.group}/${o.from} was being cloned (made by something other than micro-container): remove it or pick another name`);
      }
      throw e;
    }
    tmp = undefined;
    return { path: dest, method, reflinked: method !== 'copy', seconds: (performance.now() - started) / 1000, bytes: Number(/^\d+/.exec(d.stdout)?.[0] ?? NaN) };
  } finally {
    if (tmp !== undefined) await removeTree(tmp);
  }
}

const BTRFS_SUPER_MAGIC = 0x9123683e;
/** The inode number of every btrfs subvolume's top directory. */
const BTRFS_FIRST_FREE_OBJECTID = 256n;

/** Is DIR the top of a btrfs subvolume (as btrfs-progs tells)? */
function isSubvolume(dir: string): boolean {
  try {
    return statfsSync(dir).type === BTRFS_SUPER_MAGIC && lstatSync(dir, { bigint: true }).ino === BTRFS_FIRST_FREE_OBJECTID;
  } catch {
    return false;
  }
}

/**
 * Can DIR be cloned as a btrfs snapshot? It must be a subvolume, btrfs-progs must be
 * there, and no subvolume may be nested in it: a snapshot holds those as empty
 * directories, where cp copies their contents.
 */
async function snapshottable(dir: string): Promise<boolean> {
  if (!isSubvolume(dir)) return false;
  const r = await execCapture('btrfs', ['subvolume', 'list', '-o', dir]).catch(() => undefined);
  return r?.code === 0 && r.stdout.trim() === '';
}

/**
 * Does the filesystem of DIR clone extents? Asked of the kernel directly (FICLONE via
 * copyFileSync's FICLONE_FORCE on a small file), not guessed from the filesystem's name:
 * XFS clones only when made with reflink=1, and others (bcachefs, NFS 4.2...) can too.
 */
function probeReflink(dir: string): boolean {
  const a = path.join(dir, '.reflink-probe');
  const b = `${a}.copy`;
  writeFileSync(a, Buffer.alloc(65536, 0x5a));
  try {
    copyFileSync(a, b, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  }
}

function refuseExisting(dest: string, o: CloneOptions): void {
  if (exists(dest)) {
    throw new ConfigError(`${o.group}/${o.to} already exists (${dest}): remove it first (trees rm ${o.group} ${o.to}) or clone into another name`);
  }
}

/** FROM's real directory, or a ConfigError naming the instances there are. */
function sourceDir(trees: string, group: string, from: string): string {
  const p = instancePath(trees, group, from);
  let real: string;
  try {
    real = realpathSync(p);
  } catch {
    throw new ConfigError(`there is no instance '${from}' in group '${group}' (${p}) to clone: ${available('instances', listInstances(trees, group))}`);
  }
  if (!isDir(real)) throw new ConfigError(`${p} is not a directory, so it is not an instance to clone: ${available('instances', listInstances(trees, group))}`);
  return real;
}

export interface RemoveOptions {
  trees?: string;
  group: string;
  instance: string;
  lockTimeoutMs?: number;
  onWait?: () => void;
}

/**
 * Removes GROUP/INSTANCE (`trees rm GROUP INSTANCE`) and its `--overlay` writes. Refused
 * while a containerize session of it is live, or while anything is mounted in it (rm
 * would go into the mounted filesystem). The instance is first renamed aside, so it
 * disappears at once and whole; the removal of what was renamed follows.
 */
export async function removeInstance(o: RemoveOptions): Promise<void> {
  checkTreeName('group', o.group);
  checkTreeName('instance', o.instance);
  const trees = resolveTrees(o.trees);
  const dir = instancePath(trees, o.group, o.instance);
  if (!exists(dir)) {
    throw new ConfigError(`there is no instance '${o.instance}' in group '${o.group}' (${dir}) to remove: ${available('instances', listInstances(trees, o.group))}`);
  }
  await withFileLock(
    lockPath(trees, o.group, o.instance),
    async () => {
      if (!exists(dir)) return; // removed while we waited: what we were asked is done
      const keeper = liveKeeper(trees, o.group, o.instance);
      if (keeper !== undefined) {
        throw new TreesError(`${o.group}/${o.instance} is in use: a containerize session of it is live (keeper pid ${keeper}); end its sessions, then remove it`);
      }
      const overlay = overlayPath(trees, o.group, o.instance);
      const link = lstatSync(dir).isSymbolicLink();
      const checked = [...(link ? [] : [realpathSync(dir)]), ...(exists(overlay) ? [realpathSync(overlay)] : [])];
      const info = readFileSync('/proc/self/mountinfo', 'utf8');
      const mounted = checked.flatMap((d) => mountsUnder(info, d, true));
      if (mounted.length) {
        throw new TreesError(`cannot remove ${o.group}/${o.instance}: ${describeMounts(mounted)} mounted in it; unmount them first`);
      }
      const groupDir = groupPath(trees, o.group);
      await sweepWork(groupDir, o.instance);
      if (link) {
        unlinkSync(dir); // the link, not what it points to
      } else {
        // rename(2) onto the empty directory mkdtemp made replaces it.
        const subvolume = isSubvolume(dir);
        const aside = mkdtempSync(workPrefix(trees, o.group, o.instance, 'rm'));
        renameSync(dir, aside);
        // A subvolume goes at once (btrfs frees its extents in the background); should
        // that fail (a subvolume nested in it), file by file.
        const deleted = subvolume && (await execCapture('btrfs', ['subvolume', 'delete', '--', aside]).catch(() => undefined))?.code === 0;
        if (!deleted) await removeTree(aside);
      }
      if (exists(overlay)) await removeTree(overlay);
    },
    { timeoutMs: o.lockTimeoutMs, onWait: o.onWait },
  );
}

/** The pid of INSTANCE's live containerize keeper, or undefined (none, or one that died: its pid is another process now). */
export function liveKeeper(trees: string, group: string, instance: string): number | undefined {
  let k;
  try {
    k = parseKeeper(readFileSync(path.join(containerizeStatePath(resolveTrees(trees), group, instance), 'keeper'), 'utf8'));
  } catch {
    return undefined;
  }
  if (!k) return undefined;
  return processStartTime(k.pid) === k.start ? k.pid : undefined;
}

/** Clones and removals of INSTANCE that died (we hold its lock, so none is running). */
async function sweepWork(groupDir: string, instance: string): Promise<void> {
  for (const name of readdirSync(groupDir)) {
    if (isWorkOf(name, instance)) await removeTree(path.join(groupDir, name));
  }
}

/**
 * rm -rf that stays on DIR's filesystem: should something have been mounted inside after
 * our mountinfo check, rm fails rather than empty the mounted filesystem.
 */
async function removeTree(dir: string): Promise<void> {
  const r = await execCapture('rm', ['-rf', '--one-file-system', '--', dir]);
  if (r.code !== 0) throw new TreesError(`could not remove ${dir}: ${lastLines(r.stderr)}; remove it by hand`);
}

/**
 * SIGINT/SIGTERM/SIGHUP during a clone: the copy is stopped (through CONTROLLER, which
 * also follows the caller's AbortSignal) and cleaned up before the process goes.
 * Listening for a signal takes node's default action away, so when ours was the only
 * listener the signal is raised again once the temp is gone.
 */
class Interruption {
  readonly controller = new AbortController();
  private caught: NodeJS.Signals | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private readonly onAbort = () => this.controller.abort();

  constructor(private readonly outer?: AbortSignal) {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const h = () => {
        this.caught ??= sig;
        this.controller.abort();
      };
      this.handlers.set(sig, h);
      process.on(sig, h);
    }
    outer?.addEventListener('abort', this.onAbort);
    if (outer?.aborted) this.controller.abort();
  }

  /** Throws when the work was stopped, whatever the stopped command returned. */
  check(what: string): void {
    if (!this.controller.signal.aborted) return;
    throw new TreesError(`${what} ${this.caught ? `was interrupted by ${this.caught}` : 'was cancelled'}; nothing was left behind`);
  }

  release(): void {
    for (const [sig, h] of this.handlers) process.off(sig, h);
    this.handlers.clear();
    this.outer?.removeEventListener('abort', this.onAbort);
  }

  /** After release(): the caught signal again, for its default action, when nobody else listens. */
  reraise(): void {
    const sig = this.caught;
    if (!sig) return;
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  }
}

function describeMounts(mounts: string[]): string {
  const shown = mounts.slice(0, 5).join(', ') + (mounts.length > 5 ? ` and ${mounts.length - 5} more` : '');
  return `${shown} ${mounts.length === 1 ? 'is' : 'are'}`;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' / ') || 'no message';
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
