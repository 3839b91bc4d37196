import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ActionsLog } from '../core/cache/actions-log.js';
import { restoreArchive, saveArchive } from '../core/cache/archive-cache.js';
import { cacheAvailable } from '../core/cache/availability.js';
import { rootCacheKey } from '../core/cache/keys.js';
import { sha256File, type RootStore } from '../core/rootfs/store.js';

/**
 * A downloaded root's archive in the Actions cache, keyed by its sha256 (rootCacheKey).
 *
 * The cache calls run in the root process (main and post run as root, through sudo -n,
 * with the step's whole environment, ACTIONS_RUNTIME_TOKEN included): the archive goes
 * straight to and from the root-owned store, and @actions/cache's tar only ever sees that
 * one opaque file, whatever owners and modes are inside it.
 *
 * Only a digest known before the download can be looked up: the rootfs-sha256 pin. An
 * unpinned URL is downloaded (only its server can say what it serves today) and its archive
 * saved under the digest it had, so pinning that digest makes the next run a cache hit.
 * A restored archive is used only when its sha256 is the pinned one.
 */
export interface CacheLog {
  info(line: string): void;
  notice(line: string): void;
  warning(line: string): void;
}

export interface RootRestore {
  hit: boolean;
  /** Bytes restored (a hit). */
  bytes?: number;
  /** For the summary. */
  detail: string;
}

/**
 * @actions/cache's own lines: info and debug as they are (the runner shows them),
 * warnings and errors as info, since the caller words one warning of its own.
 */
export function cacheLineLog(log: CacheLog): ActionsLog {
  return (l) => {
    if (l.level === 'warning' || l.level === 'error') log.info(`actions/cache: ${l.message}`);
    else process.stdout.write(`${l.raw}\n`);
  };
}

/** Why the cache cannot be used with ENV, or undefined when it can. */
export function cacheUnavailable(env: Record<string, string | undefined>): string | undefined {
  const a = cacheAvailable(env);
  return a.available ? undefined : a.reason;
}

/**
 * Restores the archive of DIGEST into the store (store/archives/DIGEST) from the Actions
 * cache, verified: an entry whose sha256 differs is refused (a warning) and the store is
 * left as it was. Never throws for the cache's sake.
 */
export async function restoreRootArchive(store: RootStore, digest: string, log: CacheLog, env: Record<string, string | undefined> = process.env): Promise<RootRestore> {
  const key = rootCacheKey(digest);
  const reason = cacheUnavailable(env);
  if (reason) {
    log.notice(`root not looked up in the Actions cache: ${reason}; downloading it`);
    return { hit: false, detail: 'cache not available' };
  }
  mkdirSync(store.archivesDir, { recursive: true });
  // A name of our own in the store's directory: rename into place is atomic, and a
  // refused entry never sits where addRoot would take it as the archive of DIGEST.
  const tmp = path.join(store.archivesDir, `.cache-${randomBytes(6).toString('hex')}`);
  try {
    const r = await restoreArchive(tmp, key, [], { env, log: cacheLineLog(log) });
    if (!r.matchedKey) {
      if (r.warning) log.warning(`root cache: nothing restored for ${key}: ${r.warning}`);
      else log.info(`root cache: no entry for ${key}`);
      return { hit: false, detail: r.warning ? 'cache restore failed' : 'cache miss' };
    }
    const got = await sha256File(tmp);
    if (got !== digest) {
      log.warning(`root cache: the entry ${key} holds an archive with sha256 ${got}, not ${digest}; refusing it and downloading the root instead`);
      return { hit: false, detail: 'cache entry refused (sha256 mismatch)' };
    }
    const bytes = statSync(tmp).size;
    renameSync(tmp, store.archivePath(digest));
    log.info(`root cache: restored ${key} (${bytes} bytes, sha256 verified)`);
    return { hit: true, bytes, detail: `restored from the cache` };
  } finally {
    rmSync(tmp, { force: true });
  }
}

export interface RootSave {
  saved: boolean;
  bytes?: number;
  detail: string;
}

/** Saves the store's archive of DIGEST under rootCacheKey(DIGEST). Never throws for the cache's sake. */
export async function saveRootArchive(archive: string, digest: string, log: CacheLog, env: Record<string, string | undefined> = process.env): Promise<RootSave> {
  const key = rootCacheKey(digest);
  const reason = cacheUnavailable(env);
  if (reason) {
    log.notice(`root not saved in the Actions cache: ${reason}`);
    return { saved: false, detail: 'not saved: cache not available' };
  }
  if (!existsSync(archive)) return { saved: false, detail: `not saved: ${archive} is gone` };
  const bytes = statSync(archive).size;
  const r = await saveArchive(archive, key, { env, log: cacheLineLog(log) });
  if (r.saved) return { saved: true, bytes, detail: `as ${key}` };
  if (r.exists) {
    log.info(`root cache: ${key} is in the cache already`);
    return { saved: false, detail: 'not saved: the cache has it already' };
  }
  log.warning(`root cache: ${key} not saved: ${r.warning ?? 'unknown reason'}`);
  return { saved: false, detail: 'not saved: the cache service failed' };
}
