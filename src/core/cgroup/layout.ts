/**
 * Where the host keeps its cgroups, read from /proc/self/mountinfo (pure: text in, layout
 * out). Hosts come in three shapes: cgroup v2 only (GitHub's ubuntu-24.04 runners), v1
 * controllers only (old distributions), and hybrid (v1 controllers plus a v2 tree with no
 * controllers, usually at /sys/fs/cgroup/unified, as on our own machines).
 */

/** One line of /proc/PID/mountinfo (see proc(5)). */
export interface MountinfoEntry {
  id: number;
  parentId: number;
  /** The directory of the filesystem that is mounted here (a cgroup path for cgroupfs). */
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-superblock options: for cgroup v1 these name the hierarchy's controllers. */
  superOptions: string[];
}

/** The kernel escapes space, tab, newline and backslash in paths as \ooo. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses mountinfo text; lines that are not mountinfo lines are skipped. */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const entries: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    // Optional fields (shared:N, master:N, ...) end at a lone '-'; it comes after field 6.
    const dash = f.indexOf('-', 6);
    if (dash < 0 || f.length < dash + 4) continue;
    const id = Number(f[0]);
    const parentId = Number(f[1]);
    if (!Number.isInteger(id) || !Number.isInteger(parentId)) continue;
    entries.push({
      id,
      parentId,
      root: unescapeOctal(f[3]),
      mountPoint: unescapeOctal(f[4]),
      fsType: f[dash + 1],
      source: unescapeOctal(f[dash + 2]),
      superOptions: f[dash + 3].split(','),
    });
  }
  return entries;
}

/** The v1 controllers micro-container uses (cpuacct: only for where it is co-mounted with cpu). */
export const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

export type CgroupMode = 'v2' | 'v1' | 'hybrid' | 'none';

export interface CgroupLayout {
  /**
   * v2: limits and tracking in the v2 tree. v1: limits and tracking in v1 hierarchies.
   * hybrid: limits in v1, and a v2 cgroup (no controllers) for tracking when writable.
   * none: no cgroup filesystem is mounted.
   */
  mode: CgroupMode;
  /** Mount point of the cgroup2 hierarchy, when mounted. */
  v2?: string;
  /** Mount point of the v1 hierarchy of each controller that has one. */
  v1: Partial<Record<V1Controller, string>>;
}

/**
 * Prefers the canonical place when a hierarchy is mounted more than once (a jail or a
 * container runtime may bind it elsewhere): /sys/fs/cgroup itself, then under it, then
 * the first one listed.
 */
function rank(mountPoint: string): number {
  if (mountPoint === '/sys/fs/cgroup') return 0;
  if (mountPoint.startsWith('/sys/fs/cgroup/')) return 1;
  return 2;
}

function better(current: string | undefined, candidate: string): boolean {
  return current === undefined || rank(candidate) < rank(current);
}

/** The host's cgroup layout from its mountinfo text. */
export function detectCgroupLayout(mountinfoText: string): CgroupLayout {
  let v2: string | undefined;
  const v1: Partial<Record<V1Controller, string>> = {};
  for (const m of parseMountinfo(mountinfoText)) {
    if (m.fsType === 'cgroup2') {
      if (better(v2, m.mountPoint)) v2 = m.mountPoint;
    } else if (m.fsType === 'cgroup') {
      for (const c of V1_CONTROLLERS) {
        if (m.superOptions.includes(c) && better(v1[c], m.mountPoint)) v1[c] = m.mountPoint;
      }
    }
  }
  // A v1 name=systemd hierarchy alone holds no controller: it does not make a host v1.
  const hasV1 = Object.keys(v1).length > 0;
  const mode: CgroupMode = hasV1 ? (v2 !== undefined ? 'hybrid' : 'v1') : v2 !== undefined ? 'v2' : 'none';
  return v2 !== undefined ? { mode, v2, v1 } : { mode, v1 };
}

/**
 * The cgroup of a process in each hierarchy, from /proc/PID/cgroup text ("ID:CONTROLLERS:PATH"
 * lines; ID 0 with no controllers is the v2 one). Used to place containers inside the
 * caller's own cgroups (a delegated subtree) instead of at each hierarchy's root.
 */
export interface OwnCgroups {
  v2?: string;
  v1: Partial<Record<V1Controller, string>>;
}

export function parseProcCgroup(text: string): OwnCgroups {
  const own: OwnCgroups = { v1: {} };
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers, cgPath] = m;
    if (id === '0' && controllers === '') {
      own.v2 = cgPath;
      continue;
    }
    for (const c of controllers.split(',')) {
      if ((V1_CONTROLLERS as readonly string[]).includes(c)) own.v1[c as V1Controller] = cgPath;
    }
  }
  return own;
}
