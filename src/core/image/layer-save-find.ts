import { ImageError } from './errors.js';

/**
 * What a save learns from `find` over the upper layer, run in it, so that names are member
 * names as GNU tar gives them (`.`, `./usr`, `./usr/bin`). find sorts the entries itself (a
 * walk in Node took three times as long), and hands the metadata dump its list directly:
 * - the directories (opaque? renamed by redirect_dir?) and character devices (a whiteout,
 *   if it is 0/0) go NUL-separated to its stderr, which is the dump's stdin (a tar that
 *   reads its names from find itself, not through Node; find's own messages, if any, go
 *   there too, and tar names them when it fails on them);
 * - on stdout, for Node: an empty record, `\0`, for every member, to count them, and
 *   `wNAME\0` for a name that starts with `.wh.` (in a layer it would read as a deletion);
 * - nothing for a socket (tar cannot archive one) or a volume's mount point and what is
 *   below it (pruned).
 */
export function findArgs(excludedMembers: readonly string[]): string[] {
  // -path matches the whole name with glob characters: a literal name has them escaped.
  const literal = (name: string): string => name.replace(/[\\*?[\]]/g, '\\$&');
  const prune = excludedMembers.length
    ? ['(', ...excludedMembers.flatMap((m, i) => [...(i ? ['-o'] : []), '-path', literal(m)]), ')', '-prune', '-o']
    : [];
  return [
    '.', ...prune,
    '-name', '.wh.*', '-printf', 'w%p\\0', '-o',
    '-type', 's', '-o',
    '(', '-type', 'd', '-o', '-type', 'c', ')', '-fprint0', '/dev/stderr', '-printf', '\\0', '-o',
    '-printf', '\\0',
  ];
}

/**
 * Reads find's records on stdout as they arrive (a record may straddle chunks): counts the
 * members and refuses `.wh.` names (ImageError). Names are latin1 strings (one char per
 * byte), so that a name that is not UTF-8 goes back to the same bytes.
 */
export class FindRecords {
  /** Members of the layer seen so far: all but sockets and what was pruned. */
  entries = 0;
  private rest = '';

  constructor(private readonly upperDir: string) {}

  write(chunk: Buffer): void {
    const text = this.rest + chunk.toString('latin1');
    let start = 0;
    for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', start)) {
      this.entries++;
      if (nul > start) this.record(text.slice(start, nul));
      start = nul + 1;
    }
    this.rest = text.slice(start);
  }

  /** The end of find's output: a record left without its NUL means find was cut short. */
  end(): void {
    if (this.rest !== '') throw new ImageError(`find's list of the upper layer ended in the middle of a name (${JSON.stringify(this.rest.slice(0, 80))})`);
  }

  private record(rec: string): void {
    if (rec[0] === 'w') {
      throw new ImageError(
        `cannot save ${this.upperDir} as an image: ${JSON.stringify(Buffer.from(rec.slice(1), 'latin1').toString())} is named like an OCI whiteout (.wh.*), and in a layer it would read as a deletion; rename or remove it before saving`,
      );
    }
    throw new ImageError(`find printed a record this save does not know (${JSON.stringify(rec.slice(0, 80))})`);
  }
}
