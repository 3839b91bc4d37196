import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { execCapture } from '../exec.js';
import { decompressorCommand } from '../rootfs/compression.js';
import { sniffCompression } from './oci-digest.js';
import type { LayerCompression } from './oci-spec.js';

/**
 * The base of an image as an OCI layer. A root filesystem tarball compressed with gzip or
 * zstd (or not at all) already is one; an xz or bzip2 one is not (OCI has no media type
 * for them) and is recompressed here; a root that exists only as a directory is packed.
 */

/** The command line that compresses stdin to stdout. -n: no name or time in the gzip header, so the same tar gives the same blob. */
function compressorShell(compression: LayerCompression): string {
  switch (compression) {
    case 'gzip':
      return 'gzip -n -6';
    case 'zstd':
      return 'zstd -q -T0 -3';
    case 'none':
      return 'cat';
  }
}

function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${randomBytes(6).toString('hex')}`);
}

/** Runs a bash pipeline that writes `out` through a temp name; the rename makes it appear whole or not at all. */
async function writeThrough(out: string, script: string, args: string[], what: string): Promise<void> {
  const tmp = tempBeside(out);
  try {
    const r = await execCapture('bash', ['-c', `set -o pipefail; ${script}`, 'bash', tmp, ...args]);
    if (r.code !== 0) throw new ConfigError(`${what} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Packs a root filesystem directory as a layer tar: numeric owners (the image's users are
 * not the host's), file capabilities kept (ping needs cap_net_raw), names sorted so the
 * same tree gives the same tar, never crossing into another file system mounted inside.
 * zstd by default: podman 4.3 and skopeo 1.9 (Debian 12, the oldest we meet) read it, and
 * it packs the Debian root ~5x faster than gzip; give 'gzip' for Docker < 23.
 */
export async function rootLayerFromDirectory(dir: string, outFile: string, options: { compression?: LayerCompression } = {}): Promise<{ file: string; compression: LayerCompression }> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new ConfigError(`root directory ${dir} does not exist or is not a directory; give the path of a root filesystem`);
  const compression = options.compression ?? 'zstd';
  await writeThrough(
    outFile,
    `tar --create --file - --directory "$2" --numeric-owner --xattrs --xattrs-include=security.capability --sort=name --one-file-system --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime . | ${compressorShell(compression)} > "$1"`,
    [dir],
    `packing ${dir} as a layer`,
  );
  return { file: outFile, compression };
}

/**
 * Rewrites any tar archive (gzip, xz, zstd, bzip2 or plain) as a layer with `compression`:
 * the way to turn an xz root tarball into something an OCI image can hold.
 */
export async function layerFromArchive(archive: string, outFile: string, options: { compression?: LayerCompression } = {}): Promise<{ file: string; compression: LayerCompression }> {
  const st = await stat(archive).catch(() => undefined);
  if (!st?.isFile()) throw new ConfigError(`archive ${archive} does not exist or is not a file; give the path of a root filesystem tarball`);
  const compression = options.compression ?? 'zstd';
  const from = decompressorCommand(await sniffCompression(archive));
  // The arguments are fixed words from decompressorCommand: safe to join into the script.
  const decompress = from ? [from.file, ...from.args].join(' ') : 'cat';
  await writeThrough(outFile, `${decompress} < "$2" | ${compressorShell(compression)} > "$1"`, [archive], `recompressing ${archive} as a ${compression} layer`);
  return { file: outFile, compression };
}
