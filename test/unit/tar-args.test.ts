import { describe, expect, it } from 'vitest';
import { tarExtractArgs } from '../../src/core/rootfs/tar-args.js';

describe('tarExtractArgs', () => {
  it('as root: numeric owners kept, modes as stored, all xattrs but the overlay ones, ACLs', () => {
    expect(tarExtractArgs({ dir: '/r/.x', isRoot: true })).toEqual([
      '-x', '-f', '-', '-C', '/r/.x', '--numeric-owner', '--same-permissions', '--same-owner',
      '--xattrs', '--xattrs-include=*', '--xattrs-exclude=trusted.overlay.*', '--acls', '--warning=no-unknown-keyword',
    ]);
  });

  it('not root: owners are not kept (chown would fail)', () => {
    const a = tarExtractArgs({ dir: '/r', isRoot: false });
    expect(a).toContain('--no-same-owner');
    expect(a).not.toContain('--same-owner');
  });
});
