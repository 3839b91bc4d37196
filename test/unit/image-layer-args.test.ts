import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { compressorCommand, layerMediaType, parseLayerCompression } from '../../src/core/image/layer-compression.js';
import { excludeMemberName, layerTarExtractArgs, tarCreateArgs, tarMetaArgs } from '../../src/core/image/layer-tar-args.js';

describe('layer compression choice', () => {
  it.each([
    ['zstd', { file: 'zstd', args: ['-T0', '-3', '-q', '-c'] }, 'application/vnd.oci.image.layer.v1.tar+zstd'],
    ['gzip', { file: 'gzip', args: ['-6', '-n', '-c'] }, 'application/vnd.oci.image.layer.v1.tar+gzip'],
    ['none', undefined, 'application/vnd.oci.image.layer.v1.tar'],
  ] as const)('%s', (c, cmd, media) => {
    expect(compressorCommand(c)).toEqual(cmd);
    expect(layerMediaType(c)).toBe(media);
  });

  it.each([
    ['zstd', 'zstd'],
    ['ZST', 'zstd'],
    [' gzip ', 'gzip'],
    ['gz', 'gzip'],
    ['none', 'none'],
    ['uncompressed', 'none'],
  ])('parses %j as %s', (word, want) => expect(parseLayerCompression(word)).toBe(want));

  it.each(['xz', '', 'bzip2', 'zstd:19'])('refuses %j, naming the choices', (word) => {
    expect(() => parseLayerCompression(word)).toThrow(ConfigError);
    expect(() => parseLayerCompression(word)).toThrow(/use one of zstd, gzip, none/);
  });
});

describe('excludeMemberName: a volume path as tar names it', () => {
  it.each([
    ['/work', './work'],
    ['/work/src/', './work/src'],
    ['//a//./b', './a/b'],
    ['/a[1]*', './a[1]*'],
  ])('%s -> %s', (p, want) => expect(excludeMemberName(p)).toBe(want));

  it.each([
    ['work', /not absolute/],
    ['/a/../etc', /'\.\.'/],
    ['/', /root/],
    ['/./', /root/],
  ])('refuses %j', (p, msg) => {
    expect(() => excludeMemberName(p)).toThrow(ConfigError);
    expect(() => excludeMemberName(p)).toThrow(msg);
  });
});

describe('tarCreateArgs, tarMetaArgs', () => {
  it('the layer: pax format, numeric owners, xattrs but the overlay\'s, ACLs, second mtimes, the members named on stdin', () => {
    expect(tarCreateArgs('/b/app/upper')).toEqual([
      '--create', '--file=-', '--directory=/b/app/upper', '--format=posix', '--numeric-owner', '--xattrs', '--xattrs-include=*',
      '--xattrs-exclude=trusted.overlay.*', '--acls', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime',
      '--no-recursion', '--null', '--files-from=-',
    ]);
  });

  it('the metadata dump: the overlay\'s xattrs only, no ACLs', () => {
    const a = tarMetaArgs('/u');
    expect(a).toContain('--xattrs-include=trusted.overlay.*');
    expect(a).not.toContain('--acls');
    expect(a.slice(-3)).toEqual(['--no-recursion', '--null', '--files-from=-']);
  });
});

describe('layerTarExtractArgs', () => {
  it("is the root extraction's, with the overlay's xattrs let through (the opaque markers)", () => {
    expect(layerTarExtractArgs('/l/.x')).toEqual([
      '-x', '-f', '-', '-C', '/l/.x', '--numeric-owner', '--same-permissions', '--same-owner',
      '--xattrs', '--xattrs-include=*', '--acls', '--warning=no-unknown-keyword',
    ]);
  });
});
