import { describe, expect, it } from 'vitest';
import { ImageError } from '../../src/core/image/errors.js';
import { FindRecords, findArgs } from '../../src/core/image/layer-save-find.js';

const TAIL = [
  '-name', '.wh.*', '-printf', 'w%p\\0', '-o',
  '-type', 's', '-o',
  '(', '-type', 'd', '-o', '-type', 'c', ')', '-fprint0', '/dev/stderr', '-printf', '\\0', '-o',
  '-printf', '\\0',
];

describe('findArgs: what find says of an upper layer', () => {
  it.each([
    ['no volumes', [], ['.', ...TAIL]],
    ['a volume pruned', ['./work'], ['.', '(', '-path', './work', ')', '-prune', '-o', ...TAIL]],
    ['volumes pruned, glob characters escaped', ['./a/b', './v[1]*?', './x\\y'], ['.', '(', '-path', './a/b', '-o', '-path', './v\\[1\\]\\*\\?', '-o', '-path', './x\\\\y', ')', '-prune', '-o', ...TAIL]],
  ])('%s', (_, excluded, want) => expect(findArgs(excluded)).toEqual(want));
});

/** Feeds OUTPUT to FindRecords in chunks of CHUNK bytes; the members it counted. */
function count(output: Buffer, chunk: number): number {
  const r = new FindRecords('/u');
  for (let i = 0; i < output.length; i += chunk) r.write(output.subarray(i, i + chunk));
  r.end();
  return r.entries;
}

describe('FindRecords over find output (chunked at odd sizes)', () => {
  it.each([1, 2, 7, 1000])('chunks of %i bytes: a member a NUL', (chunk) => {
    expect(count(Buffer.alloc(12), chunk)).toBe(12);
    expect(count(Buffer.alloc(0), chunk)).toBe(0);
  });

  it.each([1, 3, 100])('refuses a name that reads as a whiteout, naming it, whatever its bytes (chunks of %i)', (chunk) => {
    const out = Buffer.concat([Buffer.from('\0\0w./etc/.wh.x', 'latin1'), Buffer.from([0xc3, 0xa9, 0]), Buffer.from('\0')]);
    expect(() => count(out, chunk)).toThrow(ImageError);
    expect(() => count(out, chunk)).toThrow(/"\.\/etc\/\.wh\.xé" is named like an OCI whiteout/);
  });

  it.each([
    ['output cut in the middle of a record', '\0\0w./us', /ended in the middle of a name/],
    ['a record it does not know', '\0f./x\0', /does not know/],
  ])('refuses %s', (_, out, msg) => {
    expect(() => count(Buffer.from(out), 3)).toThrow(msg);
  });
});
