import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ConfigError } from '../errors.js';
import { execCapture } from '../exec.js';
import { detectCompression, MAGIC_BYTES, type Compression } from '../rootfs/compression.js';

/**
 * Digests of layer files, computed by streaming: a layer can be hundreds of megabytes, so
 * nothing here reads a whole file into memory.
 */

/** The compression of a file, from its first bytes. */
export async function sniffCompression(file: string): Promise<Compression> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await fh.read(buf, 0, MAGIC_BYTES, 0);
    return detectCompression(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** sha256 of the file's bytes as they are (a blob's digest) and its size. */
export async function fileDigest(file: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), async function* (src: AsyncIterable<Buffer>) {
    for await (const chunk of src) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * sha256 of the decompressed tar (the layer's diff ID, which the image config lists).
 * gzip is inflated in-process; zstd (which Node 20's zlib lacks) by the zstd tool, hashed
 * by sha256sum in the same pipeline, under pipefail so that a corrupt file is an error and
 * not the digest of half a tar.
 */
export async function uncompressedDigest(file: string, compression: Compression): Promise<string> {
  switch (compression) {
    case 'none':
      return (await fileDigest(file)).digest;
    case 'gzip': {
      const hash = createHash('sha256');
      try {
        await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), createGunzip({ chunkSize: 1024 * 1024 }), async function* (src: AsyncIterable<Buffer>) {
          for await (const chunk of src) hash.update(chunk);
        });
      } catch (err) {
        throw new ConfigError(`${file} is not a readable gzip file (${(err as Error).message}); give a valid gzip-compressed layer tar`);
      }
      return `sha256:${hash.digest('hex')}`;
    }
    case 'zstd': {
      const r = await execCapture('bash', ['-c', 'set -o pipefail; zstd -dcq --long=31 -- "$1" | sha256sum', 'bash', file]);
      const hex = /^([0-9a-f]{64}) /.exec(r.stdout)?.[1];
      if (r.code !== 0 || !hex) {
        throw new ConfigError(`${file} could not be decompressed with zstd (${r.stderr.trim() || `exit ${r.code}`}); give a valid zstd-compressed layer tar (and make sure zstd is installed)`);
      }
      return `sha256:${hex}`;
    }
    default:
      throw new ConfigError(`${file} is ${compression}-compressed, which no OCI layer media type allows; recompress it with gzip or zstd (layerFromArchive does)`);
  }
}
