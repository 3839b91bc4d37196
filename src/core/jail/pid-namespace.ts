import { readdirSync, readlinkSync } from 'node:fs';
import type { KillOptions, KillReport } from '../cgroup/container-cgroup.js';
import { signal, waitNoProcesses } from '../processes.js';

/**
 * The processes of a jail that has no cgroup of its own (none is made without limits:
 * moving a process into a new cgroup waits for an RCU grace period, most of a jail's
 * start): every process in its PID namespace, found by /proc/PID/ns/pid. Sessions that
 * joined it are there too (nsenter's child is inside). PID 1 is the namespace's init:
 * when it ends, the kernel kills everything else in it at once, fork bombs included.
 */
export class PidNamespace {
  private constructor(
    /** PID 1 of the jail, as the host sees it. */
    readonly init: number,
    /** Its namespace, `pid:[INODE]`, read once: a pid may be reused, the link text is not. */
    private readonly ns: string,
    private readonly proc: string,
  ) {}

  /**
   * The namespace of host pid INIT, or undefined when INIT is gone or is in our own
   * namespace (then it is not a jail's PID 1, and its "namespace" would be the host's).
   */
  static of(init: number, proc = '/proc'): PidNamespace | undefined {
    const ns = nsOf(proc, String(init));
    if (ns === undefined || ns === nsOf(proc, 'self')) return undefined;
    return new PidNamespace(init, ns, proc);
  }

  /** Host pids of the processes in the namespace, PID 1 included, sorted; [] once it has ended. */
  pids(): number[] {
    const out: number[] = [];
    let entries: string[];
    try {
      entries = readdirSync(this.proc);
    } catch {
      return out;
    }
    for (const e of entries) {
      if (/^[0-9]+$/.test(e) && nsOf(this.proc, e) === this.ns) out.push(Number(e));
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * Ends the jail: SIGTERM to every process but PID 1 (an init takes from outside only
   * the signals it handles, and ours ends the jail by itself once the command is gone),
   * a bounded wait, then SIGKILL to PID 1, which takes the rest with it.
   */
  async killAll(options: KillOptions = {}): Promise<KillReport> {
    const termTimeoutMs = options.termTimeoutMs ?? 10_000;
    const killTimeoutMs = options.killTimeoutMs ?? 10_000;
    const first = this.pids();
    if (first.length === 0) return { terminated: 0, killed: false, left: [] };
    const others = first.filter((p) => p !== this.init);
    if (termTimeoutMs > 0 && others.length > 0) {
      for (const pid of others) signal(pid, 'SIGTERM');
      if (await this.waitEmpty(termTimeoutMs)) return { terminated: others.length, killed: false, left: [] };
    }
    signal(this.init, 'SIGKILL');
    await this.waitEmpty(killTimeoutMs);
    return { terminated: termTimeoutMs > 0 ? others.length : 0, killed: true, left: this.pids() };
  }

  private waitEmpty(ms: number): Promise<boolean> {
    return waitNoProcesses(() => this.pids(), ms);
  }
}

function nsOf(proc: string, pid: string): string | undefined {
  try {
    return readlinkSync(`${proc}/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}
