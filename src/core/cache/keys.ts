import { ConfigError } from '../errors.js';

/** Every key micro-container writes starts with this, so its entries are easy to find and delete. */
export const CACHE_KEY_PREFIX = 'micro-container-';

/**
 * Root archives and images live in separate key spaces. Both are saved with the same cache
 * version (see archive-cache.ts), so without this a user's restore key such as `m` or
 * `micro-container-root` would prefix-match a root archive and load it as an image.
 */
const ROOT_PREFIX = `${CACHE_KEY_PREFIX}root-`;
export const IMAGE_KEY_PREFIX = `${CACHE_KEY_PREFIX}image-`;

/** The most keys one restore may try (primary + restore keys), as @actions/cache allows. */
export const MAX_RESTORE_KEYS = 10;

/** The longest key @actions/cache accepts. */
export const MAX_KEY_LENGTH = 512;

/**
 * The key for a root filesystem archive, named by its sha256: the content is the identity,
 * so an exact hit is the right archive and nothing else is (a root has no "close enough").
 */
export function rootCacheKey(sha256: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(sha256)) throw new ConfigError(`not a sha256 digest (64 hex digits): '${sha256}'`);
  return `${ROOT_PREFIX}${sha256.toLowerCase()}`;
}

/**
 * The cache key for the user's `image-cache-key`. Surrounding white space is dropped (a YAML
 * block scalar leaves a newline); what remains must be a key @actions/cache takes once our
 * prefix is added. Throws ConfigError naming the input and what to change.
 */
export function imageCacheKey(userKey: string, input = 'image-cache-key'): string {
  const key = userKey.trim();
  const problem = userKeyProblem(key);
  if (problem) throw new ConfigError(`${input}: ${problem}`);
  return `${IMAGE_KEY_PREFIX}${key}`;
}

/**
 * The cache keys for the user's `image-restore-keys`: one prefix per line (the multiline
 * input as written, or already split), blank lines ignored, in order. With the primary key
 * they make at most MAX_RESTORE_KEYS keys. Throws ConfigError naming the bad line.
 */
export function imageRestoreKeys(lines: string | readonly string[], input = 'image-restore-keys'): string[] {
  const list = (typeof lines === 'string' ? lines.split(/\r?\n/) : lines).map((l) => l.trim()).filter((l) => l !== '');
  if (list.length > MAX_RESTORE_KEYS - 1) {
    throw new ConfigError(`${input}: at most ${MAX_RESTORE_KEYS - 1} restore keys (the cache service tries ${MAX_RESTORE_KEYS} keys with the primary one), not ${list.length}: drop some lines`);
  }
  return list.map((line, i) => {
    const problem = userKeyProblem(line);
    if (problem) throw new ConfigError(`${input}, line ${i + 1}: ${problem}`);
    return `${IMAGE_KEY_PREFIX}${line}`;
  });
}

/** The user's key inside an image cache key (what outputs show), or undefined when it is not one. */
export function userImageKey(cacheKey: string): string | undefined {
  return cacheKey.startsWith(IMAGE_KEY_PREFIX) ? cacheKey.slice(IMAGE_KEY_PREFIX.length) : undefined;
}

function userKeyProblem(key: string): string | undefined {
  if (key === '') return 'a cache key cannot be empty: give a name such as build-${{ hashFiles(\'**/lockfile\') }}';
  const room = MAX_KEY_LENGTH - IMAGE_KEY_PREFIX.length;
  if (key.length > room) return `a cache key has at most ${room} characters here (${MAX_KEY_LENGTH} with the '${IMAGE_KEY_PREFIX}' prefix), this one has ${key.length}: shorten it, e.g. hash the long part`;
  if (key.includes(',')) return `a cache key cannot contain commas (the cache service separates keys with them): '${key}'`;
  return undefined;
}

/**
 * Why @actions/cache would refuse this key, or undefined when it takes it. Its own check
 * throws a ValidationError (at most 512 characters, no commas: v1 joins keys with commas);
 * an empty key is refused by the services.
 */
export function checkCacheKey(key: string): string | undefined {
  if (key === '') return 'a cache key cannot be empty';
  if (key.length > MAX_KEY_LENGTH) return `a cache key has at most ${MAX_KEY_LENGTH} characters, this one has ${key.length}`;
  if (key.includes(',')) return `a cache key cannot contain commas: '${key}'`;
  return undefined;
}

/** Why a restore with these keys would be refused, or undefined. */
export function checkRestoreKeys(primaryKey: string, restoreKeys: readonly string[]): string | undefined {
  const keys = [primaryKey, ...restoreKeys];
  if (keys.length > MAX_RESTORE_KEYS) return `at most ${MAX_RESTORE_KEYS} keys per restore (primary and restore keys), not ${keys.length}`;
  for (const key of keys) {
    const problem = checkCacheKey(key);
    if (problem) return problem;
  }
  return undefined;
}
