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
function planCgroupSetup(layout, name, limits = {}, placement = {}) {
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
        return planCgroupSetup(this.layout, this.name, limits, this.placement);
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
const LAUNCHER_BODY = "# ---------------------------------------------------------------------------\n# The fixed part of every launcher. Above it, the generated prelude sets the MC_*\n# variables and the mc_volumes/mc_extra_env functions; nothing below depends on Node.\n#\n# Stages (one file, re-run by itself):\n#   main   on the host: lock, then create the jail (owner) or enter the live one (join)\n#   pid1   PID 1 of the jail: mounts, user lookup, starter, pivot_root, reaper\n#   keeper only with init/shutdown scripts: a copy of the pre-pivot mount namespace\n#          (host tree + mounted root) that runs them \"on the host\"\n# Every tool is the host's util-linux, run before the jail's root replaces the host's;\n# after pivot_root only sh builtins run, so the jail needs nothing of its own.\n# ---------------------------------------------------------------------------\n\n# mc_fsesc WORD: WORD escaped for an fstab field (space, tab, newline, backslash), in MC_E.\nmc_fsesc() {\n  case $1 in\n    *[\\ \\\t\\\\\\\n]*) ;;\n    *) MC_E=$1; return ;;\n  esac\n  mc_s=$1 MC_E=\n  while [ -n \"$mc_s\" ]; do\n    mc_c=${mc_s%\"${mc_s#?}\"}; mc_s=${mc_s#?}\n    case $mc_c in\n      ' ') MC_E=\"$MC_E\\\\040\" ;;\n      '\t') MC_E=\"$MC_E\\\\011\" ;;\n      '\\') MC_E=\"$MC_E\\\\134\" ;;\n      '\n') MC_E=\"$MC_E\\\\012\" ;;\n      *) MC_E=\"$MC_E$mc_c\" ;;\n    esac\n  done\n}\n\n# mc_exists PATH LAYER...: is there something at PATH (already resolved) in the layers?\nmc_exists() {\n  mc_p=$1; shift\n  for mc_l in \"$@\"; do\n    if [ -e \"$mc_l$mc_p\" ] || [ -L \"$mc_l$mc_p\" ]; then\n      [ \"$MC_WHITEOUTS\" = 1 ] && [ -c \"$mc_l$mc_p\" ] && [ \"$mc_l\" != \"$MC_BOTTOM\" ] && return 1\n      return 0\n    fi\n  done\n  return 1\n}\n\n# mc_layers: the layer list for mc_resolve before the overlay is mounted (upper first).\nmc_layers() {\n  mc_ifs=$IFS; IFS=:\n  # shellcheck disable=SC2086\n  set -- $MC_LOWERS\n  IFS=$mc_ifs\n  eval \"MC_BOTTOM=\\${$#}\"\n  MC_LAYER_ARGS=\"$MC_UPPER_Q\"\n  for mc_l in \"$@\"; do mc_q \"$mc_l\"; MC_LAYER_ARGS=\"$MC_LAYER_ARGS $MC_Q\"; done\n}\n\n# mc_fstab SOURCE GUEST TYPE OPTIONS: one line of the jail's fstab; GUEST is resolved\n# inside the root first. For a bind of a file onto a path that is missing, the empty\n# file is created in the upper layer (where overlayfs would have put it).\nmc_fstab() {\n  eval \"mc_resolve \\\"\\$2\\\" $MC_LAYER_ARGS\" || mc_die \"cannot resolve $2 inside the root\"\n  mc_t=$MC_RES\n  case $4 in\n    *X-mc.file*)\n      if ! eval \"mc_exists \\\"\\$mc_t\\\" $MC_LAYER_ARGS\"; then\n        mc_d=${mc_t%/*}\n        [ -d \"$MC_UPPER$mc_d\" ] || mkdir -p -- \"$MC_UPPER$mc_d\" || mc_die \"cannot create $mc_d in the upper layer\"\n        : > \"$MC_UPPER$mc_t\" || mc_die \"cannot create $mc_t in the upper layer\"\n      fi\n      set -- \"$1\" \"$2\" \"$3\" \"${4%,X-mc.file}\" ;;\n    *) set -- \"$1\" \"$2\" \"$3\" \"$4,X-mount.mkdir\" ;;\n  esac\n  mc_fsesc \"$1\"; mc_src=$MC_E\n  mc_fsesc \"$MC_ROOT$mc_t\"\n  printf '%s %s %s %s 0 0\\n' \"$mc_src\" \"$MC_E\" \"$3\" \"$4\" >&5\n}\n\n# mc_vol HOST GUEST ro|rw: a volume from the generated mc_volumes.\nmc_vol() {\n  [ -e \"$1\" ] || mc_die \"volume source $1 does not exist on the host (create it, or fix the -v option)\"\n  mc_o=rbind,nodev\n  [ \"$3\" = ro ] && mc_o=rbind,ro,nodev\n  if [ -d \"$1\" ]; then mc_fstab \"$1\" \"$2\" none \"$mc_o\"; else mc_fstab \"$1\" \"$2\" none \"$mc_o,X-mc.file\"; fi\n  if [ \"$3\" = ro ]; then mc_fsesc \"$MC_ROOT$mc_t\"; MC_RO_TARGETS=\"$MC_RO_TARGETS $MC_E\"; fi\n}\n\n# mount(8) 2.38 makes only the top of an rbind read-only: remount every mount that the\n# host had inside a :ro volume read-only as well.\nmc_ro_nested() {\n  while read -r _ _ _ _ mc_mp _; do\n    for mc_t in $MC_RO_TARGETS; do\n      case $mc_mp in \"$mc_t\"/*)\n        mc_p=$mc_mp; mc_unesc \"$mc_p\"\n        mount -o remount,bind,ro \"$MC_U\" || { mc_say \"cannot make $MC_U read-only\"; return 1; } ;;\n      esac\n    done\n  done < /proc/self/mountinfo\n}\n\n# mc_unesc WORD: undo mountinfo's octal escapes (\\040 and friends), in MC_U.\nmc_unesc() {\n  MC_U=$(printf '%b' \"$1\")\n}\n\n# mc_user ROOT: look up MC_USER (user[:group], names or numbers) in ROOT's own\n# /etc/passwd and /etc/group. Sets MC_UID MC_GID MC_GROUPS (comma list) MC_HOME MC_SHELL MC_UNAME.\nmc_user() {\n  mc_u=${MC_USER%%:*} mc_g=\n  case $MC_USER in *:*) mc_g=${MC_USER#*:} ;; esac\n  MC_UID= MC_GID= MC_HOME= MC_SHELL= MC_UNAME=\n  if [ -r \"$1/etc/passwd\" ]; then\n    while IFS=: read -r mc_n _ mc_i mc_pg _ mc_h mc_sh || [ -n \"$mc_n\" ]; do\n      if [ \"$mc_n\" = \"$mc_u\" ] || [ \"$mc_i\" = \"$mc_u\" ]; then\n        MC_UNAME=$mc_n MC_UID=$mc_i MC_GID=$mc_pg MC_HOME=$mc_h MC_SHELL=$mc_sh; break\n      fi\n    done < \"$1/etc/passwd\"\n  fi\n  if [ -z \"$MC_UID\" ]; then\n    case $mc_u in\n      ''|*[!0-9]*) mc_die \"user '$mc_u' is not in the container's /etc/passwd (use a number, or add the user to the root)\" ;;\n    esac\n    MC_UID=$mc_u MC_UNAME=$mc_u\n  fi\n  if [ -n \"$mc_g\" ]; then\n    mc_gid=\n    if [ -r \"$1/etc/group\" ]; then\n      while IFS=: read -r mc_n _ mc_i _ || [ -n \"$mc_n\" ]; do\n        if [ \"$mc_n\" = \"$mc_g\" ] || [ \"$mc_i\" = \"$mc_g\" ]; then mc_gid=$mc_i; break; fi\n      done < \"$1/etc/group\"\n    fi\n    if [ -z \"$mc_gid\" ]; then\n      case $mc_g in\n        *[!0-9]*) mc_die \"group '$mc_g' is not in the container's /etc/group (use a number, or add the group to the root)\" ;;\n      esac\n      mc_gid=$mc_g\n    fi\n    MC_GID=$mc_gid\n  fi\n  [ -n \"$MC_GID\" ] || MC_GID=$MC_UID\n  # Supplementary groups: the primary one, then every group that lists the user by name.\n  # Only setpriv uses them, which root does not go through: for uid 0 the scan (a read(2)\n  # per byte of /etc/group) is skipped.\n  MC_GROUPS=$MC_GID\n  if [ \"$MC_UID\" != 0 ] && [ \"$MC_UNAME\" != \"$MC_UID\" ] && [ -r \"$1/etc/group\" ]; then\n    while IFS=: read -r _ _ mc_i mc_m || [ -n \"$mc_i\" ]; do\n      case \",$mc_m,\" in *\",$MC_UNAME,\"*) case \",$MC_GROUPS,\" in *\",$mc_i,\"*) ;; *) MC_GROUPS=$MC_GROUPS,$mc_i ;; esac ;; esac\n    done < \"$1/etc/group\"\n  fi\n  [ -n \"$MC_HOME\" ] || MC_HOME=/\n  [ -n \"$MC_SHELL\" ] || MC_SHELL=/bin/sh\n}\n\n# mc_scrub: unset every exported variable; the command gets exactly the env we build.\nmc_scrub() {\n  mc_list=$(export -p)\n  mc_ifs=$IFS IFS='\n'\n  set -f\n  for mc_l in $mc_list; do\n    case $mc_l in\n      'export '*|'declare -x '*)\n        mc_l=${mc_l#export }; mc_l=${mc_l#declare -x }; mc_n=${mc_l%%=*}\n        case $mc_n in ''|*[!A-Za-z0-9_]*) ;; *) unset \"$mc_n\" ;; esac ;;\n    esac\n  done 2>/dev/null\n  set +f\n  IFS=$mc_ifs\n}\n\n# mc_env: the command's environment (call after mc_user, in the process that execs).\nmc_env() {\n  mc_term=${TERM:-}\n  # The CLI starts us with a known environment (MC_CLEAN_ENV): unsetting those few is\n  # enough. By hand, anything may be exported: scrub it all.\n  if [ \"${MC_CLEAN_ENV:-}\" = 1 ]; then\n    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE MC_ARGV TERM PATH MC_KUID MC_KGID MC_JOIN_ONLY\n  else\n    mc_scrub\n  fi\n  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n  export HOME=\"$MC_HOME\" USER=\"$MC_UNAME\" LOGNAME=\"$MC_UNAME\" HOSTNAME=\"$MC_HOSTNAME\"\n  [ -n \"$mc_term\" ] && export TERM=\"$mc_term\"\n  [ \"$MC_LOGIN\" = 1 ] && export SHELL=\"$MC_SHELL\"\n  mc_extra_env\n}\n\n# After mc_user: no command means the user's shell from the container's /etc/passwd,\n# a login shell (-l) with `-`; interactive by itself when stdin is a terminal.\nmc_command_default() {\n  [ -n \"$MC_ARGV\" ] && return 0\n  mc_q \"$MC_SHELL\"; MC_ARGV=$MC_Q\n  [ \"$MC_LOGIN\" = 1 ] && MC_ARGV=\"$MC_ARGV -l\"\n  return 0\n}\n\n# mc_cwd: where the command starts: -w, else HOME for a login shell or when it exists, else /.\nmc_cwd() {\n  if [ -n \"$MC_WORKDIR\" ]; then MC_CWD=$MC_WORKDIR\n  elif [ -d \"$1$MC_HOME\" ]; then MC_CWD=$MC_HOME\n  else MC_CWD=/\n  fi\n}\n\n# ------------------------------------------------------------------ stage: pid1\n# PID 1 of the jail, in fresh mount/pid/uts/ipc namespaces. fd 4: messages to the\n# launcher (`up`); stdin: the lifeline (EOF = the launcher is gone); fd 7: the user's stdin.\nmc_stage_pid1() {\n  cd -P /proc/self && MC_HP=${PWD##*/}   # our pid on the host: /proc is still the host's\n  cd / || exit 125\n  exec 8>&- 9>&- 6<> \"$MC_STATE/go\" 3<> \"$MC_STATE/started\"\n  # The launcher's loop moves us (and our unshare) into the container's cgroup while we\n  # mount: a move between cgroups waits for an RCU grace period, several ms of idle\n  # waiting that costs nothing beside the mounts. We fork nothing that stays until it is\n  # done (below), so every process of the jail starts inside.\n  echo \"cgroup $MC_HP\" >&4\n  if [ \"$MC_RM\" = 1 ]; then mc_rm_layer || { mc_say \"cannot make the throwaway upper layer\"; echo \"exit 125\" >&4; exit 125; }; fi\n  mc_mount || { echo \"exit 125\" >&4; exit 125; }\n  # Our own network namespace (none, private): its loopback starts down.\n  if [ \"$MC_NET\" != host ]; then ip link set dev lo up || { mc_say \"cannot bring up lo in the container\"; echo \"exit 125\" >&4; exit 125; }; fi\n  printf '%s\\n' \"$MC_HOSTNAME\" > /proc/sys/kernel/hostname 2>/dev/null\n  mc_user \"$MC_ROOT\"\n  mc_cwd \"$MC_ROOT\"\n  mc_command_default\n  eval \"set -- $MC_ARGV\"\n  # The command's environment, made here rather than in the starter: scrubbing forks\n  # (`$(export -p)`), and here it overlaps the launcher's cgroup work instead of\n  # delaying the command. PID 1 needs nothing exported from now on.\n  mc_env\n  read -r mc_x <&6\n  [ \"$mc_x\" = cgroup ] || { echo \"exit 125\" >&4; exit 125; }\n  # The lifeline watcher: \"signal NAME\" lines are passed to the launcher's loop, which\n  # signals the command; EOF means whoever started us is gone: everything inside dies.\n  # (Started only now, inside the cgroup; an EOF that came meanwhile is read at once.)\n  exec 5<&0 0</dev/null\n  {\n    while read -r mc_l <&5; do\n      case $mc_l in 'signal '*) echo \"$mc_l\" >&4 ;; esac\n    done\n    kill -KILL -1; echo abort >&6\n  } &\n  mc_watcher=$!\n  exec 5<&-\n  if [ -n \"$MC_INIT$MC_SHUTDOWN\" ]; then\n    echo \"mounted $MC_HP $MC_UID $MC_GID\" >&4\n    read -r mc_x <&6 && [ \"$mc_x\" = pivot ] || exit 125\n  fi\n  # Two processes run side by side, as a pipeline (not `&`: an async list would start\n  # the command with SIGINT ignored). The starter is forked, or exec'd through setpriv,\n  # while the host's tools are still reachable, says its host pid, and waits for `go`.\n  # The pivoter then calls pivot_root, which moves us and the starter into the jail's\n  # root, and reports; the launcher detaches the old root and says `go`.\n  mc_pivoter | mc_starter \"$@\"\n  mc_st=$?\n  # Stay, reaping orphans, until the launcher's loop ends the jail with SIGUSR1 (once\n  # joined sessions have left and the shutdown script has run); our exit status is the\n  # launcher's, and our exit makes the kernel kill whatever is left inside.\n  trap 'exit \"$mc_st\"' USR1\n  echo \"done $mc_st\" >&4\n  exec 4>&- 6>&- 3>&-\n  wait \"$mc_watcher\"\n  exit 137\n}\n\nmc_pivoter() {\n  exec >/dev/null\n  read -r mc_cp <&3 || { echo abort >&6; exit 125; }\n  # On failure the starter is told to give up (it is blocked reading fd 6), so the\n  # pipeline, and PID 1 with it, ends with 125.\n  cd \"$MC_ROOT\" && pivot_root . . || { mc_say \"pivot_root into $MC_ROOT failed\"; echo abort >&6; exit 125; }\n  cd /\n  echo \"ready $MC_HP $mc_cp\" >&4\n}\n\nmc_starter() {\n  exec 4>&- 0<&7 7<&-\n  if [ \"$MC_UID\" = 0 ]; then\n    cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n    read -r mc_x <&6; exec 6<&-\n    [ \"$mc_x\" = go ] || exit 125\n    cd -- \"$MC_CWD\" 2>/dev/null || { mc_say \"workdir $MC_CWD does not exist in the container (create it, or fix -w)\"; exit 125; }\n    exec \"$@\"\n  fi\n  export MC_CWD\n  exec setpriv --reuid=\"$MC_UID\" --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs --inh-caps=-all \\\n    -- /bin/sh -c 'cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n      read -r x <&6; exec 6<&-\n      [ \"$x\" = go ] || exit 125\n      cd -- \"$MC_CWD\" 2>/dev/null || { printf \"micro-container: workdir %s is not there for this user (create it, or fix -w)\\n\" \"$MC_CWD\" >&2; exit 125; }\n      unset MC_CWD; exec \"$@\"' mc-starter \"$@\"\n}\n\n# Mount everything the jail needs in one mount(8) call (each exec costs ~1 ms).\nmc_mount() {\n  mc_layers\n  MC_WHITEOUTS=1\n  exec 5> \"$MC_STATE/fstab\"\n  mc_fsesc \"$MC_LOWERS\"; mc_lo=$MC_E\n  mc_fsesc \"$MC_UPPER\"; mc_up=$MC_E\n  mc_fsesc \"$MC_WORK\"; mc_wk=$MC_E\n  mc_fsesc \"$MC_ROOT\"\n  printf 'overlay %s overlay lowerdir=%s,upperdir=%s,workdir=%s 0 0\\n' \"$MC_E\" \"$mc_lo\" \"$mc_up\" \"$mc_wk\" >&5\n  mc_fstab proc /proc proc nosuid,nodev,noexec\n  mc_fstab sysfs /sys sysfs ro,nosuid,nodev,noexec\n  mc_fstab \"$MC_STATE/dev\" /dev none bind\n  mc_dev=$MC_ROOT$MC_RES\n  read -r mc_kind < \"$MC_STATE/dev/.mc-skeleton\"\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do\n      mc_fsesc \"$mc_dev/$mc_n\"; printf '/dev/%s %s none bind 0 0\\n' \"$mc_n\" \"$MC_E\" >&5\n    done\n  fi\n  mc_fsesc \"$mc_dev\"\n  printf 'devpts %s/pts devpts newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec 0 0\\n' \"$MC_E\" >&5\n  printf 'tmpfs %s/shm tmpfs mode=1777,nosuid,nodev 0 0\\n' \"$MC_E\" >&5\n  printf 'mqueue %s/mqueue mqueue nosuid,nodev,noexec 0 0\\n' \"$MC_E\" >&5\n  mc_fstab tmpfs /tmp tmpfs mode=1777,nosuid,nodev\n  mc_fstab \"$MC_STATE/hosts\" /etc/hosts none bind,X-mc.file\n  mc_fstab \"$MC_STATE/resolv.conf\" /etc/resolv.conf none bind,X-mc.file\n  MC_RO_TARGETS=\n  mc_volumes\n  exec 5>&-\n  mount -c -a -T \"$MC_STATE/fstab\" || { mc_mount_diagnose; return 1; }\n  [ -z \"$MC_RO_TARGETS\" ] || mc_ro_nested\n}\n\n# Only after a failure: say which rule was broken, in words a user can act on.\nmc_mount_diagnose() {\n  mc_ifs=$IFS; IFS=:\n  for mc_l in $MC_LOWERS; do\n    [ -d \"$mc_l\" ] || mc_say \"lowerdir $mc_l is not a directory\"\n  done\n  IFS=$mc_ifs\n  if [ \"$(stat -c %d -- \"$MC_UPPER\")\" != \"$(stat -c %d -- \"$MC_WORK\")\" ]; then\n    mc_say \"upperdir $MC_UPPER and workdir $MC_WORK are on different filesystems; overlayfs needs them on the same one (move -b basedir)\"\n  fi\n  case $(stat -f -c %T -- \"$MC_UPPER\") in\n    overlayfs) mc_say \"upperdir $MC_UPPER is on an overlay filesystem, which overlayfs cannot use as an upper layer (use a -b basedir on a real filesystem)\" ;;\n  esac\n  mc_say \"could not mount the jail's filesystems (see mount's message above)\"\n}\n\n# A throwaway upper layer (--rm) lives on a tmpfs in the jail's own mount namespace, so\n# it is gone with the jail, also after SIGKILL.\nmc_rm_layer() {\n  mount -t tmpfs -o mode=0700 tmpfs \"$MC_STATE/rm\" && mkdir -m 0755 -- \"$MC_UPPER\" && mkdir -m 0700 -- \"$MC_WORK\"\n}\n\n# PID 1 stops reading here: the rest of the file is for the launcher on the host.\ncase ${MC_STAGE:-main} in pid1) mc_stage_pid1; exit ;; esac\n\n# mc_copy SRC DST: copy a small text file with builtins (no cp: every exec costs a ms).\nmc_copy() {\n  : > \"$2\"\n  [ -r \"$1\" ] || return 0\n  while IFS= read -r mc_line || [ -n \"$mc_line\" ]; do printf '%s\\n' \"$mc_line\"; done < \"$1\" >> \"$2\"\n}\n\n# The per-container /dev skeleton, made once: the usual symlinks, pts/shm/mqueue, and\n# real device nodes for null zero full random urandom tty, so a run binds one directory\n# instead of six devices. Where librarydir's filesystem is mounted nodev, the nodes would\n# not work: then they are empty files that the host's devices are bound onto at each run.\nmc_dev_skeleton() {\n  mc_kind=\n  read -r mc_kind 2>/dev/null < \"$MC_STATE/dev/.mc-skeleton\"\n  case $mc_kind in nodes|binds) return 0 ;; esac\n  mc_new=$MC_STATE/dev.new\n  rm -rf -- \"$mc_new\" && mkdir -p -m 0755 -- \"$mc_new/pts\" \"$mc_new/shm\" \"$mc_new/mqueue\" || return 1\n  ln -s /proc/self/fd \"$mc_new/fd\" && ln -s /proc/self/fd/0 \"$mc_new/stdin\" &&\n    ln -s /proc/self/fd/1 \"$mc_new/stdout\" && ln -s /proc/self/fd/2 \"$mc_new/stderr\" &&\n    ln -s pts/ptmx \"$mc_new/ptmx\" && ln -s /proc/kcore \"$mc_new/core\" || return 1\n  mc_kind=nodes\n  mknod -m 0666 \"$mc_new/null\" c 1 3 && mknod -m 0666 \"$mc_new/zero\" c 1 5 && mknod -m 0666 \"$mc_new/full\" c 1 7 &&\n    mknod -m 0666 \"$mc_new/random\" c 1 8 && mknod -m 0666 \"$mc_new/urandom\" c 1 9 && mknod -m 0666 \"$mc_new/tty\" c 5 0 &&\n    { : > \"$mc_new/null\"; } 2>/dev/null || mc_kind=binds\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do rm -f -- \"$mc_new/$mc_n\" && : > \"$mc_new/$mc_n\" || return 1; done\n  fi\n  echo \"$mc_kind\" > \"$mc_new/.mc-skeleton\"\n  rm -rf -- \"$MC_STATE/dev\" && mv -- \"$mc_new\" \"$MC_STATE/dev\"\n}\n\n# ------------------------------------------------------------------ stage: keeper\n# A copy of PID 1's mount namespace taken before pivot_root: the host's tree with the\n# container's root mounted at MC_ROOT, where init and shutdown scripts run. Its stdin is\n# the `keep` fifo; EOF or \"shutdown\" runs the shutdown script, so it runs whatever happened.\nmc_stage_keeper() {\n  exec 4> \"$MC_STATE/up\"\n  mc_st=0\n  if [ -n \"$MC_INIT\" ]; then\n    \"$MC_INIT\" init \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"init $mc_st\" >&4\n  read -r _ || :\n  mc_st=0\n  if [ -n \"$MC_SHUTDOWN\" ]; then\n    \"$MC_SHUTDOWN\" shutdown \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"shutdown $mc_st\" >&4\n}\n\n# ------------------------------------------------------------------ stage: main\n# basedir first: when librarydir is the same directory, basedir's creation wins.\nmc_prepare_dirs() {\n  if [ ! -d \"$MC_BASE\" ]; then\n    mkdir -p -- \"$MC_BASE\" && chown -- \"$MC_OWNER\" \"$MC_BASE\" || mc_die \"cannot create basedir $MC_BASE\"\n  fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_APPDIR\" ]; then\n    mkdir -p -- \"$MC_APPDIR\" && chown -- \"$MC_OWNER\" \"$MC_APPDIR\" || mc_die \"cannot create appdir $MC_APPDIR\"\n  fi\n  if [ ! -d \"$MC_LIB\" ]; then\n    mkdir -p -m 0700 -- \"$MC_LIB\" || mc_die \"cannot create librarydir $MC_LIB\"\n  fi\n  if [ ! -d \"$MC_STATE/root\" ]; then\n    mkdir -p -m 0700 -- \"$MC_STATE/root\" || mc_die \"cannot create $MC_STATE\"\n  fi\n  for mc_f in up go started life keep; do\n    [ -p \"$MC_STATE/$mc_f\" ] || mkfifo -m 0600 -- \"$MC_STATE/$mc_f\" || mc_die \"cannot create $MC_STATE/$mc_f\"\n  done\n  mc_dev_skeleton || mc_die \"cannot create the /dev skeleton in $MC_STATE\"\n  if [ \"$MC_RM\" = 1 ] && [ ! -d \"$MC_STATE/rm\" ]; then mkdir -m 0700 -- \"$MC_STATE/rm\" || mc_die \"cannot create $MC_STATE/rm\"; fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_WORK\" ]; then\n    # The upper layer's top directory is what the container's / looks like: root's, 0755.\n    mkdir -p -m 0755 -- \"$MC_UPPER\" && mkdir -p -m 0700 -- \"$MC_WORK\" || mc_die \"cannot create $MC_UPPER and $MC_WORK\"\n  fi\n}\n\nmc_join() {\n  mc_hp=$1\n  mc_user \"/proc/$mc_hp/root\"\n  MC_WHITEOUTS=0\n  mc_cwd \"/proc/$mc_hp/root\"\n  mc_resolve \"$MC_CWD\" \"/proc/$mc_hp/root\" || exit 125\n  MC_CWD=$MC_RES\n  mc_command_default\n  eval \"set -- $MC_ARGV\"\n  exec 9>&-\n  # Into the container's cgroup (so stop ends this session too) and, when it has one,\n  # its network namespace.\n  mc_cg_join \"$$\"\n  mc_nsn=\n  [ \"$MC_NET\" = host ] || mc_nsn=-n\n  mc_env\n  if [ \"$MC_UID\" = 0 ]; then\n    exec nsenter -t \"$mc_hp\" $mc_nsn -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S 0 -G 0 -- \"$@\"\n  fi\n  exec setpriv --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs \\\n    nsenter -t \"$mc_hp\" $mc_nsn -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S \"$MC_UID\" -- \"$@\"\n}\n\nmc_stage_main() {\n  # `-O /`: we own the host's root directory, i.e. we are root (a builtin, no fork).\n  [ -O / ] || mc_die \"the launcher must run as root (try: sudo sh $0)\"\n  mc_prepare_dirs\n  exec 9>> \"$MC_STATE/lock\"\n  mc_command \"$@\"\n  mc_tries=0\n  until flock -n 9; do\n    # The container is up: join it. Starting or stopping: wait for it.\n    if read -r mc_hp mc_st0 2>/dev/null < \"$MC_STATE/pid1\" && mc_starttime \"$mc_hp\" && [ \"$MC_START\" = \"$mc_st0\" ]; then\n      mc_join \"$mc_hp\"\n    fi\n    # A run that just ended is still cleaning up (cgroup, network) for a few ms: poll\n    # quickly, and only speak up when it takes longer. The wait is flock's own, not a\n    # sleep: it ends as soon as the lock is free (then we hold it).\n    [ \"$mc_tries\" = 25 ] && mc_say \"container ${MC_NAME:-app} is starting or stopping; waiting\"\n    mc_tries=$((mc_tries + 1))\n    [ \"$mc_tries\" -le 600 ] || mc_die \"container ${MC_NAME:-app} stayed busy for 60 s; is a launcher stuck? (see $MC_STATE)\"\n    if [ \"$mc_tries\" -le 25 ]; then mc_w=0.02; else mc_w=0.1; fi\n    flock -w \"$mc_w\" 9 && break\n  done\n  # `micro-container exec`: only ever join; never start a container that is not running.\n  [ \"${MC_JOIN_ONLY:-}\" != 1 ] || mc_die \"container ${MC_NAME:-app} is not running (start it with micro-container run -n ${MC_NAME:-NAME} ...)\"\n  mc_own\n}\n\n# We hold the lock (fd 9) until we exit. The launcher's own process becomes the jail's\n# `unshare` (so its exit status is the command's, and killing it kills the jail:\n# --kill-child); a loop beside it answers PID 1's messages on the `up` fifo.\nmc_own() {\n  # The container's own copies of the host's /etc/hosts and /etc/resolv.conf: made anew\n  # when the host's change, kept (with what the container wrote) otherwise.\n  # With a private network the CLI wrote it: the other containers by name (run by hand\n  # without the CLI, the host's copy stands in).\n  if { [ \"$MC_NET\" != private ] || ! [ -e \"$MC_STATE/hosts\" ]; } && ! [ \"$MC_STATE/hosts\" -nt /etc/hosts ]; then\n    mc_copy /etc/hosts \"$MC_STATE/hosts\"\n    printf '127.0.1.1\\t%s\\n' \"$MC_HOSTNAME\" >> \"$MC_STATE/hosts\"\n  fi\n  [ \"$MC_STATE/resolv.conf\" -nt /etc/resolv.conf ] || mc_copy /etc/resolv.conf \"$MC_STATE/resolv.conf\"\n  exec 4<> \"$MC_STATE/up\" 7<&0\n  # The loop is an async list (SIGINT ignored there, which suits teardown); the jail is\n  # not, so the command starts with the signal dispositions we were given.\n  # It holds the lock too, so the next run of this container waits until it is gone.\n  # (exec, not redirections on the call: dash would keep saved copies of the fds open.)\n  # After the jail, the loop also removes what it leaves on the host: the cgroup and the\n  # veth (and the bridge when unused), whatever ended it, SIGKILL of the CLI included.\n  : > \"$MC_STATE/oom\"\n  # The loop also makes the container's cgroup and puts our unshare and PID 1 in it\n  # (the loop itself stays out, so killing everything in the cgroup never kills the\n  # cleanup).\n  ( exec 4>&- 7<&- < \"$MC_STATE/up\"; mc_loop; mc_cleanup ) &\n  export MC_ARGV MC_STAGE=pid1\n  set -- --pid --fork --mount --uts --ipc --kill-child --propagation private\n  [ \"$MC_NET\" = host ] || set -- \"$@\" --net\n  if [ -n \"${MC_LIFELINE_FD:-}\" ]; then\n    eval \"exec unshare \\\"\\$@\\\" -- /bin/sh \\\"\\$0\\\" <&$MC_LIFELINE_FD\"\n  fi\n  # By hand: the lifeline is a fifo that only we (then our unshare) hold open.\n  exec 8<> \"$MC_STATE/life\"\n  exec unshare \"$@\" -- /bin/sh \"$0\" < \"$MC_STATE/life\"\n}\n\n# mc_cg_remove TRIES: removes the container's cgroup directories, trying TRIES times\n# 10 ms apart while the last processes leave them. One rmdir(1) for all of them (an exec\n# per hierarchy costs a ms each, and the next run of this container waits for us).\nmc_cg_remove() {\n  mc_n=$1 mc_t=1\n  while :; do\n    eval \"set -- $MC_CG_DIRS\"\n    mc_left=\n    for mc_d; do\n      if [ -d \"$mc_d\" ]; then mc_q \"$mc_d\"; mc_left=\"$mc_left $MC_Q\"; fi\n    done\n    [ -n \"$mc_left\" ] || return 0\n    eval \"rmdir -- $mc_left\" 2>/dev/null && return 0\n    if [ \"$mc_t\" -ge \"$mc_n\" ]; then\n      [ \"$mc_n\" = 1 ] && return 0\n      for mc_d; do\n        [ -d \"$mc_d\" ] && mc_say \"cannot remove the cgroup $mc_d: processes are still in it\"\n      done\n      return 0\n    fi\n    mc_t=$((mc_t + 1)); sleep 0.01\n  done\n}\n\n# mc_net_locked up PID | down: the network plumbing under the network's lock (the same\n# flock the CLI takes to allocate addresses), so a bridge is never removed under a\n# container that is being attached to it.\nmc_net_locked() {\n  exec 6>> \"$MC_LIB/network.lock\" || return 1\n  flock -w 60 6 || { mc_say \"timed out waiting for $MC_LIB/network.lock\"; exec 6>&-; return 1; }\n  \"mc_net_$1\" \"${2:-}\"; mc_r=$?\n  exec 6>&-\n  return \"$mc_r\"\n}\n\n# In the loop's process, once the jail has ended (mc_loop read `up` to its end): keep the\n# OOM count, remove the cgroup, disconnect from the bridge.\nmc_cleanup() {\n  [ -z \"$MC_CG_OOM\" ] || mc_copy \"$MC_CG_OOM\" \"$MC_STATE/oom\"\n  mc_cg_remove 500\n  if [ \"$MC_NET\" = private ]; then mc_net_locked down || mc_say \"could not disconnect ${MC_NAME:-app} from its network\"; fi\n  return 0\n}\n\n# PID 1's messages, in order: cgroup HP, [mounted HP UID GID, init N,] ready HP CP, done N; and\n# \"signal NAME\" from the lifeline; \"exit N\" when it failed. EOF: PID 1 is gone.\nmc_loop() {\n  mc_hp= mc_cp= mc_keeper=\n  # The cgroup, at once, for our unshare ($$ of this subshell is the launcher's, which is\n  # exec'ing unshare meanwhile): moving a process between cgroups waits for an RCU grace\n  # period, several ms of idle waiting that overlap unshare's and PID 1's start this way.\n  # When the move is done before unshare forks, PID 1 is born inside; else its own move\n  # (on its first message) is quick, the grace period having just passed. An empty\n  # cgroup left by a crash goes first, so its OOM count starts at zero.\n  mc_cg_remove 1\n  mc_cg=cgroup\n  mc_cg_setup \"$$\" || mc_cg=abort\n  while read -r mc_msg mc_a mc_b mc_c; do\n    case $mc_msg in\n      cgroup)\n        # PID 1 (host pid mc_a) has forked nothing yet and waits for this answer.\n        # 1<>: a fifo opened read-write never blocks, even when PID 1 is already gone.\n        [ \"$mc_cg\" = abort ] || mc_cg_move \"$mc_a\" || mc_cg=abort\n        echo \"$mc_cg\" 1<> \"$MC_STATE/go\" ;;\n      mounted)\n        mc_hp=$mc_a\n        MC_STAGE=keeper MC_KUID=$mc_b MC_KGID=$mc_c \\\n          nsenter -t \"$mc_hp\" -m -- unshare --mount --propagation private -- /bin/sh \"$0\" < \"$MC_STATE/keep\" &\n        mc_keeper=$!\n        exec 5<> \"$MC_STATE/keep\" ;;\n      init)\n        if [ \"$mc_a\" != 0 ]; then\n          mc_say \"init script $MC_INIT failed with status $mc_a\"\n          mc_end_keeper\n          echo abort > \"$MC_STATE/go\"\n        else\n          echo pivot > \"$MC_STATE/go\"\n        fi ;;\n      ready)\n        mc_hp=$mc_a mc_cp=$mc_b\n        # pivot_root left the host's root stacked on the jail's /: detach it.\n        if ! umount -N \"/proc/$mc_hp/ns/mnt\" -l /; then\n          mc_say \"cannot detach the host's root from the jail\"\n          echo abort > \"$MC_STATE/go\"; continue\n        fi\n        # The network before the command starts (and before anyone can join).\n        if [ \"$MC_NET\" = private ] && ! mc_net_locked up \"$mc_hp\"; then\n          mc_say \"cannot connect container ${MC_NAME:-app} to its network (see the message above)\"\n          echo abort > \"$MC_STATE/go\"; continue\n        fi\n        echo go > \"$MC_STATE/go\"\n        # After `go` (reading a /proc stat file is a read(2) per byte): until it is\n        # written, a second run of this container waits rather than joins.\n        mc_starttime \"$mc_hp\" && printf '%s %s\\n' \"$mc_hp\" \"$MC_START\" > \"$MC_STATE/pid1\" ;;\n      signal)\n        [ -n \"$mc_cp\" ] && kill -s \"$mc_a\" \"$mc_cp\" 2>/dev/null ;;\n      done)\n        : > \"$MC_STATE/pid1\"\n        mc_wait_joined\n        mc_end_keeper\n        kill -USR1 \"$mc_hp\" 2>/dev/null\n        mc_drain\n        return ;;\n      exit)\n        mc_end_keeper\n        mc_drain\n        return ;;\n    esac\n  done\n  mc_end_keeper\n}\n\n# Reads the `up` fifo to its end: EOF comes when the last writer is gone, and our unshare\n# holds it open until it exits, after every process of the jail (so the clean-up that\n# follows finds the jail gone, without polling).\nmc_drain() {\n  while read -r _; do :; done\n}\n\n# Runs the shutdown script (in the keeper) and waits for it; once.\nmc_end_keeper() {\n  [ -n \"$mc_keeper\" ] || return 0\n  echo shutdown >&5\n  mc_a=0\n  while read -r mc_msg mc_a _; do [ \"$mc_msg\" = shutdown ] && break; done\n  [ \"$mc_a\" = 0 ] || mc_say \"shutdown script $MC_SHUTDOWN failed with status $mc_a\"\n  wait \"$mc_keeper\" 2>/dev/null\n  mc_keeper=\n}\n\n# Sessions that joined (their parent is outside the jail, so their ppid reads 0) keep\n# the container up: the last one out ends it.\nmc_wait_joined() {\n  while :; do\n    mc_busy=\n    for mc_p in \"/proc/$mc_hp/root/proc/\"[0-9]*; do\n      [ \"${mc_p##*/}\" = 1 ] && continue\n      read -r mc_stat 2>/dev/null < \"$mc_p/stat\" || continue\n      mc_stat=${mc_stat##*) }\n      case $mc_stat in ?' 0 '*) mc_busy=1; break ;; esac\n    done\n    [ -n \"$mc_busy\" ] || return 0\n    sleep 0.2\n  done\n}\n\ncase ${MC_STAGE:-main} in\n  main) mc_stage_main \"$@\" ;;\n  keeper) mc_stage_keeper ;;\n  none) ;;\n  *) mc_die \"unknown stage $MC_STAGE\" ;;\nesac\n";
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
 * remove at the end), MC_CG_OOM (the OOM counter to keep), mc_cg_setup PID... (creates the
 * cgroup, writes the limits, moves the PIDs in; says why and returns 1 on failure),
 * mc_cg_move PID... (only moves them, as strictly), mc_cg_join PID (moves PID in, best
 * effort: for a joining session), and
 * mc_net_up/mc_net_down (renderNetScript; no-ops without a private network). Pure.
 */
function renderResources(spec) {
    const v = shVar;
    const cg = spec.cgroup;
    const lines = [v('MC_NET', spec.network), v('MC_CGROUP', cg?.name ?? '')];
    lines.push(`MC_CG_DIRS=${shQuote((cg?.dirs ?? []).map(shQuote).join(' '))}`);
    lines.push(v('MC_CG_OOM', cg?.oom?.file ?? ''));
    if (cg) {
        lines.push('mc_cg_setup() {', ...indent(renderCgroupSteps(cg.plan)), '}');
        lines.push('mc_cg_move() {', ...indent(renderCgroupJoin(cg.plan.join)), '}');
        lines.push('mc_cg_join() {', ...indent(renderCgroupJoin(cg.plan.join.map((j) => ({ ...j, optional: true })))), '}');
    }
    else {
        lines.push('mc_cg_setup() { :; }', 'mc_cg_move() { :; }', 'mc_cg_join() { :; }');
    }
    if (spec.net)
        lines.push(...renderNetScript(spec.net).trimEnd().split('\n'));
    else
        lines.push('mc_net_up() { :; }', 'mc_net_down() { :; }');
    return lines;
}
/**
 * A cgroup plan as the body of `mc_cg_setup PID...`. Unlike renderCgroupPlan (which moves
 * `$$` and exits), it moves the PIDs it is given and returns 1: the launcher's loop runs
 * it for PID 1 while PID 1 mounts, because a move between cgroups waits for an RCU grace
 * period (several ms) that is better spent beside the mounts than before them. Runs of
 * mkdir steps are one mkdir(1) (one exec, not one per hierarchy); a directory that is
 * required and missing afterwards is made again alone, so mkdir says why. Pure.
 */
function renderCgroupSteps(plan) {
    const lines = [];
    const fail = (what) => `{ mc_say ${shQuote(what)}; return 1; }`;
    const steps = plan.steps;
    for (let i = 0; i < steps.length;) {
        const s = steps[i];
        if (s.op === 'mkdir') {
            let j = i;
            while (j < steps.length && steps[j].op === 'mkdir')
                j++;
            const run = steps.slice(i, j);
            lines.push(`mkdir -p -- ${run.map((d) => shQuote(d.path)).join(' ')} 2>/dev/null`);
            for (const d of run.filter((d) => !d.optional)) {
                lines.push(`[ -d ${shQuote(d.path)} ] || mkdir -p -- ${shQuote(d.path)} || ${fail(`cannot create the cgroup ${d.path}`)}`);
            }
            i = j;
            continue;
        }
        const file = shQuote(s.path);
        const cmd = `echo ${shQuote(s.value ?? '')} > ${file}`;
        if (s.optional)
            lines.push(`{ ${cmd}; } 2>/dev/null || :`);
        else if (s.ifExists)
            lines.push(`[ ! -e ${file} ] || ${cmd} || ${fail(`cannot write ${s.value} to ${s.path}`)}`);
        else
            lines.push(`${cmd} || ${fail(`cannot write ${s.value} to ${s.path}`)}`);
        i++;
    }
    lines.push(renderCgroupJoin(plan.join));
    return `${lines.join('\n')}\n`;
}
/** The body of `mc_cg_join PID...`: each PID into every cgroup.procs of JOIN. Pure. */
function renderCgroupJoin(join) {
    const lines = ['for mc_p; do'];
    for (const j of join) {
        const file = shQuote(j.path);
        if (j.optional)
            lines.push(`  { echo "$mc_p" > ${file}; } 2>/dev/null || :`);
        else {
            // One word: the pid expanded in double quotes, the directory quoted as it must be.
            const dir = shQuote(j.path.replace(/\/cgroup\.procs$/, ''));
            lines.push(`  echo "$mc_p" > ${file} || { mc_say "cannot move process $mc_p into the cgroup "${dir}; return 1; }`);
        }
    }
    lines.push('done');
    return lines.join('\n');
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
/**
 * A filter process (a decompressor): INPUT goes to its stdin, its stdout is given back as
 * a stream for the caller to pipe on; `done` says how it ended (stderr captured).
 */
function execFilter(file, args, input) {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined); // it may stop reading early: its status says why
    input.pipe(child.stdin);
    const done = new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), signal, stdout: '', stderr }));
    });
    return { stdout: child.stdout, done };
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
    return spawnLauncher(file, options).exit;
}
/**
 * Starts a launcher as runLauncherDetailed does, and gives its process at once (for the
 * library's captured runs and long-running containers), with a promise of its end.
 */
function spawnLauncher(file, options = {}) {
    const child = (0,external_node_child_process_namespaceObject.spawn)('/bin/sh', [file, ...(options.command ?? [])], {
        stdio: [...(options.stdio ?? ['inherit', 'inherit', 'inherit']), 'pipe'],
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
    const exit = new Promise((resolve, reject) => {
        const forward = (sig) => () => {
            if (sig === 'SIGINT' && process.stdin.isTTY)
                return;
            lifeline.write(`signal ${sig.slice(3)}\n`);
        };
        const handlers = options.forwardSignals === false ? [] : ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => [s, forward(s)]);
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
    return { child, exit, cutLifeline: () => lifeline.end() };
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
    let plan = planCgroupSetup(layout, cg, limits);
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
function state_writeAtomic(file, text, mode = 0o644) {
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
        state_writeAtomic(external_node_path_default().join(spec.stateDir, 'run.json'), `${JSON.stringify(runRecord(spec, c), null, 2)}\n`);
        if (spec.net)
            state_writeAtomic(external_node_path_default().join(spec.stateDir, 'hosts'), renderHosts((await list(libraryDir)).leases, { name: spec.name, hostname: spec.hostname }));
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
const LONG_VALUE = new Set([...Object.values(VALUE_OPTIONS), 'hostname', 'network', 'memory', 'pids', 'cpus', 'timeout', 'image']);
const LONG_FLAGS = new Set(['rm', 'ephemeral', 'dry-run', 'help', 'version', 'login', 'nat']);
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
    let image;
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
            case 'image':
                image = value;
                break;
        }
    };
    const flag = (long) => {
        given.add(long);
        if (long === 'rm' || long === 'ephemeral')
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
    return { config, dryRun, help, version, explicitCommand, given, ...(image !== undefined ? { image } : {}) };
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
  --image IMAGE  start from a stored image (its layers over its base root; see image --help);
                 --ephemeral is --rm
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
       micro-container image save NAME [-o FILE] | load FILE | ls | inspect IMAGE | rm IMAGE | export IMAGE --oci DEST
       micro-container containerize [containerize options] GROUP INSTANCE [command args...]
       micro-container trees clone GROUP TEMPLATE INSTANCE | ls [GROUP] | rm GROUP INSTANCE
       micro-container ps [--json] | exec [-u user] [-w dir] NAME cmd... | stop [--timeout S] NAME | rm NAME
       micro-container --version | --help

  run            what \`container\` does (see micro-container run --help)
  rootfs         root filesystems: from a URL, a tarball or a directory (see rootfs --help)
  image          a container's upper layer saved as an image, loaded, run, exported (see image --help)
  containerize   what \`containerize\` does: build roots under /trees
  trees          clone (by reflink), list and remove /trees instances (see trees --help)
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
/**
 * The line a terminal redraws while downloading: `[#########-----------]  27%  12.3 MiB /
 * 45.0 MiB  3.1 MiB/s` in at most WIDTH columns (the bar shrinks, then the speed and the
 * bar go), or without a bar
 * when the size is not known. RATE is bytes per second, left out when not known yet.
 */
function progressBar(received, total, rate, width = 80) {
    const speed = rate !== undefined && Number.isFinite(rate) && rate > 0 ? `  ${progress_formatBytes(rate)}/s` : '';
    if (total === undefined || !Number.isFinite(total) || total <= 0)
        return `${progress_formatBytes(received)}${speed}`;
    const fraction = Math.min(1, Math.max(0, received / total));
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const counts = `${percent}  ${progress_formatBytes(received)} / ${progress_formatBytes(total)}`;
    // The speed goes first when the line would not fit.
    const text = counts.length + speed.length <= width ? counts + speed : counts;
    const barWidth = Math.min(30, width - text.length - 4);
    if (barWidth < 5)
        return text;
    const filled = Math.floor(fraction * barWidth);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
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
const q = (s) => JSON.stringify(s);
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
            this.problems.push({ path: e.path, message: `${q(e.path)}: ${message}` });
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
            return problem(`goes through ${q(via)}, a symlink made by an earlier entry; writing through it could land outside the root`);
        }
        switch (e.type) {
            case 'hardlink': {
                const why = this.hardLinkProblem(e.linkTarget);
                if (why === 'skipped')
                    return this.skip(e, p, `hard link to ${q(e.linkTarget)}, which is skipped`);
                if (why)
                    return problem(`hard link to ${q(e.linkTarget)}: ${why}`);
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
                this.notes.push({ path: e.path, message: `${q(e.path)}: xattr ${x} not restored (it would steer the overlay mount)` });
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
        this.notes.push({ path: e.path, message: `${q(e.path)}: ${message}` });
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
            return `its target goes through ${q(via)}, a symlink made by an earlier entry, and could leave the root`;
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
/**
 * Pax headers and GNU long names are the only member data a reader keeps; anything larger
 * than this is not a name or a few xattrs but an attempt to make the reader use memory.
 */
const MAX_META_BYTES = 8 * 1024 * 1024;
/** The zero bytes after SIZE bytes of member data, up to the next block. */
const padding = (size) => (BLOCK - (size % BLOCK)) % BLOCK;
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
                onProgress: options.onProgress ?? ((p) => {
                    const now = Date.now();
                    if (now - last >= 1000 || (p.total !== undefined && p.received === p.total)) {
                        last = now;
                        log(`downloading ${source}: ${formatProgress(p.received, p.total)}`);
                    }
                }),
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

;// CONCATENATED MODULE: ./src/cli/terminal-progress.ts

/**
 * A download's progress on a terminal: one line, redrawn in place (at most ten times a
 * second, and once at the end), that other messages clear before they are printed. The
 * clock and the writer are parameters so that tests can drive it.
 */
class TerminalProgress {
    write;
    label;
    columns;
    now;
    shown = false;
    lastDraw = -Infinity;
    start;
    constructor(write, label, columns = () => 80, now = () => Date.now()) {
        this.write = write;
        this.label = label;
        this.columns = columns;
        this.now = now;
    }
    update(p) {
        const t = this.now();
        this.start ??= t;
        const done = p.total !== undefined && p.received >= p.total;
        if (!done && t - this.lastDraw < 100)
            return;
        this.lastDraw = t;
        const seconds = (t - this.start) / 1000;
        const rate = seconds >= 0.5 ? p.received / seconds : undefined;
        const width = Math.max(20, this.columns() - 1);
        const line = `${this.label} ${progressBar(p.received, p.total, rate, width - this.label.length - 1)}`;
        this.write(`\r\x1b[K${line.slice(0, width)}`);
        this.shown = true;
    }
    /** A message line: the bar is cleared first, and redrawn by the next update. */
    log(line) {
        this.clear();
        this.write(`${line}\n`);
    }
    /** Leaves the terminal's line as it was before the bar (call when the download ends). */
    clear() {
        if (!this.shown)
            return;
        this.write('\r\x1b[K');
        this.shown = false;
        this.lastDraw = -Infinity;
    }
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
            // On a terminal the download is a bar redrawn in place; in logs, a line a second.
            const bar = io.errIsTTY ? new TerminalProgress(io.err, 'downloading', io.columns) : undefined;
            const r = await addRoot(store, args.name, args.source, {
                sha256: args.sha256,
                log: (l) => (bar ? bar.log(l) : io.err(`${l}\n`)),
                onProgress: bar && ((p) => bar.update(p)),
            });
            bar?.clear();
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

;// CONCATENATED MODULE: ./src/cli/trees-args.ts

const TREES_USAGE = `usage: micro-container trees clone GROUP TEMPLATE INSTANCE [--trees DIR] [--json]
       micro-container trees ls [GROUP] [--trees DIR] [--json]
       micro-container trees rm GROUP INSTANCE [--trees DIR]

  clone  copies the build root GROUP/TEMPLATE to GROUP/INSTANCE: a btrfs snapshot when the
         template is a subvolume, else a copy sharing the data's extents where the
         filesystem can (btrfs, XFS with reflink=1), else a full copy; INSTANCE appears
         whole or not at all
  ls     lists the groups, or a group's instances
  rm     removes an instance (and its --overlay writes); refused while containerize runs in it

  DIR: --trees, else $MICRO_CONTAINER_TREES, else /trees.`;
function parseTreesArgs(argv) {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h' || action === 'help')
        return { action: 'help' };
    const words = [];
    let trees;
    let json = false;
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === '--trees') {
            trees = rest[++i];
            if (trees === undefined)
                throw new errors_ConfigError('option --trees needs a value');
        }
        else if (a.startsWith('--trees='))
            trees = a.slice('--trees='.length);
        else if (a === '--json' && action !== 'rm')
            json = true;
        else if (a === '-h' || a === '--help')
            return { action: 'help' };
        else if (a.startsWith('-'))
            throw new errors_ConfigError(`unknown option ${a} for trees ${action} (see micro-container trees --help)`);
        else
            words.push(a);
    }
    const want = (ok, shape) => {
        if (!ok)
            throw new errors_ConfigError(`trees ${action} takes ${shape} (see micro-container trees --help)`);
    };
    switch (action) {
        case 'clone':
            want(words.length === 3, 'GROUP TEMPLATE INSTANCE');
            return { action, trees, group: words[0], from: words[1], to: words[2], json };
        case 'ls':
            want(words.length <= 1, 'at most a GROUP');
            return { action, trees, group: words[0], json };
        case 'rm':
            want(words.length === 2, 'GROUP INSTANCE');
            return { action, trees, group: words[0], instance: words[1] };
        default:
            throw new errors_ConfigError(`unknown trees command '${action}' (clone, ls, rm)`);
    }
}

;// CONCATENATED MODULE: external "node:perf_hooks"
const external_node_perf_hooks_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");
;// CONCATENATED MODULE: ./src/core/trees/layout.ts





/**
 * Where things live under a trees directory (default /trees):
 *
 *   TREES/GROUP/INSTANCE            a build root
 *   TREES/GROUP/.container/         the group's scripts (containerize hooks)
 *   TREES/GROUP/.overlay/INSTANCE/  upper and work dirs of `containerize --overlay`
 *   TREES/GROUP/.INSTANCE.lock      held while INSTANCE is cloned or removed
 *   TREES/GROUP/.INSTANCE.clone-XXXXXX, .INSTANCE.rm-XXXXXX   work in progress
 *
 * Everything of ours that is not an instance starts with '.', which no instance name may
 * (checkTreeName), so listing needs no list of reserved names.
 */
/** The trees directory, absolute: TREES as given (already --trees/env-resolved by the caller), else /trees. */
function resolveTrees(trees) {
    return external_node_path_default().resolve(trees || DEFAULT_TREES);
}
function groupPath(trees, group) {
    return external_node_path_default().join(trees, group);
}
function instancePath(trees, group, instance) {
    return external_node_path_default().join(trees, group, instance);
}
/** GROUP/.container: the group's containerize scripts. */
function hooksPath(trees, group) {
    return path.join(trees, group, '.container');
}
/** GROUP/.overlay/INSTANCE: where `containerize --overlay` keeps INSTANCE's writes (as containerize-spec.ts). */
function overlayPath(trees, group, instance) {
    return external_node_path_default().join(trees, group, '.overlay', instance);
}
/** The lock taken by clone and rm of INSTANCE: beside it, so it needs no other directory. */
function lockPath(trees, group, instance) {
    return external_node_path_default().join(trees, group, `.${instance}.lock`);
}
/** The prefix mkdtemp completes for a clone into, or a removal of, INSTANCE. */
function workPrefix(trees, group, instance, kind) {
    return external_node_path_default().join(trees, group, `.${instance}.${kind}-`);
}
/**
 * Is NAME (an entry of the group directory) a clone or removal in progress for INSTANCE?
 * Exactly mkdtemp's six characters, so that `.a.clone-XXXXXX` of instance `a` is never
 * confused with the work of an instance called `a.clone-abcdef`.
 */
function isWorkOf(name, instance) {
    const p = `.${instance}.`;
    if (!name.startsWith(p))
        return false;
    return /^(clone|rm)-[A-Za-z0-9]{6}$/.test(name.slice(p.length));
}
/**
 * containerize's state directory for INSTANCE (its `keeper` file says whether a session
 * is live). The same formula as buildContainerizeSpec's stateDir; a unit test holds the
 * two together. (It is not computed through buildContainerizeSpec because that also reads
 * and validates the group's scripts, and a bad unshare-options must not stop `trees rm`.)
 */
function containerizeStatePath(trees, group, instance) {
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256').update(trees).digest('hex').slice(0, 8);
    return external_node_path_default().join(STATE_ROOT, `${group}.${instance}.${hash}`);
}
/** Checks the names of a clone: three valid names, FROM and TO different. */
function checkCloneNames(group, from, to) {
    checkTreeName('group', group);
    checkTreeName('instance', from);
    checkTreeName('instance', to);
    if (from === to)
        throw new errors_ConfigError(`cannot clone ${group}/${from} onto itself: name a new instance to clone it into`);
}
/**
 * The group or instance names among a directory's entries: directories whose names are
 * valid tree names (so `.container`, `.overlay`, locks and work in progress are left
 * out), sorted. Pure.
 */
function treeNames(entries) {
    return entries
        .filter((e) => e.dir && layout_validName(e.name))
        .map((e) => e.name)
        .sort();
}
function layout_validName(name) {
    try {
        checkTreeName('instance', name);
        return true;
    }
    catch {
        return false;
    }
}
function dirEntries(dir) {
    return (0,external_node_fs_namespaceObject.readdirSync)(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && layout_isDir(external_node_path_default().join(dir, e.name))) }));
}
function layout_isDir(p) {
    try {
        return (0,external_node_fs_namespaceObject.statSync)(p).isDirectory();
    }
    catch {
        return false;
    }
}
/** The groups under TREES; none when TREES does not exist. */
function listGroups(trees) {
    if (!layout_isDir(trees))
        return [];
    return treeNames(dirEntries(trees));
}
/** The instances of GROUP; a ConfigError naming the groups there are when GROUP is not one. */
function listInstances(trees, group) {
    checkTreeName('group', group);
    const dir = groupPath(trees, group);
    if (!layout_isDir(dir))
        throw new errors_ConfigError(`there is no group '${group}' in ${trees}: ${available('groups', listGroups(trees))}`);
    return treeNames(dirEntries(dir));
}
/** "groups there: a, b" or "there are none", for error messages. */
function available(what, names) {
    return names.length ? `${what} there: ${names.join(', ')}` : `there are no ${what}`;
}
/** A mount point as mountinfo writes it, with its octal escapes (\040 for a space...) undone. */
function unescapeMountPath(field) {
    return field.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
}
/**
 * The mount points in MOUNTINFO (/proc/self/mountinfo's text) strictly beneath DIR, and
 * DIR itself when `self` is set. DIR must be a real path (no symlinks), as mountinfo's are.
 * Pure.
 */
function mountsUnder(mountinfo, dir, self) {
    const base = dir === '/' ? '' : dir.replace(/\/+$/, '');
    const found = [];
    for (const line of mountinfo.split('\n')) {
        const field = line.split(' ')[4];
        if (!field)
            continue;
        const mp = unescapeMountPath(field);
        if (mp.startsWith(`${base}/`) || (self && mp === (base || '/')))
            found.push(mp);
    }
    return [...new Set(found)].sort();
}
/** A live containerize keeper as its `keeper` file records it ("PID STARTTIME"), or undefined. Pure. */
function parseKeeper(text) {
    const m = /^(\d+) (\d+)\s*$/.exec(text);
    return m ? { pid: Number(m[1]), start: m[2] } : undefined;
}
/** A process's start time (field 22 of /proc/PID/stat, after the parenthesised name, which may hold spaces). Pure. */
function statStartTime(stat) {
    const close = stat.lastIndexOf(') ');
    if (close < 0)
        return undefined;
    return stat.slice(close + 2).split(' ')[19];
}

;// CONCATENATED MODULE: ./src/core/trees/clone.ts








/** A build root could not be cloned or removed: it is in use, something is mounted in it, cp failed. */
class TreesError extends MicroContainerError {
    name = 'TreesError';
}
/**
 * Clones GROUP/FROM into GROUP/TO (`trees clone GROUP FROM TO`): every file with its
 * owner, mode, times, xattrs (capabilities, ACLs) and hard links, devices, fifos and
 * symlinks as they are, sharing data extents where the filesystem can (cp --reflink=auto).
 * A template that is a btrfs subvolume is snapshotted instead, which visits no file: a
 * Debian root clones in ~0.2 s instead of ~2.7 s (bench/trees-clone.mjs; most of the
 * 0.2 s is du measuring the template).
 *
 * The copy is made in GROUP/.TO.clone-XXXXXX and renamed into place, so TO appears whole
 * or not at all: on a failure, an abort or SIGINT/SIGTERM/SIGHUP the temp is removed (the
 * signal is then re-raised when nobody else listens for it). A clone killed outright
 * leaves its temp behind; the next clone or removal of TO removes it, under TO's lock.
 */
async function cloneInstance(options) {
    const r = await cloneLocked(options, false);
    return r;
}
/**
 * The Action's `trees-template`: GROUP/TO is cloned from GROUP/FROM unless it is already
 * there (undefined then). Two jobs asking at once clone it once; the second waits.
 */
async function ensureInstance(options) {
    return cloneLocked(options, true);
}
async function cloneLocked(o, ifMissing) {
    checkCloneNames(o.group, o.from, o.to);
    const trees = resolveTrees(o.trees);
    const groupDir = groupPath(trees, o.group);
    if (!clone_isDir(groupDir))
        throw new errors_ConfigError(`there is no group '${o.group}' in ${trees}: ${available('groups', listGroups(trees))}`);
    const dest = instancePath(trees, o.group, o.to);
    if (ifMissing && exists(dest))
        return undefined; // even should the template be gone since
    clone_refuseExisting(dest, o);
    const src = sourceDir(trees, o.group, o.from);
    const mounted = mountsUnder((0,external_node_fs_namespaceObject.readFileSync)('/proc/self/mountinfo', 'utf8'), src, false);
    if (mounted.length) {
        throw new TreesError(`cannot clone ${o.group}/${o.from}: ${describeMounts(mounted)} mounted inside it, and cp would copy the mounted filesystems; unmount them (or end the containerize session that holds them) first`);
    }
    o.signal?.throwIfAborted();
    let stop;
    try {
        return await withFileLock(lockPath(trees, o.group, o.to), async () => {
            if (exists(dest)) {
                if (ifMissing)
                    return undefined;
                clone_refuseExisting(dest, o);
            }
            await sweepWork(groupDir, o.to);
            stop = new Interruption(o.signal);
            return await copyInto(src, dest, workPrefix(trees, o.group, o.to, 'clone'), stop, o);
        }, { timeoutMs: o.lockTimeoutMs, onWait: o.onWait });
    }
    finally {
        // After the lock is released: a re-raised signal may end the process at once.
        stop?.release();
        stop?.reraise();
    }
}
/**
 * cp (or btrfs) and du die with us (prctl PR_SET_PDEATHSIG, through util-linux's setpriv): were we
 * killed outright, an orphaned cp would go on writing into the temp that the next clone
 * of the instance removes.
 */
const DIE_WITH_US = ['--pdeathsig', 'KILL', '--'];
async function copyInto(src, dest, prefix, stop, o) {
    const started = external_node_perf_hooks_namespaceObject.performance.now();
    let tmp = (0,external_node_fs_namespaceObject.mkdtempSync)(prefix);
    try {
        let method;
        let argv;
        if (await snapshottable(src)) {
            method = 'snapshot';
            (0,external_node_fs_namespaceObject.rmdirSync)(tmp); // btrfs makes the snapshot under this name
            argv = ['btrfs', 'subvolume', 'snapshot', '--', src, tmp];
        }
        else {
            method = probeReflink(tmp) ? 'reflink' : 'copy';
            // -a is --preserve=all, which ignores xattrs that cannot be copied; naming xattr
            // makes such a loss an error, where a build root would silently lose its file
            // capabilities. -T: the template's contents (and its own owner and mode) go into tmp.
            argv = ['cp', '-a', '--preserve=xattr', '--reflink=auto', '--no-target-directory', '--', src, tmp];
        }
        const cp = exec_execCapture('setpriv', [...DIE_WITH_US, ...argv], { signal: stop.controller.signal, killSignal: 'SIGKILL' });
        // du only reads metadata; it runs beside cp, which is mostly waiting for the disk.
        const du = exec_execCapture('setpriv', [...DIE_WITH_US, 'du', '-s', '-b', '--', src], { signal: stop.controller.signal, killSignal: 'SIGKILL' });
        const [c, d] = await Promise.all([cp, du]).catch((e) => {
            throw e.code === 'ENOENT' ? new TreesError('setpriv (util-linux) is not installed: it is needed to clone a build root') : e;
        });
        stop.check(`clone of ${o.group}/${o.from} into ${o.to}`);
        if (c.code !== 0) {
            const what = method === 'snapshot' ? 'btrfs subvolume snapshot' : 'cp -a';
            throw new TreesError(`cloning ${o.group}/${o.from} into ${o.to} failed: ${what} exited with ${c.code}: ${lastLines(c.stderr)}; nothing was made at ${dest}`);
        }
        try {
            (0,external_node_fs_namespaceObject.renameSync)(tmp, dest);
        }
        catch (e) {
            const code = e.code;
            if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
                throw new errors_ConfigError(`${dest} appeared while ${o.group}/${o.from} was being cloned (made by something other than micro-container): remove it or pick another name`);
            }
            throw e;
        }
        tmp = undefined;
        return { path: dest, method, reflinked: method !== 'copy', seconds: (external_node_perf_hooks_namespaceObject.performance.now() - started) / 1000, bytes: Number(/^\d+/.exec(d.stdout)?.[0] ?? NaN) };
    }
    finally {
        if (tmp !== undefined)
            await removeTree(tmp);
    }
}
const BTRFS_SUPER_MAGIC = 0x9123683e;
/** The inode number of every btrfs subvolume's top directory. */
const BTRFS_FIRST_FREE_OBJECTID = 256n;
/** Is DIR the top of a btrfs subvolume (as btrfs-progs tells)? */
function isSubvolume(dir) {
    try {
        return (0,external_node_fs_namespaceObject.statfsSync)(dir).type === BTRFS_SUPER_MAGIC && (0,external_node_fs_namespaceObject.lstatSync)(dir, { bigint: true }).ino === BTRFS_FIRST_FREE_OBJECTID;
    }
    catch {
        return false;
    }
}
/**
 * Can DIR be cloned as a btrfs snapshot? It must be a subvolume, btrfs-progs must be
 * there, and no subvolume may be nested in it: a snapshot holds those as empty
 * directories, where cp copies their contents.
 */
async function snapshottable(dir) {
    if (!isSubvolume(dir))
        return false;
    const r = await exec_execCapture('btrfs', ['subvolume', 'list', '-o', dir]).catch(() => undefined);
    return r?.code === 0 && r.stdout.trim() === '';
}
/**
 * Does the filesystem of DIR clone extents? Asked of the kernel directly (FICLONE via
 * copyFileSync's FICLONE_FORCE on a small file), not guessed from the filesystem's name:
 * XFS clones only when made with reflink=1, and others (bcachefs, NFS 4.2...) can too.
 */
function probeReflink(dir) {
    const a = external_node_path_default().join(dir, '.reflink-probe');
    const b = `${a}.copy`;
    (0,external_node_fs_namespaceObject.writeFileSync)(a, Buffer.alloc(65536, 0x5a));
    try {
        (0,external_node_fs_namespaceObject.copyFileSync)(a, b, external_node_fs_namespaceObject.constants.COPYFILE_FICLONE_FORCE);
        return true;
    }
    catch {
        return false;
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(a, { force: true });
        (0,external_node_fs_namespaceObject.rmSync)(b, { force: true });
    }
}
function clone_refuseExisting(dest, o) {
    if (exists(dest)) {
        throw new errors_ConfigError(`${o.group}/${o.to} already exists (${dest}): remove it first (trees rm ${o.group} ${o.to}) or clone into another name`);
    }
}
/** FROM's real directory, or a ConfigError naming the instances there are. */
function sourceDir(trees, group, from) {
    const p = instancePath(trees, group, from);
    let real;
    try {
        real = (0,external_node_fs_namespaceObject.realpathSync)(p);
    }
    catch {
        throw new errors_ConfigError(`there is no instance '${from}' in group '${group}' (${p}) to clone: ${available('instances', listInstances(trees, group))}`);
    }
    if (!clone_isDir(real))
        throw new errors_ConfigError(`${p} is not a directory, so it is not an instance to clone: ${available('instances', listInstances(trees, group))}`);
    return real;
}
/**
 * Removes GROUP/INSTANCE (`trees rm GROUP INSTANCE`) and its `--overlay` writes. Refused
 * while a containerize session of it is live, or while anything is mounted in it (rm
 * would go into the mounted filesystem). The instance is first renamed aside, so it
 * disappears at once and whole; the removal of what was renamed follows.
 */
async function removeInstance(o) {
    checkTreeName('group', o.group);
    checkTreeName('instance', o.instance);
    const trees = resolveTrees(o.trees);
    const dir = instancePath(trees, o.group, o.instance);
    if (!exists(dir)) {
        throw new errors_ConfigError(`there is no instance '${o.instance}' in group '${o.group}' (${dir}) to remove: ${available('instances', listInstances(trees, o.group))}`);
    }
    await withFileLock(lockPath(trees, o.group, o.instance), async () => {
        if (!exists(dir))
            return; // removed while we waited: what we were asked is done
        const keeper = liveKeeper(trees, o.group, o.instance);
        if (keeper !== undefined) {
            throw new TreesError(`${o.group}/${o.instance} is in use: a containerize session of it is live (keeper pid ${keeper}); end its sessions, then remove it`);
        }
        const overlay = overlayPath(trees, o.group, o.instance);
        const link = (0,external_node_fs_namespaceObject.lstatSync)(dir).isSymbolicLink();
        const checked = [...(link ? [] : [(0,external_node_fs_namespaceObject.realpathSync)(dir)]), ...(exists(overlay) ? [(0,external_node_fs_namespaceObject.realpathSync)(overlay)] : [])];
        const info = (0,external_node_fs_namespaceObject.readFileSync)('/proc/self/mountinfo', 'utf8');
        const mounted = checked.flatMap((d) => mountsUnder(info, d, true));
        if (mounted.length) {
            throw new TreesError(`cannot remove ${o.group}/${o.instance}: ${describeMounts(mounted)} mounted in it; unmount them first`);
        }
        const groupDir = groupPath(trees, o.group);
        await sweepWork(groupDir, o.instance);
        if (link) {
            (0,external_node_fs_namespaceObject.unlinkSync)(dir); // the link, not what it points to
        }
        else {
            // rename(2) onto the empty directory mkdtemp made replaces it.
            const subvolume = isSubvolume(dir);
            const aside = (0,external_node_fs_namespaceObject.mkdtempSync)(workPrefix(trees, o.group, o.instance, 'rm'));
            (0,external_node_fs_namespaceObject.renameSync)(dir, aside);
            // A subvolume goes at once (btrfs frees its extents in the background); should
            // that fail (a subvolume nested in it), file by file.
            const deleted = subvolume && (await exec_execCapture('btrfs', ['subvolume', 'delete', '--', aside]).catch(() => undefined))?.code === 0;
            if (!deleted)
                await removeTree(aside);
        }
        if (exists(overlay))
            await removeTree(overlay);
    }, { timeoutMs: o.lockTimeoutMs, onWait: o.onWait });
}
/** The pid of INSTANCE's live containerize keeper, or undefined (none, or one that died: its pid is another process now). */
function liveKeeper(trees, group, instance) {
    let k;
    try {
        k = parseKeeper((0,external_node_fs_namespaceObject.readFileSync)(external_node_path_default().join(containerizeStatePath(resolveTrees(trees), group, instance), 'keeper'), 'utf8'));
    }
    catch {
        return undefined;
    }
    if (!k)
        return undefined;
    try {
        return statStartTime((0,external_node_fs_namespaceObject.readFileSync)(`/proc/${k.pid}/stat`, 'utf8')) === k.start ? k.pid : undefined;
    }
    catch {
        return undefined;
    }
}
/** Clones and removals of INSTANCE that died (we hold its lock, so none is running). */
async function sweepWork(groupDir, instance) {
    for (const name of (0,external_node_fs_namespaceObject.readdirSync)(groupDir)) {
        if (isWorkOf(name, instance))
            await removeTree(external_node_path_default().join(groupDir, name));
    }
}
/**
 * rm -rf that stays on DIR's filesystem: should something have been mounted inside after
 * our mountinfo check, rm fails rather than empty the mounted filesystem.
 */
async function removeTree(dir) {
    const r = await exec_execCapture('rm', ['-rf', '--one-file-system', '--', dir]);
    if (r.code !== 0)
        throw new TreesError(`could not remove ${dir}: ${lastLines(r.stderr)}; remove it by hand`);
}
/**
 * SIGINT/SIGTERM/SIGHUP during a clone: the copy is stopped (through CONTROLLER, which
 * also follows the caller's AbortSignal) and cleaned up before the process goes.
 * Listening for a signal takes node's default action away, so when ours was the only
 * listener the signal is raised again once the temp is gone.
 */
class Interruption {
    outer;
    controller = new AbortController();
    caught;
    handlers = new Map();
    onAbort = () => this.controller.abort();
    constructor(outer) {
        this.outer = outer;
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
            const h = () => {
                this.caught ??= sig;
                this.controller.abort();
            };
            this.handlers.set(sig, h);
            process.on(sig, h);
        }
        outer?.addEventListener('abort', this.onAbort);
        if (outer?.aborted)
            this.controller.abort();
    }
    /** Throws when the work was stopped, whatever the stopped command returned. */
    check(what) {
        if (!this.controller.signal.aborted)
            return;
        throw new TreesError(`${what} ${this.caught ? `was interrupted by ${this.caught}` : 'was cancelled'}; nothing was left behind`);
    }
    release() {
        for (const [sig, h] of this.handlers)
            process.off(sig, h);
        this.handlers.clear();
        this.outer?.removeEventListener('abort', this.onAbort);
    }
    /** After release(): the caught signal again, for its default action, when nobody else listens. */
    reraise() {
        const sig = this.caught;
        if (!sig)
            return;
        if (process.listenerCount(sig) === 0)
            process.kill(process.pid, sig);
    }
}
function describeMounts(mounts) {
    const shown = mounts.slice(0, 5).join(', ') + (mounts.length > 5 ? ` and ${mounts.length - 5} more` : '');
    return `${shown} ${mounts.length === 1 ? 'is' : 'are'}`;
}
function lastLines(text) {
    return text.trim().split('\n').slice(-5).join(' / ') || 'no message';
}
function exists(p) {
    try {
        (0,external_node_fs_namespaceObject.lstatSync)(p);
        return true;
    }
    catch {
        return false;
    }
}
function clone_isDir(p) {
    try {
        return (0,external_node_fs_namespaceObject.statSync)(p).isDirectory();
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/cli/trees.ts





/** Runs a parsed `trees` command (as root). Returns the exit status. */
async function treesCommand(args, io) {
    if (args.action === 'help') {
        io.out(TREES_USAGE + '\n');
        return 0;
    }
    const trees = treesDir(args.trees, process.env.MICRO_CONTAINER_TREES, process.cwd());
    switch (args.action) {
        case 'clone': {
            const r = await cloneInstance({
                trees,
                group: args.group,
                from: args.from,
                to: args.to,
                onWait: () => io.err(`another clone or removal of ${args.group}/${args.to} is running; waiting for it\n`),
            });
            if (args.json) {
                io.out(JSON.stringify(r, null, 2) + '\n');
            }
            else {
                const how = { snapshot: 'btrfs snapshot', reflink: 'reflinked: the data is shared', copy: 'full copy: this filesystem cannot share extents' }[r.method];
                const size = Number.isFinite(r.bytes) ? `${progress_formatBytes(r.bytes)}, ` : '';
                io.out(`${r.path} (${size}${how}, ${r.seconds.toFixed(2)} s)\n`);
            }
            return 0;
        }
        case 'ls': {
            const names = args.group === undefined ? listGroups(trees) : listInstances(trees, args.group);
            if (args.json)
                io.out(JSON.stringify(names) + '\n');
            else
                for (const n of names)
                    io.out(`${n}\n`);
            return 0;
        }
        case 'rm':
            await removeInstance({ trees, group: args.group, instance: args.instance, onWait: () => io.err(`${args.group}/${args.instance} is busy (a clone or removal); waiting\n`) });
            io.err(`removed ${args.group}/${args.instance}\n`);
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
/**
 * Parses `micro-container COMMAND ARGS`. For exec, options come before NAME (what follows
 * is the command's); for the others they may come anywhere. Pure; throws ConfigError.
 */
function parseLifecycleArgs(command, argv) {
    const out = { command, help: false, json: false, argv: [] };
    const see = `(see micro-container ${command} --help)`;
    const words = [];
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
        if (!a.startsWith('-') || a === '-') {
            if (command === 'exec')
                break;
            words.push(a);
            i++;
            continue;
        }
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
    const rest = [...words, ...argv.slice(i)];
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

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/core/image/oci-digest.ts








/**
 * Digests of layer files, computed by streaming: a layer can be hundreds of megabytes, so
 * nothing here reads a whole file into memory.
 */
/** The compression of a file, from its first bytes. */
async function sniffCompression(file) {
    const fh = await (0,external_node_fs_promises_namespaceObject.open)(file, 'r');
    try {
        const buf = Buffer.alloc(MAGIC_BYTES);
        const { bytesRead } = await fh.read(buf, 0, MAGIC_BYTES, 0);
        return detectCompression(buf.subarray(0, bytesRead));
    }
    finally {
        await fh.close();
    }
}
/** sha256 of the file's bytes as they are (a blob's digest) and its size. */
async function fileDigest(file) {
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    let size = 0;
    await (0,external_node_stream_promises_namespaceObject.pipeline)((0,external_node_fs_namespaceObject.createReadStream)(file, { highWaterMark: 1024 * 1024 }), async function* (src) {
        for await (const chunk of src) {
            hash.update(chunk);
            size += chunk.length;
        }
    });
    return { digest: `sha256:${hash.digest('hex')}`, size };
}
/**
 * sha256 of the decompressed tar (the layer's diff ID, which the image config lists).
 * gzip is inflated in-process; zstd (which Node 20's zlib lacks) by the zstd tool, hashed
 * by sha256sum in the same pipeline, under pipefail so that a corrupt file is an error and
 * not the digest of half a tar.
 */
async function uncompressedDigest(file, compression) {
    switch (compression) {
        case 'none':
            return (await fileDigest(file)).digest;
        case 'gzip': {
            const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
            try {
                await (0,external_node_stream_promises_namespaceObject.pipeline)((0,external_node_fs_namespaceObject.createReadStream)(file, { highWaterMark: 1024 * 1024 }), (0,external_node_zlib_namespaceObject.createGunzip)({ chunkSize: 1024 * 1024 }), async function* (src) {
                    for await (const chunk of src)
                        hash.update(chunk);
                });
            }
            catch (err) {
                throw new errors_ConfigError(`${file} is not a readable gzip file (${err.message}); give a valid gzip-compressed layer tar`);
            }
            return `sha256:${hash.digest('hex')}`;
        }
        case 'zstd': {
            const r = await exec_execCapture('bash', ['-c', 'set -o pipefail; zstd -dcq --long=31 -- "$1" | sha256sum', 'bash', file]);
            const hex = /^([0-9a-f]{64}) /.exec(r.stdout)?.[1];
            if (r.code !== 0 || !hex) {
                throw new errors_ConfigError(`${file} could not be decompressed with zstd (${r.stderr.trim() || `exit ${r.code}`}); give a valid zstd-compressed layer tar (and make sure zstd is installed)`);
            }
            return `sha256:${hex}`;
        }
        default:
            throw new errors_ConfigError(`${file} is ${compression}-compressed, which no OCI layer media type allows; recompress it with gzip or zstd (layerFromArchive does)`);
    }
}

;// CONCATENATED MODULE: ./src/core/image/oci-layer-source.ts







/**
 * The base of an image as an OCI layer. A root filesystem tarball compressed with gzip or
 * zstd (or not at all) already is one; an xz or bzip2 one is not (OCI has no media type
 * for them) and is recompressed here; a root that exists only as a directory is packed.
 */
/** The command line that compresses stdin to stdout. -n: no name or time in the gzip header, so the same tar gives the same blob. */
function compressorShell(compression) {
    switch (compression) {
        case 'gzip':
            return 'gzip -n -6';
        case 'zstd':
            return 'zstd -q -T0 -3';
        case 'none':
            return 'cat';
    }
}
function tempBeside(file) {
    return external_node_path_default().join(external_node_path_default().dirname(file), `.${external_node_path_default().basename(file)}.tmp-${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}`);
}
/** Runs a bash pipeline that writes `out` through a temp name; the rename makes it appear whole or not at all. */
async function writeThrough(out, script, args, what) {
    const tmp = tempBeside(out);
    try {
        const r = await exec_execCapture('bash', ['-c', `set -o pipefail; ${script}`, 'bash', tmp, ...args]);
        if (r.code !== 0)
            throw new errors_ConfigError(`${what} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
        await (0,external_node_fs_promises_namespaceObject.rename)(tmp, out);
    }
    catch (err) {
        await (0,external_node_fs_promises_namespaceObject.rm)(tmp, { force: true });
        throw err;
    }
}
/**
 * Packs a root filesystem directory as a layer tar: numeric owners (the image's users are
 * not the host's), file capabilities kept (ping needs cap_net_raw), names sorted so the
 * same tree gives the same tar, never crossing into another file system mounted inside.
 * zstd by default: podman 4.3 and skopeo 1.9 (Debian 12, the oldest we meet) read it, and
 * it packs the Debian root ~5x faster than gzip; give 'gzip' for Docker < 23.
 */
async function rootLayerFromDirectory(dir, outFile, options = {}) {
    const st = await (0,external_node_fs_promises_namespaceObject.stat)(dir).catch(() => undefined);
    if (!st?.isDirectory())
        throw new errors_ConfigError(`root directory ${dir} does not exist or is not a directory; give the path of a root filesystem`);
    const compression = options.compression ?? 'zstd';
    await writeThrough(outFile, `tar --create --file - --directory "$2" --numeric-owner --xattrs --xattrs-include=security.capability --sort=name --one-file-system --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime . | ${compressorShell(compression)} > "$1"`, [dir], `packing ${dir} as a layer`);
    return { file: outFile, compression };
}
/**
 * Rewrites any tar archive (gzip, xz, zstd, bzip2 or plain) as a layer with `compression`:
 * the way to turn an xz root tarball into something an OCI image can hold.
 */
async function layerFromArchive(archive, outFile, options = {}) {
    const st = await (0,external_node_fs_promises_namespaceObject.stat)(archive).catch(() => undefined);
    if (!st?.isFile())
        throw new errors_ConfigError(`archive ${archive} does not exist or is not a file; give the path of a root filesystem tarball`);
    const compression = options.compression ?? 'zstd';
    const from = decompressorCommand(await sniffCompression(archive));
    // The arguments are fixed words from decompressorCommand: safe to join into the script.
    const decompress = from ? [from.file, ...from.args].join(' ') : 'cat';
    await writeThrough(outFile, `${decompress} < "$2" | ${compressorShell(compression)} > "$1"`, [archive], `recompressing ${archive} as a ${compression} layer`);
    return { file: outFile, compression };
}

;// CONCATENATED MODULE: ./src/core/image/oci-spec.ts


/**
 * The OCI image layout, as pure functions: config, manifest, index and `oci-layout`
 * documents built from plain values, their bytes and their digests. Nothing here touches
 * the disk, so every rule (media types, names, digests) is checked by table tests.
 * Spec: github.com/opencontainers/image-spec (image-layout.md, manifest.md, config.md).
 */
const MEDIA_TYPE = {
    config: 'application/vnd.oci.image.config.v1+json',
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    layerTar: 'application/vnd.oci.image.layer.v1.tar',
    layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
};
/** The annotation that names a manifest in index.json: `oci:DIR:NAME` finds it by this. */
const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
/** The whole content of the `oci-layout` file. */
const OCI_LAYOUT = { imageLayoutVersion: '1.0.0' };
function layerMediaType(compression) {
    switch (compression) {
        case 'none':
            return MEDIA_TYPE.layerTar;
        case 'gzip':
            return MEDIA_TYPE.layerGzip;
        case 'zstd':
            return MEDIA_TYPE.layerZstd;
    }
}
/** The compression a layer media type says, or a ConfigError for anything not a layer type we write. */
function layerCompressionOf(mediaType) {
    switch (mediaType) {
        case MEDIA_TYPE.layerTar:
            return 'none';
        case MEDIA_TYPE.layerGzip:
            return 'gzip';
        case MEDIA_TYPE.layerZstd:
            return 'zstd';
    }
    throw new errors_ConfigError(`"${mediaType}" is not an OCI layer media type this export writes; use ${MEDIA_TYPE.layerTar}, ${MEDIA_TYPE.layerGzip} or ${MEDIA_TYPE.layerZstd} (or give the layer's compression instead)`);
}
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Throws a ConfigError unless `digest` is `sha256:` and 64 lower-case hex digits. */
function checkDigest(digest, what) {
    if (!DIGEST.test(digest)) {
        throw new errors_ConfigError(`${what} "${digest}" is not a sha256 digest; write it as "sha256:" followed by 64 lower-case hex digits, or leave it out to have it computed`);
    }
    return digest;
}
// image-spec annotations.md, org.opencontainers.image.ref.name:
//   ref := component ("/" component)*; component := alphanum (separator alphanum)*;
//   alphanum := [A-Za-z0-9]+; separator := [-._:@+] | "--"
// (containers/image checks `oci:DIR:NAME` names with the same grammar).
const REF_NAME = /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;
/** Throws a ConfigError unless `tag` is a valid OCI ref.name (e.g. `latest`, `app:1.0`, `org/app:v2`). */
function checkRefName(tag) {
    if (!REF_NAME.test(tag)) {
        throw new errors_ConfigError(`image tag "${tag}" is not a valid OCI reference name; use letters and digits separated by one of - . _ : @ + (or "--"), with "/" between components, e.g. "latest" or "myapp:1.0"`);
    }
    return tag;
}
/** Node's process.arch (and, for ppc64, the byte order) -> OCI/Go architecture and variant. */
function ociPlatform(nodeArch, endianness = 'LE', armVersion) {
    switch (nodeArch) {
        case 'x64':
            return { architecture: 'amd64' };
        case 'arm64':
            return { architecture: 'arm64', variant: 'v8' };
        case 'arm':
            return armVersion ? { architecture: 'arm', variant: `v${armVersion}` } : { architecture: 'arm' };
        case 'ia32':
            return { architecture: '386' };
        case 'ppc64':
            return { architecture: endianness === 'LE' ? 'ppc64le' : 'ppc64' };
        case 's390x':
        case 'riscv64':
        case 'loong64':
        case 'mips64':
            return { architecture: nodeArch };
        case 'mips':
            return { architecture: endianness === 'LE' ? 'mipsle' : 'mips' };
        case 'mipsel':
            return { architecture: 'mipsle' };
    }
    throw new errors_ConfigError(`no OCI architecture is known for Node's process.arch "${nodeArch}"; give the image's architecture explicitly`);
}
function envList(env) {
    if (env === undefined)
        return undefined;
    const list = Array.isArray(env)
        ? [...env]
        : Object.keys(env)
            .sort()
            .map((k) => `${k}=${env[k]}`);
    for (const e of list) {
        const eq = e.indexOf('=');
        if (eq <= 0)
            throw new errors_ConfigError(`environment entry "${e}" has no NAME=; write each one as NAME=value`);
    }
    return list;
}
/** The OCI image config document (application/vnd.oci.image.config.v1+json). Pure. */
function buildImageConfig(input) {
    input.diffIds.forEach((d, i) => checkDigest(d, `layer ${i + 1}'s diff ID`));
    if (input.history && input.history.length !== input.diffIds.length) {
        throw new errors_ConfigError(`history has ${input.history.length} entries for ${input.diffIds.length} layers; give one per layer or none`);
    }
    const { run } = input;
    if (run.workdir !== undefined && !run.workdir.startsWith('/')) {
        throw new errors_ConfigError(`working directory "${run.workdir}" is not absolute; write it as a path from the image's root, e.g. /build`);
    }
    const config = {};
    const env = envList(run.env);
    if (env)
        config.Env = env;
    if (run.entrypoint)
        config.Entrypoint = [...run.entrypoint];
    if (run.cmd)
        config.Cmd = [...run.cmd];
    if (run.workdir !== undefined)
        config.WorkingDir = run.workdir;
    if (run.user !== undefined && run.user !== '')
        config.User = run.user;
    if (run.labels)
        config.Labels = { ...run.labels };
    const doc = {};
    if (input.created !== undefined)
        doc.created = input.created;
    doc.architecture = input.platform.architecture;
    if (input.platform.variant)
        doc.variant = input.platform.variant;
    doc.os = 'linux';
    doc.config = config;
    doc.rootfs = { type: 'layers', diff_ids: [...input.diffIds] };
    if (input.history) {
        doc.history = input.history.map((h) => (input.created !== undefined ? { created: input.created, created_by: h } : { created_by: h }));
    }
    return doc;
}
function checkDescriptor(d, what) {
    checkDigest(d.digest, `${what} digest`);
    if (!Number.isSafeInteger(d.size) || d.size < 0)
        throw new errors_ConfigError(`${what} size ${d.size} is not a byte count; give a whole number of bytes`);
    return d;
}
/** The image manifest (application/vnd.oci.image.manifest.v1+json). Pure. */
function buildManifest(config, layers) {
    checkDescriptor(config, 'config');
    layers.forEach((l, i) => {
        checkDescriptor(l, `layer ${i + 1}`);
        layerCompressionOf(l.mediaType);
    });
    return {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.manifest,
        config: { mediaType: MEDIA_TYPE.config, digest: config.digest, size: config.size },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    };
}
/** index.json: the one manifest, named by `tag` when given. Pure. */
function buildIndex(manifest, tag) {
    checkDescriptor(manifest, 'manifest');
    const entry = { mediaType: MEDIA_TYPE.manifest, digest: manifest.digest, size: manifest.size };
    if (tag !== undefined)
        entry.annotations = { [REF_NAME_ANNOTATION]: checkRefName(tag) };
    return { schemaVersion: 2, mediaType: MEDIA_TYPE.index, manifests: [entry] };
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const k of Object.keys(value).sort()) {
            const v = value[k];
            if (v !== undefined)
                out[k] = sortKeys(v);
        }
        return out;
    }
    return value;
}
/**
 * Canonical bytes of a JSON document: keys sorted, no whitespace. The digest names these
 * exact bytes, so the same inputs always give the same image digest.
 */
function canonicalJson(doc) {
    return Buffer.from(JSON.stringify(sortKeys(doc)), 'utf8');
}
/** `sha256:` + hex of the bytes. */
function sha256Digest(bytes) {
    return `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex')}`;
}
/** A document's bytes and the descriptor that names them. */
function jsonBlob(doc, mediaType) {
    const bytes = canonicalJson(doc);
    return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length } };
}
/** Where a blob lives inside the layout: blobs/sha256/HEX. */
function blobPath(digest) {
    checkDigest(digest, 'blob');
    return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

;// CONCATENATED MODULE: ./src/core/image/oci-export.ts









function errno(err) {
    return err?.code;
}
/** Checks dest before any work: a `.tar` path, or a directory that is absent or empty. */
async function checkDest(dest) {
    if (dest === '')
        throw new errors_ConfigError('no destination given for the OCI export; give a directory or a path ending in .tar');
    const st = await (0,external_node_fs_promises_namespaceObject.lstat)(dest).catch((err) => {
        if (errno(err) === 'ENOENT')
            return undefined;
        throw err;
    });
    if (dest.endsWith('.tar')) {
        if (st && !st.isFile())
            throw new errors_ConfigError(`${dest} exists and is not a regular file; give a new path ending in .tar, or remove it`);
        return 'tar';
    }
    if (st) {
        if (!st.isDirectory())
            throw new errors_ConfigError(`${dest} exists and is not a directory; give a directory that is empty or absent, or a path ending in .tar`);
        if ((await (0,external_node_fs_promises_namespaceObject.readdir)(dest)).length > 0)
            throw new errors_ConfigError(`${dest} is not empty; give an empty or absent directory for the OCI layout`);
    }
    return 'directory';
}
function compressionFromInput(l, i) {
    if (l.mediaType !== undefined) {
        const c = layerCompressionOf(l.mediaType);
        if (l.compression !== undefined && l.compression !== c) {
            throw new errors_ConfigError(`layer ${i + 1}: media type ${l.mediaType} says ${c} but compression says ${l.compression}; give one of them`);
        }
        return c;
    }
    return l.compression;
}
/**
 * Puts one blob at `to`: a hard link (no copy) when on the same file system, else a reflink
 * where the file system can, else a copy. For a tar destination a symlink is enough: tar
 * follows it (-h) and the layer is read once, straight into the archive.
 */
async function placeBlob(from, to, viaSymlink) {
    if (viaSymlink)
        return (0,external_node_fs_promises_namespaceObject.symlink)(external_node_path_default().resolve(from), to);
    try {
        await (0,external_node_fs_promises_namespaceObject.link)(from, to);
    }
    catch (err) {
        if (!['EXDEV', 'EPERM', 'EMLINK'].includes(errno(err) ?? ''))
            throw err;
        await (0,external_node_fs_promises_namespaceObject.copyFile)(from, to, external_node_fs_namespaceObject.constants.COPYFILE_FICLONE);
    }
}
async function prepareLayer(l, i, work, gzipOnly) {
    const where = `layer ${i + 1} (${l.file})`;
    const st = await (0,external_node_fs_promises_namespaceObject.stat)(l.file).catch(() => undefined);
    if (!st?.isFile())
        throw new errors_ConfigError(`${where} does not exist or is not a file; give the path of a layer tar`);
    const said = compressionFromInput(l, i);
    const actual = await sniffCompression(l.file);
    if (said !== undefined && said !== actual) {
        throw new errors_ConfigError(`${where} is said to be ${said === 'none' ? 'an uncompressed tar' : said} but its first bytes say ${actual === 'none' ? 'uncompressed' : actual}; fix the media type or compression given for it`);
    }
    const createdBy = l.createdBy ?? `micro-container: layer ${i + 1}`;
    if (actual === 'xz' || actual === 'bzip2' || (actual === 'zstd' && gzipOnly)) {
        // A new file: digests given for the old bytes no longer apply, but a diff ID still does.
        const to = gzipOnly ? 'gzip' : 'zstd';
        const out = external_node_path_default().join(work, `layer-${i + 1}.tar.${to === 'gzip' ? 'gz' : 'zst'}`);
        await layerFromArchive(l.file, out, { compression: to });
        const { digest, size } = await fileDigest(out);
        const diffId = l.diffId !== undefined ? checkDigest(l.diffId, `${where} diff ID`) : await uncompressedDigest(out, to);
        return { source: out, descriptor: { mediaType: layerMediaType(to), digest, size }, diffId, createdBy };
    }
    const compression = actual;
    if (l.size !== undefined && l.size !== st.size)
        throw new errors_ConfigError(`${where} is ${st.size} bytes, not the ${l.size} given; leave size out to have it measured`);
    const digest = l.digest !== undefined ? checkDigest(l.digest, `${where} digest`) : (await fileDigest(l.file)).digest;
    const diffId = l.diffId !== undefined ? checkDigest(l.diffId, `${where} diff ID`) : compression === 'none' ? digest : await uncompressedDigest(l.file, compression);
    if (compression === 'none' && diffId !== digest)
        throw new errors_ConfigError(`${where} is an uncompressed tar, so its diff ID must equal its digest; leave one of them out`);
    return { source: l.file, descriptor: { mediaType: layerMediaType(compression), digest, size: st.size }, diffId, createdBy };
}
/**
 * Writes an OCI image layout (image-spec image-layout.md) to `dest`: a directory (absent or
 * empty) or, for a path ending in `.tar`, the layout packed as one tar (what `podman load`
 * and `skopeo ... oci-archive:` read; an existing file there is replaced). It is built in a
 * temp sibling of dest and renamed into place at the end, so dest holds the whole image or
 * nothing. In a directory, blobs are hard links to the layer files where they can be: do
 * not rewrite a layer file in place afterwards.
 */
async function exportOciLayout(input, dest) {
    if (input.layers.length === 0)
        throw new errors_ConfigError('an OCI image needs at least one layer; give the base root as the first layer');
    if (input.tag !== undefined)
        checkRefName(input.tag);
    const format = await checkDest(dest);
    const parent = external_node_path_default().dirname(external_node_path_default().resolve(dest));
    await (0,external_node_fs_promises_namespaceObject.mkdir)(parent, { recursive: true });
    const tmp = await (0,external_node_fs_promises_namespaceObject.mkdtemp)(external_node_path_default().join(parent, `.${external_node_path_default().basename(dest)}.oci-tmp-`));
    const tmpTar = `${tmp}.tar`;
    try {
        const work = external_node_path_default().join(tmp, '.work');
        await (0,external_node_fs_promises_namespaceObject.mkdir)(external_node_path_default().join(tmp, 'blobs/sha256'), { recursive: true });
        await (0,external_node_fs_promises_namespaceObject.mkdir)(work);
        if (input.layerCompression !== undefined && !['keep', 'gzip'].includes(input.layerCompression)) {
            throw new errors_ConfigError(`layer compression "${String(input.layerCompression)}" is not one of keep, gzip; leave it out to keep layers as they are`);
        }
        const gzipOnly = input.layerCompression === 'gzip';
        // One at a time: each layer is read once or twice from disk, and two cores are better
        // spent on one decompressor than split between two.
        const layers = [];
        for (const [i, l] of input.layers.entries())
            layers.push(await prepareLayer(l, i, work, gzipOnly));
        for (const l of layers) {
            const to = external_node_path_default().join(tmp, blobPath(l.descriptor.digest));
            if (await (0,external_node_fs_promises_namespaceObject.lstat)(to).catch(() => undefined))
                continue; // the same layer twice: one blob
            if (l.source.startsWith(work + (external_node_path_default()).sep))
                await (0,external_node_fs_promises_namespaceObject.rename)(l.source, to);
            else
                await placeBlob(l.source, to, format === 'tar');
        }
        await (0,external_node_fs_promises_namespaceObject.rm)(work, { recursive: true });
        const { config: c } = input;
        const platform = c.architecture ? { architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) } : ociPlatform(process.arch, (0,external_node_os_namespaceObject.endianness)());
        const configDoc = buildImageConfig({
            run: c,
            diffIds: layers.map((l) => l.diffId),
            history: layers.map((l) => l.createdBy),
            created: c.created ?? new Date().toISOString(),
            platform,
        });
        const config = jsonBlob(configDoc, MEDIA_TYPE.config);
        const layerDescriptors = layers.map((l) => l.descriptor);
        const manifest = jsonBlob(buildManifest(config.descriptor, layerDescriptors), MEDIA_TYPE.manifest);
        const index = buildIndex(manifest.descriptor, input.tag);
        await (0,external_node_fs_promises_namespaceObject.writeFile)(external_node_path_default().join(tmp, blobPath(config.descriptor.digest)), config.bytes);
        await (0,external_node_fs_promises_namespaceObject.writeFile)(external_node_path_default().join(tmp, blobPath(manifest.descriptor.digest)), manifest.bytes);
        await (0,external_node_fs_promises_namespaceObject.writeFile)(external_node_path_default().join(tmp, 'index.json'), canonicalJson(index));
        await (0,external_node_fs_promises_namespaceObject.writeFile)(external_node_path_default().join(tmp, 'oci-layout'), canonicalJson(OCI_LAYOUT));
        if (format === 'directory') {
            // rename(2) replaces an empty directory, and fails (ENOTEMPTY) if one was filled meanwhile.
            await (0,external_node_fs_promises_namespaceObject.rename)(tmp, dest).catch((err) => {
                if (errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST')
                    throw new errors_ConfigError(`${dest} was filled while the image was written; give an empty or absent directory`);
                throw err;
            });
        }
        else {
            // Fixed owners, times and order: the same image gives the same tar.
            const r = await exec_execCapture('tar', [
                '--create', '--file', tmpTar, '--directory', tmp, '--dereference', '--hard-dereference', '--format=gnu', '--sort=name',
                '--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '--mode=u=rwX,go=rX', 'oci-layout', 'index.json', 'blobs',
            ]);
            if (r.code !== 0)
                throw new errors_ConfigError(`packing the OCI layout as ${dest} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
            await (0,external_node_fs_promises_namespaceObject.rename)(tmpTar, dest);
            await (0,external_node_fs_promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
        }
        return { dest, format, manifest: manifest.descriptor, config: config.descriptor, layers: layerDescriptors, diffIds: layers.map((l) => l.diffId) };
    }
    catch (err) {
        await (0,external_node_fs_promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
        await (0,external_node_fs_promises_namespaceObject.rm)(tmpTar, { force: true });
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/core/image/errors.ts

/**
 * An image layer could not be saved or applied: the upper layer holds something an OCI
 * layer cannot express, a tool failed, the layer file is malformed. The message names the
 * layer, the problem and what to do about it.
 */
class ImageError extends MicroContainerError {
    name = 'ImageError';
}

;// CONCATENATED MODULE: ./src/core/image/image-ref.ts

const DEFAULT_TAG = 'latest';
const image_ref_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** `img`, `img:v2`, `sha256:abc...`, `abcdef012345` -> ImageRef. Pure; ConfigError says what is wrong. */
function parseImageRef(text) {
    const t = text.trim();
    if (t === '')
        throw new errors_ConfigError('no image given: name one as NAME[:TAG] or by its digest (see image ls)');
    const digest = /^sha256:([0-9a-f]*)$/.exec(t);
    if (digest) {
        const hex = digest[1];
        if (hex.length === 64)
            return { kind: 'digest', hex, prefix: false };
        if (hex.length >= 12)
            return { kind: 'digest', hex, prefix: true };
        throw new errors_ConfigError(`image digest '${t}' is too short: give sha256: and at least 12 hex digits (see image ls)`);
    }
    if (t.startsWith('sha256:'))
        throw new errors_ConfigError(`image digest '${t}' is not sha256: and lower-case hex digits (see image ls)`);
    if (/^[0-9a-f]{12,64}$/.test(t) && !t.includes(':'))
        return { kind: 'digest', hex: t, prefix: t.length < 64 };
    const colon = t.indexOf(':');
    const name = colon < 0 ? t : t.slice(0, colon);
    const tag = colon < 0 ? DEFAULT_TAG : t.slice(colon + 1);
    if (!image_ref_NAME.test(name)) {
        throw new errors_ConfigError(`image name '${name}' is not valid: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (NAME[:TAG])`);
    }
    if (!TAG.test(tag))
        throw new errors_ConfigError(`image tag '${tag}' is not valid: use letters, digits, '.', '_' and '-' (NAME[:TAG])`);
    return { kind: 'name', name, tag };
}
/** A name ref as it is stored and shown: `NAME:TAG`. Pure. */
function formatImageName(ref) {
    return `${ref.name}:${ref.tag}`;
}
/** A name for `--as`: digests are not names. Pure; ConfigError otherwise. */
function parseImageName(text) {
    const r = parseImageRef(text);
    if (r.kind !== 'name')
        throw new errors_ConfigError(`'${text}' is a digest, not an image name: give NAME[:TAG]`);
    return { name: r.name, tag: r.tag };
}

;// CONCATENATED MODULE: ./src/core/image/layer-tar-member.ts


/** The records of a pax header's data, in order, each as it was written. */
function splitPaxRecords(data) {
    const out = [];
    let pos = 0;
    while (pos < data.length && data[pos] !== 0) {
        const space = data.indexOf(0x20, pos);
        const len = space === -1 ? NaN : Number(data.toString('latin1', pos, space));
        if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
            throw new ImageError('malformed pax extended header record in a layer');
        }
        const eq = data.indexOf(0x3d, space + 1);
        if (eq === -1 || eq >= pos + len - 1)
            throw new ImageError('malformed pax extended header record in a layer (no "=")');
        out.push({ key: data.toString('utf8', space + 1, eq), bytes: data.subarray(pos, pos + len) });
        pos += len;
    }
    return out;
}
/** The value of a record, as bytes. */
function paxValue(r) {
    const eq = r.bytes.indexOf(0x3d);
    return r.bytes.subarray(eq + 1, r.bytes.length - 1);
}
/** A record `LEN key=value\n`, LEN counting itself. */
function paxRecord(key, value) {
    const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len)
        len = String(len).length + body.length;
    return { key, bytes: Buffer.concat([Buffer.from(String(len)), body]) };
}
const padTo = (n) => (BLOCK - (n % BLOCK)) % BLOCK;
function octal(block, off, len, value) {
    if (value >= 8 ** (len - 1))
        throw new ImageError(`value ${value} does not fit a tar header field`);
    block.fill(0, off, off + len);
    block.write(value.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
}
/** Sets the checksum field from the block's bytes (unsigned sum, fields as spaces). */
function setChecksum(block) {
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += block[i];
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
    return block;
}
const isPosix = (h) => h.toString('latin1', 257, 263) === 'ustar\0';
/** Whether a name fits the header's name field (else it needs a pax `path` record). */
const fitsNameField = (name) => Buffer.byteLength(name) <= 100;
/**
 * A copy of a header block with some fields changed and a fresh checksum. A new name
 * clears a POSIX header's prefix field (names are not split: a longer one is the caller's
 * to put in a pax record, and then the field holds its first 100 bytes, as GNU tar does).
 * GNU-format headers keep their magic: their "prefix" bytes are other fields.
 */
function rewriteHeader(header, ch) {
    if (header.length !== BLOCK)
        throw new ImageError('a tar header block is 512 bytes');
    const h = Buffer.from(header);
    if (ch.name !== undefined) {
        h.fill(0, 0, 100);
        const name = Buffer.from(ch.name);
        name.copy(h, 0, 0, Math.min(100, name.length));
        if (isPosix(h))
            h.fill(0, 345, 500);
    }
    if (ch.typeflag !== undefined)
        h.write(ch.typeflag, 156, 1, 'latin1');
    if (ch.mode !== undefined)
        octal(h, 100, 8, ch.mode & 0o7777);
    if (ch.size !== undefined)
        octal(h, 124, 12, ch.size);
    if (ch.linkname !== undefined) {
        h.fill(0, 157, 257);
        const l = Buffer.from(ch.linkname);
        l.copy(h, 157, 0, Math.min(100, l.length));
    }
    if (ch.devmajor !== undefined)
        octal(h, 329, 8, ch.devmajor);
    if (ch.devminor !== undefined)
        octal(h, 337, 8, ch.devminor);
    return setChecksum(h);
}
/**
 * A pax extended header ('x') holding `records`, for the member named `memberName` whose
 * header is `memberHeader`: `template` (the member's own pax header block, when it had
 * one) keeps its name and fields; otherwise the block is made as GNU tar makes it
 * (`DIR/PaxHeaders/BASE`, the member's mtime). Returns the header block, the records and
 * the padding.
 */
function paxHeaderBlocks(records, memberName, memberHeader, template) {
    const data = Buffer.concat(records.map((r) => r.bytes));
    let block;
    if (template) {
        block = rewriteHeader(template, { size: data.length });
    }
    else {
        block = Buffer.alloc(BLOCK);
        const trimmed = memberName.replace(/\/+$/, '');
        const slash = trimmed.lastIndexOf('/');
        const name = Buffer.from(slash === -1 ? `PaxHeaders/${trimmed}` : `${trimmed.slice(0, slash)}/PaxHeaders/${trimmed.slice(slash + 1)}`);
        name.copy(block, 0, 0, Math.min(100, name.length));
        octal(block, 100, 8, 0o644);
        octal(block, 108, 8, 0);
        octal(block, 116, 8, 0);
        octal(block, 124, 12, data.length);
        memberHeader.copy(block, 136, 136, 148); // mtime
        block.write('x', 156, 1, 'latin1');
        block.write('ustar\u000000', 257, 8, 'latin1');
        setChecksum(block);
    }
    const pad = padTo(data.length);
    return pad ? [block, data, Buffer.alloc(pad)] : [block, data];
}
/** A GNU long-name ('L') or long-link ('K') member for `value`. */
function longNameBlocks(kind, value) {
    const data = Buffer.from(`${value}\0`);
    const block = Buffer.alloc(BLOCK);
    block.write('././@LongLink', 0, 100, 'latin1');
    octal(block, 100, 8, 0o644);
    octal(block, 108, 8, 0);
    octal(block, 116, 8, 0);
    octal(block, 124, 12, data.length);
    octal(block, 136, 12, 0);
    block.write(kind, 156, 1, 'latin1');
    block.write('ustar  \0', 257, 8, 'latin1');
    setChecksum(block);
    const pad = padTo(data.length);
    return pad ? [block, data, Buffer.alloc(pad)] : [block, data];
}
/**
 * A regular empty file member, for the whiteout markers a layer adds (`.wh..wh..opq`):
 * POSIX ustar, owner and mtime taken from `like` (the member it belongs to), a pax
 * `path` when the name is long.
 */
function emptyFileMember(name, mode, like) {
    const h = Buffer.alloc(BLOCK);
    like.copy(h, 108, 108, 124); // uid, gid (octal or base-256, as tar wrote them)
    like.copy(h, 136, 136, 148); // mtime
    like.copy(h, 265, 265, 329); // uname, gname
    h.write('ustar\u000000', 257, 8, 'latin1');
    const header = rewriteHeader(h, { name, typeflag: '0', mode, size: 0, devmajor: 0, devminor: 0 });
    if (fitsNameField(name))
        return [header];
    return [...paxHeaderBlocks([paxRecord('path', name)], name, header), header];
}

;// CONCATENATED MODULE: ./src/core/image/layer-member-edit.ts

/**
 * The header bytes of `m` with `edit` applied: its pax records minus the dropped ones
 * plus the added ones (no pax header when none are left), a new name in the header field
 * or, when longer than 100 bytes, in a pax `path` record (a GNU long-name member that
 * named it before is left out); a long link name is kept unless the link name changes.
 */
function editMember(m, edit) {
    const renamed = edit.path !== undefined;
    const relinked = edit.linkname !== undefined;
    const resized = edit.size !== undefined;
    const records = m.pax.filter((r) => {
        if (renamed && (r.key === 'path' || r.key === 'GNU.sparse.name'))
            return false;
        if (relinked && r.key === 'linkpath')
            return false;
        if (resized && (r.key === 'size' || r.key.startsWith('GNU.sparse.')))
            return false;
        if ((edit.devmajor !== undefined || edit.devminor !== undefined) && (r.key === 'SCHILY.devmajor' || r.key === 'SCHILY.devminor'))
            return false;
        return !edit.drop?.(r.key);
    });
    const name = edit.path ?? undefined;
    if (name !== undefined && !fitsNameField(name))
        records.push(paxRecord('path', name));
    if (relinked && !fitsNameField(edit.linkname))
        records.push(paxRecord('linkpath', edit.linkname));
    for (const [k, v] of edit.add ?? [])
        records.push(paxRecord(k, v));
    const { path: _path, drop: _drop, add: _add, ...fields } = edit;
    const header = rewriteHeader(m.header, { ...fields, ...(name !== undefined ? { name } : {}) });
    const out = [];
    if (records.length)
        out.push(...paxHeaderBlocks(records, edit.path ?? m.entry.path, header, m.paxBlock));
    if (m.hasLongName && !renamed)
        out.push(...longNameBlocks('L', m.entry.path));
    if (m.hasLongLink && !relinked)
        out.push(...longNameBlocks('K', m.entry.linkTarget));
    out.push(header);
    return out;
}

;// CONCATENATED MODULE: ./src/core/image/whiteout.ts
/**
 * OCI layer whiteouts, as names (image-spec, layer.md): a deleted NAME is an empty file
 * `.wh.NAME` beside where it was; a directory whose lower contents are hidden ("opaque")
 * holds an empty `.wh..wh..opq`. Pure functions over archive member names, which keep
 * their `./` prefix and a directory's trailing slash as GNU tar writes them.
 */
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
/** `.wh..wh.*` names other than the opaque marker are AUFS bookkeeping (`.wh..wh.plnk`, ...). */
const META_PREFIX = '.wh..wh.';
/** A member name split into its directory part (with its trailing slash, or '') and last component. */
function splitMemberName(name) {
    const trimmed = name.endsWith('/') ? name.replace(/\/+$/, '') : name;
    const slash = trimmed.lastIndexOf('/');
    return slash === -1 ? { dir: '', base: trimmed } : { dir: trimmed.slice(0, slash + 1), base: trimmed.slice(slash + 1) };
}
/** `./a/f1` -> `./a/.wh.f1`: the whiteout member that deletes `name`. */
function whiteoutName(name) {
    const { dir, base } = splitMemberName(name);
    return `${dir}${WHITEOUT_PREFIX}${base}`;
}
/** `./b/` -> `./b/.wh..wh..opq`; the root `./` (or `.`) -> `./.wh..wh..opq`. */
function opaqueMarkerName(dirName) {
    if (dirName === '.' || dirName === './' || dirName === '')
        return `./${OPAQUE_MARKER}`;
    return `${dirName.replace(/\/+$/, '')}/${OPAQUE_MARKER}`;
}
/** What a member name means to an OCI layer reader; undefined for an ordinary name. */
function parseWhiteout(name) {
    const { dir, base } = splitMemberName(name);
    if (!base.startsWith(WHITEOUT_PREFIX))
        return undefined;
    if (base === OPAQUE_MARKER)
        return { kind: 'opaque', dir };
    if (base.startsWith(META_PREFIX))
        return { kind: 'meta', dir, base };
    return { kind: 'whiteout', dir, target: base.slice(WHITEOUT_PREFIX.length) };
}
/** Whether a name's last component would read as a whiteout in an OCI layer. */
function looksLikeWhiteout(name) {
    return splitMemberName(name).base.startsWith(WHITEOUT_PREFIX);
}

;// CONCATENATED MODULE: ./src/core/image/layer-apply-rewrite.ts




const OVERLAY_XATTR = 'SCHILY.xattr.trusted.overlay.';
const isOverlayXattr = (key) => key.startsWith(OVERLAY_XATTR);
const OPAQUE = [`${OVERLAY_XATTR}opaque`, 'y'];
const rel = (name) => {
    const n = normalizeMemberPath(name);
    return n.ok ? n.path : name;
};
/**
 * Turns an OCI layer into what overlayfs reads in a lower layer, member by member, after
 * the extraction check has passed each one (../rootfs/gate.ts):
 * - `.wh.NAME` becomes a character device 0/0 named NAME (tar mknods it);
 * - `.wh..wh..opq` sets trusted.overlay.opaque=y on its directory: added to that
 *   directory's own member when it comes right after it (as every writer we know orders
 *   them, this one included); otherwise the directory is named in `lateOpaque` for the
 *   caller to mark once tar is done;
 * - every trusted.overlay.* xattr the layer brings itself is dropped (tar is told to
 *   restore that namespace, for the markers above, so nothing else may carry it);
 * - other `.wh..wh.*` names (AUFS bookkeeping) are left out.
 * A directory member is held back until the next member shows whether its marker follows.
 */
class ApplyRewrite {
    layer;
    stats = { whiteouts: 0, opaqueDirs: 0, metaSkipped: 0 };
    /** Directories (relative, '' for the root) whose marker did not follow them. */
    lateOpaque = [];
    held;
    constructor(layer) {
        this.layer = layer;
    }
    member(m) {
        const e = m.entry;
        const wh = parseWhiteout(e.path);
        if (wh && e.type !== 'file') {
            throw new ImageError(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a whiteout name on a ${e.type}, not an empty file`);
        }
        if (e.type === 'hardlink' && parseWhiteout(e.linkTarget)) {
            throw new ImageError(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a hard link to the whiteout ${JSON.stringify(e.linkTarget)}`);
        }
        if (wh?.kind === 'opaque') {
            this.stats.opaqueDirs++;
            const dir = rel(wh.dir);
            if (this.held && this.held.path === dir) {
                const emit = editMember(this.held.member, { drop: isOverlayXattr, add: [OPAQUE] });
                this.held = undefined;
                return { emit, data: 'skip' };
            }
            this.lateOpaque.push(dir);
            return { emit: this.flush(), data: 'skip' };
        }
        const before = this.flush();
        if (wh?.kind === 'meta') {
            this.stats.metaSkipped++;
            return { emit: before, data: 'skip' };
        }
        if (wh?.kind === 'whiteout') {
            if (wh.target === '' || wh.target === '.' || wh.target === '..') {
                throw new ImageError(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a whiteout of ${JSON.stringify(wh.target)}, which is not a name`);
            }
            this.stats.whiteouts++;
            // As the kernel makes them: c--------- 0:0. The member's other xattrs go too: a
            // whiteout is a name, not a file with properties.
            const emit = editMember(m, { path: `${wh.dir}${wh.target}`, typeflag: '3', mode: 0, size: 0, devmajor: 0, devminor: 0, drop: (k) => k.startsWith('SCHILY.xattr.') || k.startsWith('SCHILY.acl.') });
            return { emit: [...before, ...emit], data: 'skip' };
        }
        const overlay = m.pax.some((r) => isOverlayXattr(r.key));
        if (e.type === 'directory' && m.dataBytes === 0) {
            this.held = { member: overlay ? withoutOverlayXattrs(m) : m, path: rel(e.path) };
            return { emit: before, data: 'pass' };
        }
        return { emit: [...before, ...(overlay ? editMember(m, { drop: isOverlayXattr }) : m.original)], data: 'pass' };
    }
    flush() {
        const h = this.held;
        this.held = undefined;
        return h ? h.member.original : [];
    }
}
/** The member as if it had been written without the overlay's xattrs. */
function withoutOverlayXattrs(m) {
    return { ...m, original: editMember(m, { drop: isOverlayXattr }), pax: m.pax.filter((r) => !isOverlayXattr(r.key)) };
}

;// CONCATENATED MODULE: ./src/core/image/layer-tar-args.ts



/**
 * GNU tar command lines for image layers. Pure, so that what a layer keeps and drops is
 * one table test.
 */
/**
 * A guest path to leave out of a saved layer (a volume's mount point) as the member name
 * GNU tar gives it under `-C upper .`: `/work/src/` -> `./work/src`. ConfigError for what
 * cannot be a path in the container: relative, `..`, the root itself.
 */
function excludeMemberName(guestPath) {
    if (!guestPath.startsWith('/'))
        throw new errors_ConfigError(`volume path '${guestPath}' to leave out of the image is not absolute: give the path inside the container, e.g. /work`);
    const parts = guestPath.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..'))
        throw new errors_ConfigError(`volume path '${guestPath}' to leave out of the image has a '..' component: give the plain path inside the container`);
    if (parts.length === 0)
        throw new errors_ConfigError(`volume path '${guestPath}' is the container's root: an image without its root is empty; mount the volume somewhere below /`);
    if (guestPath.includes('\0'))
        throw new errors_ConfigError(`volume path '${guestPath}' has a NUL byte`);
    return `./${parts.join('/')}`;
}
/**
 * `tar -c` of an upper layer to stdout, in the pax format that OCI layers use:
 * - numeric owners (the names are the guest's, not the host's), modes as they are;
 * - every xattr namespace (security.capability is what makes ping work) and ACLs; the
 *   overlay's own trusted.overlay.* are stripped afterwards (layer-save-rewrite.ts), as
 *   they decide what the layer means and must be read first;
 * - time stamps to the second, no atime/ctime, and pax header names without tar's pid,
 *   as Docker writes layers: without them nearly every member needs a pax header of its
 *   own (about 1 KB each), and the same tree gives the same bytes;
 * - members sorted by name, for the same reason;
 * - no --sparse: GNU's sparse pax encoding renames members (GNUSparseFile.N/...), which
 *   not every OCI reader undoes, and holes compress to almost nothing anyway;
 * - sockets are skipped by tar itself (without the warning: they are not a loss).
 * Exclusions are exact, anchored names (no wildcards): a volume at /a[1] means just that.
 */
function tarCreateArgs(o) {
    const excludes = (o.exclude ?? []).map(excludeMemberName);
    return [
        '--create',
        '--file=-',
        `--directory=${o.upperDir}`,
        '--format=posix',
        '--numeric-owner',
        '--xattrs',
        '--xattrs-include=*',
        '--acls',
        '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime',
        '--sort=name',
        '--warning=no-file-ignored',
        ...(excludes.length ? ['--anchored', '--no-wildcards', ...excludes.map((e) => `--exclude=${e}`)] : []),
        '.',
    ];
}
/**
 * `tar -x` for a layer that becomes an overlay lower layer: as for a root (tar-args.ts)
 * but with the overlay's xattrs let through, since the opaque markers are set that way.
 * Only what applyLayer itself wrote can carry them: it strips every trusted.overlay.*
 * record that the layer brought before tar sees it (layer-apply-rewrite.ts).
 */
function layerTarExtractArgs(dir) {
    const dropped = new Set(DROPPED_XATTR_PREFIXES.map((p) => `--xattrs-exclude=${p}*`));
    return tarExtractArgs({ dir, isRoot: true }).filter((a) => !dropped.has(a));
}

;// CONCATENATED MODULE: ./src/core/image/layer-tar-rewriter.ts


/**
 * A streaming tar rewriter: the archive goes in chunk by chunk, each member's headers are
 * handed to a handler that says what to write instead, and file data flows through
 * untouched (subarrays of the input, no copies). Memory is one member's headers. The
 * format rules are those of ../rootfs/tar-reader.ts (same header functions), so the
 * names the handler sees are the names GNU tar and the extraction check see.
 *
 * After the end-of-archive block everything is passed as it is (tar's record padding).
 */
class TarRewriter {
    handler;
    header = Buffer.alloc(BLOCK);
    headerFill = 0;
    /** Data bytes still to pass or skip. */
    data = 0;
    dataMode = 'pass';
    /** GNU old sparse extension blocks still to come before the data. */
    sparseExt = false;
    meta;
    metaSkip = 0;
    paxGlobal = new Map();
    pending = { blocks: [], pax: [] };
    ended = false;
    _members = 0;
    constructor(handler) {
        this.handler = handler;
    }
    get members() {
        return this._members;
    }
    write(chunk) {
        const out = [];
        let off = 0;
        const n = chunk.length;
        while (off < n) {
            if (this.ended) {
                out.push(chunk.subarray(off));
                break;
            }
            if (this.data > 0 && !this.sparseExt) {
                const k = Math.min(this.data, n - off);
                if (this.dataMode === 'pass')
                    out.push(chunk.subarray(off, off + k));
                this.data -= k;
                off += k;
                continue;
            }
            if (this.meta) {
                const m = this.meta;
                if (m.fill < m.data.length) {
                    const k = Math.min(m.data.length - m.fill, n - off);
                    chunk.copy(m.data, m.fill, off, off + k);
                    m.fill += k;
                    off += k;
                    continue;
                }
                if (this.metaSkip > 0) {
                    const k = Math.min(this.metaSkip, n - off);
                    this.metaSkip -= k;
                    off += k;
                    continue;
                }
                this.meta = undefined;
                this.finishMeta(m, out);
                continue;
            }
            const k = Math.min(BLOCK - this.headerFill, n - off);
            chunk.copy(this.header, this.headerFill, off, off + k);
            this.headerFill += k;
            off += k;
            if (this.headerFill === BLOCK) {
                this.headerFill = 0;
                this.block(Buffer.from(this.header), out);
            }
        }
        // A meta member whose data ended exactly at the chunk's end.
        if (this.meta && this.meta.fill === this.meta.data.length && this.metaSkip === 0) {
            const m = this.meta;
            this.meta = undefined;
            this.finishMeta(m, out);
        }
        return out;
    }
    /** The input is over: what is still held; throws when it stopped inside a member. */
    end() {
        if (this.ended)
            return [];
        if (this.headerFill > 0 || this.data > 0 || this.meta || this.sparseExt || this.pending.blocks.length) {
            throw new TarFormatError('the archive is truncated (it ends inside a member)');
        }
        this.ended = true;
        return this.handler.flush?.() ?? [];
    }
    block(block, out) {
        if (this.sparseExt) {
            if (this.dataMode === 'pass')
                out.push(block);
            if (!sparseExtensionContinues(block))
                this.sparseExt = false;
            return;
        }
        if (isZeroBlock(block)) {
            if (this.pending.blocks.length)
                throw new TarFormatError('the archive ends after an extended header, before its member');
            this.ended = true;
            out.push(...(this.handler.flush?.() ?? []), block);
            return;
        }
        const h = parseHeader(block);
        switch (h.typeflag) {
            case 'x':
            case 'X':
            case 'g':
            case 'L':
            case 'K': {
                const size = h.size;
                if (size > MAX_META_BYTES)
                    throw new TarFormatError(`an extended header of ${size} bytes (more than a name or a few xattrs)`);
                this.meta = { kind: h.typeflag, block, data: Buffer.allocUnsafe(size), fill: 0, pad: padding(size) };
                this.metaSkip = padding(size);
                return;
            }
            case 'V':
                out.push(...(this.handler.flush?.() ?? []), block);
                this.data = h.size + padding(h.size);
                this.dataMode = 'pass';
                return;
        }
        const p = this.pending;
        const local = new Map();
        for (const r of p.pax)
            for (const [k, v] of parsePax(r.bytes))
                local.set(k, v);
        const pax = this.paxGlobal.size ? new Map([...this.paxGlobal, ...local]) : local;
        const size = dataSize(h, pax);
        const entry = resolveEntry(h, pax, size, p.longName, p.longLink);
        // GNU tar reads no data after a hard link, whatever its size field says.
        const stored = h.typeflag === '1' ? 0 : size;
        const member = {
            entry,
            raw: h,
            header: block,
            pax: p.pax,
            paxBlock: p.paxBlock,
            hasLongName: p.longName !== undefined,
            hasLongLink: p.longLink !== undefined,
            original: [...p.blocks, block],
            dataBytes: stored + padding(stored),
        };
        this.pending = { blocks: [], pax: [] };
        this._members++;
        const r = this.handler.member(member);
        out.push(...r.emit);
        this.data = member.dataBytes;
        this.dataMode = r.data;
        this.sparseExt = h.sparseExtended;
    }
    finishMeta(m, out) {
        const bytes = [m.block, m.data, ...(m.pad ? [Buffer.alloc(m.pad)] : [])];
        const p = this.pending;
        switch (m.kind) {
            case 'g':
                if (p.blocks.length)
                    throw new TarFormatError("a global pax header between a member's extended headers and the member");
                for (const [k, v] of parsePax(m.data))
                    this.paxGlobal.set(k, v);
                out.push(...(this.handler.flush?.() ?? []), ...bytes);
                return;
            case 'x':
            case 'X':
                p.pax.push(...splitPaxRecords(m.data));
                p.paxBlock ??= m.block;
                break;
            case 'L':
                p.longName = gnuLongName(m.data);
                break;
            case 'K':
                p.longLink = gnuLongName(m.data);
                break;
        }
        p.blocks.push(...bytes);
    }
}

;// CONCATENATED MODULE: ./src/core/image/layer-apply.ts














/**
 * The extraction check's gate (../rootfs/gate.ts), then the OCI-to-overlay rewrite: the
 * check judges the layer as written (a `.wh.NAME` is an empty file like any other), and
 * only members it passed are rewritten and reach tar.
 */
class LayerGate {
    handler;
    check;
    rewriter;
    constructor(handler) {
        this.handler = handler;
        this.check = new ExtractionGate({ isRoot: true });
        this.rewriter = new TarRewriter(handler);
    }
    get refused() {
        return this.check.refused;
    }
    feed(chunk) {
        return this.check.feed(chunk).flatMap((part) => this.rewriter.write(part));
    }
    finish() {
        const rest = this.check.finish().flatMap((part) => this.rewriter.write(part));
        if (this.refused)
            return [];
        return [...rest, ...this.rewriter.end()];
    }
}
/**
 * Unpacks an OCI layer file (zstd, gzip or plain tar, told apart by content) into
 * `destDir`, which must not exist yet (an empty directory is replaced), as a directory
 * that overlayfs can use as a lower layer: whiteouts become character devices 0/0 and
 * opaque markers the trusted.overlay.opaque xattr (layer-apply-rewrite.ts).
 *
 * This is the root extraction of ../rootfs/extract.ts with one more stage: the same check
 * refuses members that could write outside the directory (absolute names, `..`, links
 * out, writes through symlinks) and skips device nodes other than the standard ones; GNU
 * tar writes (owners by number, modes, setuid, xattrs, ACLs, hard links); into a new
 * directory beside destDir that is renamed into place when complete. Needs root: only
 * root can set trusted.* xattrs and owners.
 */
async function applyLayer(layerFile, destDir, opts = {}) {
    if (process.geteuid?.() !== 0) {
        throw new PrivilegeError(`applying the image layer ${layerFile} needs root (owners, device nodes for whiteouts, trusted.overlay.* xattrs): run it as root or through sudo`);
    }
    const dest = external_node_path_default().resolve(destDir);
    const log = opts.log ?? (() => undefined);
    layer_apply_refuseExisting(dest);
    if (opts.signal?.aborted)
        throw new ImageError(`applying ${layerFile} was aborted`);
    const fd = openLayer(layerFile);
    try {
        const compression = detectCompression(layer_apply_readHead(fd));
        if (compression !== 'none' && compression !== 'gzip' && compression !== 'zstd') {
            throw new ImageError(`${layerFile} is ${compression}-compressed; OCI layers are zstd, gzip or plain tar`);
        }
        const parent = external_node_path_default().dirname(dest);
        (0,external_node_fs_namespaceObject.mkdirSync)(parent, { recursive: true });
        const tmp = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(parent, `.${external_node_path_default().basename(dest)}.layer-`));
        try {
            (0,external_node_fs_namespaceObject.chmodSync)(tmp, 0o755);
            const handler = new ApplyRewrite(layerFile);
            const gate = new LayerGate(handler);
            let outcome;
            try {
                outcome = await extractThroughGate(layerFile, fd, compression, layerTarExtractArgs(tmp), gate, opts.signal);
            }
            catch (err) {
                if (err instanceof TarFormatError) {
                    throw new ImageError(`${layerFile} is not a usable layer (${compression === 'none' ? 'uncompressed' : compression} tar): ${err.message}; nothing was applied`);
                }
                if (opts.signal?.aborted)
                    throw new ImageError(`applying ${layerFile} was aborted`);
                throw err;
            }
            const plan = gate.check.plan();
            if (outcome === 'refused')
                throw new UnsafeArchiveError(layerFile, plan.problems);
            if (handler.lateOpaque.length)
                await markOpaque(tmp, handler.lateOpaque, layerFile);
            (0,external_node_fs_namespaceObject.renameSync)(tmp, dest);
            const notes = plan.notes.map((n) => n.message);
            if (handler.stats.metaSkipped)
                notes.push(`${handler.stats.metaSkipped} AUFS bookkeeping member(s) (.wh..wh.*) left out`);
            notes.forEach((n) => log(n));
            return { compression, entries: plan.entries, whiteouts: handler.stats.whiteouts, opaqueDirs: handler.stats.opaqueDirs, notes };
        }
        catch (err) {
            (0,external_node_fs_namespaceObject.rmSync)(tmp, { recursive: true, force: true });
            const code = err.code;
            if (code === 'ENOTEMPTY' || code === 'EEXIST')
                throw new ImageError(`${dest} appeared while ${layerFile} was being applied; not replacing it`);
            throw err;
        }
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/**
 * Opaque markers that did not come right after their directory (a layer from another
 * writer): once tar is done, each directory gets the xattr from a second, tiny archive of
 * directory members that repeat what is on disk (mode, owner, mtime) plus the xattr: tar
 * is the one tool sure to be there that sets trusted.* xattrs (Node cannot; setfattr is
 * not installed everywhere). A directory the layer never made is made 0755 root's.
 */
async function markOpaque(root, dirs, layerFile) {
    const blocks = [];
    for (const d of new Set(dirs)) {
        const p = external_node_path_default().join(root, d);
        let st;
        try {
            st = (0,external_node_fs_namespaceObject.lstatSync)(p);
        }
        catch {
            st = undefined;
        }
        if (st && !st.isDirectory())
            throw new ImageError(`${layerFile} is not a valid OCI layer: it marks ${JSON.stringify(d)} opaque, which is not a directory in the layer`);
        const name = d === '' ? './' : `./${d}/`;
        const h = Buffer.alloc(BLOCK);
        h.write('ustar\u000000', 257, 8, 'latin1');
        const mtime = Math.floor((st?.mtimeMs ?? Date.now()) / 1000);
        h.write(mtime.toString(8).padStart(11, '0'), 136, 11, 'latin1');
        h.write((st?.uid ?? 0).toString(8).padStart(7, '0'), 108, 7, 'latin1');
        h.write((st?.gid ?? 0).toString(8).padStart(7, '0'), 116, 7, 'latin1');
        const header = rewriteHeader(h, { name: name.length <= 100 ? name : name.slice(0, 100), typeflag: '5', mode: st ? st.mode & 0o7777 : 0o755, size: 0 });
        const records = [paxRecord('SCHILY.xattr.trusted.overlay.opaque', 'y')];
        if (name.length > 100)
            records.unshift(paxRecord('path', name));
        blocks.push(...paxHeaderBlocks(records, name, header), header);
    }
    blocks.push(Buffer.alloc(2 * BLOCK));
    const file = external_node_path_default().join(external_node_path_default().dirname(root), `.${external_node_path_default().basename(root)}.opaque.tar`);
    (0,external_node_fs_namespaceObject.writeFileSync)(file, Buffer.concat(blocks));
    try {
        const args = layerTarExtractArgs(root).map((a) => (a === '-' ? file : a));
        const r = await exec_execCapture('tar', args);
        if (r.code !== 0)
            throw new ImageError(`tar could not mark the opaque directories of ${layerFile} (exit status ${r.code}): ${r.stderr.trim()}`);
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(file, { force: true });
    }
}
function layer_apply_refuseExisting(dest) {
    let entries;
    try {
        entries = (0,external_node_fs_namespaceObject.readdirSync)(dest);
    }
    catch (err) {
        const code = err.code;
        if (code === 'ENOENT')
            return;
        throw new ImageError(`cannot apply a layer into ${dest}: it exists and is not an empty directory (${code})`);
    }
    if (entries.length)
        throw new ImageError(`cannot apply a layer into ${dest}: it exists and is not empty; applying makes a new directory`);
}
function openLayer(file) {
    let fd;
    try {
        fd = (0,external_node_fs_namespaceObject.openSync)(file, 'r');
    }
    catch (err) {
        throw new ImageError(`cannot read the image layer ${file}: ${err.message}`);
    }
    if (!(0,external_node_fs_namespaceObject.fstatSync)(fd).isFile()) {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
        throw new ImageError(`${file} is not a regular file`);
    }
    return fd;
}
function layer_apply_readHead(fd) {
    const buf = Buffer.alloc(MAGIC_BYTES);
    const n = (0,external_node_fs_namespaceObject.readSync)(fd, buf, 0, MAGIC_BYTES, 0);
    return buf.subarray(0, n);
}

;// CONCATENATED MODULE: ./src/core/image/layer-compression.ts


const LAYER_COMPRESSIONS = ['zstd', 'gzip', 'none'];
/** A user's word for a compression; ConfigError saying the choices otherwise. */
function parseLayerCompression(value) {
    const v = value.trim().toLowerCase();
    if (v === 'zst')
        return 'zstd';
    if (v === 'gz')
        return 'gzip';
    if (v === 'uncompressed')
        return 'none';
    if (LAYER_COMPRESSIONS.includes(v))
        return v;
    throw new errors_ConfigError(`unknown layer compression '${value}': use one of ${LAYER_COMPRESSIONS.join(', ')}`);
}
/**
 * The command that compresses stdin to stdout; none for an uncompressed layer. zstd with
 * all cores (-T0) at level 3 (its default, the speed/size point `tar | zstd` users pick);
 * gzip at its default level 6 with -n so that no name or time stamp is stored (the same
 * tar gives the same bytes).
 */
function compressorCommand(c) {
    switch (c) {
        case 'zstd':
            return { file: 'zstd', args: ['-T0', '-3', '-q', '-c'] };
        case 'gzip':
            return { file: 'gzip', args: ['-6', '-n', '-c'] };
        case 'none':
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/image/layer-save-rewrite.ts




/** The overlay's own xattrs (the kernel's bookkeeping), as pax keys. */
const layer_save_rewrite_OVERLAY_XATTR = 'SCHILY.xattr.trusted.overlay.';
const layer_save_rewrite_isOverlayXattr = (key) => key.startsWith(layer_save_rewrite_OVERLAY_XATTR);
/**
 * Overlay xattrs that change what a path means in a way an OCI layer cannot say: a
 * directory renamed in place (redirect_dir) and a file whose data is still in a lower
 * layer (metacopy). Saving such an upper layer would silently give a wrong image.
 */
const UNSAVABLE = {
    [`${layer_save_rewrite_OVERLAY_XATTR}redirect`]: 'a directory renamed by the overlay (redirect_dir)',
    [`${layer_save_rewrite_OVERLAY_XATTR}metacopy`]: 'a file whose data is still in a lower layer (metacopy)',
};
/**
 * Turns GNU tar's dump of an overlay upper directory into an OCI layer, member by member
 * (image-spec layer.md; what podman's and Docker's overlay drivers write):
 * - a whiteout (character device 0/0) becomes an empty regular file `.wh.NAME`, mode 0600,
 *   owner and time kept; so does a hard link to one (the kernel shares one whiteout inode
 *   among many names), which `isWhiteout` recognises by the link's target on disk;
 * - a directory with trusted.overlay.opaque=y is followed by an empty `.wh..wh..opq`;
 * - every trusted.overlay.* xattr is dropped (origin, impure, uuid... are the kernel's
 *   bookkeeping about this upper layer's own lowers);
 * - a name that already starts with `.wh.` is refused: in a layer it would read as a deletion.
 * All other members are passed byte for byte.
 */
class SaveRewrite {
    upperDir;
    isWhiteout;
    stats = { whiteouts: 0, opaqueDirs: 0 };
    /** `isWhiteout(name)`: whether the member `name` (a hard link's target) is a whiteout on disk. */
    constructor(upperDir, isWhiteout) {
        this.upperDir = upperDir;
        this.isWhiteout = isWhiteout;
    }
    member(m) {
        const e = m.entry;
        if (looksLikeWhiteout(e.path)) {
            throw new ImageError(`cannot save ${this.upperDir} as an image: ${JSON.stringify(e.path)} is named like an OCI whiteout (.wh.*), and in a layer it would read as a deletion; rename or remove it before saving`);
        }
        for (const r of m.pax) {
            const why = UNSAVABLE[r.key];
            if (why) {
                throw new ImageError(`cannot save ${this.upperDir} as an image: ${JSON.stringify(e.path)} is ${why}, which an OCI layer cannot express; mount the overlay with redirect_dir=off,metacopy=off (the default) for containers whose layer is saved`);
            }
        }
        const whiteout = (e.type === 'char' && e.devmajor === 0 && e.devminor === 0) || (e.type === 'hardlink' && this.isWhiteout(e.linkTarget));
        if (whiteout) {
            this.stats.whiteouts++;
            const emit = editMember(m, { path: whiteoutName(e.path), typeflag: '0', mode: 0o600, size: 0, linkname: '', devmajor: 0, devminor: 0, drop: layer_save_rewrite_isOverlayXattr });
            return { emit, data: 'skip' };
        }
        const overlayRecords = m.pax.filter((r) => layer_save_rewrite_isOverlayXattr(r.key));
        if (overlayRecords.length === 0)
            return { emit: m.original, data: 'pass' };
        const emit = editMember(m, { drop: layer_save_rewrite_isOverlayXattr });
        const opaque = e.type === 'directory' && overlayRecords.some((r) => r.key === `${layer_save_rewrite_OVERLAY_XATTR}opaque` && paxValue(r).toString('latin1') === 'y');
        if (opaque) {
            this.stats.opaqueDirs++;
            // As Docker writes it: the marker right after its directory, with the directory's
            // owner and permission bits.
            emit.push(...emptyFileMember(opaqueMarkerName(e.path), e.mode & 0o777, m.header));
        }
        return { emit, data: 'pass' };
    }
}

;// CONCATENATED MODULE: ./src/core/image/layer-save.ts













/** The last bytes of a tool's stderr: enough for its message, bounded for a chatty one. */
const layer_save_STDERR_KEEP = 8 * 1024;
/**
 * Starts a tool of the save pipeline. Not exec.ts's execCapture: these move hundreds of
 * megabytes through pipes, as ../rootfs/pipeline.ts does for extraction.
 */
function startTool(file, args, stdio) {
    const child = (0,external_node_child_process_namespaceObject.spawn)(file, args, { stdio });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-layer_save_STDERR_KEEP)));
    const done = new Promise((resolve, reject) => {
        child.on('error', (err) => reject(new ImageError(err.code === 'ENOENT' ? `${file} is not installed; it is needed to save an image layer (install it, or choose another compression)` : `cannot run ${file}: ${err.message}`)));
        child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), stderr: stderr.trim() }));
    });
    return { child, what: [file, ...args].join(' '), done };
}
/** Bytes gathered before a write to the compressor (see runPipeline). */
const GATHER_BYTES = 1 << 20;
const SIGPIPE_STATUS = 128 + 13;
const SIGKILL_STATUS = 128 + 9;
/**
 * Saves an overlay upper directory as an OCI layer file (see layer-save-rewrite.ts for
 * what becomes of whiteouts, opaque directories and the overlay's xattrs):
 *
 *   tar -c upper | node (rewrite; sha256 = diff_id) | zstd -T0 -3 > FILE.tmp; sha256 FILE.tmp = digest
 *
 * Why a rewrite of tar's stream rather than a walk to find whiteouts first and a tar with
 * exclusions and appended entries: tar reads the tree once and does the walk, no pattern
 * per whiteout, no second archive to splice in, and the names it changes are the ones
 * tar wrote. Node only parses headers; file data goes through in the chunks tar wrote,
 * gathered into 1 MiB writes.
 * Digests: the uncompressed stream is hashed in node as it goes by (OpenSSL's SHA-256 runs
 * at ~1.4 GB/s here; coreutils' sha256sum in a tee'd pipeline takes ~1 s of CPU for the
 * 165 MB of Debian's /usr, more than node's whole share). The compressor writes the file
 * itself and node hashes the file afterwards, from the page cache (~50 ms for 50 MB):
 * passing zstd's output through node too cost more CPU than that. Measured by
 * bench/image-save.mjs.
 *
 * The file is written under a temporary name in its directory, fdatasynced and renamed
 * (the directory synced too): `outFile` is either the whole layer or absent, never half
 * of one (an existing file stays until the new one replaces it); on any failure the
 * temporary file is removed. Memory is flat: streams with backpressure, one member's
 * headers at a time (node's peak RSS ~92 MB for a 165 MB and for a 500 MB layer).
 */
async function saveLayer(upperDir, outFile, opts = {}) {
    const compression = opts.compression ?? 'zstd';
    const upper = external_node_path_default().resolve(upperDir);
    const out = external_node_path_default().resolve(outFile);
    const args = tarCreateArgs({ upperDir: upper, exclude: opts.exclude });
    let st;
    try {
        st = (0,external_node_fs_namespaceObject.statSync)(upper);
    }
    catch (err) {
        throw new errors_ConfigError(`cannot save ${upper} as an image: ${err.code === 'ENOENT' ? 'it does not exist (is it the container\'s upper layer?)' : err.message}`);
    }
    if (!st.isDirectory())
        throw new errors_ConfigError(`cannot save ${upper} as an image: it is not a directory (give the container's upper layer directory)`);
    const outDir = external_node_path_default().dirname(out);
    try {
        if (!(0,external_node_fs_namespaceObject.statSync)(outDir).isDirectory())
            throw new Error('not a directory');
    }
    catch {
        throw new errors_ConfigError(`cannot write the image layer ${out}: its directory ${outDir} does not exist (create it first)`);
    }
    if (opts.signal?.aborted)
        throw new ImageError(`saving ${upper} was aborted`);
    const tmp = external_node_path_default().join(outDir, `.${external_node_path_default().basename(out)}.tmp-${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}`);
    let fd;
    try {
        fd = (0,external_node_fs_namespaceObject.openSync)(tmp, 'wx+', 0o644);
    }
    catch (err) {
        throw new ImageError(`cannot create ${tmp} to write the image layer: ${err.message}`);
    }
    let fdOpen = true;
    try {
        const r = await runPipeline(upper, args, compression, fd, opts.signal);
        (0,external_node_fs_namespaceObject.fdatasyncSync)(fd);
        (0,external_node_fs_namespaceObject.closeSync)(fd);
        fdOpen = false;
        (0,external_node_fs_namespaceObject.renameSync)(tmp, out);
        syncDir(outDir);
        return { file: out, compression, mediaType: layerMediaType(compression), ...r };
    }
    catch (err) {
        if (fdOpen)
            (0,external_node_fs_namespaceObject.closeSync)(fd);
        try {
            (0,external_node_fs_namespaceObject.unlinkSync)(tmp);
        }
        catch {
            // already gone
        }
        throw err;
    }
}
/** Makes a rename durable (the directory entry), where the filesystem allows it. */
function syncDir(dir) {
    let fd;
    try {
        fd = (0,external_node_fs_namespaceObject.openSync)(dir, 'r');
        (0,external_node_fs_namespaceObject.fsyncSync)(fd);
    }
    catch {
        // Some filesystems refuse fsync on a directory; the data itself was synced.
    }
    finally {
        if (fd !== undefined)
            (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/** SHA-256 and byte count of what goes through a stream. */
function digester() {
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    let size = 0;
    let digest;
    return {
        update: (b) => {
            hash.update(b);
            size += b.length;
        },
        result: () => ({ digest: (digest ??= `sha256:${hash.digest('hex')}`), size }),
    };
}
/** Writes all of `buf` at the fd's offset (a write may take less than it is given). */
function writeAll(fd, buf, cb) {
    (0,external_node_fs_namespaceObject.write)(fd, buf, 0, buf.length, null, (err, n) => {
        if (err)
            return cb(err);
        if (n < buf.length)
            return writeAll(fd, buf.subarray(n), cb);
        cb();
    });
}
/**
 * The layer file as a stream. Not fs.createWriteStream: it closes its fd when destroyed
 * even with autoClose off, and the fd is saveLayer's to fsync and close.
 */
function fdWriter(fd) {
    return new external_node_stream_namespaceObject.Writable({
        highWaterMark: 1 << 20,
        write(chunk, _enc, cb) {
            writeAll(fd, chunk, cb);
        },
    });
}
/** SHA-256 and size of what was written to `fd`, read back from its start (the page cache, just written). */
async function hashFile(fd) {
    const d = digester();
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0;;) {
        const n = await new Promise((resolve, reject) => (0,external_node_fs_namespaceObject.read)(fd, buf, 0, buf.length, pos, (err, k) => (err ? reject(err) : resolve(k))));
        if (n === 0)
            break;
        d.update(buf.subarray(0, n));
        pos += n;
    }
    return d.result();
}
function settle(streams) {
    return new Promise((resolve) => (0,external_node_stream_namespaceObject.pipeline)(streams, (err) => resolve(err ?? undefined)));
}
async function runPipeline(upper, tarArgs, compression, fd, signal) {
    const tar = startTool('tar', tarArgs, ['ignore', 'pipe', 'pipe']);
    const cmd = compressorCommand(compression);
    // The compressor writes the file itself: its output going through node as well cost
    // more CPU (two more copies, a wake-up per 64 KiB) than reading the file back to hash it.
    const comp = cmd ? startTool(cmd.file, cmd.args, ['pipe', fd, 'pipe']) : undefined;
    const tools = comp ? [tar, comp] : [tar];
    const killAll = () => {
        for (const t of tools)
            if (t.child.exitCode === null && t.child.signalCode === null)
                t.child.kill('SIGKILL');
    };
    // Set by us, in order of blame: the rewrite's refusal, then the file's write error.
    let rewriteError;
    let writeError;
    const isWhiteout = (name) => {
        try {
            const s = (0,external_node_fs_namespaceObject.lstatSync)(external_node_path_default().join(upper, name));
            return s.isCharacterDevice() && s.rdev === 0;
        }
        catch {
            return false;
        }
    };
    const handler = new SaveRewrite(upper, isWhiteout);
    const rewriter = new TarRewriter(handler);
    const plain = digester();
    // The uncompressed layer is hashed here, as it is produced (one stream stage less), and
    // its pieces (a header here, a file's data there) are gathered into writes of about
    // 1 MiB: a pipe write per piece cost more CPU than hashing and compressing together.
    let gathered = [];
    let gatheredBytes = 0;
    const push = (t, parts, force = false) => {
        for (const p of parts) {
            if (!p.length)
                continue;
            plain.update(p);
            gathered.push(p);
            gatheredBytes += p.length;
        }
        if (gatheredBytes >= GATHER_BYTES || (force && gatheredBytes > 0)) {
            t.push(gathered.length === 1 ? gathered[0] : Buffer.concat(gathered, gatheredBytes));
            gathered = [];
            gatheredBytes = 0;
        }
    };
    const rewrite = new external_node_stream_namespaceObject.Transform({
        writableHighWaterMark: 1 << 20,
        readableHighWaterMark: 1 << 20,
        transform(chunk, _enc, cb) {
            try {
                push(this, rewriter.write(chunk));
                cb();
            }
            catch (err) {
                rewriteError = err instanceof TarFormatError ? new ImageError(`tar wrote an archive this save cannot read: ${err.message}`) : err;
                killAll();
                cb(rewriteError);
            }
        },
        flush(cb) {
            try {
                push(this, rewriter.end(), true);
                cb();
            }
            catch (err) {
                rewriteError = err;
                cb(rewriteError);
            }
        },
    });
    const file = comp ? undefined : fdWriter(fd);
    file?.on('error', (err) => {
        writeError ??= new ImageError(`cannot write the image layer: ${err.message}`);
        killAll();
    });
    const onAbort = () => killAll();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
        const flows = comp
            ? [settle([tar.child.stdout, rewrite, comp.child.stdin])]
            : [settle([tar.child.stdout, rewrite, file])];
        const [flowErrors, statuses] = await Promise.all([Promise.all(flows), Promise.allSettled(tools.map((t) => t.done))]);
        if (signal?.aborted)
            throw new ImageError(`saving ${upper} was aborted`);
        if (rewriteError)
            throw rewriteError;
        if (writeError)
            throw writeError;
        // A tool that could not start is the cause; then one that failed by itself (not by
        // SIGPIPE or our SIGKILL after another part stopped), the compressor first: tar's
        // "Broken pipe" is what a dead compressor does to it, never the other way round.
        // tar's exit status 1 ("file changed as we read it") is a failure too: a layer of a
        // tree that was being written is not a layer of anything.
        for (const s of statuses)
            if (s.status === 'rejected')
                throw s.reason;
        const exits = statuses.map((s, i) => ({ tool: tools[i], ...s.value })).reverse();
        for (const { tool, code, stderr } of exits) {
            if (code !== 0 && code !== SIGPIPE_STATUS && code !== SIGKILL_STATUS) {
                throw new ImageError(`${tool.what} failed while saving ${upper} (exit status ${code})${stderr ? `: ${stderr}` : ''}`);
            }
        }
        for (const { tool, code } of exits) {
            if (code !== 0)
                throw new ImageError(`${tool.what} was stopped while saving ${upper} (exit status ${code})`);
        }
        const streamError = flowErrors.find((e) => e !== undefined);
        if (streamError)
            throw new ImageError(`saving ${upper} failed: ${streamError.message}`);
        const p = plain.result();
        const c = comp ? await hashFile(fd) : p;
        return {
            digest: c.digest,
            size: c.size,
            diffId: p.digest,
            uncompressedSize: p.size,
            entries: rewriter.members + handler.stats.opaqueDirs,
            whiteouts: handler.stats.whiteouts,
            opaqueDirs: handler.stats.opaqueDirs,
        };
    }
    finally {
        signal?.removeEventListener('abort', onAbort);
        killAll();
    }
}

;// CONCATENATED MODULE: ./src/core/image/manifest.ts


/**
 * The image manifest: one layer (an OCI layer blob), the root it sits on, the image below
 * it when it is part of a chain, and the container settings worth keeping. Stored as
 * canonical JSON; its sha256 is the image's digest. Pure.
 */
const IMAGE_MEDIA_TYPE = 'application/vnd.micro-container.image.v1+json';
const manifest_DIGEST = /^sha256:[0-9a-f]{64}$/;
const ROOT_ID = /^([0-9a-f]{64}|dir-[0-9a-f]{8,64})$/;
/** Builds and checks a manifest. Pure but for the default creation time. */
function buildImageManifest(input) {
    const m = {
        schemaVersion: 1,
        mediaType: IMAGE_MEDIA_TYPE,
        layer: { digest: input.layer.digest, diffId: input.layer.diffId, mediaType: input.layer.mediaType, size: input.layer.size },
        base: dropUndefined({ id: input.base.id, path: input.base.path, source: input.base.source, name: input.base.name }),
        ...(input.parent !== undefined ? { parent: input.parent } : {}),
        created: input.created ?? new Date().toISOString(),
        ...(input.from !== undefined ? { from: input.from } : {}),
        ...(input.squashed ? { squashed: true } : {}),
        settings: cleanSettings(input.settings ?? {}),
    };
    return validateImageManifest(m, 'the new image manifest');
}
function dropUndefined(o) {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
function cleanSettings(s) {
    const out = {};
    if (s.env && Object.keys(s.env).length)
        out.env = { ...s.env };
    if (s.workdir)
        out.workdir = s.workdir;
    if (s.user)
        out.user = s.user;
    if (s.startup && s.startup.length)
        out.startup = [...s.startup];
    return out;
}
function fail(where, what) {
    throw new ImageError(`${where} is not a valid micro-container image manifest: ${what}`);
}
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Checks parsed JSON as a manifest; ImageError naming WHERE and the field otherwise. Pure. */
function validateImageManifest(v, where) {
    if (!isObject(v))
        fail(where, 'not a JSON object');
    if (v.schemaVersion !== 1)
        fail(where, `schemaVersion is ${JSON.stringify(v.schemaVersion)}, not 1 (made by a newer micro-container?)`);
    if (v.mediaType !== IMAGE_MEDIA_TYPE)
        fail(where, `mediaType is ${JSON.stringify(v.mediaType)}, not ${IMAGE_MEDIA_TYPE}`);
    const l = v.layer;
    if (!isObject(l))
        fail(where, 'layer is missing');
    if (typeof l.digest !== 'string' || !manifest_DIGEST.test(l.digest))
        fail(where, 'layer.digest is not sha256:<64 hex>');
    if (typeof l.diffId !== 'string' || !manifest_DIGEST.test(l.diffId))
        fail(where, 'layer.diffId is not sha256:<64 hex>');
    if (typeof l.mediaType !== 'string' || !/^application\/vnd\.oci\.image\.layer\.v1\.tar(\+gzip|\+zstd)?$/.test(l.mediaType))
        fail(where, 'layer.mediaType is not an OCI layer media type');
    if (typeof l.size !== 'number' || !Number.isSafeInteger(l.size) || l.size < 0)
        fail(where, 'layer.size is not a byte count');
    const b = v.base;
    if (!isObject(b))
        fail(where, 'base is missing');
    if (b.id === undefined && b.path === undefined)
        fail(where, 'base has neither an id nor a path');
    if (b.id !== undefined && (typeof b.id !== 'string' || !ROOT_ID.test(b.id)))
        fail(where, 'base.id is not a root id (64 hex digits, or dir-...)');
    if (b.path !== undefined && (typeof b.path !== 'string' || !b.path.startsWith('/')))
        fail(where, 'base.path is not an absolute path');
    for (const k of ['source', 'name'])
        if (b[k] !== undefined && typeof b[k] !== 'string')
            fail(where, `base.${k} is not a string`);
    if (v.parent !== undefined && (typeof v.parent !== 'string' || !manifest_DIGEST.test(v.parent)))
        fail(where, 'parent is not sha256:<64 hex>');
    if (typeof v.created !== 'string' || Number.isNaN(Date.parse(v.created)))
        fail(where, 'created is not a date');
    if (v.from !== undefined && typeof v.from !== 'string')
        fail(where, 'from is not a string');
    if (v.squashed !== undefined && typeof v.squashed !== 'boolean')
        fail(where, 'squashed is not true or false');
    const s = v.settings;
    if (!isObject(s))
        fail(where, 'settings is missing');
    if (s.env !== undefined && (!isObject(s.env) || Object.entries(s.env).some(([k, x]) => typeof x !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)))) {
        fail(where, 'settings.env is not a map of NAME to string');
    }
    if (s.workdir !== undefined && (typeof s.workdir !== 'string' || !s.workdir.startsWith('/')))
        fail(where, 'settings.workdir is not an absolute path');
    if (s.user !== undefined && typeof s.user !== 'string')
        fail(where, 'settings.user is not a string');
    if (s.startup !== undefined && (!Array.isArray(s.startup) || s.startup.some((x) => typeof x !== 'string')))
        fail(where, 'settings.startup is not a list of strings');
    return v;
}
/** JSON with keys sorted at every level: one manifest, one digest. Pure. */
function canonicalManifestJson(m) {
    const sort = (x) => Array.isArray(x) ? x.map(sort) : isObject(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x;
    return `${JSON.stringify(sort(m))}\n`;
}
/** The manifest's bytes and its digest (`sha256:HEX`), the image's identity. Pure. */
function encodeImageManifest(m) {
    const bytes = Buffer.from(canonicalManifestJson(m));
    return { bytes, digest: `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex')}` };
}
/** Parses manifest bytes; ImageError when they are not JSON or not a manifest. Pure. */
function decodeImageManifest(bytes, where) {
    let v;
    try {
        v = JSON.parse(bytes.toString());
    }
    catch (err) {
        throw new ImageError(`${where} is not JSON (${err.message}); the image is damaged: save or load it again`);
    }
    return validateImageManifest(v, where);
}

;// CONCATENATED MODULE: ./src/core/image/store.ts











/** `sha256:HEX` -> HEX, for file names. */
function hexOf(digest) {
    return digest.replace(/^sha256:/, '');
}
function store_errno(err) {
    return err?.code;
}
/** Writes BYTES to FILE through a temp name in its directory and a rename. */
function store_writeAtomic(file, bytes) {
    (0,external_node_fs_namespaceObject.mkdirSync)(external_node_path_default().dirname(file), { recursive: true });
    const tmp = external_node_path_default().join(external_node_path_default().dirname(file), `.${external_node_path_default().basename(file)}.tmp-${process.pid}-${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex')}`);
    try {
        (0,external_node_fs_namespaceObject.writeFileSync)(tmp, bytes);
        (0,external_node_fs_namespaceObject.renameSync)(tmp, file);
    }
    catch (err) {
        (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
        throw err;
    }
}
/**
 * The images of a library dir, content-addressed:
 *   store/images/blobs/sha256/HEX      layer blobs (OCI layer tars, zstd/gzip/plain)
 *   store/images/manifests/HEX.json    image manifests (manifest.ts); HEX is the image digest
 *   store/images/names/NAME:TAG        the digest a name points to (replaced by rename)
 *   store/layers/HEX/                  a layer applied as an overlay lower dir (HEX: its diff_id),
 *                                      made once, under a lock, renamed into place when whole
 * Blobs and manifests are only ever added whole (temp name + rename) and, being named by
 * their content, two saves of the same layer write the same file: the second rename
 * replaces it with identical bytes. Names are the only mutable part.
 */
class ImageStore {
    libraryDir;
    constructor(libraryDir) {
        this.libraryDir = libraryDir;
    }
    get dir() {
        return external_node_path_default().join(this.libraryDir, 'store', 'images');
    }
    get blobsDir() {
        return external_node_path_default().join(this.dir, 'blobs', 'sha256');
    }
    get manifestsDir() {
        return external_node_path_default().join(this.dir, 'manifests');
    }
    get namesDir() {
        return external_node_path_default().join(this.dir, 'names');
    }
    get layersDir() {
        return external_node_path_default().join(this.libraryDir, 'store', 'layers');
    }
    blobPath(digest) {
        return external_node_path_default().join(this.blobsDir, hexOf(digest));
    }
    manifestPath(digest) {
        return external_node_path_default().join(this.manifestsDir, `${hexOf(digest)}.json`);
    }
    namePath(name) {
        return external_node_path_default().join(this.namesDir, name);
    }
    layerDir(diffId) {
        return external_node_path_default().join(this.layersDir, hexOf(diffId));
    }
    lockPath(what) {
        return external_node_path_default().join(this.libraryDir, 'store', 'locks', `image-${what}.lock`);
    }
    /** Saves an upper directory as a layer blob in the store (layer-save.ts does the work). */
    async saveUpper(upperDir, opts = {}) {
        (0,external_node_fs_namespaceObject.mkdirSync)(this.blobsDir, { recursive: true });
        const tmp = external_node_path_default().join(this.blobsDir, `.incoming-${process.pid}-${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}`);
        try {
            const r = await saveLayer(upperDir, tmp, opts);
            (0,external_node_fs_namespaceObject.renameSync)(tmp, this.blobPath(r.digest));
            return { digest: r.digest, diffId: r.diffId, mediaType: r.mediaType, size: r.size };
        }
        finally {
            (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
        }
    }
    /** Moves a verified blob file into the store under its digest. */
    adoptBlob(file, digest) {
        (0,external_node_fs_namespaceObject.mkdirSync)(this.blobsDir, { recursive: true });
        (0,external_node_fs_namespaceObject.renameSync)(file, this.blobPath(digest));
    }
    hasBlob(digest) {
        return (0,external_node_fs_namespaceObject.existsSync)(this.blobPath(digest));
    }
    /** Stores a manifest; returns its digest (the image's). */
    putManifest(m) {
        const { bytes, digest } = encodeImageManifest(m);
        if (!(0,external_node_fs_namespaceObject.existsSync)(this.manifestPath(digest)))
            store_writeAtomic(this.manifestPath(digest), bytes);
        return digest;
    }
    hasManifest(digest) {
        return (0,external_node_fs_namespaceObject.existsSync)(this.manifestPath(digest));
    }
    /** Reads a stored manifest, checking that its bytes still have its digest. */
    readManifest(digest) {
        let bytes;
        try {
            bytes = (0,external_node_fs_namespaceObject.readFileSync)(this.manifestPath(digest));
        }
        catch (err) {
            if (store_errno(err) === 'ENOENT')
                throw new errors_ConfigError(`image ${digest} is not in ${this.libraryDir} (see image ls, or image load it)`);
            throw err;
        }
        const actual = `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex')}`;
        if (actual !== digest)
            throw new ImageError(`the stored manifest of image ${digest} is damaged (its sha256 is ${actual}); remove the image and load it again`);
        return decodeImageManifest(bytes, `the manifest of image ${digest}`);
    }
    /** Points NAME[:TAG] at DIGEST (a rename: readers see the old digest or the new one). */
    async setName(name, digest) {
        const full = formatImageName(parseImageName(name));
        if (!this.hasManifest(digest))
            throw new ImageError(`cannot name ${full}: image ${digest} is not stored`);
        await withFileLock(this.lockPath('names'), async () => store_writeAtomic(this.namePath(full), `${digest}\n`));
        return full;
    }
    /** The digest NAME:TAG points to, or undefined. */
    readName(full) {
        try {
            const d = (0,external_node_fs_namespaceObject.readFileSync)(this.namePath(full), 'utf8').trim();
            return /^sha256:[0-9a-f]{64}$/.test(d) ? d : undefined;
        }
        catch {
            return undefined;
        }
    }
    /** An image by name, digest or digest prefix; ConfigError saying what to do when there is none. */
    resolve(text) {
        const ref = parseImageRef(text);
        if (ref.kind === 'name') {
            const full = formatImageName(ref);
            const digest = this.readName(full);
            if (!digest)
                throw new errors_ConfigError(`there is no image named ${full} in ${this.libraryDir} (see image ls; image save or image load makes one)`);
            return { name: full, digest, manifest: this.readManifest(digest) };
        }
        if (!ref.prefix)
            return { digest: `sha256:${ref.hex}`, manifest: this.readManifest(`sha256:${ref.hex}`) };
        const hits = this.manifestDigests().filter((d) => hexOf(d).startsWith(ref.hex));
        if (hits.length === 0)
            throw new errors_ConfigError(`no image's digest starts with ${ref.hex} in ${this.libraryDir} (see image ls)`);
        if (hits.length > 1)
            throw new errors_ConfigError(`${hits.length} images' digests start with ${ref.hex}: give more digits`);
        return { digest: hits[0], manifest: this.readManifest(hits[0]) };
    }
    /** The image and the images below it, newest (top) first. */
    chain(digest) {
        const out = [];
        const seen = new Set();
        for (let d = digest; d !== undefined;) {
            if (seen.has(d))
                throw new ImageError(`image ${digest} has a loop in its parents at ${d}; the store is damaged`);
            seen.add(d);
            if (!this.hasManifest(d))
                throw new ImageError(`image ${out.at(-1)?.digest ?? digest} sits on image ${d}, which is not in ${this.libraryDir}; load the parent image first, or save with --squash`);
            const manifest = this.readManifest(d);
            out.push({ digest: d, manifest });
            d = manifest.parent;
        }
        return out;
    }
    manifestDigests() {
        try {
            return (0,external_node_fs_namespaceObject.readdirSync)(this.manifestsDir)
                .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
                .map((f) => `sha256:${f.slice(0, 64)}`);
        }
        catch {
            return [];
        }
    }
    /** Named images, sorted by name. */
    list() {
        let names;
        try {
            names = (0,external_node_fs_namespaceObject.readdirSync)(this.namesDir).filter((n) => !n.startsWith('.'));
        }
        catch {
            return [];
        }
        const out = [];
        for (const name of names.sort()) {
            const digest = this.readName(name);
            if (!digest || !this.hasManifest(digest))
                continue;
            out.push({ name, digest, manifest: this.readManifest(digest) });
        }
        return out;
    }
    /**
     * Removes the name; then whatever no remaining name needs (manifests, blobs, applied
     * layer dirs), except layer dirs that a container of this library dir stacks (running
     * or not: a container started from the image keeps its layers, as its upper needs them).
     * Returns the paths removed.
     */
    async remove(text) {
        const ref = parseImageRef(text);
        if (ref.kind !== 'name')
            throw new errors_ConfigError(`image rm takes a name (NAME[:TAG]), not a digest: see image ls for the names`);
        const full = formatImageName(ref);
        return withFileLock(this.lockPath('names'), async () => {
            if (!this.readName(full))
                throw new errors_ConfigError(`there is no image named ${full} in ${this.libraryDir} (see image ls)`);
            (0,external_node_fs_namespaceObject.rmSync)(this.namePath(full));
            return [this.namePath(full), ...this.collectGarbage()];
        });
    }
    /** Removes what no named image reaches. Called under the names lock. */
    collectGarbage() {
        const manifests = new Set();
        const blobs = new Set();
        const layers = new Set();
        for (const img of this.list()) {
            let chain;
            try {
                chain = this.chain(img.digest);
            }
            catch {
                chain = [img];
            }
            for (const c of chain) {
                manifests.add(hexOf(c.digest));
                blobs.add(hexOf(c.manifest.layer.digest));
                layers.add(hexOf(c.manifest.layer.diffId));
            }
        }
        for (const dir of this.containerLowerDirs())
            if (external_node_path_default().dirname(dir) === this.layersDir)
                layers.add(external_node_path_default().basename(dir));
        const removed = [];
        const sweep = (dir, keep) => {
            let entries = [];
            try {
                entries = (0,external_node_fs_namespaceObject.readdirSync)(dir);
            }
            catch {
                return;
            }
            for (const f of entries) {
                if (f.startsWith('.') || keep(f))
                    continue;
                (0,external_node_fs_namespaceObject.rmSync)(external_node_path_default().join(dir, f), { recursive: true, force: true });
                removed.push(external_node_path_default().join(dir, f));
            }
        };
        sweep(this.manifestsDir, (f) => manifests.has(f.replace(/\.json$/, '')));
        sweep(this.blobsDir, (f) => blobs.has(f));
        sweep(this.layersDir, (f) => layers.has(f));
        return removed;
    }
    /** Lower dirs of the containers of this library dir, as their run records have them. */
    containerLowerDirs() {
        let entries = [];
        try {
            entries = (0,external_node_fs_namespaceObject.readdirSync)(this.libraryDir).filter((e) => e === 'app' || e.startsWith('app-'));
        }
        catch {
            return [];
        }
        const out = [];
        for (const e of entries) {
            out.push(...(readRunRecord(external_node_path_default().join(this.libraryDir, e))?.lowerDirs ?? []));
        }
        return out;
    }
    /**
     * The layer applied as an overlay lower dir (store/layers/DIFFHEX), made from its blob
     * the first time it is needed; two processes needing it at once apply it once.
     */
    async ensureLayerDir(layer, log) {
        const dir = this.layerDir(layer.diffId);
        if (store_isDir(dir))
            return dir;
        if (!this.hasBlob(layer.digest))
            throw new ImageError(`the layer blob ${layer.digest} is missing from ${this.blobsDir}; load the image again`);
        await withFileLock(this.lockPath(`layer-${hexOf(layer.diffId)}`), async () => {
            if (store_isDir(dir))
                return;
            (0,external_node_fs_namespaceObject.mkdirSync)(this.layersDir, { recursive: true });
            await applyLayer(this.blobPath(layer.digest), dir, { log });
        }, { onWait: () => log?.(`another process is applying layer ${layer.diffId}; waiting for it`) });
        return dir;
    }
}
function store_isDir(p) {
    try {
        return (0,external_node_fs_namespaceObject.statSync)(p).isDirectory();
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/core/image/resolve.ts







/**
 * `container --image IMAGE`: the config with lowerDirs = the image chain's applied layers,
 * newest first, then the base root; the image's settings (env, workdir, user) under the
 * ones given on the command line. The container keeps its own upper layer (its name's),
 * so the image itself is never written to. Applies layers and may fetch the base: root.
 */
async function resolveImageConfig(config, imageRef, opts = {}) {
    const cwd = opts.cwd ?? process.cwd();
    const libraryDir = external_node_path_default().resolve(cwd, config.libraryDir || DEFAULT_LIBRARY_DIR);
    const store = new ImageStore(libraryDir);
    const image = store.resolve(imageRef);
    const chain = store.chain(image.digest);
    const base = image.manifest.base;
    for (const c of chain) {
        if (!sameBase(c.manifest.base, base))
            throw new errors_ConfigError(`image ${image.digest} sits on image ${c.digest}, which has another base root; the chain is inconsistent: save it again with --squash`);
    }
    const baseDir = await ensureBase(libraryDir, base, opts.log);
    if (config.lowerDirs && config.lowerDirs.length > 0) {
        const given = config.lowerDirs.map((d) => realOrSelf(external_node_path_default().resolve(cwd, d)));
        if (given.length !== 1 || given[0] !== realOrSelf(baseDir)) {
            throw new errors_ConfigError(`image ${imageRef} sits on the root ${describeBase(base)} (${baseDir}), and -l gives a different base (${config.lowerDirs.join(':')}): leave -l out with --image`);
        }
    }
    const layers = [];
    for (const c of chain)
        layers.push(await store.ensureLayerDir(c.manifest.layer, opts.log));
    const s = settingsOf(chain);
    const env = { ...(s.env ?? {}), ...(config.env ?? {}) };
    const out = { ...config, lowerDirs: [...layers, baseDir] };
    if (Object.keys(env).length)
        out.env = env;
    if (out.workdir === undefined && s.workdir)
        out.workdir = s.workdir;
    if (out.user === undefined && s.user)
        out.user = s.user;
    return { config: out, image, chain, baseDir };
}
/** The settings of a chain: each image's over the ones below it. */
function settingsOf(chainNewestFirst) {
    const out = {};
    for (const c of [...chainNewestFirst].reverse()) {
        const s = c.manifest.settings;
        if (s.env)
            out.env = { ...(out.env ?? {}), ...s.env };
        if (s.workdir)
            out.workdir = s.workdir;
        if (s.user)
            out.user = s.user;
        if (s.startup)
            out.startup = [...(out.startup ?? []), ...s.startup];
    }
    return out;
}
function sameBase(a, b) {
    return a.id === b.id && (a.id !== undefined || a.path === b.path);
}
function describeBase(b) {
    const what = b.id ?? b.path ?? '?';
    return b.name ? `${b.name} (${what})` : what;
}
function realOrSelf(p) {
    try {
        return (0,external_node_fs_namespaceObject.realpathSync)(p);
    }
    catch {
        return p;
    }
}
/**
 * The base root's directory: in the store already; or fetched again from where it came
 * from (a URL or an archive file) and checked to be the same archive by its sha256; a
 * plain directory must still be there. Anything else is a clear error.
 */
async function ensureBase(libraryDir, base, log) {
    const roots = new RootStore(libraryDir);
    if (base.id !== undefined) {
        if (roots.hasRoot(base.id))
            return roots.rootDir(base.id);
        const source = base.source;
        if (!validDigest(base.id) || source === undefined) {
            throw new errors_ConfigError(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and it was copied from a directory${source ? ` (${source})` : ''}, so it cannot be fetched again: add that root with rootfs add, or save the image with its root on this machine`);
        }
        let kind;
        try {
            kind = classifySource(source);
        }
        catch {
            throw new errors_ConfigError(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and its source ${source} is gone: rootfs add the same archive (sha256 ${base.id})`);
        }
        if (kind === 'directory')
            throw new errors_ConfigError(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and its source ${source} is now a directory: rootfs add the archive with sha256 ${base.id}`);
        const name = base.name && !(0,external_node_fs_namespaceObject.existsSync)(roots.namePath(base.name)) ? base.name : `base-${base.id.slice(0, 12)}`;
        log?.(`fetching the image's base root from ${source}`);
        try {
            await addRoot(roots, name, source, { sha256: base.id, log });
        }
        catch (err) {
            if (/sha256 mismatch/.test(err.message)) {
                throw new errors_ConfigError(`the image sits on the root with sha256 ${base.id}, but ${source} now gives a different one; a different base cannot carry this image: find the original archive and rootfs add it`);
            }
            throw err;
        }
        return roots.rootDir(base.id);
    }
    const dir = base.path;
    let ok = false;
    try {
        ok = (0,external_node_fs_namespaceObject.statSync)(dir).isDirectory();
    }
    catch {
        ok = false;
    }
    if (!ok)
        throw new errors_ConfigError(`the image sits on the directory ${dir}, which is not on this host: save images over a root in the store (rootfs add) to use them elsewhere`);
    return dir;
}
/**
 * What a container's lower dirs say its image sits on: one store root or plain directory,
 * or the applied layers of a stored image over its base. Used by `image save`.
 */
function baseOfLowerDirs(libraryDir, lowerDirs) {
    if (lowerDirs.length === 0)
        throw new errors_ConfigError('the container has no lower directory on record; run it again with this micro-container');
    const store = new ImageStore(libraryDir);
    const roots = new RootStore(libraryDir);
    const baseDir = realOrSelf(lowerDirs[lowerDirs.length - 1]);
    let base;
    if (external_node_path_default().dirname(baseDir) === realOrSelf(roots.rootsDir)) {
        const id = external_node_path_default().basename(baseDir);
        let source;
        try {
            source = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(`${roots.rootDir(id)}.json`, 'utf8')).source;
        }
        catch {
            source = undefined;
        }
        const name = roots.list().find((r) => realOrSelf(r.path) === baseDir)?.name;
        base = { id, ...(source ? { source } : {}), ...(name ? { name } : {}) };
    }
    else {
        base = { path: baseDir };
    }
    const layers = lowerDirs.slice(0, -1).map((d) => realOrSelf(d));
    if (layers.length === 0)
        return { base };
    const layersDir = realOrSelf(store.layersDir);
    if (!layers.every((d) => external_node_path_default().dirname(d) === layersDir)) {
        throw new errors_ConfigError(`the container stacks several lower directories (${lowerDirs.join(':')}) that are not the layers of an image: image save needs a container over one root, or one started with --image`);
    }
    const want = layers.map((d) => external_node_path_default().basename(d)).join(',');
    for (const digest of store.manifestDigests()) {
        let chain;
        try {
            chain = store.chain(digest);
        }
        catch {
            continue;
        }
        if (chain.map((c) => c.manifest.layer.diffId.replace(/^sha256:/, '')).join(',') === want && sameBase(chain[0].manifest.base, base)) {
            return { base: chain[0].manifest.base, parent: chain[0] };
        }
    }
    throw new errors_ConfigError(`the image the container was started from is no longer in ${libraryDir} (it was removed?): load it again, or run the container over a root`);
}

;// CONCATENATED MODULE: ./src/core/image/export-image.ts






/**
 * `image export IMAGE --oci DEST`: an OCI image layout (directory, or a .tar) of the base
 * root and the image chain's layers, bottom first, with the image's settings as its
 * config. The base is the archive the root came from when the store kept it (recompressed
 * only when it is xz or bzip2), else the root directory packed as a layer.
 */
async function exportImage(store, ref, dest, opts = {}) {
    const image = store.resolve(ref);
    const chain = store.chain(image.digest);
    const base = image.manifest.base;
    const roots = new RootStore(store.libraryDir);
    (0,external_node_fs_namespaceObject.mkdirSync)(store.dir, { recursive: true });
    const work = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(store.dir, '.export-'));
    try {
        let baseLayer;
        if (base.id !== undefined && validDigest(base.id) && (0,external_node_fs_namespaceObject.existsSync)(roots.archivePath(base.id))) {
            baseLayer = { file: roots.archivePath(base.id), createdBy: `micro-container: base root ${describeBase(base)}` };
        }
        else {
            const dir = await ensureBase(store.libraryDir, base, opts.log);
            opts.log?.(`packing the base root ${dir} as a layer`);
            const file = external_node_path_default().join(work, 'base.tar.zst');
            await rootLayerFromDirectory(dir, file, { compression: 'zstd' });
            baseLayer = { file, compression: 'zstd', createdBy: `micro-container: base root ${describeBase(base)}` };
        }
        const layers = [baseLayer];
        for (const c of [...chain].reverse()) {
            const l = c.manifest.layer;
            layers.push({ file: store.blobPath(l.digest), mediaType: l.mediaType, digest: l.digest, diffId: l.diffId, size: l.size, createdBy: `micro-container: image save ${c.manifest.from ?? ''} (${c.digest})`.replace('  ', ' ') });
        }
        const s = settingsOf(chain);
        return await exportOciLayout({ layers, config: { env: s.env, workdir: s.workdir, user: s.user, created: image.manifest.created }, tag: opts.tag }, dest);
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(work, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/core/image/image-file.ts










/**
 * An image FILE (`image save -o FILE`, for artifacts and caches) is one uncompressed tar
 * (its layer blobs are compressed already):
 *   manifest.json              the image's manifest (its sha256 is the image's digest)
 *   manifests/HEX.json         every manifest of its chain (the image's own too)
 *   blobs/sha256/HEX           every layer blob of the chain
 * so that it loads in a library dir that has none of it. Members are written with fixed
 * owners, modes and times and in a fixed order: the same image gives the same file.
 */
const MEMBER = /^(manifest\.json|manifests\/?|manifests\/[0-9a-f]{64}\.json|blobs\/?|blobs\/sha256\/?|blobs\/sha256\/[0-9a-f]{64})$/;
/** Writes image DIGEST (and its chain) to OUTFILE, atomically. */
async function writeImageFile(store, digest, outFile) {
    const out = external_node_path_default().resolve(outFile);
    const outDir = external_node_path_default().dirname(out);
    if (!(0,external_node_fs_namespaceObject.existsSync)(outDir))
        throw new errors_ConfigError(`cannot write the image file ${out}: its directory does not exist (create it first)`);
    if ((0,external_node_fs_namespaceObject.existsSync)(out) && !(0,external_node_fs_namespaceObject.statSync)(out).isFile())
        throw new errors_ConfigError(`${out} exists and is not a regular file: give a file path for -o`);
    const chain = store.chain(digest);
    for (const c of chain) {
        if (!store.hasBlob(c.manifest.layer.digest))
            throw new ImageError(`the layer blob ${c.manifest.layer.digest} of image ${c.digest} is missing from the store; the image cannot be written (remove it and load or save it again)`);
    }
    (0,external_node_fs_namespaceObject.mkdirSync)(store.dir, { recursive: true });
    const staging = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(store.dir, '.file-'));
    const tmp = external_node_path_default().join(outDir, `.${external_node_path_default().basename(out)}.tmp-${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}`);
    try {
        (0,external_node_fs_namespaceObject.writeFileSync)(external_node_path_default().join(staging, 'manifest.json'), (0,external_node_fs_namespaceObject.readFileSync)(store.manifestPath(digest)));
        const manifests = [...new Set(chain.map((c) => `manifests/${hexOf(c.digest)}.json`))].sort();
        const blobs = [...new Set(chain.map((c) => `blobs/sha256/${hexOf(c.manifest.layer.digest)}`))].sort();
        const r = await exec_execCapture('tar', [
            '--create', `--file=${tmp}`, '--format=posix', '--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '--mode=a=r,u+w',
            '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
            `--directory=${staging}`, 'manifest.json', `--directory=${store.dir}`, ...manifests, ...blobs,
        ]);
        if (r.code !== 0)
            throw new ImageError(`writing the image file ${out} failed: ${r.stderr.trim() || `tar exit status ${r.code}`}`);
        (0,external_node_fs_namespaceObject.renameSync)(tmp, out);
        return { file: out, chain, size: (0,external_node_fs_namespaceObject.statSync)(out).size };
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(staging, { recursive: true, force: true });
        (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
    }
}
/**
 * Loads an image file into the store: every member's name is checked before anything is
 * unpacked (only the three kinds above), every manifest's sha256 against its name, every
 * blob's sha256, size and uncompressed sha256 (diff_id) against its manifest, and the
 * chain must be complete (in the file or the store). Only then are blobs and manifests
 * moved into the store and the name set: a corrupt or truncated file loads nothing.
 */
async function loadImageFile(store, file, as) {
    const src = external_node_path_default().resolve(file);
    let st;
    try {
        st = (0,external_node_fs_namespaceObject.statSync)(src);
    }
    catch {
        throw new errors_ConfigError(`image file ${src} does not exist: give the path of a file written by image save -o`);
    }
    if (!st.isFile())
        throw new errors_ConfigError(`${src} is not a regular file: give the path of a file written by image save -o`);
    const name = as !== undefined ? formatImageName(parseImageName(as)) : undefined;
    const bad = (why) => new ImageError(`${src} is not a complete micro-container image file (${why}); nothing was loaded: save it again`);
    const list = await exec_execCapture('tar', ['--list', `--file=${src}`]);
    if (list.code !== 0)
        throw bad(`tar cannot read it: ${list.stderr.trim().split('\n').slice(-2).join('; ') || `exit ${list.code}`}`);
    const members = list.stdout.split('\n').filter((l) => l !== '');
    // Only files and directories: a link in an image file could make the unpacking write or read elsewhere.
    const verbose = await exec_execCapture('tar', ['--list', '--verbose', `--file=${src}`]);
    const kinds = verbose.stdout.split('\n').filter((l) => l !== '');
    if (verbose.code !== 0 || kinds.length !== members.length)
        throw bad('tar cannot list it');
    const odd = kinds.findIndex((l) => l[0] !== '-' && l[0] !== 'd');
    if (odd >= 0)
        throw bad(`${JSON.stringify(members[odd])} is not a regular file or directory`);
    const strange = members.find((m) => !MEMBER.test(m));
    if (strange !== undefined)
        throw bad(`it holds ${JSON.stringify(strange)}, which an image file does not`);
    if (!members.includes('manifest.json'))
        throw bad('it has no manifest.json');
    (0,external_node_fs_namespaceObject.mkdirSync)(store.dir, { recursive: true });
    const staging = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(store.dir, '.load-'));
    try {
        const x = await exec_execCapture('tar', ['--extract', `--file=${src}`, `--directory=${staging}`, '--no-same-owner', '--no-same-permissions', '--no-overwrite-dir']);
        if (x.code !== 0)
            throw bad(`unpacking failed: ${x.stderr.trim().split('\n').slice(-2).join('; ') || `exit ${x.code}`}`);
        const regular = (p) => {
            try {
                return (0,external_node_fs_namespaceObject.lstatSync)(p).isFile();
            }
            catch {
                return false;
            }
        };
        const topBytes = (0,external_node_fs_namespaceObject.readFileSync)(external_node_path_default().join(staging, 'manifest.json'));
        const top = decodeImageManifest(topBytes, `manifest.json in ${src}`);
        const digest = sha256Of(topBytes);
        if (!regular(external_node_path_default().join(staging, 'manifest.json')))
            throw bad('manifest.json is not a regular file');
        // The chain, top first: each manifest from the file (checked) or the store.
        const fromFile = [];
        let newBlobs = 0;
        const seen = new Set();
        for (let d = digest, bytes = topBytes; d !== undefined;) {
            if (seen.has(d))
                throw bad(`its chain of parents loops at ${d}`);
            seen.add(d);
            const p = external_node_path_default().join(staging, 'manifests', `${hexOf(d)}.json`);
            if (bytes === undefined && regular(p))
                bytes = (0,external_node_fs_namespaceObject.readFileSync)(p);
            let manifest;
            if (bytes !== undefined) {
                manifest = decodeImageManifest(bytes, `manifest ${d} in ${src}`);
                const raw = sha256Of(bytes);
                if (raw !== d)
                    throw bad(`the manifest named ${d} has sha256 ${raw}`);
                if (encodeImageManifest(manifest).digest !== d)
                    throw bad(`the manifest ${d} is not in canonical form`);
                fromFile.push({ digest: d, bytes, manifest });
            }
            else if (store.hasManifest(d)) {
                manifest = store.readManifest(d);
            }
            else {
                throw bad(`image ${d}, a parent in its chain, is neither in the file nor in ${store.libraryDir}`);
            }
            d = manifest.parent;
            bytes = undefined;
        }
        // Blobs: from the file, checked; or already in the store.
        const adopt = [];
        for (const m of fromFile) {
            const l = m.manifest.layer;
            const p = external_node_path_default().join(staging, 'blobs', 'sha256', hexOf(l.digest));
            if (!regular(p)) {
                if (store.hasBlob(l.digest))
                    continue;
                throw bad(`the layer blob ${l.digest} of image ${m.digest} is missing`);
            }
            const { digest: got, size } = await fileDigest(p);
            if (got !== l.digest)
                throw bad(`the layer blob ${l.digest} has sha256 ${got}: it is damaged`);
            if (size !== l.size)
                throw bad(`the layer blob ${l.digest} is ${size} bytes, not ${l.size}`);
            let diffId;
            try {
                diffId = await uncompressedDigest(p, await sniffCompression(p));
            }
            catch (err) {
                throw bad(`the layer blob ${l.digest} cannot be decompressed: ${err.message}`);
            }
            if (diffId !== l.diffId)
                throw bad(`the layer blob ${l.digest} unpacks to a tar with sha256 ${diffId}, not its diff_id ${l.diffId}`);
            adopt.push({ file: p, digest: l.digest });
        }
        // All checked: into the store, blobs first, manifests next, the name last.
        for (const a of adopt) {
            if (!store.hasBlob(a.digest))
                newBlobs++;
            store.adoptBlob(a.file, a.digest);
        }
        for (const m of [...fromFile].reverse())
            store.putManifest(m.manifest);
        const stored = digest;
        const finalName = name ?? (top.from ? safeName(top.from) : undefined);
        if (finalName !== undefined)
            await store.setName(finalName, stored);
        return { digest: stored, manifest: top, name: finalName, newBlobs };
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(staging, { recursive: true, force: true });
    }
}
function sha256Of(bytes) {
    return `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex')}`;
}
/** The container name an image came from, as an image name, when it makes one. */
function safeName(from) {
    try {
        return formatImageName(parseImageName(from.toLowerCase()));
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/api/startup.ts



/**
 * A container's startup commands, kept in its state dir (LIBRARYDIR/app-NAME), so that a
 * later provision() of the same name has them, and `image save` puts them in the image's
 * manifest. Removed with the container (rm removes the state dir).
 */
const STARTUP_FILE = 'startup.json';
function readStartupCommands(stateDir) {
    try {
        const v = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(external_node_path_default().join(stateDir, STARTUP_FILE), 'utf8'));
        return Array.isArray(v.startup) ? v.startup.filter((c) => typeof c === 'string') : [];
    }
    catch {
        return [];
    }
}
/** Written atomically (temp name in the same directory, then rename). */
function writeStartupCommands(stateDir, commands) {
    writeAtomic(path.join(stateDir, STARTUP_FILE), `${JSON.stringify({ startup: commands }, null, 2)}\n`, 0o600);
}

;// CONCATENATED MODULE: ./src/core/image/squash.ts





/**
 * Merges overlay layer directories (bottom first: applied image layers, then a
 * container's upper) into one directory that is itself an upper layer over the same
 * base: what `image save --squash` saves as ONE layer.
 *
 * Why not tar the merged view of an overlay mount: a mount of the layers without the base
 * shows what they hold, but consumes their whiteouts, so the base files the chain deleted
 * would come back. Here each layer is laid over the result with overlay's rules, keeping
 * what the base needs to know:
 * - a whiteout (char 0/0) replaces whatever is there and stays a whiteout;
 * - a non-directory replaces whatever is there;
 * - an opaque directory (trusted.overlay.opaque=y) replaces whatever is there, whole;
 * - a plain directory over a directory merges into it (its own metadata wins);
 * - a plain directory over a non-directory (a file or whiteout of a lower layer) hides the
 *   base below, so it is marked opaque here, as overlayfs itself does on copy-up.
 * Copies go through one GNU tar pipe per layer (owners, modes, xattrs, ACLs, device
 * nodes, hard links within a layer), the same extraction arguments as applying a layer.
 * Needs root. Hard links between files of different layers become copies.
 */
async function mergeLayerDirs(layersBottomFirst, dest, baseDir) {
    (0,external_node_fs_namespaceObject.mkdirSync)(dest, { recursive: true });
    for (const layer of layersBottomFirst) {
        const opaque = await opaqueDirs(layer);
        const take = [];
        const markOpaque = [];
        const walk = (rel) => {
            for (const name of (0,external_node_fs_namespaceObject.readdirSync)(external_node_path_default().join(layer, rel)).sort()) {
                const r = rel ? `${rel}/${name}` : name;
                const src = (0,external_node_fs_namespaceObject.lstatSync)(external_node_path_default().join(layer, r));
                const dst = lstatOrUndefined(external_node_path_default().join(dest, r));
                if (src.isDirectory() && !opaque.has(r) && dst?.isDirectory()) {
                    take.push(r);
                    walk(r);
                    continue;
                }
                if (dst)
                    (0,external_node_fs_namespaceObject.rmSync)(external_node_path_default().join(dest, r), { recursive: true, force: true });
                // dst is a lower layer's file or whiteout here: it hid the base's entry, and so must this directory.
                if (src.isDirectory() && !opaque.has(r) && dst)
                    markOpaque.push(r);
                addTree(layer, r, take);
            }
        };
        walk('');
        if (take.length)
            await copyMembers(layer, dest, take);
        for (const r of markOpaque) {
            const s = await exec_execCapture('setfattr', ['-h', '-n', 'trusted.overlay.opaque', '-v', 'y', external_node_path_default().join(dest, r)]).catch((err) => {
                throw new ImageError(err.code === 'ENOENT' ? 'setfattr is needed to squash these layers: install the attr package' : `cannot run setfattr: ${err.message}`);
            });
            if (s.code !== 0)
                throw new ImageError(`cannot mark ${r} opaque while squashing (setfattr from the attr package is needed): ${s.stderr.trim()}`);
        }
    }
    await dropIdleWhiteouts(dest, baseDir);
}
/**
 * Removes the whiteouts that hide nothing of the base: overlayfs lists a directory that
 * only one layer has (or an opaque one) as it is on disk, so a whiteout there would show
 * up as a name that cannot be opened. A container's upper never has such whiteouts (the
 * kernel makes one only over an entry of a lower layer), but a merge of layers does: the
 * file a lower layer added and a higher one deleted.
 */
async function dropIdleWhiteouts(dest, baseDir) {
    const opaque = await opaqueDirs(dest);
    const walk = (rel, underOpaque) => {
        for (const name of (0,external_node_fs_namespaceObject.readdirSync)(external_node_path_default().join(dest, rel))) {
            const r = rel ? `${rel}/${name}` : name;
            const s = (0,external_node_fs_namespaceObject.lstatSync)(external_node_path_default().join(dest, r));
            if (s.isDirectory())
                walk(r, underOpaque || opaque.has(r));
            else if (s.isCharacterDevice() && s.rdev === 0 && (underOpaque || !lstatOrUndefined(external_node_path_default().join(baseDir, r))))
                (0,external_node_fs_namespaceObject.rmSync)(external_node_path_default().join(dest, r));
        }
    };
    walk('', opaque.has(''));
}
function lstatOrUndefined(p) {
    try {
        return (0,external_node_fs_namespaceObject.lstatSync)(p);
    }
    catch {
        return undefined;
    }
}
/** REL and, for a directory, everything below it, parents first. */
function addTree(root, rel, out) {
    out.push(rel);
    const s = (0,external_node_fs_namespaceObject.lstatSync)(external_node_path_default().join(root, rel));
    if (!s.isDirectory())
        return;
    for (const name of (0,external_node_fs_namespaceObject.readdirSync)(external_node_path_default().join(root, rel)).sort())
        addTree(root, `${rel}/${name}`, out);
}
/** tar -c of exactly these members (no recursion) from FROM, extracted into TO. */
async function copyMembers(from, to, members) {
    const list = external_node_path_default().join(external_node_path_default().dirname(to), `.${external_node_path_default().basename(to)}.members`);
    (0,external_node_fs_namespaceObject.writeFileSync)(list, members.map((m) => `./${m}\0`).join(''));
    try {
        const extract = layerTarExtractArgs(to).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        const create = ['--create', '--file=-', `--directory=${from}`, '--format=posix', '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '--no-recursion', '--null', '--verbatim-files-from', `--files-from=${list}`];
        const script = `set -o pipefail; tar ${create.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} | tar ${extract}`;
        const r = await exec_execCapture('bash', ['-c', script]);
        if (r.code !== 0)
            throw new ImageError(`copying ${from} while squashing layers failed (exit status ${r.code}): ${r.stderr.trim()}`);
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(list, { force: true });
    }
}
/** The directories of LAYER with trusted.overlay.opaque=y, as paths relative to it. */
async function opaqueDirs(layer) {
    // The dump format (-d) names each file that has the attribute; files without it are not listed.
    const d = await exec_execCapture('getfattr', ['-R', '-h', '-P', '-d', '-m', '^trusted\\.overlay\\.opaque$', '.'], { cwd: layer }).catch((err) => {
        throw new ImageError(err.code === 'ENOENT' ? 'getfattr is needed to squash layers: install the attr package' : `cannot run getfattr: ${err.message}`);
    });
    if (d.code !== 0 && d.stdout === '')
        throw new ImageError(`getfattr could not read the xattrs of ${layer}: ${d.stderr.trim()}`);
    const out = new Set();
    let file;
    for (const line of d.stdout.split('\n')) {
        const f = /^# file: (.*)$/.exec(line);
        if (f) {
            const name = unescapeGetfattr(f[1]);
            file = name === '.' ? '' : name.replace(/^\.\//, '');
            continue;
        }
        if (file !== undefined && /^trusted\.overlay\.opaque="y"$/.test(line))
            out.add(file);
    }
    return out;
}
/** getfattr writes odd bytes in names as \ooo. */
function unescapeGetfattr(s) {
    const bytes = [];
    for (let i = 0; i < s.length; i++) {
        const m = /^\\([0-7]{3})/.exec(s.slice(i));
        if (m) {
            bytes.push(parseInt(m[1], 8));
            i += 3;
        }
        else
            bytes.push(...Buffer.from(s[i]));
    }
    return Buffer.from(bytes).toString();
}

;// CONCATENATED MODULE: ./src/core/image/save.ts












/**
 * `image save NAME`: the container's upper layer as an image in the library dir. The base
 * recorded is the container's lower dir as its run record has it: a store root (by id and
 * source), or the image it was started from (which becomes the parent: only the new layer
 * is saved, unless squash merges the chain and the upper into one layer on the base).
 * Volumes' mount points are left out. The name is set last: until then there is no image.
 */
async function saveContainerImage(o) {
    if (!validName(o.container))
        throw new errors_ConfigError(`container name '${o.container}' is not valid: give the name the container ran with (-n NAME)`);
    const cwd = o.cwd ?? process.cwd();
    const libraryDir = external_node_path_default().resolve(cwd, o.libraryDir || DEFAULT_LIBRARY_DIR);
    const name = formatImageName(parseImageName(o.as ?? o.container.toLowerCase()));
    const stateDir = external_node_path_default().join(libraryDir, `app-${o.container}`);
    const rec = readRunRecord(stateDir);
    if (!rec)
        throw new errors_ConfigError(`container ${o.container} has no run record in ${libraryDir}: run it first (with the same -d), then save it`);
    if (rec.config.ephemeral)
        throw new errors_ConfigError(`container ${o.container} last ran with --rm, so its upper layer is gone: run it without --rm to save what it builds`);
    const appDir = o.baseDir ? external_node_path_default().join(external_node_path_default().resolve(cwd, o.baseDir), `app-${o.container}`) : rec.appDir;
    const upper = external_node_path_default().join(appDir, 'upper');
    const { base, parent } = baseOfLowerDirs(libraryDir, rec.lowerDirs);
    const store = new ImageStore(libraryDir);
    const exclude = (rec.config.volumes ?? []).map((v) => v.guest);
    const chain = parent ? store.chain(parent.digest) : [];
    // Startup commands (the library's addStartupCommand) are kept beside the run record.
    const startup = readStartupCommands(stateDir);
    const own = { env: rec.config.env, workdir: rec.config.workdir, user: rec.config.user, ...(startup.length ? { startup } : {}) };
    let layer;
    let parentDigest = parent?.digest;
    let settings = own;
    if (o.squash && parent) {
        // The chain's settings are folded in: the squashed image has no parent to inherit from.
        const inherited = settingsOf(chain);
        settings = { ...inherited, ...dropEmpty(own), env: { ...(inherited.env ?? {}), ...(own.env ?? {}) } };
        // Startup commands add up: the chain's first, then the container's own.
        const allStartup = [...(inherited.startup ?? []), ...startup];
        if (allStartup.length)
            settings.startup = allStartup;
        const layerDirs = [];
        for (const c of [...chain].reverse())
            layerDirs.push(await store.ensureLayerDir(c.manifest.layer, o.log));
        const work = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(store.layersDir, '.squash-'));
        try {
            const merged = external_node_path_default().join(work, 'merged');
            o.log?.(`merging ${chain.length} layer(s) and the upper layer of ${o.container}`);
            await mergeLayerDirs([...layerDirs, upper], merged, await ensureBase(libraryDir, base, o.log));
            layer = await store.saveUpper(merged, { compression: o.compression, exclude });
        }
        finally {
            (0,external_node_fs_namespaceObject.rmSync)(work, { recursive: true, force: true });
        }
        parentDigest = undefined;
    }
    else {
        layer = await store.saveUpper(upper, { compression: o.compression, exclude });
    }
    const manifest = buildImageManifest({ layer, base, parent: parentDigest, from: o.container, squashed: o.squash && parent ? true : undefined, settings });
    const digest = store.putManifest(manifest);
    await store.setName(name, digest);
    return { name, digest, manifest, libraryDir };
}
function dropEmpty(o) {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
}

;// CONCATENATED MODULE: ./src/cli/image-args.ts


const IMAGE_USAGE = `usage: micro-container image save NAME [--as IMAGE] [-o FILE] [--compression zstd|gzip|none] [--squash] [-d librarydir] [-b basedir]
       micro-container image load FILE [--as IMAGE] [-d librarydir]
       micro-container image ls [--json] [-d librarydir]
       micro-container image inspect IMAGE [-d librarydir]
       micro-container image rm IMAGE [-d librarydir]
       micro-container image export IMAGE --oci DIR|FILE.tar [--tag TAG] [-d librarydir]

IMAGE is NAME[:TAG] (TAG defaults to latest) or a digest (sha256:HEX, or 12+ hex digits).

  save     container NAME's upper layer (what it built) as an image in librarydir, named
           IMAGE (default: NAME). It sits on the container's root, or on the image the
           container was started from (--image): then only the new layer is saved, unless
           --squash merges them into one. -o FILE also writes the image (and the layers it
           sits on) as one file, to hand to upload-artifact or a cache.
  load     an image file into librarydir, every digest checked first (a damaged or
           truncated file loads nothing)
  ls       the named images
  inspect  an image's manifest, digest and chain, as JSON
  rm       an image's name, and its layers when no other image needs them
  export   an OCI image layout (base root, then the layers, config, manifest, index) that
           skopeo, podman and registries take: a directory, or a .tar for podman load

Run an image with: micro-container run --image IMAGE [--rm] [container options] command...`;
const ACTIONS = ['save', 'load', 'ls', 'inspect', 'rm', 'export'];
function parseImageArgs(argv) {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h' || action === 'help')
        return { action: 'help' };
    if (!ACTIONS.includes(action))
        throw new errors_ConfigError(`unknown image command '${action}' (${ACTIONS.join(', ')}; see micro-container image --help)`);
    const words = [];
    const o = {
        squash: false,
        json: false,
    };
    // Which options each command takes; anything else is refused, not ignored.
    const allowed = {
        save: ['o', 'as', 'compression', 'squash', 'd', 'b'],
        load: ['as', 'd'],
        ls: ['json', 'd'],
        inspect: ['d'],
        rm: ['d'],
        export: ['oci', 'tag', 'd'],
    };
    const longs = { output: 'o', librarydir: 'd', basedir: 'b', as: 'as', compression: 'compression', oci: 'oci', tag: 'tag', squash: 'squash', json: 'json' };
    const flags = new Set(['squash', 'json']);
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === '--help' || a === '-h')
            return { action: 'help' };
        if (a === '--') {
            words.push(...rest.slice(i + 1));
            break;
        }
        let key;
        let inline;
        if (a.startsWith('--')) {
            const eq = a.indexOf('=');
            const long = eq > 0 ? a.slice(2, eq) : a.slice(2);
            key = longs[long];
            if (key === undefined)
                throw new errors_ConfigError(`unknown option ${a} for image ${action} (see micro-container image --help)`);
            if (eq > 0)
                inline = a.slice(eq + 1);
        }
        else if (/^-[odb]/.test(a)) {
            key = a[1];
            if (a.length > 2)
                inline = a.slice(2);
        }
        else if (a.startsWith('-') && a !== '-') {
            throw new errors_ConfigError(`unknown option ${a} for image ${action} (see micro-container image --help)`);
        }
        else {
            words.push(a);
            continue;
        }
        const shown = key.length === 1 ? `-${key}` : `--${key}`;
        if (!allowed[action].includes(key))
            throw new errors_ConfigError(`image ${action} does not take ${shown} (see micro-container image --help)`);
        if (flags.has(key)) {
            if (inline !== undefined)
                throw new errors_ConfigError(`option ${shown} takes no value`);
            if (key === 'squash')
                o.squash = true;
            else
                o.json = true;
            continue;
        }
        const value = inline ?? rest[++i];
        if (value === undefined || value === '')
            throw new errors_ConfigError(`option ${shown} needs a value`);
        switch (key) {
            case 'o':
                o.output = value;
                break;
            case 'd':
                o.libraryDir = value;
                break;
            case 'b':
                o.baseDir = value;
                break;
            case 'as':
                o.as = value;
                break;
            case 'compression':
                o.compression = parseLayerCompression(value);
                break;
            case 'oci':
                o.oci = value;
                break;
            case 'tag':
                o.tag = value;
                break;
        }
    }
    const want = (n, shape) => {
        if (words.length !== n)
            throw new errors_ConfigError(`image ${action} takes ${shape} (see micro-container image --help)`);
    };
    const d = o.libraryDir !== undefined ? { libraryDir: o.libraryDir } : {};
    switch (action) {
        case 'save':
            want(1, 'the NAME of a container');
            return { action, container: words[0], squash: o.squash, ...d, ...pick(o, ['output', 'as', 'compression', 'baseDir']) };
        case 'load':
            want(1, 'a FILE written by image save -o');
            return { action, file: words[0], ...d, ...pick(o, ['as']) };
        case 'ls':
            want(0, 'no arguments but --json and -d');
            return { action, json: o.json, ...d };
        case 'inspect':
        case 'rm':
            want(1, 'one IMAGE (NAME[:TAG] or digest)');
            return { action, image: words[0], ...d };
        default: {
            want(1, 'one IMAGE and --oci DIR|FILE.tar');
            if (o.oci === undefined)
                throw new errors_ConfigError('image export needs --oci DIR or --oci FILE.tar: where to write the OCI image layout');
            return { action: 'export', image: words[0], oci: o.oci, ...d, ...pick(o, ['tag']) };
        }
    }
}
function pick(o, keys) {
    const out = {};
    for (const k of keys)
        if (o[k] !== undefined)
            out[k] = o[k];
    return out;
}

;// CONCATENATED MODULE: ./src/cli/image.ts









/**
 * `micro-container image ...`: argv after `image` -> exit status. Errors are thrown (main
 * maps them to 125). ELEVATE runs the same command again through sudo, for a user who is
 * not root (GitHub's runner user).
 */
async function imageCommand(argv, io, elevate) {
    const args = parseImageArgs(argv);
    if (args.action === 'help') {
        io.out(IMAGE_USAGE + '\n');
        return 0;
    }
    // Upper layers and applied layers hold root's files (0600 ones too), owners and trusted.* xattrs.
    if (args.action !== 'ls' && args.action !== 'inspect' && (process.geteuid?.() ?? 0) !== 0) {
        if (elevate)
            return elevate();
        throw new PrivilegeError(`image ${args.action} needs root (the layers hold files of every owner): run it as root or with sudo`);
    }
    const libraryDir = external_node_path_default().resolve(args.libraryDir || DEFAULT_LIBRARY_DIR);
    const store = new ImageStore(libraryDir);
    const log = (l) => io.err(`${l}\n`);
    switch (args.action) {
        case 'save': {
            const r = await saveContainerImage({ container: args.container, libraryDir, baseDir: args.baseDir, as: args.as, compression: args.compression, squash: args.squash, log });
            const l = r.manifest.layer;
            io.out(`${r.name} ${r.digest}\n`);
            io.err(`saved container ${args.container}: layer ${l.digest} (${l.size} bytes)${r.manifest.parent ? ` on image ${r.manifest.parent}` : ''}, base root ${describeBase(r.manifest.base)}\n`);
            if (args.output !== undefined) {
                const f = await writeImageFile(store, r.digest, args.output);
                io.err(`wrote ${f.file} (${f.size} bytes, ${f.chain.length} layer(s))\n`);
            }
            return 0;
        }
        case 'load': {
            const r = await loadImageFile(store, args.file, args.as);
            io.out(`${r.name ?? '(no name: give --as)'} ${r.digest}\n`);
            return 0;
        }
        case 'ls': {
            const images = store.list();
            if (args.json) {
                io.out(JSON.stringify(images.map((i) => ({ name: i.name, digest: i.digest, created: i.manifest.created, size: i.manifest.layer.size, parent: i.manifest.parent ?? null, base: i.manifest.base })), null, 2) + '\n');
                return 0;
            }
            if (images.length === 0) {
                io.out(`no images in ${libraryDir} (make one with: micro-container image save CONTAINER)\n`);
                return 0;
            }
            const rows = images.map((i) => [i.name, i.digest.slice(7, 19), i.manifest.created.slice(0, 19).replace('T', ' '), String(i.manifest.layer.size), i.manifest.parent ? i.manifest.parent.slice(7, 19) : '-', describeBase(i.manifest.base)]);
            const head = ['NAME', 'DIGEST', 'CREATED', 'SIZE', 'PARENT', 'BASE'];
            const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
            for (const row of [head, ...rows])
                io.out(row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]) : c)).join('  ') + '\n');
            return 0;
        }
        case 'inspect': {
            const img = store.resolve(args.image);
            const chain = store.chain(img.digest);
            const names = store.list().filter((n) => n.digest === img.digest).map((n) => n.name);
            io.out(JSON.stringify({ digest: img.digest, names, manifest: img.manifest, chain: chain.map((c) => c.digest) }, null, 2) + '\n');
            return 0;
        }
        case 'rm':
            for (const p of await store.remove(args.image))
                io.err(`removed ${p}\n`);
            return 0;
        case 'export': {
            const r = await exportImage(store, args.image, args.oci, { tag: args.tag, log });
            io.out(`${r.dest} ${r.manifest.digest}\n`);
            return 0;
        }
    }
}

;// CONCATENATED MODULE: ./src/cli/main.ts


















const stdio = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    errIsTTY: process.stderr.isTTY === true,
    columns: () => process.stderr.columns || 80,
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
    if (args.image !== undefined) {
        // Applying the image's layers (and fetching its base) needs root, even for --dry-run.
        if ((process.getuid?.() ?? 0) !== 0)
            return elevate(process.argv.slice(2));
        args = { ...args, config: (await resolveImageConfig(args.config, args.image, { cwd: facts.cwd, log: (l) => io.err(`${l}\n`) })).config };
    }
    else
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
        if (sub === 'trees') {
            const args = parseTreesArgs(rest);
            if (args.action !== 'help' && args.action !== 'ls' && (process.getuid?.() ?? 0) !== 0)
                return elevate(process.argv.slice(2));
            return await treesCommand(args, io);
        }
        if (LIFECYCLE_COMMANDS.has(sub))
            return await lifecycleCommand(sub, rest, io, () => elevate(process.argv.slice(2)));
        if (sub === 'containerize')
            return await containerize(rest, io);
        if (sub === 'image')
            return await imageCommand(rest, io, () => elevate(process.argv.slice(2)));
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

