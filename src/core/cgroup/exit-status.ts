import { formatBytes, type CgroupLimits } from './limits.js';

/** What `docker run` and shells report for a process ended by SIGKILL, as the OOM killer does. */
export const OOM_EXIT_STATUS = 137;

export interface ContainerExit {
  status: number;
  /** A line for the user, when the end needs explaining. */
  message?: string;
}

/**
 * The exit status and message of container NAME whose command ended with STATUS, given
 * whether the kernel's OOM killer killed one of its processes. A build whose compiler was
 * OOM-killed often exits 1 or 2 through make: it is reported as 137 with the reason, so
 * a CI log says "out of memory" instead of a compiler's half-sentence. Pure.
 */
export function containerExit(name: string, status: number, oomKilled: boolean, limits: CgroupLimits = {}): ContainerExit {
  if (!oomKilled) return { status };
  const limit = limits.memoryBytes !== undefined ? ` (its memory limit is ${formatBytes(limits.memoryBytes)}: raise it with --memory)` : '';
  if (status === 0) {
    return { status, message: `container ${name}: a process was killed for lack of memory${limit}, but the command still succeeded` };
  }
  return { status: OOM_EXIT_STATUS, message: `container ${name} ran out of memory: the kernel's OOM killer killed a process${limit}; exit status ${OOM_EXIT_STATUS}` };
}
