import { describe, expect, it } from 'vitest';
import { parseRootfsArgs } from '../../src/cli/rootfs-args.js';
import { ConfigError } from '../../src/core/errors.js';

describe('parseRootfsArgs', () => {
  const hex = 'a'.repeat(64);
  it.each([
    [[], { action: 'help' }],
    [['--help'], { action: 'help' }],
    [['add', 'alpine', 'https://x/a.tar.gz'], { action: 'add', name: 'alpine', source: 'https://x/a.tar.gz' }],
    [['add', 'alpine', './a.tar.xz', '--sha256', hex, '-d', '/lib'], { action: 'add', name: 'alpine', source: './a.tar.xz', sha256: hex, libraryDir: '/lib' }],
    [['add', '--sha256=' + hex, 'a', '/dir', '-d/lib'], { action: 'add', name: 'a', source: '/dir', sha256: hex, libraryDir: '/lib' }],
    [['ls'], { action: 'ls', json: false }],
    [['ls', '--json', '--librarydir', '/l'], { action: 'ls', json: true, libraryDir: '/l' }],
    [['rm', 'alpine'], { action: 'rm', name: 'alpine' }],
  ])('%j', (argv, want) => {
    expect(parseRootfsArgs(argv)).toMatchObject(want);
  });

  it.each([
    [['add', 'only-name'], /takes NAME SOURCE/],
    [['rm'], /takes NAME/],
    [['ls', 'extra'], /no arguments/],
    [['add', 'a', 'b', '--nope'], /unknown option --nope/],
    [['frob'], /unknown rootfs command 'frob'/],
    [['add', 'a', 'b', '--sha256'], /needs a value/],
  ])('refuses %j', (argv, msg) => {
    expect(() => parseRootfsArgs(argv)).toThrow(ConfigError);
    expect(() => parseRootfsArgs(argv)).toThrow(msg);
  });
});
