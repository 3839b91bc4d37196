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

/**
 * `tar -c` of an upper layer to stdout, of exactly the members named on stdin (NUL
 * separated, in order, from walkUpper: it leaves out whiteouts, sockets and volumes, and
 * orders them as `--sort=name` would), in the pax format that OCI layers use:
 * - numeric owners (the names are the guest's, not the host's), modes as they are;
 * - every xattr namespace (security.capability is what makes ping work) and ACLs, but the
 *   overlay's own trusted.overlay.* (the kernel's bookkeeping about this upper layer's
 *   lowers; what they mean for the layer is read from the metadata dump, see below);
 * - time stamps to the second, no atime/ctime, and pax header names without tar's pid,
 *   as Docker writes layers: without them nearly every member needs a pax header of its
 *   own (about 1 KB each), and the same tree gives the same bytes;
 * - no --sparse: GNU's sparse pax encoding renames members (GNUSparseFile.N/...), which
 *   not every OCI reader undoes, and holes compress to almost nothing anyway.
 */
export function tarCreateArgs(upperDir: string): string[] {
  return tarOfList(upperDir, ['--xattrs-include=*', '--xattrs-exclude=trusted.overlay.*', '--acls']);
}

/**
 * `tar -c` of the members named on stdin with their headers and the overlay's xattrs
 * only: what the save reads to find whiteouts, opaque directories and what it must refuse
 * (layer-save-rewrite.ts). They are directories, devices and data-less files, so this
 * reads next to no data.
 */
export function tarMetaArgs(upperDir: string): string[] {
  return tarOfList(upperDir, ['--xattrs-include=trusted.overlay.*']);
}

/** `tar -c` to stdout of the NUL-separated names on stdin, pax, numeric owners, with XATTRS. */
function tarOfList(upperDir: string, xattrs: string[]): string[] {
  return [
    '--create',
    '--file=-',
    `--directory=${upperDir}`,
    '--format=posix',
    '--numeric-owner',
    '--xattrs',
    ...xattrs,
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime',
    '--no-recursion',
    '--null',
    '--files-from=-',
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
