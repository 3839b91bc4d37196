import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import { addRoot } from '../core/rootfs/add.js';
import { RootStore } from '../core/rootfs/store.js';
import type { RootfsSource } from './inputs.js';

/** The root the container's overlay sits on, and how it was had. */
export interface ResolvedRoot {
  /** The lower directory (root-path output). */
  path: string;
  /** For the summary. */
  detail: string;
  downloaded: boolean;
  extracted: boolean;
  sha256?: string;
}

/**
 * rootfs input -> a directory: the host's `/`, a directory as it is, or a tarball/URL
 * through the core's content-addressed store in libraryDir (kept between jobs on a
 * self-hosted runner: a known digest is neither downloaded nor extracted again).
 */
export async function resolveRoot(
  source: RootfsSource,
  options: { libraryDir: string; name: string; sha256?: string; log: (line: string) => void },
): Promise<ResolvedRoot> {
  switch (source.kind) {
    case 'host':
      return { path: '/', detail: "the host's /", downloaded: false, extracted: false };
    case 'trees':
      throw new ConfigError(`rootfs 'trees:${source.group}/${source.instance}' is not available in this version of the action; use the containerize CLI in a step, or a directory or tarball root`);
    case 'path': {
      let st;
      try {
        st = statSync(source.path);
      } catch {
        throw new ConfigError(`input 'rootfs': ${source.path} does not exist (give host, an http(s) URL, a tarball or a directory)`);
      }
      if (st.isDirectory()) {
        if (options.sha256) throw new ConfigError(`input 'rootfs-sha256' pins a tarball or URL, but ${source.path} is a directory`);
        return { path: realpathSync(source.path), detail: `directory ${source.path}`, downloaded: false, extracted: false };
      }
      return fromStore(source.path, options);
    }
    case 'url':
      return fromStore(source.url, options);
  }
}

async function fromStore(src: string, options: { libraryDir: string; name: string; sha256?: string; log: (line: string) => void }): Promise<ResolvedRoot> {
  const store = new RootStore(options.libraryDir);
  const r = await addRoot(store, `action-${options.name}`.slice(0, 63), src, { sha256: options.sha256, log: options.log });
  const what = r.downloaded ? 'downloaded and ' : '';
  const how = r.extracted ? `${what}extracted` : 'found in the store';
  return {
    path: r.entry.path,
    detail: `${path.basename(src)} (${how}${r.sha256 ? `, sha256 ${r.sha256.slice(0, 12)}` : ''})`,
    downloaded: r.downloaded,
    extracted: r.extracted,
    sha256: r.sha256,
  };
}
