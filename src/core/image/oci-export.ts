import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, mkdtemp, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { execCapture } from '../exec.js';
import type { Compression } from '../rootfs/compression.js';
import { fileDigest, sniffCompression, uncompressedDigest } from './oci-digest.js';
import { layerFromArchive } from './oci-layer-source.js';
import {
  blobPath,
  buildImageConfig,
  buildIndex,
  buildManifest,
  checkDigest,
  checkRefName,
  jsonBlob,
  layerCompressionOf,
  layerMediaType,
  MEDIA_TYPE,
  OCI_LAYOUT,
  ociPlatform,
  canonicalJson,
  type Descriptor,
  type ImageRunConfig,
  type LayerCompression,
} from './oci-spec.js';

/** One layer tar file, bottom first. What is not given is computed from the file. */
export interface OciLayerInput {
  file: string;
  /** An OCI layer media type; or give `compression`; or neither, and the file's magic decides. */
  mediaType?: string;
  compression?: LayerCompression;
  /** sha256 of the file as it is; trusted when given (it saves reading the file). */
  digest?: string;
  /** sha256 of the uncompressed tar; trusted when given. */
  diffId?: string;
  size?: number;
  /** The history line for this layer. */
  createdBy?: string;
}

export interface OciExportInput {
  layers: readonly OciLayerInput[];
  config: ImageRunConfig & {
    /** RFC 3339; defaults to now. */
    created?: string;
    /** OCI architecture (amd64, arm64, ...); defaults to this machine's. */
    architecture?: string;
    variant?: string;
  };
  /** The name in index.json (`oci:DIR:TAG`); none when absent. */
  tag?: string;
  /**
   * 'keep' (the default) writes gzip, zstd and plain layers as they are, and recompresses
   * xz and bzip2 ones (OCI has no media type for them) to zstd; 'gzip' makes every
   * compressed layer gzip, for readers without zstd (Docker before 23). podman 4.3 and
   * skopeo 1.9 read zstd layers (tested).
   */
  layerCompression?: 'keep' | 'gzip';
}

export interface OciExportResult {
  dest: string;
  format: 'directory' | 'tar';
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  diffIds: string[];
}

/** A layer as it will be written: a file, and everything the documents say about it. */
interface PlacedLayer {
  source: string;
  descriptor: Descriptor;
  diffId: string;
  createdBy: string;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Checks dest before any work: a `.tar` path, or a directory that is absent or empty. */
async function checkDest(dest: string): Promise<'directory' | 'tar'> {
  if (dest === '') throw new ConfigError('no destination given for the OCI export; give a directory or a path ending in .tar');
  const st = await lstat(dest).catch((err: unknown) => {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  });
  if (dest.endsWith('.tar')) {
    if (st && !st.isFile()) throw new ConfigError(`${dest} exists and is not a regular file; give a new path ending in .tar, or remove it`);
    return 'tar';
  }
  if (st) {
    if (!st.isDirectory()) throw new ConfigError(`${dest} exists and is not a directory; give a directory that is empty or absent, or a path ending in .tar`);
    if ((await readdir(dest)).length > 0) throw new ConfigError(`${dest} is not empty; give an empty or absent directory for the OCI layout`);
  }
  return 'directory';
}

function compressionFromInput(l: OciLayerInput, i: number): LayerCompression | undefined {
  if (l.mediaType !== undefined) {
    const c = layerCompressionOf(l.mediaType);
    if (l.compression !== undefined && l.compression !== c) {
      throw new ConfigError(`layer ${i + 1}: media type ${l.mediaType} says ${c} but compression says ${l.compression}; give one of them`);
    }
    return c;
  }
  return l.compression;
}

/**
 * Puts one blob at `to`: a hard link (no copy) when on the same file system, else a reflink
 * where the file system can, else a copy. For a tar destination a symlink is enough: tar
 * follows it (-h) and the layer is read once, straight into the archive.
 */
async function placeBlob(from: string, to: string, viaSymlink: boolean): Promise<void> {
  if (viaSymlink) return symlink(path.resolve(from), to);
  try {
    await link(from, to);
  } catch (err) {
    if (!['EXDEV', 'EPERM', 'EMLINK'].includes(errno(err) ?? '')) throw err;
    await copyFile(from, to, constants.COPYFILE_FICLONE);
  }
}

async function prepareLayer(l: OciLayerInput, i: number, work: string, gzipOnly: boolean): Promise<PlacedLayer> {
  const where = `layer ${i + 1} (${l.file})`;
  const st = await stat(l.file).catch(() => undefined);
  if (!st?.isFile()) throw new ConfigError(`${where} does not exist or is not a file; give the path of a layer tar`);
  const said = compressionFromInput(l, i);
  const actual: Compression = await sniffCompression(l.file);
  if (said !== undefined && said !== actual) {
    throw new ConfigError(`${where} is said to be ${said === 'none' ? 'an uncompressed tar' : said} but its first bytes say ${actual === 'none' ? 'uncompressed' : actual}; fix the media type or compression given for it`);
  }
  const createdBy = l.createdBy ?? `micro-container: layer ${i + 1}`;
  if (actual === 'xz' || actual === 'bzip2' || (actual === 'zstd' && gzipOnly)) {
    // A new file: digests given for the old bytes no longer apply, but a diff ID still does.
    const to: LayerCompression = gzipOnly ? 'gzip' : 'zstd';
    const out = path.join(work, `layer-${i + 1}.tar.${to === 'gzip' ? 'gz' : 'zst'}`);
    await layerFromArchive(l.file, out, { compression: to });
    const { digest, size } = await fileDigest(out);
    const diffId = l.diffId !== undefined ? checkDigest(l.diffId, `${where} diff ID`) : await uncompressedDigest(out, to);
    return { source: out, descriptor: { mediaType: layerMediaType(to), digest, size }, diffId, createdBy };
  }
  const compression = actual as LayerCompression;
  if (l.size !== undefined && l.size !== st.size) throw new ConfigError(`${where} is ${st.size} bytes, not the ${l.size} given; leave size out to have it measured`);
  const digest = l.digest !== undefined ? checkDigest(l.digest, `${where} digest`) : (await fileDigest(l.file)).digest;
  const diffId =
    l.diffId !== undefined ? checkDigest(l.diffId, `${where} diff ID`) : compression === 'none' ? digest : await uncompressedDigest(l.file, compression);
  if (compression === 'none' && diffId !== digest) throw new ConfigError(`${where} is an uncompressed tar, so its diff ID must equal its digest; leave one of them out`);
  return { source: l.file, descriptor: { mediaType: layerMediaType(compression), digest, size: st.size }, diffId, createdBy };
}

/**
 * Writes an OCI image layout (image-spec image-layout.md) to `dest`: a directory (absent or
 * empty) or, for a path ending in `.tar`, the layout packed as one tar (what `podman load`
 * and `skopeo ... oci-archive:` read; an existing file there is replaced). It is built in a
 * temp sibling of dest and renamed into place at the end, so dest holds the whole image or
 * nothing. In a directory, blobs are hard links to the layer files where they can be: do
 * not rewrite a layer file in place afterwards.
 */
export async function exportOciLayout(input: OciExportInput, dest: string): Promise<OciExportResult> {
  if (input.layers.length === 0) throw new ConfigError('an OCI image needs at least one layer; give the base root as the first layer');
  if (input.tag !== undefined) checkRefName(input.tag);
  const format = await checkDest(dest);
  const parent = path.dirname(path.resolve(dest));
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(path.join(parent, `.${path.basename(dest)}.oci-tmp-`));
  const tmpTar = `${tmp}.tar`;
  try {
    const work = path.join(tmp, '.work');
    await mkdir(path.join(tmp, 'blobs/sha256'), { recursive: true });
    await mkdir(work);
    if (input.layerCompression !== undefined && !['keep', 'gzip'].includes(input.layerCompression)) {
      throw new ConfigError(`layer compression "${String(input.layerCompression)}" is not one of keep, gzip; leave it out to keep layers as they are`);
    }
    const gzipOnly = input.layerCompression === 'gzip';
    // One at a time: each layer is read once or twice from disk, and two cores are better
    // spent on one decompressor than split between two.
    const layers: PlacedLayer[] = [];
    for (const [i, l] of input.layers.entries()) layers.push(await prepareLayer(l, i, work, gzipOnly));

    for (const l of layers) {
      const to = path.join(tmp, blobPath(l.descriptor.digest));
      if (await lstat(to).catch(() => undefined)) continue; // the same layer twice: one blob
      if (l.source.startsWith(work + path.sep)) await rename(l.source, to);
      else await placeBlob(l.source, to, format === 'tar');
    }
    await rm(work, { recursive: true });

    const { config: c } = input;
    const platform = c.architecture ? { architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) } : ociPlatform(process.arch, endianness());
    const configDoc = buildImageConfig({
      run: c,
      diffIds: layers.map((l) => l.diffId),
      history: layers.map((l) => l.createdBy),
      created: c.created ?? new Date().toISOString(),
      platform,
    });
    const config = jsonBlob(configDoc, MEDIA_TYPE.config);
    const layerDescriptors = layers.map((l) => l.descriptor);
    const manifest = jsonBlob(buildManifest(config.descriptor, layerDescriptors), MEDIA_TYPE.manifest);
    const index = buildIndex(manifest.descriptor, input.tag);
    await writeFile(path.join(tmp, blobPath(config.descriptor.digest)), config.bytes);
    await writeFile(path.join(tmp, blobPath(manifest.descriptor.digest)), manifest.bytes);
    await writeFile(path.join(tmp, 'index.json'), canonicalJson(index));
    await writeFile(path.join(tmp, 'oci-layout'), canonicalJson(OCI_LAYOUT));

    if (format === 'directory') {
      // rename(2) replaces an empty directory, and fails (ENOTEMPTY) if one was filled meanwhile.
      await rename(tmp, dest).catch((err: unknown) => {
        if (errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST') throw new ConfigError(`${dest} was filled while the image was written; give an empty or absent directory`);
        throw err;
      });
    } else {
      // Fixed owners, times and order: the same image gives the same tar.
      const r = await execCapture('tar', [
        '--create', '--file', tmpTar, '--directory', tmp, '--dereference', '--hard-dereference', '--format=gnu', '--sort=name',
        '--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '--mode=u=rwX,go=rX', 'oci-layout', 'index.json', 'blobs',
      ]);
      if (r.code !== 0) throw new ConfigError(`packing the OCI layout as ${dest} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
      await rename(tmpTar, dest);
      await rm(tmp, { recursive: true, force: true });
    }
    return { dest, format, manifest: manifest.descriptor, config: config.descriptor, layers: layerDescriptors, diffIds: layers.map((l) => l.diffId) };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    await rm(tmpTar, { force: true });
    throw err;
  }
}
