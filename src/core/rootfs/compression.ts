import { readSync } from 'node:fs';
/**
 * Which compression an archive uses, from its first bytes: file names lie (a `.tar.gz`
 * that is really zstd, a download saved without an extension), magic numbers do not.
 */
export type Compression = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'none';

/** How many leading bytes detectCompression needs to decide. */
export const MAGIC_BYTES = 6;

const MAGICS: ReadonlyArray<readonly [Exclude<Compression, 'none'>, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  // "BZh" then the block size digit 1-9: checking the digit keeps a text file that happens
  // to start with "BZh" from being taken for bzip2.
  ['bzip2', [0x42, 0x5a, 0x68]],
];

/** The compression of an archive whose first bytes are `firstBytes`; 'none' for anything else. Pure. */
export function detectCompression(firstBytes: Buffer): Compression {
  for (const [kind, magic] of MAGICS) {
    if (firstBytes.length < magic.length) continue;
    if (!magic.every((b, i) => firstBytes[i] === b)) continue;
    if (kind === 'bzip2') {
      const level = firstBytes[3];
      if (level === undefined || level < 0x31 || level > 0x39) continue;
    }
    return kind;
  }
  return 'none';
}

/**
 * The command that writes the decompressed archive to stdout, reading it from stdin; none
 * for an uncompressed archive. These are the tools every Debian and Alpine host has (xz
 * and zstd as packages), the same ones GNU tar would run for -z/-J/--zstd/-j.
 */
export function decompressorCommand(compression: Compression): { file: string; args: string[] } | undefined {
  switch (compression) {
    case 'gzip':
      return { file: 'gzip', args: ['-dc'] };
    case 'xz':
      return { file: 'xz', args: ['-dc'] };
    case 'zstd':
      // --long=31: archives made with zstd --long need the larger window to decompress.
      return { file: 'zstd', args: ['-dc', '--long=31'] };
    case 'bzip2':
      return { file: 'bzip2', args: ['-dc'] };
    case 'none':
      return undefined;
  }
}

/** The first MAGIC_BYTES of an open file (fewer when it is shorter), for detectCompression. */
export function readMagic(fd: number): Buffer {
  const buf = Buffer.alloc(MAGIC_BYTES);
  const n = readSync(fd, buf, 0, MAGIC_BYTES, 0);
  return buf.subarray(0, n);
}
