import { ConfigError } from '../errors.js';

/**
 * What a group's `.container/unshare-options` file may ask for: more namespaces, and the
 * mount propagation inside. The keeper is started with `unshare --mount` plus these, and
 * every session enters the same namespaces with nsenter, so each option needs its
 * nsenter twin; options that would change who mounts /proc or make a user namespace are
 * refused with the reason.
 */
export interface UnshareOptions {
  /** Extra arguments for unshare (after `--mount --propagation slave`). */
  unshare: string[];
  /** The matching nsenter flags (after `-m`). */
  nsenter: string[];
  /** A PID namespace: /proc is mounted fresh for it instead of bound from the host. */
  pidNs: boolean;
  /** A UTS namespace: the hostname inside is set to the instance's name. */
  utsNs: boolean;
  propagation: 'slave' | 'private' | 'shared' | 'unchanged';
}

const NAMESPACES: Record<string, { long: string; nsenter: string }> = {
  '-u': { long: '--uts', nsenter: '-u' },
  '-i': { long: '--ipc', nsenter: '-i' },
  '-n': { long: '--net', nsenter: '-n' },
  '-p': { long: '--pid', nsenter: '-p' },
  '-C': { long: '--cgroup', nsenter: '-C' },
  '-T': { long: '--time', nsenter: '-T' },
  '-m': { long: '--mount', nsenter: '' },
};
const LONG = new Map(Object.values(NAMESPACES).map((n) => [n.long, n]));
const PROPAGATIONS = ['slave', 'private', 'shared', 'unchanged'] as const;

/** The file's text (words separated by blanks, `#` comments) -> options. Pure; throws ConfigError. */
export function parseUnshareOptions(text: string, file = 'unshare-options'): UnshareOptions {
  const words = text
    .split('\n')
    .map((l) => l.replace(/#.*/, ''))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  const chosen = new Set<string>();
  let propagation: UnshareOptions['propagation'] = 'slave';
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const [flag, inline] = w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
    if (flag === '--propagation') {
      const value = inline ?? words[++i];
      if (!PROPAGATIONS.includes(value as never)) {
        throw new ConfigError(`${file}: --propagation takes one of ${PROPAGATIONS.join(', ')} (got '${value ?? ''}')`);
      }
      propagation = value as UnshareOptions['propagation'];
      continue;
    }
    if (flag === '-f' || flag === '--fork' || flag === '--kill-child') continue; // implied where needed
    if (flag === '-U' || flag === '--user' || flag === '-r' || flag === '--map-root-user') {
      throw new ConfigError(`${file}: ${flag} is not supported: containerize runs as root, without a user namespace (remove it)`);
    }
    if (flag === '--mount-proc') {
      throw new ConfigError(`${file}: --mount-proc is not needed: containerize mounts /proc in the root itself (fresh with --pid, else bound from the host); remove it`);
    }
    const ns = NAMESPACES[flag] ?? LONG.get(flag);
    if (!ns) {
      throw new ConfigError(`${file}: '${w}' is not an option containerize can pass on; use namespace options (--uts --ipc --net --pid --cgroup --time) and --propagation slave|private|shared|unchanged`);
    }
    if (inline !== undefined) {
      throw new ConfigError(`${file}: ${w}: a namespace bound to a file is not supported (use ${flag} alone)`);
    }
    chosen.add(ns.long);
  }
  chosen.delete('--mount');
  const order = ['--uts', '--ipc', '--net', '--pid', '--cgroup', '--time'].filter((l) => chosen.has(l));
  const pidNs = chosen.has('--pid');
  return {
    unshare: [...order, ...(pidNs ? ['--fork'] : [])],
    nsenter: order.map((l) => LONG.get(l)!.nsenter),
    pidNs,
    utsNs: chosen.has('--uts'),
    propagation,
  };
}
