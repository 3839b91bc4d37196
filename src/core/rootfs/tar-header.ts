import { RootfsError } from './errors.js';

/**
 * The tar format, block by block, as GNU tar reads it: ustar and GNU headers, pax extended
 * headers (x and g) and GNU long names (L and K). Pure functions over 512-byte blocks; the
 * streaming is in tar-reader.ts. Only what the safety check needs is decoded: names, link
 * targets, types, modes, owners, device numbers, sizes, xattr names.
 */

export const BLOCK = 512;

/**
 * Pax headers and GNU long names are the only member data a reader keeps; anything larger
 * than this is not a name or a few xattrs but an attempt to make the reader use memory.
 */
export const MAX_META_BYTES = 8 * 1024 * 1024;

/** The zero bytes after SIZE bytes of member data, up to the next block. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

/** One member of an archive, after its pax and GNU long-name headers are applied. */
export interface TarEntry {
  /** The name as stored (e.g. `./usr/bin/perl`), as GNU tar will see it. */
  path: string;
  type: EntryType;
  /** The header's type flag, to name an `other` type in messages. */
  typeflag?: string;
  /** Symlink target or hard link target; '' for other types. */
  linkTarget: string;
  /** Permission bits with setuid, setgid and sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  devmajor: number;
  devminor: number;
  /** Extended attribute names (pax SCHILY.xattr.*), when there are any. */
  xattrs?: string[];
  /**
   * Bytes of data stored after the header (0 when absent). Only regular files have data;
   * on any other member it is a sign of an archive crafted so that two readers disagree
   * about where the next header is.
   */
  size?: number;
}

/** A header block, decoded but before pax / long-name overrides. */
export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow the header (rounded up to blocks in the archive). */
  size: number;
  typeflag: string;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** GNU old-style sparse member whose sparse map continues in extension blocks. */
  sparseExtended: boolean;
}

export class TarFormatError extends RootfsError {
  override name = 'TarFormatError';
}

const ZEROS = Buffer.alloc(BLOCK);

/**
 * True for an end-of-archive block. Like GNU tar, the checksum field is not looked at: a
 * block that is zero everywhere else ends the archive for tar, so it must end it here too.
 */
export function isZeroBlock(block: Buffer): boolean {
  // Compared natively: a byte loop here was a tenth of reading a metadata dump.
  return block.subarray(0, 148).equals(ZEROS.subarray(0, 148)) && block.subarray(156, BLOCK).equals(ZEROS.subarray(156, BLOCK));
}

/** A NUL-terminated string field. */
function str(block: Buffer, off: number, len: number, encoding: BufferEncoding = 'utf8'): string {
  const end = block.indexOf(0, off);
  return block.toString(encoding, off, end === -1 || end > off + len ? off + len : end);
}

/**
 * A header's member name: POSIX ustar (magic "ustar\0", whatever the version, as GNU tar
 * compares it) splits long names into prefix + name; the GNU format ("ustar " " \0") keeps
 * atime/ctime at that offset instead, so its prefix is not a prefix. (star's 131-byte
 * prefix ends in a NUL at 130 by definition, so reading up to the first NUL gives the same
 * name.) `latin1`: the name's bytes, one char each, for a name that need not be UTF-8.
 */
export function headerName(block: Buffer, encoding: BufferEncoding = 'utf8', posix = block.toString('latin1', 257, 263) === 'ustar\0'): string {
  const name = str(block, 0, 100, encoding);
  if (!posix) return name;
  const prefix = str(block, 345, 155, encoding);
  return prefix ? `${prefix}/${name}` : name;
}

/**
 * A numeric field: octal digits (space or NUL padded), or GNU's base-256 (top bit of the
 * first byte set) for values that do not fit, such as sizes over 8 GiB or large uids.
 */
export function parseNumeric(block: Buffer, off: number, len: number, field: string): number {
  const first = block[off]!;
  if (first & 0x80) {
    // Base-256, two's complement; a negative value (0xff lead) is nonsense for every field we read.
    if (first === 0xff) throw new TarFormatError(`negative ${field} in a tar header`);
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + block[off + i]!;
    if (!Number.isSafeInteger(v)) throw new TarFormatError(`${field} too large in a tar header`);
    return v;
  }
  let i = off;
  const end = off + len;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) throw new TarFormatError(`invalid octal ${field} in a tar header`);
    v = v * 8 + (c - 0x30);
  }
  return v;
}

/** Whether the stored checksum matches (unsigned sum, or the signed sum old tars wrote). */
function checksumOk(block: Buffer): boolean {
  let stored: number;
  try {
    stored = parseNumeric(block, 148, 8, 'checksum');
  } catch {
    return false;
  }
  let unsigned = 8 * 0x20;
  for (let i = 0; i < 148; i++) unsigned += block[i]!;
  for (let i = 156; i < BLOCK; i++) unsigned += block[i]!;
  if (stored === unsigned) return true;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) signed += (block[i]! << 24) >> 24;
  return stored === signed;
}

/**
 * Decodes one non-zero header block. Throws TarFormatError when it is not a tar header
 * (bad checksum): GNU tar would skip ahead looking for the next valid header, so what it
 * extracts after such a block is not something a check can vouch for; refusing is the safe
 * answer.
 */
export function parseHeader(block: Buffer): RawHeader {
  if (block.length !== BLOCK) throw new TarFormatError('short tar header');
  if (!checksumOk(block)) throw new TarFormatError('bad tar header checksum (not a tar archive, or corrupt)');
  const magic = block.toString('latin1', 257, 263);
  const version = block.toString('latin1', 263, 265);
  const posix = magic === 'ustar\0';
  const gnu = magic === 'ustar ' && version === ' \0';
  const name = headerName(block, 'utf8', posix);
  const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
  return {
    name,
    mode: parseNumeric(block, 100, 8, 'mode') & 0o7777,
    uid: parseNumeric(block, 108, 8, 'uid'),
    gid: parseNumeric(block, 116, 8, 'gid'),
    size: parseNumeric(block, 124, 12, 'size'),
    typeflag,
    linkname: str(block, 157, 100),
    devmajor: posix || gnu ? parseNumeric(block, 329, 8, 'devmajor') : 0,
    devminor: posix || gnu ? parseNumeric(block, 337, 8, 'devminor') : 0,
    sparseExtended: gnu && typeflag === 'S' && block[482] !== 0,
  };
}

/** Whether a GNU sparse extension block says that another one follows. */
export function sparseExtensionContinues(block: Buffer): boolean {
  return block[504] !== 0;
}

/**
 * Pax extended header records: `LENGTH key=value\n`, LENGTH counting the whole record.
 * Values may hold newlines (a name with a newline in it is stored exactly this way).
 */
export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    const space = data.indexOf(0x20, pos);
    if (space === -1) throw new TarFormatError('malformed pax extended header');
    const len = Number(data.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new TarFormatError('malformed pax extended header record');
    }
    const eq = data.indexOf(0x3d, space + 1);
    if (eq === -1 || eq >= pos + len - 1) throw new TarFormatError('malformed pax extended header record (no "=")');
    out.set(data.toString('utf8', space + 1, eq), data.toString('utf8', eq + 1, pos + len - 1));
    pos += len;
  }
  return out;
}

/** The name stored in a GNU long-name / long-link member's data (NUL-terminated). */
export function gnuLongName(data: Buffer): string {
  const end = data.indexOf(0);
  return data.toString('utf8', 0, end === -1 ? data.length : end);
}

/** The entry type GNU tar extracts a header as. */
export function entryType(typeflag: string, name: string): EntryType {
  switch (typeflag) {
    case '0':
    case '7': // contiguous file: a regular file everywhere that matters
    case 'S': // GNU old sparse file
      // GNU tar follows BSD tar here: a regular file whose name ends in "/" is a directory.
      return name.endsWith('/') ? 'directory' : 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
    case 'D': // GNU dump directory: a directory with a listing as data
      return 'directory';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

function paxNumber(pax: Map<string, string>, key: string, fallback: number): number {
  const v = pax.get(key);
  if (v === undefined) return fallback;
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new TarFormatError(`invalid pax ${key} '${v}'`);
  return n;
}

/** Size of the data after a header, with pax `size` (for members over 8 GiB) applied. */
export function dataSize(h: RawHeader, pax: Map<string, string>): number {
  return paxNumber(pax, 'size', h.size);
}

/**
 * The entry as GNU tar sees it: pax keys first (path, linkpath, uid, gid, device numbers,
 * GNU.sparse.name for sparse files), then GNU long names, then the header itself.
 */
export function resolveEntry(h: RawHeader, pax: Map<string, string>, size: number, longName?: string, longLink?: string): TarEntry {
  const path = pax.get('GNU.sparse.name') ?? pax.get('path') ?? longName ?? h.name;
  const linkTarget = pax.get('linkpath') ?? longLink ?? h.linkname;
  const type = entryType(h.typeflag, path);
  const xattrs: string[] = [];
  for (const key of pax.keys()) if (key.startsWith('SCHILY.xattr.')) xattrs.push(key.slice('SCHILY.xattr.'.length));
  const e: TarEntry = {
    path,
    type,
    linkTarget: type === 'symlink' || type === 'hardlink' ? linkTarget : '',
    mode: h.mode,
    uid: paxNumber(pax, 'uid', h.uid),
    gid: paxNumber(pax, 'gid', h.gid),
    devmajor: paxNumber(pax, 'SCHILY.devmajor', h.devmajor),
    devminor: paxNumber(pax, 'SCHILY.devminor', h.devminor),
  };
  if (type === 'other') e.typeflag = h.typeflag;
  // A GNU dump directory's data is a listing, never extracted: not data in the sense above.
  if (size > 0 && h.typeflag !== 'D') e.size = size;
  if (xattrs.length) e.xattrs = xattrs;
  return e;
}
