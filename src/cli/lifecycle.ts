import { ConfigError } from '../core/errors.js';
import { execInContainer, listContainers, removeContainer, stopContainer, type ContainerStatus } from '../core/jail/lifecycle.js';
import { parseTimeout } from './argv.js';

/** `micro-container ps | exec | stop | rm`: the subcommands on containers. */
export const LIFECYCLE_COMMANDS = new Set(['ps', 'exec', 'stop', 'rm']);
export type LifecycleCommand = 'ps' | 'exec' | 'stop' | 'rm';

export const LIFECYCLE_USAGE: Record<LifecycleCommand, string> = {
  ps: `usage: micro-container ps [-d librarydir] [--json]

Lists the running containers of the library directory: name, root, PID 1 (as the host
sees it), user, network address, uptime and how many processes its cgroup holds.`,
  exec: `usage: micro-container exec [-d librarydir] [-u user[:group]] [-w workdir] NAME command [args...]

Runs the command inside the running container NAME: in its namespaces (its network
too) and its cgroup, as the container's user unless -u says otherwise.`,
  stop: `usage: micro-container stop [-d librarydir] [--timeout S] NAME

Stops container NAME: SIGTERM to every process in its cgroup, SIGKILL to what is left
after S seconds (default 10); its shutdown script runs, its mounts, cgroup and network
interface go.`,
  rm: `usage: micro-container rm [-d librarydir] [-b basedir] NAME

Stops container NAME if it runs, then removes its upper layer (basedir/app-NAME), its
state in the library directory and its network address.`,
};

/** A lifecycle command line, parsed. Pure. */
export interface LifecycleArgs {
  command: LifecycleCommand;
  help: boolean;
  libraryDir?: string;
  baseDir?: string;
  json: boolean;
  user?: string;
  workdir?: string;
  timeoutSeconds?: number;
  name?: string;
  /** exec: the command to run. */
  argv: string[];
}

const VALUES: Record<LifecycleCommand, string[]> = {
  ps: ['d'],
  exec: ['d', 'b', 'u', 'w'],
  stop: ['d', 'b', 'timeout'],
  rm: ['d', 'b'],
};
const LONG: Record<string, string> = { librarydir: 'd', basedir: 'b', user: 'u', workdir: 'w', timeout: 'timeout' };

/**
 * Parses `micro-container COMMAND ARGS`. For exec, options come before NAME (what follows
 * is the command's); for the others they may come anywhere. Pure; throws ConfigError.
 */
export function parseLifecycleArgs(command: LifecycleCommand, argv: readonly string[]): LifecycleArgs {
  const out: LifecycleArgs = { command, help: false, json: false, argv: [] };
  const see = `(see micro-container ${command} --help)`;
  const words: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--help' || a === '-h') {
      out.help = true;
      i++;
      continue;
    }
    if (a === '--json' && command === 'ps') {
      out.json = true;
      i++;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      if (command === 'exec') break;
      words.push(a);
      i++;
      continue;
    }
    let key: string | undefined;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      key = LONG[eq > 0 ? a.slice(2, eq) : a.slice(2)];
      value = eq > 0 ? a.slice(eq + 1) : undefined;
    } else {
      key = a[1];
      value = a.length > 2 ? a.slice(2) : undefined;
    }
    if (key === undefined || !VALUES[command].includes(key)) throw new ConfigError(`unknown option ${a} ${see}`);
    const inline = value !== undefined;
    value ??= argv[i + 1];
    if (value === undefined) throw new ConfigError(`option ${a} needs a value ${see}`);
    if (key === 'd') out.libraryDir = value;
    else if (key === 'b') out.baseDir = value;
    else if (key === 'u') out.user = value;
    else if (key === 'w') out.workdir = value;
    else out.timeoutSeconds = parseTimeout(value);
    i += inline ? 1 : 2;
  }
  const rest = [...words, ...argv.slice(i)];
  if (out.help) return out;
  if (command === 'ps') {
    if (rest.length > 0) throw new ConfigError(`ps takes no arguments, not '${rest[0]}' ${see}`);
    return out;
  }
  if (rest.length === 0) throw new ConfigError(`${command} needs the container's name ${see}`);
  out.name = rest[0];
  out.argv = rest.slice(1);
  if (command === 'exec' && out.argv.length === 0) throw new ConfigError(`exec needs a command to run in ${out.name} ${see}`);
  if (command !== 'exec' && out.argv.length > 0) throw new ConfigError(`${command} takes one name, not '${out.argv.join(' ')}' ${see}`);
  return out;
}

/** 93 -> 1m33s; 7300 -> 2h1m. Pure. */
export function formatUptime(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}

/** ps's table. Pure. */
export function renderPs(rows: readonly ContainerStatus[]): string {
  const table = [
    ['NAME', 'ROOT', 'PID', 'USER', 'ADDRESS', 'UPTIME', 'PROCS'],
    ...rows.map((r) => [r.name, r.root, String(r.pid), r.user, r.address ?? (r.network === 'host' ? 'host' : r.network), formatUptime(r.uptimeSeconds), String(r.processes)]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n') + '\n';
}

export interface LifecycleIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Runs a lifecycle command; ELEVATE re-runs the whole command line through sudo when we
 * are not root (the state dirs are root's, cgroups and namespaces need it).
 */
export async function lifecycleCommand(command: LifecycleCommand, argv: string[], io: LifecycleIo, elevate: () => number): Promise<number> {
  const args = parseLifecycleArgs(command, argv);
  if (args.help) {
    io.out(LIFECYCLE_USAGE[command] + '\n');
    return 0;
  }
  if ((process.getuid?.() ?? 0) !== 0) return elevate();
  const where = { libraryDir: args.libraryDir, baseDir: args.baseDir };
  switch (command) {
    case 'ps': {
      const rows = await listContainers(where);
      io.out(args.json ? `${JSON.stringify(rows, null, 2)}\n` : renderPs(rows));
      return 0;
    }
    case 'exec':
      return execInContainer(args.name!, { ...where, user: args.user, workdir: args.workdir, command: args.argv });
    case 'stop': {
      const r = await stopContainer(args.name!, where, (args.timeoutSeconds ?? 10) * 1000);
      if (r.left.length > 0) {
        io.err(`micro-container: container ${args.name} still has processes after SIGKILL: ${r.left.join(' ')} (in uninterruptible sleep?)\n`);
        return 1;
      }
      return 0;
    }
    case 'rm':
      await removeContainer(args.name!, where);
      return 0;
  }
}
