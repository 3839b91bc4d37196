import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { DEFAULT_LIBRARY_DIR } from '../jail/config.js';
import { validName } from '../jail/spec.js';
import { readStartupCommands } from '../api/startup.js';
import { readRunRecord } from '../jail/state.js';
import { formatImageName, parseImageName } from './image-ref.js';
import type { LayerCompression } from './layer-compression.js';
import { buildImageManifest, type ImageLayer, type ImageManifest } from './manifest.js';
import { baseOfLowerDirs, ensureBase, settingsOf } from './resolve.js';
import { mergeLayerDirs } from './squash.js';
import { ImageStore } from './store.js';

export interface SaveImageOptions {
  /** The container's name (`-n` when it ran). */
  container: string;
  libraryDir?: string;
  /** Where its upper layer is; default: where it was when it last ran (its run record). */
  baseDir?: string;
  /** The image's name; default: the container's name. */
  as?: string;
  compression?: LayerCompression;
  /** One layer holding the whole chain and the upper layer, on the base root. */
  squash?: boolean;
  cwd?: string;
  log?: (line: string) => void;
}

export interface SavedImage {
  name: string;
  digest: string;
  manifest: ImageManifest;
  libraryDir: string;
}

/**
 * `image save NAME`: the container's upper layer as an image in the library dir. The base
 * recorded is the container's lower dir as its run record has it: a store root (by id and
 * source), or the image it was started from (which becomes the parent: only the new layer
 * is saved, unless squash merges the chain and the upper into one layer on the base).
 * Volumes' mount points are left out. The name is set last: until then there is no image.
 */
export async function saveContainerImage(o: SaveImageOptions): Promise<SavedImage> {
  if (!validName(o.container)) throw new ConfigError(`container name '${o.container}' is not valid: give the name the container ran with (-n NAME)`);
  const cwd = o.cwd ?? process.cwd();
  const libraryDir = path.resolve(cwd, o.libraryDir || DEFAULT_LIBRARY_DIR);
  const name = formatImageName(parseImageName(o.as ?? o.container.toLowerCase()));
  const stateDir = path.join(libraryDir, `app-${o.container}`);
  const rec = readRunRecord(stateDir);
  if (!rec) throw new ConfigError(`container ${o.container} has no run record in ${libraryDir}: run it first (with the same -d), then save it`);
  if (rec.config.ephemeral) throw new ConfigError(`container ${o.container} last ran with --rm, so its upper layer is gone: run it without --rm to save what it builds`);
  const appDir = o.baseDir ? path.join(path.resolve(cwd, o.baseDir), `app-${o.container}`) : rec.appDir;
  const upper = path.join(appDir, 'upper');
  const { base, parent } = baseOfLowerDirs(libraryDir, rec.lowerDirs);
  const store = new ImageStore(libraryDir);
  const exclude = (rec.config.volumes ?? []).map((v) => v.guest);
  const chain = parent ? store.chain(parent.digest) : [];
  // Startup commands (the library's addStartupCommand) are kept beside the run record.
  const startup = readStartupCommands(stateDir);
  const own = { env: rec.config.env, workdir: rec.config.workdir, user: rec.config.user, ...(startup.length ? { startup } : {}) };

  let layer: ImageLayer;
  let parentDigest: string | undefined = parent?.digest;
  let settings: ImageManifest['settings'] = own;
  if (o.squash && parent) {
    // The chain's settings are folded in: the squashed image has no parent to inherit from.
    const inherited = settingsOf(chain);
    settings = { ...inherited, ...dropEmpty(own), env: { ...(inherited.env ?? {}), ...(own.env ?? {}) } };
    // Startup commands add up: the chain's first, then the container's own.
    const allStartup = [...(inherited.startup ?? []), ...startup];
    if (allStartup.length) settings.startup = allStartup;
    const layerDirs: string[] = [];
    for (const c of [...chain].reverse()) layerDirs.push(await store.ensureLayerDir(c.manifest.layer, o.log));
    const work = mkdtempSync(path.join(store.layersDir, '.squash-'));
    try {
      const merged = path.join(work, 'merged');
      o.log?.(`merging ${chain.length} layer(s) and the upper layer of ${o.container}`);
      await mergeLayerDirs([...layerDirs, upper], merged, await ensureBase(libraryDir, base, o.log));
      layer = await store.saveUpper(merged, { compression: o.compression, exclude });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    parentDigest = undefined;
  } else {
    layer = await store.saveUpper(upper, { compression: o.compression, exclude });
  }
  const manifest = buildImageManifest({ layer, base, parent: parentDigest, from: o.container, squashed: o.squash && parent ? true : undefined, settings });
  const digest = store.putManifest(manifest);
  await store.setName(name, digest);
  return { name, digest, manifest, libraryDir };
}

function dropEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
