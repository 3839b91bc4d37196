import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JailError } from '../errors.js';
import { detectCgroupLayout, parseProcCgroup, type CgroupLayout, type OwnCgroups } from './layout.js';
import type { CgroupLimits } from './limits.js';
import { countOomKills } from './oom.js';
import { containerCgroupDirs, planCgroupSetup, type CgroupDirs, type CgroupPlacement, type CgroupPlan } from './plan.js';
import { signal, waitNoProcesses } from '../processes.js';

/** The running host's cgroup layout (reads /proc/self/mountinfo). */
export function hostCgroupLayout(): CgroupLayout {
  return detectCgroupLayout(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** This process's own cgroups (reads /proc/self/cgroup). */
export function ownCgroups(): OwnCgroups {
  return parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} (${err.message.replace(/^[A-Z]+: /, '').replace(/, .*$/, '')})` : String(e);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** DIR and every cgroup below it, deepest first (the order they can be removed in). */
function subtree(dir: string): string[] {
  let children: string[] = [];
  try {
    children = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(dir, d.name));
  } catch {
    return [];
  }
  return [...children.flatMap(subtree), dir];
}

export interface KillOptions {
  /** How long processes get to end after SIGTERM before SIGKILL. 0: SIGKILL at once. */
  termTimeoutMs?: number;
  /** How long to wait for the cgroup to empty after SIGKILL (a process in D state lingers). */
  killTimeoutMs?: number;
}

export interface KillReport {
  /** Processes that got SIGTERM. */
  terminated: number;
  /** Whether SIGKILL was needed. */
  killed: boolean;
  /** Processes still there at the end (normally none). */
  left: number[];
}

export interface ContainerInfo {
  name: string;
  pids: number[];
}

/**
 * One container's cgroup(s): set up from a plan, joined by pid, listed, killed, removed.
 * Works on the files under /sys/fs/cgroup directly (no process to start): what it needs
 * is root, or a delegated subtree.
 */
export class ContainerCgroup {
  readonly dirs: CgroupDirs;

  constructor(
    readonly name: string,
    readonly layout: CgroupLayout = hostCgroupLayout(),
    readonly placement: CgroupPlacement = {},
  ) {
    this.dirs = containerCgroupDirs(layout, name, placement);
  }

  /** The set-up for LIMITS, as data (renderCgroupPlan turns it into sh). */
  plan(limits: CgroupLimits = {}): CgroupPlan {
    return planCgroupSetup(this.layout, this.name, limits, this.placement);
  }

  /** Every directory of this container, one per hierarchy (v2 leaf first). */
  private leaves(): string[] {
    const all = [...(this.dirs.v2 ? [this.dirs.v2.leaf] : []), ...Object.values(this.dirs.v1)];
    return [...new Set(all)];
  }

  /** Creates the cgroups and writes LIMITS. On failure, undoes what it made and throws JailError. */
  create(limits: CgroupLimits = {}): void {
    const plan = this.plan(limits);
    const existed = new Set(this.leaves().filter((d) => existsSync(d)));
    try {
      for (const s of plan.steps) {
        try {
          if (s.op === 'mkdir') mkdirSync(s.path, { recursive: true });
          else if (!s.ifExists || existsSync(s.path)) writeFileSync(s.path, s.value ?? '');
        } catch (e) {
          if (s.optional) continue;
          const what = s.op === 'mkdir' ? `cannot create the cgroup ${s.path}` : `cannot write '${s.value}' to ${s.path}`;
          const hint = s.path.endsWith('cgroup.subtree_control')
            ? ': the controller is not available there (bound to a cgroup v1 hierarchy?) or that cgroup holds processes (cgroup v2 lets only the root both hold processes and hand out controllers)'
            : '';
          throw new JailError(`${what}: ${errText(e)}${hint}`);
        }
      }
    } catch (e) {
      for (const dir of this.leaves().filter((d) => !existed.has(d))) {
        try {
          rmdirSync(dir);
        } catch {
          // Not made, or not empty: remove() reports what is left.
        }
      }
      throw e;
    }
  }

  /** Moves process PID (all its threads) into the container's cgroups. */
  addProcess(pid: number): void {
    for (const j of this.plan().join) {
      try {
        writeFileSync(j.path, String(pid));
      } catch (e) {
        if (!j.optional) throw new JailError(`cannot move process ${pid} into the cgroup ${path.dirname(j.path)}: ${errText(e)}`);
      }
    }
  }

  /** Whether any of the container's cgroup directories is there. */
  exists(): boolean {
    return this.leaves().some((d) => existsSync(d));
  }

  /** Every process in the container's cgroups and the cgroups below them, sorted. */
  pids(): number[] {
    const found = new Set<number>();
    for (const leaf of this.leaves()) {
      for (const dir of subtree(leaf)) {
        for (const line of (readText(path.join(dir, 'cgroup.procs')) ?? '').split('\n')) {
          if (line !== '') found.add(Number(line));
        }
      }
    }
    return [...found].sort((a, b) => a - b);
  }

  /** How many processes the kernel's OOM killer killed in the container. */
  oomKills(): number {
    if (this.dirs.v2?.limits) return countOomKills('memory.events', readText(path.join(this.dirs.v2.leaf, 'memory.events')));
    const memory = this.dirs.v1.memory;
    return memory === undefined ? 0 : countOomKills('memory.oom_control', readText(path.join(memory, 'memory.oom_control')));
  }

  /** Whether the kernel's OOM killer killed any process of the container. */
  oomKilled(): boolean {
    return this.oomKills() > 0;
  }

  /**
   * Ends every process of the container: SIGTERM to each, a bounded wait, then SIGKILL to
   * whatever is left, until the cgroup is empty or killTimeoutMs has passed. SIGKILL goes
   * through cgroup.kill where the kernel has it (v2, 5.14+): atomic, even against a fork
   * bomb. Else, under v1, the freezer stops every process first, so none can fork between
   * reading the list and killing it; without a freezer, kill and re-read in a loop.
   */
  async killAll(options: KillOptions = {}): Promise<KillReport> {
    const termTimeoutMs = options.termTimeoutMs ?? 10_000;
    const killTimeoutMs = options.killTimeoutMs ?? 10_000;
    const first = this.pids();
    if (first.length === 0) return { terminated: 0, killed: false, left: [] };
    if (termTimeoutMs > 0) {
      for (const pid of first) signal(pid, 'SIGTERM');
      if (await this.waitEmpty(termTimeoutMs)) return { terminated: first.length, killed: false, left: [] };
    }
    const deadline = Date.now() + killTimeoutMs;
    for (;;) {
      this.killOnce();
      if (await this.waitEmpty(Math.min(50, Math.max(0, deadline - Date.now())))) break;
      if (Date.now() >= deadline) break;
    }
    return { terminated: termTimeoutMs > 0 ? first.length : 0, killed: true, left: this.pids() };
  }

  /** One round of SIGKILL to everything in the container. */
  private killOnce(): void {
    const v2kill = this.dirs.v2 ? path.join(this.dirs.v2.leaf, 'cgroup.kill') : undefined;
    if (v2kill && existsSync(v2kill)) {
      try {
        writeFileSync(v2kill, '1');
      } catch {
        // Not writable (a hybrid host's tree we could not join): fall through.
      }
    }
    const freezer = this.dirs.v1.freezer;
    const state = freezer && path.join(freezer, 'freezer.state');
    const frozen = state !== undefined && this.freeze(state);
    try {
      for (const pid of this.pids()) signal(pid, 'SIGKILL');
    } finally {
      // A frozen process dies of SIGKILL only once thawed.
      if (frozen) this.thaw(state);
    }
  }

  /** Freezes a v1 freezer cgroup; true once it is FROZEN (bounded: a few hundred reads). */
  private freeze(state: string): boolean {
    try {
      writeFileSync(state, 'FROZEN');
      for (let i = 0; i < 500; i++) {
        if (readText(state)?.trim() === 'FROZEN') return true;
      }
      return true; // FREEZING: still worth thawing afterwards
    } catch {
      return false;
    }
  }

  private thaw(state: string): void {
    try {
      writeFileSync(state, 'THAWED');
    } catch {
      // Gone: nothing left frozen.
    }
  }

  /** Polls until the container has no process, for at most MS; true when empty. */
  private waitEmpty(ms: number): Promise<boolean> {
    return waitNoProcesses(() => this.pids(), ms);
  }

  /**
   * Removes the container's cgroup directories (and any the container made below them),
   * retrying while exiting processes still hold them, for at most timeoutMs. The parent
   * (`micro-container`) stays: other containers live in it. Throws JailError when a
   * directory cannot be removed in time.
   */
  async remove(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    for (const leaf of this.leaves()) {
      for (const dir of subtree(leaf)) {
        for (;;) {
          try {
            rmdirSync(dir);
            break;
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'ENOENT') break;
            if (code !== 'EBUSY' || Date.now() >= deadline) {
              throw new JailError(`cannot remove the cgroup ${dir}: ${errText(e)}${code === 'EBUSY' ? ' (processes are still in it: stop the container first)' : ''}`);
            }
            await sleep(20);
          }
        }
      }
    }
  }

  /** The containers that have cgroups under PLACEMENT's parent, with their processes (for `ps`). */
  static list(layout: CgroupLayout = hostCgroupLayout(), placement: CgroupPlacement = {}): ContainerInfo[] {
    // The parents are where a container named '_' would be: its directories' parents.
    const probe = containerCgroupDirs(layout, 'x', placement);
    const parents = new Set([...(probe.v2 ? [probe.v2.parent] : []), ...Object.values(probe.v1).map((d) => path.dirname(d))]);
    const names = new Set<string>();
    for (const parent of parents) {
      try {
        for (const d of readdirSync(parent, { withFileTypes: true })) if (d.isDirectory()) names.add(d.name);
      } catch {
        // No container yet in that hierarchy.
      }
    }
    return [...names].sort().flatMap((name) => {
      try {
        return [{ name, pids: new ContainerCgroup(name, layout, placement).pids() }];
      } catch {
        return []; // not one of ours: a name we would not have made
      }
    });
  }
}
