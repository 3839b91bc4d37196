import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readRunRecord } from '../jail/state.js';
import { withFileLock } from '../rootfs/lock.js';
import { ImageError } from './errors.js';
import { formatImageName, parseImageName, parseImageRef } from './image-ref.js';
import { applyLayer } from './layer-apply.js';
import type { LayerCompression } from './layer-compression.js';
import { saveLayer } from './layer-save.js';
import { decodeImageManifest, encodeImageManifest, layerKey, type ImageLayer, type ImageManifest } from './manifest.js';

export interface StoredImage {
  /** `sha256:HEX` of the manifest. */
  digest: string;
  manifest: ImageManifest;
}

export interface NamedImage extends StoredImage {
  /** `NAME:TAG`. */
  name: string;
}

/** `sha256:HEX` -> HEX, for file names. */
export function hexOf(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Writes BYTES to FILE through a temp name in its directory and a rename. */
function writeAtomic(file: string, bytes: Buffer | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The images of a library dir, content-addressed:
 *   store/images/blobs/sha256/HEX      layer blobs (OCI layer tars, zstd/gzip/plain)
 *   store/images/manifests/HEX.json    image manifests (manifest.ts); HEX is the image digest
 *   store/images/names/NAME:TAG        the digest a name points to (replaced by rename)
 *   store/layers/HEX/                  a layer applied as an overlay lower dir (HEX: its diff_id),
 *                                      made once, under a lock, renamed into place when whole
 * Blobs and manifests are only ever added whole (temp name + rename) and, being named by
 * their content, two saves of the same layer write the same file: the second rename
 * replaces it with identical bytes. Names are the only mutable part.
 */
export class ImageStore {
  constructor(readonly libraryDir: string) {}

  get dir(): string {
    return path.join(this.libraryDir, 'store', 'images');
  }
  get blobsDir(): string {
    return path.join(this.dir, 'blobs', 'sha256');
  }
  get manifestsDir(): string {
    return path.join(this.dir, 'manifests');
  }
  get namesDir(): string {
    return path.join(this.dir, 'names');
  }
  get layersDir(): string {
    return path.join(this.libraryDir, 'store', 'layers');
  }
  blobPath(digest: string): string {
    return path.join(this.blobsDir, hexOf(digest));
  }
  manifestPath(digest: string): string {
    return path.join(this.manifestsDir, `${hexOf(digest)}.json`);
  }
  namePath(name: string): string {
    return path.join(this.namesDir, name);
  }
  layerDir(layer: Pick<ImageLayer, 'digest' | 'diffId'>): string {
    return path.join(this.layersDir, layerKey(layer));
  }
  private lockPath(what: string): string {
    return path.join(this.libraryDir, 'store', 'locks', `image-${what}.lock`);
  }

  /** Saves an upper directory as a layer blob in the store (layer-save.ts does the work). */
  async saveUpper(upperDir: string, opts: { compression?: LayerCompression; exclude?: string[]; signal?: AbortSignal } = {}): Promise<ImageLayer> {
    mkdirSync(this.blobsDir, { recursive: true });
    const tmp = path.join(this.blobsDir, `.incoming-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const r = await saveLayer(upperDir, tmp, opts);
      renameSync(tmp, this.blobPath(r.digest));
      return { digest: r.digest, ...(r.diffId ? { diffId: r.diffId } : {}), mediaType: r.mediaType, size: r.size };
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  /** Moves a verified blob file into the store under its digest. */
  adoptBlob(file: string, digest: string): void {
    mkdirSync(this.blobsDir, { recursive: true });
    renameSync(file, this.blobPath(digest));
  }

  hasBlob(digest: string): boolean {
    return existsSync(this.blobPath(digest));
  }

  /** Stores a manifest; returns its digest (the image's). */
  putManifest(m: ImageManifest): string {
    const { bytes, digest } = encodeImageManifest(m);
    if (!existsSync(this.manifestPath(digest))) writeAtomic(this.manifestPath(digest), bytes);
    return digest;
  }

  hasManifest(digest: string): boolean {
    return existsSync(this.manifestPath(digest));
  }

  /** Reads a stored manifest, checking that its bytes still have its digest. */
  readManifest(digest: string): ImageManifest {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.manifestPath(digest));
    } catch (err) {
      if (errno(err) === 'ENOENT') throw new ConfigError(`image ${digest} is not in ${this.libraryDir} (see image ls, or image load it)`);
      throw err;
    }
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest) throw new ImageError(`the stored manifest of image ${digest} is damaged (its sha256 is ${actual}); remove the image and load it again`);
    return decodeImageManifest(bytes, `the manifest of image ${digest}`);
  }

  /** Points NAME[:TAG] at DIGEST (a rename: readers see the old digest or the new one). */
  async setName(name: string, digest: string): Promise<string> {
    const full = formatImageName(parseImageName(name));
    if (!this.hasManifest(digest)) throw new ImageError(`cannot name ${full}: image ${digest} is not stored`);
    await withFileLock(this.lockPath('names'), async () => writeAtomic(this.namePath(full), `${digest}\n`));
    return full;
  }

  /** The digest NAME:TAG points to, or undefined. */
  private readName(full: string): string | undefined {
    try {
      const d = readFileSync(this.namePath(full), 'utf8').trim();
      return /^sha256:[0-9a-f]{64}$/.test(d) ? d : undefined;
    } catch {
      return undefined;
    }
  }

  /** An image by name, digest or digest prefix; ConfigError saying what to do when there is none. */
  resolve(text: string): StoredImage & { name?: string } {
    const ref = parseImageRef(text);
    if (ref.kind === 'name') {
      const full = formatImageName(ref);
      const digest = this.readName(full);
      if (!digest) throw new ConfigError(`there is no image named ${full} in ${this.libraryDir} (see image ls; image save or image load makes one)`);
      return { name: full, digest, manifest: this.readManifest(digest) };
    }
    if (!ref.prefix) return { digest: `sha256:${ref.hex}`, manifest: this.readManifest(`sha256:${ref.hex}`) };
    const hits = this.manifestDigests().filter((d) => hexOf(d).startsWith(ref.hex));
    if (hits.length === 0) throw new ConfigError(`no image's digest starts with ${ref.hex} in ${this.libraryDir} (see image ls)`);
    if (hits.length > 1) throw new ConfigError(`${hits.length} images' digests start with ${ref.hex}: give more digits`);
    return { digest: hits[0]!, manifest: this.readManifest(hits[0]!) };
  }

  /** The image and the images below it, newest (top) first. */
  chain(digest: string): StoredImage[] {
    const out: StoredImage[] = [];
    const seen = new Set<string>();
    for (let d: string | undefined = digest; d !== undefined; ) {
      if (seen.has(d)) throw new ImageError(`image ${digest} has a loop in its parents at ${d}; the store is damaged`);
      seen.add(d);
      if (!this.hasManifest(d)) throw new ImageError(`image ${out.at(-1)?.digest ?? digest} sits on image ${d}, which is not in ${this.libraryDir}; load the parent image first, or save with --squash`);
      const manifest = this.readManifest(d);
      out.push({ digest: d, manifest });
      d = manifest.parent;
    }
    return out;
  }

  manifestDigests(): string[] {
    try {
      return readdirSync(this.manifestsDir)
        .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
        .map((f) => `sha256:${f.slice(0, 64)}`);
    } catch {
      return [];
    }
  }

  /** Named images, sorted by name. */
  list(): NamedImage[] {
    let names: string[];
    try {
      names = readdirSync(this.namesDir).filter((n) => !n.startsWith('.'));
    } catch {
      return [];
    }
    const out: NamedImage[] = [];
    for (const name of names.sort()) {
      const digest = this.readName(name);
      if (!digest || !this.hasManifest(digest)) continue;
      out.push({ name, digest, manifest: this.readManifest(digest) });
    }
    return out;
  }

  /**
   * Removes the name; then whatever no remaining name needs (manifests, blobs, applied
   * layer dirs), except layer dirs that a container of this library dir stacks (running
   * or not: a container started from the image keeps its layers, as its upper needs them).
   * Returns the paths removed.
   */
  async remove(text: string): Promise<string[]> {
    const ref = parseImageRef(text);
    if (ref.kind !== 'name') throw new ConfigError(`image rm takes a name (NAME[:TAG]), not a digest: see image ls for the names`);
    const full = formatImageName(ref);
    return withFileLock(this.lockPath('names'), async () => {
      if (!this.readName(full)) throw new ConfigError(`there is no image named ${full} in ${this.libraryDir} (see image ls)`);
      rmSync(this.namePath(full));
      return [this.namePath(full), ...this.collectGarbage()];
    });
  }

  /** Removes what no named image reaches. Called under the names lock. */
  private collectGarbage(): string[] {
    const manifests = new Set<string>();
    const blobs = new Set<string>();
    const layers = new Set<string>();
    for (const img of this.list()) {
      let chain: StoredImage[];
      try {
        chain = this.chain(img.digest);
      } catch {
        chain = [img];
      }
      for (const c of chain) {
        manifests.add(hexOf(c.digest));
        blobs.add(hexOf(c.manifest.layer.digest));
        layers.add(layerKey(c.manifest.layer));
      }
    }
    for (const dir of this.containerLowerDirs()) if (path.dirname(dir) === this.layersDir) layers.add(path.basename(dir));
    const removed: string[] = [];
    const sweep = (dir: string, keep: (f: string) => boolean) => {
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        return;
      }
      for (const f of entries) {
        if (f.startsWith('.') || keep(f)) continue;
        rmSync(path.join(dir, f), { recursive: true, force: true });
        removed.push(path.join(dir, f));
      }
    };
    sweep(this.manifestsDir, (f) => manifests.has(f.replace(/\.json$/, '')));
    sweep(this.blobsDir, (f) => blobs.has(f));
    sweep(this.layersDir, (f) => layers.has(f));
    return removed;
  }

  /** Lower dirs of the containers of this library dir, as their run records have them. */
  private containerLowerDirs(): string[] {
    let entries: string[] = [];
    try {
      entries = readdirSync(this.libraryDir).filter((e) => e === 'app' || e.startsWith('app-'));
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const e of entries) {
      out.push(...(readRunRecord(path.join(this.libraryDir, e))?.lowerDirs ?? []));
    }
    return out;
  }

  /**
   * The layer applied as an overlay lower dir (store/layers/DIFFHEX), made from its blob
   * the first time it is needed; two processes needing it at once apply it once.
   */
  async ensureLayerDir(layer: ImageLayer, log?: (line: string) => void): Promise<string> {
    const dir = this.layerDir(layer);
    if (isDir(dir)) return dir;
    if (!this.hasBlob(layer.digest)) throw new ImageError(`the layer blob ${layer.digest} is missing from ${this.blobsDir}; load the image again`);
    await withFileLock(this.lockPath(`layer-${layerKey(layer)}`), async () => {
      if (isDir(dir)) return;
      mkdirSync(this.layersDir, { recursive: true });
      await applyLayer(this.blobPath(layer.digest), dir, { log });
    }, { onWait: () => log?.(`another process is applying layer ${layer.diffId ?? layer.digest}; waiting for it`) });
    return dir;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
