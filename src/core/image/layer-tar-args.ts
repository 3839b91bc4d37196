import { ConfigError } from '../errors.js';
import { DROPPED_XATTR_PREFIXES } from '../rootfs/archive-check.js';
import { tarExtractArgs } from '../rootfs/tar-args.js';
import { ImageError } from './errors.js';

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
 * `tar -c` of an upper layer to stdout, in the pax format that OCI layers use. tar walks
 * the layer itself (`--sort=name`: the same tree gives the same bytes), leaving out what
 * `exclusion` names (the whiteouts, which the save writes as `.wh.` members, and the
 * volumes' mount points) and the sockets it cannot archive anyway:
 * - numeric owners (the names are the guest's, not the host's), modes as they are;
 * - every xattr namespace (security.capability is what makes ping work), ACLs among them
 *   as the kernel keeps them (system.posix_acl_*: podman and Docker restore those, not tar's
 *   own SCHILY.acl.* records, so no --acls), but the overlay's own trusted.overlay.* (the
 *   kernel's bookkeeping about this upper layer's lowers; what they mean for the layer is
 *   read from the metadata dump, see below);
 * - time stamps to the second, no atime/ctime, and pax header names without tar's pid,
 *   as Docker writes layers: without them nearly every member needs a pax header of its
 *   own (about 1 KB each), and the same tree gives the same bytes;
 * - no --sparse: GNU's sparse pax encoding renames members (GNUSparseFile.N/...), which
 *   not every OCI reader undoes, and holes compress to almost nothing anyway.
 */
export function tarCreateArgs(upperDir: string, exclusion: TarExclusion): string[] {
  return [
    ...tarHead(upperDir, ['--xattrs-include=*', '--xattrs-exclude=trusted.overlay.*']),
    '--sort=name',
    '--warning=no-file-ignored',
    '--anchored',
    '--no-wildcards',
    ...(exclusion.file.length ? [`--exclude-from=${EXCLUDE_FILE}`] : []),
    ...exclusion.args,
    '.',
  ];
}

/**
 * Where tar reads the names to leave out, one a line: its stdin (the archive goes to
 * stdout). Not /dev/fd/3: Node's extra stdio pipes are sockets, which cannot be opened.
 */
export const EXCLUDE_FILE = '-';

/** How tar is told to leave members out: a file of names, and options for the names a line cannot hold. */
export interface TarExclusion {
  /** For --exclude-from: one member name a line. */
  file: Buffer;
  /** --exclude=NAME options. */
  args: string[];
}

/** C's isspace: tar's --exclude-from drops these at the end of a line. */
const TRAILING_SPACE = /[ \t\n\v\f\r]$/;

/**
 * The options that make tar leave out exactly the members NAMES (latin1 strings, one char
 * a byte, as the save reads them): literal (`--no-wildcards`), whole names from the start
 * (`--anchored`), each with everything below it. Most go in the --exclude-from file, which
 * holds any byte and has no length limit; a name with a newline or trailing white space
 * cannot be a line of it, so it becomes an option, which Node passes as UTF-8: such a name
 * that is not UTF-8 cannot be said to tar, and is refused (ImageError).
 */
export function tarExclusion(names: readonly string[]): TarExclusion {
  const lines: string[] = [];
  const args: string[] = [];
  for (const name of names) {
    if (!name.includes('\n') && !TRAILING_SPACE.test(name)) {
      lines.push(name);
      continue;
    }
    const bytes = Buffer.from(name, 'latin1');
    const utf8 = bytes.toString('utf8');
    if (!Buffer.from(utf8, 'utf8').equals(bytes)) {
      throw new ImageError(
        `cannot save the layer: ${JSON.stringify(utf8)} has a newline or ends in white space and is not UTF-8, so GNU tar cannot be told to leave it out; rename it (or restore it) before saving`,
      );
    }
    args.push(`--exclude=${utf8}`);
  }
  return { file: Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1'), args };
}

/**
 * `tar -c` of the members named on stdin with their headers and the overlay's xattrs
 * only: what the save reads to find whiteouts, opaque directories and what it must refuse
 * (layer-save-rewrite.ts). They are directories and character devices (layer-save-find.ts),
 * so this reads no file data.
 */
export function tarMetaArgs(upperDir: string): string[] {
  return [...tarHead(upperDir, OVERLAY_XATTRS_THAT_MATTER.map((x) => `--xattrs-include=${x}`)), '--no-recursion', '--null', '--files-from=-'];
}

/**
 * The overlay xattrs that change what an upper layer means: an opaque directory, a
 * directory renamed in place, a file whose data is below. The rest (origin, impure, uuid,
 * ...) are bookkeeping that nearly every copied-up directory carries: dumping them made
 * each of those a member to parse.
 */
const OVERLAY_XATTRS_THAT_MATTER = ['trusted.overlay.opaque', 'trusted.overlay.redirect', 'trusted.overlay.metacopy'];

/** `tar -c` to stdout, pax, numeric owners, with XATTRS. */
function tarHead(upperDir: string, xattrs: string[]): string[] {
  return [
    '--create',
    '--file=-',
    `--directory=${upperDir}`,
    '--format=posix',
    '--numeric-owner',
    '--xattrs',
    ...xattrs,
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime',
  ];
}

/**
 * `tar -x` for a layer that becomes an overlay lower layer: as for a root (tar-args.ts)
 * but with the overlay's xattrs let through, since the opaque markers are set that way.
 * Only what applyLayer itself wrote can carry them: it strips every trusted.overlay.*
 * record that the layer brought before tar sees it (layer-apply-rewrite.ts).
 * And no --acls: with it GNU tar sets ACLs from its own SCHILY.acl.* records only and
 * skips the system.posix_acl_* xattrs, which are what layers carry (ours, podman's; GNU
 * tar writes both when it writes xattrs).
 */
export function layerTarExtractArgs(dir: string): string[] {
  const dropped = new Set([...DROPPED_XATTR_PREFIXES.map((p) => `--xattrs-exclude=${p}*`), '--acls']);
  return tarExtractArgs({ dir, isRoot: true }).filter((a) => !dropped.has(a));
}
