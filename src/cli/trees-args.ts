import { ConfigError } from '../core/errors.js';

/** `micro-container trees clone|ls|rm ...`, parsed. Pure. */
export type TreesArgs =
  | { action: 'clone'; trees?: string; group: string; from: string; to: string; json: boolean }
  | { action: 'ls'; trees?: string; group?: string; json: boolean }
  | { action: 'rm'; trees?: string; group: string; instance: string }
  | { action: 'help' };

export const TREES_USAGE = `usage: micro-container trees clone GROUP TEMPLATE INSTANCE [--trees DIR] [--json]
       micro-container trees ls [GROUP] [--trees DIR] [--json]
       micro-container trees rm GROUP INSTANCE [--trees DIR]

  clone  copies the build root GROUP/TEMPLATE to GROUP/INSTANCE: a btrfs snapshot when the
         template is a subvolume, else a copy sharing the data's extents where the
         filesystem can (btrfs, XFS with reflink=1), else a full copy; INSTANCE appears
         whole or not at all
  ls     lists the groups, or a group's instances
  rm     removes an instance (and its --overlay writes); refused while containerize runs in it

  DIR: --trees, else $MICRO_CONTAINER_TREES, else /trees.`;

export function parseTreesArgs(argv: readonly string[]): TreesArgs {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') return { action: 'help' };
  const words: string[] = [];
  let trees: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--trees') {
      trees = rest[++i];
      if (trees === undefined) throw new ConfigError('option --trees needs a value');
    } else if (a.startsWith('--trees=')) trees = a.slice('--trees='.length);
    else if (a === '--json' && action !== 'rm') json = true;
    else if (a === '-h' || a === '--help') return { action: 'help' };
    else if (a.startsWith('-')) throw new ConfigError(`unknown option ${a} for trees ${action} (see micro-container trees --help)`);
    else words.push(a);
  }
  const want = (ok: boolean, shape: string) => {
    if (!ok) throw new ConfigError(`trees ${action} takes ${shape} (see micro-container trees --help)`);
  };
  switch (action) {
    case 'clone':
      want(words.length === 3, 'GROUP TEMPLATE INSTANCE');
      return { action, trees, group: words[0], from: words[1], to: words[2], json };
    case 'ls':
      want(words.length <= 1, 'at most a GROUP');
      return { action, trees, group: words[0], json };
    case 'rm':
      want(words.length === 2, 'GROUP INSTANCE');
      return { action, trees, group: words[0], instance: words[1] };
    default:
      throw new ConfigError(`unknown trees command '${action}' (clone, ls, rm)`);
  }
}
