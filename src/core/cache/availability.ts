/**
 * Whether the Actions cache can be used with this environment, decided the way
 * @actions/cache 6.3 decides it (internal/config.ts), so a caller can skip cleanly and say
 * why instead of collecting a warning from every call.
 */
export type CacheService = 'v1' | 'v2';

export type CacheAvailability =
  | { available: true; service: CacheService; url: string; read: boolean; write: boolean }
  | { available: false; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

export function cacheAvailable(env: Env): CacheAvailability {
  let ghes: boolean;
  try {
    ghes = isGhes(env['GITHUB_SERVER_URL']);
  } catch {
    // @actions/cache parses it outside its try block: it would throw from save and restore.
    return { available: false, reason: `GITHUB_SERVER_URL is not a URL: '${env['GITHUB_SERVER_URL']}'` };
  }
  const service: CacheService = !ghes && env['ACTIONS_CACHE_SERVICE_V2'] ? 'v2' : 'v1';
  const url = service === 'v2' ? env['ACTIONS_RESULTS_URL'] : env['ACTIONS_CACHE_URL'];
  if (!url) {
    const needed = service === 'v2' ? 'ACTIONS_RESULTS_URL (cache service v2)' : 'ACTIONS_CACHE_URL (cache service v1)';
    return { available: false, reason: `the Actions cache is not available: ${needed} is not set; it is set inside GitHub Actions jobs` };
  }
  if (!env['ACTIONS_RUNTIME_TOKEN']) {
    return { available: false, reason: 'the Actions cache is not available: ACTIONS_RUNTIME_TOKEN is not set' };
  }
  const { read, write } = cacheMode(env['ACTIONS_CACHE_MODE']);
  if (!read && !write) return { available: false, reason: `the effective cache-mode '${env['ACTIONS_CACHE_MODE']?.trim()}' permits neither reads nor writes` };
  return { available: true, service, url, read, write };
}

/**
 * GitHub Enterprise Server, where only v1 exists: any host but github.com, *.ghe.com and
 * *.localhost. A test server at http://127.0.0.1 in GITHUB_SERVER_URL therefore forces v1.
 */
export function isGhes(serverUrl: string | undefined): boolean {
  const host = new URL(serverUrl || 'https://github.com').hostname.trimEnd().toUpperCase();
  return !(host === 'GITHUB.COM' || host.endsWith('.GHE.COM') || host.endsWith('.LOCALHOST'));
}

/** The runner's ACTIONS_CACHE_MODE; unset or unknown modes allow everything, as today. */
export function cacheMode(mode: string | undefined): { read: boolean; write: boolean } {
  switch ((mode ?? '').trim().toLowerCase()) {
    case 'none':
      return { read: false, write: false };
    case 'read':
      return { read: true, write: false };
    case 'write-only':
      return { read: false, write: true };
    default:
      return { read: true, write: true };
  }
}
