import { lstatSync, readdirSync } from 'node:fs';
import { ImageError } from './errors.js';
import { looksLikeWhiteout } from './whiteout.js';

/**
 * The walk of an overlay upper directory that a save starts with. It decides what tar
 * archives, so that tar can write the layer straight into the compressor (no pass of the
 * data through Node):
 * - `members`: what goes into the layer as it is, in GNU tar's `--sort=name` order
 *   (depth first, names by bytes), the root `.` first; whiteouts (character devices 0/0),
 *   sockets and the excluded volume mount points (with everything below them) left out;
 * - `meta`: what the save must look at more closely, with the overlay's own xattrs (a
 *   metadata-only tar of them, see layer-save.ts): every directory (opaque? renamed by
 *   redirect_dir?) and every whiteout (it becomes a `.wh.NAME` member). Files are not
 *   looked at one by one (an lstat each cost a tenth of the save): a metacopy file, whose
 *   data is in a lower layer, cannot be in an upper layer that the jail wrote, as it
 *   mounts its overlay with metacopy=off.
 * Names are member names (`./usr/bin`) as latin1 strings: one char per byte, so a name
 * that is not UTF-8 goes back to the same bytes.
 * A name that starts with `.wh.` is refused: in a layer it would read as a deletion.
 */
export interface UpperWalk {
  members: string[];
  meta: string[];
  whiteouts: number;
}

const fsPath = (p: string): Buffer => Buffer.from(p, 'latin1');

export function walkUpper(upperDir: string, exclude: readonly string[] = []): UpperWalk {
  const excluded = new Set(exclude);
  const w: UpperWalk = { members: ['.'], meta: ['.'], whiteouts: 0 };
  const upper = upperDir.replace(/\/+$/, '');
  const visit = (rel: string): void => {
    const dir = rel === '.' ? upper : `${upper}/${rel.slice(2)}`;
    const entries = readdirSync(fsPath(dir), { withFileTypes: true, encoding: 'buffer' })
      .map((d) => ({ d, name: d.name.toString('latin1') }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { d, name } of entries) {
      const member = `${rel}/${name}`;
      if (looksLikeWhiteout(name)) {
        throw new ImageError(
          `cannot save ${upperDir} as an image: ${JSON.stringify(Buffer.from(member, 'latin1').toString())} is named like an OCI whiteout (.wh.*), and in a layer it would read as a deletion; rename or remove it before saving`,
        );
      }
      if (excluded.has(member) || d.isSocket()) continue;
      if (d.isDirectory()) {
        w.members.push(member);
        w.meta.push(member);
        visit(member);
      } else if (d.isCharacterDevice()) {
        if (lstatSync(fsPath(`${dir}/${name}`)).rdev === 0) {
          w.whiteouts++;
          w.meta.push(member);
        } else {
          w.members.push(member);
        }
      } else {
        w.members.push(member);
      }
    }
  };
  visit('.');
  return w;
}

/** NAMES as tar's `--null --files-from` list. */
export function nulList(names: readonly string[]): Buffer {
  return Buffer.from(names.length ? `${names.join('\0')}\0` : '', 'latin1');
}
