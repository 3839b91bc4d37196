import type { SaveImageIf } from './inputs.js';

/**
 * Where saving the container's layer as an image plugs in. The decision is pure and
 * final; the saver (layer -> archive -> Actions cache and/or a file) is an interface that
 * this version of the action does not provide, so post reports that nothing was saved.
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
  path?: string;
  digest: string;
  bytes: number;
}

/** Saves UPPERDIR as an image for REQUEST. */
export type ImageSaver = (upperDir: string, request: SaveRequest) => Promise<SavedImage>;

/** The savers this build of the action has: none yet. */
export function availableImageSaver(): ImageSaver | undefined {
  return undefined;
}
