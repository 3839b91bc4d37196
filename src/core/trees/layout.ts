import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { checkTreeName, containerizeId, DEFAULT_TREES, STATE_ROOT } from './containerize-spec.js';

/**
 * Where things live under a trees directory (default /trees):
 *
 *   TREES/GROUP/INSTANCE            a build root
 *   TREES/GROUP/.container/         the group's scripts (containerize hooks)
 *   TREES/GROUP/.overlay/INSTANCE/  upper and work dirs of `containerize --overlay`
 *   TREES/GROUP/.INSTANCE.lock      held while INSTANCE is cloned or removed
 *   TREES/GROUP/.INSTANCE.clone-XXXXXX, .INSTANCE.rm-XXXXXX   work in progress
 *
 * Everything of ours that is not an instance starts with '.', which no instance name may
 * (checkTreeName), so listing needs no list of reserved names.
 */

/** The trees directory, absolute: TREES as given (already --trees/env-resolved by the caller), else /trees. */
export function resolveTrees(trees: string | undefined): string {
  return path.resolve(trees || DEFAULT_TREES);
}

export function groupPath(trees: string, group: string): string {
  return path.join(trees, group);
}

export function instancePath(trees: string, group: string, instance: string): string {
  return path.join(trees, group, instance);
}

/** GROUP/.container: the group's containerize scripts. */
export function hooksPath(trees: string, group: string): string {
  return path.join(trees, group, '.container');
}

/** GROUP/.overlay/INSTANCE: where `containerize --overlay` keeps INSTANCE's writes (as containerize-spec.ts). */
export function overlayPath(trees: string, group: string, instance: string): string {
  return path.join(trees, group, '.overlay', instance);
}

/** The lock taken by clone and rm of INSTANCE: beside it, so it needs no other directory. */
export function lockPath(trees: string, group: string, instance: string): string {
  return path.join(trees, group, `.${instance}.lock`);
}

export type WorkKind = 'clone' | 'rm';

/** The prefix mkdtemp completes for a clone into, or a removal of, INSTANCE. */
export function workPrefix(trees: string, group: string, instance: string, kind: WorkKind): string {
  return path.join(trees, group, `.${instance}.${kind}-`);
}

/**
 * Is NAME (an entry of the group directory) a clone or removal in progress for INSTANCE?
 * Exactly mkdtemp's six characters, so that `.a.clone-XXXXXX` of instance `a` is never
 * confused with the work of an instance called `a.clone-abcdef`.
 */
export function isWorkOf(name: string, instance: string): boolean {
  const p = `.${instance}.`;
  if (!name.startsWith(p)) return false;
  return /^(clone|rm)-[A-Za-z0-9]{6}$/.test(name.slice(p.length));
}

/**
 * containerize's state directory for INSTANCE (its `keeper` file says whether a session
 * is live), as buildContainerizeSpec names it. (Not through buildContainerizeSpec, which
 * also reads and validates the group's scripts: a bad unshare-options must not stop
 * `trees rm`.)
 */
export function containerizeStatePath(trees: string, group: string, instance: string): string {
  return path.join(STATE_ROOT, containerizeId(trees, group, instance));
}

/** Checks the names of a clone: three valid names, FROM and TO different. */
export function checkCloneNames(group: string, from: string, to: string): void {
  checkTreeName('group', group);
  checkTreeName('instance', from);
  checkTreeName('instance', to);
  if (from === to) throw new ConfigError(`cannot clone ${group}/${from} onto itself: name a new instance to clone it into`);
}

export interface DirEntry {
  name: string;
  /** A directory, or a symlink to one. */
  dir: boolean;
}

/**
 * The group or instance names among a directory's entries: directories whose names are
 * valid tree names (so `.container`, `.overlay`, locks and work in progress are left
 * out), sorted. Pure.
 */
export function treeNames(entries: DirEntry[]): string[] {
  return entries
    .filter((e) => e.dir && validName(e.name))
    .map((e) => e.name)
    .sort();
}

function validName(name: string): boolean {
  try {
    checkTreeName('instance', name);
    return true;
  } catch {
    return false;
  }
}

function dirEntries(dir: string): DirEntry[] {
  return readdirSync(dir, { withFileTypes: true }).map((e: Dirent) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && isDir(path.join(dir, e.name))) }));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The groups under TREES; none when TREES does not exist. */
export function listGroups(trees: string): string[] {
  if (!isDir(trees)) return [];
  return treeNames(dirEntries(trees));
}

/** The instances of GROUP; a ConfigError naming the groups there are when GROUP is not one. */
export function listInstances(trees: string, group: string): string[] {
  checkTreeName('group', group);
  const dir = groupPath(trees, group);
  if (!isDir(dir)) throw new ConfigError(`there is no group '${group}' in ${trees}: ${available('groups', listGroups(trees))}`);
  return treeNames(dirEntries(dir));
}

/** "groups there: a, b" or "there are none", for error messages. */
export function available(what: string, names: string[]): string {
  return names.length ? `${what} there: ${names.join(', ')}` : `there are no ${what}`;
}

/** A mount point as mountinfo writes it, with its octal escapes (\040 for a space...) undone. */
export function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The mount points in MOUNTINFO (/proc/self/mountinfo's text) strictly beneath DIR, and
 * DIR itself when `self` is set. DIR must be a real path (no symlinks), as mountinfo's are.
 * Pure.
 */
export function mountsUnder(mountinfo: string, dir: string, self: boolean): string[] {
  const base = dir === '/' ? '' : dir.replace(/\/+$/, '');
  const found: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (!field) continue;
    const mp = unescapeMountPath(field);
    if (mp.startsWith(`${base}/`) || (self && mp === (base || '/'))) found.push(mp);
  }
  return [...new Set(found)].sort();
}

/** A live containerize keeper as its `keeper` file records it ("PID STARTTIME"), or undefined. Pure. */
export function parseKeeper(text: string): { pid: number; start: string } | undefined {
  const m = /^(\d+) (\d+)\s*$/.exec(text);
  return m ? { pid: Number(m[1]), start: m[2]! } : undefined;
}
