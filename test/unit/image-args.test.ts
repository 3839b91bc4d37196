import { describe, expect, it } from 'vitest';
import { parseContainerArgs } from '../../src/cli/argv.js';
import { parseImageArgs } from '../../src/cli/image-args.js';
import { ConfigError } from '../../src/core/errors.js';

describe('parseImageArgs', () => {
  it.each([
    [[], { action: 'help' }],
    [['--help'], { action: 'help' }],
    [['save', '-h'], { action: 'help' }],
    [['save', 'b1'], { action: 'save', container: 'b1', squash: false }],
    [
      ['save', 'b1', '--as', 'img:v1', '-o', 'out.mcimg', '--compression', 'gzip', '--squash', '-d', '/lib', '-b', '/base'],
      { action: 'save', container: 'b1', as: 'img:v1', output: 'out.mcimg', compression: 'gzip', squash: true, libraryDir: '/lib', baseDir: '/base' },
    ],
    [['save', '--as=img', '-o/tmp/f', '--compression=none', 'b1', '-d/lib'], { action: 'save', container: 'b1', as: 'img', output: '/tmp/f', compression: 'none', squash: false, libraryDir: '/lib' }],
    [['save', 'b1', '--output', 'f', '--librarydir', '/l', '--basedir', '/b'], { action: 'save', container: 'b1', output: 'f', squash: false, libraryDir: '/l', baseDir: '/b' }],
    [['load', 'f.mcimg'], { action: 'load', file: 'f.mcimg' }],
    [['load', 'f.mcimg', '--as', 'x'], { action: 'load', file: 'f.mcimg', as: 'x' }],
    [['ls'], { action: 'ls', json: false }],
    [['ls', '--json', '-d', '/l'], { action: 'ls', json: true, libraryDir: '/l' }],
    [['inspect', 'img'], { action: 'inspect', image: 'img' }],
    [['rm', 'img:v1'], { action: 'rm', image: 'img:v1' }],
    [['export', 'img', '--oci', '/out'], { action: 'export', image: 'img', oci: '/out' }],
    [['export', 'img', '--oci=/o.tar', '--tag', 'x:1'], { action: 'export', image: 'img', oci: '/o.tar', tag: 'x:1' }],
    [['load', '--', '-odd-name'], { action: 'load', file: '-odd-name' }],
  ])('%j', (argv, want) => {
    expect(parseImageArgs(argv)).toEqual(want);
  });

  it.each([
    [['frob'], /unknown image command 'frob'/],
    [['save'], /takes the NAME of a container/],
    [['save', 'a', 'b'], /takes the NAME of a container/],
    [['load'], /takes a FILE written by image save -o/],
    [['ls', 'x'], /no arguments/],
    [['inspect'], /one IMAGE/],
    [['export', 'img'], /needs --oci DIR or --oci FILE.tar/],
    [['save', 'b1', '--compression', 'xz'], /unknown layer compression 'xz'/],
    [['save', 'b1', '--as'], /--as needs a value/],
    [['save', 'b1', '-o'], /-o needs a value/],
    [['load', 'f', '--squash'], /image load does not take --squash/],
    [['ls', '--oci', 'x'], /image ls does not take --oci/],
    [['export', 'img', '--oci', 'x', '-b', '/b'], /image export does not take -b/],
    [['save', 'b1', '--squash=yes'], /--squash takes no value/],
    [['save', 'b1', '--nope'], /unknown option --nope/],
    [['save', 'b1', '-x'], /unknown option -x/],
  ])('refuses %j', (argv, msg) => {
    expect(() => parseImageArgs(argv)).toThrow(ConfigError);
    expect(() => parseImageArgs(argv)).toThrow(msg);
  });
});

describe('container --image and --ephemeral', () => {
  it.each([
    [['--image', 'img1', 'sh'], { image: 'img1', ephemeral: undefined, command: ['sh'] }],
    [['--image=img:v2', '--ephemeral', '--', 'true'], { image: 'img:v2', ephemeral: true, command: ['true'] }],
    [['--ephemeral', 'sh'], { image: undefined, ephemeral: true, command: ['sh'] }],
    [['--rm', '-n', 'x', 'sh'], { image: undefined, ephemeral: true, command: ['sh'] }],
  ])('%j', (argv, want) => {
    const a = parseContainerArgs(argv);
    expect({ image: a.image, ephemeral: a.config.ephemeral, command: a.config.command }).toEqual(want);
  });

  it('--image needs a value, --ephemeral takes none', () => {
    expect(() => parseContainerArgs(['--image'])).toThrow(/--image needs a value/);
    expect(() => parseContainerArgs(['--ephemeral=1'])).toThrow(/--ephemeral takes no value/);
  });
});
