import { ArchiveChecker, type CheckOptions, type ExtractionPlan } from './archive-check.js';
import { TarReader } from './tar-reader.js';

/**
 * Stands between the decompressor and tar: the decompressed archive goes in, and only
 * what the check has passed comes out. Every member's headers are parsed and checked
 * before any byte of them is let through, so tar never sees a member that the check has
 * not accepted; a skipped member (a device node that is not kept) is cut out of the stream
 * exactly, whatever its name, instead of being named to tar as an exclusion pattern. Once
 * an entry is refused nothing more is let through (the caller stops tar); the rest of the
 * archive is still read so that the refusal names every hostile entry.
 *
 * One decompression for check and extraction, and memory bounded by one chunk plus one
 * member's headers (tar-reader.ts caps those).
 */
export class ExtractionGate {
  private readonly checker: ArchiveChecker;
  private readonly reader: TarReader;
  /** Bytes received and not let through yet; the first of them is at offset `heldStart`. */
  private held: Buffer[] = [];
  private heldStart = 0;
  private received = 0;
  /** Byte ranges of skipped members' headers, in stream order, not yet passed. */
  private readonly cuts: Array<{ start: number; end: number }> = [];

  constructor(opts: CheckOptions) {
    this.checker = new ArchiveChecker(opts);
    this.reader = new TarReader((entry, headers) => {
      if (this.checker.add(entry) === 'skip') this.cuts.push(headers);
    });
  }

  /** Whether an entry has refused the archive. */
  get refused(): boolean {
    return this.checker.refused;
  }

  /** Takes the next chunk of the archive; returns what may go on to tar now. Throws TarFormatError. */
  feed(chunk: Buffer): Buffer[] {
    this.held.push(chunk);
    this.received += chunk.length;
    this.reader.write(chunk);
    if (this.refused) return this.dropAll();
    return this.release(this.reader.done ? this.received : this.reader.decidedOffset);
  }

  /** The archive is over (throws when it was truncated); returns the rest. */
  finish(): Buffer[] {
    this.reader.end();
    if (this.refused) return this.dropAll();
    return this.release(this.received);
  }

  plan(): ExtractionPlan {
    return this.checker.plan();
  }

  private dropAll(): Buffer[] {
    this.held = [];
    this.heldStart = this.received;
    return [];
  }

  /** The held bytes before `upTo`, minus the cuts. */
  private release(upTo: number): Buffer[] {
    const out: Buffer[] = [];
    while (this.heldStart < upTo && this.held.length) {
      const end = Math.min(this.heldStart + this.held[0]!.length, upTo);
      const cut = this.cuts[0];
      if (cut && cut.start < end) {
        if (cut.start > this.heldStart) {
          out.push(this.take(cut.start - this.heldStart));
        } else {
          const to = Math.min(cut.end, end);
          this.take(to - this.heldStart);
          if (to === cut.end) this.cuts.shift();
        }
        continue;
      }
      out.push(this.take(end - this.heldStart));
    }
    return out;
  }

  private take(n: number): Buffer {
    const first = this.held[0]!;
    const part = first.subarray(0, n);
    if (n === first.length) this.held.shift();
    else this.held[0] = first.subarray(n);
    this.heldStart += n;
    return part;
  }
}
