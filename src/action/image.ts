import { chownSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { saveArchive } from '../core/cache/archive-cache.js';
import { imageCacheKey } from '../core/cache/keys.js';
import { writeImageFile } from '../core/image/image-file.js';
import { saveContainerImage } from '../core/image/save.js';
import { ImageStore } from '../core/image/store.js';
import type { SaveImageIf } from './inputs.js';
import { cacheLineLog, cacheUnavailable, type CacheLog } from './root-cache.js';

/**
 * Saving the container's layer as an image in post: a pure decision (saveDecision), then
 * the saver: layer -> image in the library's store -> one image file -> the Actions cache
 * (under image-cache-key) and/or the save-image path.
 */
export interface SaveDecision {
  save: boolean;
  reason: string;
}

export interface SaveRequest {
  /** image-cache-key, if any. */
  cacheKey?: string;
  /** save-image: a file path to write the image to, if any. */
  path?: string;
  policy: SaveImageIf;
  /** Did the job's own build fail? (main's `run`; later steps' outcomes are not known to post.) */
  failed: boolean;
  /** Was exactly cacheKey restored by main? The cache entry is then already there. */
  exactHit: boolean;
}

export function saveDecision(r: SaveRequest): SaveDecision {
  if (!r.cacheKey && !r.path) return { save: false, reason: 'no image-cache-key or save-image was given' };
  if (r.policy === 'never') return { save: false, reason: 'save-image-if is never' };
  if (r.policy === 'success' && r.failed) return { save: false, reason: 'the build failed and save-image-if is success' };
  if (r.exactHit && !r.path) return { save: false, reason: `image ${r.cacheKey} was restored exactly; the cache has it already` };
  return { save: true, reason: r.policy === 'always' ? 'save-image-if is always' : 'the build succeeded' };
}

export interface SavedImage {
  /** The save-image file written, if asked for. */
  path?: string;
  digest: string;
  /** The image file's size. */
  bytes: number;
  /** What happened with the Actions cache, for the summary. */
  cache: string;
}

export interface ImageSaveContext {
  /** The container's name, and the jail's library dir holding its run record. */
  container: string;
  jailLibraryDir: string;
  /** A scratch directory of the job's (removed by post) for the image file when no path is asked for. */
  scratchDir: string;
  /** The runner user: owner of the save-image file. */
  owner: { uid: number; gid: number };
  log: CacheLog;
  env: Record<string, string | undefined>;
}

/**
 * Saves the container's upper layer as an image for REQUEST: saveContainerImage (the
 * jail's library dir sees the shared store through its `store` link, so the image knows
 * its base root by digest), then writeImageFile, then the cache (unless the primary key
 * was an exact hit) and the save-image path. A cache that fails warns; the file stays.
 */
export async function saveImage(request: SaveRequest, c: ImageSaveContext): Promise<SavedImage> {
  const img = await saveContainerImage({ container: c.container, libraryDir: c.jailLibraryDir });
  const store = new ImageStore(c.jailLibraryDir);
  let file: string;
  if (request.path) {
    mkdirSync(path.dirname(request.path), { recursive: true });
    file = (await writeImageFile(store, img.digest, request.path)).file;
    chownSync(file, c.owner.uid, c.owner.gid);
  } else {
    mkdirSync(c.scratchDir, { recursive: true });
    file = (await writeImageFile(store, img.digest, path.join(c.scratchDir, 'image.tar'))).file;
  }
  const bytes = statSync(file).size;
  let cache = 'no image-cache-key';
  try {
    if (request.cacheKey && request.exactHit) cache = `the cache has ${request.cacheKey} already (restored exactly)`;
    else if (request.cacheKey) {
      const key = imageCacheKey(request.cacheKey);
      const reason = cacheUnavailable(c.env);
      if (reason) {
        c.log.warning(`image not saved in the Actions cache: ${reason}`);
        cache = 'not cached: cache not available';
      } else {
        const r = await saveArchive(file, key, { env: c.env, log: cacheLineLog(c.log) });
        if (r.saved) cache = `cached as ${request.cacheKey}`;
        else if (r.exists) {
          c.log.info(`image cache: ${request.cacheKey} is in the cache already`);
          cache = `not cached: the cache has ${request.cacheKey} already`;
        } else {
          c.log.warning(`image cache: ${request.cacheKey} not saved: ${r.warning ?? 'unknown reason'}`);
          cache = 'not cached: the cache service failed';
        }
      }
    }
  } finally {
    if (!request.path && existsSync(file)) rmSync(file, { force: true });
  }
  return { path: request.path ? file : undefined, digest: img.digest, bytes, cache };
}
