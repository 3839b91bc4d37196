import { describe, expect, it } from 'vitest';
import { volumeMountScript } from '../../src/action/trees.js';

// The script main runs in a trees: container's mount namespace to give steps the
// workspace and the runner's directories at the same paths.
describe('volumeMountScript', () => {
  it.each([
    [
      'a read-write volume: each component checked for a symbolic link, then made and mounted, and listed for the teardown',
      '/trees/ci/pr-1/',
      [{ host: '/home/runner/work/app', guest: '/home/runner/work/app', readOnly: false }],
      [
        'set -e',
        "[ -d '/home/runner/work/app' ] || { echo 'volume source /home/runner/work/app is not a directory' >&2; exit 1; }",
        "[ ! -L '/trees/ci/pr-1/home' ] || { echo '/home/runner/work/app: /home is a symbolic link in the instance; remove it, or mount the volume elsewhere' >&2; exit 1; }",
        "[ ! -L '/trees/ci/pr-1/home/runner' ] || { echo '/home/runner/work/app: /home/runner is a symbolic link in the instance; remove it, or mount the volume elsewhere' >&2; exit 1; }",
        "[ ! -L '/trees/ci/pr-1/home/runner/work' ] || { echo '/home/runner/work/app: /home/runner/work is a symbolic link in the instance; remove it, or mount the volume elsewhere' >&2; exit 1; }",
        "[ ! -L '/trees/ci/pr-1/home/runner/work/app' ] || { echo '/home/runner/work/app: /home/runner/work/app is a symbolic link in the instance; remove it, or mount the volume elsewhere' >&2; exit 1; }",
        "mkdir -p -- '/trees/ci/pr-1/home/runner/work/app'",
        "mount --bind -- '/home/runner/work/app' '/trees/ci/pr-1/home/runner/work/app'",
        "printf '%s\\n' '/trees/ci/pr-1/home/runner/work/app' >> '/run/mc/mounts'",
        '',
      ],
    ],
    [
      "a read-only volume is remounted read-only; quotes in paths stay quoted",
      '/t/g/i',
      [{ host: "/data/it's", guest: '/d', readOnly: true }],
      [
        'set -e',
        `[ -d '/data/it'\\''s' ] || { echo 'volume source /data/it'\\''s is not a directory' >&2; exit 1; }`,
        "[ ! -L '/t/g/i/d' ] || { echo '/d: /d is a symbolic link in the instance; remove it, or mount the volume elsewhere' >&2; exit 1; }",
        "mkdir -p -- '/t/g/i/d'",
        `mount --bind -- '/data/it'\\''s' '/t/g/i/d'`,
        "mount -o remount,bind,ro -- '/t/g/i/d'",
        "printf '%s\\n' '/t/g/i/d' >> '/run/mc/mounts'",
        '',
      ],
    ],
    ['no volumes: nothing but set -e', '/t/g/i', [], ['set -e', '']],
  ])('%s', (_, root, volumes, expected) => {
    expect(volumeMountScript(root, '/run/mc/mounts', volumes).split('\n')).toEqual(expected);
  });
});
