import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { compressorCommand, layerMediaType, parseLayerCompression } from '../../src/core/image/layer-compression.js';
import { ImageError } from '../../src/core/image/errors.js';
import { excludeMemberName, layerTarExtractArgs, tarCreateArgs, tarExclusion, tarMetaArgs } from '../../src/core/image/layer-tar-args.js';

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
  it("the layer: pax format, numeric owners, xattrs (ACLs among them) but the overlay's, second mtimes, tar's own walk in name order, literal exclusions", () => {
    expect(tarCreateArgs('/b/app/upper', { file: Buffer.from('./a/wh\n'), args: ['--exclude=./odd\nname'] })).toEqual([
      '--create', '--file=-', '--directory=/b/app/upper', '--format=posix', '--numeric-owner', '--xattrs', '--xattrs-include=*',
      '--xattrs-exclude=trusted.overlay.*', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime',
      '--sort=name', '--warning=no-file-ignored', '--anchored', '--no-wildcards', '--exclude-from=-', '--exclude=./odd\nname', '.',
    ]);
  });

  it('reads no exclusion file when there is nothing in it', () => {
    expect(tarCreateArgs('/u', { file: Buffer.alloc(0), args: [] }).filter((a) => a.startsWith('--exclude'))).toEqual([]);
  });

  it("the metadata dump: the overlay's xattrs that change what the layer means only, no ACLs, the names on stdin", () => {
    const a = tarMetaArgs('/u');
    expect(a.filter((x) => x.startsWith('--xattrs-'))).toEqual([
      '--xattrs-include=trusted.overlay.opaque', '--xattrs-include=trusted.overlay.redirect', '--xattrs-include=trusted.overlay.metacopy',
    ]);
    expect(a).not.toContain('--acls');
    expect(a.slice(-3)).toEqual(['--no-recursion', '--null', '--files-from=-']);
  });
});

describe('tarExclusion: names tar leaves out, exactly', () => {
  const latin1 = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');
  it.each([
    ['plain names, one a line', ['./a/wh', './vol/mnt'], './a/wh\n./vol/mnt\n', []],
    ['glob characters and backslashes are literal lines (--no-wildcards)', ['./st*r', './[br]', './x\\y'], './st*r\n./[br]\n./x\\y\n', []],
    ['leading white space is kept on a line', ['./ lead'], './ lead\n', []],
    ['a name that is not UTF-8 is a line of its bytes', [latin1([0x2e, 0x2f, 0xff, 0x41])], latin1([0x2e, 0x2f, 0xff, 0x41, 0x0a]), []],
    ['a newline: an option', ['./x\ny'], '', ['--exclude=./x\ny']],
    ['trailing white space (tar would drop it from a line): an option', ['./sp ', './tab\t', './cr\r'], '', ['--exclude=./sp ', '--exclude=./tab\t', '--exclude=./cr\r']],
    ['a UTF-8 name as an option is its characters', [latin1([...Buffer.from('./é\n')])], '', ['--exclude=./é\n']],
    ['nothing', [], '', []],
  ])('%s', (_, names, file, args) => {
    const x = tarExclusion(names);
    expect(x.file.toString('latin1')).toBe(file);
    expect(x.args).toEqual(args);
  });

  it('refuses a name with a newline that is not UTF-8: tar cannot be told it', () => {
    expect(() => tarExclusion([latin1([0x2e, 0x2f, 0xff, 0x0a])])).toThrow(ImageError);
    expect(() => tarExclusion([latin1([0x2e, 0x2f, 0xff, 0x20])])).toThrow(/newline or ends in white space and is not UTF-8/);
  });
});

describe('layerTarExtractArgs', () => {
  it("is the root extraction's, with the overlay's xattrs let through (the opaque markers) and ACLs from their xattrs", () => {
    expect(layerTarExtractArgs('/l/.x')).toEqual([
      '-x', '-f', '-', '-C', '/l/.x', '--numeric-owner', '--same-permissions', '--same-owner',
      '--xattrs', '--xattrs-include=*', '--warning=no-unknown-keyword',
    ]);
  });
});
