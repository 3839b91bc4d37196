import { describe, expect, it } from 'vitest';
import { coversExactly, matchEntry, parseBlockList, parseContentRange, parseRange, type MatchableEntry } from '../support/cache-server-rules.js';

/** The rules of the test cache service, which the integration tests rely on being GitHub's. */
const V = 'v-1';
const e = (key: string, created: number, more: Partial<MatchableEntry> = {}): MatchableEntry => ({ key, version: V, committed: true, created, ...more });
const ENTRIES = [e('build-a', 1), e('build-b', 2), e('other-1', 3), e('build-c', 4, { committed: false }), e('build-d', 5, { version: 'v-2' }), e('build', 6)];

describe('matchEntry: exact, else newest prefix, per key in order; committed, same version', () => {
  it.each([
    [['build-a'], V, 'build-a'],
    // Exact wins over a newer entry the key prefixes.
    [['build'], V, 'build'],
    [['build-'], V, 'build-b'],
    [['build-x', 'other-'], V, 'other-1'],
    [['build-x', 'other-', 'build-'], V, 'other-1'],
    // Not committed, another version: invisible.
    [['build-c'], V, undefined],
    [['build-d'], V, undefined],
    [['build-d'], 'v-2', 'build-d'],
    [['nothing'], V, undefined],
    [[], V, undefined],
  ])('%j at %s -> %j', (keys, version, key) => {
    expect(matchEntry(ENTRIES, keys, version)?.key).toBe(key);
  });
});

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', 1000, [0, 99]],
    ['bytes=900-', 1000, [900, 999]],
    ['bytes=-100', 1000, [900, 999]],
    ['bytes=-5000', 1000, [0, 999]],
    ['bytes=990-5000', 1000, [990, 999]],
    ['bytes=1000-', 1000, undefined],
    ['bytes=5-4', 1000, undefined],
    ['bytes=-0', 1000, undefined],
    ['bytes=-', 1000, undefined],
    ['items=0-1', 1000, undefined],
    ['bytes=0-1,3-4', 1000, undefined],
  ])('%s of %d -> %j', (header, size, range) => {
    expect(parseRange(header, size)).toEqual(range);
  });
});

describe('parseContentRange: v1 chunks', () => {
  it.each([
    ['bytes 0-199/*', [0, 199]],
    ['bytes 33554432-41943039/*', [33554432, 41943039]],
    ['bytes 0-9/10', [0, 9]],
    ['bytes 9-0/*', undefined],
    ['bytes 0-9', undefined],
    ['bytes=0-9/*', undefined],
  ])('%s -> %j', (header, range) => {
    expect(parseContentRange(header)).toEqual(range);
  });
});

describe('coversExactly: what a v1 commit of SIZE bytes needs', () => {
  it.each([
    [[[0, 99]], 100, true],
    [[[50, 99], [0, 49]], 100, true],
    [[[0, 60], [40, 99]], 100, true],
    [[[0, 49]], 100, false],
    [[[0, 49], [51, 99]], 100, false],
    [[[0, 100]], 100, false],
    [[], 0, true],
    [[[0, 0]], 0, false],
    [[[0, 99]], Number.NaN, false],
  ] as Array<[Array<[number, number]>, number, boolean]>)('%j for %d -> %j', (ranges, size, ok) => {
    expect(coversExactly(ranges, size)).toBe(ok);
  });
});

describe('parseBlockList: Azure Put Block List', () => {
  it.each([
    ['<?xml version="1.0" encoding="UTF-8"?><BlockList><Latest>AAA=</Latest><Latest>BBB=</Latest></BlockList>', ['AAA=', 'BBB=']],
    ['<BlockList><Committed>a</Committed><Uncommitted>b</Uncommitted><Latest>c</Latest></BlockList>', ['a', 'b', 'c']],
    ['<BlockList></BlockList>', []],
    // Mismatched tags are not blocks.
    ['<BlockList><Latest>a</Committed></BlockList>', []],
  ])('%s -> %j', (xml, ids) => {
    expect(parseBlockList(xml)).toEqual(ids);
  });
});
