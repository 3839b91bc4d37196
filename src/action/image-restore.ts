import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { restoreArchive } from '../core/cache/archive-cache.js';
import { imageCacheKey, imageRestoreKeys, userImageKey } from '../core/cache/keys.js';
import { ConfigError } from '../core/errors.js';
import type { JailConfig } from '../core/jail/config.js';
import { ImageError } from '../core/image/errors.js';
import { loadImageFile } from '../core/image/image-file.js';
import type { ImageBase } from '../core/image/manifest.js';
import { describeBase, resolveImageConfig } from '../core/image/resolve.js';
import { ImageStore } from '../core/image/store.js';
import { RootStore } from '../core/rootfs/store.js';
import type { ActionConfig } from './inputs.js';
import { cacheLineLog, cacheUnavailable, type CacheLog } from './root-cache.js';

/**
 * Main's side of `image-cache-key`: the newest image file matching the key (then the
 * restore keys' prefixes) from the Actions cache, loaded (verified) into the library's
 * image store, and turned into the container's lower dirs: its layers over the job's root.
 * Runs in the root process, like the root archive's restore (root-cache.ts).
 */
export interface ImageRestore {
  /** The user's key that matched (without our prefix); undefined: nothing restored. */
  matchedKey?: string;
  /** The primary key itself matched. */
  exactHit: boolean;
  digest?: string;
  /** The container's lower dirs, topmost first (layers, then the root); undefined: the root alone. */
  lowerDirs?: string[];
  bytes?: number;
  detail: string;
}

/** Refuses what cannot carry an image, before anything is made. */
export function checkImageInputs(cfg: ActionConfig): void {
  if (cfg.rootfs.kind === 'trees' && (cfg.imageCacheKey || cfg.saveImage)) {
    throw new ConfigError("inputs 'image-cache-key' and 'save-image' do not apply to a trees: root (its instance keeps what it builds): remove them");
  }
  if (cfg.rootfs.kind === 'host' && cfg.imageCacheKey) {
    // An image is stacked as overlay lower dirs over its base; over the host's / those
    // layers live inside the lower (the library is on /'s filesystem), which overlayfs refuses.
    throw new ConfigError(
      "input 'image-cache-key' needs a root of its own: images cannot be stacked over the host's / (overlayfs refuses layers that live inside the lower). Set rootfs to a URL, tarball or directory (e.g. an Alpine or Debian minirootfs), or remove image-cache-key",
    );
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Whether image base BASE is the job's root ROOTPATH (a store root by its directory, or the same directory). */
export function sameRoot(base: ImageBase, rootPath: string, roots: RootStore): boolean {
  const dir = base.id !== undefined ? roots.rootDir(base.id) : base.path;
  return dir !== undefined && real(dir) === real(rootPath);
}

export async function restoreImage(cfg: ActionConfig, rootPath: string, log: CacheLog, env: Record<string, string | undefined>): Promise<ImageRestore> {
  const primary = imageCacheKey(cfg.imageCacheKey!);
  const restoreKeys = imageRestoreKeys(cfg.imageRestoreKeys);
  const reason = cacheUnavailable(env);
  if (reason) {
    log.notice(`image not looked up in the Actions cache: ${reason}; starting from the root`);
    return { exactHit: false, detail: 'cache not available; started from the root' };
  }
  const store = new ImageStore(cfg.libraryDir);
  mkdirSync(store.dir, { recursive: true });
  // In the store's directory: root-owned, and on the filesystem the image is loaded to.
  const tmp = path.join(store.dir, `.cache-${randomBytes(6).toString('hex')}`);
  try {
    const r = await restoreArchive(tmp, primary, restoreKeys, { env, log: cacheLineLog(log) });
    if (!r.matchedKey) {
      if (r.warning) log.warning(`image cache: nothing restored for ${cfg.imageCacheKey}: ${r.warning}`);
      else log.info(`image cache: no entry for ${cfg.imageCacheKey}${restoreKeys.length ? ' or its restore keys' : ''}`);
      return { exactHit: false, detail: r.warning ? 'cache restore failed; started from the root' : 'cache miss; started from the root' };
    }
    const matched = userImageKey(r.matchedKey) ?? r.matchedKey;
    const bytes = statSync(tmp).size;
    let loaded;
    try {
      loaded = await loadImageFile(store, tmp);
    } catch (e) {
      // A damaged entry costs a cold build, not the job.
      if (!(e instanceof ImageError)) throw e;
      log.warning(`image cache: the entry ${matched} is not a usable image (${e.message}); starting from the root`);
      return { exactHit: false, detail: 'cache entry refused; started from the root' };
    }
    const base = loaded.manifest.base;
    if (!sameRoot(base, rootPath, new RootStore(cfg.libraryDir))) {
      throw new ConfigError(
        `the image restored from the cache key '${matched}' sits on the root ${describeBase(base)}, not on this job's root (${rootPath}): an image only runs over the root it was built on. Change image-cache-key (and image-restore-keys) so that they differ per root, e.g. put the rootfs-sha256 or the root's name in them`,
      );
    }
    const resolved = await resolveImageConfig({ libraryDir: cfg.libraryDir, lowerDirs: [rootPath] } as JailConfig, loaded.digest, { log: (l) => log.info(l) });
    const exactHit = r.exactHit;
    log.info(`image cache: restored ${matched}${exactHit ? '' : ` (a restore key; post saves under ${cfg.imageCacheKey})`}: image ${loaded.digest}, ${resolved.chain.length} layer(s)`);
    return { matchedKey: matched, exactHit, digest: loaded.digest, lowerDirs: resolved.config.lowerDirs, bytes, detail: `restored ${matched}${exactHit ? '' : ' (restore key)'}` };
  } finally {
    rmSync(tmp, { force: true });
  }
}
