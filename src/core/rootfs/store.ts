import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { validName } from '../jail/spec.js';
import { withFileLock } from './lock.js';

/** A named root: ${libraryDir}/root-NAME, a link into the content-addressed store. */
export interface RootEntry {
  name: string;
  /** sha256 of the archive it came from, or `dir-...` for a copied directory. */
  id: string;
  /** The root's directory, what `-l` takes. */
  path: string;
  source: string;
  addedAt: string;
}

/** What the last download of a URL gave: its digest and the server's validators. */
export interface UrlRecord {
  url: string;
  sha256: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: string;
}

interface RootMeta {
  id: string;
  source: string;
  addedAt: string;
}

/** Hex sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function validDigest(hex: string): boolean {
  return /^[0-9a-f]{64}$/.test(hex);
}

/**
 * The content-addressed store under a library dir:
 *   store/archives/SHA256    archives as downloaded (kept: a re-add never downloads again)
 *   store/roots/ID/          extracted roots, complete (renamed into place when done)
 *   store/roots/ID.json      where each came from
 *   store/urls/H.json        the last download of each URL (H: sha256 of the URL): its
 *                            digest and validators, so that adding the same URL again
 *                            without --sha256 asks the server "changed?" instead of downloading
 *   root-NAME -> store/roots/ID
 */
export class RootStore {
  constructor(readonly libraryDir: string) {}

  get archivesDir(): string {
    return path.join(this.libraryDir, 'store', 'archives');
  }
  get rootsDir(): string {
    return path.join(this.libraryDir, 'store', 'roots');
  }
  rootDir(id: string): string {
    return path.join(this.rootsDir, id);
  }
  archivePath(digest: string): string {
    return path.join(this.archivesDir, digest);
  }
  namePath(name: string): string {
    return path.join(this.libraryDir, `root-${name}`);
  }
  lockPath(id: string): string {
    return path.join(this.libraryDir, 'store', 'locks', `${id}.lock`);
  }

  urlRecordPath(url: string): string {
    return path.join(this.libraryDir, 'store', 'urls', `${createHash('sha256').update(url).digest('hex')}.json`);
  }

  /** The last download of URL, when it is recorded and its archive's root is still in the store. */
  urlRecord(url: string): UrlRecord | undefined {
    try {
      const r = JSON.parse(readFileSync(this.urlRecordPath(url), 'utf8')) as UrlRecord;
      return r.url === url && validDigest(r.sha256) && this.hasRoot(r.sha256) ? r : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records a download of URL (atomically: a reader sees the old record or the new one). */
  recordUrl(record: UrlRecord): void {
    const file = this.urlRecordPath(record.url);
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
    renameSync(tmp, file);
  }

  checkName(name: string): void {
    if (!validName(name)) throw new ConfigError(`root name '${name}' is not valid: use letters, digits, '.', '_' and '-'`);
  }

  hasRoot(id: string): boolean {
    return existsSync(this.rootDir(id));
  }

  /**
   * Makes the root ID with MAKE(tmpDir) unless it is there already; under a lock, so two
   * processes adding the same root do the work once. MAKE fills a fresh directory beside
   * the final place, which is renamed in only when MAKE succeeded.
   */
  async ensureRoot(id: string, source: string, make: (tmpDir: string) => Promise<void>, onWait?: () => void): Promise<string> {
    const final = this.rootDir(id);
    mkdirSync(this.rootsDir, { recursive: true, mode: 0o755 });
    await withFileLock(this.lockPath(id), async () => {
      if (existsSync(final)) return;
      const tmp = path.join(this.rootsDir, `.tmp-${id}-${randomBytes(4).toString('hex')}`);
      try {
        await make(tmp);
        writeFileSync(`${final}.json`, JSON.stringify({ id, source, addedAt: new Date().toISOString() } satisfies RootMeta, null, 2) + '\n');
        renameSync(tmp, final);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }, { onWait });
    return final;
  }

  /** Points root-NAME at the root ID, atomically (a new link renamed over the old). */
  link(name: string, id: string): string {
    this.checkName(name);
    const link = this.namePath(name);
    const tmp = `${link}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    symlinkSync(path.relative(this.libraryDir, this.rootDir(id)), tmp);
    if (existsSync(link) && !lstatSync(link).isSymbolicLink()) {
      rmSync(tmp, { force: true });
      throw new ConfigError(`${link} exists and is not a root made by micro-container; move it away first`);
    }
    renameSync(tmp, link);
    return link;
  }

  list(): RootEntry[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.libraryDir).filter((n) => n.startsWith('root-') && !n.includes('.tmp-'));
    } catch {
      return [];
    }
    const out: RootEntry[] = [];
    for (const entry of names.sort()) {
      const link = path.join(this.libraryDir, entry);
      const name = entry.slice('root-'.length);
      if (!lstatSync(link).isSymbolicLink()) {
        out.push({ name, id: '', path: link, source: 'a directory placed there by hand', addedAt: '' });
        continue;
      }
      const target = path.resolve(this.libraryDir, readlinkSync(link));
      const id = path.basename(target);
      let meta: Partial<RootMeta> = {};
      try {
        meta = JSON.parse(readFileSync(`${target}.json`, 'utf8')) as RootMeta;
      } catch {
        /* a root without its record still lists */
      }
      out.push({ name, id, path: target, source: meta.source ?? '', addedAt: meta.addedAt ?? '' });
    }
    return out;
  }

  /**
   * Removes root-NAME, and the stored root (and archive) when no other name uses it.
   * Returns what was removed.
   */
  remove(name: string): string[] {
    this.checkName(name);
    const link = this.namePath(name);
    if (!existsSync(link) && !this.isLink(link)) throw new ConfigError(`there is no root named '${name}' in ${this.libraryDir} (see rootfs ls)`);
    if (!this.isLink(link)) throw new ConfigError(`${link} is not a root made by micro-container; remove it by hand`);
    const id = path.basename(path.resolve(this.libraryDir, readlinkSync(link)));
    rmSync(link);
    const removed = [link];
    if (!this.list().some((r) => r.id === id)) {
      for (const p of [this.rootDir(id), `${this.rootDir(id)}.json`, this.archivePath(id)]) {
        if (existsSync(p)) {
          rmSync(p, { recursive: true, force: true });
          removed.push(p);
        }
      }
    }
    return removed;
  }

  private isLink(p: string): boolean {
    try {
      return lstatSync(p).isSymbolicLink();
    } catch {
      return false;
    }
  }
}
