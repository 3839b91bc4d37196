import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveDecision, type SaveRequest } from '../../src/action/image.js';
import { decodeMainState, decodePlanState, encodePlanState, type PlanState } from '../../src/action/state.js';
import { formatBytes, formatDuration, summaryRows } from '../../src/action/summary.js';
import { livePid1, mountsUnder, unescapeMountPath } from '../../src/action/teardown.js';

const MOUNTINFO = [
  '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '90 22 0:50 / /var/lib/mc/action/ci-1/lib/app-ci/root rw - overlay overlay rw,lowerdir=/',
  '91 90 254:1 /home/runner/work /var/lib/mc/action/ci-1/lib/app-ci/root/home/runner/work rw - ext4 /dev/vda1 rw',
  '92 22 0:51 / /var/lib/mc/action/ci-10 rw - tmpfs tmpfs rw',
  '93 22 0:52 / /var/lib/mc/action/ci-1/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

describe('mountsUnder', () => {
  it.each([
    ['/var/lib/mc/action/ci-1', ['/var/lib/mc/action/ci-1/lib/app-ci/root/home/runner/work', '/var/lib/mc/action/ci-1/lib/app-ci/root', '/var/lib/mc/action/ci-1/with space']],
    ['/var/lib/mc/action/ci-1/', ['/var/lib/mc/action/ci-1/lib/app-ci/root/home/runner/work', '/var/lib/mc/action/ci-1/lib/app-ci/root', '/var/lib/mc/action/ci-1/with space']],
    ['/var/lib/mc/action/ci-10', ['/var/lib/mc/action/ci-10']],
    ['/elsewhere', []],
  ])('under %s, deepest first, a sibling with a longer name excluded', (dir, want) => {
    expect(mountsUnder(MOUNTINFO, dir)).toEqual(want);
  });

  it.each([
    ['/a\\040b', '/a b'],
    ['/tab\\011x', '/tab\tx'],
    ['/back\\134slash', '/back\\slash'],
    ['/plain', '/plain'],
  ])('unescapes %s', (raw, want) => {
    expect(unescapeMountPath(raw)).toBe(want);
  });
});

describe('livePid1', () => {
  const stat = (start: number) => `4242 (sh) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 ${start} 2600000 300 18446744073709551615`;
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-action-pid1-'));
  const file = path.join(dir, 'pid1');
  it.each<[string, string | undefined, string | undefined, number | undefined]>([
    ['the same process', '4242 777\n', stat(777), 4242],
    ['a reused pid (another start time)', '4242 777\n', stat(778), undefined],
    ['a process that is gone', '4242 777\n', undefined, undefined],
    ['an emptied file (the jail ended)', '', stat(777), undefined],
    ['no file', undefined, stat(777), undefined],
    ['pid 1 of the host is never it', '1 777\n', stat(777), undefined],
  ])('%s', (_, content, procStat, want) => {
    rmSync(file, { force: true });
    if (content !== undefined) writeFileSync(file, content);
    expect(livePid1(file, () => procStat)).toBe(want);
  });
  it('(clean-up)', () => rmSync(dir, { recursive: true, force: true }));
});

describe('saveDecision (where image saving plugs in)', () => {
  const base: SaveRequest = { cacheKey: 'img-1', policy: 'success', failed: false, exactHit: false };
  it.each<[string, Partial<SaveRequest>, boolean, RegExp]>([
    ['nothing asked', { cacheKey: undefined }, false, /no image-cache-key or save-image/],
    ['success and the build passed', {}, true, /the build succeeded/],
    ['success and the build failed', { failed: true }, false, /the build failed and save-image-if is success/],
    ['always, even when it failed', { policy: 'always', failed: true }, true, /always/],
    ['never', { policy: 'never' }, false, /never/],
    ['the exact key was restored', { exactHit: true }, false, /restored exactly/],
    ['the exact key was restored, but a file is wanted', { exactHit: true, path: '/w/img.tar.zst' }, true, /succeeded/],
  ])('%s', (_, over, save, reason) => {
    const d = saveDecision({ ...base, ...over });
    expect(d.save).toBe(save);
    expect(d.reason).toMatch(reason);
  });
});

describe('state', () => {
  const plan: PlanState = {
    version: 1,
    plan: { name: 'ci', jobDir: '/l/action/ci-1', jailLibraryDir: '/l/action/ci-1/lib', jailBaseDir: '/l/action/ci-1/base', wrapperDir: '/t/mc/ci-1-bin', wrapperPath: '/t/mc/ci-1-bin/mc-shell' },
    config: { name: 'ci', saveImageIf: 'success' },
  };
  it('round-trips the plan; no state or another version is "nothing recorded"', () => {
    expect(decodePlanState(encodePlanState(plan))).toEqual(plan);
    expect(decodePlanState('')).toBeUndefined();
    expect(decodePlanState(JSON.stringify({ ...plan, version: 2 }))).toBeUndefined();
  });
  it('main state defaults to no phases', () => {
    expect(decodeMainState('')).toEqual({ phases: [] });
    expect(decodeMainState('{"stateDir":"/s"}')).toEqual({ stateDir: '/s', phases: [] });
  });
});

describe('summary', () => {
  it.each([
    [0, '0 ms'],
    [999.6, '1.0 s'],
    [1500, '1.5 s'],
    [61_000, '1 min 1 s'],
  ])('duration %d -> %s', (ms, want) => expect(formatDuration(ms)).toBe(want));

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [172 * 1024 * 1024, '172.0 MiB'],
  ])('size %d -> %s', (n, want) => expect(formatBytes(n)).toBe(want));

  it('one row per phase in order, then the total', () => {
    expect(summaryRows([
      { phase: 'root', ms: 1200, detail: 'alpine.tar.gz (downloaded and extracted)', ok: true },
      { phase: 'run', ms: 300, detail: 'sh -e: exit code 3', ok: false },
      { phase: 'remove', ms: 20, detail: 'cannot', ok: false },
    ])).toEqual([
      ['Phase', 'Result', 'Time', 'Details'],
      ['root', 'ok', '1.2 s', 'alpine.tar.gz (downloaded and extracted)'],
      ['run', 'failed', '300 ms', 'sh -e: exit code 3'],
      ['remove', 'failed', '20 ms', 'cannot'],
      ['total', 'failed', '1.5 s', ''],
    ]);
  });
});
