import {
  BLOCK,
  dataSize,
  gnuLongName,
  isZeroBlock,
  MAX_META_BYTES,
  padding,
  parseHeader,
  parseNumeric,
  parsePax,
  resolveEntry,
  sparseExtensionContinues,
  TarFormatError,
  type RawHeader,
  type TarEntry,
} from '../rootfs/tar-header.js';
import { splitPaxRecords, type PaxRecord } from './layer-tar-member.js';

const USTAR = Buffer.from('ustar', 'latin1');

/** One archive member as read: its headers' bytes and what they say. */
export interface Member {
  /** As GNU tar sees it (pax and long names applied). */
  entry: TarEntry;
  raw: RawHeader;
  /** The member's own header block. */
  header: Buffer;
  /** Its local pax records, in order (several 'x' headers are merged). */
  pax: PaxRecord[];
  /** Its first 'x' header block, to keep its name when the records are rewritten. */
  paxBlock?: Buffer;
  /** Whether a GNU long-name ('L') / long-link ('K') member came before it. */
  hasLongName: boolean;
  hasLongLink: boolean;
  /** Every byte of its headers (pax, long names, its own), as read: emit these to keep it. */
  original: Buffer[];
  /** Bytes of data (with padding) that follow the header. */
  dataBytes: number;
}

/** What becomes of a member: the header bytes to write instead, and whether its data follows them. */
export interface Rewrite {
  emit: Buffer[];
  data: 'pass' | 'skip';
}

export interface MemberHandler {
  member(m: Member): Rewrite;
  /**
   * Whether members of this typeflag that come with no extended header are of no interest:
   * they are neither parsed nor handed over, and their headers and data are skipped. A
   * metadata dump is mostly plain directories, and parsing each one cost more than the rest
   * of reading it.
   */
  ignoresPlain?(typeflag: string): boolean;
  /** Called before bytes that are not a member (a global header, the end of the archive): what the handler held back. */
  flush?(): Buffer[];
}

/**
 * A streaming tar rewriter: the archive goes in chunk by chunk, each member's headers are
 * handed to a handler that says what to write instead, and file data flows through
 * untouched (subarrays of the input, no copies). Memory is one member's headers. The
 * format rules are those of ../rootfs/tar-reader.ts (same header functions), so the
 * names the handler sees are the names GNU tar and the extraction check see.
 *
 * After the end-of-archive block everything is passed as it is (tar's record padding).
 */
export class TarRewriter {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Data bytes still to pass or skip. */
  private data = 0;
  private dataMode: 'pass' | 'skip' = 'pass';
  /** GNU old sparse extension blocks still to come before the data. */
  private sparseExt = false;
  private meta: { kind: string; block: Buffer; data: Buffer; fill: number; pad: number } | undefined;
  private metaSkip = 0;
  private paxGlobal = new Map<string, string>();
  private pending: { blocks: Buffer[]; pax: PaxRecord[]; paxBlock?: Buffer; longName?: string; longLink?: string } = { blocks: [], pax: [] };
  private ended = false;
  private _members = 0;

  constructor(private readonly handler: MemberHandler) {}

  get members(): number {
    return this._members;
  }

  write(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      if (this.ended) {
        out.push(chunk.subarray(off));
        break;
      }
      if (this.data > 0 && !this.sparseExt) {
        const k = Math.min(this.data, n - off);
        if (this.dataMode === 'pass') out.push(chunk.subarray(off, off + k));
        this.data -= k;
        off += k;
        continue;
      }
      if (this.meta) {
        const m = this.meta;
        if (m.fill < m.data.length) {
          const k = Math.min(m.data.length - m.fill, n - off);
          chunk.copy(m.data, m.fill, off, off + k);
          m.fill += k;
          off += k;
          continue;
        }
        if (this.metaSkip > 0) {
          const k = Math.min(this.metaSkip, n - off);
          this.metaSkip -= k;
          off += k;
          continue;
        }
        this.meta = undefined;
        this.finishMeta(m, out);
        continue;
      }
      const k = Math.min(BLOCK - this.headerFill, n - off);
      chunk.copy(this.header, this.headerFill, off, off + k);
      this.headerFill += k;
      off += k;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.block(Buffer.from(this.header), out);
      }
    }
    // A meta member whose data ended exactly at the chunk's end.
    if (this.meta && this.meta.fill === this.meta.data.length && this.metaSkip === 0) {
      const m = this.meta;
      this.meta = undefined;
      this.finishMeta(m, out);
    }
    return out;
  }

  /** The input is over: what is still held; throws when it stopped inside a member. */
  end(): Buffer[] {
    if (this.ended) return [];
    if (this.headerFill > 0 || this.data > 0 || this.meta || this.sparseExt || this.pending.blocks.length) {
      throw new TarFormatError('the archive is truncated (it ends inside a member)');
    }
    this.ended = true;
    return this.handler.flush?.() ?? [];
  }

  private block(block: Buffer, out: Buffer[]): void {
    if (this.sparseExt) {
      if (this.dataMode === 'pass') out.push(block);
      if (!sparseExtensionContinues(block)) this.sparseExt = false;
      return;
    }
    if (isZeroBlock(block)) {
      if (this.pending.blocks.length) throw new TarFormatError('the archive ends after an extended header, before its member');
      this.ended = true;
      out.push(...(this.handler.flush?.() ?? []), block);
      return;
    }
    const p = this.pending;
    if (!p.blocks.length && !this.paxGlobal.size && this.handler.ignoresPlain?.(String.fromCharCode(block[156]!))) {
      if (!block.subarray(257, 262).equals(USTAR)) throw new TarFormatError('a header block that is not ustar or pax (the archive is not one GNU tar wrote)');
      const size = parseNumeric(block, 124, 12, 'size');
      this._members++;
      this.data = size + padding(size);
      this.dataMode = 'skip';
      return;
    }
    const h = parseHeader(block);
    switch (h.typeflag) {
      case 'x':
      case 'X':
      case 'g':
      case 'L':
      case 'K': {
        const size = h.size;
        if (size > MAX_META_BYTES) throw new TarFormatError(`an extended header of ${size} bytes (more than a name or a few xattrs)`);
        this.meta = { kind: h.typeflag, block, data: Buffer.allocUnsafe(size), fill: 0, pad: padding(size) };
        this.metaSkip = padding(size);
        return;
      }
      case 'V':
        out.push(...(this.handler.flush?.() ?? []), block);
        this.data = h.size + padding(h.size);
        this.dataMode = 'pass';
        return;
    }
    const local = new Map<string, string>();
    for (const r of p.pax) for (const [k, v] of parsePax(r.bytes)) local.set(k, v);
    const pax = this.paxGlobal.size ? new Map([...this.paxGlobal, ...local]) : local;
    const size = dataSize(h, pax);
    const entry = resolveEntry(h, pax, size, p.longName, p.longLink);
    // GNU tar reads no data after a hard link, whatever its size field says.
    const stored = h.typeflag === '1' ? 0 : size;
    const member: Member = {
      entry,
      raw: h,
      header: block,
      pax: p.pax,
      paxBlock: p.paxBlock,
      hasLongName: p.longName !== undefined,
      hasLongLink: p.longLink !== undefined,
      original: [...p.blocks, block],
      dataBytes: stored + padding(stored),
    };
    this.pending = { blocks: [], pax: [] };
    this._members++;
    const r = this.handler.member(member);
    out.push(...r.emit);
    this.data = member.dataBytes;
    this.dataMode = r.data;
    this.sparseExt = h.sparseExtended;
  }

  private finishMeta(m: { kind: string; block: Buffer; data: Buffer; pad: number }, out: Buffer[]): void {
    const bytes = [m.block, m.data, ...(m.pad ? [Buffer.alloc(m.pad)] : [])];
    const p = this.pending;
    switch (m.kind) {
      case 'g':
        if (p.blocks.length) throw new TarFormatError("a global pax header between a member's extended headers and the member");
        for (const [k, v] of parsePax(m.data)) this.paxGlobal.set(k, v);
        out.push(...(this.handler.flush?.() ?? []), ...bytes);
        return;
      case 'x':
      case 'X':
        p.pax.push(...splitPaxRecords(m.data));
        p.paxBlock ??= m.block;
        break;
      case 'L':
        p.longName = gnuLongName(m.data);
        break;
      case 'K':
        p.longLink = gnuLongName(m.data);
        break;
    }
    p.blocks.push(...bytes);
  }
}
