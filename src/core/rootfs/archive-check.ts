import { RootfsError } from './errors.js';
import type { TarEntry } from './tar-header.js';

/**
 * The safety check that every archive entry passes before tar sees any byte of it. Pure:
 * it sees parsed entries, never the filesystem, so every rule is a row in a table test.
 *
 * Fatal problems refuse the whole archive (a root with a hole in it is worse than no root);
 * notes are entries that are left out or changed, for the log.
 */

/** What becomes of one entry: given to tar, left out of the stream, or the archive refused. */
export type Verdict = 'extract' | 'skip' | 'refuse';

/** One finding, naming the entry as stored in the archive. */
export interface Finding {
  path: string;
  message: string;
}

export interface ExtractionPlan {
  /** Members seen (pax and long-name headers are not members). */
  entries: number;
  /** Fatal: the archive must not be extracted. */
  problems: Finding[];
  /** Entries skipped or changed; extraction goes on without them. */
  notes: Finding[];
  /** Names, as stored, of the entries left out of what tar extracts. */
  skipped: string[];
  /** Extended attributes tar must not set (see tar-args.ts), for the record. */
  droppedXattrs: string[];
}

export interface CheckOptions {
  /** Whether extraction runs as root: only then are (standard) device nodes kept. */
  isRoot: boolean;
}

/**
 * The device nodes a root may bring: the character devices every /dev has and that a jail
 * binds or creates anyway, with the numbers Linux gives them (devices.txt). A `dev/null`
 * that is really block 8:0 is the disk, not null. Everything else (disks, /dev/mem,
 * /dev/kmsg, ...) is skipped: a root filesystem has no business bringing it.
 */
const STANDARD_CHAR_DEVICES: ReadonlyMap<string, readonly [number, number]> = new Map<string, readonly [number, number]>([
  ['dev/null', [1, 3]],
  ['dev/zero', [1, 5]],
  ['dev/full', [1, 7]],
  ['dev/random', [1, 8]],
  ['dev/urandom', [1, 9]],
  ['dev/tty', [5, 0]],
  ['dev/console', [5, 1]],
  ['dev/ptmx', [5, 2]],
  // Virtual consoles tty0..tty63 are 4:N.
  ...Array.from({ length: 64 }, (_, n) => [`dev/tty${n}`, [4, n]] as [string, readonly [number, number]]),
]);

/** Whether `path` (normalized) with these numbers is one of the standard character devices. */
export function isStandardDevice(path: string, type: TarEntry['type'], major: number, minor: number): boolean {
  const want = STANDARD_CHAR_DEVICES.get(path);
  return type === 'char' && want !== undefined && want[0] === major && want[1] === minor;
}

/**
 * Xattrs that are never restored: `trusted.overlay.*` steers overlayfs (opaque directories,
 * redirects, metacopy) when the root becomes a lower layer, so it is ours to set, not an
 * archive's.
 */
export const DROPPED_XATTR_PREFIXES = ['trusted.overlay.'] as const;

export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * An archive member name as a path relative to the root: `./a//b/` is `a/b`, `.` and `./`
 * are '' (the root itself). Absolute names and `..` components are refused, not repaired:
 * GNU tar would strip them and extract somewhere the author did not mean.
 */
export function normalizeMemberPath(name: string): NormalizedPath {
  if (name === '') return { ok: false, reason: 'empty name' };
  if (name.startsWith('/')) return { ok: false, reason: 'absolute path' };
  // tar stops a name at a NUL (a pax value can hold one): it would extract a name that is
  // not the one checked here.
  if (name.includes('\0')) return { ok: false, reason: 'has a NUL byte' };
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return { ok: false, reason: 'has a ".." component' };
    parts.push(part);
  }
  return { ok: true, path: parts.join('/') };
}

const q = (s: string): string => JSON.stringify(s);

/**
 * The check, one entry at a time, in archive order (an archive of a million entries is not
 * held in memory; the check keeps one type per path, which it needs for symlinks and hard
 * links).
 */
export class ArchiveChecker {
  /** Type of what the archive has put at each path so far (later entries replace earlier). */
  private readonly kinds = new Map<string, TarEntry['type']>();
  /** Paths whose only entries were skipped: a hard link to one is skipped too. */
  private readonly skippedPaths = new Set<string>();
  private symlinks = 0;
  private count = 0;
  private readonly problems: Finding[] = [];
  private readonly notes: Finding[] = [];
  private readonly skipped: string[] = [];
  private readonly dropped = new Set<string>();

  constructor(private readonly opts: CheckOptions) {}

  /** Whether any entry so far refuses the archive. */
  get refused(): boolean {
    return this.problems.length > 0;
  }

  add(e: TarEntry): Verdict {
    this.count++;
    const problem = (message: string): Verdict => {
      this.problems.push({ path: e.path, message: `${q(e.path)}: ${message}` });
      return 'refuse';
    };
    const norm = normalizeMemberPath(e.path);
    if (!norm.ok) return problem(`${norm.reason}; refusing an entry that would be written outside the root`);
    const p = norm.path;

    if (e.size && e.type !== 'file') {
      return problem(`a ${e.type} that carries ${e.size} bytes of data (crafted so that tar and this check could disagree about the next entry)`);
    }
    if (e.type === 'other') return problem(`unsupported entry type '${e.typeflag ?? '?'}'`);
    if (p === '' && e.type !== 'directory') return problem(`the root itself as a ${e.type}; the root must be a directory`);

    const via = this.symlinkAncestor(p);
    if (via !== undefined) {
      return problem(`goes through ${q(via)}, a symlink made by an earlier entry; writing through it could land outside the root`);
    }

    switch (e.type) {
      case 'hardlink': {
        const why = this.hardLinkProblem(e.linkTarget);
        if (why === 'skipped') return this.skip(e, p, `hard link to ${q(e.linkTarget)}, which is skipped`);
        if (why) return problem(`hard link to ${q(e.linkTarget)}: ${why}`);
        break;
      }
      case 'char':
      case 'block': {
        const standard = isStandardDevice(p, e.type, e.devmajor, e.devminor);
        if (standard && this.opts.isRoot) break;
        const why = standard ? 'only root can create device nodes' : 'not one of the standard /dev nodes (null zero full random urandom tty console ptmx tty0-63)';
        return this.skip(e, p, `${e.type} device ${e.devmajor}:${e.devminor} skipped: ${why}`);
      }
    }

    for (const x of e.xattrs ?? []) {
      if (DROPPED_XATTR_PREFIXES.some((pre) => x.startsWith(pre))) {
        this.dropped.add(x);
        this.notes.push({ path: e.path, message: `${q(e.path)}: xattr ${x} not restored (it would steer the overlay mount)` });
      }
    }
    this.record(p, e.type);
    return 'extract';
  }

  plan(): ExtractionPlan {
    return { entries: this.count, problems: this.problems, notes: this.notes, skipped: this.skipped, droppedXattrs: [...this.dropped] };
  }

  private record(p: string, type: TarEntry['type']): void {
    this.skippedPaths.delete(p);
    const before = this.kinds.get(p);
    // GNU tar keeps a symlink that a directory entry lands on when the link leads to a
    // directory (it stats through it), so for what comes after, it is still a symlink.
    if (before === 'symlink' && type === 'directory') return;
    if (before === 'symlink') this.symlinks--;
    if (type === 'symlink') this.symlinks++;
    this.kinds.set(p, type);
  }

  /** The entry is left out of what tar sees; whatever an earlier entry put at its path stays. */
  private skip(e: TarEntry, p: string, message: string): Verdict {
    this.notes.push({ path: e.path, message: `${q(e.path)}: ${message}` });
    this.skipped.push(e.path);
    if (!this.kinds.has(p)) this.skippedPaths.add(p);
    return 'skip';
  }

  /** The first proper ancestor of `p` that is currently a symlink, if any. */
  private symlinkAncestor(p: string): string | undefined {
    if (this.symlinks === 0) return undefined;
    let i = p.indexOf('/');
    while (i !== -1) {
      const prefix = p.slice(0, i);
      if (this.kinds.get(prefix) === 'symlink') return prefix;
      i = p.indexOf('/', i + 1);
    }
    return undefined;
  }

  /** Why a hard link target is not acceptable; 'skipped' when it names a skipped entry. */
  private hardLinkProblem(target: string): string | 'skipped' | undefined {
    const norm = normalizeMemberPath(target);
    if (!norm.ok) return `its target is an ${norm.reason === 'absolute path' ? 'absolute path' : `unsafe name (${norm.reason})`}; it would link a file from outside the root`;
    const t = norm.path;
    if (t === '') return 'its target is the root directory';
    const via = this.symlinkAncestor(t);
    if (via !== undefined) return `its target goes through ${q(via)}, a symlink made by an earlier entry, and could leave the root`;
    const kind = this.kinds.get(t);
    if (kind === undefined && this.skippedPaths.has(t)) return 'skipped';
    if (kind === undefined) return 'its target is not an earlier entry of the archive, so it would be something outside the archive or nothing';
    if (kind === 'directory') return 'its target is a directory';
    return undefined;
  }
}

/** The plan for a list of entries. Pure. */
export function checkEntries(entries: Iterable<TarEntry>, opts: CheckOptions): ExtractionPlan {
  const c = new ArchiveChecker(opts);
  for (const e of entries) c.add(e);
  return c.plan();
}

/** The archive was refused: `problems` names every hostile entry. */
export class UnsafeArchiveError extends RootfsError {
  override name = 'UnsafeArchiveError';

  constructor(
    readonly archive: string,
    readonly problems: Finding[],
  ) {
    const shown = problems.slice(0, 20).map((p) => `  - ${p.message}`);
    if (problems.length > shown.length) shown.push(`  - and ${problems.length - shown.length} more`);
    super(`refusing to extract ${archive}: ${problems.length} unsafe ${problems.length === 1 ? 'entry' : 'entries'}; nothing was kept\n${shown.join('\n')}`);
  }
}
