import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';

/**
 * The OCI image layout, as pure functions: config, manifest, index and `oci-layout`
 * documents built from plain values, their bytes and their digests. Nothing here touches
 * the disk, so every rule (media types, names, digests) is checked by table tests.
 * Spec: github.com/opencontainers/image-spec (image-layout.md, manifest.md, config.md).
 */

export const MEDIA_TYPE = {
  config: 'application/vnd.oci.image.config.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

/** The compressions an OCI layer may have; xz and bzip2 have no OCI media type. */
export type LayerCompression = 'none' | 'gzip' | 'zstd';

/** The annotation that names a manifest in index.json: `oci:DIR:NAME` finds it by this. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** The whole content of the `oci-layout` file. */
export const OCI_LAYOUT = { imageLayoutVersion: '1.0.0' } as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export function layerMediaType(compression: LayerCompression): string {
  switch (compression) {
    case 'none':
      return MEDIA_TYPE.layerTar;
    case 'gzip':
      return MEDIA_TYPE.layerGzip;
    case 'zstd':
      return MEDIA_TYPE.layerZstd;
  }
}

/** The compression a layer media type says, or a ConfigError for anything not a layer type we write. */
export function layerCompressionOf(mediaType: string): LayerCompression {
  switch (mediaType) {
    case MEDIA_TYPE.layerTar:
      return 'none';
    case MEDIA_TYPE.layerGzip:
      return 'gzip';
    case MEDIA_TYPE.layerZstd:
      return 'zstd';
  }
  throw new ConfigError(
    `"${mediaType}" is not an OCI layer media type this export writes; use ${MEDIA_TYPE.layerTar}, ${MEDIA_TYPE.layerGzip} or ${MEDIA_TYPE.layerZstd} (or give the layer's compression instead)`,
  );
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Throws a ConfigError unless `digest` is `sha256:` and 64 lower-case hex digits. */
export function checkDigest(digest: string, what: string): string {
  if (!DIGEST.test(digest)) {
    throw new ConfigError(`${what} "${digest}" is not a sha256 digest; write it as "sha256:" followed by 64 lower-case hex digits, or leave it out to have it computed`);
  }
  return digest;
}

// image-spec annotations.md, org.opencontainers.image.ref.name:
//   ref := component ("/" component)*; component := alphanum (separator alphanum)*;
//   alphanum := [A-Za-z0-9]+; separator := [-._:@+] | "--"
// (containers/image checks `oci:DIR:NAME` names with the same grammar).
const REF_NAME = /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;

/** Throws a ConfigError unless `tag` is a valid OCI ref.name (e.g. `latest`, `app:1.0`, `org/app:v2`). */
export function checkRefName(tag: string): string {
  if (!REF_NAME.test(tag)) {
    throw new ConfigError(
      `image tag "${tag}" is not a valid OCI reference name; use letters and digits separated by one of - . _ : @ + (or "--"), with "/" between components, e.g. "latest" or "myapp:1.0"`,
    );
  }
  return tag;
}

/** Node's process.arch (and, for ppc64, the byte order) -> OCI/Go architecture and variant. */
export function ociPlatform(nodeArch: string, endianness: 'BE' | 'LE' = 'LE', armVersion?: string): { architecture: string; variant?: string } {
  switch (nodeArch) {
    case 'x64':
      return { architecture: 'amd64' };
    case 'arm64':
      return { architecture: 'arm64', variant: 'v8' };
    case 'arm':
      return armVersion ? { architecture: 'arm', variant: `v${armVersion}` } : { architecture: 'arm' };
    case 'ia32':
      return { architecture: '386' };
    case 'ppc64':
      return { architecture: endianness === 'LE' ? 'ppc64le' : 'ppc64' };
    case 's390x':
    case 'riscv64':
    case 'loong64':
    case 'mips64':
      return { architecture: nodeArch };
    case 'mips':
      return { architecture: endianness === 'LE' ? 'mipsle' : 'mips' };
    case 'mipsel':
      return { architecture: 'mipsle' };
  }
  throw new ConfigError(`no OCI architecture is known for Node's process.arch "${nodeArch}"; give the image's architecture explicitly`);
}

/** What the image runs with; the subset of the OCI config's `config` that a build sandbox sets. */
export interface ImageRunConfig {
  /** NAME=value strings, or a map (written sorted by name). */
  env?: readonly string[] | Readonly<Record<string, string>>;
  workdir?: string;
  /** user, uid, user:group or uid:gid. */
  user?: string;
  cmd?: readonly string[];
  entrypoint?: readonly string[];
  labels?: Readonly<Record<string, string>>;
}

export interface ConfigInput {
  run: ImageRunConfig;
  /** sha256 digests of the UNcompressed layer tars, bottom first. */
  diffIds: readonly string[];
  /** One line per layer saying what made it, bottom first (same length as diffIds, or absent). */
  history?: readonly string[];
  /** RFC 3339 time; left out when absent (reproducible digests). */
  created?: string;
  platform: { architecture: string; variant?: string };
}

function envList(env: ImageRunConfig['env']): string[] | undefined {
  if (env === undefined) return undefined;
  const list = Array.isArray(env)
    ? [...(env as readonly string[])]
    : Object.keys(env)
        .sort()
        .map((k) => `${k}=${(env as Record<string, string>)[k]}`);
  for (const e of list) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new ConfigError(`environment entry "${e}" has no NAME=; write each one as NAME=value`);
  }
  return list;
}

/** The OCI image config document (application/vnd.oci.image.config.v1+json). Pure. */
export function buildImageConfig(input: ConfigInput): Record<string, unknown> {
  input.diffIds.forEach((d, i) => checkDigest(d, `layer ${i + 1}'s diff ID`));
  if (input.history && input.history.length !== input.diffIds.length) {
    throw new ConfigError(`history has ${input.history.length} entries for ${input.diffIds.length} layers; give one per layer or none`);
  }
  const { run } = input;
  if (run.workdir !== undefined && !run.workdir.startsWith('/')) {
    throw new ConfigError(`working directory "${run.workdir}" is not absolute; write it as a path from the image's root, e.g. /build`);
  }
  const config: Record<string, unknown> = {};
  const env = envList(run.env);
  if (env) config.Env = env;
  if (run.entrypoint) config.Entrypoint = [...run.entrypoint];
  if (run.cmd) config.Cmd = [...run.cmd];
  if (run.workdir !== undefined) config.WorkingDir = run.workdir;
  if (run.user !== undefined && run.user !== '') config.User = run.user;
  if (run.labels) config.Labels = { ...run.labels };
  const doc: Record<string, unknown> = {};
  if (input.created !== undefined) doc.created = input.created;
  doc.architecture = input.platform.architecture;
  if (input.platform.variant) doc.variant = input.platform.variant;
  doc.os = 'linux';
  doc.config = config;
  doc.rootfs = { type: 'layers', diff_ids: [...input.diffIds] };
  if (input.history) {
    doc.history = input.history.map((h) => (input.created !== undefined ? { created: input.created, created_by: h } : { created_by: h }));
  }
  return doc;
}

function checkDescriptor(d: Descriptor, what: string): Descriptor {
  checkDigest(d.digest, `${what} digest`);
  if (!Number.isSafeInteger(d.size) || d.size < 0) throw new ConfigError(`${what} size ${d.size} is not a byte count; give a whole number of bytes`);
  return d;
}

/** The image manifest (application/vnd.oci.image.manifest.v1+json). Pure. */
export function buildManifest(config: Descriptor, layers: readonly Descriptor[]): Record<string, unknown> {
  checkDescriptor(config, 'config');
  layers.forEach((l, i) => {
    checkDescriptor(l, `layer ${i + 1}`);
    layerCompressionOf(l.mediaType);
  });
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.manifest,
    config: { mediaType: MEDIA_TYPE.config, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
}

/** index.json: the one manifest, named by `tag` when given. Pure. */
export function buildIndex(manifest: Descriptor, tag?: string): Record<string, unknown> {
  checkDescriptor(manifest, 'manifest');
  const entry: Record<string, unknown> = { mediaType: MEDIA_TYPE.manifest, digest: manifest.digest, size: manifest.size };
  if (tag !== undefined) entry.annotations = { [REF_NAME_ANNOTATION]: checkRefName(tag) };
  return { schemaVersion: 2, mediaType: MEDIA_TYPE.index, manifests: [entry] };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * Canonical bytes of a JSON document: keys sorted, no whitespace. The digest names these
 * exact bytes, so the same inputs always give the same image digest.
 */
export function canonicalJson(doc: unknown): Buffer {
  return Buffer.from(JSON.stringify(sortKeys(doc)), 'utf8');
}

/** `sha256:` + hex of the bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A document's bytes and the descriptor that names them. */
export function jsonBlob(doc: unknown, mediaType: string): { bytes: Buffer; descriptor: Descriptor } {
  const bytes = canonicalJson(doc);
  return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length } };
}

/** Where a blob lives inside the layout: blobs/sha256/HEX. */
export function blobPath(digest: string): string {
  checkDigest(digest, 'blob');
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}
