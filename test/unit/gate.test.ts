import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ExtractionGate } from '../../src/core/rootfs/gate.js';
import { buildTar, entryBlocks, type WEntry } from '../support/archives.js';

/** Feeds `tar` in chunks of `n` bytes; returns what the gate let through, and the gate. */
function pass(tar: Buffer, n: number, isRoot = true): { out: Buffer; gate: ExtractionGate; releasedAfterRefusal: number } {
  const gate = new ExtractionGate({ isRoot });
  const out: Buffer[] = [];
  let releasedAfterRefusal = 0;
  for (let i = 0; i < tar.length; i += n) {
    const parts = gate.feed(tar.subarray(i, i + n));
    if (gate.refused) releasedAfterRefusal += parts.reduce((a, p) => a + p.length, 0);
    out.push(...parts);
  }
  out.push(...gate.finish());
  return { out: Buffer.concat(out), gate, releasedAfterRefusal };
}

/** What GNU tar lists in an archive (the names here have no newlines). */
function tarList(tar: Buffer): string[] {
  const r = spawnSync('tar', ['-t', '-f', '-'], { input: tar, maxBuffer: 1 << 26 });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout.toString().split('\n').filter(Boolean);
}

const ok: WEntry[] = [
  { name: './', type: '5' },
  { name: './dev/', type: '5' },
  { name: './dev/null', type: '3', devmajor: 1, devminor: 3 },
  { name: './dev/sda', type: '4', devmajor: 8, devminor: 0, pax: { 'SCHILY.xattr.user.x': '1' } },
  { name: './a', data: 'a'.repeat(700) },
  { name: `./dev/${'long/'.repeat(30)}disk`, type: '4', devmajor: 8, devminor: 1, gnuLong: true },
  { name: './b', data: 'b'.repeat(3000), pax: { path: './b b' } },
  { name: './disk-link', type: '1', linkname: './dev/sda' },
  { name: './c', type: '1', linkname: './a' },
];

describe('ExtractionGate', () => {
  it.each([1, 100, 512, 513, 1000, 4096, 1 << 20])('lets everything through but the skipped members, fed %d bytes at a time', (n) => {
    const tar = buildTar(ok);
    const { out, gate } = pass(tar, n);
    expect(gate.refused).toBe(false);
    // Exactly the archive without the blocks of the skipped members (their pax / long-name headers included).
    const skipped = new Set(['./dev/sda', `./dev/${'long/'.repeat(30)}disk`, './disk-link']);
    expect(out.equals(buildTar(ok.filter((e) => !skipped.has(e.name))))).toBe(true);
    expect(gate.plan().skipped).toEqual(['./dev/sda', `./dev/${'long/'.repeat(30)}disk`, './disk-link']);
    expect(tarList(out)).toEqual(['./', './dev/', './dev/null', './a', './b b', './c']);
  });

  it('as non-root, /dev/null is cut out too', () => {
    const { out } = pass(buildTar(ok), 777, false);
    expect(tarList(out)).toEqual(['./', './dev/', './a', './b b', './c']);
  });

  it.each([1, 512, 513, 4096])('never lets through a byte of a refused member or anything after it (chunks of %d)', (n) => {
    const before: WEntry[] = [{ name: './', type: '5' }, { name: './a', data: 'x'.repeat(2000) }, { name: './evil', type: '2', linkname: '/etc' }];
    const hostile: WEntry = { name: './innocent', data: 'owned', pax: { path: './evil/cron.d/owned' } };
    const after: WEntry[] = [{ name: './z', data: 'z' }, { name: '/abs', data: 'y' }];
    const tar = buildTar([...before, hostile, ...after]);
    const { out, gate, releasedAfterRefusal } = pass(tar, n);
    expect(gate.refused).toBe(true);
    expect(releasedAfterRefusal).toBe(0);
    // At most the members before the hostile one got out; never its pax header or block.
    const prefix = Buffer.concat(before.flatMap(entryBlocks));
    expect(out.length).toBeLessThanOrEqual(prefix.length);
    expect(prefix.subarray(0, out.length).equals(out)).toBe(true);
    // And the refusal names every hostile entry, also those after the first.
    expect(gate.plan().problems.map((p) => p.path)).toEqual(['./evil/cron.d/owned', '/abs']);
  });

  it('holds a member back until its last header is in', () => {
    const gate = new ExtractionGate({ isRoot: true });
    const tar = buildTar([{ name: './', type: '5' }, { name: './x', data: 'x', pax: { path: './long name' } }]);
    // The first member and the pax header of the second: only the first may go.
    const first = gate.feed(tar.subarray(0, 512 * 2 + 100));
    expect(Buffer.concat(first).length).toBe(512);
  });

  it('refuses a global pax header between a member and its extended headers', () => {
    const g = entryBlocks({ name: 'g', type: 'g', data: '12 uid=4242\n' });
    const tar = Buffer.concat([...entryBlocks({ name: 'x', type: 'x', data: '12 uid=4242\n' }), ...g, ...entryBlocks({ name: './a' })]);
    expect(() => pass(tar, 512)).toThrow(/global pax header at byte 1024, between a member's extended headers and the member/);
  });
});
