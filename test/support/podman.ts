import { run, type Result } from './host.js';

/**
 * podman with its own store, run dir and temp dir under STORE, each command in a private
 * mount namespace: the overlay and shm mounts podman makes die with the namespace,
 * whatever happens to the test. The flags after the store are what this machine's hybrid
 * cgroups and 20000 nofile limit need (DESIGN.md).
 */
export function podman(store: string, args: string[]): Promise<Result> {
  return run(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'podman', '--root', `${store}/root`, '--runroot', `${store}/run`, '--tmpdir', `${store}/tmp`,
      '--storage-driver', 'overlay', '--cgroup-manager', 'cgroupfs', '--runtime', 'runc', '--events-backend', 'file', ...args],
    { timeoutMs: 120_000 },
  );
}

/** `podman run` of an image already in the store: no pull, no network, limits this machine allows. */
export const PODMAN_RUN = ['run', '--rm', '--pull', 'never', '--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
