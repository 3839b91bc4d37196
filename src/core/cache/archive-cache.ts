import { lstatSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as actionsCache from '@actions/cache';
import { passThrough, type ActionsLog } from './actions-log.js';
import { cacheAvailable } from './availability.js';
import { ArchiveCacheError } from './errors.js';
import { checkCacheKey, checkRestoreKeys } from './keys.js';
import { failureText, refusedAsExisting, RESTORE_FAILURE, SAVE_FAILURE, saveFailed } from './outcome.js';
import { inCacheScope } from './process-scope.js';
import { linkOrCopy, makeWorkDir, moveIntoPlace } from './work-dir.js';

/**
 * One archive file that micro-container wrote (as root: numeric owners, xattrs, whiteouts)
 * in the GitHub Actions cache. Never raw trees: @actions/cache runs the system tar as the
 * calling user, which would lose ownership and could not read root's 0600 files. The
 * archive travels as one opaque member, so its bytes come back identical.
 *
 * Each call works in a fresh directory W holding the archive under one fixed name, and runs
 * @actions/cache with HOME, GITHUB_WORKSPACE and RUNNER_TEMP set to W, caching the path
 * `~/micro-container-archive`:
 * - the cache version (a hash of the path strings and the compression) is the same on every
 *   machine and for every destination, so a restore anywhere finds what a save anywhere wrote;
 * - tar stores the one member `micro-container-archive`, relative to W, and extracts it into
 *   the restore's own W, from where it is renamed over the destination: a reader of the
 *   destination never sees a half-restored file;
 * - @actions/cache's own temp files (its tar.zst, its manifest) land in W and go with it.
 * Changing ENTRY_NAME changes the version: do that to make old entries unmatchable.
 *
 * Time: @actions/cache retries a failing service on its own and cannot be told otherwise.
 * Measured with 6.3 against a server answering 5xx: v1 requests and all downloads give up
 * after 10 s (2 attempts and a 5 s sleep after each, for 502/503/504; at once for other
 * codes); v2's Twirp calls after about 27-33 s (5 attempts, 3 s x 1.5^n apart, for
 * 500/502/503/504); a v2 blob upload fails at once. A service that accepts a connection and
 * never answers is not bounded by @actions/cache: the step's timeout is.
 */
const ENTRY_NAME = 'micro-container-archive';
const CACHE_PATHS = [`~/${ENTRY_NAME}`];

export interface CacheCallOptions {
  /**
   * Variables for @actions/cache during the call, over process.env (which it reads):
   * ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, ACTIONS_CACHE_URL, ... undefined removes one.
   */
  env?: Record<string, string | undefined>;
  /**
   * Receives each line @actions/cache logs (through @actions/core, on stdout) as it is
   * written. Default: the line goes to stdout unchanged, as if @actions/cache were called
   * directly, which is right inside an Actions job (masks and annotations keep working); a
   * CLI would rather print only warnings.
   */
  log?: ActionsLog;
}

export interface SaveArchiveResult {
  saved: boolean;
  /** The cache entry's id, or -1 when nothing was saved (what @actions/cache returns). */
  id: number;
  /**
   * The service refused because an entry with this key exists, or is being uploaded (by
   * another job, or by one that failed half-way: the service forgets those only later).
   * Entries are immutable. Not a failure.
   */
  exists: boolean;
  /** Why nothing was saved, for the caller to show as a warning. */
  warning?: string;
}

export interface RestoreArchiveResult {
  /** The key of the entry restored; undefined when nothing was restored. */
  matchedKey: string | undefined;
  /** The primary key itself matched, not a longer key it prefixes nor a restore key. */
  exactHit: boolean;
  /** Why nothing was restored when something failed (unset on a plain miss). */
  warning?: string;
}

/**
 * Saves the archive `file` under `key`. Never throws for the cache's sake: an unavailable
 * service, an existing key, a failed upload all give `saved: false` with a warning. Throws
 * ArchiveCacheError only when `file` is not a readable regular file.
 */
export async function saveArchive(file: string, key: string, options: CacheCallOptions = {}): Promise<SaveArchiveResult> {
  const notSaved = (warning: string, exists = false): SaveArchiveResult => ({ saved: false, id: -1, exists, warning });
  const keyProblem = checkCacheKey(key);
  if (keyProblem) return notSaved(keyProblem);
  const env = { ...process.env, ...options.env };
  const availability = cacheAvailable(env);
  if (!availability.available) return notSaved(availability.reason);
  if (!availability.write) return notSaved(`the effective cache-mode '${env['ACTIONS_CACHE_MODE']}' does not permit writes`);

  const source = path.resolve(file);
  let stat;
  try {
    stat = statSync(source);
  } catch (error) {
    throw new ArchiveCacheError(`cannot save ${source} in the Actions cache: ${(error as Error).message}`);
  }
  if (!stat.isFile()) throw new ArchiveCacheError(`cannot save ${source} in the Actions cache: not a regular file`);

  const work = makeWorkDir(path.dirname(source), '.mc-cache-save-');
  if (!work) return notSaved(`no directory to stage ${source} in: neither its directory nor the temp dir is writable and free of white space, quotes and backslashes`);
  try {
    try {
      linkOrCopy(source, path.join(work, ENTRY_NAME));
    } catch (error) {
      throw new ArchiveCacheError(`cannot save ${source} in the Actions cache: ${(error as Error).message}`);
    }
    const { value, lines } = await inCacheScope(scopeEnv(options.env, work), options.log ?? passThrough, () =>
      actionsCache.saveCache(CACHE_PATHS, key).catch((error: unknown) => error as Error),
    );
    if (value instanceof Error) return notSaved(value.message);
    if (!saveFailed(value, lines)) return { saved: true, id: value, exists: false };
    if (refusedAsExisting(lines)) return notSaved(`the cache already has an entry for '${key}' (saved, or being saved by another job); entries cannot be replaced`, true);
    return notSaved(failureText(lines, SAVE_FAILURE) ?? 'the cache service did not save the entry');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Restores the newest entry matching `primaryKey` (exactly, then as a prefix), else the
 * first of `restoreKeys` that matches, into `dest`. `dest` is replaced atomically on a hit
 * and untouched otherwise; its directory is created. Never throws.
 */
export async function restoreArchive(dest: string, primaryKey: string, restoreKeys: readonly string[] = [], options: CacheCallOptions = {}): Promise<RestoreArchiveResult> {
  const miss = (warning?: string): RestoreArchiveResult => (warning === undefined ? { matchedKey: undefined, exactHit: false } : { matchedKey: undefined, exactHit: false, warning });
  const keyProblem = checkRestoreKeys(primaryKey, restoreKeys);
  if (keyProblem) return miss(keyProblem);
  const env = { ...process.env, ...options.env };
  const availability = cacheAvailable(env);
  if (!availability.available) return miss(availability.reason);
  if (!availability.read) return miss(`the effective cache-mode '${env['ACTIONS_CACHE_MODE']}' does not permit reads`);

  const target = path.resolve(dest);
  try {
    mkdirSync(path.dirname(target), { recursive: true });
  } catch (error) {
    return miss(`cannot create the directory of ${target}: ${(error as Error).message}`);
  }
  const work = makeWorkDir(path.dirname(target), '.mc-cache-restore-');
  if (!work) return miss(`no directory to restore ${target} in: neither its directory nor the temp dir is writable and free of white space, quotes and backslashes`);
  try {
    const { value, lines } = await inCacheScope(scopeEnv(options.env, work), options.log ?? passThrough, () =>
      actionsCache.restoreCache(CACHE_PATHS, primaryKey, [...restoreKeys]).catch((error: unknown) => error as Error),
    );
    if (value instanceof Error) return miss(value.message);
    if (value === undefined) return miss(failureText(lines, RESTORE_FAILURE));
    const restored = path.join(work, ENTRY_NAME);
    let isFile = false;
    try {
      isFile = lstatSync(restored).isFile();
    } catch {
      // Missing: reported below.
    }
    if (!isFile) return miss(`the cache entry '${value}' does not hold a micro-container archive`);
    try {
      moveIntoPlace(restored, target);
    } catch (error) {
      return miss(`cannot move the restored archive to ${target}: ${(error as Error).message}`);
    }
    return { matchedKey: value, exactHit: value === primaryKey };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The caller's variables, and the three that pin @actions/cache's paths to `work` (see above). */
function scopeEnv(env: Record<string, string | undefined> | undefined, work: string): Record<string, string | undefined> {
  return { ...env, HOME: work, GITHUB_WORKSPACE: work, RUNNER_TEMP: work };
}
