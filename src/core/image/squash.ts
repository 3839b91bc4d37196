import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { execCapture } from '../exec.js';
import { ImageError } from './errors.js';
import { layerTarExtractArgs } from './layer-tar-args.js';

/**
 * Merges overlay layer directories (bottom first: applied image layers, then a
 * container's upper) into one directory that is itself an upper layer over the same
 * base: what `image save --squash` saves as ONE layer.
 *
 * Why not tar the merged view of an overlay mount: a mount of the layers without the base
 * shows what they hold, but consumes their whiteouts, so the base files the chain deleted
 * would come back. Here each layer is laid over the result with overlay's rules, keeping
 * what the base needs to know:
 * - a whiteout (char 0/0) replaces whatever is there and stays a whiteout;
 * - a non-directory replaces whatever is there;
 * - an opaque directory (trusted.overlay.opaque=y) replaces whatever is there, whole;
 * - a plain directory over a directory merges into it (its own metadata wins);
 * - a plain directory over a non-directory (a file or whiteout of a lower layer) hides the
 *   base below, so it is marked opaque here, as overlayfs itself does on copy-up.
 * Copies go through one GNU tar pipe per layer (owners, modes, xattrs, ACLs, device
 * nodes, hard links within a layer), the same extraction arguments as applying a layer.
 * Needs root. Hard links between files of different layers become copies.
 */
export async function mergeLayerDirs(layersBottomFirst: readonly string[], dest: string, baseDir: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  for (const layer of layersBottomFirst) {
    const opaque = await opaqueDirs(layer);
    const take: string[] = [];
    const markOpaque: string[] = [];
    const walk = (rel: string): void => {
      for (const name of readdirSync(path.join(layer, rel)).sort()) {
        const r = rel ? `${rel}/${name}` : name;
        const src = lstatSync(path.join(layer, r));
        const dst = lstatOrUndefined(path.join(dest, r));
        if (src.isDirectory() && !opaque.has(r) && dst?.isDirectory()) {
          take.push(r);
          walk(r);
          continue;
        }
        if (dst) rmSync(path.join(dest, r), { recursive: true, force: true });
        // dst is a lower layer's file or whiteout here: it hid the base's entry, and so must this directory.
        if (src.isDirectory() && !opaque.has(r) && dst) markOpaque.push(r);
        addTree(layer, r, take);
      }
    };
    walk('');
    if (take.length) await copyMembers(layer, dest, take);
    for (const r of markOpaque) {
      const s = await execCapture('setfattr', ['-h', '-n', 'trusted.overlay.opaque', '-v', 'y', path.join(dest, r)]).catch((err: NodeJS.ErrnoException) => {
        throw new ImageError(err.code === 'ENOENT' ? 'setfattr is needed to squash these layers: install the attr package' : `cannot run setfattr: ${err.message}`);
      });
      if (s.code !== 0) throw new ImageError(`cannot mark ${r} opaque while squashing (setfattr from the attr package is needed): ${s.stderr.trim()}`);
    }
  }
  await dropIdleWhiteouts(dest, baseDir);
}

/**
 * Removes the whiteouts that hide nothing of the base: overlayfs lists a directory that
 * only one layer has (or an opaque one) as it is on disk, so a whiteout there would show
 * up as a name that cannot be opened. A container's upper never has such whiteouts (the
 * kernel makes one only over an entry of a lower layer), but a merge of layers does: the
 * file a lower layer added and a higher one deleted.
 */
async function dropIdleWhiteouts(dest: string, baseDir: string): Promise<void> {
  const opaque = await opaqueDirs(dest);
  const walk = (rel: string, underOpaque: boolean): void => {
    for (const name of readdirSync(path.join(dest, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const s = lstatSync(path.join(dest, r));
      if (s.isDirectory()) walk(r, underOpaque || opaque.has(r));
      else if (s.isCharacterDevice() && s.rdev === 0 && (underOpaque || !lstatOrUndefined(path.join(baseDir, r)))) rmSync(path.join(dest, r));
    }
  };
  walk('', opaque.has(''));
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** REL and, for a directory, everything below it, parents first. */
function addTree(root: string, rel: string, out: string[]): void {
  out.push(rel);
  const s = lstatSync(path.join(root, rel));
  if (!s.isDirectory()) return;
  for (const name of readdirSync(path.join(root, rel)).sort()) addTree(root, `${rel}/${name}`, out);
}

/** tar -c of exactly these members (no recursion) from FROM, extracted into TO. */
async function copyMembers(from: string, to: string, members: string[]): Promise<void> {
  const list = path.join(path.dirname(to), `.${path.basename(to)}.members`);
  writeFileSync(list, members.map((m) => `./${m}\0`).join(''));
  try {
    const extract = layerTarExtractArgs(to).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const create = ['--create', '--file=-', `--directory=${from}`, '--format=posix', '--numeric-owner', '--xattrs', '--xattrs-include=*', '--no-recursion', '--null', '--verbatim-files-from', `--files-from=${list}`];
    const script = `set -o pipefail; tar ${create.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} | tar ${extract}`;
    const r = await execCapture('bash', ['-c', script]);
    if (r.code !== 0) throw new ImageError(`copying ${from} while squashing layers failed (exit status ${r.code}): ${r.stderr.trim()}`);
  } finally {
    rmSync(list, { force: true });
  }
}

/** The directories of LAYER with trusted.overlay.opaque=y, as paths relative to it. */
async function opaqueDirs(layer: string): Promise<Set<string>> {
  // The dump format (-d) names each file that has the attribute; files without it are not listed.
  const d = await execCapture('getfattr', ['-R', '-h', '-P', '-d', '-m', '^trusted\\.overlay\\.opaque$', '.'], { cwd: layer }).catch((err: NodeJS.ErrnoException) => {
    throw new ImageError(err.code === 'ENOENT' ? 'getfattr is needed to squash layers: install the attr package' : `cannot run getfattr: ${err.message}`);
  });
  if (d.code !== 0 && d.stdout === '') throw new ImageError(`getfattr could not read the xattrs of ${layer}: ${d.stderr.trim()}`);
  const out = new Set<string>();
  let file: string | undefined;
  for (const line of d.stdout.split('\n')) {
    const f = /^# file: (.*)$/.exec(line);
    if (f) {
      const name = unescapeGetfattr(f[1]!);
      file = name === '.' ? '' : name.replace(/^\.\//, '');
      continue;
    }
    if (file !== undefined && /^trusted\.overlay\.opaque="y"$/.test(line)) out.add(file);
  }
  return out;
}

/** getfattr writes odd bytes in names as \ooo. */
function unescapeGetfattr(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const m = /^\\([0-7]{3})/.exec(s.slice(i));
    if (m) {
      bytes.push(parseInt(m[1]!, 8));
      i += 3;
    } else bytes.push(...Buffer.from(s[i]!));
  }
  return Buffer.from(bytes).toString();
}
