import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { backoffDelay, download, proxyFor } from '../../src/core/rootfs/download.js';
import { formatBytes, formatProgress } from '../../src/core/rootfs/progress.js';

describe('proxyFor', () => {
  const P = 'http://proxy:3128/';
  const S = 'http://sproxy:3129/';
  const cases: Array<[string, NodeJS.ProcessEnv, string | undefined]> = [
    // which variable, by scheme
    ['http://example.com/a', {}, undefined],
    ['http://example.com/a', { HTTP_PROXY: P }, P],
    ['http://example.com/a', { http_proxy: P }, P],
    ['http://example.com/a', { HTTPS_PROXY: S }, undefined],
    ['https://example.com/a', { HTTPS_PROXY: S }, S],
    ['https://example.com/a', { https_proxy: S, HTTP_PROXY: P }, S],
    ['https://example.com/a', { HTTP_PROXY: P }, undefined],
    ['http://example.com/a', { http_proxy: P, HTTP_PROXY: S }, P], // lowercase wins, as in curl
    ['http://example.com/a', { http_proxy: '', HTTP_PROXY: P }, P], // empty is unset
    ['http://example.com/a', { HTTP_PROXY: '  ' }, undefined],
    ['http://example.com/a', { HTTP_PROXY: 'proxy:3128' }, P], // no scheme means http
    ['http://example.com/a', { HTTP_PROXY: 'https://user:pw@proxy:8443' }, 'https://user:pw@proxy:8443/'],
    // NO_PROXY: names
    ['http://example.com/a', { HTTP_PROXY: P, NO_PROXY: 'example.com' }, undefined],
    ['http://www.example.com/a', { HTTP_PROXY: P, NO_PROXY: 'example.com' }, undefined],
    ['http://notexample.com/a', { HTTP_PROXY: P, NO_PROXY: 'example.com' }, P],
    ['http://example.com/a', { HTTP_PROXY: P, NO_PROXY: '.example.com' }, undefined],
    ['http://a.b.example.com/a', { HTTP_PROXY: P, NO_PROXY: '.example.com' }, undefined],
    ['http://a.example.com/a', { HTTP_PROXY: P, NO_PROXY: '*.example.com' }, undefined],
    ['http://EXAMPLE.com./a', { HTTP_PROXY: P, NO_PROXY: 'Example.COM' }, undefined],
    ['http://example.org/a', { HTTP_PROXY: P, NO_PROXY: 'example.com, .internal ,other.net' }, P],
    ['http://x.internal/a', { HTTP_PROXY: P, NO_PROXY: 'example.com, .internal ,other.net' }, undefined],
    ['http://anything/a', { HTTP_PROXY: P, NO_PROXY: '*' }, undefined],
    ['https://anything/a', { HTTPS_PROXY: S, no_proxy: '*', NO_PROXY: '' }, undefined],
    ['http://example.com/a', { HTTP_PROXY: P, no_proxy: 'other.net', NO_PROXY: 'example.com' }, P], // lowercase wins
    ['http://localhost/a', { HTTP_PROXY: P, NO_PROXY: '127.0.0.1' }, P], // names are not resolved
    // NO_PROXY: ports
    ['http://example.com:8080/a', { HTTP_PROXY: P, NO_PROXY: 'example.com:8080' }, undefined],
    ['http://example.com/a', { HTTP_PROXY: P, NO_PROXY: 'example.com:8080' }, P],
    ['http://example.com/a', { HTTP_PROXY: P, NO_PROXY: 'example.com:80' }, undefined],
    ['https://example.com/a', { HTTPS_PROXY: S, NO_PROXY: 'example.com:443' }, undefined],
    // NO_PROXY: addresses and ranges
    ['http://127.0.0.1:8080/a', { HTTP_PROXY: P, NO_PROXY: '127.0.0.1' }, undefined],
    ['http://127.0.0.2/a', { HTTP_PROXY: P, NO_PROXY: '127.0.0.1' }, P],
    ['http://127.0.0.1:8080/a', { HTTP_PROXY: P, NO_PROXY: '127.0.0.1:9090' }, P],
    ['http://10.1.2.3/a', { HTTP_PROXY: P, NO_PROXY: '10.0.0.0/8' }, undefined],
    ['http://11.1.2.3/a', { HTTP_PROXY: P, NO_PROXY: '10.0.0.0/8' }, P],
    ['http://10.0.0.1/a', { HTTP_PROXY: P, NO_PROXY: '0.0.1' }, P], // an address is no subdomain
    ['http://[::1]:8080/a', { HTTP_PROXY: P, NO_PROXY: '::1' }, undefined],
    ['http://[::1]:8080/a', { HTTP_PROXY: P, NO_PROXY: '[::1]:8080' }, undefined],
    ['http://[::1]:8080/a', { HTTP_PROXY: P, NO_PROXY: '[::1]:9090' }, P],
    ['http://[0:0::1]/a', { HTTP_PROXY: P, NO_PROXY: '0:0:0:0:0:0:0:1' }, undefined],
    ['http://[fd00::5]/a', { HTTP_PROXY: P, NO_PROXY: 'fd00::/8' }, undefined],
    ['http://[fe80::5]/a', { HTTP_PROXY: P, NO_PROXY: 'fd00::/8' }, P],
  ];
  it.each(cases)('%s with %j -> %s', (url, env, want) => {
    expect(proxyFor(new URL(url), env)?.href).toBe(want);
  });

  it('rejects a proxy it cannot use, saying which variable', () => {
    expect(() => proxyFor(new URL('http://x/'), { HTTP_PROXY: 'socks5://proxy:1080' })).toThrow(ConfigError);
    expect(() => proxyFor(new URL('http://x/'), { HTTP_PROXY: 'socks5://proxy:1080' })).toThrow(/^HTTP_PROXY=socks5:\/\/proxy:1080: socks5 proxies are not supported/);
    expect(() => proxyFor(new URL('https://x/'), { https_proxy: 'http://[bad' })).toThrow(/^https_proxy=http:\/\/\[bad is not a proxy URL/);
  });
});

describe('backoffDelay', () => {
  it.each([
    [0, 500, 250, 500],
    [1, 500, 500, 1000],
    [2, 500, 1000, 2000],
    [3, 500, 2000, 4000],
    [10, 500, 15_000, 30_000], // capped at 30 s
    [100, 500, 15_000, 30_000],
    [0, 0, 0, 0],
    [2, 1, 2, 4],
  ])('attempt %i, base %i: between %i and %i', (attempt, base, low, high) => {
    expect(backoffDelay(attempt, base, () => 0)).toBe(low);
    expect(backoffDelay(attempt, base, () => 0.999999)).toBe(high);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(attempt, base);
      expect(d).toBeGreaterThanOrEqual(low);
      expect(d).toBeLessThanOrEqual(high);
    }
  });

  it('keeps to its bounds whatever the random source says', () => {
    expect(backoffDelay(1, 100, () => -5)).toBe(100);
    expect(backoffDelay(1, 100, () => 7)).toBe(200);
    expect(backoffDelay(-3, 100, () => 0)).toBe(50);
  });
});

describe('formatProgress', () => {
  it.each<[number, number | undefined, string]>([
    [0, undefined, '0 B'],
    [512, undefined, '512 B'],
    [1023, undefined, '1023 B'],
    [1024, undefined, '1.0 KiB'],
    [1536, undefined, '1.5 KiB'],
    [1024 * 1023.99, undefined, '1.0 MiB'],
    [12.3 * 1024 * 1024, undefined, '12.3 MiB'],
    [12.3 * 1024 * 1024, 45 * 1024 * 1024, '12.3 MiB / 45.0 MiB (27%)'],
    [45 * 1024 * 1024 - 1, 45 * 1024 * 1024, '45.0 MiB / 45.0 MiB (99%)'],
    [45 * 1024 * 1024, 45 * 1024 * 1024, '45.0 MiB / 45.0 MiB (100%)'],
    [3 * 1024 ** 3, 4 * 1024 ** 3, '3.0 GiB / 4.0 GiB (75%)'],
    [0, 0, '0 B / 0 B (100%)'],
    [100, 50, '100 B / 50 B (100%)'],
    [100, Number.NaN, '100 B'],
  ])('%d of %s -> %s', (received, total, want) => {
    expect(formatProgress(received, total)).toBe(want);
  });

  it('formats bytes on its own', () => {
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.0 TiB');
    expect(formatBytes(-1)).toBe('0 B');
  });
});

describe('download arguments', () => {
  it('refuses a digest that is not 64 hex digits, before any network', async () => {
    await expect(download('http://127.0.0.1:9/x', '/nonexistent/x', { sha256: 'abc' })).rejects.toThrow(ConfigError);
    await expect(download('http://127.0.0.1:9/x', '/nonexistent/x', { sha256: 'abc' })).rejects.toThrow(/^--sha256 abc is not a sha256 digest; /);
  });

  it('refuses what is not an http(s) URL', async () => {
    await expect(download('ftp://example.com/x.tar.gz', '/nonexistent/x')).rejects.toThrow(/^ftp:\/\/example\.com\/x\.tar\.gz: only http:\/\/ and https:\/\/ URLs can be downloaded$/);
    await expect(download('not a url', '/nonexistent/x')).rejects.toThrow(/^not a url is not a URL; /);
  });
});
