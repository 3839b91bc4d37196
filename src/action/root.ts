import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import { addRoot } from '../core/rootfs/add.js';
import { RootStore } from '../core/rootfs/store.js';
import type { RootfsSource } from './inputs.js';
import { restoreRootArchive, type CacheLog } from './root-cache.js';

/** The root the container's overlay sits on, and how it was had. */
export interface ResolvedRoot {
  /** The lower directory (root-path output). */
  path: string;
  /** For the summary. */
  detail: string;
  downloaded: boolean;
  extracted: boolean;
  sha256?: string;
  /** The archive came from the Actions cache (rootfs-cache-hit). */
  cacheHit: boolean;
  /** Bytes restored from the cache, or downloaded. */
  restoredBytes?: number;
  downloadedBytes?: number;
  /** A downloaded archive for post to save in the Actions cache. */
  toSave?: { archive: string; sha256: string };
}

export interface ResolveOptions {
  libraryDir: string;
  name: string;
  sha256?: string;
  log: (line: string) => void;
  /** Look the root up in (and have post save it to) the Actions cache: the `cache` input. */
  cache?: boolean;
  cacheLog?: CacheLog;
  env?: Record<string, string | undefined>;
}

/**
 * rootfs input -> a directory: the host's `/`, a directory as it is, or a tarball/URL
 * through the core's content-addressed store in libraryDir (kept between jobs on a
 * self-hosted runner: a known digest is neither downloaded nor extracted again).
 */
export async function resolveRoot(source: RootfsSource, options: ResolveOptions): Promise<ResolvedRoot> {
  switch (source.kind) {
    case 'host':
      return { path: '/', detail: "the host's /", downloaded: false, extracted: false, cacheHit: false };
    case 'trees':
      // Not a directory for the jail: main runs the instance through containerize (trees.ts).
      throw new ConfigError(`rootfs 'trees:${source.group}/${source.instance}' is run through containerize, not resolved to a directory`);
    case 'path': {
      let st;
      try {
        st = statSync(source.path);
      } catch {
        throw new ConfigError(`input 'rootfs': ${source.path} does not exist (give host, an http(s) URL, a tarball or a directory)`);
      }
      if (st.isDirectory()) {
        if (options.sha256) throw new ConfigError(`input 'rootfs-sha256' pins a tarball or URL, but ${source.path} is a directory`);
        return { path: realpathSync(source.path), detail: `directory ${source.path}`, downloaded: false, extracted: false, cacheHit: false };
      }
      // A local tarball is read where it is: nothing to download, so nothing to cache.
      return fromStore(source.path, { ...options, cache: false });
    }
    case 'url':
      return fromStore(source.url, options);
  }
}

async function fromStore(src: string, options: ResolveOptions): Promise<ResolvedRoot> {
  const store = new RootStore(options.libraryDir);
  const pin = options.sha256;
  const cacheLog = options.cacheLog ?? { info: options.log, notice: options.log, warning: options.log };
  let restore: { hit: boolean; bytes?: number; detail: string } | undefined;
  // Only a pinned digest is looked up, and only when the store cannot give the root itself.
  if (options.cache && pin && !store.hasRoot(pin) && !existsSync(store.archivePath(pin))) {
    restore = await restoreRootArchive(store, pin, cacheLog, options.env ?? process.env);
  }
  const r = await addRoot(store, `action-${options.name}`.slice(0, 63), src, { sha256: pin, log: options.log });
  const cacheHit = restore?.hit === true && !r.downloaded;
  const what = r.downloaded ? 'downloaded and ' : cacheHit ? 'restored from the Actions cache and ' : '';
  const how = r.extracted ? `${what}extracted` : 'found in the store';
  const archive = r.sha256 ? store.archivePath(r.sha256) : undefined;
  const downloadedBytes = r.downloaded && archive && existsSync(archive) ? statSync(archive).size : undefined;
  const toSave = options.cache && r.downloaded && r.sha256 && archive ? { archive, sha256: r.sha256 } : undefined;
  if (toSave && !pin) {
    options.log(`pin rootfs-sha256: ${r.sha256} to have the next run restore this root from the Actions cache instead of downloading it`);
  }
  return {
    path: r.entry.path,
    detail: `${path.basename(src)} (${how}${r.sha256 ? `, sha256 ${r.sha256.slice(0, 12)}` : ''}${restore && !cacheHit ? `; ${restore.detail}` : ''})`,
    downloaded: r.downloaded,
    extracted: r.extracted,
    sha256: r.sha256,
    cacheHit,
    restoredBytes: cacheHit ? restore?.bytes : undefined,
    downloadedBytes,
    toSave,
  };
}
