import { ConfigError } from '../errors.js';
import type { LayerCompression } from './oci-spec.js';

// How a saved layer is compressed: zstd is the default, as `zstd -T0 -3` packs faster than
// gzip by several times and OCI runtimes (podman, containerd) read `tar+zstd` layers; gzip
// is there for consumers that do not (older Docker). The type and the media types are the
// OCI spec's (oci-spec.ts).
export type { LayerCompression } from './oci-spec.js';
export { layerMediaType } from './oci-spec.js';

export const LAYER_COMPRESSIONS: readonly LayerCompression[] = ['zstd', 'gzip', 'none'];

/** A user's word for a compression; ConfigError saying the choices otherwise. */
export function parseLayerCompression(value: string): LayerCompression {
  const v = value.trim().toLowerCase();
  if (v === 'zst') return 'zstd';
  if (v === 'gz') return 'gzip';
  if (v === 'uncompressed') return 'none';
  if ((LAYER_COMPRESSIONS as readonly string[]).includes(v)) return v as LayerCompression;
  throw new ConfigError(`unknown layer compression '${value}': use one of ${LAYER_COMPRESSIONS.join(', ')}`);
}

/**
 * The command that compresses stdin to stdout; none for an uncompressed layer. zstd with
 * all cores (-T0) at level 3 (its default, the speed/size point `tar | zstd` users pick);
 * gzip at its default level 6 with -n so that no name or time stamp is stored (the same
 * tar gives the same bytes).
 */
export function compressorCommand(c: LayerCompression): { file: string; args: string[] } | undefined {
  switch (c) {
    case 'zstd':
      return { file: 'zstd', args: ['-T0', '-3', '-q', '-c'] };
    case 'gzip':
      return { file: 'gzip', args: ['-6', '-n', '-c'] };
    case 'none':
      return undefined;
  }
}
