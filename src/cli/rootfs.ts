import path from 'node:path';
import { addRoot } from '../core/rootfs/add.js';
import { RootStore } from '../core/rootfs/store.js';
import { DEFAULT_LIBRARY_DIR } from '../core/jail/config.js';
import { ROOTFS_USAGE, type RootfsArgs } from './rootfs-args.js';
import type { CliIo } from './main.js';
import { TerminalProgress } from './terminal-progress.js';

/** Runs a parsed `rootfs` command (as root). Returns the exit status. */
export async function rootfsCommand(args: RootfsArgs, io: CliIo): Promise<number> {
  if (args.action === 'help') {
    io.out(ROOTFS_USAGE + '\n');
    return 0;
  }
  const store = new RootStore(path.resolve(args.libraryDir || DEFAULT_LIBRARY_DIR));
  switch (args.action) {
    case 'add': {
      // On a terminal the download is a bar redrawn in place; in logs, a line a second.
      const bar = io.errIsTTY ? new TerminalProgress(io.err, 'downloading', io.columns) : undefined;
      const r = await addRoot(store, args.name, args.source, {
        sha256: args.sha256,
        log: (l) => (bar ? bar.log(l) : io.err(`${l}\n`)),
        onProgress: bar && ((p) => bar.update(p)),
      });
      bar?.clear();
      io.out(`root-${r.entry.name} -> ${r.entry.path}${r.sha256 ? ` (sha256 ${r.sha256})` : ''}\n`);
      return 0;
    }
    case 'ls': {
      const roots = store.list();
      if (args.json) {
        io.out(JSON.stringify(roots, null, 2) + '\n');
      } else if (roots.length === 0) {
        io.out(`no roots in ${store.libraryDir} (add one with: micro-container rootfs add NAME SOURCE)\n`);
      } else {
        const rows = roots.map((r) => [r.name, r.id.startsWith('dir-') ? r.id : r.id.slice(0, 12), r.addedAt.slice(0, 19).replace('T', ' '), r.source]);
        const head = ['NAME', 'ID', 'ADDED', 'SOURCE'];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
        for (const row of [head, ...rows]) io.out(row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]) : c)).join('  ') + '\n');
      }
      return 0;
    }
    case 'rm':
      for (const p of store.remove(args.name)) io.err(`removed ${p}\n`);
      return 0;
  }
}
