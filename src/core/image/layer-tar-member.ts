import { BLOCK, headerName } from '../rootfs/tar-header.js';
import { ImageError } from './errors.js';
import type { Member } from './layer-tar-rewriter.js';

/**
 * Writing tar headers, for the members a layer rewrite changes (a whiteout renamed, an
 * overlay xattr dropped, an opaque marker added). Pure functions over 512-byte blocks
 * and pax records; the reading side is ../rootfs/tar-header.ts.
 *
 * Pax records are kept as raw bytes: an xattr value (security.capability, an ACL) is
 * binary, and a record decoded to a string and encoded again would not be the same value.
 */

/** One `LEN key=value\n` record of a pax extended header, as bytes. */
export interface PaxRecord {
  key: string;
  /** The whole record, length prefix and newline included. */
  bytes: Buffer;
}

/** The records of a pax header's data, in order, each as it was written. */
export function splitPaxRecords(data: Buffer): PaxRecord[] {
  const out: PaxRecord[] = [];
  let pos = 0;
  while (pos < data.length && data[pos] !== 0) {
    const space = data.indexOf(0x20, pos);
    const len = space === -1 ? NaN : Number(data.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new ImageError('malformed pax extended header record in a layer');
    }
    const eq = data.indexOf(0x3d, space + 1);
    if (eq === -1 || eq >= pos + len - 1) throw new ImageError('malformed pax extended header record in a layer (no "=")');
    out.push({ key: data.toString('utf8', space + 1, eq), bytes: data.subarray(pos, pos + len) });
    pos += len;
  }
  return out;
}

/** The value of a record, as bytes. */
export function paxValue(r: PaxRecord): Buffer {
  const eq = r.bytes.indexOf(0x3d);
  return r.bytes.subarray(eq + 1, r.bytes.length - 1);
}

/** A record `LEN key=value\n`, LEN counting itself. */
export function paxRecord(key: string, value: Buffer | string): PaxRecord {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return { key, bytes: Buffer.concat([Buffer.from(String(len)), body]) };
}

const padTo = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;

function octal(block: Buffer, off: number, len: number, value: number): void {
  if (value >= 8 ** (len - 1)) throw new ImageError(`value ${value} does not fit a tar header field`);
  block.fill(0, off, off + len);
  block.write(value.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
}

/** Sets the checksum field from the block's bytes (unsigned sum, fields as spaces). */
export function setChecksum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

const isPosix = (h: Buffer): boolean => h.toString('latin1', 257, 263) === 'ustar\0';

/**
 * A member name: a string is written as UTF-8; a Buffer is the name's exact bytes (a name
 * read off the disk, which need not be UTF-8).
 */
export type MemberName = string | Buffer;

/** What a rewrite changes in a member's header; everything else is kept as it was. */
export interface HeaderChange {
  /** The new name, when it fits the 100-byte field (a longer one goes in a pax `path`). */
  name?: MemberName;
  typeflag?: string;
  mode?: number;
  size?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

/** Whether a name fits the header's name field (else it needs a pax `path` record). */
export const fitsNameField = (name: MemberName): boolean => Buffer.byteLength(name) <= 100;

/**
 * A copy of a header block with some fields changed and a fresh checksum. A new name
 * clears a POSIX header's prefix field (names are not split: a longer one is the caller's
 * to put in a pax record, and then the field holds its first 100 bytes, as GNU tar does).
 * GNU-format headers keep their magic: their "prefix" bytes are other fields.
 */
export function rewriteHeader(header: Buffer, ch: HeaderChange): Buffer {
  if (header.length !== BLOCK) throw new ImageError('a tar header block is 512 bytes');
  const h = Buffer.from(header);
  if (ch.name !== undefined) {
    h.fill(0, 0, 100);
    const name = Buffer.from(ch.name);
    name.copy(h, 0, 0, Math.min(100, name.length));
    if (isPosix(h)) h.fill(0, 345, 500);
  }
  if (ch.typeflag !== undefined) h.write(ch.typeflag, 156, 1, 'latin1');
  if (ch.mode !== undefined) octal(h, 100, 8, ch.mode & 0o7777);
  if (ch.size !== undefined) octal(h, 124, 12, ch.size);
  if (ch.linkname !== undefined) {
    h.fill(0, 157, 257);
    const l = Buffer.from(ch.linkname);
    l.copy(h, 157, 0, Math.min(100, l.length));
  }
  if (ch.devmajor !== undefined) octal(h, 329, 8, ch.devmajor);
  if (ch.devminor !== undefined) octal(h, 337, 8, ch.devminor);
  return setChecksum(h);
}

/**
 * A pax extended header ('x') holding `records`, for the member named `memberName` whose
 * header is `memberHeader`: `template` (the member's own pax header block, when it had
 * one) keeps its name and fields; otherwise the block is made as GNU tar makes it
 * (`DIR/PaxHeaders/BASE`, the member's mtime). Returns the header block, the records and
 * the padding.
 */
export function paxHeaderBlocks(records: PaxRecord[], memberName: MemberName, memberHeader: Buffer, template?: Buffer): Buffer[] {
  const data = Buffer.concat(records.map((r) => r.bytes));
  let block: Buffer;
  if (template) {
    block = rewriteHeader(template, { size: data.length });
  } else {
    block = Buffer.alloc(BLOCK);
    // As latin1, one char a byte, so that the bytes of a Buffer name come back as they were.
    const trimmed = (typeof memberName === 'string' ? Buffer.from(memberName) : memberName).toString('latin1').replace(/\/+$/, '');
    const slash = trimmed.lastIndexOf('/');
    const name = Buffer.from(slash === -1 ? `PaxHeaders/${trimmed}` : `${trimmed.slice(0, slash)}/PaxHeaders/${trimmed.slice(slash + 1)}`, 'latin1');
    name.copy(block, 0, 0, Math.min(100, name.length));
    octal(block, 100, 8, 0o644);
    octal(block, 108, 8, 0);
    octal(block, 116, 8, 0);
    octal(block, 124, 12, data.length);
    memberHeader.copy(block, 136, 136, 148); // mtime
    block.write('x', 156, 1, 'latin1');
    block.write('ustar\u000000', 257, 8, 'latin1');
    setChecksum(block);
  }
  const pad = padTo(data.length);
  return pad ? [block, data, Buffer.alloc(pad)] : [block, data];
}

/** A GNU long-name ('L') or long-link ('K') member for `value`. */
export function longNameBlocks(kind: 'L' | 'K', value: string): Buffer[] {
  const data = Buffer.from(`${value}\0`);
  const block = Buffer.alloc(BLOCK);
  block.write('././@LongLink', 0, 100, 'latin1');
  octal(block, 100, 8, 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, data.length);
  octal(block, 136, 12, 0);
  block.write(kind, 156, 1, 'latin1');
  block.write('ustar  \0', 257, 8, 'latin1');
  setChecksum(block);
  const pad = padTo(data.length);
  return pad ? [block, data, Buffer.alloc(pad)] : [block, data];
}

/** What every empty file member has: mode 0600, size 0, a regular file, POSIX ustar, no device. */
const EMPTY_FILE = ((): Buffer => {
  const h = Buffer.alloc(BLOCK);
  h.write('0000600', 100, 7, 'latin1');
  h.write('00000000000', 124, 11, 'latin1');
  h[156] = 0x30; // '0'
  h.write('ustar\u000000', 257, 8, 'latin1');
  h.write('0000000', 329, 7, 'latin1');
  h.write('0000000', 337, 7, 'latin1');
  return h;
})();

/**
 * A regular empty file member, for the whiteout markers a layer adds (`.wh..wh..opq`):
 * POSIX ustar, owner and mtime taken from `like` (the member it belongs to), a pax
 * `path` when the name is long.
 */
export function emptyFileMember(name: MemberName, mode: number, like: Buffer): Buffer[] {
  // A copy of a template and a few fields, not rewriteHeader: a save makes one of these for
  // every whiteout, thousands after a package removal, before tar can start.
  const h = Buffer.from(EMPTY_FILE);
  const bytes = typeof name === 'string' ? Buffer.from(name) : name;
  bytes.copy(h, 0, 0, Math.min(100, bytes.length));
  if (mode !== 0o600) octal(h, 100, 8, mode & 0o7777);
  like.copy(h, 108, 108, 124); // uid, gid (octal or base-256, as tar wrote them)
  like.copy(h, 136, 136, 148); // mtime
  like.copy(h, 265, 265, 329); // uname, gname
  setChecksum(h);
  if (bytes.length <= 100) return [h];
  return [...paxHeaderBlocks([paxRecord('path', bytes)], bytes, h), h];
}

/**
 * A member's name as its bytes, in a latin1 string (one char a byte): GNU tar writes a
 * name that is not UTF-8 as it is, and `entry.path` (decoded as UTF-8) would not give
 * those bytes back. From its pax `path` record, else its header's prefix and name fields.
 */
export function memberPathBytes(m: Pick<Member, 'pax' | 'header' | 'hasLongName' | 'entry'>): string {
  const rec = m.pax.find((r) => r.key === 'path');
  if (rec) return paxValue(rec).toString('latin1');
  if (m.hasLongName) return Buffer.from(m.entry.path).toString('latin1');
  return headerName(m.header, 'latin1');
}
