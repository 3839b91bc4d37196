import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { RootStore, validDigest } from '../rootfs/store.js';
import { exportOciLayout, type OciExportResult, type OciLayerInput } from './oci-export.js';
import { rootLayerFromDirectory } from './oci-layer-source.js';
import { describeBase, ensureBase, settingsOf } from './resolve.js';
import { ImageStore } from './store.js';

export interface ExportImageOptions {
  /** The name in index.json (`oci:DIR:TAG`). */
  tag?: string;
  log?: (line: string) => void;
}

/**
 * `image export IMAGE --oci DEST`: an OCI image layout (directory, or a .tar) of the base
 * root and the image chain's layers, bottom first, with the image's settings as its
 * config. The base is the archive the root came from when the store kept it (recompressed
 * only when it is xz or bzip2), else the root directory packed as a layer.
 */
export async function exportImage(store: ImageStore, ref: string, dest: string, opts: ExportImageOptions = {}): Promise<OciExportResult> {
  const image = store.resolve(ref);
  const chain = store.chain(image.digest);
  const base = image.manifest.base;
  const roots = new RootStore(store.libraryDir);
  mkdirSync(store.dir, { recursive: true });
  const work = mkdtempSync(path.join(store.dir, '.export-'));
  try {
    let baseLayer: OciLayerInput;
    if (base.id !== undefined && validDigest(base.id) && existsSync(roots.archivePath(base.id))) {
      baseLayer = { file: roots.archivePath(base.id), createdBy: `micro-container: base root ${describeBase(base)}` };
    } else {
      const dir = await ensureBase(store.libraryDir, base, opts.log);
      opts.log?.(`packing the base root ${dir} as a layer`);
      const file = path.join(work, 'base.tar.zst');
      await rootLayerFromDirectory(dir, file, { compression: 'zstd' });
      baseLayer = { file, compression: 'zstd', createdBy: `micro-container: base root ${describeBase(base)}` };
    }
    const layers: OciLayerInput[] = [baseLayer];
    for (const c of [...chain].reverse()) {
      const l = c.manifest.layer;
      layers.push({ file: store.blobPath(l.digest), mediaType: l.mediaType, digest: l.digest, diffId: l.diffId, size: l.size, createdBy: `micro-container: image save ${c.manifest.from ?? ''} (${c.digest})`.replace('  ', ' ') });
    }
    const s = settingsOf(chain);
    return await exportOciLayout(
      { layers, config: { env: s.env, workdir: s.workdir, user: s.user, created: image.manifest.created }, tag: opts.tag },
      dest,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
