import { ImageError } from './errors.js';
import { editMember } from './layer-member-edit.js';
import { emptyFileMember, paxValue } from './layer-tar-member.js';
import type { Member, MemberHandler, Rewrite } from './layer-tar-rewriter.js';
import { looksLikeWhiteout, opaqueMarkerName, whiteoutName } from './whiteout.js';

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
 * Turns GNU tar's dump of an overlay upper directory into an OCI layer, member by member
 * (image-spec layer.md; what podman's and Docker's overlay drivers write):
 * - a whiteout (character device 0/0) becomes an empty regular file `.wh.NAME`, mode 0600,
 *   owner and time kept; so does a hard link to one (the kernel shares one whiteout inode
 *   among many names), which `isWhiteout` recognises by the link's target on disk;
 * - a directory with trusted.overlay.opaque=y is followed by an empty `.wh..wh..opq`;
 * - every trusted.overlay.* xattr is dropped (origin, impure, uuid... are the kernel's
 *   bookkeeping about this upper layer's own lowers);
 * - a name that already starts with `.wh.` is refused: in a layer it would read as a deletion.
 * All other members are passed byte for byte.
 */
export class SaveRewrite implements MemberHandler {
  readonly stats: SaveStats = { whiteouts: 0, opaqueDirs: 0 };

  /** `isWhiteout(name)`: whether the member `name` (a hard link's target) is a whiteout on disk. */
  constructor(
    private readonly upperDir: string,
    private readonly isWhiteout: (memberName: string) => boolean,
  ) {}

  member(m: Member): Rewrite {
    const e = m.entry;
    if (looksLikeWhiteout(e.path)) {
      throw new ImageError(
        `cannot save ${this.upperDir} as an image: ${JSON.stringify(e.path)} is named like an OCI whiteout (.wh.*), and in a layer it would read as a deletion; rename or remove it before saving`,
      );
    }
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
      const emit = editMember(m, { path: whiteoutName(e.path), typeflag: '0', mode: 0o600, size: 0, linkname: '', devmajor: 0, devminor: 0, drop: isOverlayXattr });
      return { emit, data: 'skip' };
    }
    const overlayRecords = m.pax.filter((r) => isOverlayXattr(r.key));
    if (overlayRecords.length === 0) return { emit: m.original, data: 'pass' };
    const emit = editMember(m, { drop: isOverlayXattr });
    const opaque = e.type === 'directory' && overlayRecords.some((r) => r.key === `${OVERLAY_XATTR}opaque` && paxValue(r).toString('latin1') === 'y');
    if (opaque) {
      this.stats.opaqueDirs++;
      // As Docker writes it: the marker right after its directory, with the directory's
      // owner and permission bits.
      emit.push(...emptyFileMember(opaqueMarkerName(e.path), e.mode & 0o777, m.header));
    }
    return { emit, data: 'pass' };
  }
}
