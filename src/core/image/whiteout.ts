/**
 * OCI layer whiteouts, as names (image-spec, layer.md): a deleted NAME is an empty file
 * `.wh.NAME` beside where it was; a directory whose lower contents are hidden ("opaque")
 * holds an empty `.wh..wh..opq`. Pure functions over archive member names, which keep
 * their `./` prefix and a directory's trailing slash as GNU tar writes them.
 */

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** `.wh..wh.*` names other than the opaque marker are AUFS bookkeeping (`.wh..wh.plnk`, ...). */
export const META_PREFIX = '.wh..wh.';

/** A member name split into its directory part (with its trailing slash, or '') and last component. */
export function splitMemberName(name: string): { dir: string; base: string } {
  const trimmed = name.endsWith('/') ? name.replace(/\/+$/, '') : name;
  const slash = trimmed.lastIndexOf('/');
  return slash === -1 ? { dir: '', base: trimmed } : { dir: trimmed.slice(0, slash + 1), base: trimmed.slice(slash + 1) };
}

/** `./a/f1` -> `./a/.wh.f1`: the whiteout member that deletes `name`. */
export function whiteoutName(name: string): string {
  const { dir, base } = splitMemberName(name);
  return `${dir}${WHITEOUT_PREFIX}${base}`;
}

/** `./b/` -> `./b/.wh..wh..opq`; the root `./` (or `.`) -> `./.wh..wh..opq`. */
export function opaqueMarkerName(dirName: string): string {
  if (dirName === '.' || dirName === './' || dirName === '') return `./${OPAQUE_MARKER}`;
  return `${dirName.replace(/\/+$/, '')}/${OPAQUE_MARKER}`;
}

export type WhiteoutKind =
  /** `.wh.NAME`: NAME (in `dir`) is deleted. */
  | { kind: 'whiteout'; dir: string; target: string }
  /** `.wh..wh..opq`: `dir` is opaque ('' or './' for the root). */
  | { kind: 'opaque'; dir: string }
  /** Another `.wh..wh.` name: bookkeeping of AUFS, not a file. */
  | { kind: 'meta'; dir: string; base: string };

/** What a member name means to an OCI layer reader; undefined for an ordinary name. */
export function parseWhiteout(name: string): WhiteoutKind | undefined {
  const { dir, base } = splitMemberName(name);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(META_PREFIX)) return { kind: 'meta', dir, base };
  return { kind: 'whiteout', dir, target: base.slice(WHITEOUT_PREFIX.length) };
}

/** Whether a name's last component would read as a whiteout in an OCI layer. */
export function looksLikeWhiteout(name: string): boolean {
  return splitMemberName(name).base.startsWith(WHITEOUT_PREFIX);
}
