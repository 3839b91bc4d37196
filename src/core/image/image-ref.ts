import { ConfigError } from '../errors.js';

/**
 * How a user names an image: `NAME[:TAG]` (TAG defaults to latest), or by digest,
 * `sha256:HEX` in full or a prefix of at least 12 hex digits (as `image ls` shows them).
 */
export type ImageRef = { kind: 'name'; name: string; tag: string } | { kind: 'digest'; hex: string; prefix: boolean };

export const DEFAULT_TAG = 'latest';

const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** `img`, `img:v2`, `sha256:abc...`, `abcdef012345` -> ImageRef. Pure; ConfigError says what is wrong. */
export function parseImageRef(text: string): ImageRef {
  const t = text.trim();
  if (t === '') throw new ConfigError('no image given: name one as NAME[:TAG] or by its digest (see image ls)');
  const digest = /^sha256:([0-9a-f]*)$/.exec(t);
  if (digest) {
    const hex = digest[1];
    if (hex.length === 64) return { kind: 'digest', hex, prefix: false };
    if (hex.length >= 12) return { kind: 'digest', hex, prefix: true };
    throw new ConfigError(`image digest '${t}' is too short: give sha256: and at least 12 hex digits (see image ls)`);
  }
  if (t.startsWith('sha256:')) throw new ConfigError(`image digest '${t}' is not sha256: and lower-case hex digits (see image ls)`);
  if (/^[0-9a-f]{12,64}$/.test(t) && !t.includes(':')) return { kind: 'digest', hex: t, prefix: t.length < 64 };
  const colon = t.indexOf(':');
  const name = colon < 0 ? t : t.slice(0, colon);
  const tag = colon < 0 ? DEFAULT_TAG : t.slice(colon + 1);
  if (!NAME.test(name)) {
    throw new ConfigError(`image name '${name}' is not valid: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (NAME[:TAG])`);
  }
  if (!TAG.test(tag)) throw new ConfigError(`image tag '${tag}' is not valid: use letters, digits, '.', '_' and '-' (NAME[:TAG])`);
  return { kind: 'name', name, tag };
}

/** A name ref as it is stored and shown: `NAME:TAG`. Pure. */
export function formatImageName(ref: { name: string; tag: string }): string {
  return `${ref.name}:${ref.tag}`;
}

/** A name for `--as`: digests are not names. Pure; ConfigError otherwise. */
export function parseImageName(text: string): { name: string; tag: string } {
  const r = parseImageRef(text);
  if (r.kind !== 'name') throw new ConfigError(`'${text}' is a digest, not an image name: give NAME[:TAG]`);
  return { name: r.name, tag: r.tag };
}
