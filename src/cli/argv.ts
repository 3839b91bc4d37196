import { ConfigError } from '../core/errors.js';
import { NETWORK_MODES, type JailConfig, type NetworkMode, type Volume } from '../core/jail/config.js';

/** The `container` command line, parsed. Pure. */
export interface ContainerArgs {
  config: JailConfig;
  dryRun: boolean;
  help: boolean;
  version: boolean;
  /** True when `--` was given: what follows is the command, never a root name. */
  explicitCommand: boolean;
  /** Which options were given (the `container NAME` shortcut must not override them). */
  given: Set<string>;
  /** `--image IMAGE`: start from a stored image (resolved in core/image/resolve.ts, not here). */
  image?: string;
}

// Short option -> long name; every one but -v/-e takes its last value.
const VALUE_OPTIONS: Record<string, string> = {
  d: 'librarydir', b: 'basedir', l: 'lowerdir', n: 'name', w: 'workdir', u: 'user',
  v: 'volume', i: 'init', s: 'shutdown', e: 'env',
};
const LONG_VALUE = new Set([...Object.values(VALUE_OPTIONS), 'hostname', 'network', 'memory', 'pids', 'cpus', 'timeout', 'image']);
const LONG_FLAGS = new Set(['rm', 'ephemeral', 'dry-run', 'help', 'version', 'login', 'nat']);

/** `--timeout S`: a positive number of seconds (fractions allowed). Pure. */
export function parseTimeout(text: string): number {
  const s = /^\s*(\d+(?:\.\d+)?)\s*s?\s*$/.exec(text);
  const n = s ? Number(s[1]) : NaN;
  if (!(n > 0) || n > 31_536_000) throw new ConfigError(`timeout '${text}' is not valid: give a number of seconds greater than 0, e.g. --timeout 600`);
  return n;
}

/** `--network host|none|private`. Pure. */
export function parseNetwork(text: string): NetworkMode {
  if (!(NETWORK_MODES as readonly string[]).includes(text)) throw new ConfigError(`network '${text}' is not valid: use --network host (the default), none or private`);
  return text as NetworkMode;
}

/** `host:guest[:ro|:rw]` -> Volume. The guest part starts at the first ':/'. Pure. */
export function parseVolume(text: string): Volume {
  let spec = text;
  let readOnly = false;
  const mode = /:(ro|rw)$/.exec(spec);
  if (mode) {
    readOnly = mode[1] === 'ro';
    spec = spec.slice(0, -3);
  }
  const at = spec.indexOf(':/');
  if (at <= 0) throw new ConfigError(`volume '${text}' is not of the form host:guest[:ro] with an absolute guest path`);
  return { host: spec.slice(0, at), guest: spec.slice(at + 1), readOnly };
}

function parseEnv(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`environment setting '${text}' is not of the form NAME=value (-e)`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/**
 * Parses `container [-] [-d librarydir] [-b basedir] [-l lowerdir] [-n name] [-w workdir]
 * [-u user:group] [[-v host:guest]...] [-i init] [-s shutdown] [--rm] [--dry-run]
 * [-e NAME=value]... [[--] command args...]`. Options end at the first other word.
 */
export function parseContainerArgs(argv: readonly string[]): ContainerArgs {
  const config: JailConfig = {};
  const given = new Set<string>();
  const volumes: Volume[] = [];
  const env: Record<string, string> = {};
  let dryRun = false;
  let help = false;
  let version = false;
  let explicitCommand = false;
  let image: string | undefined;
  let i = 0;

  const set = (long: string, value: string) => {
    given.add(long);
    switch (long) {
      case 'librarydir': config.libraryDir = value; break;
      case 'basedir': config.baseDir = value; break;
      case 'lowerdir': config.lowerDirs = value.split(':').filter((x) => x !== ''); break;
      case 'name': config.name = value; break;
      case 'workdir': config.workdir = value; break;
      case 'user': config.user = value; break;
      case 'volume': volumes.push(parseVolume(value)); break;
      case 'init': config.initScript = value; break;
      case 'shutdown': config.shutdownScript = value; break;
      case 'env': { const [k, v] = parseEnv(value); env[k] = v; break; }
      case 'hostname': config.hostname = value; break;
      case 'network': config.network = parseNetwork(value); break;
      case 'memory': config.memory = value; break;
      case 'pids': config.pids = value; break;
      case 'cpus': config.cpus = value; break;
      case 'timeout': config.timeoutSeconds = parseTimeout(value); break;
      case 'image': image = value; break;
    }
  };
  const flag = (long: string) => {
    given.add(long);
    if (long === 'rm' || long === 'ephemeral') config.ephemeral = true;
    else if (long === 'dry-run') dryRun = true;
    else if (long === 'help') help = true;
    else if (long === 'version') version = true;
    else if (long === 'login') config.login = true;
    else if (long === 'nat') config.nat = true;
  };

  while (i < argv.length) {
    const a = argv[i];
    if (a === '--') {
      explicitCommand = true;
      i++;
      break;
    }
    if (a === '-') {
      flag('login');
      i++;
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const long = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (LONG_FLAGS.has(long)) {
        if (eq > 0) throw new ConfigError(`option --${long} takes no value`);
        flag(long);
        i++;
        continue;
      }
      if (LONG_VALUE.has(long)) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
        if (value === undefined) throw new ConfigError(`option --${long} needs a value`);
        set(long, value);
        i += eq > 0 ? 1 : 2;
        continue;
      }
      throw new ConfigError(`unknown option ${a} (see --help)`);
    }
    if (a.startsWith('-') && a.length > 1) {
      const letter = a[1];
      if (letter === 'h') { flag('help'); i++; continue; }
      const long = VALUE_OPTIONS[letter];
      if (!long) throw new ConfigError(`unknown option ${a} (see --help)`);
      const value = a.length > 2 ? a.slice(2) : argv[i + 1];
      if (value === undefined) throw new ConfigError(`option -${letter} needs a value`);
      set(long, value);
      i += a.length > 2 ? 1 : 2;
      continue;
    }
    break;
  }
  if (volumes.length) config.volumes = volumes;
  if (Object.keys(env).length) config.env = env;
  config.command = argv.slice(i);
  return { config, dryRun, help, version, explicitCommand, given, ...(image !== undefined ? { image } : {}) };
}

/**
 * `container NAME [cmd...]`: when ${librarydir}/root-NAME exists, NAME picks that root as
 * lowerdir and as the container's name (unless -l/-n say otherwise). Pure (exists injected).
 */
export function applyRootShortcut(args: ContainerArgs, libraryDir: string, isDirectory: (p: string) => boolean): ContainerArgs {
  const cmd = args.config.command ?? [];
  if (args.explicitCommand || cmd.length === 0) return args;
  const candidate = cmd[0];
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(candidate)) return args;
  const root = `${libraryDir.replace(/\/+$/, '')}/root-${candidate}`;
  if (!isDirectory(root)) return args;
  const config: JailConfig = { ...args.config, command: cmd.slice(1) };
  if (!args.given.has('lowerdir')) config.lowerDirs = [root];
  if (!args.given.has('name')) config.name = candidate;
  return { ...args, config };
}
