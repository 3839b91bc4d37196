import { ImageError } from './errors.js';
import { editMember } from './layer-member-edit.js';
import { emptyFileMember, memberPathBytes, paxValue } from './layer-tar-member.js';
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
 * dump of the directories and character devices in the upper layer (layer-save-find.ts),
 * with only the overlay's xattrs, as podman's and Docker's overlay drivers write them
 * (image-spec layer.md):
 * - a whiteout (character device 0/0) becomes an empty regular file `.wh.NAME`, mode 0600,
 *   owner and time kept; so does a hard link to one (the kernel shares one whiteout inode
 *   among many names): tar links a name to the first of its inode's names in the dump;
 * - a directory with trusted.overlay.opaque=y gets an empty `.wh..wh..opq`, with the
 *   directory's owner and permission bits;
 * - a redirect_dir rename or a metacopy file is refused: an OCI layer cannot say it.
 * They go in `blocks`, in name order (the dump's order is find's, which is the disk's), to
 * be written before tar's own stream: every marker then comes before any member of its
 * directory, which no reader can get wrong. The dump itself is not passed on.
 */
export class SavePrefix implements MemberHandler {
  readonly stats: SaveStats = { whiteouts: 0, opaqueDirs: 0 };
  private readonly members: { name: string; blocks: Buffer[] }[] = [];

  /** The members made, in name order. */
  get blocks(): Buffer[] {
    return this.members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).flatMap((m) => m.blocks);
  }

  /**
   * The whiteouts' names, as their bytes in latin1 strings: tar must leave them out. The
   * same names as find's (which named them to the dump), whatever their bytes.
   */
  readonly whiteoutNames: string[] = [];
  /** Whiteouts seen so far, as the dump names them: a hard link to one is one too. */
  private readonly seen = new Set<string>();

  constructor(private readonly upperDir: string) {}

  /** A directory with no extended header has no overlay xattr: nothing to make or refuse. */
  ignoresPlain(typeflag: string): boolean {
    return typeflag === '5';
  }

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
    const whiteout = (e.type === 'char' && e.devmajor === 0 && e.devminor === 0) || (e.type === 'hardlink' && this.seen.has(e.linkTarget));
    if (whiteout) {
      this.stats.whiteouts++;
      this.seen.add(e.path);
      const exact = memberPathBytes(m);
      this.whiteoutNames.push(exact);
      const name = whiteoutName(exact);
      const bytes = Buffer.from(name, 'latin1');
      // Mostly a header and nothing else (or a long name): made directly, the quick way.
      const plain = m.pax.every((r) => r.key === 'path' || isOverlayXattr(r.key));
      const blocks = plain
        ? emptyFileMember(bytes, 0o600, m.header)
        : editMember(m, { path: bytes, typeflag: '0', mode: 0o600, size: 0, linkname: '', devmajor: 0, devminor: 0, drop: isOverlayXattr });
      this.members.push({ name, blocks });
    } else if (e.type === 'directory' && m.pax.some((r) => r.key === `${OVERLAY_XATTR}opaque` && paxValue(r).toString('latin1') === 'y')) {
      this.stats.opaqueDirs++;
      const name = opaqueMarkerName(memberPathBytes(m));
      this.members.push({ name, blocks: emptyFileMember(Buffer.from(name, 'latin1'), e.mode & 0o777, m.header) });
    }
    return { emit: [], data: 'skip' };
  }
}
