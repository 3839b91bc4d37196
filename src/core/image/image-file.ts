import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { execCapture } from '../exec.js';
import { ImageError } from './errors.js';
import { fileDigest, sniffCompression, uncompressedDigest } from './oci-digest.js';
import { formatImageName, parseImageName } from './image-ref.js';
import { decodeImageManifest, encodeImageManifest, type ImageManifest } from './manifest.js';
import { hexOf, ImageStore, type StoredImage } from './store.js';

/**
 * An image FILE (`image save -o FILE`, for artifacts and caches) is one uncompressed tar
 * (its layer blobs are compressed already):
 *   manifest.json              the image's manifest (its sha256 is the image's digest)
 *   manifests/HEX.json         every manifest of its chain (the image's own too)
 *   blobs/sha256/HEX           every layer blob of the chain
 * so that it loads in a library dir that has none of it. Members are written with fixed
 * owners, modes and times and in a fixed order: the same image gives the same file.
 */

const MEMBER = /^(manifest\.json|manifests\/?|manifests\/[0-9a-f]{64}\.json|blobs\/?|blobs\/sha256\/?|blobs\/sha256\/[0-9a-f]{64})$/;

/** Writes image DIGEST (and its chain) to OUTFILE, atomically. */
export async function writeImageFile(store: ImageStore, digest: string, outFile: string): Promise<{ file: string; chain: StoredImage[]; size: number }> {
  const out = path.resolve(outFile);
  const outDir = path.dirname(out);
  if (!existsSync(outDir)) throw new ConfigError(`cannot write the image file ${out}: its directory does not exist (create it first)`);
  if (existsSync(out) && !statSync(out).isFile()) throw new ConfigError(`${out} exists and is not a regular file: give a file path for -o`);
  const chain = store.chain(digest);
  for (const c of chain) {
    if (!store.hasBlob(c.manifest.layer.digest)) throw new ImageError(`the layer blob ${c.manifest.layer.digest} of image ${c.digest} is missing from the store; the image cannot be written (remove it and load or save it again)`);
  }
  mkdirSync(store.dir, { recursive: true });
  const staging = mkdtempSync(path.join(store.dir, '.file-'));
  const tmp = path.join(outDir, `.${path.basename(out)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(path.join(staging, 'manifest.json'), readFileSync(store.manifestPath(digest)));
    const manifests = [...new Set(chain.map((c) => `manifests/${hexOf(c.digest)}.json`))].sort();
    const blobs = [...new Set(chain.map((c) => `blobs/sha256/${hexOf(c.manifest.layer.digest)}`))].sort();
    const r = await execCapture('tar', [
      '--create', `--file=${tmp}`, '--format=posix', '--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '--mode=a=r,u+w',
      '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
      `--directory=${staging}`, 'manifest.json', `--directory=${store.dir}`, ...manifests, ...blobs,
    ]);
    if (r.code !== 0) throw new ImageError(`writing the image file ${out} failed: ${r.stderr.trim() || `tar exit status ${r.code}`}`);
    renameSync(tmp, out);
    return { file: out, chain, size: statSync(out).size };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(tmp, { force: true });
  }
}

export interface LoadedImage {
  digest: string;
  manifest: ImageManifest;
  name?: string;
  /** Layer blobs that were new to the store. */
  newBlobs: number;
}

/**
 * Loads an image file into the store: every member's name is checked before anything is
 * unpacked (only the three kinds above), every manifest's sha256 against its name, every
 * blob's sha256, size and uncompressed sha256 (diff_id) against its manifest, and the
 * chain must be complete (in the file or the store). Only then are blobs and manifests
 * moved into the store and the name set: a corrupt or truncated file loads nothing.
 */
export async function loadImageFile(store: ImageStore, file: string, as?: string): Promise<LoadedImage> {
  const src = path.resolve(file);
  let st;
  try {
    st = statSync(src);
  } catch {
    throw new ConfigError(`image file ${src} does not exist: give the path of a file written by image save -o`);
  }
  if (!st.isFile()) throw new ConfigError(`${src} is not a regular file: give the path of a file written by image save -o`);
  const name = as !== undefined ? formatImageName(parseImageName(as)) : undefined;
  const bad = (why: string): ImageError => new ImageError(`${src} is not a complete micro-container image file (${why}); nothing was loaded: save it again`);

  const list = await execCapture('tar', ['--list', `--file=${src}`]);
  if (list.code !== 0) throw bad(`tar cannot read it: ${list.stderr.trim().split('\n').slice(-2).join('; ') || `exit ${list.code}`}`);
  const members = list.stdout.split('\n').filter((l) => l !== '');
  // Only files and directories: a link in an image file could make the unpacking write or read elsewhere.
  const verbose = await execCapture('tar', ['--list', '--verbose', `--file=${src}`]);
  const kinds = verbose.stdout.split('\n').filter((l) => l !== '');
  if (verbose.code !== 0 || kinds.length !== members.length) throw bad('tar cannot list it');
  const odd = kinds.findIndex((l) => l[0] !== '-' && l[0] !== 'd');
  if (odd >= 0) throw bad(`${JSON.stringify(members[odd])} is not a regular file or directory`);
  const strange = members.find((m) => !MEMBER.test(m));
  if (strange !== undefined) throw bad(`it holds ${JSON.stringify(strange)}, which an image file does not`);
  if (!members.includes('manifest.json')) throw bad('it has no manifest.json');

  mkdirSync(store.dir, { recursive: true });
  const staging = mkdtempSync(path.join(store.dir, '.load-'));
  try {
    const x = await execCapture('tar', ['--extract', `--file=${src}`, `--directory=${staging}`, '--no-same-owner', '--no-same-permissions', '--no-overwrite-dir']);
    if (x.code !== 0) throw bad(`unpacking failed: ${x.stderr.trim().split('\n').slice(-2).join('; ') || `exit ${x.code}`}`);
    const regular = (p: string): boolean => {
      try {
        return lstatSync(p).isFile();
      } catch {
        return false;
      }
    };
    const topBytes = readFileSync(path.join(staging, 'manifest.json'));
    const top = decodeImageManifest(topBytes, `manifest.json in ${src}`);
    const digest = sha256Of(topBytes);
    if (!regular(path.join(staging, 'manifest.json'))) throw bad('manifest.json is not a regular file');

    // The chain, top first: each manifest from the file (checked) or the store.
    const fromFile: Array<{ digest: string; bytes: Buffer; manifest: ImageManifest }> = [];
    let newBlobs = 0;
    const seen = new Set<string>();
    for (let d: string | undefined = digest, bytes: Buffer | undefined = topBytes; d !== undefined; ) {
      if (seen.has(d)) throw bad(`its chain of parents loops at ${d}`);
      seen.add(d);
      const p = path.join(staging, 'manifests', `${hexOf(d)}.json`);
      if (bytes === undefined && regular(p)) bytes = readFileSync(p);
      let manifest: ImageManifest;
      if (bytes !== undefined) {
        manifest = decodeImageManifest(bytes, `manifest ${d} in ${src}`);
        const raw = sha256Of(bytes);
        if (raw !== d) throw bad(`the manifest named ${d} has sha256 ${raw}`);
        if (encodeImageManifest(manifest).digest !== d) throw bad(`the manifest ${d} is not in canonical form`);
        fromFile.push({ digest: d, bytes, manifest });
      } else if (store.hasManifest(d)) {
        manifest = store.readManifest(d);
      } else {
        throw bad(`image ${d}, a parent in its chain, is neither in the file nor in ${store.libraryDir}`);
      }
      d = manifest.parent;
      bytes = undefined;
    }
    // Blobs: from the file, checked; or already in the store.
    const adopt: Array<{ file: string; digest: string }> = [];
    for (const m of fromFile) {
      const l = m.manifest.layer;
      const p = path.join(staging, 'blobs', 'sha256', hexOf(l.digest));
      if (!regular(p)) {
        if (store.hasBlob(l.digest)) continue;
        throw bad(`the layer blob ${l.digest} of image ${m.digest} is missing`);
      }
      const { digest: got, size } = await fileDigest(p);
      if (got !== l.digest) throw bad(`the layer blob ${l.digest} has sha256 ${got}: it is damaged`);
      if (size !== l.size) throw bad(`the layer blob ${l.digest} is ${size} bytes, not ${l.size}`);
      let diffId: string;
      try {
        diffId = await uncompressedDigest(p, await sniffCompression(p));
      } catch (err) {
        throw bad(`the layer blob ${l.digest} cannot be decompressed: ${(err as Error).message}`);
      }
      if (l.diffId !== undefined && diffId !== l.diffId) throw bad(`the layer blob ${l.digest} unpacks to a tar with sha256 ${diffId}, not its diff_id ${l.diffId}`);
      adopt.push({ file: p, digest: l.digest });
    }
    // All checked: into the store, blobs first, manifests next, the name last.
    for (const a of adopt) {
      if (!store.hasBlob(a.digest)) newBlobs++;
      store.adoptBlob(a.file, a.digest);
    }
    for (const m of [...fromFile].reverse()) store.putManifest(m.manifest);
    const stored = digest;
    const finalName = name ?? (top.from ? safeName(top.from) : undefined);
    if (finalName !== undefined) await store.setName(finalName, stored);
    return { digest: stored, manifest: top, name: finalName, newBlobs };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function sha256Of(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The container name an image came from, as an image name, when it makes one. */
function safeName(from: string): string | undefined {
  try {
    return formatImageName(parseImageName(from.toLowerCase()));
  } catch {
    return undefined;
  }
}
