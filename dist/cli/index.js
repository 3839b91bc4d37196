#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ // The require scope
/******/ var __nccwpck_require__ = {};
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./src/core/errors.ts
/**
 * Typed errors, mapped once: to exit codes by the CLI (125 for anything that kept the
 * jail from being set up, as `docker run` does) and to core.setFailed by the action.
 */
class MicroContainerError extends Error {
    /** Exit status the CLI uses for this error. */
    exitCode = 125;
}
/** The user's input is wrong: an option, a path, a name. The message says what to fix. */
class errors_ConfigError extends MicroContainerError {
    name = 'ConfigError';
}
/** The jail could not be set up (mounts, namespaces, privileges). */
class errors_JailError extends MicroContainerError {
    name = 'JailError';
}
/** Root privileges are needed and could not be had (no root, no passwordless sudo). */
class PrivilegeError extends MicroContainerError {
    name = 'PrivilegeError';
}

;// CONCATENATED MODULE: ./src/core/cgroup/layout.ts
/**
 * Where the host keeps its cgroups, read from /proc/self/mountinfo (pure: text in, layout
 * out). Hosts come in three shapes: cgroup v2 only (GitHub's ubuntu-24.04 runners), v1
 * controllers only (old distributions), and hybrid (v1 controllers plus a v2 tree with no
 * controllers, usually at /sys/fs/cgroup/unified, as on our own machines).
 */
/** The kernel escapes space, tab, newline and backslash in paths as \ooo. */
function unescapeOctal(field) {
    return field.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
}
/** Parses mountinfo text; lines that are not mountinfo lines are skipped. */
function parseMountinfo(text) {
    const entries = [];
    for (const line of text.split('\n')) {
        const f = line.trim().split(' ');
        // Optional fields (shared:N, master:N, ...) end at a lone '-'; it comes after field 6.
        const dash = f.indexOf('-', 6);
        if (dash < 0 || f.length < dash + 4)
            continue;
        const id = Number(f[0]);
        const parentId = Number(f[1]);
        if (!Number.isInteger(id) || !Number.isInteger(parentId))
            continue;
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
const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'];
/**
 * Prefers the canonical place when a hierarchy is mounted more than once (a jail or a
 * container runtime may bind it elsewhere): /sys/fs/cgroup itself, then under it, then
 * the first one listed.
 */
function rank(mountPoint) {
    if (mountPoint === '/sys/fs/cgroup')
        return 0;
    if (mountPoint.startsWith('/sys/fs/cgroup/'))
        return 1;
    return 2;
}
function better(current, candidate) {
    return current === undefined || rank(candidate) < rank(current);
}
/** The host's cgroup layout from its mountinfo text. */
function detectCgroupLayout(mountinfoText) {
    let v2;
    const v1 = {};
    for (const m of parseMountinfo(mountinfoText)) {
        if (m.fsType === 'cgroup2') {
            if (better(v2, m.mountPoint))
                v2 = m.mountPoint;
        }
        else if (m.fsType === 'cgroup') {
            for (const c of V1_CONTROLLERS) {
                if (m.superOptions.includes(c) && better(v1[c], m.mountPoint))
                    v1[c] = m.mountPoint;
            }
        }
    }
    // A v1 name=systemd hierarchy alone holds no controller: it does not make a host v1.
    const hasV1 = Object.keys(v1).length > 0;
    const mode = hasV1 ? (v2 !== undefined ? 'hybrid' : 'v1') : v2 !== undefined ? 'v2' : 'none';
    return v2 !== undefined ? { mode, v2, v1 } : { mode, v1 };
}
function layout_parseProcCgroup(text) {
    const own = { v1: {} };
    for (const line of text.split('\n')) {
        const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
        if (!m)
            continue;
        const [, id, controllers, cgPath] = m;
        if (id === '0' && controllers === '') {
            own.v2 = cgPath;
            continue;
        }
        for (const c of controllers.split(',')) {
            if (V1_CONTROLLERS.includes(c))
                own.v1[c] = cgPath;
        }
    }
    return own;
}

;// CONCATENATED MODULE: ./src/core/cgroup/oom.ts
/**
 * How many processes the OOM killer killed in a memory cgroup, from the text of the file
 * that says so (pure):
 * - v2 `memory.events`: "oom_kill N" (this cgroup and those below it).
 * - v1 `memory.oom_control`: "oom_kill N" since Linux 4.13; before that only "under_oom 1"
 *   while an OOM is in progress, which counts as one.
 */
function countOomKills(file, text) {
    const value = (key) => {
        const m = text === undefined ? null : new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
        return m ? Number(m[1]) : 0;
    };
    return file === 'memory.events' ? value('oom_kill') : Math.max(value('oom_kill'), value('under_oom'));
}

;// CONCATENATED MODULE: ./src/core/cgroup/limits.ts

const UNITS = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** Below this a shell cannot start; docker refuses less than 6 MiB too. */
const MIN_MEMORY_BYTES = 6 * 1024 ** 2;
const MEMORY_FORMS = "a number of bytes with an optional unit b, k, m, g or t (1024-based; 'mb', 'MiB' also work), e.g. 512m, 1.5g, 1048576";
/** '512m', '1g', '1.5G', '256MiB', '1048576' -> bytes. */
function parseMemory(text) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(text);
    if (!m || (m[2] === '' && /[a-z]/i.test(text))) {
        throw new errors_ConfigError(`memory limit '${text}' is not valid: use ${MEMORY_FORMS}`);
    }
    const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
    if (!Number.isSafeInteger(bytes))
        throw new errors_ConfigError(`memory limit '${text}' is too large: use ${MEMORY_FORMS}`);
    if (bytes < MIN_MEMORY_BYTES)
        throw new errors_ConfigError(`memory limit '${text}' is too small: use at least 6m`);
    return bytes;
}
/** The CFS period docker and systemd use: 100 ms. */
const CPU_PERIOD_US = 100_000;
/** The kernel's smallest quota is 1 ms: 0.01 CPU at our period. */
const MIN_QUOTA_US = 1000;
/** '1.5' -> { quota: 150000, period: 100000 }: one and a half CPUs' time per period. */
function parseCpus(text) {
    const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*$/.exec(text);
    const cpus = m ? Number(m[1]) : NaN;
    if (!Number.isFinite(cpus)) {
        throw new errors_ConfigError(`CPU limit '${text}' is not valid: use a number of CPUs, e.g. 1, 1.5 or 0.25`);
    }
    const quota = Math.round(cpus * CPU_PERIOD_US);
    if (quota < MIN_QUOTA_US)
        throw new errors_ConfigError(`CPU limit '${text}' is too small: use at least 0.01`);
    if (cpus > 4096)
        throw new errors_ConfigError(`CPU limit '${text}' is too large: use at most 4096`);
    return { quota, period: CPU_PERIOD_US };
}
/** The kernel's PID_MAX_LIMIT on 64-bit. */
const MAX_PIDS = 4 * 1024 * 1024;
/** '100' -> 100. */
function parsePids(text) {
    const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PIDS) {
        throw new errors_ConfigError(`process limit '${text}' is not valid: use a whole number from 1 to ${MAX_PIDS}, e.g. 100`);
    }
    return n;
}
/** v2's cpu.max text: "QUOTA PERIOD". */
function cpuMaxText(cpu) {
    return `${cpu.quota} ${cpu.period}`;
}
/** Bytes the way people write them back: 64 MiB, 1.5 GiB, 4096 B. */
function formatBytes(bytes) {
    for (const [unit, size] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]]) {
        if (bytes >= size) {
            const v = bytes / size;
            return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
        }
    }
    return `${bytes} B`;
}
/** True when LIMITS asks for anything. */
function hasLimits(limits) {
    return limits.memoryBytes !== undefined || limits.pids !== undefined || limits.cpu !== undefined;
}

;// CONCATENATED MODULE: ./src/core/cgroup/plan.ts



/**
 * The cgroup set-up of one container as data (pure): the directories and the files to
 * write, in order. The same plan is carried out from Node (ContainerCgroup.create) or
 * rendered as sh (renderCgroupSetup) for a launcher that has no Node.
 */
/** The v1 hierarchies a container gets a directory in (cpuacct rides along with cpu when co-mounted). */
const V1_HIERARCHIES = ['memory', 'pids', 'cpu', 'freezer'];
const DEFAULT_PARENT = 'micro-container';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
/** Checks a container's cgroup name: one path component, no `.`/`..`. */
function checkCgroupName(name) {
    if (!NAME.test(name)) {
        throw new errors_ConfigError(`cgroup name '${name}' is not valid: use letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 200)`);
    }
}
function checkParent(parent) {
    const parts = parent.split('/');
    if (parent === '' || parts.some((p) => !NAME.test(p))) {
        throw new errors_ConfigError(`cgroup parent '${parent}' is not valid: use a relative path of names made of letters, digits, '.', '_' and '-', e.g. micro-container`);
    }
}
/** MOUNT joined with a cgroup path (absolute in its hierarchy) and more components. */
function under(mount, cgroupPath, ...rest) {
    return external_node_path_default().join(mount, cgroupPath ?? '/', ...rest);
}
/** Where a container's cgroup directories are, for LAYOUT and PLACEMENT. */
function containerCgroupDirs(layout, name, placement = {}) {
    checkCgroupName(name);
    const parent = placement.parent ?? DEFAULT_PARENT;
    checkParent(parent);
    const within = placement.within;
    const dirs = { name, v1: {} };
    if (layout.v2 !== undefined && (layout.mode === 'v2' || layout.mode === 'hybrid')) {
        const p = under(layout.v2, within?.v2, parent);
        dirs.v2 = { mount: layout.v2, parent: p, leaf: external_node_path_default().join(p, name), limits: layout.mode === 'v2' };
    }
    if (layout.mode === 'v1' || layout.mode === 'hybrid') {
        for (const h of V1_HIERARCHIES) {
            const mount = layout.v1[h];
            if (mount !== undefined)
                dirs.v1[h] = under(mount, within?.v1[h], parent, name);
        }
    }
    return dirs;
}
/** v2 controllers a container with LIMITS needs, in a fixed order. */
function v2Controllers(limits) {
    return [
        ...(limits.memoryBytes !== undefined ? ['memory'] : []),
        ...(limits.pids !== undefined ? ['pids'] : []),
        ...(limits.cpu !== undefined ? ['cpu'] : []),
    ];
}
/** Every directory from MOUNT down to DIR, MOUNT first. */
function ancestry(mount, dir) {
    const out = [mount];
    const rel = external_node_path_default().relative(mount, dir);
    let cur = mount;
    for (const part of rel === '' ? [] : rel.split('/'))
        out.push((cur = external_node_path_default().join(cur, part)));
    return out;
}
/**
 * The set-up of container NAME's cgroup with LIMITS. Throws JailError when the host has no
 * cgroup filesystem, or no v1 hierarchy for a limit asked for (a v2 controller that cannot
 * be enabled only shows when its subtree_control write fails).
 */
function plan_planCgroupSetup(layout, name, limits = {}, placement = {}) {
    const dirs = containerCgroupDirs(layout, name, placement);
    const steps = [];
    const join = [];
    if (layout.mode === 'none') {
        throw new errors_JailError('no cgroup filesystem is mounted, so the container cannot be tracked or limited: mount cgroup2 on /sys/fs/cgroup');
    }
    if (layout.mode === 'v2' && dirs.v2) {
        const { mount, parent, leaf } = dirs.v2;
        steps.push({ op: 'mkdir', path: parent });
        // v2's no-internal-process rule: a cgroup that hands controllers to its children holds
        // no process itself. So `micro-container` only holds containers, and each container is
        // a leaf; the controllers are enabled all the way down from the root.
        for (const c of v2Controllers(limits)) {
            for (const dir of ancestry(mount, parent))
                steps.push({ op: 'write', path: external_node_path_default().join(dir, 'cgroup.subtree_control'), value: `+${c}` });
        }
        steps.push({ op: 'mkdir', path: leaf });
        if (limits.memoryBytes !== undefined) {
            steps.push({ op: 'write', path: external_node_path_default().join(leaf, 'memory.max'), value: String(limits.memoryBytes) });
            // No swap beyond the limit: a build that outgrows it is killed, not slowed to a crawl.
            steps.push({ op: 'write', path: external_node_path_default().join(leaf, 'memory.swap.max'), value: '0', ifExists: true });
        }
        if (limits.pids !== undefined)
            steps.push({ op: 'write', path: external_node_path_default().join(leaf, 'pids.max'), value: String(limits.pids) });
        if (limits.cpu !== undefined)
            steps.push({ op: 'write', path: external_node_path_default().join(leaf, 'cpu.max'), value: cpuMaxText(limits.cpu) });
        join.push({ path: external_node_path_default().join(leaf, 'cgroup.procs') });
        return { dirs, steps, join };
    }
    // v1 (and hybrid): one directory per hierarchy, limits in the controller's own.
    const need = [
        ['memoryBytes', 'memory', '--memory'],
        ['pids', 'pids', '--pids'],
        ['cpu', 'cpu', '--cpus'],
    ];
    for (const [key, h, option] of need) {
        if (limits[key] !== undefined && dirs.v1[h] === undefined) {
            throw new errors_JailError(`${option} needs the ${h} cgroup controller, which this host has not mounted (no v1 ${h} hierarchy, and its cgroup v2 tree has no controllers)`);
        }
    }
    const seen = new Set();
    for (const h of V1_HIERARCHIES) {
        const dir = dirs.v1[h];
        if (dir === undefined || seen.has(dir))
            continue;
        seen.add(dir);
        steps.push({ op: 'mkdir', path: dir });
        join.push({ path: external_node_path_default().join(dir, 'cgroup.procs') });
    }
    if (limits.memoryBytes !== undefined) {
        const dir = dirs.v1.memory;
        // The memory limit first: memsw (memory + swap) may never be below it.
        steps.push({ op: 'write', path: external_node_path_default().join(dir, 'memory.limit_in_bytes'), value: String(limits.memoryBytes) });
        steps.push({ op: 'write', path: external_node_path_default().join(dir, 'memory.memsw.limit_in_bytes'), value: String(limits.memoryBytes), ifExists: true });
    }
    if (limits.pids !== undefined)
        steps.push({ op: 'write', path: external_node_path_default().join(dirs.v1.pids, 'pids.max'), value: String(limits.pids) });
    if (limits.cpu !== undefined) {
        const dir = dirs.v1.cpu;
        steps.push({ op: 'write', path: external_node_path_default().join(dir, 'cpu.cfs_period_us'), value: String(limits.cpu.period) });
        steps.push({ op: 'write', path: external_node_path_default().join(dir, 'cpu.cfs_quota_us'), value: String(limits.cpu.quota) });
    }
    if (dirs.v2) {
        // Hybrid: the v2 tree has no controllers, but its cgroup.procs (recursive listing) and
        // cgroup.kill track and end the processes cheaply. Best effort: it may not be writable.
        steps.push({ op: 'mkdir', path: dirs.v2.leaf, optional: true });
        join.push({ path: external_node_path_default().join(dirs.v2.leaf, 'cgroup.procs'), optional: true });
    }
    if (join.length === 0) {
        throw new errors_JailError('this host has no cgroup hierarchy to track the container in (neither cgroup v2 nor a v1 memory, pids, cpu or freezer hierarchy): mount cgroup2 on /sys/fs/cgroup');
    }
    return { dirs, steps, join };
}

;// CONCATENATED MODULE: ./src/core/cgroup/container-cgroup.ts







/** The running host's cgroup layout (reads /proc/self/mountinfo). */
function hostCgroupLayout() {
    return detectCgroupLayout((0,external_node_fs_namespaceObject.readFileSync)('/proc/self/mountinfo', 'utf8'));
}
/** This process's own cgroups (reads /proc/self/cgroup). */
function ownCgroups() {
    return parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
}
function errText(e) {
    const err = e;
    return err.code ? `${err.code} (${err.message.replace(/^[A-Z]+: /, '').replace(/, .*$/, '')})` : String(e);
}
function readText(file) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8');
    }
    catch {
        return undefined;
    }
}
/** DIR and every cgroup below it, deepest first (the order they can be removed in). */
function subtree(dir) {
    let children = [];
    try {
        children = (0,external_node_fs_namespaceObject.readdirSync)(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => external_node_path_default().join(dir, d.name));
    }
    catch {
        return [];
    }
    return [...children.flatMap(subtree), dir];
}
function signal(pid, sig) {
    try {
        process.kill(pid, sig);
    }
    catch {
        // Gone already (ESRCH): that is what we want.
    }
}
/**
 * One container's cgroup(s): set up from a plan, joined by pid, listed, killed, removed.
 * Works on the files under /sys/fs/cgroup directly (no process to start): what it needs
 * is root, or a delegated subtree.
 */
class ContainerCgroup {
    name;
    layout;
    placement;
    dirs;
    constructor(name, layout = hostCgroupLayout(), placement = {}) {
        this.name = name;
        this.layout = layout;
        this.placement = placement;
        this.dirs = containerCgroupDirs(layout, name, placement);
    }
    /** The set-up for LIMITS, as data (renderCgroupPlan turns it into sh). */
    plan(limits = {}) {
        return plan_planCgroupSetup(this.layout, this.name, limits, this.placement);
    }
    /** Every directory of this container, one per hierarchy (v2 leaf first). */
    leaves() {
        const all = [...(this.dirs.v2 ? [this.dirs.v2.leaf] : []), ...Object.values(this.dirs.v1)];
        return [...new Set(all)];
    }
    /** Creates the cgroups and writes LIMITS. On failure, undoes what it made and throws JailError. */
    create(limits = {}) {
        const plan = this.plan(limits);
        const existed = new Set(this.leaves().filter((d) => (0,external_node_fs_namespaceObject.existsSync)(d)));
        try {
            for (const s of plan.steps) {
                try {
                    if (s.op === 'mkdir')
                        (0,external_node_fs_namespaceObject.mkdirSync)(s.path, { recursive: true });
                    else if (!s.ifExists || (0,external_node_fs_namespaceObject.existsSync)(s.path))
                        (0,external_node_fs_namespaceObject.writeFileSync)(s.path, s.value ?? '');
                }
                catch (e) {
                    if (s.optional)
                        continue;
                    const what = s.op === 'mkdir' ? `cannot create the cgroup ${s.path}` : `cannot write '${s.value}' to ${s.path}`;
                    const hint = s.path.endsWith('cgroup.subtree_control')
                        ? ': the controller is not available there (bound to a cgroup v1 hierarchy?) or that cgroup holds processes (cgroup v2 lets only the root both hold processes and hand out controllers)'
                        : '';
                    throw new errors_JailError(`${what}: ${errText(e)}${hint}`);
                }
            }
        }
        catch (e) {
            for (const dir of this.leaves().filter((d) => !existed.has(d))) {
                try {
                    (0,external_node_fs_namespaceObject.rmdirSync)(dir);
                }
                catch {
                    // Not made, or not empty: remove() reports what is left.
                }
            }
            throw e;
        }
    }
    /** Moves process PID (all its threads) into the container's cgroups. */
    addProcess(pid) {
        for (const j of this.plan().join) {
            try {
                (0,external_node_fs_namespaceObject.writeFileSync)(j.path, String(pid));
            }
            catch (e) {
                if (!j.optional)
                    throw new errors_JailError(`cannot move process ${pid} into the cgroup ${external_node_path_default().dirname(j.path)}: ${errText(e)}`);
            }
        }
    }
    /** Whether any of the container's cgroup directories is there. */
    exists() {
        return this.leaves().some((d) => (0,external_node_fs_namespaceObject.existsSync)(d));
    }
    /** Every process in the container's cgroups and the cgroups below them, sorted. */
    pids() {
        const found = new Set();
        for (const leaf of this.leaves()) {
            for (const dir of subtree(leaf)) {
                for (const line of (readText(external_node_path_default().join(dir, 'cgroup.procs')) ?? '').split('\n')) {
                    if (line !== '')
                        found.add(Number(line));
                }
            }
        }
        return [...found].sort((a, b) => a - b);
    }
    /** How many processes the kernel's OOM killer killed in the container. */
    oomKills() {
        if (this.dirs.v2?.limits)
            return countOomKills('memory.events', readText(external_node_path_default().join(this.dirs.v2.leaf, 'memory.events')));
        const memory = this.dirs.v1.memory;
        return memory === undefined ? 0 : countOomKills('memory.oom_control', readText(external_node_path_default().join(memory, 'memory.oom_control')));
    }
    /** Whether the kernel's OOM killer killed any process of the container. */
    oomKilled() {
        return this.oomKills() > 0;
    }
    /**
     * Ends every process of the container: SIGTERM to each, a bounded wait, then SIGKILL to
     * whatever is left, until the cgroup is empty or killTimeoutMs has passed. SIGKILL goes
     * through cgroup.kill where the kernel has it (v2, 5.14+): atomic, even against a fork
     * bomb. Else, under v1, the freezer stops every process first, so none can fork between
     * reading the list and killing it; without a freezer, kill and re-read in a loop.
     */
    async killAll(options = {}) {
        const termTimeoutMs = options.termTimeoutMs ?? 10_000;
        const killTimeoutMs = options.killTimeoutMs ?? 10_000;
        const first = this.pids();
        if (first.length === 0)
            return { terminated: 0, killed: false, left: [] };
        if (termTimeoutMs > 0) {
            for (const pid of first)
                signal(pid, 'SIGTERM');
            if (await this.waitEmpty(termTimeoutMs))
                return { terminated: first.length, killed: false, left: [] };
        }
        const deadline = Date.now() + killTimeoutMs;
        for (;;) {
            this.killOnce();
            if (await this.waitEmpty(Math.min(50, Math.max(0, deadline - Date.now()))))
                break;
            if (Date.now() >= deadline)
                break;
        }
        return { terminated: termTimeoutMs > 0 ? first.length : 0, killed: true, left: this.pids() };
    }
    /** One round of SIGKILL to everything in the container. */
    killOnce() {
        const v2kill = this.dirs.v2 ? external_node_path_default().join(this.dirs.v2.leaf, 'cgroup.kill') : undefined;
        if (v2kill && (0,external_node_fs_namespaceObject.existsSync)(v2kill)) {
            try {
                (0,external_node_fs_namespaceObject.writeFileSync)(v2kill, '1');
            }
            catch {
                // Not writable (a hybrid host's tree we could not join): fall through.
            }
        }
        const freezer = this.dirs.v1.freezer;
        const state = freezer && external_node_path_default().join(freezer, 'freezer.state');
        const frozen = state !== undefined && this.freeze(state);
        try {
            for (const pid of this.pids())
                signal(pid, 'SIGKILL');
        }
        finally {
            // A frozen process dies of SIGKILL only once thawed.
            if (frozen)
                this.thaw(state);
        }
    }
    /** Freezes a v1 freezer cgroup; true once it is FROZEN (bounded: a few hundred reads). */
    freeze(state) {
        try {
            (0,external_node_fs_namespaceObject.writeFileSync)(state, 'FROZEN');
            for (let i = 0; i < 500; i++) {
                if (readText(state)?.trim() === 'FROZEN')
                    return true;
            }
            return true; // FREEZING: still worth thawing afterwards
        }
        catch {
            return false;
        }
    }
    thaw(state) {
        try {
            (0,external_node_fs_namespaceObject.writeFileSync)(state, 'THAWED');
        }
        catch {
            // Gone: nothing left frozen.
        }
    }
    /** Polls until the container has no process, for at most MS; true when empty. */
    async waitEmpty(ms) {
        const deadline = Date.now() + ms;
        for (;;) {
            if (this.pids().length === 0)
                return true;
            if (Date.now() >= deadline)
                return false;
            await (0,promises_namespaceObject.setTimeout)(Math.min(20, Math.max(1, deadline - Date.now())));
        }
    }
    /**
     * Removes the container's cgroup directories (and any the container made below them),
     * retrying while exiting processes still hold them, for at most timeoutMs. The parent
     * (`micro-container`) stays: other containers live in it. Throws JailError when a
     * directory cannot be removed in time.
     */
    async remove(options = {}) {
        const deadline = Date.now() + (options.timeoutMs ?? 5_000);
        for (const leaf of this.leaves()) {
            for (const dir of subtree(leaf)) {
                for (;;) {
                    try {
                        (0,external_node_fs_namespaceObject.rmdirSync)(dir);
                        break;
                    }
                    catch (e) {
                        const code = e.code;
                        if (code === 'ENOENT')
                            break;
                        if (code !== 'EBUSY' || Date.now() >= deadline) {
                            throw new errors_JailError(`cannot remove the cgroup ${dir}: ${errText(e)}${code === 'EBUSY' ? ' (processes are still in it: stop the container first)' : ''}`);
                        }
                        await (0,promises_namespaceObject.setTimeout)(20);
                    }
                }
            }
        }
    }
    /** The containers that have cgroups under PLACEMENT's parent, with their processes (for `ps`). */
    static list(layout = hostCgroupLayout(), placement = {}) {
        // The parents are where a container named '_' would be: its directories' parents.
        const probe = containerCgroupDirs(layout, 'x', placement);
        const parents = new Set([...(probe.v2 ? [probe.v2.parent] : []), ...Object.values(probe.v1).map((d) => external_node_path_default().dirname(d))]);
        const names = new Set();
        for (const parent of parents) {
            try {
                for (const d of (0,external_node_fs_namespaceObject.readdirSync)(parent, { withFileTypes: true }))
                    if (d.isDirectory())
                        names.add(d.name);
            }
            catch {
                // No container yet in that hierarchy.
            }
        }
        return [...names].sort().flatMap((name) => {
            try {
                return [{ name, pids: new ContainerCgroup(name, layout, placement).pids() }];
            }
            catch {
                return []; // not one of ours: a name we would not have made
            }
        });
    }
}

;// CONCATENATED MODULE: ./src/core/cgroup/exit-status.ts

/** What `docker run` and shells report for a process ended by SIGKILL, as the OOM killer does. */
const OOM_EXIT_STATUS = 137;
/**
 * The exit status and message of container NAME whose command ended with STATUS, given
 * whether the kernel's OOM killer killed one of its processes. A build whose compiler was
 * OOM-killed often exits 1 or 2 through make: it is reported as 137 with the reason, so
 * a CI log says "out of memory" instead of a compiler's half-sentence. Pure.
 */
function containerExit(name, status, oomKilled, limits = {}) {
    if (!oomKilled)
        return { status };
    const limit = limits.memoryBytes !== undefined ? ` (its memory limit is ${formatBytes(limits.memoryBytes)}: raise it with --memory)` : '';
    if (status === 0) {
        return { status, message: `container ${name}: a process was killed for lack of memory${limit}, but the command still succeeded` };
    }
    return { status: OOM_EXIT_STATUS, message: `container ${name} ran out of memory: the kernel's OOM killer killed a process${limit}; exit status ${OOM_EXIT_STATUS}` };
}

;// CONCATENATED MODULE: ./src/core/jail/config.ts
const NETWORK_MODES = ['host', 'none', 'private'];
const DEFAULT_LIBRARY_DIR = '/var/lib/micro-container';

;// CONCATENATED MODULE: ./src/core/identity.ts

/** Parses passwd(5) text. Pure. */
function parsePasswd(text) {
    const out = [];
    for (const line of text.split('\n')) {
        if (!line || line.startsWith('#'))
            continue;
        const f = line.split(':');
        if (f.length < 7)
            continue;
        const uid = Number(f[2]);
        const gid = Number(f[3]);
        if (!Number.isInteger(uid) || !Number.isInteger(gid))
            continue;
        out.push({ name: f[0], uid, gid, home: f[5], shell: f[6] });
    }
    return out;
}
/**
 * The invoking user from the environment and the host's passwd. Pure given its inputs:
 * under sudo (SUDO_UID set while we are root) it is the caller, as the original tool did,
 * so that `-u`, basedir and file ownership stay the caller's.
 */
function resolveInvoker(env, self, passwd) {
    const sudoUid = env.SUDO_UID !== undefined ? Number(env.SUDO_UID) : NaN;
    if (self.uid === 0 && Number.isInteger(sudoUid)) {
        const gid = Number.isInteger(Number(env.SUDO_GID)) ? Number(env.SUDO_GID) : sudoUid;
        const entry = passwd.find((p) => p.uid === sudoUid);
        return { uid: sudoUid, gid, name: entry?.name ?? env.SUDO_USER, home: entry?.home ?? `/home/${env.SUDO_USER ?? sudoUid}` };
    }
    const entry = passwd.find((p) => p.uid === self.uid);
    return { uid: self.uid, gid: self.gid, name: entry?.name, home: env.HOME || entry?.home || self.home };
}
/** The invoking user of this process. */
function currentInvoker() {
    let passwd = [];
    try {
        passwd = parsePasswd((0,external_node_fs_namespaceObject.readFileSync)('/etc/passwd', 'utf8'));
    }
    catch {
        // No readable passwd: numbers and $HOME are all we have.
    }
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    return resolveInvoker(process.env, { uid, gid, home: process.env.HOME ?? '/' }, passwd);
}

;// CONCATENATED MODULE: ./src/core/jail/host-facts.ts


/** The real host's answers to what buildSpec asks. */
function hostFacts(cwd = process.cwd()) {
    return {
        invoker: currentInvoker(),
        cwd,
        exists: (p) => (0,external_node_fs_namespaceObject.existsSync)(p),
        isDirectory: (p) => {
            try {
                return (0,external_node_fs_namespaceObject.statSync)(p).isDirectory();
            }
            catch {
                return false;
            }
        },
    };
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/core/cgroup/render.ts


/** WORD quoted for sh. */
function q(word) {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}
/**
 * A plan as sh: creates the cgroups, writes the limits, and moves the shell running it
 * (`$$`) into the container's cgroups, so everything it starts afterwards is inside.
 * Run it before the launcher starts anything else. A failed step ends the shell with 125
 * (set-up failure) and says what failed; optional steps fail silently.
 */
function renderCgroupPlan(plan) {
    const lines = [
        `# The cgroup of container ${plan.dirs.name}.`,
        `mc_cg_fail() { printf '%s: %s\\n' "\${MC_PROG:-micro-container}" "$*" >&2; exit 125; }`,
    ];
    for (const s of plan.steps) {
        const file = q(s.path);
        let cmd;
        let what;
        if (s.op === 'mkdir') {
            cmd = `mkdir -p -- ${file}`;
            what = `cannot create the cgroup ${s.path}`;
        }
        else {
            cmd = `echo ${q(s.value ?? '')} > ${file}`;
            what = `cannot write ${s.value} to ${s.path}`;
        }
        if (s.optional)
            lines.push(`{ ${cmd}; } 2>/dev/null || :`);
        else if (s.ifExists)
            lines.push(`[ ! -e ${file} ] || ${cmd} || mc_cg_fail ${q(what)}`);
        else
            lines.push(`${cmd} || mc_cg_fail ${q(what)}`);
    }
    for (const j of plan.join) {
        if (j.optional)
            lines.push(`{ echo $$ > ${q(j.path)}; } 2>/dev/null || :`);
        else
            lines.push(`echo $$ > ${q(j.path)} || mc_cg_fail ${q(`cannot move the launcher into the cgroup ${external_node_path_default().dirname(j.path)}`)}`);
    }
    return `${lines.join('\n')}\n`;
}
/** renderCgroupPlan(planCgroupSetup(...)): the sh that sets up container NAME's cgroup. */
function renderCgroupSetup(layout, name, limits = {}, placement = {}) {
    return renderCgroupPlan(planCgroupSetup(layout, name, limits, placement));
}

;// CONCATENATED MODULE: ./src/core/net/iface-names.ts


/** The bridge micro-container makes when the caller names none. */
const DEFAULT_BRIDGE = 'mc0';
/** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), and never '.', '..', '/', ':' or spaces. */
function validIfName(name) {
    return /^[A-Za-z0-9_.-]{1,15}$/.test(name) && name !== '.' && name !== '..';
}
function iface_names_checkBridgeName(bridge) {
    if (!validIfName(bridge))
        throw new ConfigError(`bridge name '${bridge}' is not a valid interface name: 1 to 15 of letters, digits, '_', '.' and '-'`);
}
/**
 * The host end of a container's veth pair: `mc` + 12 hex digits of a hash of the bridge
 * and container names. Container names reach 63 characters, interface names only 15, so
 * a hash it must be; deterministic so that detach finds the interface from the name
 * alone (after a crash too), and with 48 bits a clash needs millions of containers. The
 * bridge is in the hash so that two networks may each have a container 'build'.
 */
function hostVethName(bridge, container) {
    return `mc${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(`${bridge}\0${container}`).digest('hex').slice(0, 12)}`;
}
/**
 * What a bridge's alias (ifalias) says about who made it: the library directory whose
 * resources file hands out its addresses. Two library directories on one bridge would give
 * the same addresses and MACs to different containers on one wire, so ensureBridge
 * refuses a bridge whose alias names another. A path that ifalias cannot hold (over 255
 * bytes, or not printable ASCII) is named by a hash.
 */
function bridgeAlias(owner) {
    const plain = `micro-container ${owner}`;
    if (/^[\x20-\x7e]+$/.test(plain) && plain.length <= 255)
        return plain;
    return `micro-container sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(owner).digest('hex')}`;
}

;// CONCATENATED MODULE: ./src/core/net/nat-rules.ts
/** iptables rules: [table, chain, 'A'ppend or 'I'nsert first, match and target...]. */
function iptablesRules(pool, bridge) {
    const tag = ['-m', 'comment', '--comment', `micro-container ${bridge}`];
    return [
        // Leaving the pool through any other interface: take the outgoing interface's address.
        { table: 'nat', chain: 'POSTROUTING', position: 'A', rule: ['-s', pool, '!', '-o', bridge, ...tag, '-j', 'MASQUERADE'] },
        // From the bridge (out, or bridge to bridge when br_netfilter sends it through iptables).
        { table: 'filter', chain: 'FORWARD', position: 'I', rule: ['-i', bridge, ...tag, '-j', 'ACCEPT'] },
        // Replies coming back in.
        { table: 'filter', chain: 'FORWARD', position: 'I', rule: ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'] },
    ];
}
/**
 * Traffic between two ports of the bridge. Where br_netfilter is loaded (Docker loads it,
 * and sets bridge-nf-call-iptables=1), bridged frames go through iptables' FORWARD
 * chain, whose policy Docker sets to DROP: the containers could not reach each other
 * without this accept, NAT or not.
 */
function bridgeForwardRule(bridge) {
    return { table: 'filter', chain: 'FORWARD', rule: ['-i', bridge, '-o', bridge, '-m', 'comment', '--comment', `micro-container ${bridge}`, '-j', 'ACCEPT'] };
}
function bridgeForwardAddSteps(bridge) {
    const { table, chain, rule } = bridgeForwardRule(bridge);
    return [{ in: 'bridge', unless: ['iptables', '-w', '-t', table, '-C', chain, ...rule], run: ['iptables', '-w', '-t', table, '-I', chain, ...rule], why: `let the ports of ${bridge} reach each other through FORWARD` }];
}
function bridgeForwardRemoveSteps(bridge) {
    const { table, chain, rule } = bridgeForwardRule(bridge);
    return [{ in: 'bridge', onlyIf: ['iptables', '-w', '-t', table, '-C', chain, ...rule], run: ['iptables', '-w', '-t', table, '-D', chain, ...rule], why: `remove the FORWARD accept between the ports of ${bridge}` }];
}
/** The nft table that holds a bridge's NAT: nft names take letters, digits and '_'. */
function nftTableName(bridge) {
    return `micro_container_${bridge.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
/** The nft script that (re)creates the bridge's table: delete-then-create in one transaction. */
function nftNatScript(pool, bridge) {
    const t = nftTableName(bridge);
    return [
        `add table ip ${t}`,
        `delete table ip ${t}`,
        `table ip ${t} {`,
        `  chain postrouting { type nat hook postrouting priority srcnat; policy accept; ip saddr ${pool} oifname != "${bridge}" masquerade; }`,
        `  chain forward { type filter hook forward priority filter; policy accept; iifname "${bridge}" accept; oifname "${bridge}" ct state established,related accept; }`,
        '}',
    ].join('\n');
}
const FORWARDING = '/proc/sys/net/ipv4/ip_forward';
function nat_rules_natAddSteps(pool, bridge, backend) {
    // Forwarding is a property of the whole namespace (the host's, in production) that
    // other software may rely on too: it is turned on here and never turned off.
    const forwarding = { in: 'bridge', unless: ['grep', '-qx', '1', FORWARDING], run: ['sh', '-c', `echo 1 > ${FORWARDING}`], why: 'turn on IPv4 forwarding' };
    if (backend === 'nft')
        return [forwarding, { in: 'bridge', run: ['nft', nftNatScript(pool, bridge)], why: `NAT the pool ${pool} (nft table ${nftTableName(bridge)})` }];
    return [
        forwarding,
        ...iptablesRules(pool, bridge).map(({ table, chain, position, rule }) => ({
            in: 'bridge',
            unless: ['iptables', '-w', '-t', table, '-C', chain, ...rule],
            run: ['iptables', '-w', '-t', table, `-${position}`, chain, ...rule],
            why: `add the ${table} ${chain} rule for ${bridge}`,
        })),
    ];
}
function nat_rules_natRemoveSteps(pool, bridge, backend) {
    if (backend === 'nft') {
        const t = nftTableName(bridge);
        return [{ in: 'bridge', run: ['nft', `add table ip ${t}\ndelete table ip ${t}`], why: `remove the nft table ${t}` }];
    }
    return iptablesRules(pool, bridge).map(({ table, chain, rule }) => ({
        in: 'bridge',
        onlyIf: ['iptables', '-w', '-t', table, '-C', chain, ...rule],
        run: ['iptables', '-w', '-t', table, '-D', chain, ...rule],
        why: `remove the ${table} ${chain} rule for ${bridge}`,
    }));
}

;// CONCATENATED MODULE: ./src/core/net/steps.ts

/**
 * The network plumbing as data: one list of commands that Node runs (run-steps.ts) and
 * that the jail's sh launcher can run as text (net-script.ts), so the two never drift.
 * Pure.
 */
/** Stands for the container's pid in a command; Node puts the number, sh puts "$1". */
const steps_CONTAINER_PID = Symbol('container pid');
/**
 * Makes BRIDGE with the gateway address and brings it up; every step may run again.
 * ALIAS (bridgeAlias) marks whose network it is; the caller has checked that the bridge
 * has no other.
 */
function bridgeSteps(bridge, gatewayCidr, alias) {
    return [
        { in: 'bridge', unless: ['ip', 'link', 'show', 'dev', bridge], run: ['ip', 'link', 'add', 'name', bridge, 'type', 'bridge'], why: `create the bridge ${bridge}` },
        ...(alias === undefined ? [] : [{ in: 'bridge', run: ['ip', 'link', 'set', 'dev', bridge, 'alias', alias], why: `mark the bridge ${bridge} as '${alias}'` }]),
        // replace, not add: an address that is already there is success, not an error.
        { in: 'bridge', run: ['ip', 'addr', 'replace', gatewayCidr, 'dev', bridge], why: `give the bridge ${bridge} the gateway address ${gatewayCidr}` },
        { in: 'bridge', run: ['ip', 'link', 'set', 'dev', bridge, 'up'], why: `bring the bridge ${bridge} up` },
    ];
}
/**
 * Connects the container (by pid) to its bridge. The veth pair is made with its peer
 * already inside the container's namespace, named eth0 and with its MAC: nothing half-made
 * is ever left in the bridge's namespace under a temporary name, and the pair disappears
 * by itself with the container's namespace.
 */
function attachSteps(plan) {
    const veth = hostVethName(plan.bridge, plan.name);
    return [
        { in: 'bridge', run: ['ip', 'link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'address', plan.mac, 'netns', steps_CONTAINER_PID], why: `create the veth pair ${veth} / eth0 for '${plan.name}'` },
        { in: 'bridge', run: ['ip', 'link', 'set', 'dev', veth, 'master', plan.bridge], why: `put ${veth} on the bridge ${plan.bridge}` },
        { in: 'bridge', run: ['ip', 'link', 'set', 'dev', veth, 'up'], why: `bring ${veth} up` },
        { in: 'container', run: ['ip', 'link', 'set', 'dev', 'lo', 'up'], why: 'bring the loopback up in the container' },
        { in: 'container', run: ['ip', 'addr', 'replace', `${plan.ip}/${plan.prefix}`, 'dev', 'eth0'], why: `give eth0 the address ${plan.ip}/${plan.prefix}` },
        { in: 'container', run: ['ip', 'link', 'set', 'dev', 'eth0', 'up'], why: 'bring eth0 up' },
        { in: 'container', run: ['ip', 'route', 'replace', 'default', 'via', plan.gateway, 'dev', 'eth0'], why: `route through the gateway ${plan.gateway}` },
    ];
}
/** Removes the container's veth pair, if it is still there (it goes with a dead container's namespace). */
function detachSteps(bridge, name) {
    const veth = hostVethName(bridge, name);
    return [{ in: 'bridge', onlyIf: ['ip', 'link', 'show', 'dev', veth], run: ['ip', 'link', 'del', 'dev', veth], why: `remove the veth ${veth} of '${name}'` }];
}

;// CONCATENATED MODULE: ./src/core/net/net-script.ts




function word(w) {
    if (w === steps_CONTAINER_PID)
        return '"$1"';
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : shQuote(w);
}
function command(words, where, plan) {
    const prefix = where === 'container' ? 'nsenter --net=/proc/"$1"/ns/net ' : plan.netnsPid !== undefined ? `nsenter --net=/proc/${plan.netnsPid}/ns/net ` : '';
    return prefix + words.map(word).join(' ');
}
/**
 * One step as lines: the same guard / run / guard-again logic as runStep in Node. FAIL
 * is what a failure runs; INDENT goes before each line (not inside a quoted argument
 * that spans lines, such as nft's script).
 */
function line(step, plan, fail = 'return 1', indent = '  ') {
    const quiet = (words) => `${command(words, step.in, plan)} >/dev/null 2>&1`;
    const run = command(step.run, step.in, plan);
    const body = step.unless
        ? `${quiet(step.unless)} || ${run} || ${quiet(step.unless)} || ${fail}`
        : step.onlyIf
            ? `! ${quiet(step.onlyIf)} || ${run} || ! ${quiet(step.onlyIf)} || ${fail}`
            : `${run} || ${fail}`;
    return `${indent}# ${step.why.replace(/\n/g, ' ')}\n${indent}${body}`;
}
function renderNetScript(plan) {
    const veth = hostVethName(plan.bridge, plan.name);
    const bridgeCmd = (words) => command(words, 'bridge', plan);
    const notShared = ['/proc/self/ns/net', ...(plan.netnsPid === undefined ? [] : [`/proc/${plan.netnsPid}/ns/net`])].map((ns) => ` && [ "$mc_ns" != "$(readlink ${ns})" ]`).join('');
    const [create, ...configure] = attachSteps(plan);
    // As attach() does: a pair that could not be configured is deleted (both ends go).
    const undo = `{ ${bridgeCmd(['ip', 'link', 'del', 'dev', veth])} 2>/dev/null; return 1; }`;
    const alias = plan.owner === undefined ? undefined : bridgeAlias(plan.owner);
    const ownerCheck = alias === undefined
        ? []
        : [
            "  # the bridge must not be another library directory's network (see bridgeAlias)",
            `  mc_alias=$(${bridgeCmd(['ip', 'link', 'show', 'dev', plan.bridge])} 2>/dev/null | sed -n 's/^ *alias //p')`,
            `  [ -z "$mc_alias" ] || [ "$mc_alias" = ${shQuote(alias)} ] ||`,
            `    { echo "micro-container: the bridge ${plan.bridge} belongs to another network ('$mc_alias'): use that library directory, or give this one its own bridge and pool" >&2; return 1; }`,
        ];
    const forwardAdd = plan.forwardAccept ? bridgeForwardAddSteps(plan.bridge) : [];
    const removeRules = [...(plan.forwardAccept ? bridgeForwardRemoveSteps(plan.bridge) : []), ...(plan.nat ? nat_rules_natRemoveSteps(plan.nat.pool, plan.bridge, plan.nat.backend) : [])].map((s) => line(s, plan, 'return 1', '    '));
    return [
        `# micro-container network for '${plan.name}': ${plan.ip}/${plan.prefix} (${plan.mac}) on the bridge ${plan.bridge}, host end ${veth}`,
        'mc_net_up() {',
        // A pid whose namespace is the bridge's (or ours) would get eth0 and its default
        // route put into that namespace: the host's, in production.
        '  # the container must have a network namespace of its own',
        `  mc_ns=$(readlink /proc/"$1"/ns/net) && [ -n "$mc_ns" ]${notShared} ||`,
        `    { echo "micro-container: process $1 has no network namespace of its own" >&2; return 1; }`,
        ...ownerCheck,
        ...[...bridgeSteps(plan.bridge, plan.gatewayCidr, alias), ...forwardAdd, ...(plan.nat ? nat_rules_natAddSteps(plan.nat.pool, plan.bridge, plan.nat.backend) : []), create].map((s) => line(s, plan)),
        ...configure.map((s) => line(s, plan, undo)),
        '}',
        'mc_net_down() {',
        ...detachSteps(plan.bridge, plan.name).map((s) => line(s, plan)),
        // Also when the bridge is gone already (deleting it then fails quietly): its rules must not outlive it.
        '  # the bridge goes with its last port, and its rules with it',
        `  if ! ${bridgeCmd(['ip', 'link', 'show', 'dev', plan.bridge])} >/dev/null 2>&1 || [ -z "$(${bridgeCmd(['ip', '-o', 'link', 'show', 'master', plan.bridge])})" ]; then`,
        `    ${bridgeCmd(['ip', 'link', 'del', 'dev', plan.bridge])} 2>/dev/null || ! ${bridgeCmd(['ip', 'link', 'show', 'dev', plan.bridge])} >/dev/null 2>&1 || return 1`,
        ...removeRules,
        '  fi',
        '}',
        '',
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/core/jail/launcher-body.gen.ts
// Generated by scripts/embed-sh.mjs from the .sh files it names; edit those, not this one.
const SH_COMMON = "# ---------------------------------------------------------------------------\n# Shared by every launcher (the jail's and containerize's): sh only, no Node.\n# ---------------------------------------------------------------------------\n\n# The host's own tools first (pivot_root is in sbin, where sudo's or a caller's PATH may\n# not look; every failed lookup is a wasted execve).\nPATH=/usr/bin:/usr/sbin:/bin:/sbin:/usr/local/bin:/usr/local/sbin\nexport PATH\n\nmc_say() { printf '%s: %s\\n' \"${MC_PROG:-micro-container}\" \"$*\" >&2; }\nmc_die() { mc_say \"$*\"; exit 125; }\n\n# mc_q WORD: WORD quoted for sh, in MC_Q.\nmc_q() {\n  mc_s=$1 MC_Q=\n  while :; do\n    case $mc_s in\n      *\\'*) MC_Q=\"$MC_Q${mc_s%%\\'*}'\\\\''\"; mc_s=${mc_s#*\\'} ;;\n      *) MC_Q=\"'$MC_Q$mc_s'\"; return ;;\n    esac\n  done\n}\n\n# mc_starttime PID: the process's start time (clock ticks since boot), in MC_START; with\n# the pid it names one process for good, where a pid alone may be reused.\nmc_starttime() {\n  read -r mc_stat 2>/dev/null < \"/proc/$1/stat\" || return 1\n  mc_stat=${mc_stat##*) }\n  # shellcheck disable=SC2086\n  set -- $mc_stat\n  MC_START=${20}\n}\n\n# mc_resolve PATH LAYER...: PATH as the container sees it, with every symlink followed\n# inside the container (absolute targets start again at its root, `..` stops at it), in\n# MC_RES. LAYER... are searched top-down as overlayfs does; with MC_WHITEOUTS=1 a character\n# device in a layer is a whiteout that hides the layers below. Mount targets are resolved\n# this way, never by the host, so a root whose /etc or /proc is a symlink cannot make us\n# mount or create anything outside it.\nmc_resolve() {\n  mc_rest=$1 mc_path=$1 mc_cur= mc_links=0; shift\n  while :; do\n    while :; do case $mc_rest in /*) mc_rest=${mc_rest#/} ;; *) break ;; esac; done\n    [ -n \"$mc_rest\" ] || break\n    case $mc_rest in\n      */*) mc_c=${mc_rest%%/*} mc_rest=${mc_rest#*/} ;;\n      *) mc_c=$mc_rest mc_rest= ;;\n    esac\n    case $mc_c in\n      .) continue ;;\n      ..) mc_cur=${mc_cur%/*}; continue ;;\n    esac\n    mc_link=\n    for mc_l in \"$@\"; do\n      if [ -L \"$mc_l$mc_cur/$mc_c\" ]; then\n        mc_link=$(readlink -- \"$mc_l$mc_cur/$mc_c\") || return 1\n        break\n      elif [ -e \"$mc_l$mc_cur/$mc_c\" ]; then\n        break\n      fi\n    done\n    if [ -n \"$mc_link\" ]; then\n      mc_links=$((mc_links + 1))\n      [ \"$mc_links\" -le 40 ] || { mc_say \"too many levels of symbolic links in $mc_path\"; return 1; }\n      case $mc_link in /*) mc_cur= ;; esac\n      mc_rest=$mc_link/$mc_rest\n    else\n      mc_cur=$mc_cur/$mc_c\n    fi\n  done\n  MC_RES=${mc_cur:-/}\n}\n\n# mc_command ARGS...: the command, quoted, in MC_ARGV: the launcher's arguments, else\n# the built-in command (empty: the user's shell, decided by mc_command_default).\nmc_command() {\n  if [ \"$#\" -gt 0 ]; then\n    MC_ARGV=\n    for mc_a in \"$@\"; do mc_q \"$mc_a\"; MC_ARGV=\"$MC_ARGV $MC_Q\"; done\n  else\n    MC_ARGV=$MC_COMMAND\n  fi\n}\n";
const LAUNCHER_BODY = "# ---------------------------------------------------------------------------\n# The fixed part of every launcher. Above it, the generated prelude sets the MC_*\n# variables and the mc_volumes/mc_extra_env functions; nothing below depends on Node.\n#\n# Stages (one file, re-run by itself):\n#   main   on the host: lock, then create the jail (owner) or enter the live one (join)\n#   pid1   PID 1 of the jail: mounts, user lookup, starter, pivot_root, reaper\n#   keeper only with init/shutdown scripts: a copy of the pre-pivot mount namespace\n#          (host tree + mounted root) that runs them \"on the host\"\n# Every tool is the host's util-linux, run before the jail's root replaces the host's;\n# after pivot_root only sh builtins run, so the jail needs nothing of its own.\n# ---------------------------------------------------------------------------\n\n# mc_fsesc WORD: WORD escaped for an fstab field (space, tab, newline, backslash), in MC_E.\nmc_fsesc() {\n  case $1 in\n    *[\\ \\\t\\\\\\\n]*) ;;\n    *) MC_E=$1; return ;;\n  esac\n  mc_s=$1 MC_E=\n  while [ -n \"$mc_s\" ]; do\n    mc_c=${mc_s%\"${mc_s#?}\"}; mc_s=${mc_s#?}\n    case $mc_c in\n      ' ') MC_E=\"$MC_E\\\\040\" ;;\n      '\t') MC_E=\"$MC_E\\\\011\" ;;\n      '\\') MC_E=\"$MC_E\\\\134\" ;;\n      '\n') MC_E=\"$MC_E\\\\012\" ;;\n      *) MC_E=\"$MC_E$mc_c\" ;;\n    esac\n  done\n}\n\n# mc_exists PATH LAYER...: is there something at PATH (already resolved) in the layers?\nmc_exists() {\n  mc_p=$1; shift\n  for mc_l in \"$@\"; do\n    if [ -e \"$mc_l$mc_p\" ] || [ -L \"$mc_l$mc_p\" ]; then\n      [ \"$MC_WHITEOUTS\" = 1 ] && [ -c \"$mc_l$mc_p\" ] && [ \"$mc_l\" != \"$MC_BOTTOM\" ] && return 1\n      return 0\n    fi\n  done\n  return 1\n}\n\n# mc_layers: the layer list for mc_resolve before the overlay is mounted (upper first).\nmc_layers() {\n  mc_ifs=$IFS; IFS=:\n  # shellcheck disable=SC2086\n  set -- $MC_LOWERS\n  IFS=$mc_ifs\n  eval \"MC_BOTTOM=\\${$#}\"\n  MC_LAYER_ARGS=\"$MC_UPPER_Q\"\n  for mc_l in \"$@\"; do mc_q \"$mc_l\"; MC_LAYER_ARGS=\"$MC_LAYER_ARGS $MC_Q\"; done\n}\n\n# mc_fstab SOURCE GUEST TYPE OPTIONS: one line of the jail's fstab; GUEST is resolved\n# inside the root first. For a bind of a file onto a path that is missing, the empty\n# file is created in the upper layer (where overlayfs would have put it).\nmc_fstab() {\n  eval \"mc_resolve \\\"\\$2\\\" $MC_LAYER_ARGS\" || mc_die \"cannot resolve $2 inside the root\"\n  mc_t=$MC_RES\n  case $4 in\n    *X-mc.file*)\n      if ! eval \"mc_exists \\\"\\$mc_t\\\" $MC_LAYER_ARGS\"; then\n        mc_d=${mc_t%/*}\n        [ -d \"$MC_UPPER$mc_d\" ] || mkdir -p -- \"$MC_UPPER$mc_d\" || mc_die \"cannot create $mc_d in the upper layer\"\n        : > \"$MC_UPPER$mc_t\" || mc_die \"cannot create $mc_t in the upper layer\"\n      fi\n      set -- \"$1\" \"$2\" \"$3\" \"${4%,X-mc.file}\" ;;\n    *) set -- \"$1\" \"$2\" \"$3\" \"$4,X-mount.mkdir\" ;;\n  esac\n  mc_fsesc \"$1\"; mc_src=$MC_E\n  mc_fsesc \"$MC_ROOT$mc_t\"\n  printf '%s %s %s %s 0 0\\n' \"$mc_src\" \"$MC_E\" \"$3\" \"$4\" >&5\n}\n\n# mc_vol HOST GUEST ro|rw: a volume from the generated mc_volumes.\nmc_vol() {\n  [ -e \"$1\" ] || mc_die \"volume source $1 does not exist on the host (create it, or fix the -v option)\"\n  mc_o=rbind,nodev\n  [ \"$3\" = ro ] && mc_o=rbind,ro,nodev\n  if [ -d \"$1\" ]; then mc_fstab \"$1\" \"$2\" none \"$mc_o\"; else mc_fstab \"$1\" \"$2\" none \"$mc_o,X-mc.file\"; fi\n  if [ \"$3\" = ro ]; then mc_fsesc \"$MC_ROOT$mc_t\"; MC_RO_TARGETS=\"$MC_RO_TARGETS $MC_E\"; fi\n}\n\n# mount(8) 2.38 makes only the top of an rbind read-only: remount every mount that the\n# host had inside a :ro volume read-only as well.\nmc_ro_nested() {\n  while read -r _ _ _ _ mc_mp _; do\n    for mc_t in $MC_RO_TARGETS; do\n      case $mc_mp in \"$mc_t\"/*)\n        mc_p=$mc_mp; mc_unesc \"$mc_p\"\n        mount -o remount,bind,ro \"$MC_U\" || { mc_say \"cannot make $MC_U read-only\"; return 1; } ;;\n      esac\n    done\n  done < /proc/self/mountinfo\n}\n\n# mc_unesc WORD: undo mountinfo's octal escapes (\\040 and friends), in MC_U.\nmc_unesc() {\n  MC_U=$(printf '%b' \"$1\")\n}\n\n# mc_user ROOT: look up MC_USER (user[:group], names or numbers) in ROOT's own\n# /etc/passwd and /etc/group. Sets MC_UID MC_GID MC_GROUPS (comma list) MC_HOME MC_SHELL MC_UNAME.\nmc_user() {\n  mc_u=${MC_USER%%:*} mc_g=\n  case $MC_USER in *:*) mc_g=${MC_USER#*:} ;; esac\n  MC_UID= MC_GID= MC_HOME= MC_SHELL= MC_UNAME=\n  if [ -r \"$1/etc/passwd\" ]; then\n    while IFS=: read -r mc_n _ mc_i mc_pg _ mc_h mc_sh || [ -n \"$mc_n\" ]; do\n      if [ \"$mc_n\" = \"$mc_u\" ] || [ \"$mc_i\" = \"$mc_u\" ]; then\n        MC_UNAME=$mc_n MC_UID=$mc_i MC_GID=$mc_pg MC_HOME=$mc_h MC_SHELL=$mc_sh; break\n      fi\n    done < \"$1/etc/passwd\"\n  fi\n  if [ -z \"$MC_UID\" ]; then\n    case $mc_u in\n      ''|*[!0-9]*) mc_die \"user '$mc_u' is not in the container's /etc/passwd (use a number, or add the user to the root)\" ;;\n    esac\n    MC_UID=$mc_u MC_UNAME=$mc_u\n  fi\n  if [ -n \"$mc_g\" ]; then\n    mc_gid=\n    if [ -r \"$1/etc/group\" ]; then\n      while IFS=: read -r mc_n _ mc_i _ || [ -n \"$mc_n\" ]; do\n        if [ \"$mc_n\" = \"$mc_g\" ] || [ \"$mc_i\" = \"$mc_g\" ]; then mc_gid=$mc_i; break; fi\n      done < \"$1/etc/group\"\n    fi\n    if [ -z \"$mc_gid\" ]; then\n      case $mc_g in\n        *[!0-9]*) mc_die \"group '$mc_g' is not in the container's /etc/group (use a number, or add the group to the root)\" ;;\n      esac\n      mc_gid=$mc_g\n    fi\n    MC_GID=$mc_gid\n  fi\n  [ -n \"$MC_GID\" ] || MC_GID=$MC_UID\n  # Supplementary groups: the primary one, then every group that lists the user by name.\n  MC_GROUPS=$MC_GID\n  if [ \"$MC_UNAME\" != \"$MC_UID\" ] && [ -r \"$1/etc/group\" ]; then\n    while IFS=: read -r _ _ mc_i mc_m || [ -n \"$mc_i\" ]; do\n      case \",$mc_m,\" in *\",$MC_UNAME,\"*) case \",$MC_GROUPS,\" in *\",$mc_i,\"*) ;; *) MC_GROUPS=$MC_GROUPS,$mc_i ;; esac ;; esac\n    done < \"$1/etc/group\"\n  fi\n  [ -n \"$MC_HOME\" ] || MC_HOME=/\n  [ -n \"$MC_SHELL\" ] || MC_SHELL=/bin/sh\n}\n\n# mc_scrub: unset every exported variable; the command gets exactly the env we build.\nmc_scrub() {\n  mc_list=$(export -p)\n  mc_ifs=$IFS IFS='\n'\n  set -f\n  for mc_l in $mc_list; do\n    case $mc_l in\n      'export '*|'declare -x '*)\n        mc_l=${mc_l#export }; mc_l=${mc_l#declare -x }; mc_n=${mc_l%%=*}\n        case $mc_n in ''|*[!A-Za-z0-9_]*) ;; *) unset \"$mc_n\" ;; esac ;;\n    esac\n  done 2>/dev/null\n  set +f\n  IFS=$mc_ifs\n}\n\n# mc_env: the command's environment (call after mc_user, in the process that execs).\nmc_env() {\n  mc_term=${TERM:-}\n  # The CLI starts us with a known environment (MC_CLEAN_ENV): unsetting those few is\n  # enough. By hand, anything may be exported: scrub it all.\n  if [ \"${MC_CLEAN_ENV:-}\" = 1 ]; then\n    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE MC_ARGV TERM PATH MC_KUID MC_KGID MC_JOIN_ONLY\n  else\n    mc_scrub\n  fi\n  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n  export HOME=\"$MC_HOME\" USER=\"$MC_UNAME\" LOGNAME=\"$MC_UNAME\" HOSTNAME=\"$MC_HOSTNAME\"\n  [ -n \"$mc_term\" ] && export TERM=\"$mc_term\"\n  [ \"$MC_LOGIN\" = 1 ] && export SHELL=\"$MC_SHELL\"\n  mc_extra_env\n}\n\n# After mc_user: no command means the user's shell from the container's /etc/passwd,\n# a login shell (-l) with `-`; interactive by itself when stdin is a terminal.\nmc_command_default() {\n  [ -n \"$MC_ARGV\" ] && return 0\n  mc_q \"$MC_SHELL\"; MC_ARGV=$MC_Q\n  [ \"$MC_LOGIN\" = 1 ] && MC_ARGV=\"$MC_ARGV -l\"\n  return 0\n}\n\n# mc_cwd: where the command starts: -w, else HOME for a login shell or when it exists, else /.\nmc_cwd() {\n  if [ -n \"$MC_WORKDIR\" ]; then MC_CWD=$MC_WORKDIR\n  elif [ -d \"$1$MC_HOME\" ]; then MC_CWD=$MC_HOME\n  else MC_CWD=/\n  fi\n}\n\n# ------------------------------------------------------------------ stage: pid1\n# PID 1 of the jail, in fresh mount/pid/uts/ipc namespaces. fd 4: messages to the\n# launcher (`up`); stdin: the lifeline (EOF = the launcher is gone); fd 7: the user's stdin.\nmc_stage_pid1() {\n  cd -P /proc/self && MC_HP=${PWD##*/}   # our pid on the host: /proc is still the host's\n  cd / || exit 125\n  exec 8>&- 9>&- 6<> \"$MC_STATE/go\" 3<> \"$MC_STATE/started\"\n  # The lifeline watcher: \"signal NAME\" lines are passed to the launcher's loop, which\n  # signals the command; EOF means whoever started us is gone: everything inside dies.\n  exec 5<&0 0</dev/null\n  {\n    while read -r mc_l <&5; do\n      case $mc_l in 'signal '*) echo \"$mc_l\" >&4 ;; esac\n    done\n    kill -KILL -1; echo abort >&6\n  } &\n  mc_watcher=$!\n  exec 5<&-\n  if [ \"$MC_RM\" = 1 ]; then mc_rm_layer || { mc_say \"cannot make the throwaway upper layer\"; echo \"exit 125\" >&4; exit 125; }; fi\n  mc_mount || { echo \"exit 125\" >&4; exit 125; }\n  # Our own network namespace (none, private): its loopback starts down.\n  if [ \"$MC_NET\" != host ]; then ip link set dev lo up || { mc_say \"cannot bring up lo in the container\"; echo \"exit 125\" >&4; exit 125; }; fi\n  printf '%s\\n' \"$MC_HOSTNAME\" > /proc/sys/kernel/hostname 2>/dev/null\n  mc_user \"$MC_ROOT\"\n  mc_cwd \"$MC_ROOT\"\n  mc_command_default\n  if [ -n \"$MC_INIT$MC_SHUTDOWN\" ]; then\n    echo \"mounted $MC_HP $MC_UID $MC_GID\" >&4\n    read -r mc_x <&6 && [ \"$mc_x\" = pivot ] || exit 125\n  fi\n  eval \"set -- $MC_ARGV\"\n  # Two processes run side by side, as a pipeline (not `&`: an async list would start\n  # the command with SIGINT ignored). The starter is forked, or exec'd through setpriv,\n  # while the host's tools are still reachable, says its host pid, and waits for `go`.\n  # The pivoter then calls pivot_root, which moves us and the starter into the jail's\n  # root, and reports; the launcher detaches the old root and says `go`.\n  mc_pivoter | mc_starter \"$@\"\n  mc_st=$?\n  # Stay, reaping orphans, until the launcher's loop ends the jail with SIGUSR1 (once\n  # joined sessions have left and the shutdown script has run); our exit status is the\n  # launcher's, and our exit makes the kernel kill whatever is left inside.\n  trap 'exit \"$mc_st\"' USR1\n  echo \"done $mc_st\" >&4\n  exec 4>&- 6>&- 3>&-\n  wait \"$mc_watcher\"\n  exit 137\n}\n\nmc_pivoter() {\n  exec >/dev/null\n  read -r mc_cp <&3 || { echo abort >&6; exit 125; }\n  # On failure the starter is told to give up (it is blocked reading fd 6), so the\n  # pipeline, and PID 1 with it, ends with 125.\n  cd \"$MC_ROOT\" && pivot_root . . || { mc_say \"pivot_root into $MC_ROOT failed\"; echo abort >&6; exit 125; }\n  cd /\n  echo \"ready $MC_HP $mc_cp\" >&4\n}\n\nmc_starter() {\n  exec 4>&- 0<&7 7<&-\n  mc_env\n  if [ \"$MC_UID\" = 0 ]; then\n    cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n    read -r mc_x <&6; exec 6<&-\n    [ \"$mc_x\" = go ] || exit 125\n    cd -- \"$MC_CWD\" 2>/dev/null || { mc_say \"workdir $MC_CWD does not exist in the container (create it, or fix -w)\"; exit 125; }\n    exec \"$@\"\n  fi\n  export MC_CWD\n  exec setpriv --reuid=\"$MC_UID\" --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs --inh-caps=-all \\\n    -- /bin/sh -c 'cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n      read -r x <&6; exec 6<&-\n      [ \"$x\" = go ] || exit 125\n      cd -- \"$MC_CWD\" 2>/dev/null || { printf \"micro-container: workdir %s is not there for this user (create it, or fix -w)\\n\" \"$MC_CWD\" >&2; exit 125; }\n      unset MC_CWD; exec \"$@\"' mc-starter \"$@\"\n}\n\n# Mount everything the jail needs in one mount(8) call (each exec costs ~1 ms).\nmc_mount() {\n  mc_layers\n  MC_WHITEOUTS=1\n  exec 5> \"$MC_STATE/fstab\"\n  mc_fsesc \"$MC_LOWERS\"; mc_lo=$MC_E\n  mc_fsesc \"$MC_UPPER\"; mc_up=$MC_E\n  mc_fsesc \"$MC_WORK\"; mc_wk=$MC_E\n  mc_fsesc \"$MC_ROOT\"\n  printf 'overlay %s overlay lowerdir=%s,upperdir=%s,workdir=%s 0 0\\n' \"$MC_E\" \"$mc_lo\" \"$mc_up\" \"$mc_wk\" >&5\n  mc_fstab proc /proc proc nosuid,nodev,noexec\n  mc_fstab sysfs /sys sysfs ro,nosuid,nodev,noexec\n  mc_fstab \"$MC_STATE/dev\" /dev none bind\n  mc_dev=$MC_ROOT$MC_RES\n  read -r mc_kind < \"$MC_STATE/dev/.mc-skeleton\"\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do\n      mc_fsesc \"$mc_dev/$mc_n\"; printf '/dev/%s %s none bind 0 0\\n' \"$mc_n\" \"$MC_E\" >&5\n    done\n  fi\n  mc_fsesc \"$mc_dev\"\n  printf 'devpts %s/pts devpts newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec 0 0\\n' \"$MC_E\" >&5\n  printf 'tmpfs %s/shm tmpfs mode=1777,nosuid,nodev 0 0\\n' \"$MC_E\" >&5\n  printf 'mqueue %s/mqueue mqueue nosuid,nodev,noexec 0 0\\n' \"$MC_E\" >&5\n  mc_fstab tmpfs /tmp tmpfs mode=1777,nosuid,nodev\n  mc_fstab \"$MC_STATE/hosts\" /etc/hosts none bind,X-mc.file\n  mc_fstab \"$MC_STATE/resolv.conf\" /etc/resolv.conf none bind,X-mc.file\n  MC_RO_TARGETS=\n  mc_volumes\n  exec 5>&-\n  mount -c -a -T \"$MC_STATE/fstab\" || { mc_mount_diagnose; return 1; }\n  [ -z \"$MC_RO_TARGETS\" ] || mc_ro_nested\n}\n\n# Only after a failure: say which rule was broken, in words a user can act on.\nmc_mount_diagnose() {\n  mc_ifs=$IFS; IFS=:\n  for mc_l in $MC_LOWERS; do\n    [ -d \"$mc_l\" ] || mc_say \"lowerdir $mc_l is not a directory\"\n  done\n  IFS=$mc_ifs\n  if [ \"$(stat -c %d -- \"$MC_UPPER\")\" != \"$(stat -c %d -- \"$MC_WORK\")\" ]; then\n    mc_say \"upperdir $MC_UPPER and workdir $MC_WORK are on different filesystems; overlayfs needs them on the same one (move -b basedir)\"\n  fi\n  case $(stat -f -c %T -- \"$MC_UPPER\") in\n    overlayfs) mc_say \"upperdir $MC_UPPER is on an overlay filesystem, which overlayfs cannot use as an upper layer (use a -b basedir on a real filesystem)\" ;;\n  esac\n  mc_say \"could not mount the jail's filesystems (see mount's message above)\"\n}\n\n# A throwaway upper layer (--rm) lives on a tmpfs in the jail's own mount namespace, so\n# it is gone with the jail, also after SIGKILL.\nmc_rm_layer() {\n  mount -t tmpfs -o mode=0700 tmpfs \"$MC_STATE/rm\" && mkdir -m 0755 -- \"$MC_UPPER\" && mkdir -m 0700 -- \"$MC_WORK\"\n}\n\n# PID 1 stops reading here: the rest of the file is for the launcher on the host.\ncase ${MC_STAGE:-main} in pid1) mc_stage_pid1; exit ;; esac\n\n# mc_copy SRC DST: copy a small text file with builtins (no cp: every exec costs a ms).\nmc_copy() {\n  : > \"$2\"\n  [ -r \"$1\" ] || return 0\n  while IFS= read -r mc_line || [ -n \"$mc_line\" ]; do printf '%s\\n' \"$mc_line\"; done < \"$1\" >> \"$2\"\n}\n\n# The per-container /dev skeleton, made once: the usual symlinks, pts/shm/mqueue, and\n# real device nodes for null zero full random urandom tty, so a run binds one directory\n# instead of six devices. Where librarydir's filesystem is mounted nodev, the nodes would\n# not work: then they are empty files that the host's devices are bound onto at each run.\nmc_dev_skeleton() {\n  mc_kind=\n  read -r mc_kind 2>/dev/null < \"$MC_STATE/dev/.mc-skeleton\"\n  case $mc_kind in nodes|binds) return 0 ;; esac\n  mc_new=$MC_STATE/dev.new\n  rm -rf -- \"$mc_new\" && mkdir -p -m 0755 -- \"$mc_new/pts\" \"$mc_new/shm\" \"$mc_new/mqueue\" || return 1\n  ln -s /proc/self/fd \"$mc_new/fd\" && ln -s /proc/self/fd/0 \"$mc_new/stdin\" &&\n    ln -s /proc/self/fd/1 \"$mc_new/stdout\" && ln -s /proc/self/fd/2 \"$mc_new/stderr\" &&\n    ln -s pts/ptmx \"$mc_new/ptmx\" && ln -s /proc/kcore \"$mc_new/core\" || return 1\n  mc_kind=nodes\n  mknod -m 0666 \"$mc_new/null\" c 1 3 && mknod -m 0666 \"$mc_new/zero\" c 1 5 && mknod -m 0666 \"$mc_new/full\" c 1 7 &&\n    mknod -m 0666 \"$mc_new/random\" c 1 8 && mknod -m 0666 \"$mc_new/urandom\" c 1 9 && mknod -m 0666 \"$mc_new/tty\" c 5 0 &&\n    { : > \"$mc_new/null\"; } 2>/dev/null || mc_kind=binds\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do rm -f -- \"$mc_new/$mc_n\" && : > \"$mc_new/$mc_n\" || return 1; done\n  fi\n  echo \"$mc_kind\" > \"$mc_new/.mc-skeleton\"\n  rm -rf -- \"$MC_STATE/dev\" && mv -- \"$mc_new\" \"$MC_STATE/dev\"\n}\n\n# ------------------------------------------------------------------ stage: keeper\n# A copy of PID 1's mount namespace taken before pivot_root: the host's tree with the\n# container's root mounted at MC_ROOT, where init and shutdown scripts run. Its stdin is\n# the `keep` fifo; EOF or \"shutdown\" runs the shutdown script, so it runs whatever happened.\nmc_stage_keeper() {\n  exec 4> \"$MC_STATE/up\"\n  mc_st=0\n  if [ -n \"$MC_INIT\" ]; then\n    \"$MC_INIT\" init \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"init $mc_st\" >&4\n  read -r _ || :\n  mc_st=0\n  if [ -n \"$MC_SHUTDOWN\" ]; then\n    \"$MC_SHUTDOWN\" shutdown \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"shutdown $mc_st\" >&4\n}\n\n# ------------------------------------------------------------------ stage: main\n# basedir first: when librarydir is the same directory, basedir's creation wins.\nmc_prepare_dirs() {\n  if [ ! -d \"$MC_BASE\" ]; then\n    mkdir -p -- \"$MC_BASE\" && chown -- \"$MC_OWNER\" \"$MC_BASE\" || mc_die \"cannot create basedir $MC_BASE\"\n  fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_APPDIR\" ]; then\n    mkdir -p -- \"$MC_APPDIR\" && chown -- \"$MC_OWNER\" \"$MC_APPDIR\" || mc_die \"cannot create appdir $MC_APPDIR\"\n  fi\n  if [ ! -d \"$MC_LIB\" ]; then\n    mkdir -p -m 0700 -- \"$MC_LIB\" || mc_die \"cannot create librarydir $MC_LIB\"\n  fi\n  if [ ! -d \"$MC_STATE/root\" ]; then\n    mkdir -p -m 0700 -- \"$MC_STATE/root\" || mc_die \"cannot create $MC_STATE\"\n  fi\n  for mc_f in up go started life keep; do\n    [ -p \"$MC_STATE/$mc_f\" ] || mkfifo -m 0600 -- \"$MC_STATE/$mc_f\" || mc_die \"cannot create $MC_STATE/$mc_f\"\n  done\n  mc_dev_skeleton || mc_die \"cannot create the /dev skeleton in $MC_STATE\"\n  if [ \"$MC_RM\" = 1 ] && [ ! -d \"$MC_STATE/rm\" ]; then mkdir -m 0700 -- \"$MC_STATE/rm\" || mc_die \"cannot create $MC_STATE/rm\"; fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_WORK\" ]; then\n    # The upper layer's top directory is what the container's / looks like: root's, 0755.\n    mkdir -p -m 0755 -- \"$MC_UPPER\" && mkdir -p -m 0700 -- \"$MC_WORK\" || mc_die \"cannot create $MC_UPPER and $MC_WORK\"\n  fi\n}\n\nmc_join() {\n  mc_hp=$1\n  mc_user \"/proc/$mc_hp/root\"\n  MC_WHITEOUTS=0\n  mc_cwd \"/proc/$mc_hp/root\"\n  mc_resolve \"$MC_CWD\" \"/proc/$mc_hp/root\" || exit 125\n  MC_CWD=$MC_RES\n  mc_command_default\n  eval \"set -- $MC_ARGV\"\n  exec 9>&-\n  # Into the container's cgroup (so stop ends this session too) and, when it has one,\n  # its network namespace.\n  mc_cg_join\n  mc_nsn=\n  [ \"$MC_NET\" = host ] || mc_nsn=-n\n  mc_env\n  if [ \"$MC_UID\" = 0 ]; then\n    exec nsenter -t \"$mc_hp\" $mc_nsn -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S 0 -G 0 -- \"$@\"\n  fi\n  exec setpriv --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs \\\n    nsenter -t \"$mc_hp\" $mc_nsn -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S \"$MC_UID\" -- \"$@\"\n}\n\nmc_stage_main() {\n  # `-O /`: we own the host's root directory, i.e. we are root (a builtin, no fork).\n  [ -O / ] || mc_die \"the launcher must run as root (try: sudo sh $0)\"\n  mc_prepare_dirs\n  exec 9>> \"$MC_STATE/lock\"\n  mc_command \"$@\"\n  mc_tries=0\n  until flock -n 9; do\n    # The container is up: join it. Starting or stopping: wait for it.\n    if read -r mc_hp mc_st0 2>/dev/null < \"$MC_STATE/pid1\" && mc_starttime \"$mc_hp\" && [ \"$MC_START\" = \"$mc_st0\" ]; then\n      mc_join \"$mc_hp\"\n    fi\n    [ \"$mc_tries\" = 0 ] && mc_say \"container ${MC_NAME:-app} is starting or stopping; waiting\"\n    mc_tries=$((mc_tries + 1))\n    [ \"$mc_tries\" -le 600 ] || mc_die \"container ${MC_NAME:-app} stayed busy for 60 s; is a launcher stuck? (see $MC_STATE)\"\n    sleep 0.1\n  done\n  # `micro-container exec`: only ever join; never start a container that is not running.\n  [ \"${MC_JOIN_ONLY:-}\" != 1 ] || mc_die \"container ${MC_NAME:-app} is not running (start it with micro-container run -n ${MC_NAME:-NAME} ...)\"\n  mc_own\n}\n\n# We hold the lock (fd 9) until we exit. The launcher's own process becomes the jail's\n# `unshare` (so its exit status is the command's, and killing it kills the jail:\n# --kill-child); a loop beside it answers PID 1's messages on the `up` fifo.\nmc_own() {\n  # The container's own copies of the host's /etc/hosts and /etc/resolv.conf: made anew\n  # when the host's change, kept (with what the container wrote) otherwise.\n  # With a private network the CLI wrote it: the other containers by name.\n  if [ \"$MC_NET\" != private ] && ! [ \"$MC_STATE/hosts\" -nt /etc/hosts ]; then\n    mc_copy /etc/hosts \"$MC_STATE/hosts\"\n    printf '127.0.1.1\\t%s\\n' \"$MC_HOSTNAME\" >> \"$MC_STATE/hosts\"\n  fi\n  [ \"$MC_STATE/resolv.conf\" -nt /etc/resolv.conf ] || mc_copy /etc/resolv.conf \"$MC_STATE/resolv.conf\"\n  exec 4<> \"$MC_STATE/up\" 7<&0\n  # The loop is an async list (SIGINT ignored there, which suits teardown); the jail is\n  # not, so the command starts with the signal dispositions we were given.\n  # It holds the lock too, so the next run of this container waits until it is gone.\n  # (exec, not redirections on the call: dash would keep saved copies of the fds open.)\n  # After the jail, the loop also removes what it leaves on the host: the cgroup and the\n  # veth (and the bridge when unused), whatever ended it, SIGKILL of the CLI included.\n  : > \"$MC_STATE/oom\"\n  ( exec 4>&- 7<&- < \"$MC_STATE/up\"; mc_loop; mc_cleanup ) &\n  # The cgroup after the loop is forked (the loop stays out of it, so killing everything\n  # in the cgroup never kills the cleanup), before unshare: PID 1 and all below are in.\n  # An empty cgroup left by a crash goes first, so its OOM count starts at zero.\n  mc_cg_remove 1\n  mc_cg_setup\n  export MC_ARGV MC_STAGE=pid1\n  set -- --pid --fork --mount --uts --ipc --kill-child --propagation private\n  [ \"$MC_NET\" = host ] || set -- \"$@\" --net\n  if [ -n \"${MC_LIFELINE_FD:-}\" ]; then\n    eval \"exec unshare \\\"\\$@\\\" -- /bin/sh \\\"\\$0\\\" <&$MC_LIFELINE_FD\"\n  fi\n  # By hand: the lifeline is a fifo that only we (then our unshare) hold open.\n  exec 8<> \"$MC_STATE/life\"\n  exec unshare \"$@\" -- /bin/sh \"$0\" < \"$MC_STATE/life\"\n}\n\n# mc_cg_remove TRIES: removes the container's cgroup directories, trying TRIES times\n# 0.1 s apart while the last processes leave them.\nmc_cg_remove() {\n  eval \"set -- $1 $MC_CG_DIRS\"\n  mc_n=$1; shift\n  for mc_d in \"$@\"; do\n    mc_t=1\n    while [ -d \"$mc_d\" ] && ! rmdir -- \"$mc_d\" 2>/dev/null; do\n      [ \"$mc_t\" -lt \"$mc_n\" ] || { [ \"$mc_n\" = 1 ] || mc_say \"cannot remove the cgroup $mc_d: processes are still in it\"; break; }\n      mc_t=$((mc_t + 1)); sleep 0.1\n    done\n  done\n}\n\n# mc_net_locked up PID | down: the network plumbing under the network's lock (the same\n# flock the CLI takes to allocate addresses), so a bridge is never removed under a\n# container that is being attached to it.\nmc_net_locked() {\n  exec 6>> \"$MC_LIB/network.lock\" || return 1\n  flock -w 60 6 || { mc_say \"timed out waiting for $MC_LIB/network.lock\"; exec 6>&-; return 1; }\n  \"mc_net_$1\" \"${2:-}\"; mc_r=$?\n  exec 6>&-\n  return \"$mc_r\"\n}\n\n# In the loop's process, once the jail has ended: wait for the launcher (now unshare, $$)\n# to be gone, keep the OOM count, remove the cgroup, disconnect from the bridge.\nmc_cleanup() {\n  mc_t=0\n  while [ \"$mc_t\" -lt 300 ]; do\n    read -r mc_stat 2>/dev/null < \"/proc/$$/stat\" || break\n    mc_stat=${mc_stat##*) }\n    case $mc_stat in [ZX]*) break ;; esac\n    mc_t=$((mc_t + 1)); sleep 0.1\n  done\n  [ -z \"$MC_CG_OOM\" ] || mc_copy \"$MC_CG_OOM\" \"$MC_STATE/oom\"\n  mc_cg_remove 50\n  if [ \"$MC_NET\" = private ]; then mc_net_locked down || mc_say \"could not disconnect ${MC_NAME:-app} from its network\"; fi\n  return 0\n}\n\n# PID 1's messages, in order: [mounted HP UID GID, init N,] ready HP CP, done N; and\n# \"signal NAME\" from the lifeline; \"exit N\" when it failed. EOF: PID 1 is gone.\nmc_loop() {\n  mc_hp= mc_cp= mc_keeper=\n  while read -r mc_msg mc_a mc_b mc_c; do\n    case $mc_msg in\n      mounted)\n        mc_hp=$mc_a\n        MC_STAGE=keeper MC_KUID=$mc_b MC_KGID=$mc_c \\\n          nsenter -t \"$mc_hp\" -m -- unshare --mount --propagation private -- /bin/sh \"$0\" < \"$MC_STATE/keep\" &\n        mc_keeper=$!\n        exec 5<> \"$MC_STATE/keep\" ;;\n      init)\n        if [ \"$mc_a\" != 0 ]; then\n          mc_say \"init script $MC_INIT failed with status $mc_a\"\n          mc_end_keeper\n          echo abort > \"$MC_STATE/go\"\n        else\n          echo pivot > \"$MC_STATE/go\"\n        fi ;;\n      ready)\n        mc_hp=$mc_a mc_cp=$mc_b\n        # pivot_root left the host's root stacked on the jail's /: detach it.\n        if ! umount -N \"/proc/$mc_hp/ns/mnt\" -l /; then\n          mc_say \"cannot detach the host's root from the jail\"\n          echo abort > \"$MC_STATE/go\"; continue\n        fi\n        # The network before the command starts (and before anyone can join).\n        if [ \"$MC_NET\" = private ] && ! mc_net_locked up \"$mc_hp\"; then\n          mc_say \"cannot connect container ${MC_NAME:-app} to its network (see the message above)\"\n          echo abort > \"$MC_STATE/go\"; continue\n        fi\n        mc_starttime \"$mc_hp\" && printf '%s %s\\n' \"$mc_hp\" \"$MC_START\" > \"$MC_STATE/pid1\"\n        echo go > \"$MC_STATE/go\" ;;\n      signal)\n        [ -n \"$mc_cp\" ] && kill -s \"$mc_a\" \"$mc_cp\" 2>/dev/null ;;\n      done)\n        : > \"$MC_STATE/pid1\"\n        mc_wait_joined\n        mc_end_keeper\n        kill -USR1 \"$mc_hp\" 2>/dev/null\n        return ;;\n      exit)\n        mc_end_keeper\n        return ;;\n    esac\n  done\n  mc_end_keeper\n}\n\n# Runs the shutdown script (in the keeper) and waits for it; once.\nmc_end_keeper() {\n  [ -n \"$mc_keeper\" ] || return 0\n  echo shutdown >&5\n  mc_a=0\n  while read -r mc_msg mc_a _; do [ \"$mc_msg\" = shutdown ] && break; done\n  [ \"$mc_a\" = 0 ] || mc_say \"shutdown script $MC_SHUTDOWN failed with status $mc_a\"\n  wait \"$mc_keeper\" 2>/dev/null\n  mc_keeper=\n}\n\n# Sessions that joined (their parent is outside the jail, so their ppid reads 0) keep\n# the container up: the last one out ends it.\nmc_wait_joined() {\n  while :; do\n    mc_busy=\n    for mc_p in \"/proc/$mc_hp/root/proc/\"[0-9]*; do\n      [ \"${mc_p##*/}\" = 1 ] && continue\n      read -r mc_stat 2>/dev/null < \"$mc_p/stat\" || continue\n      mc_stat=${mc_stat##*) }\n      case $mc_stat in ?' 0 '*) mc_busy=1; break ;; esac\n    done\n    [ -n \"$mc_busy\" ] || return 0\n    sleep 0.2\n  done\n}\n\ncase ${MC_STAGE:-main} in\n  main) mc_stage_main \"$@\" ;;\n  keeper) mc_stage_keeper ;;\n  none) ;;\n  *) mc_die \"unknown stage $MC_STAGE\" ;;\nesac\n";
const CONTAINERIZE_BODY = "# ---------------------------------------------------------------------------\n# containerize: a command in TREES/GROUP/INSTANCE, the build root itself (or an overlay\n# over it with --overlay). The generated prelude above sets the MC_* variables.\n#\n# Processes:\n#   keeper    holds the container's mount namespace (and those unshare-options adds):\n#             mounts the overlay, runs `bind`, mounts /proc /sys /dev and /tmp, creates\n#             the cgroup, runs `profile`, then waits for the sessions to end\n#   session   every containerize run of the instance: the first one starts the keeper;\n#             each runs its command inside (nsenter, into the cgroup) and leaves; the\n#             last one out tears down: `stop`, kill what is left, unmount, `unbind`\n# Locks (flock): `lock`, held briefly, orders every decision (start, join, leave, tear\n# down). `users` is held shared by each session's launcher: when all of them are gone,\n# even killed, the keeper gets it exclusively and tears down by itself.\n# State lives in MC_STATE: `keeper` (\"PID STARTTIME\" while live), sessions/PID\n# (STARTTIME) and sessions/PID.cmd (the command's pid); a pid whose start time differs\n# is a dead process, so state left by a crash is recognised and cleaned up.\n# ---------------------------------------------------------------------------\n\n# mc_hook NAME ARGS...: run .container/NAME, when there, from the group's directory.\nmc_hook() {\n  mc_h=$MC_HOOKS/$1; shift\n  [ -e \"$mc_h\" ] || return 0\n  [ -x \"$mc_h\" ] || { mc_say \"$mc_h is not executable (chmod +x it)\"; return 126; }\n  ( cd \"$MC_GROUPDIR\" && exec \"$mc_h\" \"$@\" 8>&- 9>&- ) </dev/null\n}\n\n# The cgroup that tracks every process of the container: cgroup v2 where there is one\n# (all of /sys/fs/cgroup on GitHub's runners, the `unified` tree on hybrid hosts, where\n# it needs no controller to track and kill), else the v1 pids hierarchy.\nmc_cgroup_dir() {\n  for mc_b in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/pids; do\n    if [ -e \"$mc_b/cgroup.procs\" ]; then MC_CG=$mc_b/$MC_CGROUP; return 0; fi\n  done\n  mc_die \"no cgroup hierarchy to track the container's processes in (mount cgroup2 on /sys/fs/cgroup)\"\n}\n\n# mc_cg_kill: kill every process in the container's cgroup and wait until it is empty.\nmc_cg_kill() {\n  [ -d \"$MC_CG\" ] || return 0\n  [ -e \"$MC_CG/cgroup.kill\" ] && echo 1 > \"$MC_CG/cgroup.kill\" 2>/dev/null\n  mc_n=0\n  while :; do\n    mc_any=\n    while read -r mc_p; do mc_any=1; kill -KILL \"$mc_p\" 2>/dev/null; done < \"$MC_CG/cgroup.procs\"\n    [ -n \"$mc_any\" ] || return 0\n    mc_n=$((mc_n + 1))\n    [ \"$mc_n\" -le 200 ] || { mc_say \"processes are still left in $MC_CG after 10 s\"; return 1; }\n    sleep 0.05\n  done\n}\n\nmc_keeper_live() {\n  read -r MC_KP mc_ks 2>/dev/null < \"$MC_STATE/keeper\" && mc_starttime \"$MC_KP\" && [ \"$MC_START\" = \"$mc_ks\" ]\n}\n\n# mc_live_sessions: is any session other than ours still running?\nmc_live_sessions() {\n  for mc_f in \"$MC_STATE/sessions/\"*; do\n    case $mc_f in *.cmd|*'*') continue ;; esac\n    read -r mc_ss 2>/dev/null < \"$mc_f\" || continue\n    mc_starttime \"${mc_f##*/}\" && [ \"$MC_START\" = \"$mc_ss\" ] && return 0\n  done\n  return 1\n}\n\n# A crash (a killed keeper, a reboot without /run) left state behind: its mounts went with\n# its namespace; kill what is left in its cgroup and start afresh.\nmc_stale_cleanup() {\n  read -r mc_old _ 2>/dev/null < \"$MC_STATE/keeper\" || mc_old=\n  if [ -n \"$mc_old\" ] || [ -d \"$MC_CG\" ]; then\n    mc_say \"cleaning up after an earlier run of $MC_GROUP/$MC_INSTANCE that ended without tearing down${mc_old:+ (its keeper, pid $mc_old, is gone)}\"\n    mc_cg_kill\n    rmdir -- \"$MC_CG\" 2>/dev/null\n  fi\n  rm -f -- \"$MC_STATE/sessions/\"* \"$MC_STATE/down\"\n  : > \"$MC_STATE/keeper\"\n}\n\n# mc_mount_at GUEST ARGS...: mount(8) ARGS onto GUEST inside the root, resolved inside it\n# (a root whose /proc is a symlink cannot make us mount elsewhere); created if missing.\nmc_mount_at() {\n  mc_resolve \"$1\" \"$MC_ROOT\" || return 1\n  mc_t=$MC_ROOT$MC_RES; shift\n  [ -d \"$mc_t\" ] || mkdir -p -- \"$mc_t\" || { mc_say \"cannot create $mc_t\"; return 1; }\n  mount \"$@\" \"$mc_t\" || return 1\n  printf '%s\\n' \"$mc_t\" >> \"$MC_STATE/mounts\"\n}\n\nmc_mounts() {\n  : > \"$MC_STATE/mounts\"\n  if [ \"$MC_PIDNS\" = 1 ]; then\n    mc_mount_at /proc -t proc -o nosuid,nodev,noexec proc || return 1\n  else\n    mc_mount_at /proc --rbind /proc || return 1\n  fi\n  mc_mount_at /sys --rbind /sys && mc_mount_at /dev --rbind /dev &&\n    mc_mount_at /tmp -t tmpfs -o mode=1777,nosuid,nodev tmpfs\n}\n\n# Unmounts what mc_mounts mounted, last first.\nmc_unmounts() {\n  [ -s \"$MC_STATE/mounts\" ] || return 0\n  mc_list=\n  while IFS= read -r mc_t; do mc_q \"$mc_t\"; mc_list=\"$MC_Q $mc_list\"; done < \"$MC_STATE/mounts\"\n  eval \"set -- $mc_list\"\n  for mc_t in \"$@\"; do\n    umount -R -- \"$mc_t\" 2>/dev/null || umount -R -l -- \"$mc_t\" || mc_say \"cannot unmount $mc_t\"\n  done\n  : > \"$MC_STATE/mounts\"\n}\n\n# The profile runs inside the root as its processes see it, in a chroot of its own, from\n# a bind mount under the fresh /tmp (so the tree never holds a copy of it).\nmc_profile() {\n  [ -e \"$MC_HOOKS/profile\" ] || return 0\n  mc_resolve /tmp \"$MC_ROOT\" || return 1\n  mc_pf=$MC_ROOT$MC_RES/.containerize-profile\n  : > \"$mc_pf\" && mount --bind -- \"$MC_HOOKS/profile\" \"$mc_pf\" || return 1\n  mc_sh=\n  [ -x \"$MC_HOOKS/profile\" ] || mc_sh=/bin/sh\n  (\n    cd -P /proc/self && echo \"${PWD##*/}\" > \"$MC_CG/cgroup.procs\" || exit 125\n    cd / && mc_env && exec chroot \"$MC_ROOT\" $mc_sh /tmp/.containerize-profile\n  ) </dev/null\n  mc_st=$?\n  umount -- \"$mc_pf\"; rm -f -- \"$mc_pf\"\n  [ \"$mc_st\" = 0 ] || { mc_say \"profile script $MC_HOOKS/profile failed with status $mc_st\"; return 1; }\n}\n\n# The environment of the command, the profile and the hooks inside: the caller's\n# locale and terminal, a standard PATH, HOME=/root, and where it runs.\nmc_env() {\n  if [ \"${MC_CLEAN_ENV:-}\" = 1 ]; then\n    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE\n  fi\n  unset OLDPWD\n  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root\n  export CONTAINERIZE_GROUP=\"$MC_GROUP\" CONTAINERIZE_INSTANCE=\"$MC_INSTANCE\"\n}\n\n# ------------------------------------------------------------------ stage: teardown\n# In the container's mount namespace, outside its root: stop, kill what is left,\n# unmount, unbind. Run by the last session out, or by the keeper when all are gone.\nmc_teardown() {\n  mc_hook stop \"$MC_ROOT\" \"$MC_KP\" || mc_say \"stop script $MC_HOOKS/stop failed with status $?\"\n  mc_cg_kill\n  mc_unmounts\n  mc_hook unbind \"$MC_ROOT\" || mc_say \"unbind script $MC_HOOKS/unbind failed with status $?\"\n  if [ \"$MC_OVERLAY\" = 1 ]; then umount -- \"$MC_ROOT\" 2>/dev/null || umount -l -- \"$MC_ROOT\"; fi\n  rmdir -- \"$MC_CG\" 2>/dev/null\n  return 0\n}\n\n# ------------------------------------------------------------------ stage: keeper\nmc_stage_keeper() {\n  # Setup output goes to the starting session through the `setup` fifo (opened\n  # read-write: never blocks, whoever is gone), ending with a status line.\n  : > \"$MC_STATE/began\"\n  exec 1<> \"$MC_STATE/setup\" 2>&1 </dev/null\n  trap '' INT QUIT HUP\n  mc_cgroup_dir\n  cd -P /proc/self && MC_KP=${PWD##*/}   # our pid on the host: /proc is still the host's\n  cd / || exit 125\n  mc_starttime \"$MC_KP\"; mc_ks=$MC_START\n  mc_bound=\n  if ! mc_keeper_setup; then\n    mc_unmounts\n    [ -n \"$mc_bound\" ] && { mc_hook unbind \"$MC_ROOT\" || mc_say \"unbind script failed with status $?\"; }\n    rmdir -- \"$MC_CG\" 2>/dev/null\n    printf '\\n@@fail 125\\n'\n    exit 125\n  fi\n  printf '%s %s\\n' \"$MC_KP\" \"$mc_ks\" > \"$MC_STATE/keeper\"\n  printf '@@ready %s\\n' \"$MC_KP\"\n  exec >> \"$MC_STATE/keeper.log\" 2>&1\n  # Wait until no session holds `users`; then, under `lock`, either the last session has\n  # torn down already (`down`), or every session went without doing it.\n  exec 9>> \"$MC_STATE/users\"\n  flock -x 9\n  exec 8>> \"$MC_STATE/lock\"\n  flock -x 8\n  [ -e \"$MC_STATE/down\" ] && exit 0\n  mc_say \"$(date): every session of $MC_GROUP/$MC_INSTANCE ended without tearing down (killed?); tearing down\"\n  mc_teardown\n  : > \"$MC_STATE/keeper\"\n  exit 0\n}\n\nmc_keeper_setup() {\n  if [ \"$MC_OVERLAY\" = 1 ]; then\n    mount -t overlay -o \"lowerdir=$MC_TREE,upperdir=$MC_UPPER,workdir=$MC_WORK\" overlay \"$MC_ROOT\" ||\n      { mc_say \"cannot mount the overlay over $MC_TREE (upper layer $MC_UPPER)\"; return 1; }\n  fi\n  [ \"$MC_UTSNS\" = 1 ] && printf '%s\\n' \"$MC_INSTANCE\" > /proc/sys/kernel/hostname\n  mc_bound=1\n  mc_hook bind \"$MC_ROOT\" \"$MC_GROUP\" \"$MC_INSTANCE\" || { mc_say \"bind script $MC_HOOKS/bind failed with status $?\"; return 1; }\n  mc_mounts || { mc_say \"cannot mount /proc, /sys, /dev and /tmp in $MC_ROOT\"; return 1; }\n  mkdir -p -- \"$MC_CG\" || { mc_say \"cannot create the cgroup $MC_CG\"; return 1; }\n  mc_profile\n}\n\n# ------------------------------------------------------------------ stage: main\nmc_stage_main() {\n  [ -O / ] || mc_die \"containerize must run as root (try: sudo sh $0)\"\n  [ -d \"$MC_HOOKS\" ] || mc_die \"$MC_HOOKS does not exist: every group needs a .container directory (mkdir $MC_HOOKS; the scripts in it are optional)\"\n  [ -d \"$MC_TREE\" ] || mc_die \"instance $MC_INSTANCE does not exist in $MC_GROUPDIR (create $MC_TREE, or clone one: micro-container trees clone $MC_GROUP TEMPLATE $MC_INSTANCE)\"\n  mkdir -p -m 0700 -- \"$MC_STATE/sessions\" || mc_die \"cannot create $MC_STATE\"\n  [ -p \"$MC_STATE/setup\" ] || mkfifo -m 0600 -- \"$MC_STATE/setup\" || mc_die \"cannot create $MC_STATE/setup\"\n  if [ \"$MC_OVERLAY\" = 1 ]; then\n    mkdir -p -- \"$MC_ROOT\" \"$MC_UPPER\" \"$MC_WORK\" || mc_die \"cannot create the overlay's directories $MC_UPPER and $MC_WORK\"\n  fi\n  mc_cgroup_dir\n  mc_command \"$@\"\n  exec 8>> \"$MC_STATE/lock\"\n  flock -w 60 8 || mc_die \"$MC_GROUP/$MC_INSTANCE stayed locked for 60 s; is a containerize stuck? (see $MC_STATE)\"\n  mc_tries=0\n  until mc_enter; do\n    # The keeper is tearing down: wait for it to finish, then start afresh.\n    [ \"$mc_tries\" = 0 ] && mc_say \"$MC_GROUP/$MC_INSTANCE is stopping; waiting\"\n    mc_tries=$((mc_tries + 1))\n    [ \"$mc_tries\" -le 600 ] || mc_die \"$MC_GROUP/$MC_INSTANCE stayed busy for 60 s (see $MC_STATE)\"\n    flock -u 8; sleep 0.1; flock -w 60 8 || mc_die \"$MC_GROUP/$MC_INSTANCE stayed locked for 60 s\"\n  done\n  mc_session\n}\n\n# Under `lock`: join the live container, or start it; false when it is stopping.\nmc_enter() {\n  exec 9>> \"$MC_STATE/users\"\n  if mc_keeper_live; then\n    flock -n -s 9 && return 0\n    exec 9>&-; return 1\n  fi\n  mc_stale_cleanup\n  flock -n -s 9 || { exec 9>&-; return 1; }\n  mc_start_keeper\n}\n\nmc_start_keeper() {\n  : > \"$MC_STATE/keeper.log\"\n  rm -f -- \"$MC_STATE/began\"\n  exec 6<> \"$MC_STATE/setup\"\n  (\n    exec 8>&- 9>&- 6>&- </dev/null >> \"$MC_STATE/keeper.log\" 2>&1\n    [ -n \"${MC_LIFELINE_FD:-}\" ] && eval \"exec $MC_LIFELINE_FD>&-\"\n    export MC_STAGE=keeper\n    eval \"unshare --mount --propagation \\\"\\$MC_PROPAGATION\\\" $MC_UNSHARE -- /bin/sh \\\"\\$0\\\"\"\n    mc_st=$?\n    # unshare itself failed (bad options): tell the session waiting for the keeper.\n    [ -e \"$MC_STATE/began\" ] || printf '\\n@@fail %s\\n' \"$mc_st\" 1<> \"$MC_STATE/setup\"\n  ) &\n  # The setup's output (the scripts' too) goes to our stderr: stdout is the command's alone.\n  while IFS= read -r mc_l <&6; do\n    case $mc_l in\n      *@@ready\\ *) [ -n \"${mc_l%%@@ready *}\" ] && printf '%s\\n' \"${mc_l%%@@ready *}\" >&2; break ;;\n      *@@fail\\ *)\n        [ -n \"${mc_l%%@@fail *}\" ] && printf '%s\\n' \"${mc_l%%@@fail *}\" >&2\n        mc_tail=$(cat \"$MC_STATE/keeper.log\"); [ -n \"$mc_tail\" ] && printf '%s\\n' \"$mc_tail\" >&2\n        mc_die \"could not start $MC_GROUP/$MC_INSTANCE\" ;;\n      *) printf '%s\\n' \"$mc_l\" >&2 ;;\n    esac\n  done\n  exec 6<&-\n  mc_keeper_live || mc_die \"the keeper of $MC_GROUP/$MC_INSTANCE is gone\"\n}\n\n# The lifeline from the CLI: \"signal NAME\" lines go to this session's command; EOF\n# (the CLI is gone, even by SIGKILL) ends it, so the session leaves and tears down.\nmc_watch() {\n  [ -n \"${MC_LIFELINE_FD:-}\" ] || return 0\n  mc_sid=$$\n  (\n    exec 8>&- 9>&- </dev/null >/dev/null 2>&1\n    eval \"exec 5<&$MC_LIFELINE_FD $MC_LIFELINE_FD<&-\"\n    while read -r mc_l <&5; do\n      case $mc_l in\n        'signal '*) read -r mc_c < \"$MC_STATE/sessions/$mc_sid.cmd\" && kill -s \"${mc_l#signal }\" \"$mc_c\" ;;\n      esac\n    done\n    read -r mc_c < \"$MC_STATE/sessions/$mc_sid.cmd\" && kill -KILL \"$mc_c\"\n  ) &\n  mc_watcher=$!\n  eval \"exec $MC_LIFELINE_FD<&-\"\n}\n\n# Under `lock`, holding `users` shared: register, run the command inside, leave.\nmc_session() {\n  mc_watcher=\n  mc_starttime $$ && echo \"$MC_START\" > \"$MC_STATE/sessions/$$\"\n  exec 8>&-\n  mc_root=/proc/$MC_KP/root$MC_ROOT\n  if [ -z \"$MC_ARGV\" ]; then\n    MC_ARGV=sh\n    mc_resolve /bin/bash \"$mc_root\" && [ -x \"$mc_root$MC_RES\" ] && MC_ARGV=bash\n  fi\n  if ! mc_resolve \"$MC_WORKDIR\" \"$mc_root\" || [ ! -d \"$mc_root$MC_RES\" ]; then\n    mc_say \"workdir $MC_WORKDIR does not exist in $MC_GROUP/$MC_INSTANCE (create it, or fix -w)\"\n    mc_leave\n    exit 125\n  fi\n  mc_watch\n  mc_q \"$mc_root$MC_RES\"; mc_wd=$MC_Q\n  mc_q \"$mc_root\"; mc_rt=$MC_Q\n  # A terminal's ^C goes to the command; we stay to leave and tear down.\n  trap : INT QUIT\n  (\n    cd -P /proc/self && mc_me=${PWD##*/} && cd / || exit 125\n    echo \"$mc_me\" > \"$MC_STATE/sessions/$$.cmd\"\n    echo \"$mc_me\" > \"$MC_CG/cgroup.procs\" || { mc_say \"cannot move the command into the cgroup $MC_CG\"; exit 125; }\n    exec 9>&-\n    mc_env\n    eval \"exec nsenter -t \\\"\\$MC_KP\\\" -m $MC_NSENTER --root=$mc_rt --wd=$mc_wd -- $MC_ARGV\"\n  )\n  mc_st=$?\n  mc_leave\n  # The CLI waits for everyone holding its lifeline: the watcher is done.\n  [ -n \"$mc_watcher\" ] && kill \"$mc_watcher\" 2>/dev/null\n  exit \"$mc_st\"\n}\n\n# The last session out tears down; the others just go.\nmc_leave() {\n  trap '' PIPE   # whoever reads our output may be gone: teardown must still finish\n  exec 8>> \"$MC_STATE/lock\"\n  flock -w 120 8 || { mc_say \"cannot take $MC_STATE/lock; the keeper will tear down\"; return 0; }\n  rm -f -- \"$MC_STATE/sessions/$$\" \"$MC_STATE/sessions/$$.cmd\"\n  exec 9>&-\n  mc_live_sessions && return 0\n  mc_keeper_live || return 0\n  MC_STAGE=teardown MC_KP=$MC_KP nsenter -t \"$MC_KP\" -m -- /bin/sh \"$0\"\n  : > \"$MC_STATE/down\"\n  : > \"$MC_STATE/keeper\"\n  flock -u 8\n  # The keeper sees `down` and exits; wait for it, so that nothing of ours outlives us.\n  mc_n=0\n  while mc_starttime \"$MC_KP\" && [ \"$MC_START\" = \"$mc_ks\" ] && [ \"$mc_n\" -lt 200 ]; do\n    mc_n=$((mc_n + 1)); sleep 0.02\n  done\n}\n\ncase ${MC_STAGE:-main} in\n  main) mc_stage_main \"$@\" ;;\n  keeper) mc_stage_keeper ;;\n  teardown) mc_cgroup_dir; mc_teardown ;;\n  *) mc_die \"unknown stage $MC_STAGE\" ;;\nesac\n";

;// CONCATENATED MODULE: ./src/core/jail/launcher.ts




/** WORD quoted for POSIX sh. Pure. */
function shQuote(word) {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}
/** `NAME='value'` for a launcher's prelude; booleans as 1 and 0. Pure. */
function shVar(name, value) {
    return `${name}=${shQuote(typeof value === 'boolean' ? (value ? '1' : '0') : value)}`;
}
/** The generated prelude: the spec as sh variables and two functions. Pure. */
function renderPrelude(spec) {
    const v = shVar;
    const volumes = spec.volumes.map((x) => `  mc_vol ${shQuote(x.host)} ${shQuote(x.guest)} ${x.readOnly ? 'ro' : 'rw'}`);
    const env = Object.entries(spec.env).map(([k, val]) => `  export ${k}=${shQuote(val)}`);
    return [
        '#!/bin/sh',
        `# micro-container launcher for container '${spec.name || 'app'}'.`,
        '# Run as root: sh THIS-FILE [command args...] enters this jail (or joins it when it is',
        '# already running) and runs the command given, else the built-in one below.',
        v('MC_NAME', spec.name),
        v('MC_HOSTNAME', spec.hostname),
        v('MC_LIB', spec.libraryDir),
        v('MC_BASE', spec.baseDir),
        v('MC_OWNER', spec.owner),
        v('MC_STATE', spec.stateDir),
        v('MC_ROOT', spec.rootDir),
        v('MC_APPDIR', spec.appDir),
        v('MC_UPPER', spec.upperDir),
        `MC_UPPER_Q=${shQuote(shQuote(spec.upperDir))}`,
        v('MC_WORK', spec.workDir),
        v('MC_LOWERS', spec.lowerDirs.join(':')),
        v('MC_RM', spec.ephemeral),
        v('MC_USER', spec.user),
        v('MC_WORKDIR', spec.workdir),
        v('MC_LOGIN', spec.login),
        v('MC_INIT', spec.initScript),
        v('MC_SHUTDOWN', spec.shutdownScript),
        `MC_COMMAND=${shQuote(spec.command.map(shQuote).join(' '))}`,
        'mc_volumes() {',
        ...volumes,
        '  :',
        '}',
        'mc_extra_env() {',
        ...env,
        '  :',
        '}',
        ...renderResources(spec),
        '',
    ].join('\n');
}
function indent(text) {
    return text.trimEnd().split('\n').map((l) => (l === '' ? l : `  ${l}`));
}
/**
 * The container's cgroup and network as sh: MC_NET, MC_CGROUP, MC_CG_DIRS (the leaves to
 * remove at the end), MC_CG_OOM (the OOM counter to keep), mc_cg_setup (creates the
 * cgroup, writes the limits, moves $$ in), mc_cg_join (moves $$ in: for a joining
 * session), and mc_net_up/mc_net_down (renderNetScript; no-ops without a private network).
 * Pure.
 */
function renderResources(spec) {
    const v = shVar;
    const cg = spec.cgroup;
    const lines = [v('MC_NET', spec.network), v('MC_CGROUP', cg?.name ?? '')];
    lines.push(`MC_CG_DIRS=${shQuote((cg?.dirs ?? []).map(shQuote).join(' '))}`);
    lines.push(v('MC_CG_OOM', cg?.oom?.file ?? ''));
    if (cg) {
        lines.push('mc_cg_setup() {', ...indent(renderCgroupPlan(cg.plan)), '}');
        lines.push('mc_cg_join() {', ...indent(renderCgroupPlan({ ...cg.plan, steps: [], join: cg.plan.join.map((j) => ({ ...j, optional: true })) })), '}');
    }
    else {
        lines.push('mc_cg_setup() { :; }', 'mc_cg_join() { :; }');
    }
    if (spec.net)
        lines.push(...renderNetScript(spec.net).trimEnd().split('\n'));
    else
        lines.push('mc_net_up() { :; }', 'mc_net_down() { :; }');
    return lines;
}
/** JailSpec -> a standalone POSIX sh launcher (prelude + the fixed body). Pure. */
function renderLauncher(spec) {
    return renderPrelude(spec) + SH_COMMON + LAUNCHER_BODY;
}
/** A short digest of the launcher text: its file name, so runs never rewrite a live one. */
function launcherDigest(text) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(text).digest('hex').slice(0, 16);
}

;// CONCATENATED MODULE: ./src/core/exec.ts

/** Runs a command to completion, capturing its output. Never throws for a non-zero exit. */
function exec_execCapture(file, args, options = {}) {
    return execCaptureFds(file, args, [], options);
}
/**
 * execCapture that also gives the child our open files FDS as its fds 3, 4, ...: for
 * flock(1), which locks an open file description that we keep after it exits.
 */
function execCaptureFds(file, args, fds, options = {}) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe', ...fds] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
        // options.signal: node kills the child and reports an AbortError at once; the result
        // waits for 'close' instead (a death by killSignal), so that a caller cleaning up what
        // the child was writing knows it has stopped writing.
        child.on('error', (e) => (e.name === 'AbortError' ? undefined : reject(e)));
        child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), signal, stdout, stderr }));
    });
}
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };
/** Shell-style status for a death by signal: 128 + its number. */
function signalNumber(signal) {
    return signal ? (SIGNALS[signal] ?? 0) : 0;
}

;// CONCATENATED MODULE: ./src/core/jail/run.ts






function isDir(p) {
    try {
        return (0,external_node_fs_namespaceObject.statSync)(p).isDirectory();
    }
    catch {
        return false;
    }
}
/**
 * Creates what must exist before the launcher can be written: basedir and appdir (owned
 * by the invoking user) first, then librarydir (0700, root), then the container's state
 * dir, so that where they are the same directory, basedir's creation wins.
 * The launcher does the same for itself when it runs standalone.
 */
function prepareDirs(spec) {
    const [uid, gid] = spec.owner.split(':').map(Number);
    for (const dir of spec.ephemeral ? [spec.baseDir] : [spec.baseDir, spec.appDir]) {
        if (!isDir(dir)) {
            (0,external_node_fs_namespaceObject.mkdirSync)(dir, { recursive: true });
            (0,external_node_fs_namespaceObject.chownSync)(dir, uid, gid);
        }
    }
    if (!isDir(spec.libraryDir))
        (0,external_node_fs_namespaceObject.mkdirSync)(spec.libraryDir, { recursive: true, mode: 0o700 });
    if (!isDir(spec.stateDir))
        (0,external_node_fs_namespaceObject.mkdirSync)(spec.stateDir, { recursive: true, mode: 0o700 });
}
/**
 * Writes launcher TEXT into DIR under a name made of its digest, so a run never rewrites
 * a launcher that another run is executing. Returns its path.
 */
function writeLauncherIn(dir, text) {
    const file = external_node_path_default().join(dir, `launcher-${launcherDigest(text)}.sh`);
    // Named by its content: when it is there, it is this text (written whole, by rename).
    if ((0,external_node_fs_namespaceObject.existsSync)(file))
        return file;
    const tmp = `${file}.${process.pid}.tmp`;
    (0,external_node_fs_namespaceObject.writeFileSync)(tmp, text, { mode: 0o700 });
    (0,external_node_fs_namespaceObject.renameSync)(tmp, file);
    return file;
}
/** Writes the launcher for SPEC into its state dir (made first). Returns its path. */
function writeLauncher(spec, text = renderLauncher(spec)) {
    prepareDirs(spec);
    return writeLauncherIn(spec.stateDir, text);
}
function parentIsSudo(ppid) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${ppid}/comm`, 'utf8').trim() === 'sudo';
    }
    catch {
        return false;
    }
}
/**
 * Runs a launcher as root with the caller's terminal, and returns the command's exit
 * status. fd 3 is a lifeline pipe: if this process dies (even by SIGKILL) the jail ends;
 * SIGTERM, SIGHUP (and SIGINT when no terminal sent it to the jail already) travel down it
 * as "signal NAME" lines, and the launcher passes them to the command.
 */
async function runLauncher(file, options = {}) {
    return (await runLauncherDetailed(file, options)).status;
}
/** runLauncher, saying also whether the time limit (options.timeoutMs) ended the command. */
function runLauncherDetailed(file, options = {}) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)('/bin/sh', [file, ...(options.command ?? [])], {
            stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
            env: {
                PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
                ...(process.env.TERM ? { TERM: process.env.TERM } : {}),
                ...options.env,
                MC_LIFELINE_FD: '3',
                MC_CLEAN_ENV: '1',
            },
        });
        const lifeline = child.stdio[3];
        lifeline.on('error', () => undefined); // the jail may be gone already
        const forward = (sig) => () => {
            if (sig === 'SIGINT' && process.stdin.isTTY)
                return;
            lifeline.write(`signal ${sig.slice(3)}\n`);
        };
        const handlers = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => [s, forward(s)]);
        for (const [s, h] of handlers)
            process.on(s, h);
        // Under sudo, "the CLI" the caller may SIGKILL is sudo, our parent: when it is gone
        // (we are re-parented), cut the lifeline so the jail ends as if we had been killed.
        const ppid = process.ppid;
        const underSudo = parentIsSudo(ppid);
        const watch = underSudo ? setInterval(() => process.ppid !== ppid && lifeline.end(), 200) : undefined;
        watch?.unref();
        let timedOut = false;
        let hardStop;
        const limit = options.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                lifeline.write('signal TERM\n');
                hardStop = setTimeout(() => {
                    lifeline.end();
                    child.kill('SIGKILL');
                }, options.graceMs ?? 3000);
            }, options.timeoutMs);
        child.on('error', (e) => reject(new errors_JailError(`cannot start the launcher ${file}: ${e.message}`)));
        child.on('close', (code, signal) => {
            if (watch)
                clearInterval(watch);
            if (limit)
                clearTimeout(limit);
            if (hardStop)
                clearTimeout(hardStop);
            for (const [s, h] of handlers)
                process.off(s, h);
            resolve({ status: code ?? 128 + signalNumber(signal), timedOut });
        });
    });
}

;// CONCATENATED MODULE: ./src/core/jail/spec.ts






/** The bridge micro-container's private networks use. */
const JAIL_BRIDGE = 'mc0';
/**
 * The cgroup name of container NAME of LIBRARYDIR: the name (app for the default one) and
 * a short hash of the library directory, since two library directories may each have a
 * container of one name, and cgroups are machine-wide. Pure.
 */
function cgroupName(libraryDir, name) {
    return `${name || 'app'}.${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(libraryDir).digest('hex').slice(0, 8)}`;
}
/** `/proc/PID/ns/net` -> PID (MICRO_CONTAINER_BRIDGE_NETNS). Pure; throws ConfigError. */
function parseBridgeNetns(text) {
    const m = /^\/proc\/([1-9][0-9]*)\/ns\/net$/.exec(text);
    if (!m)
        throw new errors_ConfigError(`bridge namespace '${text}' is not of the form /proc/PID/ns/net (MICRO_CONTAINER_BRIDGE_NETNS: a process in the namespace that holds the bridge)`);
    return Number(m[1]);
}
function parseLimits(config) {
    const limits = {};
    if (config.memory !== undefined)
        limits.memoryBytes = parseMemory(config.memory);
    if (config.pids !== undefined)
        limits.pids = parsePids(config.pids);
    if (config.cpus !== undefined)
        limits.cpu = parseCpus(config.cpus);
    return limits;
}
function jailCgroup(libraryDir, name, limits, layout) {
    const required = hasLimits(limits);
    if (layout === undefined || layout.mode === 'none') {
        if (required)
            throw new errors_JailError('--memory, --pids and --cpus need cgroups, and this host has no cgroup filesystem mounted: mount cgroup2 on /sys/fs/cgroup');
        return undefined;
    }
    const cg = cgroupName(libraryDir, name);
    let plan = plan_planCgroupSetup(layout, cg, limits);
    // Without limits the cgroup only tracks the processes (ps, stop, exec): a host where it
    // cannot be made (a container without a writable cgroupfs) still runs the jail.
    if (!required)
        plan = { ...plan, steps: plan.steps.map((s) => ({ ...s, optional: true })), join: plan.join.map((j) => ({ ...j, optional: true })) };
    const d = containerCgroupDirs(layout, cg);
    const dirs = [...new Set([...(d.v2 ? [d.v2.leaf] : []), ...Object.values(d.v1)])];
    let oom;
    if (d.v2?.limits)
        oom = { file: external_node_path_default().join(d.v2.leaf, 'memory.events'), kind: 'memory.events' };
    else if (d.v1.memory)
        oom = { file: external_node_path_default().join(d.v1.memory, 'memory.oom_control'), kind: 'memory.oom_control' };
    return { name: cg, limits, plan, dirs, oom };
}
function jailNet(config, name, libraryDir, facts) {
    if ((config.network ?? 'host') !== 'private')
        return undefined;
    const lease = facts.lease;
    if (lease === undefined || lease.name !== name)
        throw new errors_JailError(`no network allocation was given for container '${name}'`);
    return {
        name,
        ip: lease.ip,
        prefix: lease.prefix,
        mac: lease.mac,
        gateway: lease.gateway,
        bridge: JAIL_BRIDGE,
        gatewayCidr: `${lease.gateway}/${lease.prefix}`,
        netnsPid: config.bridgeNetns ? parseBridgeNetns(config.bridgeNetns) : undefined,
        nat: config.nat ? { pool: poolOf(lease), backend: facts.natBackend ?? 'iptables' } : undefined,
        owner: libraryDir,
        forwardAccept: facts.forwardAccept ?? false,
    };
}
/** The network a lease is on, as A.B.C.D/N (its gateway is the network's first address). */
function poolOf(lease) {
    const n = lease.gateway.split('.').reduce((a, o) => a * 256 + Number(o), 0) - 1;
    return `${[24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.')}/${lease.prefix}`;
}
// overlayfs splits lowerdir on ':' and mount options on ','; fstab fields are escaped by
// the launcher, but these two cannot be expressed safely, so they are refused.
const FORBIDDEN_IN_LAYER = /[:,\n]/;
function absolute(p, cwd) {
    return external_node_path_default().resolve(cwd, p);
}
function validName(name) {
    return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name);
}
/** config + facts about the host -> JailSpec. Pure (facts are injected); throws ConfigError. */
function buildSpec(config, facts) {
    const name = config.name ?? '';
    if (name !== '' && !validName(name)) {
        throw new errors_ConfigError(`container name '${name}' is not valid: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
    }
    const libraryDir = absolute(config.libraryDir || DEFAULT_LIBRARY_DIR, facts.cwd);
    const baseDir = absolute(config.baseDir || external_node_path_default().join(facts.invoker.home, '.app'), facts.cwd);
    const suffix = name ? `app-${name}` : 'app';
    const stateDir = external_node_path_default().join(libraryDir, suffix);
    const appDir = external_node_path_default().join(baseDir, suffix);
    const ephemeral = config.ephemeral === true;
    const lowerDirs = (config.lowerDirs && config.lowerDirs.length > 0 ? config.lowerDirs : ['/']).map((d) => absolute(d, facts.cwd));
    for (const d of lowerDirs) {
        if (FORBIDDEN_IN_LAYER.test(d))
            throw new errors_ConfigError(`lowerdir ${d} contains ':' or ','; overlayfs cannot take such a path (rename or bind-mount it elsewhere)`);
        if (!facts.isDirectory(d))
            throw new errors_ConfigError(`lowerdir ${d} is not a directory on the host (check -l)`);
    }
    for (const d of [appDir, stateDir]) {
        if (FORBIDDEN_IN_LAYER.test(d))
            throw new errors_ConfigError(`${d} contains ':' or ','; overlayfs cannot take such a path (choose another -b/-d)`);
    }
    const volumes = (config.volumes ?? []).map((v) => {
        const host = absolute(v.host, facts.cwd);
        if (!v.guest.startsWith('/'))
            throw new errors_ConfigError(`volume guest path '${v.guest}' must be absolute (as in -v ${v.host}:/path)`);
        if (!facts.exists(host))
            throw new errors_ConfigError(`volume source ${host} does not exist on the host (create it first, or fix -v ${v.host}:${v.guest})`);
        return { host, guest: external_node_path_default().posix.normalize(v.guest), readOnly: v.readOnly };
    });
    // Parents before children, so that a volume inside another lands on top of it.
    volumes.sort((a, b) => a.guest.split('/').length - b.guest.split('/').length);
    const workdir = config.workdir ?? '';
    if (workdir && !workdir.startsWith('/'))
        throw new errors_ConfigError(`workdir '${workdir}' must be an absolute path inside the container (-w /path)`);
    const env = config.env ?? {};
    for (const k of Object.keys(env)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
            throw new errors_ConfigError(`environment variable name '${k}' is not valid (-e NAME=value)`);
    }
    const user = config.user || `${facts.invoker.uid}:${facts.invoker.gid}`;
    if (/[\s'"\\]/.test(user) || user.split(':').length > 2 || user.startsWith(':')) {
        throw new errors_ConfigError(`user '${user}' is not of the form user[:group] (names or numbers)`);
    }
    const network = config.network ?? 'host';
    if (!NETWORK_MODES.includes(network))
        throw new errors_ConfigError(`network '${network}' is not one of host, none or private (--network)`);
    if (network === 'private' && name === '')
        throw new errors_ConfigError('--network private needs a container name (-n NAME): the address is kept for that name');
    if (config.nat && network !== 'private')
        throw new errors_ConfigError('--nat only applies to --network private');
    if (config.bridgeNetns !== undefined && network === 'private')
        parseBridgeNetns(config.bridgeNetns);
    const limits = parseLimits(config);
    for (const s of [config.initScript, config.shutdownScript]) {
        if (s && !facts.exists(absolute(s, facts.cwd)))
            throw new errors_ConfigError(`script ${absolute(s, facts.cwd)} does not exist on the host (check -i/-s)`);
    }
    return {
        name,
        hostname: config.hostname || name || 'micro-container',
        libraryDir,
        baseDir,
        owner: `${facts.invoker.uid}:${facts.invoker.gid}`,
        stateDir,
        rootDir: external_node_path_default().join(stateDir, 'root'),
        appDir,
        upperDir: ephemeral ? external_node_path_default().join(stateDir, 'rm', 'upper') : external_node_path_default().join(appDir, 'upper'),
        workDir: ephemeral ? external_node_path_default().join(stateDir, 'rm', 'work') : external_node_path_default().join(appDir, 'work'),
        lowerDirs,
        ephemeral,
        user,
        workdir: workdir ? external_node_path_default().posix.normalize(workdir) : '',
        login: config.login === true,
        volumes,
        env,
        initScript: config.initScript ? absolute(config.initScript, facts.cwd) : '',
        shutdownScript: config.shutdownScript ? absolute(config.shutdownScript, facts.cwd) : '',
        command: config.command ?? [],
        network,
        cgroup: jailCgroup(libraryDir, name, limits, facts.cgroupLayout),
        net: jailNet(config, name, libraryDir, facts),
    };
}

;// CONCATENATED MODULE: ./src/core/net/flock.ts




/** flock(1)'s exit status when -w runs out, chosen with -E so it differs from its errors. */
const TIMED_OUT = 75;
/**
 * Runs WORK holding an exclusive flock(2) on FILE, across processes and within one.
 *
 * Node has no flock, so we open FILE ourselves and let flock(1) lock that open file as
 * its fd 3. A flock belongs to the open file description, which the child shares with us:
 * when flock(1) exits the lock stays, held by our fd, until we close it. The kernel drops
 * it when our process dies, so there is no stale lock to take over (an O_EXCL lock file
 * with a pid in it must guess at that, and two takers can race). The file is never removed:
 * removing it would let a later taker lock a new inode while an earlier one holds the old.
 * Each call opens FILE anew, so two calls in one process exclude each other too (and a
 * nested call waits for the outer one: it is not re-entrant).
 */
async function withFlock(file, work, options = {}) {
    (0,external_node_fs_namespaceObject.mkdirSync)(external_node_path_default().dirname(file), { recursive: true, mode: 0o700 });
    const fd = (0,external_node_fs_namespaceObject.openSync)(file, 'a', 0o600);
    try {
        const seconds = String(Math.max(1, Math.ceil((options.timeoutMs ?? 60_000) / 1000)));
        let r;
        try {
            r = await execCaptureFds('flock', ['-x', '-w', seconds, '-E', String(TIMED_OUT), '3'], [fd]);
        }
        catch (e) {
            if (e.code === 'ENOENT')
                throw new errors_JailError('flock (util-linux) is not installed: it is needed to share the network resources file safely');
            throw e;
        }
        if (r.code === TIMED_OUT)
            throw new errors_JailError(`timed out after ${seconds} s waiting for the lock ${file}: another micro-container process holds it`);
        if (r.code !== 0)
            throw new errors_JailError(`could not lock ${file}: flock exited with ${r.code}: ${r.stderr.trim()}`);
        return await work();
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}

;// CONCATENATED MODULE: ./src/core/jail/state.ts




/**
 * What the CLI keeps about a container in its state dir (LIBRARYDIR/app-NAME), for ps,
 * exec, stop and rm: the launcher itself keeps only `pid1` (host pid and start time of
 * PID 1 while it runs) and `lock` (held while the jail and its clean-up run).
 */
const RUN_FILE = 'run.json';
/** Writes TEXT to FILE by a temp name in the same directory and a rename. */
function writeAtomic(file, text, mode = 0o644) {
    const tmp = `${file}.${process.pid}.${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex')}.tmp`;
    try {
        (0,external_node_fs_namespaceObject.writeFileSync)(tmp, text, { mode });
        (0,external_node_fs_namespaceObject.renameSync)(tmp, file);
    }
    catch (e) {
        (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
        throw e;
    }
}
/** The record of SPEC's run, started with CONFIG. Pure. */
function runRecord(spec, config) {
    const { command: _command, ...rest } = config;
    return {
        version: 1,
        config: { ...rest, libraryDir: spec.libraryDir, baseDir: spec.baseDir, lowerDirs: spec.lowerDirs, name: spec.name },
        name: spec.name,
        stateDir: spec.stateDir,
        appDir: spec.appDir,
        lowerDirs: spec.lowerDirs,
        user: spec.user,
        network: spec.network,
        cgroup: spec.cgroup?.name,
    };
}
function readRunRecord(stateDir) {
    try {
        const r = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(external_node_path_default().join(stateDir, RUN_FILE), 'utf8'));
        return r.version === 1 ? r : undefined;
    }
    catch {
        return undefined;
    }
}
/** Field 22 of /proc/PID/stat: start time in clock ticks since boot; undefined when gone. */
function processStartTime(pid) {
    try {
        const stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    }
    catch {
        return undefined;
    }
}
/** PID 1 of the container whose state dir is STATEDIR, when it is running (pid and start time match). */
function livePid1(stateDir) {
    let text;
    try {
        text = (0,external_node_fs_namespaceObject.readFileSync)(external_node_path_default().join(stateDir, 'pid1'), 'utf8').trim();
    }
    catch {
        return undefined;
    }
    const [pid, start] = text.split(' ');
    if (!pid || !start || processStartTime(Number(pid)) !== start)
        return undefined;
    return { pid: Number(pid), startTicks: Number(start) };
}
/** Seconds since a process started START ticks after boot (USER_HZ is 100 on Linux's ABIs). */
function uptimeSeconds(startTicks, procUptime = (0,external_node_fs_namespaceObject.readFileSync)('/proc/uptime', 'utf8')) {
    return Math.max(0, Math.floor(Number(procUptime.split(' ')[0]) - startTicks / 100));
}
/** The state dirs in LIBRARYDIR, by container name ('' for the default one, `app`). */
function stateDirs(libraryDir) {
    let entries;
    try {
        entries = (0,external_node_fs_namespaceObject.readdirSync)(libraryDir);
    }
    catch {
        return [];
    }
    return entries
        .filter((e) => e === 'app' || e.startsWith('app-'))
        .sort()
        .map((e) => ({ name: e === 'app' ? '' : e.slice(4), stateDir: external_node_path_default().join(libraryDir, e) }));
}
/**
 * Waits until no launcher holds STATEDIR's lock: the jail and its clean-up (shutdown
 * script, cgroup, network) are over. False when it did not happen within timeoutMs.
 */
async function waitIdle(stateDir, timeoutMs = 30_000) {
    try {
        await withFlock(external_node_path_default().join(stateDir, 'lock'), async () => undefined, { timeoutMs });
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/core/net/ipv4.ts
/** IPv4 addresses as 32-bit unsigned numbers, so that pools are arithmetic. Pure. */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const DOTTED = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
/** True for a dotted quad without leading zeros (`010.1.1.1` reads as octal to some tools). */
function isIpv4(text) {
    return DOTTED.test(text);
}
/** `10.213.0.2` -> 0x0ad50002. The caller has checked the text with isIpv4. */
function ipToNumber(ip) {
    return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}
/** 0x0ad50002 -> `10.213.0.2`. */
function numberToIp(n) {
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

;// CONCATENATED MODULE: ./src/core/net/mac.ts


const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
/** A lower-case colon-separated MAC that is unicast (multicast bit, 0x01 of the first octet, clear). */
function isUnicastMac(mac) {
    return MAC.test(mac) && (parseInt(mac.slice(0, 2), 16) & 0x01) === 0;
}
/**
 * A random MAC that no allocation in TAKEN has. The first octet gets the locally
 * administered bit (0x02) set, so it can never equal a vendor's burnt-in address, and the
 * multicast bit (0x01) cleared, since a multicast source address is invalid on Ethernet.
 */
function generateMac(taken, random = external_node_crypto_namespaceObject.randomBytes) {
    const used = new Set(taken);
    // 46 random bits make a clash vanishingly rare; a loop that never ends would only come
    // from a broken random source, which deserves an error rather than a hang.
    for (let attempt = 0; attempt < 64; attempt++) {
        const b = random(6);
        if (b.length < 6)
            throw new errors_JailError(`the random source gave ${b.length} bytes for a MAC address, not 6`);
        const bytes = [(b[0] & 0xfc) | 0x02, b[1], b[2], b[3], b[4], b[5]];
        const mac = bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
        if (!used.has(mac))
            return mac;
    }
    throw new errors_JailError('could not generate a MAC address that no other container has in 64 attempts: the random source repeats itself');
}

;// CONCATENATED MODULE: ./src/core/net/pool.ts


/**
 * The default pool: a private /24 that home routers, VPNs, Docker (172.17/16, 172.18+/16)
 * and podman (10.88/16) do not use by default, so it is unlikely to clash with a route the
 * host already has.
 */
const DEFAULT_POOL = '10.213.0.0/24';
/**
 * Parses `A.B.C.D/N`. The address must be the network's own (host bits zero), so that a
 * typo such as 10.213.0.5/24 is shown rather than silently widened. /8../30: a /31 or /32
 * has no room for a gateway and a container.
 */
function pool_parsePool(text) {
    const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text.trim());
    const hint = `give a network as A.B.C.D/N, e.g. ${DEFAULT_POOL}`;
    if (!m || !isIpv4(m[1]))
        throw new errors_ConfigError(`network pool '${text}' is not an IPv4 network: ${hint}`);
    const prefix = Number(m[2]);
    if (prefix < 8 || prefix > 30)
        throw new errors_ConfigError(`network pool '${text}': the prefix length must be between 8 and 30 (a /31 or /32 has no room for containers)`);
    const size = 2 ** (32 - prefix);
    const address = ipToNumber(m[1]);
    const network = address - (address % size);
    if (network !== address) {
        throw new errors_ConfigError(`network pool '${text}' has host bits set: did you mean ${numberToIp(network)}/${prefix}?`);
    }
    return {
        cidr: `${numberToIp(network)}/${prefix}`,
        prefix,
        network,
        gateway: numberToIp(network + 1),
        first: network + 2,
        last: network + size - 2,
    };
}
/** The bridge's address with its prefix, as `ip addr` takes it: `10.213.0.1/24`. */
function gatewayCidr(pool) {
    return `${pool.gateway}/${pool.prefix}`;
}
/** True when IP is one a container may have in POOL (not the network, gateway or broadcast). */
function isContainerAddress(pool, ip) {
    if (!isIpv4(ip))
        return false;
    const n = ipToNumber(ip);
    return n >= pool.first && n <= pool.last;
}

;// CONCATENATED MODULE: ./src/core/net/address-table.ts





function leaseOf(allocation, pool) {
    return { ...allocation, prefix: pool.prefix, gateway: pool.gateway };
}
function checkName(name) {
    if (!validName(name)) {
        throw new errors_ConfigError(`container name '${name}' is not valid for the network: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
    }
}
/**
 * Gives NAME an address in POOL: the one it already has, else the requested one, else the
 * lowest free one. Pure: returns the new state (the input is not changed) and the lease.
 * A known name keeps its MAC too, so its neighbours' ARP caches stay right across restarts.
 */
function allocateIn(state, name, pool, options = {}) {
    checkName(name);
    if (state.pool !== undefined && state.pool !== pool.cidr && state.allocations.length > 0) {
        const names = state.allocations.map((a) => a.name).join(', ');
        throw new errors_ConfigError(`the network already uses the pool ${state.pool} (containers: ${names}); ask for that pool, or release those containers before changing it to ${pool.cidr}`);
    }
    const mine = state.allocations.find((a) => a.name === name);
    const others = state.allocations.filter((a) => a.name !== name);
    const want = options.ip;
    if (want !== undefined) {
        if (!isIpv4(want))
            throw new errors_ConfigError(`'${want}' is not an IPv4 address`);
        if (!isContainerAddress(pool, want)) {
            throw new errors_ConfigError(`${want} cannot be a container's address in ${pool.cidr}: use ${numberToIp(pool.first)} to ${numberToIp(pool.last)} (${pool.gateway} is the bridge's)`);
        }
        const holder = others.find((a) => a.ip === want);
        if (holder)
            throw new errors_ConfigError(`${want} is already the address of container '${holder.name}'`);
    }
    if (mine && (want === undefined || want === mine.ip)) {
        return { state: { pool: pool.cidr, allocations: state.allocations }, lease: leaseOf(mine, pool), changed: state.pool !== pool.cidr };
    }
    const ip = want ?? firstFree(others, pool);
    const mac = mine?.mac ?? generateMac(others.map((a) => a.mac), options.random);
    const allocation = { name, ip, mac };
    const allocations = [...others, allocation].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { state: { pool: pool.cidr, allocations }, lease: leaseOf(allocation, pool), changed: true };
}
function firstFree(others, pool) {
    const used = new Set(others.map((a) => ipToNumber(a.ip)));
    for (let n = pool.first; n <= pool.last; n++)
        if (!used.has(n))
            return numberToIp(n);
    throw new errors_ConfigError(`the network pool ${pool.cidr} is full (${pool.last - pool.first + 1} containers): release some, or use a larger pool`);
}
/** Forgets NAME's allocation. Pure; releasing an unknown name changes nothing. */
function releaseIn(state, name) {
    const released = state.allocations.find((a) => a.name === name);
    if (!released)
        return { state };
    return { state: { ...state, allocations: state.allocations.filter((a) => a !== released) }, released };
}

;// CONCATENATED MODULE: ./src/core/net/resources-file.ts




/**
 * The resources file (`LIBRARYDIR/network.json`): who has which address and MAC.
 *
 *   { "version": 1, "pool": "10.213.0.0/24",
 *     "allocations": [ { "name": "build", "ip": "10.213.0.2", "mac": "02:5e:..." } ] }
 *
 * Parsing checks everything another process (or a person with an editor) could have got
 * wrong, because a duplicate address would surface much later as a confusing network fault.
 */
const NETWORK_FILE_VERSION = 1;
function serializeNetworkState(state) {
    const out = { version: NETWORK_FILE_VERSION };
    if (state.pool !== undefined)
        out.pool = state.pool;
    out.allocations = state.allocations.map(({ name, ip, mac }) => ({ name, ip, mac }));
    return `${JSON.stringify(out, null, 2)}\n`;
}
/** Parses and validates the file's TEXT; SOURCE names it in errors. Throws ConfigError. */
function parseNetworkState(text, source) {
    const bad = (why) => new errors_ConfigError(`${source} is not a valid network resources file: ${why}; fix it, or remove it if no container is using the network`);
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (e) {
        throw bad(`not JSON (${e.message})`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw bad('not a JSON object');
    const doc = data;
    if (doc.version !== NETWORK_FILE_VERSION)
        throw bad(`version ${JSON.stringify(doc.version)} is not ${NETWORK_FILE_VERSION} (written by another micro-container release?)`);
    if (!Array.isArray(doc.allocations))
        throw bad('"allocations" is not a list');
    let pool;
    if (doc.pool !== undefined) {
        if (typeof doc.pool !== 'string')
            throw bad('"pool" is not a string');
        try {
            pool = pool_parsePool(doc.pool);
        }
        catch (e) {
            throw bad(e.message);
        }
        if (pool.cidr !== doc.pool)
            throw bad(`"pool" ${doc.pool} is not in canonical form ${pool.cidr}`);
    }
    else if (doc.allocations.length > 0) {
        throw bad('there are allocations but no "pool"');
    }
    const names = new Set();
    const ips = new Map();
    const macs = new Map();
    const allocations = doc.allocations.map((entry, i) => {
        if (typeof entry !== 'object' || entry === null)
            throw bad(`allocation ${i} is not an object`);
        const { name, ip, mac } = entry;
        if (typeof name !== 'string' || !validName(name))
            throw bad(`allocation ${i} has no valid container name`);
        if (names.has(name))
            throw bad(`container '${name}' is listed twice`);
        if (typeof ip !== 'string' || !isContainerAddress(pool, ip))
            throw bad(`container '${name}' has the address ${JSON.stringify(ip)}, which is not a container address in ${doc.pool}`);
        if (typeof mac !== 'string' || !isUnicastMac(mac))
            throw bad(`container '${name}' has the MAC ${JSON.stringify(mac)}, which is not a lower-case unicast MAC`);
        if (ips.has(ip))
            throw bad(`containers '${ips.get(ip)}' and '${name}' have the same address ${ip}`);
        if (macs.has(mac))
            throw bad(`containers '${macs.get(mac)}' and '${name}' have the same MAC ${mac}`);
        names.add(name);
        ips.set(ip, name);
        macs.set(mac, name);
        return { name, ip, mac };
    });
    allocations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return doc.pool === undefined ? { allocations } : { pool: doc.pool, allocations };
}

;// CONCATENATED MODULE: ./src/core/net/allocations.ts







/**
 * The network's resources file in a library directory, shared by every micro-container
 * process that uses that directory. Each change is a read-modify-write under a flock on
 * a separate lock file, and the new content replaces the old by rename, so a reader
 * (even one that takes no lock) sees either the old or the new file, never half of one,
 * and a crash mid-write leaves the old one.
 */
function networkFile(libraryDir) {
    return external_node_path_default().join(libraryDir, 'network.json');
}
function lockFile(libraryDir) {
    return external_node_path_default().join(libraryDir, 'network.lock');
}
/** Runs WORK under the network's lock. Not re-entrant: WORK must not call allocate/release/list. */
function withNetworkLock(libraryDir, work, options = {}) {
    return withFlock(lockFile(libraryDir), work, options);
}
function readState(file) {
    let text;
    try {
        text = (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return { allocations: [] };
        throw e;
    }
    return parseNetworkState(text, file);
}
function writeState(file, state) {
    const temp = `${file}.${process.pid}.${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex')}.tmp`;
    try {
        const fd = (0,external_node_fs_namespaceObject.openSync)(temp, 'wx', 0o644);
        try {
            (0,external_node_fs_namespaceObject.writeSync)(fd, serializeNetworkState(state));
            (0,external_node_fs_namespaceObject.fsyncSync)(fd); // the rename must not reach the disk before the data it names
        }
        finally {
            (0,external_node_fs_namespaceObject.closeSync)(fd);
        }
        (0,external_node_fs_namespaceObject.renameSync)(temp, file);
    }
    catch (e) {
        (0,external_node_fs_namespaceObject.rmSync)(temp, { force: true });
        throw e;
    }
}
async function update(libraryDir, change) {
    (0,external_node_fs_namespaceObject.mkdirSync)(libraryDir, { recursive: true, mode: 0o700 });
    return withNetworkLock(libraryDir, async () => {
        const file = networkFile(libraryDir);
        const { state, result, changed } = change(readState(file));
        if (changed)
            writeState(file, state);
        return result;
    });
}
/**
 * Gives container NAME an address and MAC on the library directory's network (POOL, by
 * default 10.213.0.0/24): the ones it already has, else OPTIONS.ip or the first free
 * address, and a new random MAC. Throws ConfigError for a bad name, pool or address, a
 * full pool, or a pool that differs from the one the current allocations use.
 */
async function allocate(libraryDir, name, pool = DEFAULT_POOL, options = {}) {
    const parsed = pool_parsePool(pool);
    return update(libraryDir, (state) => {
        const r = allocateIn(state, name, parsed, options);
        return { state: r.state, result: r.lease, changed: r.changed };
    });
}
/** Forgets NAME's allocation; returns it, or undefined when NAME had none. */
async function release(libraryDir, name) {
    return update(libraryDir, (state) => {
        const r = releaseIn(state, name);
        return { state: r.state, result: r.released, changed: r.released !== undefined };
    });
}
/** The network as the file says now: its pool (absent before any allocation) and the leases. */
async function list(libraryDir) {
    // Reading needs no lock: the file is only ever replaced whole.
    const state = readState(networkFile(libraryDir));
    if (state.pool === undefined)
        return { leases: [] };
    const pool = pool_parsePool(state.pool);
    return { pool: state.pool, leases: state.allocations.map((a) => leaseOf(a, pool)) };
}

;// CONCATENATED MODULE: ./src/core/net/hosts-file.ts


/**
 * A container's /etc/hosts: loopback names, its own address under its hostname and name,
 * then every other container on the network by name, in address order. Pure.
 * HOSTNAME defaults to the name (as the jail's hostname does); when SELF has no
 * allocation, the hostname goes on 127.0.1.1, as Debian's installer writes it.
 */
function renderHosts(allocations, self) {
    const hostname = self.hostname || self.name;
    // A space or '#' would add names or cut the line: refuse rather than write a wrong file.
    if (!/^[^\s#]+$/.test(hostname))
        throw new errors_ConfigError(`hostname '${hostname}' cannot go into /etc/hosts: no spaces or '#'`);
    const mine = allocations.find((a) => a.name === self.name);
    const lines = [
        `# written by micro-container for '${self.name}'; other containers on its network by name`,
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
    ];
    if (mine)
        lines.push(`${mine.ip}\t${hostname === mine.name ? hostname : `${hostname} ${mine.name}`}`);
    else
        lines.push(`127.0.1.1\t${hostname}`);
    const others = allocations.filter((a) => a !== mine).sort((a, b) => ipToNumber(a.ip) - ipToNumber(b.ip));
    for (const a of others)
        lines.push(`${a.ip}\t${a.name}`);
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/core/net/run-steps.ts




/** Packages that hold the tools, for the message when one is missing. */
const PACKAGE = { ip: 'iproute2', nsenter: 'util-linux', iptables: 'iptables', nft: 'nftables', grep: 'grep', sh: 'dash' };
// ip, iptables and nft live in sbin, which a user's or sudo's PATH may leave out; nsenter
// looks its command up in the PATH it is given. Read at each call, not at import.
function searchPath() {
    return [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean).join(':');
}
function netnsPath(pid) {
    return `/proc/${pid}/ns/net`;
}
/** The command line STEP runs as, with the namespace entered: pure, for messages and tests. */
function stepArgv(words, where, ns) {
    const argv = words.map((w) => {
        if (w !== CONTAINER_PID)
            return w;
        if (ns.containerPid === undefined)
            throw new Error('a step names the container but no container pid was given');
        return String(ns.containerPid);
    });
    const pid = where === 'container' ? ns.containerPid : ns.netnsPid;
    if (where === 'container' && pid === undefined)
        throw new Error('a container step needs the container pid');
    return pid === undefined ? argv : ['nsenter', `--net=${netnsPath(pid)}`, ...argv];
}
async function runArgv(argv) {
    try {
        return await execCapture(argv[0], argv.slice(1), { env: { ...process.env, PATH: searchPath() } });
    }
    catch (e) {
        if (e.code === 'ENOENT') {
            throw new JailError(`${argv[0]} is not installed (Debian/Ubuntu package ${PACKAGE[argv[0]] ?? argv[0]}): container networks need it`);
        }
        throw e;
    }
}
function describe(argv) {
    return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(' ');
}
async function succeeds(words, step, ns) {
    return (await runArgv(stepArgv(words, step.in, ns))).code === 0;
}
/** Runs one step with its unless/onlyIf guards; throws JailError saying which step failed and why. */
async function runStep(step, ns) {
    if (step.unless && (await succeeds(step.unless, step, ns)))
        return;
    if (step.onlyIf && !(await succeeds(step.onlyIf, step, ns)))
        return;
    const argv = stepArgv(step.run, step.in, ns);
    const r = await runArgv(argv);
    if (r.code === 0)
        return;
    // Another process may have done (or undone) the same thing between our check and our
    // command: that is the state we wanted, not a failure.
    if (step.unless && (await succeeds(step.unless, step, ns)))
        return;
    if (step.onlyIf && !(await succeeds(step.onlyIf, step, ns)))
        return;
    throw new JailError(`could not ${step.why}: \`${describe(argv)}\` exited with ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
}
async function run_steps_runSteps(steps, ns) {
    for (const step of steps)
        await runStep(step, ns);
}
/** `ip -j ARGS` in the bridge's namespace, parsed; undefined when ip fails (a missing device). */
async function ipJson(args, netnsPid) {
    const r = await runArgv(stepArgv(['ip', '-j', ...args], 'bridge', { netnsPid }));
    if (r.code !== 0)
        return undefined;
    // ip prints nothing at all (not "[]") for an empty list on some releases.
    return r.stdout.trim() === '' ? [] : JSON.parse(r.stdout);
}
/**
 * Checks that PID exists and returns its network namespace's identity (device:inode).
 * The caller compares them: a container "namespace" that is really the bridge's would
 * put eth0 and its routes into the host itself.
 */
function netnsIdentity(pid, role) {
    const file = pid === undefined ? '/proc/self/ns/net' : netnsPath(pid);
    try {
        const s = statSync(file);
        return `${s.dev}:${s.ino}`;
    }
    catch (e) {
        throw new JailError(`${role} process ${pid} has no network namespace to enter (${e.code}): has it exited?`);
    }
}

;// CONCATENATED MODULE: ./src/core/net/nat.ts






/** True when iptables is on the PATH or in sbin (where sudo's PATH may not look). */
function hasIptables() {
    const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
    return dirs.some((d) => d && (0,external_node_fs_namespaceObject.existsSync)(external_node_path_default().join(d, 'iptables')));
}
/** iptables when it is installed, else nft (see nat-rules.ts for why). */
function defaultNatBackend() {
    return hasIptables() ? 'iptables' : 'nft';
}
/**
 * Lets the containers of POOL on BRIDGE reach beyond the bridge's namespace, masqueraded
 * behind its addresses (`--nat`). Turns IPv4 forwarding on in that namespace. Idempotent.
 */
async function enableNat(pool, bridge, options = {}) {
    checkBridgeName(bridge);
    const cidr = parsePool(pool).cidr;
    await runSteps(natAddSteps(cidr, bridge, options.backend ?? defaultNatBackend()), { netnsPid: options.netnsPid });
}
/** Removes what enableNat added (forwarding stays on: others may need it). Idempotent. */
async function disableNat(pool, bridge, options = {}) {
    checkBridgeName(bridge);
    const cidr = parsePool(pool).cidr;
    await runSteps(natRemoveSteps(cidr, bridge, options.backend ?? defaultNatBackend()), { netnsPid: options.netnsPid });
}

;// CONCATENATED MODULE: ./src/core/container.ts















/** The status a run stopped by --timeout ends with, as timeout(1) has it. */
const TIMEOUT_EXIT_STATUS = 124;
/** Environment that tests and nested set-ups use to put the bridge in their own namespace. */
const BRIDGE_NETNS_ENV = 'MICRO_CONTAINER_BRIDGE_NETNS';
/** CONFIG with what the environment adds (the bridge's namespace). */
function withEnvironment(config, env = process.env) {
    const netns = config.bridgeNetns ?? env[BRIDGE_NETNS_ENV];
    return netns ? { ...config, bridgeNetns: netns } : config;
}
/** The host's facts, with its cgroup layout and NAT tools. */
function withHost(facts) {
    return { cgroupLayout: hostCgroupLayout(), natBackend: defaultNatBackend(), forwardAccept: hasIptables(), ...facts };
}
/**
 * Plans a container: config -> spec -> launcher text. No side effects. With a private
 * network and no facts.lease, the address shown is a placeholder (the real one is
 * allocated when it runs).
 */
function planContainer(config, facts = hostFacts()) {
    const f = withHost(facts);
    const c = withEnvironment(config);
    const lease = f.lease ?? (c.network === 'private' && c.name ? { name: c.name, ip: '10.213.0.2', prefix: 24, gateway: '10.213.0.1', mac: '02:00:00:00:00:02' } : undefined);
    const spec = buildSpec(c, { ...f, lease });
    return { spec, launcher: renderLauncher(spec) };
}
/**
 * Runs CONFIG's command in its jail (as root) and returns the command's exit status:
 * 125 when the jail could not be set up, 126/127 as shells use them, 124 when
 * --timeout stopped it, 137 when the kernel's OOM killer ended it. REPORT gets the
 * lines that explain a 124 or 137.
 */
async function runContainer(config, facts = hostFacts(), report = (l) => process.stderr.write(`${l}\n`)) {
    const c = withEnvironment(config);
    const f = withHost(facts);
    const libraryDir = external_node_path_default().resolve(f.cwd, c.libraryDir || DEFAULT_LIBRARY_DIR);
    if (c.timeoutSeconds !== undefined && !(c.timeoutSeconds > 0))
        throw new errors_ConfigError(`timeout '${c.timeoutSeconds}' is not a positive number of seconds (--timeout)`);
    let lease = f.lease;
    if (c.network === 'private' && lease === undefined) {
        // Checked here too, so that no address is allocated for a config buildSpec refuses.
        buildSpec({ ...c, network: 'host', nat: false }, f);
        if (!c.name)
            throw new errors_ConfigError('--network private needs a container name (-n NAME): the address is kept for that name');
        // In Node, not in the launcher: the allocation is a read-modify-write of network.json
        // under a lock, and the address and MAC go into the launcher's text. The plumbing
        // itself (bridge, veth) runs in the launcher (renderNetScript), which also undoes it
        // when the CLI is SIGKILLed.
        lease = await allocate(libraryDir, c.name);
    }
    const { spec, launcher } = planContainer({ ...c, command: [] }, { ...f, lease });
    const file = writeLauncher(spec, launcher);
    // A run of a live container joins it: its record, hosts and clean-up are the owner's.
    const owner = livePid1(spec.stateDir) === undefined;
    if (owner) {
        writeAtomic(external_node_path_default().join(spec.stateDir, 'run.json'), `${JSON.stringify(runRecord(spec, c), null, 2)}\n`);
        if (spec.net)
            writeAtomic(external_node_path_default().join(spec.stateDir, 'hosts'), renderHosts((await list(libraryDir)).leases, { name: spec.name, hostname: spec.hostname }));
    }
    // The command goes as arguments, not into the file: one launcher serves every command
    // of a container, as later workflow steps use it.
    const exit = await runLauncherDetailed(file, {
        command: config.command ?? [],
        timeoutMs: c.timeoutSeconds === undefined ? undefined : c.timeoutSeconds * 1000,
    });
    // The launcher's clean-up (shutdown script, cgroup, network) runs after the jail: wait
    // for it, so that what we return describes a container that is completely gone.
    if (owner)
        await waitIdle(spec.stateDir);
    const name = spec.name || 'app';
    if (exit.timedOut) {
        report(`container ${name}: stopped after ${c.timeoutSeconds} s (--timeout); exit status ${TIMEOUT_EXIT_STATUS}`);
        return TIMEOUT_EXIT_STATUS;
    }
    const oom = owner && spec.cgroup?.oom !== undefined ? countOomKills(spec.cgroup.oom.kind, container_readText(external_node_path_default().join(spec.stateDir, 'oom'))) > 0 : false;
    const result = containerExit(name, exit.status, oom, spec.cgroup?.limits);
    if (result.message)
        report(result.message);
    return result.status;
}
function container_readText(file) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8');
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/cli/argv.ts


// Short option -> long name; every one but -v/-e takes its last value.
const VALUE_OPTIONS = {
    d: 'librarydir', b: 'basedir', l: 'lowerdir', n: 'name', w: 'workdir', u: 'user',
    v: 'volume', i: 'init', s: 'shutdown', e: 'env',
};
const LONG_VALUE = new Set([...Object.values(VALUE_OPTIONS), 'hostname', 'network', 'memory', 'pids', 'cpus', 'timeout']);
const LONG_FLAGS = new Set(['rm', 'dry-run', 'help', 'version', 'login', 'nat']);
/** `--timeout S`: a positive number of seconds (fractions allowed). Pure. */
function parseTimeout(text) {
    const s = /^\s*(\d+(?:\.\d+)?)\s*s?\s*$/.exec(text);
    const n = s ? Number(s[1]) : NaN;
    if (!(n > 0) || n > 31_536_000)
        throw new errors_ConfigError(`timeout '${text}' is not valid: give a number of seconds greater than 0, e.g. --timeout 600`);
    return n;
}
/** `--network host|none|private`. Pure. */
function parseNetwork(text) {
    if (!NETWORK_MODES.includes(text))
        throw new errors_ConfigError(`network '${text}' is not valid: use --network host (the default), none or private`);
    return text;
}
/** `host:guest[:ro|:rw]` -> Volume. The guest part starts at the first ':/'. Pure. */
function parseVolume(text) {
    let spec = text;
    let readOnly = false;
    const mode = /:(ro|rw)$/.exec(spec);
    if (mode) {
        readOnly = mode[1] === 'ro';
        spec = spec.slice(0, -3);
    }
    const at = spec.indexOf(':/');
    if (at <= 0)
        throw new errors_ConfigError(`volume '${text}' is not of the form host:guest[:ro] with an absolute guest path`);
    return { host: spec.slice(0, at), guest: spec.slice(at + 1), readOnly };
}
function parseEnv(text) {
    const eq = text.indexOf('=');
    if (eq <= 0)
        throw new errors_ConfigError(`environment setting '${text}' is not of the form NAME=value (-e)`);
    return [text.slice(0, eq), text.slice(eq + 1)];
}
/**
 * Parses `container [-] [-d librarydir] [-b basedir] [-l lowerdir] [-n name] [-w workdir]
 * [-u user:group] [[-v host:guest]...] [-i init] [-s shutdown] [--rm] [--dry-run]
 * [-e NAME=value]... [[--] command args...]`. Options end at the first other word.
 */
function parseContainerArgs(argv) {
    const config = {};
    const given = new Set();
    const volumes = [];
    const env = {};
    let dryRun = false;
    let help = false;
    let version = false;
    let explicitCommand = false;
    let i = 0;
    const set = (long, value) => {
        given.add(long);
        switch (long) {
            case 'librarydir':
                config.libraryDir = value;
                break;
            case 'basedir':
                config.baseDir = value;
                break;
            case 'lowerdir':
                config.lowerDirs = value.split(':').filter((x) => x !== '');
                break;
            case 'name':
                config.name = value;
                break;
            case 'workdir':
                config.workdir = value;
                break;
            case 'user':
                config.user = value;
                break;
            case 'volume':
                volumes.push(parseVolume(value));
                break;
            case 'init':
                config.initScript = value;
                break;
            case 'shutdown':
                config.shutdownScript = value;
                break;
            case 'env': {
                const [k, v] = parseEnv(value);
                env[k] = v;
                break;
            }
            case 'hostname':
                config.hostname = value;
                break;
            case 'network':
                config.network = parseNetwork(value);
                break;
            case 'memory':
                config.memory = value;
                break;
            case 'pids':
                config.pids = value;
                break;
            case 'cpus':
                config.cpus = value;
                break;
            case 'timeout':
                config.timeoutSeconds = parseTimeout(value);
                break;
        }
    };
    const flag = (long) => {
        given.add(long);
        if (long === 'rm')
            config.ephemeral = true;
        else if (long === 'dry-run')
            dryRun = true;
        else if (long === 'help')
            help = true;
        else if (long === 'version')
            version = true;
        else if (long === 'login')
            config.login = true;
        else if (long === 'nat')
            config.nat = true;
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
                if (eq > 0)
                    throw new errors_ConfigError(`option --${long} takes no value`);
                flag(long);
                i++;
                continue;
            }
            if (LONG_VALUE.has(long)) {
                const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
                if (value === undefined)
                    throw new errors_ConfigError(`option --${long} needs a value`);
                set(long, value);
                i += eq > 0 ? 1 : 2;
                continue;
            }
            throw new errors_ConfigError(`unknown option ${a} (see --help)`);
        }
        if (a.startsWith('-') && a.length > 1) {
            const letter = a[1];
            if (letter === 'h') {
                flag('help');
                i++;
                continue;
            }
            const long = VALUE_OPTIONS[letter];
            if (!long)
                throw new errors_ConfigError(`unknown option ${a} (see --help)`);
            const value = a.length > 2 ? a.slice(2) : argv[i + 1];
            if (value === undefined)
                throw new errors_ConfigError(`option -${letter} needs a value`);
            set(long, value);
            i += a.length > 2 ? 1 : 2;
            continue;
        }
        break;
    }
    if (volumes.length)
        config.volumes = volumes;
    if (Object.keys(env).length)
        config.env = env;
    config.command = argv.slice(i);
    return { config, dryRun, help, version, explicitCommand, given };
}
/**
 * `container NAME [cmd...]`: when ${librarydir}/root-NAME exists, NAME picks that root as
 * lowerdir and as the container's name (unless -l/-n say otherwise). Pure (exists injected).
 */
function applyRootShortcut(args, libraryDir, isDirectory) {
    const cmd = args.config.command ?? [];
    if (args.explicitCommand || cmd.length === 0)
        return args;
    const candidate = cmd[0];
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(candidate))
        return args;
    const root = `${libraryDir.replace(/\/+$/, '')}/root-${candidate}`;
    if (!isDirectory(root))
        return args;
    const config = { ...args.config, command: cmd.slice(1) };
    if (!args.given.has('lowerdir'))
        config.lowerDirs = [root];
    if (!args.given.has('name'))
        config.name = candidate;
    return { ...args, config };
}

;// CONCATENATED MODULE: ./src/cli/usage.ts
const CONTAINER_USAGE = `usage: container [-] [-d librarydir] [-b basedir] [-l lowerdir] [-n name] [-w workdir]
                 [-u user:group] [[-v hostvolume:guestvolume[:ro]]...] [-i initscript]
                 [-s shutdownscript] [-e NAME=value]... [--hostname NAME] [--rm] [--dry-run]
                 [[--] command args...]
       container NAME [command args...]     (when librarydir/root-NAME exists)

Runs the command (default: the user's shell) in an overlayfs + namespace jail whose root
is the overlay of lowerdir (default /) and the container's upper layer in basedir.

  -              a login shell, as after su -
  -d librarydir  roots and container state (default /var/lib/micro-container)
  -b basedir     upper layers (default $HOME/.app of the invoking user)
  -l lowerdir    the root, and more directories to stack under it: dir[:dir...]
  -n name        the container's name; its upper layer is basedir/app-NAME
  -w workdir     where the command starts (default: the user's home, else /)
  -u user:group  names from the container's /etc/passwd and /etc/group, or numbers
                 (default: the invoking user, also under sudo)
  -v host:guest  a volume; :ro makes it read-only (recursively). May repeat.
  -i initscript  host script run as: initscript init ROOTDIR UID GID, before the command
  -s shutdownscript  host script run as: shutdownscript shutdown ROOTDIR UID GID, after it
  -e NAME=value  environment for the command. May repeat.
  --rm           a throwaway upper layer (in memory), gone when the command ends
  --network MODE host (default: the host's network), none (only lo), or private (its own
                 address and MAC on the micro-container bridge, kept for -n NAME)
  --nat          with --network private: reach beyond the bridge, masqueraded
  --memory SIZE  memory limit (512m, 2g); an out-of-memory kill exits 137 and says so
  --pids N       most processes and threads at once
  --cpus N       CPU time, in CPUs (1.5)
  --timeout S    stop the command after S seconds; exit status 124
  --dry-run      print the launcher (a POSIX sh script that does all of this) and exit

Exit status: the command's own; 125 when the jail could not be set up; 126 not
executable; 127 not found. A second run of a running container joins it.`;
const MICRO_CONTAINER_USAGE = `usage: micro-container run [container options] [[--] command args...]
       micro-container rootfs add NAME SOURCE [--sha256 HEX] | ls [--json] | rm NAME
       micro-container containerize [containerize options] GROUP INSTANCE [command args...]
       micro-container ps [--json] | exec [-u user] [-w dir] NAME cmd... | stop [--timeout S] NAME | rm NAME
       micro-container --version | --help

  run            what \`container\` does (see micro-container run --help)
  rootfs         root filesystems: from a URL, a tarball or a directory (see rootfs --help)
  containerize   what \`containerize\` does: build roots under /trees
  ps, exec, stop, rm   the running containers of a library directory (-d; see CMD --help)

The same program answers as \`container\` (the original tool's syntax) and
\`containerize\` (build roots under /trees).`;
const CONTAINERIZE_USAGE = `usage: containerize [--trees DIR] [--overlay] [-w DIR] [--dry-run] GROUP INSTANCE [command args...]

Runs the command (default: bash, else sh) as root in the build root DIR/GROUP/INSTANCE,
writing into it. DIR is --trees, else $MICRO_CONTAINER_TREES, else /trees.
DIR/GROUP/.container/ must exist; every script in it is optional:
  bind ROOT GROUP INSTANCE  after the namespace is made, before anything is mounted
  profile                   inside the root (chroot), once the container is up
  stop ROOT PID             when the last session ends, before anything is unmounted
  unbind ROOT               at the very end, outside the root, after the unmounts
  cgroup-name               (plain file) the parent cgroup (default: containerize)
  unshare-options           (plain file) more namespaces: --uts --ipc --net --pid ...,
                            --propagation slave|private|shared|unchanged (default slave)
/proc, /sys and /dev come from the host (with --pid, /proc is the container's own) and
/tmp is a fresh tmpfs. A second containerize of a live instance joins it; the last one
to leave tears it down, killing whatever is left in its cgroup.

  --trees DIR    where the groups are
  --overlay      leave the tree as it is: writes go to DIR/GROUP/.overlay/INSTANCE/upper
  -w DIR         where the command starts, inside the root (default /)
  --dry-run      print the launcher (a POSIX sh script that does all of this) and exit

Exit status: the command's own; 125 when the container could not be started.`;

;// CONCATENATED MODULE: ./src/cli/containerize-args.ts

/**
 * Parses `containerize [--trees DIR] [--overlay] [-w DIR] [--dry-run] GROUP INSTANCE
 * [[--] COMMAND args...]`. Options come before GROUP; everything after INSTANCE is the
 * command, as the original took it.
 */
function parseContainerizeArgs(argv) {
    let trees;
    let workdir;
    let overlay = false;
    let dryRun = false;
    let i = 0;
    const value = (opt) => {
        const v = argv[++i];
        if (v === undefined)
            throw new errors_ConfigError(`option ${opt} needs a value (see containerize --help)`);
        return v;
    };
    for (; i < argv.length; i++) {
        const a = argv[i];
        if (a === '-h' || a === '--help')
            return { config: { group: '', instance: '' }, dryRun, help: true, version: false };
        if (a === '--version')
            return { config: { group: '', instance: '' }, dryRun, help: false, version: true };
        if (a === '--') {
            i++;
            break;
        }
        if (a === '--trees')
            trees = value(a);
        else if (a.startsWith('--trees='))
            trees = a.slice('--trees='.length);
        else if (a === '-w' || a === '--workdir')
            workdir = value(a);
        else if (a.startsWith('--workdir='))
            workdir = a.slice('--workdir='.length);
        else if (a === '--overlay')
            overlay = true;
        else if (a === '--dry-run')
            dryRun = true;
        else if (a.startsWith('-') && a !== '-')
            throw new errors_ConfigError(`unknown option ${a} (see containerize --help)`);
        else
            break;
    }
    const [group, instance] = [argv[i], argv[i + 1]];
    if (group === undefined || instance === undefined) {
        throw new errors_ConfigError('containerize needs a GROUP and an INSTANCE: containerize [--trees DIR] GROUP INSTANCE [COMMAND...]');
    }
    let command = argv.slice(i + 2);
    if (command[0] === '--')
        command = command.slice(1);
    return { config: { trees, group, instance, overlay, workdir, command }, dryRun, help: false, version: false };
}

;// CONCATENATED MODULE: ./src/core/trees/containerize-launcher.ts


/** The generated prelude: the spec as sh variables. Pure. */
function renderContainerizePrelude(spec) {
    const v = shVar;
    return [
        '#!/bin/sh',
        `# containerize launcher for ${spec.group}/${spec.instance} in ${spec.trees}.`,
        '# Run as root: sh THIS-FILE [command args...] runs the command (default: bash, else sh)',
        '# in the build root, joining the container when it is already running.',
        "MC_PROG='containerize'",
        v('MC_TREES', spec.trees),
        v('MC_GROUP', spec.group),
        v('MC_INSTANCE', spec.instance),
        v('MC_GROUPDIR', spec.groupDir),
        v('MC_HOOKS', spec.hooksDir),
        v('MC_TREE', spec.tree),
        v('MC_ROOT', spec.root),
        v('MC_OVERLAY', spec.overlay),
        v('MC_UPPER', spec.upperDir),
        v('MC_WORK', spec.workDir),
        v('MC_STATE', spec.stateDir),
        v('MC_CGROUP', spec.cgroup),
        `MC_UNSHARE=${shQuote(spec.unshare.join(' '))}`,
        `MC_NSENTER=${shQuote(spec.nsenter.join(' '))}`,
        v('MC_PIDNS', spec.pidNs),
        v('MC_UTSNS', spec.utsNs),
        v('MC_PROPAGATION', spec.propagation),
        v('MC_WORKDIR', spec.workdir),
        `MC_COMMAND=${shQuote(spec.command.map(shQuote).join(' '))}`,
        '',
    ].join('\n');
}
/** ContainerizeSpec -> a standalone POSIX sh launcher. Pure. */
function renderContainerizeLauncher(spec) {
    return renderContainerizePrelude(spec) + SH_COMMON + CONTAINERIZE_BODY;
}

;// CONCATENATED MODULE: ./src/core/trees/unshare-options.ts

const NAMESPACES = {
    '-u': { long: '--uts', nsenter: '-u' },
    '-i': { long: '--ipc', nsenter: '-i' },
    '-n': { long: '--net', nsenter: '-n' },
    '-p': { long: '--pid', nsenter: '-p' },
    '-C': { long: '--cgroup', nsenter: '-C' },
    '-T': { long: '--time', nsenter: '-T' },
    '-m': { long: '--mount', nsenter: '' },
};
const LONG = new Map(Object.values(NAMESPACES).map((n) => [n.long, n]));
const PROPAGATIONS = ['slave', 'private', 'shared', 'unchanged'];
/** The file's text (words separated by blanks, `#` comments) -> options. Pure; throws ConfigError. */
function parseUnshareOptions(text, file = 'unshare-options') {
    const words = text
        .split('\n')
        .map((l) => l.replace(/#.*/, ''))
        .join(' ')
        .split(/\s+/)
        .filter(Boolean);
    const chosen = new Set();
    let propagation = 'slave';
    for (let i = 0; i < words.length; i++) {
        const w = words[i];
        const [flag, inline] = w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
        if (flag === '--propagation') {
            const value = inline ?? words[++i];
            if (!PROPAGATIONS.includes(value)) {
                throw new errors_ConfigError(`${file}: --propagation takes one of ${PROPAGATIONS.join(', ')} (got '${value ?? ''}')`);
            }
            propagation = value;
            continue;
        }
        if (flag === '-f' || flag === '--fork' || flag === '--kill-child')
            continue; // implied where needed
        if (flag === '-U' || flag === '--user' || flag === '-r' || flag === '--map-root-user') {
            throw new errors_ConfigError(`${file}: ${flag} is not supported: containerize runs as root, without a user namespace (remove it)`);
        }
        if (flag === '--mount-proc') {
            throw new errors_ConfigError(`${file}: --mount-proc is not needed: containerize mounts /proc in the root itself (fresh with --pid, else bound from the host); remove it`);
        }
        const ns = NAMESPACES[flag] ?? LONG.get(flag);
        if (!ns) {
            throw new errors_ConfigError(`${file}: '${w}' is not an option containerize can pass on; use namespace options (--uts --ipc --net --pid --cgroup --time) and --propagation slave|private|shared|unchanged`);
        }
        if (inline !== undefined) {
            throw new errors_ConfigError(`${file}: ${w}: a namespace bound to a file is not supported (use ${flag} alone)`);
        }
        chosen.add(ns.long);
    }
    chosen.delete('--mount');
    const order = ['--uts', '--ipc', '--net', '--pid', '--cgroup', '--time'].filter((l) => chosen.has(l));
    const pidNs = chosen.has('--pid');
    return {
        unshare: [...order, ...(pidNs ? ['--fork'] : [])],
        nsenter: order.map((l) => LONG.get(l).nsenter),
        pidNs,
        utsNs: chosen.has('--uts'),
        propagation,
    };
}

;// CONCATENATED MODULE: ./src/core/trees/containerize-spec.ts




const DEFAULT_TREES = '/trees';
const STATE_ROOT = '/run/micro-container/trees';
const containerize_spec_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/;
/** A group or instance name: one path component, not hidden (`.container` is the group's). */
function checkTreeName(kind, name) {
    if (!containerize_spec_NAME.test(name)) {
        throw new errors_ConfigError(`${kind} '${name}' is not a valid name: use letters, digits, '_', '.', '+' and '-', not starting with '.' or '-' (at most 128)`);
    }
}
/** The trees directory: --trees, else MICRO_CONTAINER_TREES, else /trees. Pure. */
function treesDir(flag, env, cwd) {
    return external_node_path_default().resolve(cwd, flag || env || DEFAULT_TREES);
}
// overlayfs splits lowerdir on ':' and options on ','.
const containerize_spec_FORBIDDEN_IN_LAYER = /[:,\n]/;
/** config + facts -> spec. Pure (files are read through facts); throws ConfigError. */
function buildContainerizeSpec(config, facts) {
    checkTreeName('group', config.group);
    checkTreeName('instance', config.instance);
    const trees = treesDir(config.trees, facts.envTrees, facts.cwd);
    const groupDir = external_node_path_default().join(trees, config.group);
    const hooksDir = external_node_path_default().join(groupDir, '.container');
    const tree = external_node_path_default().join(groupDir, config.instance);
    const overlay = config.overlay === true;
    if (overlay && containerize_spec_FORBIDDEN_IN_LAYER.test(tree)) {
        throw new errors_ConfigError(`${tree} contains ':' or ','; overlayfs cannot take such a path (use --trees elsewhere, or run without --overlay)`);
    }
    const id = `${config.group}.${config.instance}.${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(trees).digest('hex').slice(0, 8)}`;
    const stateDir = external_node_path_default().join(STATE_ROOT, id);
    const cgroupFile = external_node_path_default().join(hooksDir, 'cgroup-name');
    const cgroupName = (facts.readFile(cgroupFile) ?? 'containerize').trim() || 'containerize';
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(cgroupName) || cgroupName.split('/').some((c) => c === '.' || c === '..')) {
        throw new errors_ConfigError(`${cgroupFile}: '${cgroupName}' is not a cgroup name (one line: letters, digits, '_', '.', '-', and '/' between parts)`);
    }
    const optionsFile = external_node_path_default().join(hooksDir, 'unshare-options');
    const options = parseUnshareOptions(facts.readFile(optionsFile) ?? '', optionsFile);
    const workdir = config.workdir ?? '/';
    if (!workdir.startsWith('/'))
        throw new errors_ConfigError(`workdir '${workdir}' must be an absolute path inside the root (-w /path)`);
    const overlayDir = external_node_path_default().join(groupDir, '.overlay', config.instance);
    return {
        trees,
        group: config.group,
        instance: config.instance,
        groupDir,
        hooksDir,
        tree,
        root: overlay ? external_node_path_default().join(stateDir, 'root') : tree,
        overlay,
        upperDir: overlay ? external_node_path_default().join(overlayDir, 'upper') : '',
        workDir: overlay ? external_node_path_default().join(overlayDir, 'work') : '',
        stateDir,
        cgroup: `${cgroupName}/${id}`,
        unshare: options.unshare,
        nsenter: options.nsenter,
        pidNs: options.pidNs,
        utsNs: options.utsNs,
        propagation: options.propagation,
        workdir: external_node_path_default().posix.normalize(workdir),
        command: config.command ?? [],
    };
}

;// CONCATENATED MODULE: ./src/core/trees/containerize.ts




/** The real host's answers to what buildContainerizeSpec asks. */
function containerizeHostFacts(cwd = process.cwd(), env = process.env) {
    return {
        cwd,
        envTrees: env.MICRO_CONTAINER_TREES,
        readFile: (p) => {
            try {
                return (0,external_node_fs_namespaceObject.readFileSync)(p, 'utf8');
            }
            catch {
                return undefined;
            }
        },
    };
}
/** Plans a containerize run: config -> spec -> launcher text. No side effects. */
function planContainerize(config, facts = containerizeHostFacts()) {
    const spec = buildContainerizeSpec(config, facts);
    return { spec, launcher: renderContainerizeLauncher(spec) };
}
/** The caller's locale and time zone travel into the container; nothing else of its environment. */
function passedEnv(env) {
    return Object.fromEntries(Object.entries(env).filter(([k]) => k === 'LANG' || k === 'TZ' || k.startsWith('LC_')));
}
/**
 * Runs CONFIG's command in its build root (as root) and returns its exit status; 125
 * when the container could not be started.
 */
async function runContainerize(config, facts = containerizeHostFacts()) {
    const { spec, launcher } = planContainerize({ ...config, command: [] }, facts);
    (0,external_node_fs_namespaceObject.mkdirSync)(spec.stateDir, { recursive: true, mode: 0o700 });
    const file = writeLauncherIn(spec.stateDir, launcher);
    return runLauncher(file, { command: config.command ?? [], env: passedEnv(process.env) });
}

;// CONCATENATED MODULE: ./src/cli/rootfs-args.ts

const ROOTFS_USAGE = `usage: micro-container rootfs add NAME SOURCE [--sha256 HEX] [-d librarydir]
       micro-container rootfs ls [--json] [-d librarydir]
       micro-container rootfs rm NAME [-d librarydir]

  add   installs a root as librarydir/root-NAME (then: container NAME, or -l librarydir/root-NAME).
        SOURCE is an http(s):// URL, a tarball (gzip, xz, zstd, bzip2 or plain, told by its
        bytes), or a directory (copied, with reflinks where the filesystem has them).
        An archive is stored by its sha256, downloaded and extracted once.
  ls    lists the roots
  rm    removes a root's name, and the root itself when no other name uses it`;
function parseRootfsArgs(argv) {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h' || action === 'help')
        return { action: 'help' };
    const words = [];
    let sha256;
    let libraryDir;
    let json = false;
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        const value = () => {
            const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
            if (v === undefined)
                throw new errors_ConfigError(`option ${a} needs a value`);
            return v;
        };
        if (a === '--sha256' || a.startsWith('--sha256='))
            sha256 = value();
        else if (a === '-d' || a === '--librarydir' || a.startsWith('--librarydir='))
            libraryDir = value();
        else if (a.startsWith('-d') && a.length > 2)
            libraryDir = a.slice(2);
        else if (a === '--json')
            json = true;
        else if (a.startsWith('-') && a !== '-')
            throw new errors_ConfigError(`unknown option ${a} for rootfs ${action} (see micro-container rootfs --help)`);
        else
            words.push(a);
    }
    const want = (n, shape) => {
        if (words.length !== n)
            throw new errors_ConfigError(`rootfs ${action} takes ${shape} (see micro-container rootfs --help)`);
    };
    switch (action) {
        case 'add':
            want(2, 'NAME SOURCE');
            return { action, name: words[0], source: words[1], sha256, libraryDir };
        case 'ls':
            want(0, 'no arguments but --json and -d');
            return { action, json, libraryDir };
        case 'rm':
            want(1, 'NAME');
            return { action, name: words[0], libraryDir };
        default:
            throw new errors_ConfigError(`unknown rootfs command '${action}' (add, ls, rm)`);
    }
}

;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
var external_node_http_default = /*#__PURE__*/__nccwpck_require__.n(external_node_http_namespaceObject);
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
var external_node_https_default = /*#__PURE__*/__nccwpck_require__.n(external_node_https_namespaceObject);
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
var external_node_net_default = /*#__PURE__*/__nccwpck_require__.n(external_node_net_namespaceObject);
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
var external_node_tls_default = /*#__PURE__*/__nccwpck_require__.n(external_node_tls_namespaceObject);
;// CONCATENATED MODULE: ./src/core/version.ts
const VERSION = '0.1.0';

;// CONCATENATED MODULE: ./src/core/rootfs/errors.ts

/**
 * A root filesystem could not be fetched or stored: a download failed, a digest did not
 * match. The message names the source, the problem and what to do about it.
 */
class RootfsError extends MicroContainerError {
    name = 'RootfsError';
}

;// CONCATENATED MODULE: ./src/core/rootfs/progress.ts
/**
 * Human-sized byte counts for progress lines. Binary units, as `du -h` and `curl` print
 * them, with one decimal so that a line that is redrawn does not jump in width much.
 */
const progress_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** `512 B`, `1.5 KiB`, `12.3 MiB`. */
function progress_formatBytes(bytes) {
    if (!Number.isFinite(bytes) || bytes < 1024)
        return `${Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0} B`;
    let value = bytes;
    let unit = 0;
    // 1023.96 KiB would print as "1024.0 KiB": move up a unit once rounding would get there.
    while (value >= 1023.95 && unit < progress_UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${progress_UNITS[unit]}`;
}
/**
 * `12.3 MiB / 45.0 MiB (27%)`, or `12.3 MiB` when the size is not known (no
 * Content-Length). The percentage rounds down, so 100% means done.
 */
function formatProgress(received, total) {
    if (total === undefined || !Number.isFinite(total) || total < 0)
        return progress_formatBytes(received);
    const percent = total === 0 ? 100 : Math.min(100, Math.max(0, Math.floor((received * 100) / total)));
    return `${progress_formatBytes(received)} / ${progress_formatBytes(total)} (${percent}%)`;
}

;// CONCATENATED MODULE: ./src/core/rootfs/download.ts















const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_BACKOFF_MS = 30_000;
/** Socket errors that say "the network or the server hiccupped", not "this can never work". */
const TRANSIENT_CODES = {
    ECONNRESET: 'connection reset',
    ECONNREFUSED: 'connection refused',
    ECONNABORTED: 'connection aborted',
    ETIMEDOUT: 'connection timed out',
    EPIPE: 'connection closed while sending',
    EAI_AGAIN: 'temporary DNS failure',
    ENETUNREACH: 'network unreachable',
    ENETDOWN: 'network down',
    EHOSTUNREACH: 'host unreachable',
    EHOSTDOWN: 'host down',
};
/**
 * One attempt's failure, before it becomes the RootfsError the user sees: what went wrong,
 * what to do, and whether another attempt may go better.
 */
class Failure extends Error {
    problem;
    hint;
    transient;
    constructor(problem, hint, transient, options) {
        super(problem, options);
        this.problem = problem;
        this.hint = hint;
        this.transient = transient;
    }
}
/** Downloads `url` to `destFile`; see DownloadOptions. Throws RootfsError (ConfigError for bad arguments). */
async function download(url, destFile, options = {}) {
    const start = parseSourceUrl(url);
    const expected = options.sha256 === undefined ? undefined : parseSha256(options.sha256);
    const retries = count(options.retries, 4);
    const backoffMs = count(options.backoffMs, 500);
    const settings = {
        dest: external_node_path_default().resolve(destFile),
        expected,
        env: options.env ?? process.env,
        timeoutMs: count(options.timeoutMs, 30_000) || 30_000,
        maxRedirects: count(options.maxRedirects, 10),
        onProgress: options.onProgress,
        validators: options.validators,
        ca: options.ca === undefined ? undefined : [...defaultCAs(), ...[options.ca].flat()],
    };
    for (let attempt = 0;; attempt++) {
        const last = { url: start };
        try {
            return await attemptOnce(start, settings, last);
        }
        catch (e) {
            // Final verdicts (a digest mismatch, a disk error, bad settings) and the caller's own
            // errors (from onProgress) go out as they are.
            if (!(e instanceof Failure))
                throw e;
            if (!e.transient || attempt >= retries) {
                const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
                const at = last.url.href !== start.href ? ` (at ${redact(last.url)})` : '';
                throw new RootfsError(`download of ${redact(start)} failed${tries}: ${e.problem}${at}; ${e.hint}`, { cause: e });
            }
            await (0,promises_namespaceObject.setTimeout)(backoffDelay(attempt, backoffMs));
        }
    }
}
/**
 * The delay before retry number `attempt + 1` (attempt counts from 0): `baseMs * 2^attempt`,
 * capped at 30 s, of which the upper half is random ("equal jitter") so that many CI
 * runners failing together do not come back together, yet no retry comes back at once.
 */
function backoffDelay(attempt, baseMs, random = Math.random) {
    const exp = Math.max(0, Math.floor(attempt));
    const ceiling = Math.min(MAX_BACKOFF_MS, Math.max(0, baseMs) * 2 ** Math.min(exp, 30));
    const r = Math.min(1, Math.max(0, random()));
    return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
/**
 * The proxy to use for `url`, or undefined for a direct connection, as curl and wget
 * decide it: https_proxy/HTTPS_PROXY for https URLs, http_proxy/HTTP_PROXY for http URLs
 * (the lowercase name wins; empty means unset), unless no_proxy/NO_PROXY matches the
 * host. NO_PROXY is a comma (or space) list of `*`, `example.com` (that host and its
 * subdomains), `.example.com` or `*.example.com` (the same), any of these with `:port`,
 * IP addresses (`127.0.0.1`, `::1`, `[::1]:8080`) and CIDR ranges (`10.0.0.0/8`).
 * Names are not resolved: `localhost` does not match 127.0.0.1.
 */
function proxyFor(url, env = process.env) {
    const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : url.protocol === 'http:' ? ['http_proxy', 'HTTP_PROXY'] : [];
    const name = names.find((n) => env[n]?.trim());
    if (!name)
        return undefined;
    if (noProxyMatches(url, env.no_proxy?.trim() || env.NO_PROXY?.trim() || ''))
        return undefined;
    return parseProxyUrl(name, env[name].trim());
}
function parseProxyUrl(name, raw) {
    let proxy;
    try {
        // "proxy.corp:3128" without a scheme is common in the wild and means http.
        proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    }
    catch {
        throw new errors_ConfigError(`${name}=${raw} is not a proxy URL; set it like http://proxy.example:3128 or unset it`);
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
        throw new errors_ConfigError(`${name}=${redact(proxy)}: ${proxy.protocol.slice(0, -1)} proxies are not supported; use an http:// or https:// proxy`);
    }
    return proxy;
}
function noProxyMatches(url, noProxy) {
    const host = bare(url.hostname).replace(/\.$/, '');
    const hostIsIp = external_node_net_default().isIP(host) !== 0;
    const port = effectivePort(url);
    for (const raw of noProxy.toLowerCase().split(/[\s,]+/)) {
        if (!raw)
            continue;
        if (raw === '*')
            return true;
        let entry = raw;
        let entryPort;
        const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
        if (bracketed) {
            entry = bracketed[1];
            entryPort = bracketed[2];
        }
        else if (raw.split(':').length === 2) {
            // One colon is host:port; more are a bare IPv6 address.
            [entry, entryPort] = raw.split(':');
        }
        if (entryPort !== undefined && entryPort !== '' && entryPort !== port)
            continue;
        if (entry.includes('/') || external_node_net_default().isIP(entry)) {
            if (hostIsIp && ipInRange(host, entry))
                return true;
            continue;
        }
        const domain = entry.replace(/^\*?\./, '').replace(/\.$/, '');
        // An IP host is never a subdomain: "0.0.1" must not match 10.0.0.1.
        if (domain && !hostIsIp && (host === domain || host.endsWith(`.${domain}`)))
            return true;
    }
    return false;
}
/** `ip` is `range` (an address) or in it (address/prefix); via BlockList, which knows IPv6 spellings. */
function ipInRange(ip, range) {
    const [addr = '', bitsText] = range.split('/');
    const family = external_node_net_default().isIP(addr);
    if (!family)
        return false;
    const bits = bitsText === undefined ? (family === 4 ? 32 : 128) : Number(bitsText);
    if (!Number.isInteger(bits))
        return false;
    const list = new (external_node_net_default()).BlockList();
    try {
        list.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
        return list.check(ip, external_node_net_default().isIP(ip) === 4 ? 'ipv4' : 'ipv6');
    }
    catch {
        return false;
    }
}
/** One try from the first URL: redirects, then the body to a temp file, verified, renamed. */
async function attemptOnce(start, s, last) {
    const { res, timedOut } = await fetchFollowingRedirects(start, s, last);
    const url = last.url;
    const validators = validatorsOf(res);
    if (res.statusCode === 304) {
        res.destroy();
        return { path: s.dest, sha256: '', size: 0, url: url.href, notModified: true, validators: { ...s.validators, ...validators } };
    }
    const total = contentLength(res);
    const temp = external_node_path_default().join(external_node_path_default().dirname(s.dest), `.${external_node_path_default().basename(s.dest)}.${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}.part`);
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    let received = 0;
    let callerError;
    let diskError;
    const meter = new external_node_stream_namespaceObject.Transform({
        transform(chunk, _encoding, callback) {
            hash.update(chunk);
            received += chunk.length;
            try {
                s.onProgress?.({ received, total });
            }
            catch (e) {
                callerError = e;
                return callback(e);
            }
            callback(null, chunk);
        },
    });
    // 'wx': the random name is ours alone; flush: the bytes are on disk before the rename makes them the archive.
    const file = (0,external_node_fs_namespaceObject.createWriteStream)(temp, { flags: 'wx', mode: 0o644, flush: true });
    // pipeline() hands a network failure on to the file too: only an fs error of its own
    // (it names a syscall, and is not the response's error) is the disk's fault.
    let networkError;
    res.once('error', (e) => (networkError = e));
    file.once('error', (e) => {
        if (e.syscall && e !== networkError)
            diskError = e;
    });
    let renamed = false;
    try {
        try {
            await (0,external_node_stream_promises_namespaceObject.pipeline)(res, meter, file);
        }
        catch (e) {
            if (callerError !== undefined)
                throw callerError;
            if (diskError !== undefined)
                throw diskFailure(temp, diskError);
            if (timedOut())
                throw timeoutFailure(s.timeoutMs, received, total);
            throw truncated(received, total, e);
        }
        if (!res.complete || (total !== undefined && received !== total))
            throw truncated(received, total);
        const digest = hash.digest('hex');
        if (s.expected !== undefined && digest !== s.expected) {
            throw new RootfsError(`sha256 mismatch for ${redact(url)}: expected ${s.expected}, got ${digest}; check --sha256 or the source`);
        }
        try {
            await (0,external_node_fs_promises_namespaceObject.rename)(temp, s.dest);
        }
        catch (e) {
            throw diskFailure(s.dest, e);
        }
        renamed = true;
        return { path: s.dest, sha256: digest, size: received, url: url.href, validators };
    }
    finally {
        res.destroy();
        if (!renamed)
            await (0,external_node_fs_promises_namespaceObject.rm)(temp, { force: true }).catch(() => undefined);
    }
}
/** The ETag and Last-Modified a response carries. Weak ETags count: they are for exactly this. */
function validatorsOf(res) {
    const v = {};
    const etag = res.headers.etag;
    const lastModified = res.headers['last-modified'];
    if (etag)
        v.etag = etag;
    if (lastModified)
        v.lastModified = lastModified;
    return v;
}
/** GETs `start`, following redirects, up to a 200 response whose body is not read yet. */
async function fetchFollowingRedirects(start, s, last) {
    const seen = new Set();
    let url = start;
    for (let hops = 0;; hops++) {
        last.url = url;
        const response = await get(url, s);
        const { res } = response;
        const status = res.statusCode ?? 0;
        if (status === 200 || status === 203)
            return response;
        // Only an answer to our own validators means "what you have is current".
        if (status === 304 && (s.validators?.etag || s.validators?.lastModified))
            return response;
        res.destroy();
        if (!REDIRECT_STATUSES.has(status))
            throw statusFailure(status, res.statusMessage);
        const location = res.headers.location;
        if (!location)
            throw new Failure(`HTTP ${status} redirect without a Location header`, 'the server is misconfigured; ask its owner or use another URL', false);
        let next;
        try {
            next = new URL(location, url);
        }
        catch {
            throw new Failure(`HTTP ${status} redirect to an invalid Location "${location}"`, 'the server is misconfigured; ask its owner or use another URL', false);
        }
        next.hash = '';
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw new Failure(`redirect to unsupported URL ${redact(next)}`, 'only http and https are supported; download it yourself and add the file', false);
        }
        // Without cookies nothing changes between two visits of the same URL: a loop is a loop.
        seen.add(url.href);
        if (seen.has(next.href)) {
            throw new Failure(`redirect loop (${redact(url)} redirects back to ${redact(next)})`, 'the server redirects in a circle; check the URL', false);
        }
        if (hops >= s.maxRedirects) {
            throw new Failure(`too many redirects (more than ${s.maxRedirects}, next ${redact(next)})`, 'check the URL, or raise maxRedirects', false);
        }
        url = next;
    }
}
/** One GET, direct or through the proxy the environment asks for, resolved at the response head. */
async function get(url, s) {
    const proxy = proxyFor(url, s.env);
    const via = proxy ? ` via proxy ${redact(proxy)}` : '';
    const headers = {
        'user-agent': `micro-container/${VERSION}`,
        accept: '*/*',
        // The digest is of the bytes as served: no transparent decompression.
        'accept-encoding': 'identity',
        ...(s.validators?.etag && { 'if-none-match': s.validators.etag }),
        ...(s.validators?.lastModified && { 'if-modified-since': s.validators.lastModified }),
    };
    let request;
    if (proxy && url.protocol === 'http:') {
        // A plain http proxy takes the absolute URL as the request target (RFC 9112 3.2.2).
        const auth = basicAuth(url);
        const target = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
        const proxyHeaders = { ...headers, host: url.host, ...(auth && { authorization: auth }), ...proxyAuthHeader(proxy) };
        request = () => moduleFor(proxy).request({ ...endpoint(proxy), method: 'GET', path: target, headers: proxyHeaders, agent: false, ca: s.ca });
    }
    else if (proxy) {
        // https through a proxy: a CONNECT tunnel, then our own TLS to the server over it.
        const socket = await connectTunnel(proxy, url, s);
        const host = bare(url.hostname);
        const createConnection = () => external_node_tls_default().connect({ socket, host, servername: external_node_net_default().isIP(host) ? undefined : host, ca: s.ca });
        request = () => external_node_https_default().request(url, { headers, createConnection, ca: s.ca });
    }
    else {
        request = () => moduleFor(url).request(url, { headers, agent: false, ca: s.ca });
    }
    return new Promise((resolve, reject) => {
        let timedOut = false;
        const req = request();
        req.setTimeout(s.timeoutMs, () => {
            timedOut = true;
            req.destroy(timeoutFailure(s.timeoutMs));
        });
        // Stays attached for the whole exchange: errors after the head surface on the body stream.
        req.on('error', (e) => reject(networkFailure(e, url, via)));
        req.once('response', (res) => resolve({ res, timedOut: () => timedOut }));
        req.end();
    });
}
/** Opens a CONNECT tunnel to `url`'s host:port through `proxy`. */
function connectTunnel(proxy, url, s) {
    const authority = `${url.hostname}:${effectivePort(url)}`;
    const via = ` via proxy ${redact(proxy)}`;
    return new Promise((resolve, reject) => {
        const req = moduleFor(proxy).request({
            ...endpoint(proxy),
            method: 'CONNECT',
            path: authority,
            headers: { host: authority, 'user-agent': `micro-container/${VERSION}`, ...proxyAuthHeader(proxy) },
            agent: false,
            ca: s.ca,
        });
        req.setTimeout(s.timeoutMs, () => req.destroy(timeoutFailure(s.timeoutMs)));
        req.on('error', (e) => reject(networkFailure(e, url, via)));
        req.once('connect', (res, socket, head) => {
            socket.setTimeout(0);
            if (res.statusCode !== 200) {
                socket.destroy();
                const status = res.statusCode ?? 0;
                const transient = status >= 500 || status === 408 || status === 429;
                const hint = status === 407 ? 'the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port)' : 'check HTTPS_PROXY and NO_PROXY, or try again later';
                reject(new Failure(`proxy ${redact(proxy)} refused CONNECT ${authority}: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd(), hint, transient));
                return;
            }
            // Bytes the proxy sent after its answer belong to the TLS stream.
            if (head.length > 0)
                socket.unshift(head);
            resolve(socket);
        });
        req.end();
    });
}
function statusFailure(status, message) {
    const problem = `HTTP ${status}${message ? ` ${message}` : ''}`;
    if (status >= 500 || status === 408 || status === 429)
        return new Failure(problem, 'the server is failing or busy; try again later', true);
    if (status === 401 || status === 403)
        return new Failure(problem, 'check the URL, and that the file is public (credentials can go in the URL)', false);
    if (status === 407)
        return new Failure(problem, 'the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port)', false);
    if (status >= 400)
        return new Failure(problem, 'check the URL', false);
    return new Failure(`unexpected ${problem}`, 'check the URL; it should answer 200 with the archive', false);
}
function networkFailure(e, url, via) {
    if (e instanceof Failure)
        return e;
    const err = e;
    const code = err.code ?? '';
    const where = `${url.host}${via}`;
    const proxyHint = via ? '; check HTTPS_PROXY/HTTP_PROXY and NO_PROXY' : '';
    if (code in TRANSIENT_CODES)
        return new Failure(`${TRANSIENT_CODES[code]} (${where})`, `check your network and that the server is up${proxyHint}`, true, { cause: e });
    if (code === 'ENOTFOUND')
        return new Failure(`host not found (${where})`, `check the host name in the URL${proxyHint}`, false, { cause: e });
    if (/CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_/.test(code)) {
        return new Failure(`TLS error (${where}): ${err.message}`, 'the server certificate is not trusted; if your network uses its own CA, point NODE_EXTRA_CA_CERTS at it', false, { cause: e });
    }
    return new Failure(`${err.message || String(e)} (${where})`, `check the URL and your network${proxyHint}`, false, { cause: e });
}
function timeoutFailure(timeoutMs, received, total) {
    const after = received === undefined ? '' : ` after ${received}${total === undefined ? '' : ` of ${total}`} bytes`;
    return new Failure(`timed out: no data for ${timeoutMs} ms${after}`, 'the server or the network is stalled; try again later', true);
}
function truncated(received, total, cause) {
    const of = total === undefined ? '' : ` of ${total}`;
    return new Failure(`connection closed early, after ${received}${of} bytes`, 'the transfer was cut short; try again', true, { cause });
}
function diskFailure(file, e) {
    const err = e;
    return new RootfsError(`cannot write ${file}: ${err.code ?? err.message}; check that ${external_node_path_default().dirname(file)} exists, is writable and has space`, { cause: e });
}
function parseSourceUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors_ConfigError(`${text} is not a URL; give an http:// or https:// URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new errors_ConfigError(`${redact(url)}: only http:// and https:// URLs can be downloaded`);
    }
    url.hash = '';
    return url;
}
function parseSha256(text) {
    const hex = text.trim().toLowerCase().replace(/^sha256:/, '');
    if (!/^[0-9a-f]{64}$/.test(hex))
        throw new errors_ConfigError(`--sha256 ${text} is not a sha256 digest; give the 64 hex digits that sha256sum prints`);
    return hex;
}
/** A non-negative integer option, or its default when unset or nonsense (loops must stay bounded). */
function count(value, fallback) {
    return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}
function contentLength(res) {
    const text = res.headers['content-length'];
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
function defaultCAs() {
    // Node 22.15+/23.10+ can say which CAs it trusts by default (bundled + NODE_EXTRA_CA_CERTS);
    // an explicit `ca` replaces that set, so start from it where it exists.
    const get = (external_node_tls_default()).getCACertificates;
    return get ? get('default') : (external_node_tls_default()).rootCertificates;
}
function moduleFor(url) {
    return url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
}
function endpoint(url) {
    return { host: bare(url.hostname), port: effectivePort(url) };
}
function effectivePort(url) {
    return url.port || (url.protocol === 'https:' ? '443' : '80');
}
/** `[::1]` as URL.hostname spells it, `::1` as sockets want it. */
function bare(hostname) {
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
function basicAuth(url) {
    if (!url.username && !url.password)
        return undefined;
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    return `Basic ${Buffer.from(credentials).toString('base64')}`;
}
function proxyAuthHeader(proxy) {
    const auth = basicAuth(proxy);
    return auth ? { 'proxy-authorization': auth } : {};
}
/** The URL for messages: never print a password. */
function redact(url) {
    if (!url.password)
        return url.href;
    const copy = new URL(url.href);
    copy.password = '***';
    return copy.href;
}

;// CONCATENATED MODULE: ./src/core/rootfs/archive-check.ts

/**
 * The device nodes a root may bring: the character devices every /dev has and that a jail
 * binds or creates anyway, with the numbers Linux gives them (devices.txt). A `dev/null`
 * that is really block 8:0 is the disk, not null. Everything else (disks, /dev/mem,
 * /dev/kmsg, ...) is skipped: a root filesystem has no business bringing it.
 */
const STANDARD_CHAR_DEVICES = new Map([
    ['dev/null', [1, 3]],
    ['dev/zero', [1, 5]],
    ['dev/full', [1, 7]],
    ['dev/random', [1, 8]],
    ['dev/urandom', [1, 9]],
    ['dev/tty', [5, 0]],
    ['dev/console', [5, 1]],
    ['dev/ptmx', [5, 2]],
    // Virtual consoles tty0..tty63 are 4:N.
    ...Array.from({ length: 64 }, (_, n) => [`dev/tty${n}`, [4, n]]),
]);
/** Whether `path` (normalized) with these numbers is one of the standard character devices. */
function isStandardDevice(path, type, major, minor) {
    const want = STANDARD_CHAR_DEVICES.get(path);
    return type === 'char' && want !== undefined && want[0] === major && want[1] === minor;
}
/**
 * Xattrs that are never restored: `trusted.overlay.*` steers overlayfs (opaque directories,
 * redirects, metacopy) when the root becomes a lower layer, so it is ours to set, not an
 * archive's.
 */
const DROPPED_XATTR_PREFIXES = ['trusted.overlay.'];
/**
 * An archive member name as a path relative to the root: `./a//b/` is `a/b`, `.` and `./`
 * are '' (the root itself). Absolute names and `..` components are refused, not repaired:
 * GNU tar would strip them and extract somewhere the author did not mean.
 */
function normalizeMemberPath(name) {
    if (name === '')
        return { ok: false, reason: 'empty name' };
    if (name.startsWith('/'))
        return { ok: false, reason: 'absolute path' };
    // tar stops a name at a NUL (a pax value can hold one): it would extract a name that is
    // not the one checked here.
    if (name.includes('\0'))
        return { ok: false, reason: 'has a NUL byte' };
    const parts = [];
    for (const part of name.split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part === '..')
            return { ok: false, reason: 'has a ".." component' };
        parts.push(part);
    }
    return { ok: true, path: parts.join('/') };
}
const archive_check_q = (s) => JSON.stringify(s);
/**
 * The check, one entry at a time, in archive order (an archive of a million entries is not
 * held in memory; the check keeps one type per path, which it needs for symlinks and hard
 * links).
 */
class ArchiveChecker {
    opts;
    /** Type of what the archive has put at each path so far (later entries replace earlier). */
    kinds = new Map();
    /** Paths whose only entries were skipped: a hard link to one is skipped too. */
    skippedPaths = new Set();
    symlinks = 0;
    count = 0;
    problems = [];
    notes = [];
    skipped = [];
    dropped = new Set();
    constructor(opts) {
        this.opts = opts;
    }
    /** Whether any entry so far refuses the archive. */
    get refused() {
        return this.problems.length > 0;
    }
    add(e) {
        this.count++;
        const problem = (message) => {
            this.problems.push({ path: e.path, message: `${archive_check_q(e.path)}: ${message}` });
            return 'refuse';
        };
        const norm = normalizeMemberPath(e.path);
        if (!norm.ok)
            return problem(`${norm.reason}; refusing an entry that would be written outside the root`);
        const p = norm.path;
        if (e.size && e.type !== 'file') {
            return problem(`a ${e.type} that carries ${e.size} bytes of data (crafted so that tar and this check could disagree about the next entry)`);
        }
        if (e.type === 'other')
            return problem(`unsupported entry type '${e.typeflag ?? '?'}'`);
        if (p === '' && e.type !== 'directory')
            return problem(`the root itself as a ${e.type}; the root must be a directory`);
        const via = this.symlinkAncestor(p);
        if (via !== undefined) {
            return problem(`goes through ${archive_check_q(via)}, a symlink made by an earlier entry; writing through it could land outside the root`);
        }
        switch (e.type) {
            case 'hardlink': {
                const why = this.hardLinkProblem(e.linkTarget);
                if (why === 'skipped')
                    return this.skip(e, p, `hard link to ${archive_check_q(e.linkTarget)}, which is skipped`);
                if (why)
                    return problem(`hard link to ${archive_check_q(e.linkTarget)}: ${why}`);
                break;
            }
            case 'char':
            case 'block': {
                const standard = isStandardDevice(p, e.type, e.devmajor, e.devminor);
                if (standard && this.opts.isRoot)
                    break;
                const why = standard ? 'only root can create device nodes' : 'not one of the standard /dev nodes (null zero full random urandom tty console ptmx tty0-63)';
                return this.skip(e, p, `${e.type} device ${e.devmajor}:${e.devminor} skipped: ${why}`);
            }
        }
        for (const x of e.xattrs ?? []) {
            if (DROPPED_XATTR_PREFIXES.some((pre) => x.startsWith(pre))) {
                this.dropped.add(x);
                this.notes.push({ path: e.path, message: `${archive_check_q(e.path)}: xattr ${x} not restored (it would steer the overlay mount)` });
            }
        }
        this.record(p, e.type);
        return 'extract';
    }
    plan() {
        return { entries: this.count, problems: this.problems, notes: this.notes, skipped: this.skipped, droppedXattrs: [...this.dropped] };
    }
    record(p, type) {
        this.skippedPaths.delete(p);
        const before = this.kinds.get(p);
        // GNU tar keeps a symlink that a directory entry lands on when the link leads to a
        // directory (it stats through it), so for what comes after, it is still a symlink.
        if (before === 'symlink' && type === 'directory')
            return;
        if (before === 'symlink')
            this.symlinks--;
        if (type === 'symlink')
            this.symlinks++;
        this.kinds.set(p, type);
    }
    /** The entry is left out of what tar sees; whatever an earlier entry put at its path stays. */
    skip(e, p, message) {
        this.notes.push({ path: e.path, message: `${archive_check_q(e.path)}: ${message}` });
        this.skipped.push(e.path);
        if (!this.kinds.has(p))
            this.skippedPaths.add(p);
        return 'skip';
    }
    /** The first proper ancestor of `p` that is currently a symlink, if any. */
    symlinkAncestor(p) {
        if (this.symlinks === 0)
            return undefined;
        let i = p.indexOf('/');
        while (i !== -1) {
            const prefix = p.slice(0, i);
            if (this.kinds.get(prefix) === 'symlink')
                return prefix;
            i = p.indexOf('/', i + 1);
        }
        return undefined;
    }
    /** Why a hard link target is not acceptable; 'skipped' when it names a skipped entry. */
    hardLinkProblem(target) {
        const norm = normalizeMemberPath(target);
        if (!norm.ok)
            return `its target is an ${norm.reason === 'absolute path' ? 'absolute path' : `unsafe name (${norm.reason})`}; it would link a file from outside the root`;
        const t = norm.path;
        if (t === '')
            return 'its target is the root directory';
        const via = this.symlinkAncestor(t);
        if (via !== undefined)
            return `its target goes through ${archive_check_q(via)}, a symlink made by an earlier entry, and could leave the root`;
        const kind = this.kinds.get(t);
        if (kind === undefined && this.skippedPaths.has(t))
            return 'skipped';
        if (kind === undefined)
            return 'its target is not an earlier entry of the archive, so it would be something outside the archive or nothing';
        if (kind === 'directory')
            return 'its target is a directory';
        return undefined;
    }
}
/** The plan for a list of entries. Pure. */
function checkEntries(entries, opts) {
    const c = new ArchiveChecker(opts);
    for (const e of entries)
        c.add(e);
    return c.plan();
}
/** The archive was refused: `problems` names every hostile entry. */
class UnsafeArchiveError extends RootfsError {
    archive;
    problems;
    name = 'UnsafeArchiveError';
    constructor(archive, problems) {
        const shown = problems.slice(0, 20).map((p) => `  - ${p.message}`);
        if (problems.length > shown.length)
            shown.push(`  - and ${problems.length - shown.length} more`);
        super(`refusing to extract ${archive}: ${problems.length} unsafe ${problems.length === 1 ? 'entry' : 'entries'}; nothing was kept\n${shown.join('\n')}`);
        this.archive = archive;
        this.problems = problems;
    }
}

;// CONCATENATED MODULE: ./src/core/rootfs/compression.ts
/** How many leading bytes detectCompression needs to decide. */
const MAGIC_BYTES = 6;
const MAGICS = [
    ['gzip', [0x1f, 0x8b]],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
    // "BZh" then the block size digit 1-9: checking the digit keeps a text file that happens
    // to start with "BZh" from being taken for bzip2.
    ['bzip2', [0x42, 0x5a, 0x68]],
];
/** The compression of an archive whose first bytes are `firstBytes`; 'none' for anything else. Pure. */
function detectCompression(firstBytes) {
    for (const [kind, magic] of MAGICS) {
        if (firstBytes.length < magic.length)
            continue;
        if (!magic.every((b, i) => firstBytes[i] === b))
            continue;
        if (kind === 'bzip2') {
            const level = firstBytes[3];
            if (level === undefined || level < 0x31 || level > 0x39)
                continue;
        }
        return kind;
    }
    return 'none';
}
/**
 * The command that writes the decompressed archive to stdout, reading it from stdin; none
 * for an uncompressed archive. These are the tools every Debian and Alpine host has (xz
 * and zstd as packages), the same ones GNU tar would run for -z/-J/--zstd/-j.
 */
function decompressorCommand(compression) {
    switch (compression) {
        case 'gzip':
            return { file: 'gzip', args: ['-dc'] };
        case 'xz':
            return { file: 'xz', args: ['-dc'] };
        case 'zstd':
            // --long=31: archives made with zstd --long need the larger window to decompress.
            return { file: 'zstd', args: ['-dc', '--long=31'] };
        case 'bzip2':
            return { file: 'bzip2', args: ['-dc'] };
        case 'none':
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/rootfs/tar-header.ts

/**
 * The tar format, block by block, as GNU tar reads it: ustar and GNU headers, pax extended
 * headers (x and g) and GNU long names (L and K). Pure functions over 512-byte blocks; the
 * streaming is in tar-reader.ts. Only what the safety check needs is decoded: names, link
 * targets, types, modes, owners, device numbers, sizes, xattr names.
 */
const BLOCK = 512;
class TarFormatError extends RootfsError {
    name = 'TarFormatError';
}
/**
 * True for an end-of-archive block. Like GNU tar, the checksum field is not looked at: a
 * block that is zero everywhere else ends the archive for tar, so it must end it here too.
 */
function isZeroBlock(block) {
    for (let i = 0; i < BLOCK; i++)
        if (block[i] !== 0 && (i < 148 || i >= 156))
            return false;
    return true;
}
/** A NUL-terminated string field. */
function str(block, off, len) {
    const end = block.indexOf(0, off);
    return block.toString('utf8', off, end === -1 || end > off + len ? off + len : end);
}
/**
 * A numeric field: octal digits (space or NUL padded), or GNU's base-256 (top bit of the
 * first byte set) for values that do not fit, such as sizes over 8 GiB or large uids.
 */
function parseNumeric(block, off, len, field) {
    const first = block[off];
    if (first & 0x80) {
        // Base-256, two's complement; a negative value (0xff lead) is nonsense for every field we read.
        if (first === 0xff)
            throw new TarFormatError(`negative ${field} in a tar header`);
        let v = first & 0x7f;
        for (let i = 1; i < len; i++)
            v = v * 256 + block[off + i];
        if (!Number.isSafeInteger(v))
            throw new TarFormatError(`${field} too large in a tar header`);
        return v;
    }
    let i = off;
    const end = off + len;
    while (i < end && (block[i] === 0x20 || block[i] === 0))
        i++;
    let v = 0;
    for (; i < end; i++) {
        const c = block[i];
        if (c === 0x20 || c === 0)
            break;
        if (c < 0x30 || c > 0x37)
            throw new TarFormatError(`invalid octal ${field} in a tar header`);
        v = v * 8 + (c - 0x30);
    }
    return v;
}
/** Whether the stored checksum matches (unsigned sum, or the signed sum old tars wrote). */
function checksumOk(block) {
    let stored;
    try {
        stored = parseNumeric(block, 148, 8, 'checksum');
    }
    catch {
        return false;
    }
    let unsigned = 8 * 0x20;
    for (let i = 0; i < 148; i++)
        unsigned += block[i];
    for (let i = 156; i < BLOCK; i++)
        unsigned += block[i];
    if (stored === unsigned)
        return true;
    let signed = 8 * 0x20;
    for (let i = 0; i < BLOCK; i++)
        if (i < 148 || i >= 156)
            signed += (block[i] << 24) >> 24;
    return stored === signed;
}
/**
 * Decodes one non-zero header block. Throws TarFormatError when it is not a tar header
 * (bad checksum): GNU tar would skip ahead looking for the next valid header, so what it
 * extracts after such a block is not something a check can vouch for; refusing is the safe
 * answer.
 */
function parseHeader(block) {
    if (block.length !== BLOCK)
        throw new TarFormatError('short tar header');
    if (!checksumOk(block))
        throw new TarFormatError('bad tar header checksum (not a tar archive, or corrupt)');
    const magic = block.toString('latin1', 257, 263);
    const version = block.toString('latin1', 263, 265);
    // POSIX ustar (magic "ustar\0", whatever the version, as GNU tar compares it) splits long
    // names into prefix + name; the GNU format ("ustar " " \0") keeps atime/ctime at that
    // offset instead, so its prefix is not a prefix. (star's 131-byte prefix ends in a NUL at
    // 130 by definition, so reading up to the first NUL gives the same name.)
    const posix = magic === 'ustar\0';
    const gnu = magic === 'ustar ' && version === ' \0';
    let name = str(block, 0, 100);
    if (posix) {
        const prefix = str(block, 345, 155);
        if (prefix)
            name = `${prefix}/${name}`;
    }
    const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
    return {
        name,
        mode: parseNumeric(block, 100, 8, 'mode') & 0o7777,
        uid: parseNumeric(block, 108, 8, 'uid'),
        gid: parseNumeric(block, 116, 8, 'gid'),
        size: parseNumeric(block, 124, 12, 'size'),
        typeflag,
        linkname: str(block, 157, 100),
        devmajor: posix || gnu ? parseNumeric(block, 329, 8, 'devmajor') : 0,
        devminor: posix || gnu ? parseNumeric(block, 337, 8, 'devminor') : 0,
        sparseExtended: gnu && typeflag === 'S' && block[482] !== 0,
    };
}
/** Whether a GNU sparse extension block says that another one follows. */
function sparseExtensionContinues(block) {
    return block[504] !== 0;
}
/**
 * Pax extended header records: `LENGTH key=value\n`, LENGTH counting the whole record.
 * Values may hold newlines (a name with a newline in it is stored exactly this way).
 */
function parsePax(data) {
    const out = new Map();
    let pos = 0;
    while (pos < data.length) {
        if (data[pos] === 0)
            break; // NUL padding after the last record
        const space = data.indexOf(0x20, pos);
        if (space === -1)
            throw new TarFormatError('malformed pax extended header');
        const len = Number(data.toString('latin1', pos, space));
        if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
            throw new TarFormatError('malformed pax extended header record');
        }
        const eq = data.indexOf(0x3d, space + 1);
        if (eq === -1 || eq >= pos + len - 1)
            throw new TarFormatError('malformed pax extended header record (no "=")');
        out.set(data.toString('utf8', space + 1, eq), data.toString('utf8', eq + 1, pos + len - 1));
        pos += len;
    }
    return out;
}
/** The name stored in a GNU long-name / long-link member's data (NUL-terminated). */
function gnuLongName(data) {
    const end = data.indexOf(0);
    return data.toString('utf8', 0, end === -1 ? data.length : end);
}
/** The entry type GNU tar extracts a header as. */
function entryType(typeflag, name) {
    switch (typeflag) {
        case '0':
        case '7': // contiguous file: a regular file everywhere that matters
        case 'S': // GNU old sparse file
            // GNU tar follows BSD tar here: a regular file whose name ends in "/" is a directory.
            return name.endsWith('/') ? 'directory' : 'file';
        case '1':
            return 'hardlink';
        case '2':
            return 'symlink';
        case '3':
            return 'char';
        case '4':
            return 'block';
        case '5':
        case 'D': // GNU dump directory: a directory with a listing as data
            return 'directory';
        case '6':
            return 'fifo';
        default:
            return 'other';
    }
}
function paxNumber(pax, key, fallback) {
    const v = pax.get(key);
    if (v === undefined)
        return fallback;
    const n = Number(v.trim());
    if (!Number.isSafeInteger(n) || n < 0)
        throw new TarFormatError(`invalid pax ${key} '${v}'`);
    return n;
}
/** Size of the data after a header, with pax `size` (for members over 8 GiB) applied. */
function dataSize(h, pax) {
    return paxNumber(pax, 'size', h.size);
}
/**
 * The entry as GNU tar sees it: pax keys first (path, linkpath, uid, gid, device numbers,
 * GNU.sparse.name for sparse files), then GNU long names, then the header itself.
 */
function resolveEntry(h, pax, size, longName, longLink) {
    const path = pax.get('GNU.sparse.name') ?? pax.get('path') ?? longName ?? h.name;
    const linkTarget = pax.get('linkpath') ?? longLink ?? h.linkname;
    const type = entryType(h.typeflag, path);
    const xattrs = [];
    for (const key of pax.keys())
        if (key.startsWith('SCHILY.xattr.'))
            xattrs.push(key.slice('SCHILY.xattr.'.length));
    const e = {
        path,
        type,
        linkTarget: type === 'symlink' || type === 'hardlink' ? linkTarget : '',
        mode: h.mode,
        uid: paxNumber(pax, 'uid', h.uid),
        gid: paxNumber(pax, 'gid', h.gid),
        devmajor: paxNumber(pax, 'SCHILY.devmajor', h.devmajor),
        devminor: paxNumber(pax, 'SCHILY.devminor', h.devminor),
    };
    if (type === 'other')
        e.typeflag = h.typeflag;
    // A GNU dump directory's data is a listing, never extracted: not data in the sense above.
    if (size > 0 && h.typeflag !== 'D')
        e.size = size;
    if (xattrs.length)
        e.xattrs = xattrs;
    return e;
}

;// CONCATENATED MODULE: ./src/core/rootfs/tar-reader.ts

/**
 * Pax headers and GNU long names are the only data the reader keeps; anything larger than
 * this is not a name or a few xattrs but an attempt to make the check use memory.
 */
const MAX_META_BYTES = 8 * 1024 * 1024;
const padding = (size) => (BLOCK - (size % BLOCK)) % BLOCK;
/**
 * A streaming tar reader: feed it the decompressed archive chunk by chunk and it calls
 * `onEntry` for every member, skipping file data. Memory stays flat (one header block and
 * at most one pax header), so a 10 GB root costs what a 10 MB one does.
 *
 * It stops at the first zero block, as GNU tar does when extracting without
 * --ignore-zeros: members after it are neither extracted by tar nor seen here.
 */
class TarReader {
    onEntry;
    header = Buffer.alloc(BLOCK);
    headerFill = 0;
    /** Bytes of data (and padding) still to skip. */
    skip = 0;
    /** Data of a pax / long-name member being collected, and how much of it is in. */
    meta;
    /** A GNU sparse member's data waits until its extension blocks are read. */
    sparsePending;
    paxLocal = new Map();
    paxGlobal = new Map();
    longName;
    longLink;
    offset = 0;
    /** Where the current member's headers (pax, long names, then its own) began, while they are being read. */
    seqStart;
    ended = false;
    _entries = 0;
    /**
     * `onEntry` gets each member with the byte range of its headers in the (decompressed)
     * stream: from its first pax or long-name header to the end of its own header block.
     */
    constructor(onEntry) {
        this.onEntry = onEntry;
    }
    /** Members seen so far. */
    get entries() {
        return this._entries;
    }
    /** Whether the end-of-archive marker has been read (later input is ignored). */
    get done() {
        return this.ended;
    }
    /**
     * Every byte before this offset belongs to a member already given to onEntry (or to its
     * data): what comes after may be part of a member whose headers are not all in yet.
     */
    get decidedOffset() {
        return this.seqStart ?? this.offset;
    }
    write(chunk) {
        let off = 0;
        const n = chunk.length;
        while (off < n && !this.ended) {
            if (this.skip > 0) {
                const k = Math.min(this.skip, n - off);
                this.skip -= k;
                off += k;
                this.offset += k;
                continue;
            }
            if (this.meta) {
                const m = this.meta;
                const k = Math.min(m.data.length - m.fill, n - off);
                chunk.copy(m.data, m.fill, off, off + k);
                m.fill += k;
                off += k;
                this.offset += k;
                if (m.fill === m.data.length) {
                    this.meta = undefined;
                    this.skip = m.pad;
                    this.finishMeta(m.kind, m.data);
                }
                continue;
            }
            if (this.headerFill === 0 && n - off >= BLOCK) {
                // The common case: the whole header is in this chunk; no copy.
                const block = chunk.subarray(off, off + BLOCK);
                off += BLOCK;
                this.block(block);
                this.offset += BLOCK;
                continue;
            }
            const k = Math.min(BLOCK - this.headerFill, n - off);
            chunk.copy(this.header, this.headerFill, off, off + k);
            this.headerFill += k;
            off += k;
            if (this.headerFill === BLOCK) {
                this.headerFill = 0;
                this.block(this.header);
                this.offset += BLOCK;
            }
        }
    }
    /** The input is over: throws when it stopped inside a member. */
    end() {
        if (this.ended)
            return;
        if (this.headerFill > 0 || this.skip > 0 || this.meta || this.sparsePending !== undefined) {
            throw new TarFormatError(`the archive is truncated (it ends inside a member, at byte ${this.offset + this.headerFill})`);
        }
        if (this.seqStart !== undefined) {
            throw new TarFormatError('the archive is truncated (it ends after an extended header, before its member)');
        }
        // No end-of-archive blocks at all: GNU tar accepts that too.
        this.ended = true;
    }
    block(block) {
        if (this.sparsePending !== undefined) {
            if (!sparseExtensionContinues(block)) {
                this.skip = this.sparsePending;
                this.sparsePending = undefined;
            }
            return;
        }
        if (isZeroBlock(block)) {
            this.ended = true;
            return;
        }
        let h;
        try {
            h = parseHeader(block);
        }
        catch (err) {
            if (err instanceof TarFormatError)
                throw new TarFormatError(`${err.message} at byte ${this.offset}`);
            throw err;
        }
        const size = dataSize(h, h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'X' ? new Map() : this.paxLocal);
        switch (h.typeflag) {
            case 'x':
            case 'X': // Solaris' early name for a pax extended header
            case 'g':
            case 'L':
            case 'K':
                if (h.typeflag === 'g')
                    this.noOpenMember('a global pax header');
                else
                    this.seqStart ??= this.offset;
                if (size > MAX_META_BYTES)
                    throw new TarFormatError(`an extended header of ${size} bytes at byte ${this.offset} (more than a name or a few xattrs)`);
                if (size === 0) {
                    this.finishMeta(h.typeflag, Buffer.alloc(0));
                }
                else {
                    this.meta = { kind: h.typeflag, data: Buffer.allocUnsafe(size), fill: 0, pad: padding(size) };
                }
                return;
            case 'V': // volume label: not a file, GNU tar does not extract it
                this.noOpenMember('a volume label');
                this.skip = size + padding(size);
                return;
        }
        const pax = this.paxGlobal.size ? new Map([...this.paxGlobal, ...this.paxLocal]) : this.paxLocal;
        const entry = resolveEntry(h, pax, size, this.longName, this.longLink);
        const headers = { start: this.seqStart ?? this.offset, end: this.offset + BLOCK };
        this.resetMeta();
        this._entries++;
        this.onEntry(entry, headers);
        // A member of another type with a size is refused by the check (see TarEntry.size), so
        // how this skips it does not matter; for the rest it is what GNU tar skips.
        // GNU tar reads no data after a hard link whatever its size field says ("links 0 size on tape").
        const stored = h.typeflag === '1' ? 0 : size;
        const skip = stored + padding(stored);
        if (h.sparseExtended)
            this.sparsePending = skip;
        else
            this.skip = skip;
    }
    finishMeta(kind, data) {
        switch (kind) {
            case 'x':
            case 'X':
                for (const [k, v] of parsePax(data))
                    this.paxLocal.set(k, v);
                break;
            case 'g':
                for (const [k, v] of parsePax(data))
                    this.paxGlobal.set(k, v);
                break;
            case 'L':
                this.longName = gnuLongName(data);
                break;
            case 'K':
                this.longLink = gnuLongName(data);
                break;
        }
    }
    /** Between a member's extended headers and its own header, only more extended headers may come. */
    noOpenMember(what) {
        if (this.seqStart !== undefined)
            throw new TarFormatError(`${what} at byte ${this.offset}, between a member's extended headers and the member`);
    }
    resetMeta() {
        this.seqStart = undefined;
        if (this.paxLocal.size)
            this.paxLocal = new Map();
        this.longName = undefined;
        this.longLink = undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/rootfs/gate.ts


/**
 * Stands between the decompressor and tar: the decompressed archive goes in, and only
 * what the check has passed comes out. Every member's headers are parsed and checked
 * before any byte of them is let through, so tar never sees a member that the check has
 * not accepted; a skipped member (a device node that is not kept) is cut out of the stream
 * exactly, whatever its name, instead of being named to tar as an exclusion pattern. Once
 * an entry is refused nothing more is let through (the caller stops tar); the rest of the
 * archive is still read so that the refusal names every hostile entry.
 *
 * One decompression for check and extraction, and memory bounded by one chunk plus one
 * member's headers (tar-reader.ts caps those).
 */
class ExtractionGate {
    checker;
    reader;
    /** Bytes received and not let through yet; the first of them is at offset `heldStart`. */
    held = [];
    heldStart = 0;
    received = 0;
    /** Byte ranges of skipped members' headers, in stream order, not yet passed. */
    cuts = [];
    constructor(opts) {
        this.checker = new ArchiveChecker(opts);
        this.reader = new TarReader((entry, headers) => {
            if (this.checker.add(entry) === 'skip')
                this.cuts.push(headers);
        });
    }
    /** Whether an entry has refused the archive. */
    get refused() {
        return this.checker.refused;
    }
    /** Takes the next chunk of the archive; returns what may go on to tar now. Throws TarFormatError. */
    feed(chunk) {
        this.held.push(chunk);
        this.received += chunk.length;
        this.reader.write(chunk);
        if (this.refused)
            return this.dropAll();
        return this.release(this.reader.done ? this.received : this.reader.decidedOffset);
    }
    /** The archive is over (throws when it was truncated); returns the rest. */
    finish() {
        this.reader.end();
        if (this.refused)
            return this.dropAll();
        return this.release(this.received);
    }
    plan() {
        return this.checker.plan();
    }
    dropAll() {
        this.held = [];
        this.heldStart = this.received;
        return [];
    }
    /** The held bytes before `upTo`, minus the cuts. */
    release(upTo) {
        const out = [];
        while (this.heldStart < upTo && this.held.length) {
            const end = Math.min(this.heldStart + this.held[0].length, upTo);
            const cut = this.cuts[0];
            if (cut && cut.start < end) {
                if (cut.start > this.heldStart) {
                    out.push(this.take(cut.start - this.heldStart));
                }
                else {
                    const to = Math.min(cut.end, end);
                    this.take(to - this.heldStart);
                    if (to === cut.end)
                        this.cuts.shift();
                }
                continue;
            }
            out.push(this.take(end - this.heldStart));
        }
        return out;
    }
    take(n) {
        const first = this.held[0];
        const part = first.subarray(0, n);
        if (n === first.length)
            this.held.shift();
        else
            this.held[0] = first.subarray(n);
        this.heldStart += n;
        return part;
    }
}

;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/core/rootfs/pipeline.ts







/** The last bytes of a process's stderr: enough for tar's message, bounded for a chatty one. */
const STDERR_KEEP = 8 * 1024;
/** Bytes queued for tar before waiting for it to take them: memory stays flat. */
const MAX_QUEUED = 4 * 1024 * 1024;
/** Read size for a plain tar or a gzip file, and zlib's output chunk size. */
const CHUNK = 1024 * 1024;
function start(file, args, stdin, stdout) {
    const child = (0,external_node_child_process_namespaceObject.spawn)(file, args, { stdio: [stdin, stdout, 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
        stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    const done = new Promise((resolve, reject) => {
        child.on('error', (err) => reject(new RootfsError(err.code === 'ENOENT' ? `${file} is not installed; it is needed to extract this archive` : `cannot run ${file}: ${err.message}`)));
        child.on('close', (code, signal) => resolve({ what: [file, ...args].join(' '), code: code ?? 128 + signalNumber(signal), stderr: stderr.trim() }));
    });
    return { child, done };
}
function readAt(fd, buf, position) {
    return new Promise((resolve, reject) => (0,external_node_fs_namespaceObject.read)(fd, buf, 0, buf.length, position, (err, n) => (err ? reject(err) : resolve(n))));
}
/**
 * The file, chunk by chunk, by positioned reads on the caller's fd (an fs.ReadStream would
 * close the fd when destroyed, possibly after its number has been reused).
 */
async function* fileChunks(fd) {
    for (let pos = 0;;) {
        // A fresh buffer each time: the previous one may still be queued for tar.
        const buf = Buffer.allocUnsafe(CHUNK);
        const n = await readAt(fd, buf, pos);
        if (n === 0)
            return;
        pos += n;
        yield buf.subarray(0, n);
    }
}
function openSource(archive, fd, compression) {
    if (compression === 'none')
        return { stream: external_node_stream_namespaceObject.Readable.from(fileChunks(fd)) };
    if (compression === 'gzip') {
        const gunzip = (0,external_node_zlib_namespaceObject.createGunzip)({ chunkSize: CHUNK });
        const stream = (0,external_node_stream_namespaceObject.pipeline)(external_node_stream_namespaceObject.Readable.from(fileChunks(fd)), gunzip, () => undefined);
        // zlib's messages ("unexpected end of file", "incorrect header check") need a subject.
        const describe = (err) => err.code?.startsWith('Z_') ? new RootfsError(`the gzip data of ${archive} is corrupt or truncated (zlib: ${err.message})`) : err;
        return { stream, describe };
    }
    const cmd = decompressorCommand(compression);
    const proc = start(cmd.file, cmd.args, fd, 'pipe');
    return { stream: proc.child.stdout, proc };
}
/** Resolves when the stream wants more, or is gone. */
function drained(w) {
    return new Promise((resolve) => {
        const done = () => {
            w.off('drain', done);
            w.off('close', done);
            resolve();
        };
        w.on('drain', done);
        w.on('close', done);
    });
}
function failure(f, archive) {
    return new RootfsError(`${f.what} failed on ${archive} (exit status ${f.code})${f.stderr ? `: ${f.stderr}` : ''}`);
}
const asError = (err) => (err instanceof Error ? err : new Error(String(err)));
/**
 * Runs `decompress < fd | gate | tar ARGS` to the end of the archive. Resolves 'refused'
 * when the gate refused the archive (tar was stopped: what it made must be thrown away),
 * 'done' when tar extracted everything it was given. Throws the gate's format error, a
 * RootfsError with tar's or the decompressor's own message, or one saying the extraction
 * was aborted.
 */
async function extractThroughGate(archive, fd, compression, tarArgs, gate, signal) {
    const tar = start('tar', tarArgs, 'pipe', 'ignore');
    const src = openSource(archive, fd, compression);
    const kill = (c) => void (c && c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
    const stopAll = () => {
        kill(src.proc?.child);
        kill(tar.child);
        src.stream.destroy();
    };
    const stdin = tar.child.stdin;
    let tarGone = false;
    // EPIPE when tar has exited early: its exit status says why.
    stdin.on('error', () => (tarGone = true));
    stdin.on('close', () => (tarGone = true));
    if (signal?.aborted)
        stopAll();
    signal?.addEventListener('abort', stopAll, { once: true });
    let inputEnded = false;
    let failed;
    try {
        await new Promise((resolve, reject) => {
            const stream = src.stream;
            const stop = (err) => {
                stream.off('data', onData);
                stream.destroy();
                if (err)
                    reject(err);
                else
                    resolve();
            };
            const onData = (chunk) => {
                let parts;
                try {
                    parts = gate.feed(chunk);
                }
                catch (err) {
                    return stop(asError(err));
                }
                if (gate.refused)
                    return kill(tar.child); // keep reading: the refusal names every hostile entry
                if (tarGone)
                    return stop();
                for (const p of parts)
                    stdin.write(p);
                if (stdin.writableLength > MAX_QUEUED) {
                    stream.pause();
                    void drained(stdin).then(() => stream.resume());
                }
            };
            stream.on('data', onData);
            stream.once('end', () => {
                inputEnded = true;
                resolve();
            });
            stream.once('error', (err) => stop(src.describe?.(err) ?? err));
            // Destroyed (abort, tar gone) without an end: settle all the same.
            stream.once('close', () => resolve());
        });
        if (inputEnded && !signal?.aborted && !tarGone && !gate.refused) {
            const rest = gate.finish();
            if (gate.refused)
                kill(tar.child);
            else
                for (const p of rest)
                    stdin.write(p);
        }
    }
    catch (err) {
        failed = asError(err);
        kill(tar.child);
        // A decompressor whose output has ended is exiting by itself: let it, its status may be
        // the real cause (a corrupt stream reads as a truncated archive).
        if (!inputEnded)
            kill(src.proc?.child);
    }
    finally {
        stdin.end();
        signal?.removeEventListener('abort', stopAll);
    }
    const [t, d] = await Promise.allSettled([tar.done, src.proc?.done]);
    if (signal?.aborted)
        throw new RootfsError(`extraction of ${archive} was aborted`);
    if (gate.refused)
        return 'refused';
    if (d.status === 'rejected')
        throw d.reason;
    if (t.status === 'rejected')
        throw t.reason;
    // A decompressor that failed by itself (not by SIGPIPE or our SIGKILL after tar or the
    // gate stopped) is the cause: a corrupt stream also reads as a truncated archive.
    if (d.value && ![0, 128 + 13, 128 + 9].includes(d.value.code))
        throw failure(d.value, archive);
    if (failed !== undefined)
        throw failed;
    if (t.value.code !== 0)
        throw failure(t.value, archive);
    if (d.value && d.value.code !== 0)
        throw failure(d.value, archive);
    return 'done';
}

;// CONCATENATED MODULE: ./src/core/rootfs/tar-args.ts

function tarExtractArgs(o) {
    return [
        '-x',
        '-f',
        '-',
        '-C',
        o.dir,
        // Owners by number: the names in the archive are the root's, not the host's.
        '--numeric-owner',
        // Modes as stored, setuid and setgid included, whatever the umask.
        '--same-permissions',
        // As root GNU tar keeps owners anyway; as non-root chown would fail on every file.
        o.isRoot ? '--same-owner' : '--no-same-owner',
        // All namespaces (security.capability makes ping work, not just user.*), except the
        // overlay's own (archive-check.ts says why).
        '--xattrs',
        '--xattrs-include=*',
        ...DROPPED_XATTR_PREFIXES.map((p) => `--xattrs-exclude=${p}*`),
        '--acls',
        // Unknown pax keywords (LIBARCHIVE.*, SCHILY.fflags from bsdtar) are not errors.
        '--warning=no-unknown-keyword',
    ];
}

;// CONCATENATED MODULE: ./src/core/rootfs/extract.ts









/**
 * Extracts a root filesystem archive (tar, gzip, xz, zstd or bzip2, told apart by content)
 * into `destDir`, which must not exist yet (an empty directory is replaced).
 *
 * The archive is decompressed once and goes through the gate (gate.ts) on its way to GNU
 * tar: every entry is checked before tar sees a byte of it, and one that could write
 * outside the root refuses the archive (UnsafeArchiveError, naming every such entry).
 * GNU tar does the writing, for speed and for everything it keeps (numeric owners,
 * setuid, hard links, xattrs, ACLs, timestamps). It writes into a new directory beside
 * destDir that is renamed into place only when complete: a refused, failed or aborted
 * extraction leaves nothing at destDir. (A SIGKILL of this process can leave that
 * `.NAME.extract-*` directory behind; never destDir.)
 */
async function extractArchive(archive, destDir, opts = {}) {
    const dest = external_node_path_default().resolve(destDir);
    const log = opts.log ?? (() => undefined);
    const isRoot = opts.isRoot ?? process.geteuid?.() === 0;
    refuseExisting(dest);
    if (opts.signal?.aborted)
        throw new RootfsError(`extraction of ${archive} was aborted`);
    const fd = openArchive(archive);
    try {
        const compression = detectCompression(readHead(fd));
        const parent = external_node_path_default().dirname(dest);
        (0,external_node_fs_namespaceObject.mkdirSync)(parent, { recursive: true });
        const tmp = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(parent, `.${external_node_path_default().basename(dest)}.extract-`));
        try {
            // mkdtemp makes 0700; a root made from an archive without a "./" entry should not be.
            (0,external_node_fs_namespaceObject.chmodSync)(tmp, 0o755);
            const gate = new ExtractionGate({ isRoot });
            let outcome;
            try {
                outcome = await extractThroughGate(archive, fd, compression, tarExtractArgs({ dir: tmp, isRoot }), gate, opts.signal);
            }
            catch (err) {
                if (err instanceof TarFormatError) {
                    throw new RootfsError(`${archive} is not a usable tar archive (${compression === 'none' ? 'uncompressed' : compression}): ${err.message}; nothing was extracted`);
                }
                throw err;
            }
            const plan = gate.plan();
            if (outcome === 'refused')
                throw new UnsafeArchiveError(archive, plan.problems);
            const notes = plan.notes.map((n) => n.message);
            const fixed = openUpRoot(tmp);
            if (fixed)
                notes.push(fixed);
            (0,external_node_fs_namespaceObject.renameSync)(tmp, dest);
            notes.forEach((n) => log(n));
            return { compression, entries: plan.entries, notes };
        }
        catch (err) {
            (0,external_node_fs_namespaceObject.rmSync)(tmp, { recursive: true, force: true });
            const code = err.code;
            if (code === 'ENOTEMPTY' || code === 'EEXIST') {
                throw new RootfsError(`${dest} appeared while ${archive} was being extracted; not replacing it`);
            }
            throw err;
        }
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
function refuseExisting(dest) {
    let entries;
    try {
        entries = (0,external_node_fs_namespaceObject.readdirSync)(dest);
    }
    catch (err) {
        const code = err.code;
        if (code === 'ENOENT')
            return;
        throw new RootfsError(`cannot extract into ${dest}: it exists and is not an empty directory (${code})`);
    }
    if (entries.length)
        throw new RootfsError(`cannot extract into ${dest}: it exists and is not empty; extraction makes a new directory`);
}
function openArchive(archive) {
    let fd;
    try {
        fd = (0,external_node_fs_namespaceObject.openSync)(archive, 'r');
    }
    catch (err) {
        throw new RootfsError(`cannot read the archive ${archive}: ${err.message}`);
    }
    if (!(0,external_node_fs_namespaceObject.fstatSync)(fd).isFile()) {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
        throw new RootfsError(`${archive} is not a regular file`);
    }
    return fd;
}
function readHead(fd) {
    const buf = Buffer.alloc(MAGIC_BYTES);
    const n = (0,external_node_fs_namespaceObject.readSync)(fd, buf, 0, MAGIC_BYTES, 0);
    return buf.subarray(0, n);
}
/**
 * Some archives (gliderlabs' Alpine rootfs) make "./" 0700: a non-root user inside the
 * container could then not even resolve /bin/sh. The root gets 0755, said in a note.
 */
function openUpRoot(dir) {
    const mode = (0,external_node_fs_namespaceObject.statSync)(dir).mode & 0o7777;
    if ((mode & 0o005) === 0o005)
        return undefined;
    (0,external_node_fs_namespaceObject.chmodSync)(dir, 0o755);
    return `the archive's top directory "./" was mode ${mode.toString(8).padStart(4, '0')}; made it 0755 so that non-root users in the container can use the root`;
}

;// CONCATENATED MODULE: ./src/core/rootfs/lock.ts


function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (e) {
        return e.code === 'EPERM';
    }
}
/**
 * A lock file made with O_EXCL, holding our pid: two processes adding the same root at
 * once do the work once (the second waits, then finds it done). A lock whose process is
 * gone (a crash) is taken over, never a reason to refuse.
 */
async function withFileLock(file, work, options = {}) {
    (0,external_node_fs_namespaceObject.mkdirSync)(external_node_path_default().dirname(file), { recursive: true });
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    let told = false;
    for (;;) {
        try {
            const fd = (0,external_node_fs_namespaceObject.openSync)(file, 'wx', 0o600);
            (0,external_node_fs_namespaceObject.writeSync)(fd, `${process.pid}\n`);
            (0,external_node_fs_namespaceObject.closeSync)(fd);
            break;
        }
        catch (e) {
            if (e.code !== 'EEXIST')
                throw e;
            let holder = NaN;
            try {
                holder = Number((0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8').trim());
            }
            catch {
                continue; // released between our open and read
            }
            if (Number.isInteger(holder) && !alive(holder)) {
                // Stale: remove it only if it still names the dead holder.
                try {
                    if (Number((0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8').trim()) === holder)
                        (0,external_node_fs_namespaceObject.unlinkSync)(file);
                }
                catch {
                    /* someone else took it over */
                }
                continue;
            }
            if (!told) {
                options.onWait?.();
                told = true;
            }
            if (Date.now() > deadline)
                throw new Error(`timed out waiting for the lock ${file} (held by pid ${holder})`);
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    try {
        return await work();
    }
    finally {
        try {
            (0,external_node_fs_namespaceObject.unlinkSync)(file);
        }
        catch {
            /* already gone */
        }
    }
}

;// CONCATENATED MODULE: ./src/core/rootfs/store.ts






/** Hex sha256 of a file, streamed. */
async function sha256File(file) {
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_namespaceObject.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
function validDigest(hex) {
    return /^[0-9a-f]{64}$/.test(hex);
}
/**
 * The content-addressed store under a library dir:
 *   store/archives/SHA256    archives as downloaded (kept: a re-add never downloads again)
 *   store/roots/ID/          extracted roots, complete (renamed into place when done)
 *   store/roots/ID.json      where each came from
 *   store/urls/H.json        the last download of each URL (H: sha256 of the URL): its
 *                            digest and validators, so that adding the same URL again
 *                            without --sha256 asks the server "changed?" instead of downloading
 *   root-NAME -> store/roots/ID
 */
class RootStore {
    libraryDir;
    constructor(libraryDir) {
        this.libraryDir = libraryDir;
    }
    get archivesDir() {
        return external_node_path_default().join(this.libraryDir, 'store', 'archives');
    }
    get rootsDir() {
        return external_node_path_default().join(this.libraryDir, 'store', 'roots');
    }
    rootDir(id) {
        return external_node_path_default().join(this.rootsDir, id);
    }
    archivePath(digest) {
        return external_node_path_default().join(this.archivesDir, digest);
    }
    namePath(name) {
        return external_node_path_default().join(this.libraryDir, `root-${name}`);
    }
    lockPath(id) {
        return external_node_path_default().join(this.libraryDir, 'store', 'locks', `${id}.lock`);
    }
    urlRecordPath(url) {
        return external_node_path_default().join(this.libraryDir, 'store', 'urls', `${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(url).digest('hex')}.json`);
    }
    /** The last download of URL, when it is recorded and its archive's root is still in the store. */
    urlRecord(url) {
        try {
            const r = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(this.urlRecordPath(url), 'utf8'));
            return r.url === url && validDigest(r.sha256) && this.hasRoot(r.sha256) ? r : undefined;
        }
        catch {
            return undefined;
        }
    }
    /** Records a download of URL (atomically: a reader sees the old record or the new one). */
    recordUrl(record) {
        const file = this.urlRecordPath(record.url);
        (0,external_node_fs_namespaceObject.mkdirSync)(external_node_path_default().dirname(file), { recursive: true });
        const tmp = `${file}.tmp-${process.pid}-${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex')}`;
        (0,external_node_fs_namespaceObject.writeFileSync)(tmp, JSON.stringify(record, null, 2) + '\n');
        (0,external_node_fs_namespaceObject.renameSync)(tmp, file);
    }
    checkName(name) {
        if (!validName(name))
            throw new errors_ConfigError(`root name '${name}' is not valid: use letters, digits, '.', '_' and '-'`);
    }
    hasRoot(id) {
        return (0,external_node_fs_namespaceObject.existsSync)(this.rootDir(id));
    }
    /**
     * Makes the root ID with MAKE(tmpDir) unless it is there already; under a lock, so two
     * processes adding the same root do the work once. MAKE fills a fresh directory beside
     * the final place, which is renamed in only when MAKE succeeded.
     */
    async ensureRoot(id, source, make, onWait) {
        const final = this.rootDir(id);
        (0,external_node_fs_namespaceObject.mkdirSync)(this.rootsDir, { recursive: true, mode: 0o755 });
        await withFileLock(this.lockPath(id), async () => {
            if ((0,external_node_fs_namespaceObject.existsSync)(final))
                return;
            const tmp = external_node_path_default().join(this.rootsDir, `.tmp-${id}-${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex')}`);
            try {
                await make(tmp);
                (0,external_node_fs_namespaceObject.writeFileSync)(`${final}.json`, JSON.stringify({ id, source, addedAt: new Date().toISOString() }, null, 2) + '\n');
                (0,external_node_fs_namespaceObject.renameSync)(tmp, final);
            }
            finally {
                (0,external_node_fs_namespaceObject.rmSync)(tmp, { recursive: true, force: true });
            }
        }, { onWait });
        return final;
    }
    /** Points root-NAME at the root ID, atomically (a new link renamed over the old). */
    link(name, id) {
        this.checkName(name);
        const link = this.namePath(name);
        const tmp = `${link}.tmp-${process.pid}`;
        (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
        (0,external_node_fs_namespaceObject.symlinkSync)(external_node_path_default().relative(this.libraryDir, this.rootDir(id)), tmp);
        if ((0,external_node_fs_namespaceObject.existsSync)(link) && !(0,external_node_fs_namespaceObject.lstatSync)(link).isSymbolicLink()) {
            (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
            throw new errors_ConfigError(`${link} exists and is not a root made by micro-container; move it away first`);
        }
        (0,external_node_fs_namespaceObject.renameSync)(tmp, link);
        return link;
    }
    list() {
        let names = [];
        try {
            names = (0,external_node_fs_namespaceObject.readdirSync)(this.libraryDir).filter((n) => n.startsWith('root-') && !n.includes('.tmp-'));
        }
        catch {
            return [];
        }
        const out = [];
        for (const entry of names.sort()) {
            const link = external_node_path_default().join(this.libraryDir, entry);
            const name = entry.slice('root-'.length);
            if (!(0,external_node_fs_namespaceObject.lstatSync)(link).isSymbolicLink()) {
                out.push({ name, id: '', path: link, source: 'a directory placed there by hand', addedAt: '' });
                continue;
            }
            const target = external_node_path_default().resolve(this.libraryDir, (0,external_node_fs_namespaceObject.readlinkSync)(link));
            const id = external_node_path_default().basename(target);
            let meta = {};
            try {
                meta = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(`${target}.json`, 'utf8'));
            }
            catch {
                /* a root without its record still lists */
            }
            out.push({ name, id, path: target, source: meta.source ?? '', addedAt: meta.addedAt ?? '' });
        }
        return out;
    }
    /**
     * Removes root-NAME, and the stored root (and archive) when no other name uses it.
     * Returns what was removed.
     */
    remove(name) {
        this.checkName(name);
        const link = this.namePath(name);
        if (!(0,external_node_fs_namespaceObject.existsSync)(link) && !this.isLink(link))
            throw new errors_ConfigError(`there is no root named '${name}' in ${this.libraryDir} (see rootfs ls)`);
        if (!this.isLink(link))
            throw new errors_ConfigError(`${link} is not a root made by micro-container; remove it by hand`);
        const id = external_node_path_default().basename(external_node_path_default().resolve(this.libraryDir, (0,external_node_fs_namespaceObject.readlinkSync)(link)));
        (0,external_node_fs_namespaceObject.rmSync)(link);
        const removed = [link];
        if (!this.list().some((r) => r.id === id)) {
            for (const p of [this.rootDir(id), `${this.rootDir(id)}.json`, this.archivePath(id)]) {
                if ((0,external_node_fs_namespaceObject.existsSync)(p)) {
                    (0,external_node_fs_namespaceObject.rmSync)(p, { recursive: true, force: true });
                    removed.push(p);
                }
            }
        }
        return removed;
    }
    isLink(p) {
        try {
            return (0,external_node_fs_namespaceObject.lstatSync)(p).isSymbolicLink();
        }
        catch {
            return false;
        }
    }
}

;// CONCATENATED MODULE: ./src/core/rootfs/add.ts









/** What SOURCE is: a URL, an archive file, or a directory. Pure but for the stat. */
function classifySource(source) {
    if (/^https?:\/\//i.test(source))
        return 'url';
    let st;
    try {
        st = (0,external_node_fs_namespaceObject.statSync)(source);
    }
    catch {
        throw new errors_ConfigError(`rootfs source '${source}' is not an http(s):// URL and does not exist as a file or directory`);
    }
    if (st.isDirectory())
        return 'directory';
    if (st.isFile())
        return 'file';
    throw new errors_ConfigError(`rootfs source '${source}' is neither a regular file nor a directory`);
}
/**
 * `rootfs add NAME SOURCE`: gets the root into the store (once per archive digest) and
 * points root-NAME at it. Sources as in actions/setup-node's distributions: each says
 * where the bytes come from; the store does find -> fetch -> verify -> extract -> record.
 */
async function addRoot(store, name, source, options = {}) {
    store.checkName(name);
    const log = options.log ?? (() => undefined);
    const want = options.sha256?.toLowerCase();
    if (want !== undefined && !validDigest(want))
        throw new errors_ConfigError(`--sha256 '${options.sha256}' is not 64 hex digits`);
    const kind = classifySource(source);
    if (kind === 'directory') {
        const real = (0,external_node_fs_namespaceObject.realpathSync)(source);
        const id = `dir-${(0,external_node_crypto_namespaceObject.randomBytes)(8).toString('hex')}`;
        await store.ensureRoot(id, real, async (tmp) => {
            (0,external_node_fs_namespaceObject.mkdirSync)(tmp);
            // cp --reflink=auto: a copy that costs no space where the filesystem can share extents.
            const r = await exec_execCapture('cp', ['-a', '--reflink=auto', '--', `${real}/.`, `${tmp}/`]);
            if (r.code !== 0)
                throw new RootfsError(`cannot copy ${real} into the store: ${r.stderr.trim()}`);
        });
        store.link(name, id);
        return { entry: entryOf(store, name), downloaded: false, extracted: false };
    }
    let archive;
    let digest;
    let downloaded = false;
    if (kind === 'url') {
        if (want && store.hasRoot(want)) {
            log(`root ${want} is in the store already; not downloading ${source}`);
            store.link(name, want);
            return { entry: entryOf(store, name), sha256: want, downloaded: false, extracted: false };
        }
        // Without a pin, a URL downloaded before is asked "changed since?" (ETag/Last-Modified).
        const known = want ? undefined : store.urlRecord(source);
        const validators = known && (known.etag || known.lastModified) ? { etag: known.etag, lastModified: known.lastModified } : undefined;
        if (want && (0,external_node_fs_namespaceObject.existsSync)(store.archivePath(want))) {
            archive = store.archivePath(want);
            digest = want;
        }
        else {
            (0,external_node_fs_namespaceObject.mkdirSync)(store.archivesDir, { recursive: true });
            const tmp = external_node_path_default().join(store.archivesDir, `.download-${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}`);
            let last = 0;
            const result = await download(source, tmp, {
                sha256: want,
                validators,
                onProgress: (p) => {
                    const now = Date.now();
                    if (now - last >= 1000 || (p.total !== undefined && p.received === p.total)) {
                        last = now;
                        log(`downloading ${source}: ${formatProgress(p.received, p.total)}`);
                    }
                },
            });
            if (result.notModified && known) {
                log(`${source} has not changed since it was downloaded (${known.fetchedAt}); using root ${known.sha256} (pin it with --sha256 ${known.sha256})`);
                store.link(name, known.sha256);
                return { entry: entryOf(store, name), sha256: known.sha256, downloaded: false, extracted: false };
            }
            digest = result.sha256;
            archive = store.archivePath(digest);
            (0,external_node_fs_namespaceObject.renameSync)(tmp, archive);
            downloaded = true;
            store.recordUrl({ url: source, sha256: digest, ...result.validators, fetchedAt: new Date().toISOString() });
        }
    }
    else {
        archive = external_node_path_default().resolve(source);
        digest = await sha256File(archive);
        if (want && want !== digest) {
            throw new RootfsError(`sha256 mismatch for ${archive}: expected ${want}, got ${digest}; check --sha256 or the file`);
        }
    }
    if (!want)
        log(`sha256 of ${source}: ${digest} (pin it with --sha256 ${digest})`);
    let extracted = false;
    await store.ensureRoot(digest, source, async (tmp) => {
        log(`extracting ${external_node_path_default().basename(archive)} into the store`);
        await extractArchive(archive, tmp, { log });
        extracted = true;
    }, () => log(`another process is adding root ${digest}; waiting for it`));
    store.link(name, digest);
    return { entry: entryOf(store, name), sha256: digest, downloaded, extracted };
}
function entryOf(store, name) {
    const e = store.list().find((r) => r.name === name);
    if (!e)
        throw new RootfsError(`root-${name} vanished while it was being added`);
    return e;
}

;// CONCATENATED MODULE: ./src/cli/rootfs.ts





/** Runs a parsed `rootfs` command (as root). Returns the exit status. */
async function rootfsCommand(args, io) {
    if (args.action === 'help') {
        io.out(ROOTFS_USAGE + '\n');
        return 0;
    }
    const store = new RootStore(external_node_path_default().resolve(args.libraryDir || DEFAULT_LIBRARY_DIR));
    switch (args.action) {
        case 'add': {
            const r = await addRoot(store, args.name, args.source, { sha256: args.sha256, log: (l) => io.err(`${l}\n`) });
            io.out(`root-${r.entry.name} -> ${r.entry.path}${r.sha256 ? ` (sha256 ${r.sha256})` : ''}\n`);
            return 0;
        }
        case 'ls': {
            const roots = store.list();
            if (args.json) {
                io.out(JSON.stringify(roots, null, 2) + '\n');
            }
            else if (roots.length === 0) {
                io.out(`no roots in ${store.libraryDir} (add one with: micro-container rootfs add NAME SOURCE)\n`);
            }
            else {
                const rows = roots.map((r) => [r.name, r.id.startsWith('dir-') ? r.id : r.id.slice(0, 12), r.addedAt.slice(0, 19).replace('T', ' '), r.source]);
                const head = ['NAME', 'ID', 'ADDED', 'SOURCE'];
                const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
                for (const row of [head, ...rows])
                    io.out(row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]) : c)).join('  ') + '\n');
            }
            return 0;
        }
        case 'rm':
            for (const p of store.remove(args.name))
                io.err(`removed ${p}\n`);
            return 0;
    }
}

;// CONCATENATED MODULE: ./src/core/jail/lifecycle.ts











function libraryOf(where) {
    return external_node_path_default().resolve(where.cwd ?? process.cwd(), where.libraryDir || DEFAULT_LIBRARY_DIR);
}
function cgroupOf(record, libraryDir, name, layout) {
    try {
        return new ContainerCgroup(record?.cgroup ?? cgroupName(libraryDir, name), layout);
    }
    catch {
        return undefined;
    }
}
/** The running containers of a library directory, by name. */
async function listContainers(where = {}, layout = hostCgroupLayout()) {
    const libraryDir = libraryOf(where);
    const leases = new Map((await list(libraryDir).catch(() => ({ leases: [] }))).leases.map((l) => [l.name, l.ip]));
    const out = [];
    for (const { name, stateDir } of stateDirs(libraryDir)) {
        const live = livePid1(stateDir);
        if (!live)
            continue;
        const record = readRunRecord(stateDir);
        const network = record?.network ?? 'host';
        out.push({
            name: name || 'app',
            root: record?.lowerDirs[0] ?? '',
            pid: live.pid,
            user: record?.user ?? '',
            network,
            ...(network === 'private' && leases.has(name) ? { address: leases.get(name) } : {}),
            uptimeSeconds: uptimeSeconds(live.startTicks),
            processes: cgroupOf(record, libraryDir, name, layout)?.pids().length ?? 0,
        });
    }
    return out;
}
function lifecycle_checkName(name) {
    if (!validName(name))
        throw new errors_ConfigError(`container name '${name}' is not valid: use the name given with -n (see micro-container ps)`);
}
/**
 * Stops container NAME: SIGTERM to every process in its cgroup, SIGKILL to whatever is
 * left after termTimeoutMs; then waits for the launcher's clean-up (the shutdown script
 * runs, the jail's mounts go with its namespace, the cgroup and veth are removed).
 */
async function stopContainer(name, where = {}, termTimeoutMs = 10_000, layout = hostCgroupLayout()) {
    lifecycle_checkName(name);
    const libraryDir = libraryOf(where);
    const stateDir = external_node_path_default().join(libraryDir, `app-${name}`);
    const record = readRunRecord(stateDir);
    const live = livePid1(stateDir);
    const cg = cgroupOf(record, libraryDir, name, layout);
    const pids = cg?.pids() ?? [];
    if (!live && pids.length === 0)
        return { wasRunning: false, left: [] };
    if (cg && pids.length > 0) {
        await cg.killAll({ termTimeoutMs });
    }
    else if (live) {
        // No cgroup (a host without a writable one): PID 1 ends the jail; SIGKILL is the only
        // signal a namespace's init takes from outside without a handler.
        try {
            process.kill(live.pid, 'SIGKILL');
        }
        catch {
            // gone already
        }
    }
    await waitIdle(stateDir, termTimeoutMs + 30_000);
    // The launcher removes it; a launcher that was itself killed could not.
    if (cg?.exists())
        await cg.remove().catch(() => undefined);
    return { wasRunning: true, left: cg?.pids() ?? [] };
}
/** rm NAME: stop it if it runs, remove its upper layer, its state dir and its network allocation. */
async function removeContainer(name, where = {}, layout = hostCgroupLayout()) {
    lifecycle_checkName(name);
    const libraryDir = libraryOf(where);
    const stateDir = external_node_path_default().join(libraryDir, `app-${name}`);
    const record = readRunRecord(stateDir);
    const facts = hostFacts(where.cwd);
    // The upper layer: where it was made (run.json), else where -b (or the default) puts it.
    const appDir = where.baseDir || !record ? buildSpec({ libraryDir, baseDir: where.baseDir, name }, facts).appDir : record.appDir;
    const stop = await stopContainer(name, where, 10_000, layout);
    const released = await release(libraryDir, name);
    const existed = stateDirs(libraryDir).some((d) => d.name === name);
    if (!existed && !released && !stop.wasRunning && !record) {
        throw new errors_ConfigError(`there is no container '${name}' in ${libraryDir} (see micro-container ps; give -d if it uses another library directory)`);
    }
    (0,external_node_fs_namespaceObject.rmSync)(appDir, { recursive: true, force: true });
    (0,external_node_fs_namespaceObject.rmSync)(stateDir, { recursive: true, force: true });
    return { stopped: stop.wasRunning, removedUpper: appDir, releasedAddress: released?.ip };
}
/**
 * Runs COMMAND inside the running container NAME: its namespaces (network too, when it
 * has its own) and its cgroup, as its user unless told otherwise. Returns the command's
 * exit status. Uses the container's own launcher logic (the join path), told never to
 * start a container that is not running.
 */
async function execInContainer(name, options) {
    lifecycle_checkName(name);
    const libraryDir = libraryOf(options);
    const stateDir = external_node_path_default().join(libraryDir, `app-${name}`);
    const record = readRunRecord(stateDir);
    if (!livePid1(stateDir) || !record) {
        throw new errors_ConfigError(`container '${name}' is not running in ${libraryDir} (start it with micro-container run -n ${name} ...; see micro-container ps)`);
    }
    const config = { ...record.config, user: options.user ?? record.config.user ?? record.user, workdir: options.workdir ?? record.config.workdir, command: [] };
    const leases = config.network === 'private' ? (await list(libraryDir)).leases : [];
    const lease = leases.find((l) => l.name === name);
    const facts = { ...hostFacts(options.cwd), cgroupLayout: hostCgroupLayout(), lease };
    const spec = buildSpec(config, facts);
    const file = writeLauncher(spec, renderLauncher(spec));
    return runLauncher(file, { command: options.command, env: { MC_JOIN_ONLY: '1' } });
}

;// CONCATENATED MODULE: ./src/cli/lifecycle.ts



/** `micro-container ps | exec | stop | rm`: the subcommands on containers. */
const LIFECYCLE_COMMANDS = new Set(['ps', 'exec', 'stop', 'rm']);
const LIFECYCLE_USAGE = {
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
const VALUES = {
    ps: ['d'],
    exec: ['d', 'b', 'u', 'w'],
    stop: ['d', 'b', 'timeout'],
    rm: ['d', 'b'],
};
const lifecycle_LONG = { librarydir: 'd', basedir: 'b', user: 'u', workdir: 'w', timeout: 'timeout' };
/** Parses `micro-container COMMAND ARGS`. Options come before NAME. Pure; throws ConfigError. */
function parseLifecycleArgs(command, argv) {
    const out = { command, help: false, json: false, argv: [] };
    const see = `(see micro-container ${command} --help)`;
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
        if (!a.startsWith('-') || a === '-')
            break;
        let key;
        let value;
        if (a.startsWith('--')) {
            const eq = a.indexOf('=');
            key = lifecycle_LONG[eq > 0 ? a.slice(2, eq) : a.slice(2)];
            value = eq > 0 ? a.slice(eq + 1) : undefined;
        }
        else {
            key = a[1];
            value = a.length > 2 ? a.slice(2) : undefined;
        }
        if (key === undefined || !VALUES[command].includes(key))
            throw new errors_ConfigError(`unknown option ${a} ${see}`);
        const inline = value !== undefined;
        value ??= argv[i + 1];
        if (value === undefined)
            throw new errors_ConfigError(`option ${a} needs a value ${see}`);
        if (key === 'd')
            out.libraryDir = value;
        else if (key === 'b')
            out.baseDir = value;
        else if (key === 'u')
            out.user = value;
        else if (key === 'w')
            out.workdir = value;
        else
            out.timeoutSeconds = parseTimeout(value);
        i += inline ? 1 : 2;
    }
    const rest = argv.slice(i);
    if (out.help)
        return out;
    if (command === 'ps') {
        if (rest.length > 0)
            throw new errors_ConfigError(`ps takes no arguments, not '${rest[0]}' ${see}`);
        return out;
    }
    if (rest.length === 0)
        throw new errors_ConfigError(`${command} needs the container's name ${see}`);
    out.name = rest[0];
    out.argv = rest.slice(1);
    if (command === 'exec' && out.argv.length === 0)
        throw new errors_ConfigError(`exec needs a command to run in ${out.name} ${see}`);
    if (command !== 'exec' && out.argv.length > 0)
        throw new errors_ConfigError(`${command} takes one name, not '${out.argv.join(' ')}' ${see}`);
    return out;
}
/** 93 -> 1m33s; 7300 -> 2h1m. Pure. */
function formatUptime(seconds) {
    if (seconds < 60)
        return `${seconds}s`;
    if (seconds < 3600)
        return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
    if (seconds < 86400)
        return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
    return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}
/** ps's table. Pure. */
function renderPs(rows) {
    const table = [
        ['NAME', 'ROOT', 'PID', 'USER', 'ADDRESS', 'UPTIME', 'PROCS'],
        ...rows.map((r) => [r.name, r.root, String(r.pid), r.user, r.address ?? (r.network === 'host' ? 'host' : r.network), formatUptime(r.uptimeSeconds), String(r.processes)]),
    ];
    const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
    return table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n') + '\n';
}
/**
 * Runs a lifecycle command; ELEVATE re-runs the whole command line through sudo when we
 * are not root (the state dirs are root's, cgroups and namespaces need it).
 */
async function lifecycleCommand(command, argv, io, elevate) {
    const args = parseLifecycleArgs(command, argv);
    if (args.help) {
        io.out(LIFECYCLE_USAGE[command] + '\n');
        return 0;
    }
    if ((process.getuid?.() ?? 0) !== 0)
        return elevate();
    const where = { libraryDir: args.libraryDir, baseDir: args.baseDir };
    switch (command) {
        case 'ps': {
            const rows = await listContainers(where);
            io.out(args.json ? `${JSON.stringify(rows, null, 2)}\n` : renderPs(rows));
            return 0;
        }
        case 'exec':
            return execInContainer(args.name, { ...where, user: args.user, workdir: args.workdir, command: args.argv });
        case 'stop': {
            const r = await stopContainer(args.name, where, (args.timeoutSeconds ?? 10) * 1000);
            if (r.left.length > 0) {
                io.err(`micro-container: container ${args.name} still has processes after SIGKILL: ${r.left.join(' ')} (in uninterruptible sleep?)\n`);
                return 1;
            }
            return 0;
        }
        case 'rm':
            await removeContainer(args.name, where);
            return 0;
    }
}

;// CONCATENATED MODULE: ./src/cli/main.ts














const stdio = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
};
/** Which face the program shows, from the name it was started by. Pure. */
function commandName(argv1) {
    const base = external_node_path_default().basename(argv1 ?? '');
    if (base === 'container' || base === 'containerize')
        return base;
    return 'micro-container';
}
/**
 * Not root: run this same command again through `sudo -n`, which keeps the caller's
 * identity in SUDO_UID/SUDO_GID (that is how GitHub's runners give root).
 */
/** ARGV: the whole command line as given (it is run again, unchanged, as root). */
function elevate(argv) {
    const check = (0,external_node_child_process_namespaceObject.spawnSync)('sudo', ['-n', 'true'], { stdio: 'ignore' });
    if (check.error || check.status !== 0) {
        throw new PrivilegeError('root is needed for mounts and namespaces: run as root, or give this user passwordless sudo (sudo -n true must work)');
    }
    const args = ['-n', '--', process.execPath, ...process.execArgv, process.argv[1], ...argv];
    const execve = process.execve;
    // Node 23.11+ can become sudo, so no process of ours sits between the caller and the jail.
    if (execve)
        execve('/usr/bin/env', ['env', 'sudo', ...args], process.env);
    const r = (0,external_node_child_process_namespaceObject.spawnSync)('sudo', args, { stdio: 'inherit' });
    return r.status ?? 125;
}
async function container(argv, io) {
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
    args = applyRootShortcut(args, external_node_path_default().resolve(args.config.libraryDir || DEFAULT_LIBRARY_DIR), facts.isDirectory);
    if (args.dryRun) {
        io.out(planContainer(args.config, facts).launcher);
        return 0;
    }
    if ((process.getuid?.() ?? 0) !== 0)
        return elevate(process.argv.slice(2));
    return runContainer(args.config, facts);
}
async function containerize(argv, io) {
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
        io.out(planContainerize(args.config).launcher);
        return 0;
    }
    if ((process.getuid?.() ?? 0) !== 0)
        return elevate(process.argv.slice(2));
    return runContainerize(args.config);
}
/** The CLI: argv (without node and script) -> exit status. Errors become 125 + a message. */
async function main(argv, name = commandName(process.argv[1]), io = stdio) {
    try {
        if (name === 'container')
            return await container(argv, io);
        if (name === 'containerize')
            return await containerize(argv, io);
        const [sub, ...rest] = argv;
        if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
            io.out(MICRO_CONTAINER_USAGE + '\n');
            return sub === undefined ? 125 : 0;
        }
        if (sub === '--version') {
            io.out(`micro-container ${VERSION}\n`);
            return 0;
        }
        if (sub === 'run')
            return await container(rest, io);
        if (sub === 'rootfs') {
            const args = parseRootfsArgs(rest);
            if (args.action !== 'help' && (process.getuid?.() ?? 0) !== 0)
                return elevate(process.argv.slice(2));
            return await rootfsCommand(args, io);
        }
        if (sub === 'container')
            return await container(rest, io);
        if (LIFECYCLE_COMMANDS.has(sub))
            return await lifecycleCommand(sub, rest, io, () => elevate(process.argv.slice(2)));
        if (sub === 'containerize')
            return await containerize(rest, io);
        throw new errors_ConfigError(`unknown command '${sub}' (see micro-container --help)`);
    }
    catch (e) {
        if (e instanceof MicroContainerError) {
            io.err(`${name}: ${e.message}\n`);
            return e.exitCode;
        }
        io.err(`${name}: internal error: ${e.stack ?? e}\n`);
        return 125;
    }
}

;// CONCATENATED MODULE: ./src/cli/index.ts

// The only side effect: run the CLI and exit with its status.
main(process.argv.slice(2)).then((code) => process.exit(code));

