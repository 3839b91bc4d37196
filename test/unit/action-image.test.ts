import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { RootStore } from '../../src/core/rootfs/store.js';
import { checkImageInputs, sameRoot } from '../../src/action/image-restore.js';
import { parseInputs, type InputName } from '../../src/action/inputs.js';

const ENV = { GITHUB_WORKSPACE: '/home/runner/work/app/app', RUNNER_TEMP: '/home/runner/work/_temp', GITHUB_JOB: 'build' };
const cfg = (given: Partial<Record<InputName, string>>) => parseInputs((n) => given[n] ?? '', { env: ENV, uid: 1001, gid: 118 });
const HEX = 'ab'.repeat(32);

describe('checkImageInputs', () => {
  it.each<[Partial<Record<InputName, string>>, RegExp | undefined]>([
    [{ rootfs: 'https://example.org/a.tar.gz', 'image-cache-key': 'k' }, undefined],
    [{ rootfs: '/srv/root', 'image-cache-key': 'k', 'save-image': 'i.tar' }, undefined],
    // Over the host's / an image can be written (save-image), not stacked again.
    [{ 'save-image': 'i.tar' }, undefined],
    [{}, undefined],
    [{ 'image-cache-key': 'k' }, /input 'image-cache-key' needs a root of its own.*Set rootfs to a URL, tarball or directory/],
    [{ rootfs: 'trees:ci/pr-1', 'image-cache-key': 'k' }, /do not apply to a trees: root/],
    [{ rootfs: 'trees:ci/pr-1', 'save-image': 'x' }, /do not apply to a trees: root/],
  ])('%j', (given, problem) => {
    if (problem === undefined) expect(() => checkImageInputs(cfg(given))).not.toThrow();
    else {
      expect(() => checkImageInputs(cfg(given))).toThrow(ConfigError);
      expect(() => checkImageInputs(cfg(given))).toThrow(problem);
    }
  });
});

describe('sameRoot', () => {
  const roots = new RootStore('/nonexistent/lib');
  it.each<[string, Parameters<typeof sameRoot>[0], string, boolean]>([
    ['a store root by its digest', { id: HEX }, `/nonexistent/lib/store/roots/${HEX}`, true],
    ['another store root', { id: 'cd'.repeat(32) }, `/nonexistent/lib/store/roots/${HEX}`, false],
    ['a directory root, the same one', { path: '/srv/root' }, '/srv/root/', true],
    ['a directory root, another one', { path: '/srv/root' }, '/srv/other', false],
    ['a store root against a directory', { id: HEX }, '/srv/root', false],
    ['no base at all', {}, '/srv/root', false],
  ])('%s', (_, base, rootPath, same) => {
    expect(sameRoot(base, rootPath, roots)).toBe(same);
  });
});
