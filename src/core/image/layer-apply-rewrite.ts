import { normalizeMemberPath } from '../rootfs/archive-check.js';
import { ImageError } from './errors.js';
import { editMember } from './layer-member-edit.js';
import { memberPathBytes } from './layer-tar-member.js';
import type { Member, MemberHandler, Rewrite } from './layer-tar-rewriter.js';
import { parseWhiteout } from './whiteout.js';

const OVERLAY_XATTR = 'SCHILY.xattr.trusted.overlay.';
const isOverlayXattr = (key: string): boolean => key.startsWith(OVERLAY_XATTR);
const OPAQUE: [string, string] = [`${OVERLAY_XATTR}opaque`, 'y'];

export interface ApplyStats {
  whiteouts: number;
  opaqueDirs: number;
  /** AUFS bookkeeping members (`.wh..wh.plnk`...) left out. */
  metaSkipped: number;
}

const rel = (name: string): string => {
  const n = normalizeMemberPath(name);
  return n.ok ? n.path : name;
};

/**
 * Turns an OCI layer into what overlayfs reads in a lower layer, member by member, after
 * the extraction check has passed each one (../rootfs/gate.ts):
 * - `.wh.NAME` becomes a character device 0/0 named NAME (tar mknods it);
 * - `.wh..wh..opq` sets trusted.overlay.opaque=y on its directory: added to that
 *   directory's own member when it comes right after it (as every writer we know orders
 *   them, this one included); otherwise the directory is named in `lateOpaque` for the
 *   caller to mark once tar is done;
 * - every trusted.overlay.* xattr the layer brings itself is dropped (tar is told to
 *   restore that namespace, for the markers above, so nothing else may carry it);
 * - other `.wh..wh.*` names (AUFS bookkeeping) are left out.
 * A directory member is held back until the next member shows whether its marker follows.
 */
export class ApplyRewrite implements MemberHandler {
  readonly stats: ApplyStats = { whiteouts: 0, opaqueDirs: 0, metaSkipped: 0 };
  /** Directories (relative, '' for the root) whose marker did not follow them. */
  readonly lateOpaque: string[] = [];
  private held: { member: Member; path: string } | undefined;

  constructor(private readonly layer: string) {}

  member(m: Member): Rewrite {
    const e = m.entry;
    const wh = parseWhiteout(e.path);
    if (wh && e.type !== 'file') {
      throw new ImageError(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a whiteout name on a ${e.type}, not an empty file`);
    }
    if (e.type === 'hardlink' && parseWhiteout(e.linkTarget)) {
      throw new ImageError(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a hard link to the whiteout ${JSON.stringify(e.linkTarget)}`);
    }
    if (wh?.kind === 'opaque') {
      this.stats.opaqueDirs++;
      const dir = rel(wh.dir);
      if (this.held && this.held.path === dir) {
        const emit = editMember(this.held.member, { drop: isOverlayXattr, add: [OPAQUE] });
        this.held = undefined;
        return { emit, data: 'skip' };
      }
      this.lateOpaque.push(dir);
      return { emit: this.flush(), data: 'skip' };
    }
    const before = this.flush();
    if (wh?.kind === 'meta') {
      this.stats.metaSkipped++;
      return { emit: before, data: 'skip' };
    }
    if (wh?.kind === 'whiteout') {
      if (wh.target === '' || wh.target === '.' || wh.target === '..') {
        throw new ImageError(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a whiteout of ${JSON.stringify(wh.target)}, which is not a name`);
      }
      this.stats.whiteouts++;
      // As the kernel makes them: c--------- 0:0. The member's other xattrs go too: a
      // whiteout is a name, not a file with properties.
      // The name's own bytes: one that is not UTF-8 must delete that very name.
      const exact = parseWhiteout(memberPathBytes(m)) as { dir: string; target: string };
      const emit = editMember(m, { path: Buffer.from(`${exact.dir}${exact.target}`, 'latin1'), typeflag: '3', mode: 0, size: 0, devmajor: 0, devminor: 0, drop: (k) => k.startsWith('SCHILY.xattr.') || k.startsWith('SCHILY.acl.') });
      return { emit: [...before, ...emit], data: 'skip' };
    }
    const overlay = m.pax.some((r) => isOverlayXattr(r.key));
    if (e.type === 'directory' && m.dataBytes === 0) {
      this.held = { member: overlay ? withoutOverlayXattrs(m) : m, path: rel(e.path) };
      return { emit: before, data: 'pass' };
    }
    return { emit: [...before, ...(overlay ? editMember(m, { drop: isOverlayXattr }) : m.original)], data: 'pass' };
  }

  flush(): Buffer[] {
    const h = this.held;
    this.held = undefined;
    return h ? h.member.original : [];
  }
}

/** The member as if it had been written without the overlay's xattrs. */
function withoutOverlayXattrs(m: Member): Member {
  return { ...m, original: editMember(m, { drop: isOverlayXattr }), pax: m.pax.filter((r) => !isOverlayXattr(r.key)) };
}
