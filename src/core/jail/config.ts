/** What a user asks for: the original `container` tool's options, plus a few of ours. */
export interface Volume {
  /** Path on the host; must exist. */
  host: string;
  /** Absolute path inside the container; created in the upper layer when missing. */
  guest: string;
  readOnly: boolean;
}

export interface JailConfig {
  /** `-d`: where roots and container state live (default /var/lib/micro-container). */
  libraryDir?: string;
  /** `-b`: where upper layers live (default $HOME/.app of the invoking user). */
  baseDir?: string;
  /** `-l`: lower directories; the first is the root, the others stack under it. */
  lowerDirs?: string[];
  /** `-n`: the container's name; blank for the default container. */
  name?: string;
  /** `-w`: where the command starts, inside the container. */
  workdir?: string;
  /** `-u`: user[:group], names (looked up in the container) or numbers. */
  user?: string;
  volumes?: Volume[];
  /** `-i`: host script run as `init ROOTDIR UID GID` before the command. */
  initScript?: string;
  /** `-s`: host script run as `shutdown ROOTDIR UID GID` after it, whatever happened. */
  shutdownScript?: string;
  /** `-`: a login shell (or the command) as after `su -`. */
  login?: boolean;
  /** `--rm`: a throwaway upper layer instead of the persistent one. */
  ephemeral?: boolean;
  /** `-e KEY=VALUE`: environment for the command, on top of HOME, USER, PATH, TERM. */
  env?: Record<string, string>;
  /** `--hostname`: defaults to the name, or micro-container. */
  hostname?: string;
  /** The command; empty for the user's shell. */
  command?: string[];
  /**
   * `--network`: host (default: the host's network, as the original tool had), none (a
   * network namespace with only lo up) or private (its own namespace with a veth on the
   * micro-container bridge, the name's static address and MAC; needs a name).
   */
  network?: NetworkMode;
  /** `--nat`: with private, masquerade the containers' traffic out of the bridge's namespace. */
  nat?: boolean;
  /** `--memory 512m`, `--pids 100`, `--cpus 1.5`: cgroup limits, as the user writes them. */
  memory?: string;
  pids?: string;
  cpus?: string;
  /** `--timeout S`: stop the command after S seconds (exit status 124). */
  timeoutSeconds?: number;
  /**
   * The network namespace the bridge lives in, as /proc/PID/ns/net (default: the host's).
   * For tests and nested set-ups (MICRO_CONTAINER_BRIDGE_NETNS), so that nothing is made
   * in the host's namespace.
   */
  bridgeNetns?: string;
}

export type NetworkMode = 'host' | 'none' | 'private';
export const NETWORK_MODES: readonly NetworkMode[] = ['host', 'none', 'private'];

export const DEFAULT_LIBRARY_DIR = '/var/lib/micro-container';
