import { describe, expect, it } from 'vitest';
import { looksLikeWhiteout, opaqueMarkerName, parseWhiteout, splitMemberName, whiteoutName } from '../../src/core/image/whiteout.js';

describe('whiteoutName: the member that deletes a path', () => {
  it.each([
    ['./a/f1', './a/.wh.f1'],
    ['./top', './.wh.top'],
    ['top', '.wh.top'],
    ['./dir/', './.wh.dir'],
    ['./a/b/c d', './a/b/.wh.c d'],
    ['./a/.hidden', './a/.wh..hidden'],
  ])('%s -> %s', (name, want) => expect(whiteoutName(name)).toBe(want));
});

describe('opaqueMarkerName: the marker inside an opaque directory', () => {
  it.each([
    ['./b/', './b/.wh..wh..opq'],
    ['./b', './b/.wh..wh..opq'],
    ['./a/b//', './a/b/.wh..wh..opq'],
    ['./', './.wh..wh..opq'],
    ['.', './.wh..wh..opq'],
  ])('%s -> %s', (dir, want) => expect(opaqueMarkerName(dir)).toBe(want));
});

describe('splitMemberName', () => {
  it.each([
    ['./a/b', { dir: './a/', base: 'b' }],
    ['./a/b/', { dir: './a/', base: 'b' }],
    ['b', { dir: '', base: 'b' }],
    ['./', { dir: '', base: '.' }],
  ])('%s', (name, want) => expect(splitMemberName(name)).toEqual(want));
});

describe('parseWhiteout: what a name means to an OCI layer reader', () => {
  it.each([
    ['./a/.wh.f1', { kind: 'whiteout', dir: './a/', target: 'f1' }],
    ['.wh.top', { kind: 'whiteout', dir: '', target: 'top' }],
    ['./a/.wh..hidden', { kind: 'whiteout', dir: './a/', target: '.hidden' }],
    ['./a/.wh.', { kind: 'whiteout', dir: './a/', target: '' }],
    ['./b/.wh..wh..opq', { kind: 'opaque', dir: './b/' }],
    ['./.wh..wh..opq', { kind: 'opaque', dir: './' }],
    ['./.wh..wh.plnk/', { kind: 'meta', dir: './', base: '.wh..wh.plnk' }],
    ['./a/f1', undefined],
    ['./a/x.wh.y', undefined],
    ['./.wh/x', undefined],
    ['./a.wh.', undefined],
  ] as const)('%s', (name, want) => expect(parseWhiteout(name)).toEqual(want));

  it.each([
    ['./a/.wh.x', true],
    ['./.wh.d/', true],
    ['./a/wh.x', false],
    ['./.wh.d/file', false],
  ])('looksLikeWhiteout(%s) = %s', (name, want) => expect(looksLikeWhiteout(name)).toBe(want));
});
