import { describe, expect, it } from 'vitest';
import { decompressorCommand, detectCompression, type Compression } from '../../src/core/rootfs/compression.js';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
const tarHead = Buffer.concat([Buffer.from('./usr/bin/'), Buffer.alloc(20)]);

describe('detectCompression', () => {
  it.each<[string, Buffer, Compression]>([
    ['gzip', b(0x1f, 0x8b, 0x08, 0x00, 0, 0), 'gzip'],
    ['gzip, two bytes are enough', b(0x1f, 0x8b), 'gzip'],
    ['xz', b(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00), 'xz'],
    ['xz with its last magic byte missing', b(0xfd, 0x37, 0x7a, 0x58, 0x5a), 'none'],
    ['zstd', b(0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58), 'zstd'],
    ['bzip2 level 9', Buffer.from('BZh91AY'), 'bzip2'],
    ['bzip2 level 1', Buffer.from('BZh1'), 'bzip2'],
    ['"BZh" without a level digit is text', Buffer.from('BZhello'), 'none'],
    ['"BZh" alone', Buffer.from('BZh'), 'none'],
    ['a plain tar (its first member name)', tarHead, 'none'],
    ['empty', Buffer.alloc(0), 'none'],
    ['one byte of gzip', b(0x1f), 'none'],
    ['gzip magic reversed', b(0x8b, 0x1f), 'none'],
    ['zstd skippable frame is not a zstd frame', b(0x50, 0x2a, 0x4d, 0x18), 'none'],
  ])('%s', (_, bytes, want) => {
    expect(detectCompression(bytes)).toBe(want);
  });
});

describe('decompressorCommand', () => {
  it.each<[Compression, string | undefined]>([
    ['gzip', 'gzip -dc'],
    ['xz', 'xz -dc'],
    ['zstd', 'zstd -dc --long=31'],
    ['bzip2', 'bzip2 -dc'],
    ['none', undefined],
  ])('%s', (c, want) => {
    const cmd = decompressorCommand(c);
    expect(cmd && [cmd.file, ...cmd.args].join(' ')).toBe(want);
  });
});
