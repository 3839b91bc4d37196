import { ImageError } from './errors.js';
import { editMember } from './layer-member-edit.js';
import { emptyFileMember, paxValue } from './layer-tar-member.js';
import type { Member, MemberHandler, Rewrite } from './layer-tar-rewriter.js';
import { opaqueMarkerName, whiteoutName } from './whiteout.js';

/** The overlay's own xattrs (the kernel's bookkeeping), as pax keys. */
const OVERLAY_XATTR = 'SCHILY.xattr.trusted.overlay.';
const isOverlayXattr = (key: string): boolean => key.startsWith(OVERLAY_XATTR);

/**
 * Overlay xattrs that change what a path means in a way an OCI layer cannot say: a
 * directory renamed in place (redirect_dir) and a file whose data is still in a lower
 * layer (metacopy). Saving such an upper layer would silently give a wrong image.
 */
const UNSAVABLE: Record<string, string> = {
  [`${OVERLAY_XATTR}redirect`]: 'a directory renamed by the overlay (redirect_dir)',
  [`${OVERLAY_XATTR}metacopy`]: 'a file whose data is still in a lower layer (metacopy)',
};

export interface SaveStats {
  whiteouts: number;
  opaqueDirs: number;
}

/**
 * The members a layer needs that tar cannot write itself, made from GNU tar's metadata-only
 * dump of what walkUpper put in `meta` (directories, whiteouts, data-less files, with only
 * the overlay's xattrs), as podman's and Docker's overlay drivers write them
 * (image-spec layer.md):
 * - a whiteout (character device 0/0) becomes an empty regular file `.wh.NAME`, mode 0600,
 *   owner and time kept; so does a hard link to one (the kernel shares one whiteout inode
 *   among many names), which `isWhiteout` recognises by the link's target on disk;
 * - a directory with trusted.overlay.opaque=y gets an empty `.wh..wh..opq`, with the
 *   directory's owner and permission bits;
 * - a redirect_dir rename or a metacopy file is refused: an OCI layer cannot say it.
 * They go in `blocks`, in the dump's order, to be written before tar's own stream: every
 * marker then comes before any member of its directory, which no reader can get wrong.
 * The dump itself is not passed on.
 */
export class SavePrefix implements MemberHandler {
  readonly stats: SaveStats = { whiteouts: 0, opaqueDirs: 0 };
  readonly blocks: Buffer[] = [];

  /** `isWhiteout(name)`: whether the member `name` (a hard link's target) is a whiteout on disk. */
  constructor(
    private readonly upperDir: string,
    private readonly isWhiteout: (memberName: string) => boolean,
  ) {}

  member(m: Member): Rewrite {
    const e = m.entry;
    for (const r of m.pax) {
      const why = UNSAVABLE[r.key];
      if (why) {
        throw new ImageError(
          `cannot save ${this.upperDir} as an image: ${JSON.stringify(e.path)} is ${why}, which an OCI layer cannot express; mount the overlay with redirect_dir=off,metacopy=off (the default) for containers whose layer is saved`,
        );
      }
    }
    const whiteout = (e.type === 'char' && e.devmajor === 0 && e.devminor === 0) || (e.type === 'hardlink' && this.isWhiteout(e.linkTarget));
    if (whiteout) {
      this.stats.whiteouts++;
      this.blocks.push(...editMember(m, { path: whiteoutName(e.path), typeflag: '0', mode: 0o600, size: 0, linkname: '', devmajor: 0, devminor: 0, drop: isOverlayXattr }));
    } else if (e.type === 'directory' && m.pax.some((r) => r.key === `${OVERLAY_XATTR}opaque` && paxValue(r).toString('latin1') === 'y')) {
      this.stats.opaqueDirs++;
      this.blocks.push(...emptyFileMember(opaqueMarkerName(e.path), e.mode & 0o777, m.header));
    }
    return { emit: [], data: 'skip' };
  }
}
