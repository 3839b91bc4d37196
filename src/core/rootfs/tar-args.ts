import { DROPPED_XATTR_PREFIXES } from './archive-check.js';

/**
 * The GNU tar command line for extraction, reading the archive (as the gate lets it
 * through) from stdin. Pure, so that what tar is asked to keep (owners, modes, xattrs,
 * ACLs) is visible in one table test. Skipped members need no exclusion patterns: they
 * are cut out of the stream (gate.ts).
 */
export interface TarExtractArgs {
  /** Directory to extract into (tar -C). */
  dir: string;
  /** Extraction runs as root: keep the archive's owners. */
  isRoot: boolean;
}

export function tarExtractArgs(o: TarExtractArgs): string[] {
  return [
    '-x',
    '-f',
    '-',
    '-C',
    o.dir,
    // Owners by number: the names in the archive are the root's, not the host's.
    '--numeric-owner',
    // Modes as stored, setuid and setgid included, whatever the umask.
    '--same-permissions',
    // As root GNU tar keeps owners anyway; as non-root chown would fail on every file.
    o.isRoot ? '--same-owner' : '--no-same-owner',
    // All namespaces (security.capability makes ping work, not just user.*), except the
    // overlay's own (archive-check.ts says why).
    '--xattrs',
    '--xattrs-include=*',
    ...DROPPED_XATTR_PREFIXES.map((p) => `--xattrs-exclude=${p}*`),
    '--acls',
    // Unknown pax keywords (LIBARCHIVE.*, SCHILY.fflags from bsdtar) are not errors.
    '--warning=no-unknown-keyword',
  ];
}
