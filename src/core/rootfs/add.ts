import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { execCapture } from '../exec.js';
import { download, formatProgress } from './download.js';
import { extractArchive } from './extract.js';
import { RootfsError } from './errors.js';
import { RootStore, sha256File, validDigest, type RootEntry } from './store.js';

export interface AddRootOptions {
  /** Expected sha256 of the archive: a mismatch is an error; a known one skips the download. */
  sha256?: string;
  /** Progress and notes for people, one line each. */
  log?: (line: string) => void;
  /**
   * Every chunk of a download, for a display of its own (a terminal's redrawn bar); when
   * given, the download's progress is not also logged once a second.
   */
  onProgress?: (p: { received: number; total?: number }) => void;
}

export interface AddRootResult {
  entry: RootEntry;
  /** The archive's sha256 (to pin with --sha256), for archive sources. */
  sha256?: string;
  downloaded: boolean;
  extracted: boolean;
}

/** What SOURCE is: a URL, an archive file, or a directory. Pure but for the stat. */
export function classifySource(source: string): 'url' | 'file' | 'directory' {
  if (/^https?:\/\//i.test(source)) return 'url';
  let st;
  try {
    st = statSync(source);
  } catch {
    throw new ConfigError(`rootfs source '${source}' is not an http(s):// URL and does not exist as a file or directory`);
  }
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  throw new ConfigError(`rootfs source '${source}' is neither a regular file nor a directory`);
}

/**
 * `rootfs add NAME SOURCE`: gets the root into the store (once per archive digest) and
 * points root-NAME at it. Sources as in actions/setup-node's distributions: each says
 * where the bytes come from; the store does find -> fetch -> verify -> extract -> record.
 */
export async function addRoot(store: RootStore, name: string, source: string, options: AddRootOptions = {}): Promise<AddRootResult> {
  store.checkName(name);
  const log = options.log ?? (() => undefined);
  const want = options.sha256?.toLowerCase();
  if (want !== undefined && !validDigest(want)) throw new ConfigError(`--sha256 '${options.sha256}' is not 64 hex digits`);
  const kind = classifySource(source);

  if (kind === 'directory') {
    const real = realpathSync(source);
    const id = `dir-${randomBytes(8).toString('hex')}`;
    await store.ensureRoot(id, real, async (tmp) => {
      mkdirSync(tmp);
      // cp --reflink=auto: a copy that costs no space where the filesystem can share extents.
      const r = await execCapture('cp', ['-a', '--reflink=auto', '--', `${real}/.`, `${tmp}/`]);
      if (r.code !== 0) throw new RootfsError(`cannot copy ${real} into the store: ${r.stderr.trim()}`);
    });
    store.link(name, id);
    return { entry: entryOf(store, name), downloaded: false, extracted: false };
  }

  let archive: string;
  let digest: string;
  let downloaded = false;
  if (kind === 'url') {
    if (want && store.hasRoot(want)) {
      log(`root ${want} is in the store already; not downloading ${source}`);
      store.link(name, want);
      return { entry: entryOf(store, name), sha256: want, downloaded: false, extracted: false };
    }
    // Without a pin, a URL downloaded before is asked "changed since?" (ETag/Last-Modified).
    const known = want ? undefined : store.urlRecord(source);
    const validators = known && (known.etag || known.lastModified) ? { etag: known.etag, lastModified: known.lastModified } : undefined;
    if (want && existsSync(store.archivePath(want))) {
      archive = store.archivePath(want);
      digest = want;
    } else {
      mkdirSync(store.archivesDir, { recursive: true });
      const tmp = path.join(store.archivesDir, `.download-${randomBytes(6).toString('hex')}`);
      let last = 0;
      const result = await download(source, tmp, {
        sha256: want,
        validators,
        onProgress: options.onProgress ?? ((p) => {
          const now = Date.now();
          if (now - last >= 1000 || (p.total !== undefined && p.received === p.total)) {
            last = now;
            log(`downloading ${source}: ${formatProgress(p.received, p.total)}`);
          }
        }),
      });
      if (result.notModified && known) {
        log(`${source} has not changed since it was downloaded (${known.fetchedAt}); using root ${known.sha256} (pin it with --sha256 ${known.sha256})`);
        store.link(name, known.sha256);
        return { entry: entryOf(store, name), sha256: known.sha256, downloaded: false, extracted: false };
      }
      digest = result.sha256;
      archive = store.archivePath(digest);
      renameSync(tmp, archive);
      downloaded = true;
      store.recordUrl({ url: source, sha256: digest, ...result.validators, fetchedAt: new Date().toISOString() });
    }
  } else {
    archive = path.resolve(source);
    digest = await sha256File(archive);
    if (want && want !== digest) {
      throw new RootfsError(`sha256 mismatch for ${archive}: expected ${want}, got ${digest}; check --sha256 or the file`);
    }
  }
  if (!want) log(`sha256 of ${source}: ${digest} (pin it with --sha256 ${digest})`);

  let extracted = false;
  await store.ensureRoot(digest, source, async (tmp) => {
    log(`extracting ${path.basename(archive)} into the store`);
    await extractArchive(archive, tmp, { log });
    extracted = true;
  }, () => log(`another process is adding root ${digest}; waiting for it`));
  store.link(name, digest);
  return { entry: entryOf(store, name), sha256: digest, downloaded, extracted };
}

function entryOf(store: RootStore, name: string): RootEntry {
  const e = store.list().find((r) => r.name === name);
  if (!e) throw new RootfsError(`root-${name} vanished while it was being added`);
  return e;
}
