/**
 * The pure rules of the test cache service (test/support/cache-server.ts), apart so unit
 * tests can check them as tables: which entry a lookup returns, which bytes a Range asks
 * for, whether v1 chunks cover an archive, which blocks a v2 block list commits.
 */

export interface MatchableEntry {
  key: string;
  version: string;
  committed: boolean;
  /** Creation order: larger is newer. */
  created: number;
}

/**
 * GitHub's lookup: for each key in order (primary first, then restore keys), an entry with
 * exactly that key, else the newest whose key starts with it. Only committed entries of the
 * same version count.
 */
export function matchEntry<E extends MatchableEntry>(entries: readonly E[], keys: readonly string[], version: string): E | undefined {
  const candidates = entries.filter((e) => e.committed && e.version === version);
  for (const key of keys) {
    const exact = candidates.find((e) => e.key === key);
    if (exact) return exact;
    const newest = candidates.filter((e) => e.key.startsWith(key)).sort((a, b) => b.created - a.created)[0];
    if (newest) return newest;
  }
  return undefined;
}

/** `bytes=A-B`, `bytes=A-` or `bytes=-N` within `size`, as [start, end]; undefined when unsatisfiable. */
export function parseRange(header: string, size: number): [number, number] | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Math.min(Number(m[2]), size);
    return n === 0 ? undefined : [size - n, size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? undefined : [start, end];
}

/** A v1 chunk's `Content-Range: bytes START-END/*` (or `/TOTAL`) as [start, end]; undefined when malformed. */
export function parseContentRange(header: string): [number, number] | undefined {
  const m = /^bytes (\d+)-(\d+)\/(?:\*|\d+)$/.exec(header.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return start <= end ? [start, end] : undefined;
}

/** Whether the chunks received cover 0..size-1 with nothing past it (overlaps allowed): what a v1 commit checks. */
export function coversExactly(ranges: ReadonlyArray<readonly [number, number]>, size: number): boolean {
  if (!Number.isInteger(size) || size < 0) return false;
  if (size === 0) return ranges.length === 0;
  let reached = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start > reached || end >= size) return false;
    reached = Math.max(reached, end + 1);
  }
  return reached === size;
}

/** The block ids of an Azure Put Block List body, in order (`<Latest>`, `<Committed>` or `<Uncommitted>`). */
export function parseBlockList(xml: string): string[] {
  return [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2]!);
}
