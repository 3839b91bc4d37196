import path from 'node:path';
import { PrivilegeError } from '../core/errors.js';
import { exportImage } from '../core/image/export-image.js';
import { loadImageFile, writeImageFile } from '../core/image/image-file.js';
import { saveContainerImage } from '../core/image/save.js';
import { describeBase } from '../core/image/resolve.js';
import { ImageStore } from '../core/image/store.js';
import { DEFAULT_LIBRARY_DIR } from '../core/jail/config.js';
import { IMAGE_USAGE, parseImageArgs } from './image-args.js';
import type { CliIo } from './main.js';

/**
 * `micro-container image ...`: argv after `image` -> exit status. Errors are thrown (main
 * maps them to 125). ELEVATE runs the same command again through sudo, for a user who is
 * not root (GitHub's runner user).
 */
export async function imageCommand(argv: string[], io: CliIo, elevate?: () => number): Promise<number> {
  const args = parseImageArgs(argv);
  if (args.action === 'help') {
    io.out(IMAGE_USAGE + '\n');
    return 0;
  }
  // Upper layers and applied layers hold root's files (0600 ones too), owners and trusted.* xattrs.
  if (args.action !== 'ls' && args.action !== 'inspect' && (process.geteuid?.() ?? 0) !== 0) {
    if (elevate) return elevate();
    throw new PrivilegeError(`image ${args.action} needs root (the layers hold files of every owner): run it as root or with sudo`);
  }
  const libraryDir = path.resolve(args.libraryDir || DEFAULT_LIBRARY_DIR);
  const store = new ImageStore(libraryDir);
  const log = (l: string): void => io.err(`${l}\n`);
  switch (args.action) {
    case 'save': {
      const r = await saveContainerImage({ container: args.container, libraryDir, baseDir: args.baseDir, as: args.as, compression: args.compression, squash: args.squash, log });
      const l = r.manifest.layer;
      io.out(`${r.name} ${r.digest}\n`);
      io.err(`saved container ${args.container}: layer ${l.digest} (${l.size} bytes)${r.manifest.parent ? ` on image ${r.manifest.parent}` : ''}, base root ${describeBase(r.manifest.base)}\n`);
      if (args.output !== undefined) {
        const f = await writeImageFile(store, r.digest, args.output);
        io.err(`wrote ${f.file} (${f.size} bytes, ${f.chain.length} layer(s))\n`);
      }
      return 0;
    }
    case 'load': {
      const r = await loadImageFile(store, args.file, args.as);
      io.out(`${r.name ?? '(no name: give --as)'} ${r.digest}\n`);
      return 0;
    }
    case 'ls': {
      const images = store.list();
      if (args.json) {
        io.out(JSON.stringify(images.map((i) => ({ name: i.name, digest: i.digest, created: i.manifest.created, size: i.manifest.layer.size, parent: i.manifest.parent ?? null, base: i.manifest.base })), null, 2) + '\n');
        return 0;
      }
      if (images.length === 0) {
        io.out(`no images in ${libraryDir} (make one with: micro-container image save CONTAINER)\n`);
        return 0;
      }
      const rows = images.map((i) => [i.name, i.digest.slice(7, 19), i.manifest.created.slice(0, 19).replace('T', ' '), String(i.manifest.layer.size), i.manifest.parent ? i.manifest.parent.slice(7, 19) : '-', describeBase(i.manifest.base)]);
      const head = ['NAME', 'DIGEST', 'CREATED', 'SIZE', 'PARENT', 'BASE'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
      for (const row of [head, ...rows]) io.out(row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ') + '\n');
      return 0;
    }
    case 'inspect': {
      const img = store.resolve(args.image);
      const chain = store.chain(img.digest);
      const names = store.list().filter((n) => n.digest === img.digest).map((n) => n.name);
      io.out(JSON.stringify({ digest: img.digest, names, manifest: img.manifest, chain: chain.map((c) => c.digest) }, null, 2) + '\n');
      return 0;
    }
    case 'rm':
      for (const p of await store.remove(args.image)) io.err(`removed ${p}\n`);
      return 0;
    case 'export': {
      const r = await exportImage(store, args.image, args.oci, { tag: args.tag, log });
      io.out(`${r.dest} ${r.manifest.digest}\n`);
      return 0;
    }
  }
}
