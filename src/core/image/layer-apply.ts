import { execCapture } from '../exec.js';
import { chmodSync, closeSync, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PrivilegeError } from '../errors.js';
import { UnsafeArchiveError } from '../rootfs/archive-check.js';
import { detectCompression, readMagic, type Compression } from '../rootfs/compression.js';
import { ExtractionGate } from '../rootfs/gate.js';
import { extractThroughGate, type Gate } from '../rootfs/pipeline.js';
import { BLOCK, TarFormatError } from '../rootfs/tar-header.js';
import { ImageError } from './errors.js';
import { ApplyRewrite } from './layer-apply-rewrite.js';
import { layerTarExtractArgs } from './layer-tar-args.js';
import { paxHeaderBlocks, paxRecord, rewriteHeader } from './layer-tar-member.js';
import { TarRewriter } from './layer-tar-rewriter.js';

export interface ApplyLayerOptions {
  /** Notes for people (skipped members, dropped xattrs), one line each. */
  log?: (line: string) => void;
  /** Stops the extraction: the promise rejects and nothing is left behind. */
  signal?: AbortSignal;
}

export interface AppliedLayer {
  compression: Compression;
  /** Members in the layer file. */
  entries: number;
  whiteouts: number;
  opaqueDirs: number;
  notes: string[];
}

/**
 * The extraction check's gate (../rootfs/gate.ts), then the OCI-to-overlay rewrite: the
 * check judges the layer as written (a `.wh.NAME` is an empty file like any other), and
 * only members it passed are rewritten and reach tar.
 */
class LayerGate implements Gate {
  readonly check: ExtractionGate;
  readonly rewriter: TarRewriter;

  constructor(readonly handler: ApplyRewrite) {
    this.check = new ExtractionGate({ isRoot: true });
    this.rewriter = new TarRewriter(handler);
  }

  get refused(): boolean {
    return this.check.refused;
  }

  feed(chunk: Buffer): Buffer[] {
    return this.check.feed(chunk).flatMap((part) => this.rewriter.write(part));
  }

  finish(): Buffer[] {
    const rest = this.check.finish().flatMap((part) => this.rewriter.write(part));
    if (this.refused) return [];
    return [...rest, ...this.rewriter.end()];
  }
}

/**
 * Unpacks an OCI layer file (zstd, gzip or plain tar, told apart by content) into
 * `destDir`, which must not exist yet (an empty directory is replaced), as a directory
 * that overlayfs can use as a lower layer: whiteouts become character devices 0/0 and
 * opaque markers the trusted.overlay.opaque xattr (layer-apply-rewrite.ts).
 *
 * This is the root extraction of ../rootfs/extract.ts with one more stage: the same check
 * refuses members that could write outside the directory (absolute names, `..`, links
 * out, writes through symlinks) and skips device nodes other than the standard ones; GNU
 * tar writes (owners by number, modes, setuid, xattrs, ACLs, hard links); into a new
 * directory beside destDir that is renamed into place when complete. Needs root: only
 * root can set trusted.* xattrs and owners.
 */
export async function applyLayer(layerFile: string, destDir: string, opts: ApplyLayerOptions = {}): Promise<AppliedLayer> {
  if (process.geteuid?.() !== 0) {
    throw new PrivilegeError(`applying the image layer ${layerFile} needs root (owners, device nodes for whiteouts, trusted.overlay.* xattrs): run it as root or through sudo`);
  }
  const dest = path.resolve(destDir);
  const log = opts.log ?? (() => undefined);
  refuseExisting(dest);
  if (opts.signal?.aborted) throw new ImageError(`applying ${layerFile} was aborted`);

  const fd = openLayer(layerFile);
  try {
    const compression = detectCompression(readMagic(fd));
    if (compression !== 'none' && compression !== 'gzip' && compression !== 'zstd') {
      throw new ImageError(`${layerFile} is ${compression}-compressed; OCI layers are zstd, gzip or plain tar`);
    }
    const parent = path.dirname(dest);
    mkdirSync(parent, { recursive: true });
    const tmp = mkdtempSync(path.join(parent, `.${path.basename(dest)}.layer-`));
    try {
      chmodSync(tmp, 0o755);
      const handler = new ApplyRewrite(layerFile);
      const gate = new LayerGate(handler);
      let outcome: 'done' | 'refused';
      try {
        outcome = await extractThroughGate(layerFile, fd, compression, layerTarExtractArgs(tmp), gate, opts.signal);
      } catch (err) {
        if (err instanceof TarFormatError) {
          throw new ImageError(`${layerFile} is not a usable layer (${compression === 'none' ? 'uncompressed' : compression} tar): ${err.message}; nothing was applied`);
        }
        if (opts.signal?.aborted) throw new ImageError(`applying ${layerFile} was aborted`);
        throw err;
      }
      const plan = gate.check.plan();
      if (outcome === 'refused') throw new UnsafeArchiveError(layerFile, plan.problems);
      if (handler.lateOpaque.length) await markOpaque(tmp, handler.lateOpaque, layerFile);
      renameSync(tmp, dest);
      const notes = plan.notes.map((n) => n.message);
      if (handler.stats.metaSkipped) notes.push(`${handler.stats.metaSkipped} AUFS bookkeeping member(s) (.wh..wh.*) left out`);
      notes.forEach((n) => log(n));
      return { compression, entries: plan.entries, whiteouts: handler.stats.whiteouts, opaqueDirs: handler.stats.opaqueDirs, notes };
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new ImageError(`${dest} appeared while ${layerFile} was being applied; not replacing it`);
      throw err;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Opaque markers that did not come right after their directory (a layer from another
 * writer): once tar is done, each directory gets the xattr from a second, tiny archive of
 * directory members that repeat what is on disk (mode, owner, mtime) plus the xattr: tar
 * is the one tool sure to be there that sets trusted.* xattrs (Node cannot; setfattr is
 * not installed everywhere). A directory the layer never made is made 0755 root's.
 */
async function markOpaque(root: string, dirs: string[], layerFile: string): Promise<void> {
  const blocks: Buffer[] = [];
  for (const d of new Set(dirs)) {
    const p = path.join(root, d);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      st = undefined;
    }
    if (st && !st.isDirectory()) throw new ImageError(`${layerFile} is not a valid OCI layer: it marks ${JSON.stringify(d)} opaque, which is not a directory in the layer`);
    const name = d === '' ? './' : `./${d}/`;
    const h = Buffer.alloc(BLOCK);
    h.write('ustar\u000000', 257, 8, 'latin1');
    const mtime = Math.floor((st?.mtimeMs ?? Date.now()) / 1000);
    h.write(mtime.toString(8).padStart(11, '0'), 136, 11, 'latin1');
    h.write((st?.uid ?? 0).toString(8).padStart(7, '0'), 108, 7, 'latin1');
    h.write((st?.gid ?? 0).toString(8).padStart(7, '0'), 116, 7, 'latin1');
    const header = rewriteHeader(h, { name: name.length <= 100 ? name : name.slice(0, 100), typeflag: '5', mode: st ? st.mode & 0o7777 : 0o755, size: 0 });
    const records = [paxRecord('SCHILY.xattr.trusted.overlay.opaque', 'y')];
    if (name.length > 100) records.unshift(paxRecord('path', name));
    blocks.push(...paxHeaderBlocks(records, name, header), header);
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  const file = path.join(path.dirname(root), `.${path.basename(root)}.opaque.tar`);
  writeFileSync(file, Buffer.concat(blocks));
  try {
    const args = layerTarExtractArgs(root).map((a) => (a === '-' ? file : a));
    const r = await execCapture('tar', args);
    if (r.code !== 0) throw new ImageError(`tar could not mark the opaque directories of ${layerFile} (exit status ${r.code}): ${r.stderr.trim()}`);
  } finally {
    rmSync(file, { force: true });
  }
}

function refuseExisting(dest: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new ImageError(`cannot apply a layer into ${dest}: it exists and is not an empty directory (${code})`);
  }
  if (entries.length) throw new ImageError(`cannot apply a layer into ${dest}: it exists and is not empty; applying makes a new directory`);
}

function openLayer(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new ImageError(`cannot read the image layer ${file}: ${(err as Error).message}`);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new ImageError(`${file} is not a regular file`);
  }
  return fd;
}
