import {
  BLOCK,
  MAX_META_BYTES,
  padding,
  TarFormatError,
  dataSize,
  gnuLongName,
  isZeroBlock,
  parseHeader,
  parsePax,
  resolveEntry,
  sparseExtensionContinues,
  type RawHeader,
  type TarEntry,
} from './tar-header.js';

/**
 * A streaming tar reader: feed it the decompressed archive chunk by chunk and it calls
 * `onEntry` for every member, skipping file data. Memory stays flat (one header block and
 * at most one pax header), so a 10 GB root costs what a 10 MB one does.
 *
 * It stops at the first zero block, as GNU tar does when extracting without
 * --ignore-zeros: members after it are neither extracted by tar nor seen here.
 */
export class TarReader {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Bytes of data (and padding) still to skip. */
  private skip = 0;
  /** Data of a pax / long-name member being collected, and how much of it is in. */
  private meta: { kind: string; data: Buffer; fill: number; pad: number } | undefined;
  /** A GNU sparse member's data waits until its extension blocks are read. */
  private sparsePending: number | undefined;
  private paxLocal = new Map<string, string>();
  private paxGlobal = new Map<string, string>();
  private longName: string | undefined;
  private longLink: string | undefined;
  private offset = 0;
  /** Where the current member's headers (pax, long names, then its own) began, while they are being read. */
  private seqStart: number | undefined;
  private ended = false;
  private _entries = 0;

  /**
   * `onEntry` gets each member with the byte range of its headers in the (decompressed)
   * stream: from its first pax or long-name header to the end of its own header block.
   */
  constructor(private readonly onEntry: (entry: TarEntry, headers: { start: number; end: number }) => void) {}

  /** Members seen so far. */
  get entries(): number {
    return this._entries;
  }

  /** Whether the end-of-archive marker has been read (later input is ignored). */
  get done(): boolean {
    return this.ended;
  }

  /**
   * Every byte before this offset belongs to a member already given to onEntry (or to its
   * data): what comes after may be part of a member whose headers are not all in yet.
   */
  get decidedOffset(): number {
    return this.seqStart ?? this.offset;
  }

  write(chunk: Buffer): void {
    let off = 0;
    const n = chunk.length;
    while (off < n && !this.ended) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - off);
        this.skip -= k;
        off += k;
        this.offset += k;
        continue;
      }
      if (this.meta) {
        const m = this.meta;
        const k = Math.min(m.data.length - m.fill, n - off);
        chunk.copy(m.data, m.fill, off, off + k);
        m.fill += k;
        off += k;
        this.offset += k;
        if (m.fill === m.data.length) {
          this.meta = undefined;
          this.skip = m.pad;
          this.finishMeta(m.kind, m.data);
        }
        continue;
      }
      if (this.headerFill === 0 && n - off >= BLOCK) {
        // The common case: the whole header is in this chunk; no copy.
        const block = chunk.subarray(off, off + BLOCK);
        off += BLOCK;
        this.block(block);
        this.offset += BLOCK;
        continue;
      }
      const k = Math.min(BLOCK - this.headerFill, n - off);
      chunk.copy(this.header, this.headerFill, off, off + k);
      this.headerFill += k;
      off += k;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.block(this.header);
        this.offset += BLOCK;
      }
    }
  }

  /** The input is over: throws when it stopped inside a member. */
  end(): void {
    if (this.ended) return;
    if (this.headerFill > 0 || this.skip > 0 || this.meta || this.sparsePending !== undefined) {
      throw new TarFormatError(`the archive is truncated (it ends inside a member, at byte ${this.offset + this.headerFill})`);
    }
    if (this.seqStart !== undefined) {
      throw new TarFormatError('the archive is truncated (it ends after an extended header, before its member)');
    }
    // No end-of-archive blocks at all: GNU tar accepts that too.
    this.ended = true;
  }

  private block(block: Buffer): void {
    if (this.sparsePending !== undefined) {
      if (!sparseExtensionContinues(block)) {
        this.skip = this.sparsePending;
        this.sparsePending = undefined;
      }
      return;
    }
    if (isZeroBlock(block)) {
      this.ended = true;
      return;
    }
    let h: RawHeader;
    try {
      h = parseHeader(block);
    } catch (err) {
      if (err instanceof TarFormatError) throw new TarFormatError(`${err.message} at byte ${this.offset}`);
      throw err;
    }
    const size = dataSize(h, h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'X' ? new Map() : this.paxLocal);
    switch (h.typeflag) {
      case 'x':
      case 'X': // Solaris' early name for a pax extended header
      case 'g':
      case 'L':
      case 'K':
        if (h.typeflag === 'g') this.noOpenMember('a global pax header');
        else this.seqStart ??= this.offset;
        if (size > MAX_META_BYTES) throw new TarFormatError(`an extended header of ${size} bytes at byte ${this.offset} (more than a name or a few xattrs)`);
        if (size === 0) {
          this.finishMeta(h.typeflag, Buffer.alloc(0));
        } else {
          this.meta = { kind: h.typeflag, data: Buffer.allocUnsafe(size), fill: 0, pad: padding(size) };
        }
        return;
      case 'V': // volume label: not a file, GNU tar does not extract it
        this.noOpenMember('a volume label');
        this.skip = size + padding(size);
        return;
    }
    const pax = this.paxGlobal.size ? new Map([...this.paxGlobal, ...this.paxLocal]) : this.paxLocal;
    const entry = resolveEntry(h, pax, size, this.longName, this.longLink);
    const headers = { start: this.seqStart ?? this.offset, end: this.offset + BLOCK };
    this.resetMeta();
    this._entries++;
    this.onEntry(entry, headers);
    // A member of another type with a size is refused by the check (see TarEntry.size), so
    // how this skips it does not matter; for the rest it is what GNU tar skips.
    // GNU tar reads no data after a hard link whatever its size field says ("links 0 size on tape").
    const stored = h.typeflag === '1' ? 0 : size;
    const skip = stored + padding(stored);
    if (h.sparseExtended) this.sparsePending = skip;
    else this.skip = skip;
  }

  private finishMeta(kind: string, data: Buffer): void {
    switch (kind) {
      case 'x':
      case 'X':
        for (const [k, v] of parsePax(data)) this.paxLocal.set(k, v);
        break;
      case 'g':
        for (const [k, v] of parsePax(data)) this.paxGlobal.set(k, v);
        break;
      case 'L':
        this.longName = gnuLongName(data);
        break;
      case 'K':
        this.longLink = gnuLongName(data);
        break;
    }
  }

  /** Between a member's extended headers and its own header, only more extended headers may come. */
  private noOpenMember(what: string): void {
    if (this.seqStart !== undefined) throw new TarFormatError(`${what} at byte ${this.offset}, between a member's extended headers and the member`);
  }

  private resetMeta(): void {
    this.seqStart = undefined;
    if (this.paxLocal.size) this.paxLocal = new Map();
    this.longName = undefined;
    this.longLink = undefined;
  }
}
