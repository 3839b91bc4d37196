import { createHash } from 'node:crypto';
import { ImageError } from './errors.js';

/**
 * The image manifest: one layer (an OCI layer blob), the root it sits on, the image below
 * it when it is part of a chain, and the container settings worth keeping. Stored as
 * canonical JSON; its sha256 is the image's digest. Pure.
 */
export const IMAGE_MEDIA_TYPE = 'application/vnd.micro-container.image.v1+json';

export interface ImageLayer {
  /** `sha256:HEX` of the blob (compressed) file. */
  digest: string;
  /**
   * `sha256:HEX` of the uncompressed tar (the OCI diff_id), when it is known: a save does
   * not work it out for a compressed layer (it would cost a third of the save's time);
   * OCI export and image load do, from the blob.
   */
  diffId?: string;
  mediaType: string;
  size: number;
}

/**
 * The name of a layer's applied directory in the store (store/layers/KEY): its diff_id's
 * hex when the manifest has one (images loaded or made by older versions), else its blob
 * digest's. Pure.
 */
export function layerKey(layer: Pick<ImageLayer, 'digest' | 'diffId'>): string {
  return (layer.diffId ?? layer.digest).replace(/^sha256:/, '');
}

/**
 * The base root, by content: a store root made from an archive has the archive's sha256
 * as its id; one copied from a directory has a `dir-...` id (no content digest, so it can
 * only be found again in the library dir it was added to). `source` is where it came from
 * (URL, file or directory), so that a missing base can be fetched again.
 */
export interface ImageBase {
  /** The store root's id: the archive's hex sha256, or `dir-...`; absent for a plain directory. */
  id?: string;
  /** A root that is not in the store: the host directory (only usable on this host). */
  path?: string;
  source?: string;
  /** The root-NAME it was known by when saved, if any. */
  name?: string;
}

export interface ImageSettings {
  env?: Record<string, string>;
  workdir?: string;
  user?: string;
  /** Commands run at every start, in order. */
  startup?: string[];
}

export interface ImageManifest {
  schemaVersion: 1;
  mediaType: typeof IMAGE_MEDIA_TYPE;
  layer: ImageLayer;
  base: ImageBase;
  /** The image this layer sits on (`sha256:HEX`), for a chain; absent when it sits on the base. */
  parent?: string;
  created: string;
  /** The container it was saved from. */
  from?: string;
  /** Whether the layer holds a whole chain merged (image save --squash). */
  squashed?: boolean;
  settings: ImageSettings;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const ROOT_ID = /^([0-9a-f]{64}|dir-[0-9a-f]{8,64})$/;

export interface ManifestInput {
  layer: ImageLayer;
  base: ImageBase;
  parent?: string;
  created?: string;
  from?: string;
  squashed?: boolean;
  settings?: ImageSettings;
}

/** Builds and checks a manifest. Pure but for the default creation time. */
export function buildImageManifest(input: ManifestInput): ImageManifest {
  const m: ImageManifest = {
    schemaVersion: 1,
    mediaType: IMAGE_MEDIA_TYPE,
    layer: { digest: input.layer.digest, ...(input.layer.diffId ? { diffId: input.layer.diffId } : {}), mediaType: input.layer.mediaType, size: input.layer.size },
    base: dropUndefined({ id: input.base.id, path: input.base.path, source: input.base.source, name: input.base.name }),
    ...(input.parent !== undefined ? { parent: input.parent } : {}),
    created: input.created ?? new Date().toISOString(),
    ...(input.from !== undefined ? { from: input.from } : {}),
    ...(input.squashed ? { squashed: true } : {}),
    settings: cleanSettings(input.settings ?? {}),
  };
  return validateImageManifest(m, 'the new image manifest');
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function cleanSettings(s: ImageSettings): ImageSettings {
  const out: ImageSettings = {};
  if (s.env && Object.keys(s.env).length) out.env = { ...s.env };
  if (s.workdir) out.workdir = s.workdir;
  if (s.user) out.user = s.user;
  if (s.startup && s.startup.length) out.startup = [...s.startup];
  return out;
}

function fail(where: string, what: string): never {
  throw new ImageError(`${where} is not a valid micro-container image manifest: ${what}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks parsed JSON as a manifest; ImageError naming WHERE and the field otherwise. Pure. */
export function validateImageManifest(v: unknown, where: string): ImageManifest {
  if (!isObject(v)) fail(where, 'not a JSON object');
  if (v.schemaVersion !== 1) fail(where, `schemaVersion is ${JSON.stringify(v.schemaVersion)}, not 1 (made by a newer micro-container?)`);
  if (v.mediaType !== IMAGE_MEDIA_TYPE) fail(where, `mediaType is ${JSON.stringify(v.mediaType)}, not ${IMAGE_MEDIA_TYPE}`);
  const l = v.layer;
  if (!isObject(l)) fail(where, 'layer is missing');
  if (typeof l.digest !== 'string' || !DIGEST.test(l.digest)) fail(where, 'layer.digest is not sha256:<64 hex>');
  if (l.diffId !== undefined && (typeof l.diffId !== 'string' || !DIGEST.test(l.diffId))) fail(where, 'layer.diffId is not sha256:<64 hex>');
  if (typeof l.mediaType !== 'string' || !/^application\/vnd\.oci\.image\.layer\.v1\.tar(\+gzip|\+zstd)?$/.test(l.mediaType)) fail(where, 'layer.mediaType is not an OCI layer media type');
  if (typeof l.size !== 'number' || !Number.isSafeInteger(l.size) || l.size < 0) fail(where, 'layer.size is not a byte count');
  const b = v.base;
  if (!isObject(b)) fail(where, 'base is missing');
  if (b.id === undefined && b.path === undefined) fail(where, 'base has neither an id nor a path');
  if (b.id !== undefined && (typeof b.id !== 'string' || !ROOT_ID.test(b.id))) fail(where, 'base.id is not a root id (64 hex digits, or dir-...)');
  if (b.path !== undefined && (typeof b.path !== 'string' || !b.path.startsWith('/'))) fail(where, 'base.path is not an absolute path');
  for (const k of ['source', 'name'] as const) if (b[k] !== undefined && typeof b[k] !== 'string') fail(where, `base.${k} is not a string`);
  if (v.parent !== undefined && (typeof v.parent !== 'string' || !DIGEST.test(v.parent))) fail(where, 'parent is not sha256:<64 hex>');
  if (typeof v.created !== 'string' || Number.isNaN(Date.parse(v.created))) fail(where, 'created is not a date');
  if (v.from !== undefined && typeof v.from !== 'string') fail(where, 'from is not a string');
  if (v.squashed !== undefined && typeof v.squashed !== 'boolean') fail(where, 'squashed is not true or false');
  const s = v.settings;
  if (!isObject(s)) fail(where, 'settings is missing');
  if (s.env !== undefined && (!isObject(s.env) || Object.entries(s.env).some(([k, x]) => typeof x !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)))) {
    fail(where, 'settings.env is not a map of NAME to string');
  }
  if (s.workdir !== undefined && (typeof s.workdir !== 'string' || !s.workdir.startsWith('/'))) fail(where, 'settings.workdir is not an absolute path');
  if (s.user !== undefined && typeof s.user !== 'string') fail(where, 'settings.user is not a string');
  if (s.startup !== undefined && (!Array.isArray(s.startup) || s.startup.some((x) => typeof x !== 'string'))) fail(where, 'settings.startup is not a list of strings');
  return v as unknown as ImageManifest;
}

/** JSON with keys sorted at every level: one manifest, one digest. Pure. */
export function canonicalManifestJson(m: ImageManifest): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : isObject(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x;
  return `${JSON.stringify(sort(m))}\n`;
}

/** The manifest's bytes and its digest (`sha256:HEX`), the image's identity. Pure. */
export function encodeImageManifest(m: ImageManifest): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(canonicalManifestJson(m));
  return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

/** Parses manifest bytes; ImageError when they are not JSON or not a manifest. Pure. */
export function decodeImageManifest(bytes: Buffer | string, where: string): ImageManifest {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString());
  } catch (err) {
    throw new ImageError(`${where} is not JSON (${(err as Error).message}); the image is damaged: save or load it again`);
  }
  return validateImageManifest(v, where);
}
