import { ConfigError } from '../errors.js';
import { DROPPED_XATTR_PREFIXES } from '../rootfs/archive-check.js';
import { tarExtractArgs } from '../rootfs/tar-args.js';

/**
 * GNU tar command lines for image layers. Pure, so that what a layer keeps and drops is
 * one table test.
 */

/**
 * A guest path to leave out of a saved layer (a volume's mount point) as the member name
 * GNU tar gives it under `-C upper .`: `/work/src/` -> `./work/src`. ConfigError for what
 * cannot be a path in the container: relative, `..`, the root itself.
 */
export function excludeMemberName(guestPath: string): string {
  if (!guestPath.startsWith('/')) throw new ConfigError(`volume path '${guestPath}' to leave out of the image is not absolute: give the path inside the container, e.g. /work`);
  const parts = guestPath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ConfigError(`volume path '${guestPath}' to leave out of the image has a '..' component: give the plain path inside the container`);
  if (parts.length === 0) throw new ConfigError(`volume path '${guestPath}' is the container's root: an image without its root is empty; mount the volume somewhere below /`);
  if (guestPath.includes('\0')) throw new ConfigError(`volume path '${guestPath}' has a NUL byte`);
  return `./${parts.join('/')}`;
}

export interface TarCreateArgs {
  /** The overlay's upper directory. */
  upperDir: string;
  /** Guest paths left out, with everything below them (volumes' mount points). */
  exclude?: string[];
}

/**
 * `tar -c` of an upper layer to stdout, in the pax format that OCI layers use:
 * - numeric owners (the names are the guest's, not the host's), modes as they are;
 * - every xattr namespace (security.capability is what makes ping work) and ACLs; the
 *   overlay's own trusted.overlay.* are stripped afterwards (layer-save-rewrite.ts), as
 *   they decide what the layer means and must be read first;
 * - time stamps to the second, no atime/ctime, and pax header names without tar's pid,
 *   as Docker writes layers: without them nearly every member needs a pax header of its
 *   own (about 1 KB each), and the same tree gives the same bytes;
 * - members sorted by name, for the same reason;
 * - no --sparse: GNU's sparse pax encoding renames members (GNUSparseFile.N/...), which
 *   not every OCI reader undoes, and holes compress to almost nothing anyway;
 * - sockets are skipped by tar itself (without the warning: they are not a loss).
 * Exclusions are exact, anchored names (no wildcards): a volume at /a[1] means just that.
 */
export function tarCreateArgs(o: TarCreateArgs): string[] {
  const excludes = (o.exclude ?? []).map(excludeMemberName);
  return [
    '--create',
    '--file=-',
    `--directory=${o.upperDir}`,
    '--format=posix',
    '--numeric-owner',
    '--xattrs',
    '--xattrs-include=*',
    '--acls',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime',
    '--sort=name',
    '--warning=no-file-ignored',
    ...(excludes.length ? ['--anchored', '--no-wildcards', ...excludes.map((e) => `--exclude=${e}`)] : []),
    '.',
  ];
}

/**
 * `tar -x` for a layer that becomes an overlay lower layer: as for a root (tar-args.ts)
 * but with the overlay's xattrs let through, since the opaque markers are set that way.
 * Only what applyLayer itself wrote can carry them: it strips every trusted.overlay.*
 * record that the layer brought before tar sees it (layer-apply-rewrite.ts).
 */
export function layerTarExtractArgs(dir: string): string[] {
  const dropped = new Set(DROPPED_XATTR_PREFIXES.map((p) => `--xattrs-exclude=${p}*`));
  return tarExtractArgs({ dir, isRoot: true }).filter((a) => !dropped.has(a));
}
