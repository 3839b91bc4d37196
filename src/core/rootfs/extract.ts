import { chmodSync, closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { UnsafeArchiveError } from './archive-check.js';
import { detectCompression, readMagic, type Compression } from './compression.js';
import { RootfsError } from './errors.js';
import { ExtractionGate } from './gate.js';
import { extractThroughGate } from './pipeline.js';
import { tarExtractArgs } from './tar-args.js';
import { TarFormatError } from './tar-header.js';

export interface ExtractOptions {
  /** Notes for people (skipped entries, a mode that was fixed), one line each. */
  log?: (line: string) => void;
  /**
   * Extract as root would: keep owners and the standard device nodes. Defaults to whether
   * this process is root; false as root gives what an unprivileged extraction would.
   */
  isRoot?: boolean;
  /** Stops the extraction: the promise rejects and nothing is left behind. */
  signal?: AbortSignal;
}

export interface ExtractResult {
  compression: Compression;
  /** Members in the archive. */
  entries: number;
  /** What was skipped or changed, as logged. */
  notes: string[];
}

/**
 * Extracts a root filesystem archive (tar, gzip, xz, zstd or bzip2, told apart by content)
 * into `destDir`, which must not exist yet (an empty directory is replaced).
 *
 * The archive is decompressed once and goes through the gate (gate.ts) on its way to GNU
 * tar: every entry is checked before tar sees a byte of it, and one that could write
 * outside the root refuses the archive (UnsafeArchiveError, naming every such entry).
 * GNU tar does the writing, for speed and for everything it keeps (numeric owners,
 * setuid, hard links, xattrs, ACLs, timestamps). It writes into a new directory beside
 * destDir that is renamed into place only when complete: a refused, failed or aborted
 * extraction leaves nothing at destDir. (A SIGKILL of this process can leave that
 * `.NAME.extract-*` directory behind; never destDir.)
 */
export async function extractArchive(archive: string, destDir: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const dest = path.resolve(destDir);
  const log = opts.log ?? (() => undefined);
  const isRoot = opts.isRoot ?? process.geteuid?.() === 0;
  refuseExisting(dest);
  if (opts.signal?.aborted) throw new RootfsError(`extraction of ${archive} was aborted`);

  const fd = openArchive(archive);
  try {
    const compression = detectCompression(readMagic(fd));
    const parent = path.dirname(dest);
    mkdirSync(parent, { recursive: true });
    const tmp = mkdtempSync(path.join(parent, `.${path.basename(dest)}.extract-`));
    try {
      // mkdtemp makes 0700; a root made from an archive without a "./" entry should not be.
      chmodSync(tmp, 0o755);
      const gate = new ExtractionGate({ isRoot });
      let outcome: 'done' | 'refused';
      try {
        outcome = await extractThroughGate(archive, fd, compression, tarExtractArgs({ dir: tmp, isRoot }), gate, opts.signal);
      } catch (err) {
        if (err instanceof TarFormatError) {
          throw new RootfsError(`${archive} is not a usable tar archive (${compression === 'none' ? 'uncompressed' : compression}): ${err.message}; nothing was extracted`);
        }
        throw err;
      }
      const plan = gate.plan();
      if (outcome === 'refused') throw new UnsafeArchiveError(archive, plan.problems);
      const notes = plan.notes.map((n) => n.message);
      const fixed = openUpRoot(tmp);
      if (fixed) notes.push(fixed);
      renameSync(tmp, dest);
      notes.forEach((n) => log(n));
      return { compression, entries: plan.entries, notes };
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new RootfsError(`${dest} appeared while ${archive} was being extracted; not replacing it`);
      }
      throw err;
    }
  } finally {
    closeSync(fd);
  }
}

function refuseExisting(dest: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new RootfsError(`cannot extract into ${dest}: it exists and is not an empty directory (${code})`);
  }
  if (entries.length) throw new RootfsError(`cannot extract into ${dest}: it exists and is not empty; extraction makes a new directory`);
}

function openArchive(archive: string): number {
  let fd: number;
  try {
    fd = openSync(archive, 'r');
  } catch (err) {
    throw new RootfsError(`cannot read the archive ${archive}: ${(err as Error).message}`);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new RootfsError(`${archive} is not a regular file`);
  }
  return fd;
}

/**
 * Some archives (gliderlabs' Alpine rootfs) make "./" 0700: a non-root user inside the
 * container could then not even resolve /bin/sh. The root gets 0755, said in a note.
 */
function openUpRoot(dir: string): string | undefined {
  const mode = statSync(dir).mode & 0o7777;
  if ((mode & 0o005) === 0o005) return undefined;
  chmodSync(dir, 0o755);
  return `the archive's top directory "./" was mode ${mode.toString(8).padStart(4, '0')}; made it 0755 so that non-root users in the container can use the root`;
}
