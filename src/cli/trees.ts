import { cloneInstance, removeInstance } from '../core/trees/clone.js';
import { treesDir } from '../core/trees/containerize-spec.js';
import { listGroups, listInstances } from '../core/trees/layout.js';
import { formatBytes } from '../core/rootfs/progress.js';
import { TREES_USAGE, type TreesArgs } from './trees-args.js';
import type { CliIo } from './main.js';

/** Runs a parsed `trees` command (as root). Returns the exit status. */
export async function treesCommand(args: TreesArgs, io: CliIo): Promise<number> {
  if (args.action === 'help') {
    io.out(TREES_USAGE + '\n');
    return 0;
  }
  const trees = treesDir(args.trees, process.env.MICRO_CONTAINER_TREES, process.cwd());
  switch (args.action) {
    case 'clone': {
      const r = await cloneInstance({
        trees,
        group: args.group,
        from: args.from,
        to: args.to,
        onWait: () => io.err(`another clone or removal of ${args.group}/${args.to} is running; waiting for it\n`),
      });
      if (args.json) {
        io.out(JSON.stringify(r, null, 2) + '\n');
      } else {
        const how = { snapshot: 'btrfs snapshot', reflink: 'reflinked: the data is shared', copy: 'full copy: this filesystem cannot share extents' }[r.method];
        const size = Number.isFinite(r.bytes) ? `${formatBytes(r.bytes)}, ` : '';
        io.out(`${r.path} (${size}${how}, ${r.seconds.toFixed(2)} s)\n`);
      }
      return 0;
    }
    case 'ls': {
      const names = args.group === undefined ? listGroups(trees) : listInstances(trees, args.group);
      if (args.json) io.out(JSON.stringify(names) + '\n');
      else for (const n of names) io.out(`${n}\n`);
      return 0;
    }
    case 'rm':
      await removeInstance({ trees, group: args.group, instance: args.instance, onWait: () => io.err(`${args.group}/${args.instance} is busy (a clone or removal); waiting\n`) });
      io.err(`removed ${args.group}/${args.instance}\n`);
      return 0;
  }
}
