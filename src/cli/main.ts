import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runContainer, planContainer } from '../core/container.js';
import { DEFAULT_LIBRARY_DIR } from '../core/jail/config.js';
import { hostFacts } from '../core/jail/host-facts.js';
import { ConfigError, MicroContainerError, PrivilegeError } from '../core/errors.js';
import { applyRootShortcut, parseContainerArgs } from './argv.js';
import { CONTAINER_USAGE, CONTAINERIZE_USAGE, MICRO_CONTAINER_USAGE } from './usage.js';
import { parseContainerizeArgs } from './containerize-args.js';
import { parseRootfsArgs } from './rootfs-args.js';
import { parseTreesArgs } from './trees-args.js';
import { VERSION } from '../core/version.js';
import { LIFECYCLE_COMMANDS, lifecycleCommand, type LifecycleCommand } from './lifecycle.js';

// Subcommands other than `run` are loaded when they are used: every start of the CLI pays
// for the code it loads (the bundle's compile time, and Node built-ins such as http, tls and
// zlib that only downloads need), and `run` is the command that has to start fast.
const lazy = {
  containerize: () => import('../core/trees/containerize.js'),
  rootfs: () => import('./rootfs.js'),
  trees: () => import('./trees.js'),
  image: () => import('./image.js'),
  resolveImage: () => import('../core/image/resolve.js'),
};

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress may be redrawn in place. */
  errIsTTY?: boolean;
  /** The terminal's width. */
  columns?: () => number;
}

const stdio: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTTY: process.stderr.isTTY === true,
  columns: () => process.stderr.columns || 80,
};

/** Which face the program shows, from the name it was started by. Pure. */
export function commandName(argv1: string | undefined): 'container' | 'containerize' | 'micro-container' {
  const base = path.basename(argv1 ?? '');
  if (base === 'container' || base === 'containerize') return base;
  return 'micro-container';
}

/**
 * Not root: run this same command again through `sudo -n`, which keeps the caller's
 * identity in SUDO_UID/SUDO_GID (that is how GitHub's runners give root).
 */
/** ARGV: the whole command line as given (it is run again, unchanged, as root). */
function elevate(argv: string[]): number {
  const check = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  if (check.error || check.status !== 0) {
    throw new PrivilegeError(
      'root is needed for mounts and namespaces: run as root, or give this user passwordless sudo (sudo -n true must work)',
    );
  }
  const args = ['-n', '--', process.execPath, ...process.execArgv, process.argv[1], ...argv];
  const execve = (process as unknown as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
  // Node 23.11+ can become sudo, so no process of ours sits between the caller and the jail.
  if (execve) execve('/usr/bin/env', ['env', 'sudo', ...args], process.env);
  const r = spawnSync('sudo', args, { stdio: 'inherit' });
  return r.status ?? 125;
}

async function container(argv: string[], io: CliIo): Promise<number> {
  let args = parseContainerArgs(argv);
  if (args.help) {
    io.out(CONTAINER_USAGE + '\n');
    return 0;
  }
  if (args.version) {
    io.out(`micro-container ${VERSION}\n`);
    return 0;
  }
  const facts = hostFacts();
  if (args.image !== undefined) {
    // Applying the image's layers (and fetching its base) needs root, even for --dry-run.
    if ((process.getuid?.() ?? 0) !== 0) return elevate(process.argv.slice(2));
    args = { ...args, config: (await (await lazy.resolveImage()).resolveImageConfig(args.config, args.image, { cwd: facts.cwd, log: (l) => io.err(`${l}\n`) })).config };
  } else args = applyRootShortcut(args, path.resolve(args.config.libraryDir || DEFAULT_LIBRARY_DIR), facts.isDirectory);
  if (args.dryRun) {
    io.out(planContainer(args.config, facts).launcher);
    return 0;
  }
  if ((process.getuid?.() ?? 0) !== 0) return elevate(process.argv.slice(2));
  return runContainer(args.config, facts);
}

async function containerize(argv: string[], io: CliIo): Promise<number> {
  const args = parseContainerizeArgs(argv);
  if (args.help) {
    io.out(CONTAINERIZE_USAGE + '\n');
    return 0;
  }
  if (args.version) {
    io.out(`micro-container ${VERSION}\n`);
    return 0;
  }
  if (args.dryRun) {
    io.out((await lazy.containerize()).planContainerize(args.config).launcher);
    return 0;
  }
  if ((process.getuid?.() ?? 0) !== 0) return elevate(process.argv.slice(2));
  return (await lazy.containerize()).runContainerize(args.config);
}

/** The CLI: argv (without node and script) -> exit status. Errors become 125 + a message. */
export async function main(argv: string[], name = commandName(process.argv[1]), io: CliIo = stdio): Promise<number> {
  try {
    if (name === 'container') return await container(argv, io);
    if (name === 'containerize') return await containerize(argv, io);
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(MICRO_CONTAINER_USAGE + '\n');
      return sub === undefined ? 125 : 0;
    }
    if (sub === '--version') {
      io.out(`micro-container ${VERSION}\n`);
      return 0;
    }
    if (sub === 'run') return await container(rest, io);
    if (sub === 'rootfs') {
      const args = parseRootfsArgs(rest);
      if (args.action !== 'help' && (process.getuid?.() ?? 0) !== 0) return elevate(process.argv.slice(2));
      return await (await lazy.rootfs()).rootfsCommand(args, io);
    }
    if (sub === 'container') return await container(rest, io);
    if (sub === 'trees') {
      const args = parseTreesArgs(rest);
      if (args.action !== 'help' && args.action !== 'ls' && (process.getuid?.() ?? 0) !== 0) return elevate(process.argv.slice(2));
      return await (await lazy.trees()).treesCommand(args, io);
    }
    if (LIFECYCLE_COMMANDS.has(sub)) return await lifecycleCommand(sub as LifecycleCommand, rest, io, () => elevate(process.argv.slice(2)));
    if (sub === 'containerize') return await containerize(rest, io);
    if (sub === 'image') return await (await lazy.image()).imageCommand(rest, io, () => elevate(process.argv.slice(2)));
    throw new ConfigError(`unknown command '${sub}' (see micro-container --help)`);
  } catch (e) {
    if (e instanceof MicroContainerError) {
      io.err(`${name}: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`${name}: internal error: ${(e as Error).stack ?? e}\n`);
    return 125;
  }
}
