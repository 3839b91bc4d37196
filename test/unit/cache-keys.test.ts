import { describe, expect, it } from 'vitest';
import { cacheAvailable, cacheMode, isGhes } from '../../src/core/cache/availability.js';
import { CACHE_KEY_PREFIX, checkCacheKey, checkRestoreKeys, imageCacheKey, imageRestoreKeys, rootCacheKey, userImageKey } from '../../src/core/cache/keys.js';
import { ConfigError } from '../../src/core/errors.js';

const SHA = 'a'.repeat(62) + '0f';

describe('rootCacheKey', () => {
  it.each([
    [SHA, `micro-container-root-${SHA}`],
    ['0123456789abcdef'.repeat(4), `micro-container-root-${'0123456789abcdef'.repeat(4)}`],
    // Upper-case hex names the same archive: one key for it.
    ['0123456789ABCDEF'.repeat(4), `micro-container-root-${'0123456789abcdef'.repeat(4)}`],
  ])('%s -> %s', (sha, key) => {
    expect(rootCacheKey(sha)).toBe(key);
    expect(key.startsWith(CACHE_KEY_PREFIX)).toBe(true);
    expect(checkCacheKey(key)).toBeUndefined();
  });

  it.each(['', 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), `${'a'.repeat(63)} `, 'sha256:' + SHA, `${SHA.slice(0, 63)},`])('refuses %j', (sha) => {
    expect(() => rootCacheKey(sha)).toThrow(ConfigError);
  });
});

describe('imageCacheKey: the user\'s image-cache-key, in the image key space', () => {
  const P = 'micro-container-image-';
  it.each([
    ['build-1', `${P}build-1`],
    // A YAML block scalar leaves a newline; spaces inside are kept.
    ['  linux x64 deps-abc\n', `${P}linux x64 deps-abc`],
    ['x'.repeat(490), `${P}${'x'.repeat(490)}`],
  ])('%j -> %j', (user, key) => {
    expect(imageCacheKey(user)).toBe(key);
    expect(checkCacheKey(key)).toBeUndefined();
    expect(userImageKey(key)).toBe(user.trim());
  });

  it.each([
    ['', 'image-cache-key: a cache key cannot be empty'],
    [' \n ', 'image-cache-key: a cache key cannot be empty'],
    ['x'.repeat(491), 'image-cache-key: a cache key has at most 490 characters here (512 with the \'micro-container-image-\' prefix), this one has 491'],
    ['a,b', "image-cache-key: a cache key cannot contain commas (the cache service separates keys with them): 'a,b'"],
  ])('refuses %j with a ConfigError saying what to fix', (user, message) => {
    expect(() => imageCacheKey(user)).toThrow(ConfigError);
    expect(() => imageCacheKey(user)).toThrow(message);
  });

  it('names the input it was given', () => {
    expect(() => imageCacheKey('', 'INPUT_X')).toThrow(/^INPUT_X: /);
  });
});

describe('imageRestoreKeys: image-restore-keys, one prefix per line', () => {
  const P = 'micro-container-image-';
  it.each([
    ['', []],
    ['build-', [`${P}build-`]],
    ['build-linux-\n\n  build-\r\n', [`${P}build-linux-`, `${P}build-`]],
    [['a', ' ', 'b '], [`${P}a`, `${P}b`]],
    [Array.from({ length: 9 }, (_, i) => `k${i}`).join('\n'), Array.from({ length: 9 }, (_, i) => `${P}k${i}`)],
  ] as Array<[string | string[], string[]]>)('%j -> %j', (input, keys) => {
    expect(imageRestoreKeys(input)).toEqual(keys);
    expect(checkRestoreKeys(imageCacheKey('primary'), keys)).toBeUndefined();
  });

  it.each([
    [Array.from({ length: 10 }, (_, i) => `k${i}`).join('\n'), 'image-restore-keys: at most 9 restore keys (the cache service tries 10 keys with the primary one), not 10: drop some lines'],
    ['ok\nnot,ok', "image-restore-keys, line 2: a cache key cannot contain commas (the cache service separates keys with them): 'not,ok'"],
    [['a', 'x'.repeat(491)], 'image-restore-keys, line 2: a cache key has at most 490 characters here'],
  ] as Array<[string | string[], string]>)('refuses %j', (input, message) => {
    expect(() => imageRestoreKeys(input)).toThrow(ConfigError);
    expect(() => imageRestoreKeys(input)).toThrow(message);
  });
});

describe('userImageKey', () => {
  it.each([
    ['micro-container-image-build-1', 'build-1'],
    ['micro-container-image-', ''],
    [`micro-container-root-${SHA}`, undefined],
    ['build-1', undefined],
  ])('%j -> %j', (key, user) => {
    expect(userImageKey(key)).toBe(user);
  });
});

describe('checkCacheKey: what @actions/cache would refuse', () => {
  it.each([
    ['k', undefined],
    ['micro-container-root-x', undefined],
    ['with space and ünïcode', undefined],
    ['x'.repeat(512), undefined],
    ['x'.repeat(513), 'a cache key has at most 512 characters, this one has 513'],
    ['a,b', "a cache key cannot contain commas: 'a,b'"],
    ['', 'a cache key cannot be empty'],
  ])('%j -> %j', (key, problem) => {
    expect(checkCacheKey(key)).toBe(problem);
  });
});

describe('checkRestoreKeys', () => {
  const nine = Array.from({ length: 9 }, (_, i) => `k${i}`);
  it.each([
    ['p', [], undefined],
    ['p', nine, undefined],
    ['p', [...nine, 'k9'], 'at most 10 keys per restore (primary and restore keys), not 11'],
    ['p', ['ok', 'not,ok'], "a cache key cannot contain commas: 'not,ok'"],
    ['', ['ok'], 'a cache key cannot be empty'],
  ])('%j + %j -> %j', (primary, restore, problem) => {
    expect(checkRestoreKeys(primary, restore)).toBe(problem);
  });
});

describe('isGhes: GitHub Enterprise Server forces cache service v1', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['https://github.com', false],
    ['https://GitHub.com/', false],
    ['https://acme.ghe.com', false],
    ['http://runner.localhost:8080', false],
    // A test server put here would silently switch the client to v1.
    ['http://127.0.0.1:8080', true],
    ['https://github.acme.internal', true],
    ['https://notgithub.com', true],
  ])('%j -> %j', (url, ghes) => {
    expect(isGhes(url)).toBe(ghes);
  });
});

describe('cacheMode', () => {
  it.each([
    [undefined, true, true],
    ['', true, true],
    ['write', true, true],
    [' WRITE ', true, true],
    ['read', true, false],
    ['write-only', false, true],
    ['none', false, false],
    ['something-new', true, true],
  ])('%j -> read %j, write %j', (mode, read, write) => {
    expect(cacheMode(mode)).toEqual({ read, write });
  });
});

describe('cacheAvailable', () => {
  const token = { ACTIONS_RUNTIME_TOKEN: 't' };
  const v2 = { ...token, ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: 'https://results/' };
  const v1 = { ...token, ACTIONS_CACHE_URL: 'https://cache/' };
  it.each([
    ['a v2 runner', v2, { available: true, service: 'v2', url: 'https://results/', read: true, write: true }],
    ['a v1 runner', v1, { available: true, service: 'v1', url: 'https://cache/', read: true, write: true }],
    ['both URLs, no v2 flag', { ...v1, ACTIONS_RESULTS_URL: 'https://results/' }, { available: true, service: 'v1', url: 'https://cache/', read: true, write: true }],
    ['v2 flag on GHES', { ...v1, ...v2, GITHUB_SERVER_URL: 'https://ghes.acme' }, { available: true, service: 'v1', url: 'https://cache/', read: true, write: true }],
    ['read-only mode', { ...v2, ACTIONS_CACHE_MODE: 'read' }, { available: true, service: 'v2', url: 'https://results/', read: true, write: false }],
    ['an empty v2 flag is off', { ...v1, ACTIONS_CACHE_SERVICE_V2: '' }, { available: true, service: 'v1', url: 'https://cache/', read: true, write: true }],
  ])('%s', (_name, env, expected) => {
    expect(cacheAvailable(env)).toEqual(expected);
  });

  it.each([
    ['outside Actions', {}, 'ACTIONS_CACHE_URL (cache service v1) is not set'],
    ['v2 without its URL', { ...v1, ACTIONS_CACHE_SERVICE_V2: '1' }, 'ACTIONS_RESULTS_URL (cache service v2) is not set'],
    ['v1 on GHES with only the results URL', { ...v2, GITHUB_SERVER_URL: 'https://ghes.acme' }, 'ACTIONS_CACHE_URL (cache service v1) is not set'],
    ['no token', { ...v2, ACTIONS_RUNTIME_TOKEN: '' }, 'ACTIONS_RUNTIME_TOKEN is not set'],
    ['mode none', { ...v2, ACTIONS_CACHE_MODE: 'none' }, "cache-mode 'none' permits neither"],
    ['a server URL that is not a URL', { ...v2, GITHUB_SERVER_URL: 'github' }, "GITHUB_SERVER_URL is not a URL: 'github'"],
  ])('not %s', (_name, env, reason) => {
    const result = cacheAvailable(env);
    expect(result.available).toBe(false);
    expect(result.available ? '' : result.reason).toContain(reason);
  });
});
