import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { DEFAULT_LIBRARY_DIR, type JailConfig } from '../jail/config.js';
import { addRoot, classifySource } from '../rootfs/add.js';
import { RootStore, validDigest } from '../rootfs/store.js';
import { layerKey, type ImageBase, type ImageManifest } from './manifest.js';
import { ImageStore, type StoredImage } from './store.js';

export interface ResolveImageOptions {
  /** Where relative paths are taken from. */
  cwd?: string;
  /** Progress for people (a base being fetched, a layer being applied). */
  log?: (line: string) => void;
}

/** What `--image` turned into. */
export interface ResolvedImage {
  config: JailConfig;
  image: StoredImage & { name?: string };
  chain: StoredImage[];
  baseDir: string;
}

/**
 * `container --image IMAGE`: the config with lowerDirs = the image chain's applied layers,
 * newest first, then the base root; the image's settings (env, workdir, user) under the
 * ones given on the command line. The container keeps its own upper layer (its name's),
 * so the image itself is never written to. Applies layers and may fetch the base: root.
 */
export async function resolveImageConfig(config: JailConfig, imageRef: string, opts: ResolveImageOptions = {}): Promise<ResolvedImage> {
  const cwd = opts.cwd ?? process.cwd();
  const libraryDir = path.resolve(cwd, config.libraryDir || DEFAULT_LIBRARY_DIR);
  const store = new ImageStore(libraryDir);
  const image = store.resolve(imageRef);
  const chain = store.chain(image.digest);
  const base = image.manifest.base;
  for (const c of chain) {
    if (!sameBase(c.manifest.base, base)) throw new ConfigError(`image ${image.digest} sits on image ${c.digest}, which has another base root; the chain is inconsistent: save it again with --squash`);
  }
  const baseDir = await ensureBase(libraryDir, base, opts.log);
  if (config.lowerDirs && config.lowerDirs.length > 0) {
    const given = config.lowerDirs.map((d) => realOrSelf(path.resolve(cwd, d)));
    if (given.length !== 1 || given[0] !== realOrSelf(baseDir)) {
      throw new ConfigError(`image ${imageRef} sits on the root ${describeBase(base)} (${baseDir}), and -l gives a different base (${config.lowerDirs.join(':')}): leave -l out with --image`);
    }
  }
  const layers: string[] = [];
  for (const c of chain) layers.push(await store.ensureLayerDir(c.manifest.layer, opts.log));
  const s = settingsOf(chain);
  const env = { ...(s.env ?? {}), ...(config.env ?? {}) };
  const out: JailConfig = { ...config, lowerDirs: [...layers, baseDir] };
  if (Object.keys(env).length) out.env = env;
  if (out.workdir === undefined && s.workdir) out.workdir = s.workdir;
  if (out.user === undefined && s.user) out.user = s.user;
  return { config: out, image, chain, baseDir };
}

/** The settings of a chain: each image's over the ones below it. */
export function settingsOf(chainNewestFirst: readonly StoredImage[]): ImageManifest['settings'] {
  const out: ImageManifest['settings'] = {};
  for (const c of [...chainNewestFirst].reverse()) {
    const s = c.manifest.settings;
    if (s.env) out.env = { ...(out.env ?? {}), ...s.env };
    if (s.workdir) out.workdir = s.workdir;
    if (s.user) out.user = s.user;
    if (s.startup) out.startup = [...(out.startup ?? []), ...s.startup];
  }
  return out;
}

function sameBase(a: ImageBase, b: ImageBase): boolean {
  return a.id === b.id && (a.id !== undefined || a.path === b.path);
}

export function describeBase(b: ImageBase): string {
  const what = b.id ?? b.path ?? '?';
  return b.name ? `${b.name} (${what})` : what;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The base root's directory: in the store already; or fetched again from where it came
 * from (a URL or an archive file) and checked to be the same archive by its sha256; a
 * plain directory must still be there. Anything else is a clear error.
 */
export async function ensureBase(libraryDir: string, base: ImageBase, log?: (line: string) => void): Promise<string> {
  const roots = new RootStore(libraryDir);
  if (base.id !== undefined) {
    if (roots.hasRoot(base.id)) return roots.rootDir(base.id);
    const source = base.source;
    if (!validDigest(base.id) || source === undefined) {
      throw new ConfigError(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and it was copied from a directory${source ? ` (${source})` : ''}, so it cannot be fetched again: add that root with rootfs add, or save the image with its root on this machine`);
    }
    let kind: 'url' | 'file' | 'directory';
    try {
      kind = classifySource(source);
    } catch {
      throw new ConfigError(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and its source ${source} is gone: rootfs add the same archive (sha256 ${base.id})`);
    }
    if (kind === 'directory') throw new ConfigError(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and its source ${source} is now a directory: rootfs add the archive with sha256 ${base.id}`);
    const name = base.name && !existsSync(roots.namePath(base.name)) ? base.name : `base-${base.id.slice(0, 12)}`;
    log?.(`fetching the image's base root from ${source}`);
    try {
      await addRoot(roots, name, source, { sha256: base.id, log });
    } catch (err) {
      if (/sha256 mismatch/.test((err as Error).message)) {
        throw new ConfigError(`the image sits on the root with sha256 ${base.id}, but ${source} now gives a different one; a different base cannot carry this image: find the original archive and rootfs add it`);
      }
      throw err;
    }
    return roots.rootDir(base.id);
  }
  const dir = base.path!;
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new ConfigError(`the image sits on the directory ${dir}, which is not on this host: save images over a root in the store (rootfs add) to use them elsewhere`);
  return dir;
}

/**
 * What a container's lower dirs say its image sits on: one store root or plain directory,
 * or the applied layers of a stored image over its base. Used by `image save`.
 */
export function baseOfLowerDirs(libraryDir: string, lowerDirs: readonly string[]): { base: ImageBase; parent?: StoredImage } {
  if (lowerDirs.length === 0) throw new ConfigError('the container has no lower directory on record; run it again with this micro-container');
  const store = new ImageStore(libraryDir);
  const roots = new RootStore(libraryDir);
  const baseDir = realOrSelf(lowerDirs[lowerDirs.length - 1]!);
  let base: ImageBase;
  if (path.dirname(baseDir) === realOrSelf(roots.rootsDir)) {
    const id = path.basename(baseDir);
    let source: string | undefined;
    try {
      source = (JSON.parse(readFileSync(`${roots.rootDir(id)}.json`, 'utf8')) as { source?: string }).source;
    } catch {
      source = undefined;
    }
    const name = roots.list().find((r) => realOrSelf(r.path) === baseDir)?.name;
    base = { id, ...(source ? { source } : {}), ...(name ? { name } : {}) };
  } else {
    base = { path: baseDir };
  }
  const layers = lowerDirs.slice(0, -1).map((d) => realOrSelf(d));
  if (layers.length === 0) return { base };
  const layersDir = realOrSelf(store.layersDir);
  if (!layers.every((d) => path.dirname(d) === layersDir)) {
    throw new ConfigError(`the container stacks several lower directories (${lowerDirs.join(':')}) that are not the layers of an image: image save needs a container over one root, or one started with --image`);
  }
  const want = layers.map((d) => path.basename(d)).join(',');
  for (const digest of store.manifestDigests()) {
    let chain: StoredImage[];
    try {
      chain = store.chain(digest);
    } catch {
      continue;
    }
    if (chain.map((c) => layerKey(c.manifest.layer)).join(',') === want && sameBase(chain[0]!.manifest.base, base)) {
      return { base: chain[0]!.manifest.base, parent: chain[0]! };
    }
  }
  throw new ConfigError(`the image the container was started from is no longer in ${libraryDir} (it was removed?): load it again, or run the container over a root`);
}
