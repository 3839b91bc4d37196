import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { hostMounts, scratch } from './host.js';
import { buildMiniRoot } from './miniroot.js';

/**
 * Registers the check that every integration test relies on: after each test the host's
 * mount table is what it was before (the jail's mounts live in its own namespace).
 */
export function expectHostMountsUnchanged(): void {
  let before: string[];
  beforeEach(() => {
    before = hostMounts();
  });
  afterEach(() => {
    expect(hostMounts()).toEqual(before);
  });
}

/**
 * A scratch dir with librarydir and basedir in it, and a root built by the tests:
 * `opts(name, ...)` gives the container options that use them.
 */
export function jailFixture(prefix: string) {
  expectHostMountsUnchanged();
  const s = scratch(prefix);
  const fx = {
    dir: s.dir,
    lib: path.join(s.dir, 'lib'),
    base: path.join(s.dir, 'base'),
    root: '',
    opts: (name: string, ...more: string[]) => ['-d', fx.lib, '-b', fx.base, '-l', fx.root, '-n', name, ...more],
  };
  beforeAll(() => {
    fx.root = buildMiniRoot(path.join(s.dir, 'miniroot'));
  });
  afterAll(() => s.cleanup());
  return fx;
}
