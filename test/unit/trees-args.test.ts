import { describe, expect, it } from 'vitest';
import { parseTreesArgs } from '../../src/cli/trees-args.js';

describe('parseTreesArgs', () => {
  it.each([
    [[], { action: 'help' }],
    [['--help'], { action: 'help' }],
    [['clone', '-h'], { action: 'help' }],
    [['clone', 'g', 'tpl', 'i1'], { action: 'clone', group: 'g', from: 'tpl', to: 'i1', json: false, trees: undefined }],
    [['clone', '--trees', '/t', 'g', 'tpl', 'i1', '--json'], { action: 'clone', trees: '/t', json: true }],
    [['clone', 'g', '--trees=/x', 'tpl', 'i1'], { action: 'clone', trees: '/x', from: 'tpl' }],
    [['ls'], { action: 'ls', group: undefined, json: false }],
    [['ls', 'g', '--json'], { action: 'ls', group: 'g', json: true }],
    [['rm', 'g', 'i1'], { action: 'rm', group: 'g', instance: 'i1' }],
  ] as [string[], object][])('%j', (argv, want) => {
    expect(parseTreesArgs(argv)).toMatchObject(want);
  });

  it.each([
    [['clone', 'g', 'tpl'], /trees clone takes GROUP TEMPLATE INSTANCE/],
    [['clone', 'g', 'a', 'b', 'c'], /trees clone takes GROUP TEMPLATE INSTANCE/],
    [['ls', 'g', 'h'], /trees ls takes at most a GROUP/],
    [['rm', 'g'], /trees rm takes GROUP INSTANCE/],
    [['rm', 'g', 'i', '--json'], /unknown option --json for trees rm/],
    [['clone', '--trees'], /option --trees needs a value/],
    [['copy', 'g'], /unknown trees command 'copy' \(clone, ls, rm\)/],
    [['ls', '-x'], /unknown option -x for trees ls/],
  ] as [string[], RegExp][])('refuses %j', (argv, message) => {
    expect(() => parseTreesArgs(argv)).toThrow(message);
  });
});
