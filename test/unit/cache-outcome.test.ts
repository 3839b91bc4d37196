import { describe, expect, it } from 'vitest';
import { parseActionsLine } from '../../src/core/cache/actions-log.js';
import { failureText, refusedAsExisting, RESTORE_FAILURE, SAVE_FAILURE, saveFailed } from '../../src/core/cache/outcome.js';

/** Lines as @actions/cache 6.3 wrote them against the test service (see test/integration/cache.test.ts). */
const L = (...raw: string[]) => raw.map(parseActionsLine);

const V1_EXISTS = L(
  '[command]/usr/bin/tar --posix -cf cache.tzst --exclude cache.tzst -P -C /tmp/w --files-from manifest.txt --use-compress-program zstdmt',
  'Failed to save: Unable to reserve cache with key k, another job may be creating this cache. More details: Cache already exists. Scope: refs/heads/main, Key: k, Version: 4e87',
);
const V2_EXISTS = L(
  '::debug::[Response] - 409',
  '::debug::Failed to reserve cache: Error: Failed to CreateCacheEntry: Received non-retryable error: Failed request: (409) Conflict: cache entry with the same key, version, and scope already exists',
  'Failed to save: Unable to reserve cache with key k, another job may be creating this cache.',
);
// v2 wraps a reservation that failed for any reason in the same refusal.
const V2_RESERVE_502 = L(
  'Attempt 1 of 5 failed with error: Failed request: (502) Bad Gateway: injected failure for reserve. Retrying request in 3000 ms...',
  '::debug::Failed to reserve cache: Error: Failed to CreateCacheEntry: Failed to make request after 5 attempts: Failed request: (502) Bad Gateway: injected failure for reserve',
  'Failed to save: Unable to reserve cache with key k, another job may be creating this cache.',
);
// v1 still being uploaded by another job: refused, but not because it exists.
const V1_RESERVED_ELSEWHERE = L('Failed to save: Unable to reserve cache with key k, another job may be creating this cache. More details: Failed request: (403) Forbidden');
const V1_CHUNK_500 = L(
  '::debug::uploadChunk (start: 0, end: 188) - Attempt 1 of 2 failed with error: Cache service responded with 500',
  '::warning::Failed to save: uploadChunk (start: 0, end: 188) failed: Cache service responded with 500',
);
const SAVED = L('Cache Size: ~0 MB (189 B)', 'Cache saved successfully');

describe('saveFailed', () => {
  it.each([
    ['saved', 7, SAVED, false],
    ['-1', -1, SAVED, true],
    ['v1 returns the reserved id after a failed chunk', 1, V1_CHUNK_500, true],
    ['a 5xx logged as an error', 3, L('::error::Failed to save: Cache service responded with 503 during commit cache.'), true],
    ['an unrelated warning', 3, L('::warning::something else'), false],
  ])('%s', (_name, id, lines, failed) => {
    expect(saveFailed(id, lines)).toBe(failed);
  });
});

describe('refusedAsExisting', () => {
  it.each([
    ['v1: the service says it exists', V1_EXISTS, true],
    ['v2: a 409 on CreateCacheEntry', V2_EXISTS, true],
    ['v2: a 502 wrapped in the same refusal', V2_RESERVE_502, false],
    ['v1: refused for another reason', V1_RESERVED_ELSEWHERE, false],
    ['a failed chunk', V1_CHUNK_500, false],
    ['saved', SAVED, false],
  ])('%s -> %j', (_name, lines, exists) => {
    expect(refusedAsExisting(lines)).toBe(exists);
  });
});

describe('failureText', () => {
  it.each([
    ['saved: nothing', SAVED, SAVE_FAILURE, undefined],
    ['the cause of a v2 refusal comes first', V2_RESERVE_502, SAVE_FAILURE,
      'Failed to reserve cache: Error: Failed to CreateCacheEntry: Failed to make request after 5 attempts: Failed request: (502) Bad Gateway: injected failure for reserve\nFailed to save: Unable to reserve cache with key k, another job may be creating this cache.'],
    ['a warning', V1_CHUNK_500, SAVE_FAILURE, 'Failed to save: uploadChunk (start: 0, end: 188) failed: Cache service responded with 500'],
    ['a restore error', L('::debug::x', '::error::Failed to restore: Cache service responded with 502'), RESTORE_FAILURE, 'Failed to restore: Cache service responded with 502'],
    ['a plain miss', L('::debug::Cache not found for version abc of keys: k'), RESTORE_FAILURE, undefined],
  ])('%s', (_name, lines, pattern, text) => {
    expect(failureText(lines, pattern)).toBe(text);
  });
});
