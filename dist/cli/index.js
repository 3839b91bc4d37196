#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 5861:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ parseRootfsArgs),
/* harmony export */   q: () => (/* binding */ ROOTFS_USAGE)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4296);

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
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`option ${a} needs a value`);
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
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`unknown option ${a} for rootfs ${action} (see micro-container rootfs --help)`);
        else
            words.push(a);
    }
    const want = (n, shape) => {
        if (words.length !== n)
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`rootfs ${action} takes ${shape} (see micro-container rootfs --help)`);
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
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`unknown rootfs command '${action}' (add, ls, rm)`);
    }
}


/***/ }),

/***/ 1329:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ TREES_USAGE),
/* harmony export */   o: () => (/* binding */ parseTreesArgs)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4296);

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
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL('option --trees needs a value');
        }
        else if (a.startsWith('--trees='))
            trees = a.slice('--trees='.length);
        else if (a === '--json' && action !== 'rm')
            json = true;
        else if (a === '-h' || a === '--help')
            return { action: 'help' };
        else if (a.startsWith('-'))
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`unknown option ${a} for trees ${action} (see micro-container trees --help)`);
        else
            words.push(a);
    }
    const want = (ok, shape) => {
        if (!ok)
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`trees ${action} takes ${shape} (see micro-container trees --help)`);
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
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`unknown trees command '${action}' (clone, ls, rm)`);
    }
}


/***/ }),

/***/ 8398:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Pw: () => (/* binding */ parseMemory),
/* harmony export */   UE: () => (/* binding */ cpuMaxText),
/* harmony export */   it: () => (/* binding */ parsePids),
/* harmony export */   pr: () => (/* binding */ hasLimits),
/* harmony export */   xX: () => (/* binding */ parseCpus),
/* harmony export */   z3: () => (/* binding */ formatBytes)
/* harmony export */ });
/* unused harmony exports MIN_MEMORY_BYTES, CPU_PERIOD_US */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4296);

const UNITS = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** Below this a shell cannot start; docker refuses less than 6 MiB too. */
const MIN_MEMORY_BYTES = 6 * 1024 ** 2;
const MEMORY_FORMS = "a number of bytes with an optional unit b, k, m, g or t (1024-based; 'mb', 'MiB' also work), e.g. 512m, 1.5g, 1048576";
/** '512m', '1g', '1.5G', '256MiB', '1048576' -> bytes. */
function parseMemory(text) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(text);
    if (!m || (m[2] === '' && /[a-z]/i.test(text))) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`memory limit '${text}' is not valid: use ${MEMORY_FORMS}`);
    }
    const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
    if (!Number.isSafeInteger(bytes))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`memory limit '${text}' is too large: use ${MEMORY_FORMS}`);
    if (bytes < MIN_MEMORY_BYTES)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`memory limit '${text}' is too small: use at least 6m`);
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`CPU limit '${text}' is not valid: use a number of CPUs, e.g. 1, 1.5 or 0.25`);
    }
    const quota = Math.round(cpus * CPU_PERIOD_US);
    if (quota < MIN_QUOTA_US)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`CPU limit '${text}' is too small: use at least 0.01`);
    if (cpus > 4096)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`CPU limit '${text}' is too large: use at most 4096`);
    return { quota, period: CPU_PERIOD_US };
}
/** The kernel's PID_MAX_LIMIT on 64-bit. */
const MAX_PIDS = 4 * 1024 * 1024;
/** '100' -> 100. */
function parsePids(text) {
    const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PIDS) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`process limit '${text}' is not valid: use a whole number from 1 to ${MAX_PIDS}, e.g. 100`);
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


/***/ }),

/***/ 5485:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   fG: () => (/* binding */ planCgroupSetup),
/* harmony export */   g5: () => (/* binding */ containerCgroupDirs)
/* harmony export */ });
/* unused harmony exports V1_HIERARCHIES, DEFAULT_PARENT, checkCgroupName */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(4296);
/* harmony import */ var _limits_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8398);



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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigError */ .xL(`cgroup name '${name}' is not valid: use letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 200)`);
    }
}
function checkParent(parent) {
    const parts = parent.split('/');
    if (parent === '' || parts.some((p) => !NAME.test(p))) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigError */ .xL(`cgroup parent '${parent}' is not valid: use a relative path of names made of letters, digits, '.', '_' and '-', e.g. micro-container`);
    }
}
/** MOUNT joined with a cgroup path (absolute in its hierarchy) and more components. */
function under(mount, cgroupPath, ...rest) {
    return node_path__WEBPACK_IMPORTED_MODULE_0___default().join(mount, cgroupPath ?? '/', ...rest);
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
        dirs.v2 = { mount: layout.v2, parent: p, leaf: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(p, name), limits: layout.mode === 'v2' };
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
    const rel = node_path__WEBPACK_IMPORTED_MODULE_0___default().relative(mount, dir);
    let cur = mount;
    for (const part of rel === '' ? [] : rel.split('/'))
        out.push((cur = node_path__WEBPACK_IMPORTED_MODULE_0___default().join(cur, part)));
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .JailError */ .RE('no cgroup filesystem is mounted, so the container cannot be tracked or limited: mount cgroup2 on /sys/fs/cgroup');
    }
    if (layout.mode === 'v2' && dirs.v2) {
        const { mount, parent, leaf } = dirs.v2;
        steps.push({ op: 'mkdir', path: parent });
        // v2's no-internal-process rule: a cgroup that hands controllers to its children holds
        // no process itself. So `micro-container` only holds containers, and each container is
        // a leaf; the controllers are enabled all the way down from the root.
        for (const c of v2Controllers(limits)) {
            for (const dir of ancestry(mount, parent))
                steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'cgroup.subtree_control'), value: `+${c}` });
        }
        steps.push({ op: 'mkdir', path: leaf });
        if (limits.memoryBytes !== undefined) {
            steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(leaf, 'memory.max'), value: String(limits.memoryBytes) });
            // No swap beyond the limit: a build that outgrows it is killed, not slowed to a crawl.
            steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(leaf, 'memory.swap.max'), value: '0', ifExists: true });
        }
        if (limits.pids !== undefined)
            steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(leaf, 'pids.max'), value: String(limits.pids) });
        if (limits.cpu !== undefined)
            steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(leaf, 'cpu.max'), value: (0,_limits_js__WEBPACK_IMPORTED_MODULE_1__/* .cpuMaxText */ .UE)(limits.cpu) });
        join.push({ path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(leaf, 'cgroup.procs') });
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
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .JailError */ .RE(`${option} needs the ${h} cgroup controller, which this host has not mounted (no v1 ${h} hierarchy, and its cgroup v2 tree has no controllers)`);
        }
    }
    const seen = new Set();
    for (const h of V1_HIERARCHIES) {
        const dir = dirs.v1[h];
        if (dir === undefined || seen.has(dir))
            continue;
        seen.add(dir);
        steps.push({ op: 'mkdir', path: dir });
        join.push({ path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'cgroup.procs') });
    }
    if (limits.memoryBytes !== undefined) {
        const dir = dirs.v1.memory;
        // The memory limit first: memsw (memory + swap) may never be below it.
        steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'memory.limit_in_bytes'), value: String(limits.memoryBytes) });
        steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'memory.memsw.limit_in_bytes'), value: String(limits.memoryBytes), ifExists: true });
    }
    if (limits.pids !== undefined)
        steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dirs.v1.pids, 'pids.max'), value: String(limits.pids) });
    if (limits.cpu !== undefined) {
        const dir = dirs.v1.cpu;
        steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'cpu.cfs_period_us'), value: String(limits.cpu.period) });
        steps.push({ op: 'write', path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'cpu.cfs_quota_us'), value: String(limits.cpu.quota) });
    }
    if (dirs.v2) {
        // Hybrid: the v2 tree has no controllers, but its cgroup.procs (recursive listing) and
        // cgroup.kill track and end the processes cheaply. Best effort: it may not be writable.
        steps.push({ op: 'mkdir', path: dirs.v2.leaf, optional: true });
        join.push({ path: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dirs.v2.leaf, 'cgroup.procs'), optional: true });
    }
    if (join.length === 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .JailError */ .RE('this host has no cgroup hierarchy to track the container in (neither cgroup v2 nor a v1 memory, pids, cpu or freezer hierarchy): mount cgroup2 on /sys/fs/cgroup');
    }
    return { dirs, steps, join };
}


/***/ }),

/***/ 4296:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   RE: () => (/* binding */ JailError),
/* harmony export */   S7: () => (/* binding */ PrivilegeError),
/* harmony export */   WG: () => (/* binding */ MicroContainerError),
/* harmony export */   xL: () => (/* binding */ ConfigError)
/* harmony export */ });
/**
 * Typed errors, mapped once: to exit codes by the CLI (125 for anything that kept the
 * jail from being set up, as `docker run` does) and to core.setFailed by the action.
 */
class MicroContainerError extends Error {
    /** Exit status the CLI uses for this error. */
    exitCode = 125;
}
/** The user's input is wrong: an option, a path, a name. The message says what to fix. */
class ConfigError extends MicroContainerError {
    name = 'ConfigError';
}
/** The jail could not be set up (mounts, namespaces, privileges). */
class JailError extends MicroContainerError {
    name = 'JailError';
}
/** Root privileges are needed and could not be had (no root, no passwordless sudo). */
class PrivilegeError extends MicroContainerError {
    name = 'PrivilegeError';
}


/***/ }),

/***/ 2642:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Al: () => (/* binding */ signalNumber),
/* harmony export */   LF: () => (/* binding */ execCaptureFds),
/* harmony export */   PH: () => (/* binding */ startPiped),
/* harmony export */   Wp: () => (/* binding */ execCapture)
/* harmony export */ });
/* unused harmony export execFilter */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);

/** Runs a command to completion, capturing its output. Never throws for a non-zero exit. */
function execCapture(file, args, options = {}) {
    return execCaptureFds(file, args, [], options);
}
/**
 * execCapture that also gives the child our open files FDS as its fds 3, 4, ...: for
 * flock(1), which locks an open file description that we keep after it exits.
 */
function execCaptureFds(file, args, fds, options = {}) {
    return new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe', ...fds] });
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
/** The last bytes of a pipeline process's stderr: enough for its message, bounded for a chatty one. */
const STDERR_KEEP = 8 * 1024;
/**
 * Starts a pipeline process; stdio[2] must be 'pipe'. Its stderr is read for the message
 * unless `passStderr` (the caller hands the stream on to another process and must not read
 * it). `cannotStart` says, in the caller's terms, why it did not start (ENOENT: not installed).
 */
function startPiped(file, args, stdio, opts) {
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(file, args, { stdio, cwd: opts.cwd });
    let stderr = '';
    if (!opts.passStderr)
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-STDERR_KEEP)));
    const done = new Promise((resolve, reject) => {
        child.on('error', (err) => reject(opts.cannotStart(err)));
        child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), stderr: stderr.trim() }));
    });
    return { child, what: [file, ...args].join(' '), done };
}


/***/ }),

/***/ 6412:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ NETWORK_MODES),
/* harmony export */   s: () => (/* binding */ DEFAULT_LIBRARY_DIR)
/* harmony export */ });
const NETWORK_MODES = ['host', 'none', 'private'];
const DEFAULT_LIBRARY_DIR = '/var/lib/micro-container';


/***/ }),

/***/ 6047:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Em: () => (/* binding */ SH_COMMON),
/* harmony export */   sm: () => (/* binding */ LAUNCHER_BODY),
/* harmony export */   t7: () => (/* binding */ CONTAINERIZE_BODY)
/* harmony export */ });
// Generated by scripts/embed-sh.mjs from the .sh files it names; edit those, not this one.
const SH_COMMON = "PATH=/usr/bin:/usr/sbin:/bin:/sbin:/usr/local/bin:/usr/local/sbin\nexport PATH\nmc_say() { printf '%s: %s\\n' \"${MC_PROG:-micro-container}\" \"$*\" >&2; }\nmc_die() { mc_say \"$*\"; exit 125; }\nmc_q() {\n  mc_s=$1 MC_Q=\n  while :; do\n    case $mc_s in\n      *\\'*) MC_Q=\"$MC_Q${mc_s%%\\'*}'\\\\''\"; mc_s=${mc_s#*\\'} ;;\n      *) MC_Q=\"'$MC_Q$mc_s'\"; return ;;\n    esac\n  done\n}\nmc_starttime() {\n  read -r mc_stat 2>/dev/null < \"/proc/$1/stat\" || return 1\n  mc_stat=${mc_stat##*) }\n  set -- $mc_stat\n  MC_START=${20}\n}\nmc_resolve() {\n  mc_rest=$1 mc_path=$1 mc_cur= mc_links=0; shift\n  while :; do\n    while :; do case $mc_rest in /*) mc_rest=${mc_rest#/} ;; *) break ;; esac; done\n    [ -n \"$mc_rest\" ] || break\n    case $mc_rest in\n      */*) mc_c=${mc_rest%%/*} mc_rest=${mc_rest#*/} ;;\n      *) mc_c=$mc_rest mc_rest= ;;\n    esac\n    case $mc_c in\n      .) continue ;;\n      ..) mc_cur=${mc_cur%/*}; continue ;;\n    esac\n    mc_link=\n    for mc_l in \"$@\"; do\n      if [ -L \"$mc_l$mc_cur/$mc_c\" ]; then\n        mc_link=$(readlink -- \"$mc_l$mc_cur/$mc_c\") || return 1\n        break\n      elif [ -e \"$mc_l$mc_cur/$mc_c\" ]; then\n        break\n      fi\n    done\n    if [ -n \"$mc_link\" ]; then\n      mc_links=$((mc_links + 1))\n      [ \"$mc_links\" -le 40 ] || { mc_say \"too many levels of symbolic links in $mc_path\"; return 1; }\n      case $mc_link in /*) mc_cur= ;; esac\n      mc_rest=$mc_link/$mc_rest\n    else\n      mc_cur=$mc_cur/$mc_c\n    fi\n  done\n  MC_RES=${mc_cur:-/}\n}\nmc_command() {\n  if [ \"$#\" -gt 0 ]; then\n    MC_ARGV=\n    for mc_a in \"$@\"; do mc_q \"$mc_a\"; MC_ARGV=\"$MC_ARGV $MC_Q\"; done\n  else\n    MC_ARGV=$MC_COMMAND\n  fi\n}\n";
const LAUNCHER_BODY = "mc_scrub() {\n  mc_list=$(export -p)\n  mc_ifs=$IFS IFS='\n'\n  set -f\n  for mc_l in $mc_list; do\n    case $mc_l in\n      'export '*|'declare -x '*)\n        mc_l=${mc_l#export }; mc_l=${mc_l#declare -x }; mc_n=${mc_l%%=*}\n        case $mc_n in\n          ''|*[!A-Za-z0-9_]*) ;;\n          MC_*|PATH) eval \"mc_v=\\${$mc_n-}\"; unset \"$mc_n\"; eval \"$mc_n=\\$mc_v\" ;;\n          *) unset \"$mc_n\" ;;\n        esac ;;\n    esac\n  done 2>/dev/null\n  set +f\n  IFS=$mc_ifs\n}\nmc_lock_async() {\n  exec 9>> \"$MC_STATE/lock\"\n  flock -n 9 & MC_FLOCK=$!\n}\nMC_FLOCK=\nif [ \"${MC_STAGE:-main}\" = main ]; then\n  unset LANG LANGUAGE LC_ALL LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES \\\n    LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION\n  if [ -O / ] && [ -d \"$MC_STATE\" ]; then mc_lock_async; fi\nfi\nmc_fsesc() {\n  case $1 in\n    *[\\ \\\t\\\\\\\n]*) ;;\n    *) MC_E=$1; return ;;\n  esac\n  mc_s=$1 MC_E=\n  while [ -n \"$mc_s\" ]; do\n    mc_c=${mc_s%\"${mc_s#?}\"}; mc_s=${mc_s#?}\n    case $mc_c in\n      ' ') MC_E=\"$MC_E\\\\040\" ;;\n      '\t') MC_E=\"$MC_E\\\\011\" ;;\n      '\\') MC_E=\"$MC_E\\\\134\" ;;\n      '\n') MC_E=\"$MC_E\\\\012\" ;;\n      *) MC_E=\"$MC_E$mc_c\" ;;\n    esac\n  done\n}\nmc_exists() {\n  mc_p=$1; shift\n  for mc_l in \"$@\"; do\n    if [ -e \"$mc_l$mc_p\" ] || [ -L \"$mc_l$mc_p\" ]; then\n      [ \"$MC_WHITEOUTS\" = 1 ] && [ -c \"$mc_l$mc_p\" ] && [ \"$mc_l\" != \"$MC_BOTTOM\" ] && return 1\n      return 0\n    fi\n  done\n  return 1\n}\nmc_layers() {\n  mc_ifs=$IFS; IFS=:\n  set -- $MC_LOWERS\n  IFS=$mc_ifs\n  eval \"MC_BOTTOM=\\${$#}\"\n  MC_LAYER_ARGS=\"$MC_UPPER_Q\"\n  for mc_l in \"$@\"; do mc_q \"$mc_l\"; MC_LAYER_ARGS=\"$MC_LAYER_ARGS $MC_Q\"; done\n}\nmc_fstab() {\n  eval \"mc_resolve \\\"\\$2\\\" $MC_LAYER_ARGS\" || mc_die \"cannot resolve $2 inside the root\"\n  mc_t=$MC_RES\n  case $4 in\n    *X-mc.file*)\n      if ! eval \"mc_exists \\\"\\$mc_t\\\" $MC_LAYER_ARGS\"; then\n        mc_q \"${mc_t%/*}\"; mc_d=$MC_Q; mc_q \"$mc_t\"\n        printf 'mc_mkfile %s %s\\n' \"$mc_d\" \"$MC_Q\" >&3\n      fi\n      set -- \"$1\" \"$2\" \"$3\" \"${4%,X-mc.file}\" ;;\n    *) set -- \"$1\" \"$2\" \"$3\" \"$4,X-mount.mkdir\" ;;\n  esac\n  mc_fsesc \"$1\"; mc_src=$MC_E\n  mc_fsesc \"$MC_ROOT$mc_t\"\n  printf '%s %s %s %s 0 0\\n' \"$mc_src\" \"$MC_E\" \"$3\" \"$4\" >&5\n}\nmc_vol() {\n  [ -e \"$1\" ] || mc_die \"volume source $1 does not exist on the host (create it, or fix the -v option)\"\n  mc_o=rbind,nodev\n  [ \"$3\" = ro ] && mc_o=rbind,ro,nodev\n  if [ -d \"$1\" ]; then mc_fstab \"$1\" \"$2\" none \"$mc_o\"; else mc_fstab \"$1\" \"$2\" none \"$mc_o,X-mc.file\"; fi\n  if [ \"$3\" = ro ]; then mc_fsesc \"$MC_ROOT$mc_t\"; MC_RO_TARGETS=\"$MC_RO_TARGETS $MC_E\"; fi\n}\nmc_ro_nested() {\n  while read -r _ _ _ _ mc_mp _; do\n    for mc_t in $MC_RO_TARGETS; do\n      case $mc_mp in \"$mc_t\"/*)\n        mc_p=$mc_mp; mc_unesc \"$mc_p\"\n        mount -o remount,bind,ro \"$MC_U\" || { mc_say \"cannot make $MC_U read-only\"; return 1; } ;;\n      esac\n    done\n  done < /proc/self/mountinfo\n}\nmc_unesc() {\n  MC_U=$(printf '%b' \"$1\")\n}\nmc_user() {\n  mc_u=${MC_USER%%:*} mc_g=\n  case $MC_USER in *:*) mc_g=${MC_USER#*:} ;; esac\n  MC_UID= MC_GID= MC_HOME= MC_SHELL= MC_UNAME=\n  if [ -r \"$1/etc/passwd\" ]; then\n    while IFS=: read -r mc_n _ mc_i mc_pg _ mc_h mc_sh || [ -n \"$mc_n\" ]; do\n      if [ \"$mc_n\" = \"$mc_u\" ] || [ \"$mc_i\" = \"$mc_u\" ]; then\n        MC_UNAME=$mc_n MC_UID=$mc_i MC_GID=$mc_pg MC_HOME=$mc_h MC_SHELL=$mc_sh; break\n      fi\n    done < \"$1/etc/passwd\"\n  fi\n  if [ -z \"$MC_UID\" ]; then\n    case $mc_u in\n      ''|*[!0-9]*) mc_die \"user '$mc_u' is not in the container's /etc/passwd (use a number, or add the user to the root)\" ;;\n    esac\n    MC_UID=$mc_u MC_UNAME=$mc_u\n  fi\n  if [ -n \"$mc_g\" ]; then\n    mc_gid=\n    if [ -r \"$1/etc/group\" ]; then\n      while IFS=: read -r mc_n _ mc_i _ || [ -n \"$mc_n\" ]; do\n        if [ \"$mc_n\" = \"$mc_g\" ] || [ \"$mc_i\" = \"$mc_g\" ]; then mc_gid=$mc_i; break; fi\n      done < \"$1/etc/group\"\n    fi\n    if [ -z \"$mc_gid\" ]; then\n      case $mc_g in\n        *[!0-9]*) mc_die \"group '$mc_g' is not in the container's /etc/group (use a number, or add the group to the root)\" ;;\n      esac\n      mc_gid=$mc_g\n    fi\n    MC_GID=$mc_gid\n  fi\n  [ -n \"$MC_GID\" ] || MC_GID=$MC_UID\n  MC_GROUPS=$MC_GID\n  if [ \"$MC_UID\" != 0 ] && [ \"$MC_UNAME\" != \"$MC_UID\" ] && [ -r \"$1/etc/group\" ]; then\n    while IFS=: read -r _ _ mc_i mc_m || [ -n \"$mc_i\" ]; do\n      case \",$mc_m,\" in *\",$MC_UNAME,\"*) case \",$MC_GROUPS,\" in *\",$mc_i,\"*) ;; *) MC_GROUPS=$MC_GROUPS,$mc_i ;; esac ;; esac\n    done < \"$1/etc/group\"\n  fi\n  [ -n \"$MC_HOME\" ] || MC_HOME=/\n  [ -n \"$MC_SHELL\" ] || MC_SHELL=/bin/sh\n}\nmc_env() {\n  mc_term=${TERM:-}\n  if [ \"${MC_CLEAN_ENV:-}\" = 1 ]; then\n    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE MC_ARGV TERM PATH MC_KUID MC_KGID MC_JOIN_ONLY\n  else\n    mc_scrub\n  fi\n  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n  export HOME=\"$MC_HOME\" USER=\"$MC_UNAME\" LOGNAME=\"$MC_UNAME\" HOSTNAME=\"$MC_HOSTNAME\"\n  [ -n \"$mc_term\" ] && export TERM=\"$mc_term\"\n  [ \"$MC_LOGIN\" = 1 ] && export SHELL=\"$MC_SHELL\"\n  mc_extra_env\n}\nmc_command_default() {\n  [ -n \"$MC_ARGV\" ] && return 0\n  mc_q \"$MC_SHELL\"; MC_ARGV=$MC_Q\n  [ \"$MC_LOGIN\" = 1 ] && MC_ARGV=\"$MC_ARGV -l\"\n  return 0\n}\nmc_cwd() {\n  if [ -n \"$MC_WORKDIR\" ]; then MC_CWD=$MC_WORKDIR\n  elif [ -d \"$1$MC_HOME\" ]; then MC_CWD=$MC_HOME\n  else MC_CWD=/\n  fi\n}\nmc_stage_pid1() {\n  cd -P /proc/self && MC_HP=${PWD##*/}   # our pid on the host: /proc is still the host's\n  cd / || exit 125\n  exec 8>&- 9>&- 6<> \"$MC_STATE/go\" 3<> \"$MC_STATE/started\"\n  echo \"cgroup $MC_HP\" >&4\n  if [ \"$MC_RM\" = 1 ]; then mc_rm_layer || { mc_say \"cannot make the throwaway upper layer\"; echo \"exit 125\" >&4; exit 125; }; fi\n  read -r mc_x <&6\n  [ \"$mc_x\" = plan ] || { echo \"exit 125\" >&4; exit 125; }\n  mc_mount || { echo \"exit 125\" >&4; exit 125; }\n  if [ \"$MC_NET\" != host ]; then ip link set dev lo up || { mc_say \"cannot bring up lo in the container\"; echo \"exit 125\" >&4; exit 125; }; fi\n  printf '%s\\n' \"$MC_HOSTNAME\" > /proc/sys/kernel/hostname 2>/dev/null\n  mc_user \"$MC_ROOT\"\n  mc_cwd \"$MC_ROOT\"\n  mc_command_default\n  eval \"set -- $MC_ARGV\"\n  mc_env_later=\n  if [ \"${MC_CLEAN_ENV:-}\" = 1 ] || [ \"$MC_UID\" != 0 ]; then mc_env; else mc_env_later=1; fi\n  read -r mc_x <&6\n  [ \"$mc_x\" = cgroup ] || { echo \"exit 125\" >&4; exit 125; }\n  exec 5<&0 0</dev/null\n  {\n    while read -r mc_l <&5; do\n      case $mc_l in 'signal '*) echo \"$mc_l\" >&4 ;; esac\n    done\n    kill -KILL -1; echo abort >&6\n  } &\n  mc_watcher=$!\n  exec 5<&-\n  if [ -n \"$MC_INIT$MC_SHUTDOWN\" ]; then\n    echo \"mounted $MC_HP $MC_UID $MC_GID\" >&4\n    read -r mc_x <&6 && [ \"$mc_x\" = pivot ] || exit 125\n  fi\n  mc_pivoter | mc_starter \"$@\"\n  mc_st=$?\n  if [ -z \"$MC_INIT$MC_SHUTDOWN\" ] && ! mc_joined \"\"; then\n    echo \"done $mc_st exit\" >&4\n    exit \"$mc_st\"\n  fi\n  trap 'exit \"$mc_st\"' USR1\n  echo \"done $mc_st\" >&4\n  exec 4>&- 6>&- 3>&-\n  wait \"$mc_watcher\"\n  exit 137\n}\nmc_pivoter() {\n  exec >/dev/null\n  read -r mc_cp <&3 || { echo abort >&6; exit 125; }\n  cd \"$MC_ROOT\" && pivot_root . . || { mc_say \"pivot_root into $MC_ROOT failed\"; echo abort >&6; exit 125; }\n  cd /\n  echo \"ready $MC_HP $mc_cp\" >&4\n}\nmc_starter() {\n  exec 4>&- 0<&7 7<&-\n  if [ \"$MC_UID\" = 0 ]; then\n    cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n    [ -z \"$mc_env_later\" ] || mc_env\n    read -r mc_x <&6; exec 6<&-\n    [ \"$mc_x\" = go ] || exit 125\n    cd -- \"$MC_CWD\" 2>/dev/null || { mc_say \"workdir $MC_CWD does not exist in the container (create it, or fix -w)\"; exit 125; }\n    unset OLDPWD\n    exec \"$@\"\n  fi\n  export MC_CWD\n  exec setpriv --reuid=\"$MC_UID\" --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs --inh-caps=-all \\\n    -- /bin/sh -c 'cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n      read -r x <&6; exec 6<&-\n      [ \"$x\" = go ] || exit 125\n      cd -- \"$MC_CWD\" 2>/dev/null || { printf \"micro-container: workdir %s is not there for this user (create it, or fix -w)\\n\" \"$MC_CWD\" >&2; exit 125; }\n      unset MC_CWD OLDPWD; exec \"$@\"' mc-starter \"$@\"\n}\nmc_plan_mounts() {\n  mc_layers\n  MC_WHITEOUTS=1\n  exec 5> \"$MC_STATE/fstab\" 3> \"$MC_STATE/mounts.sh\"\n  mc_fsesc \"$MC_LOWERS\"; mc_lo=$MC_E\n  mc_fsesc \"$MC_UPPER\"; mc_up=$MC_E\n  mc_fsesc \"$MC_WORK\"; mc_wk=$MC_E\n  mc_fsesc \"$MC_ROOT\"\n  printf 'overlay %s overlay lowerdir=%s,upperdir=%s,workdir=%s,metacopy=off 0 0\\n' \"$MC_E\" \"$mc_lo\" \"$mc_up\" \"$mc_wk\" >&5\n  mc_fstab proc /proc proc nosuid,nodev,noexec\n  mc_fstab sysfs /sys sysfs ro,nosuid,nodev,noexec\n  mc_fstab \"$MC_STATE/dev\" /dev none bind\n  mc_dev=$MC_ROOT$MC_RES\n  read -r mc_kind < \"$MC_STATE/dev/.mc-skeleton\"\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do\n      mc_fsesc \"$mc_dev/$mc_n\"; printf '/dev/%s %s none bind 0 0\\n' \"$mc_n\" \"$MC_E\" >&5\n    done\n  fi\n  mc_fsesc \"$mc_dev\"\n  printf 'devpts %s/pts devpts newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec 0 0\\n' \"$MC_E\" >&5\n  printf 'tmpfs %s/shm tmpfs mode=1777,nosuid,nodev 0 0\\n' \"$MC_E\" >&5\n  printf 'mqueue %s/mqueue mqueue nosuid,nodev,noexec 0 0\\n' \"$MC_E\" >&5\n  mc_fstab tmpfs /tmp tmpfs mode=1777,nosuid,nodev\n  mc_fstab \"$MC_STATE/hosts\" /etc/hosts none bind,X-mc.file\n  mc_fstab \"$MC_STATE/resolv.conf\" /etc/resolv.conf none bind,X-mc.file\n  MC_RO_TARGETS=\n  mc_volumes\n  mc_q \"$MC_RO_TARGETS\"; printf 'MC_RO_TARGETS=%s\\n' \"$MC_Q\" >&3\n  exec 5>&- 3>&-\n}\nmc_mkfile() {\n  [ -d \"$MC_UPPER$1\" ] || mkdir -p -- \"$MC_UPPER$1\" || mc_die \"cannot create $1 in the upper layer\"\n  : > \"$MC_UPPER$2\" || mc_die \"cannot create $2 in the upper layer\"\n}\nmc_mount() {\n  . \"$MC_STATE/mounts.sh\" || return 1\n  mount -c -a -T \"$MC_STATE/fstab\" || { mc_mount_diagnose; return 1; }\n  [ -z \"$MC_RO_TARGETS\" ] || mc_ro_nested\n}\nmc_mount_diagnose() {\n  mc_ifs=$IFS; IFS=:\n  for mc_l in $MC_LOWERS; do\n    [ -d \"$mc_l\" ] || mc_say \"lowerdir $mc_l is not a directory\"\n  done\n  IFS=$mc_ifs\n  if [ \"$(stat -c %d -- \"$MC_UPPER\")\" != \"$(stat -c %d -- \"$MC_WORK\")\" ]; then\n    mc_say \"upperdir $MC_UPPER and workdir $MC_WORK are on different filesystems; overlayfs needs them on the same one (move -b basedir)\"\n  fi\n  case $(stat -f -c %T -- \"$MC_UPPER\") in\n    overlayfs) mc_say \"upperdir $MC_UPPER is on an overlay filesystem, which overlayfs cannot use as an upper layer (use a -b basedir on a real filesystem)\" ;;\n  esac\n  mc_say \"could not mount the jail's filesystems (see mount's message above)\"\n}\nmc_rm_layer() {\n  mount -t tmpfs -o mode=0700 tmpfs \"$MC_STATE/rm\" && mkdir -m 0755 -- \"$MC_UPPER\" && mkdir -m 0700 -- \"$MC_WORK\"\n}\nmc_joined() {\n  for mc_p in \"$1/proc/\"[0-9]*; do\n    [ \"${mc_p##*/}\" = 1 ] && continue\n    read -r mc_stat 2>/dev/null < \"$mc_p/stat\" || continue\n    mc_stat=${mc_stat##*) }\n    case $mc_stat in ?' 0 '*) return 0 ;; esac\n  done\n  return 1\n}\ncase ${MC_STAGE:-main} in pid1) mc_stage_pid1; exit ;; esac\nmc_copy() {\n  : > \"$2\"\n  [ -r \"$1\" ] || return 0\n  while IFS= read -r mc_line || [ -n \"$mc_line\" ]; do printf '%s\\n' \"$mc_line\"; done < \"$1\" >> \"$2\"\n}\nmc_dev_skeleton() {\n  mc_kind=\n  read -r mc_kind 2>/dev/null < \"$MC_STATE/dev/.mc-skeleton\"\n  case $mc_kind in nodes|binds) return 0 ;; esac\n  mc_new=$MC_STATE/dev.new\n  rm -rf -- \"$mc_new\" && mkdir -p -m 0755 -- \"$mc_new/pts\" \"$mc_new/shm\" \"$mc_new/mqueue\" || return 1\n  ln -s /proc/self/fd \"$mc_new/fd\" && ln -s /proc/self/fd/0 \"$mc_new/stdin\" &&\n    ln -s /proc/self/fd/1 \"$mc_new/stdout\" && ln -s /proc/self/fd/2 \"$mc_new/stderr\" &&\n    ln -s pts/ptmx \"$mc_new/ptmx\" && ln -s /proc/kcore \"$mc_new/core\" || return 1\n  mc_kind=nodes\n  mknod -m 0666 \"$mc_new/null\" c 1 3 && mknod -m 0666 \"$mc_new/zero\" c 1 5 && mknod -m 0666 \"$mc_new/full\" c 1 7 &&\n    mknod -m 0666 \"$mc_new/random\" c 1 8 && mknod -m 0666 \"$mc_new/urandom\" c 1 9 && mknod -m 0666 \"$mc_new/tty\" c 5 0 &&\n    { : > \"$mc_new/null\"; } 2>/dev/null || mc_kind=binds\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do rm -f -- \"$mc_new/$mc_n\" && : > \"$mc_new/$mc_n\" || return 1; done\n  fi\n  echo \"$mc_kind\" > \"$mc_new/.mc-skeleton\"\n  rm -rf -- \"$MC_STATE/dev\" && mv -- \"$mc_new\" \"$MC_STATE/dev\"\n}\nmc_stage_keeper() {\n  exec 4> \"$MC_STATE/up\"\n  mc_st=0\n  if [ -n \"$MC_INIT\" ]; then\n    \"$MC_INIT\" init \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"init $mc_st\" >&4\n  read -r _ || :\n  mc_st=0\n  if [ -n \"$MC_SHUTDOWN\" ]; then\n    \"$MC_SHUTDOWN\" shutdown \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"shutdown $mc_st\" >&4\n}\nmc_prepare_dirs() {\n  if [ ! -d \"$MC_BASE\" ]; then\n    mkdir -p -- \"$MC_BASE\" && chown -- \"$MC_OWNER\" \"$MC_BASE\" || mc_die \"cannot create basedir $MC_BASE\"\n  fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_APPDIR\" ]; then\n    mkdir -p -- \"$MC_APPDIR\" && chown -- \"$MC_OWNER\" \"$MC_APPDIR\" || mc_die \"cannot create appdir $MC_APPDIR\"\n  fi\n  if [ ! -d \"$MC_LIB\" ]; then\n    mkdir -p -m 0700 -- \"$MC_LIB\" || mc_die \"cannot create librarydir $MC_LIB\"\n  fi\n  if [ ! -d \"$MC_STATE/root\" ]; then\n    mkdir -p -m 0700 -- \"$MC_STATE/root\" || mc_die \"cannot create $MC_STATE\"\n  fi\n  for mc_f in up go started life keep; do\n    [ -p \"$MC_STATE/$mc_f\" ] || mkfifo -m 0600 -- \"$MC_STATE/$mc_f\" || mc_die \"cannot create $MC_STATE/$mc_f\"\n  done\n  mc_dev_skeleton || mc_die \"cannot create the /dev skeleton in $MC_STATE\"\n  if [ \"$MC_RM\" = 1 ] && [ ! -d \"$MC_STATE/rm\" ]; then mkdir -m 0700 -- \"$MC_STATE/rm\" || mc_die \"cannot create $MC_STATE/rm\"; fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_WORK\" ]; then\n    mkdir -p -m 0755 -- \"$MC_UPPER\" && mkdir -p -m 0700 -- \"$MC_WORK\" || mc_die \"cannot create $MC_UPPER and $MC_WORK\"\n  fi\n}\nmc_join() {\n  mc_hp=$1\n  mc_user \"/proc/$mc_hp/root\"\n  MC_WHITEOUTS=0\n  mc_cwd \"/proc/$mc_hp/root\"\n  mc_resolve \"$MC_CWD\" \"/proc/$mc_hp/root\" || exit 125\n  MC_CWD=$MC_RES\n  mc_command_default\n  eval \"set -- $MC_ARGV\"\n  exec 9>&-\n  [ -z \"${MC_LIFELINE_FD:-}\" ] || eval \"exec $MC_LIFELINE_FD>&-\"\n  mc_cg_join \"$$\"\n  mc_nsn=\n  [ \"$MC_NET\" = host ] || mc_nsn=-n\n  mc_env\n  if [ \"$MC_UID\" = 0 ]; then\n    exec nsenter -t \"$mc_hp\" $mc_nsn -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S 0 -G 0 -- \"$@\"\n  fi\n  exec setpriv --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs \\\n    nsenter -t \"$mc_hp\" $mc_nsn -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S \"$MC_UID\" -- \"$@\"\n}\nmc_locked() {\n  if [ -n \"$MC_FLOCK\" ]; then\n    wait \"$MC_FLOCK\"; mc_r=$? MC_FLOCK=\n  else\n    flock -n 9; mc_r=$?\n  fi\n  [ \"$mc_r\" -le 1 ] || mc_die \"flock failed (status $mc_r): is util-linux installed?\"\n  return \"$mc_r\"\n}\nmc_stage_main() {\n  [ -O / ] || mc_die \"the launcher must run as root (try: sudo sh $0)\"\n  mc_prepare_dirs\n  [ -n \"$MC_FLOCK\" ] || mc_lock_async\n  mc_command \"$@\"\n  mc_tries=0\n  until mc_locked; do\n    if read -r mc_hp mc_st0 2>/dev/null < \"$MC_STATE/pid1\" && mc_starttime \"$mc_hp\" && [ \"$MC_START\" = \"$mc_st0\" ]; then\n      mc_join \"$mc_hp\"\n    fi\n    [ \"$mc_tries\" = 25 ] && mc_say \"container ${MC_NAME:-app} is starting or stopping; waiting\"\n    mc_tries=$((mc_tries + 1))\n    [ \"$mc_tries\" -le 600 ] || mc_die \"container ${MC_NAME:-app} stayed busy for 60 s; is a launcher stuck? (see $MC_STATE)\"\n    if [ \"$mc_tries\" -le 25 ]; then mc_w=0.02; else mc_w=0.1; fi\n    flock -w \"$mc_w\" 9 && break\n  done\n  [ \"${MC_JOIN_ONLY:-}\" != 1 ] || mc_die \"container ${MC_NAME:-app} is not running (start it with micro-container run -n ${MC_NAME:-NAME} ...)\"\n  mc_own\n}\nmc_own() {\n  if { [ \"$MC_NET\" != private ] || ! [ -e \"$MC_STATE/hosts\" ]; } && ! [ \"$MC_STATE/hosts\" -nt /etc/hosts ]; then\n    mc_copy /etc/hosts \"$MC_STATE/hosts\"\n    printf '127.0.1.1\\t%s\\n' \"$MC_HOSTNAME\" >> \"$MC_STATE/hosts\"\n  fi\n  [ \"$MC_STATE/resolv.conf\" -nt /etc/resolv.conf ] || mc_copy /etc/resolv.conf \"$MC_STATE/resolv.conf\"\n  exec 4<> \"$MC_STATE/up\" 6<> \"$MC_STATE/go\" 7<&0\n  : > \"$MC_STATE/oom\"\n  ( exec 4>&- 7<&- < \"$MC_STATE/up\"; mc_loop; mc_cleanup ) &\n  export MC_ARGV MC_STAGE=pid1\n  set -- --pid --fork --mount --uts --ipc --kill-child --propagation private\n  [ \"$MC_NET\" = host ] || set -- \"$@\" --net\n  if [ -n \"${MC_LIFELINE_FD:-}\" ]; then\n    eval \"exec unshare \\\"\\$@\\\" -- /bin/sh \\\"\\$0\\\" <&$MC_LIFELINE_FD\"\n  fi\n  exec 8<> \"$MC_STATE/life\"\n  exec unshare \"$@\" -- /bin/sh \"$0\" < \"$MC_STATE/life\"\n}\nmc_cg_remove() {\n  mc_n=$1 mc_t=1\n  while :; do\n    eval \"set -- $MC_CG_DIRS\"\n    mc_left=\n    for mc_d; do\n      if [ -d \"$mc_d\" ]; then mc_q \"$mc_d\"; mc_left=\"$mc_left $MC_Q\"; fi\n    done\n    [ -n \"$mc_left\" ] || return 0\n    eval \"rmdir -- $mc_left\" 2>/dev/null && return 0\n    if [ \"$mc_t\" -ge \"$mc_n\" ]; then\n      [ \"$mc_n\" = 1 ] && return 0\n      for mc_d; do\n        [ -d \"$mc_d\" ] && mc_say \"cannot remove the cgroup $mc_d: processes are still in it\"\n      done\n      return 0\n    fi\n    mc_t=$((mc_t + 1)); sleep 0.01\n  done\n}\nmc_net_locked() {\n  exec 6>> \"$MC_LIB/network.lock\" || return 1\n  flock -w 60 6 || { mc_say \"timed out waiting for $MC_LIB/network.lock\"; exec 6>&-; return 1; }\n  \"mc_net_$1\" \"${2:-}\"; mc_r=$?\n  exec 6>&-\n  return \"$mc_r\"\n}\nmc_cleanup() {\n  [ -z \"$MC_CG_OOM\" ] || mc_copy \"$MC_CG_OOM\" \"$MC_STATE/oom\"\n  mc_cg_remove 500\n  if [ \"$MC_NET\" = private ]; then mc_net_locked down || mc_say \"could not disconnect ${MC_NAME:-app} from its network\"; fi\n  return 0\n}\nmc_loop() {\n  mc_hp= mc_cp= mc_keeper=\n  if ( mc_plan_mounts ); then echo plan >&6; else echo abort >&6; fi\n  mc_cg_remove 1\n  mc_cg=cgroup\n  mc_cg_setup \"$$\" || mc_cg=abort\n  while read -r mc_msg mc_a mc_b mc_c; do\n    case $mc_msg in\n      cgroup)\n        [ \"$mc_cg\" = abort ] || mc_cg_move \"$mc_a\" || mc_cg=abort\n        echo \"$mc_cg\" 1<> \"$MC_STATE/go\" ;;\n      mounted)\n        mc_hp=$mc_a\n        MC_STAGE=keeper MC_KUID=$mc_b MC_KGID=$mc_c \\\n          nsenter -t \"$mc_hp\" -m -- unshare --mount --propagation private -- /bin/sh \"$0\" < \"$MC_STATE/keep\" &\n        mc_keeper=$!\n        exec 5<> \"$MC_STATE/keep\" ;;\n      init)\n        if [ \"$mc_a\" != 0 ]; then\n          mc_say \"init script $MC_INIT failed with status $mc_a\"\n          mc_end_keeper\n          echo abort > \"$MC_STATE/go\"\n        else\n          echo pivot > \"$MC_STATE/go\"\n        fi ;;\n      ready)\n        mc_hp=$mc_a mc_cp=$mc_b\n        if ! umount -N \"/proc/$mc_hp/ns/mnt\" -l /; then\n          mc_say \"cannot detach the host's root from the jail\"\n          echo abort > \"$MC_STATE/go\"; continue\n        fi\n        if [ \"$MC_NET\" = private ] && ! mc_net_locked up \"$mc_hp\"; then\n          mc_say \"cannot connect container ${MC_NAME:-app} to its network (see the message above)\"\n          echo abort > \"$MC_STATE/go\"; continue\n        fi\n        echo go > \"$MC_STATE/go\"\n        mc_starttime \"$mc_hp\" && printf '%s %s\\n' \"$mc_hp\" \"$MC_START\" > \"$MC_STATE/pid1\" ;;\n      signal)\n        [ -n \"$mc_cp\" ] && kill -s \"$mc_a\" \"$mc_cp\" 2>/dev/null ;;\n      done)\n        : > \"$MC_STATE/pid1\"\n        if [ \"$mc_b\" != exit ]; then\n          mc_wait_joined\n          mc_end_keeper\n          kill -USR1 \"$mc_hp\" 2>/dev/null\n        fi\n        mc_drain\n        return ;;\n      exit)\n        mc_end_keeper\n        mc_drain\n        return ;;\n    esac\n  done\n  mc_end_keeper\n}\nmc_drain() {\n  while read -r _; do :; done\n}\nmc_end_keeper() {\n  [ -n \"$mc_keeper\" ] || return 0\n  echo shutdown >&5\n  mc_a=0\n  while read -r mc_msg mc_a _; do [ \"$mc_msg\" = shutdown ] && break; done\n  [ \"$mc_a\" = 0 ] || mc_say \"shutdown script $MC_SHUTDOWN failed with status $mc_a\"\n  wait \"$mc_keeper\" 2>/dev/null\n  mc_keeper=\n}\nmc_wait_joined() {\n  while mc_joined \"/proc/$mc_hp/root\"; do sleep 0.2; done\n}\ncase ${MC_STAGE:-main} in\n  main) mc_stage_main \"$@\" ;;\n  keeper) mc_stage_keeper ;;\n  none) ;;\n  *) mc_die \"unknown stage $MC_STAGE\" ;;\nesac\n";
const CONTAINERIZE_BODY = "mc_hook() {\n  mc_h=$MC_HOOKS/$1; shift\n  [ -e \"$mc_h\" ] || return 0\n  [ -x \"$mc_h\" ] || { mc_say \"$mc_h is not executable (chmod +x it)\"; return 126; }\n  ( cd \"$MC_GROUPDIR\" && exec \"$mc_h\" \"$@\" 8>&- 9>&- ) </dev/null\n}\nmc_cgroup_dir() {\n  for mc_b in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/pids; do\n    if [ -e \"$mc_b/cgroup.procs\" ]; then MC_CG=$mc_b/$MC_CGROUP; return 0; fi\n  done\n  mc_die \"no cgroup hierarchy to track the container's processes in (mount cgroup2 on /sys/fs/cgroup)\"\n}\nmc_cg_kill() {\n  [ -d \"$MC_CG\" ] || return 0\n  [ -e \"$MC_CG/cgroup.kill\" ] && echo 1 > \"$MC_CG/cgroup.kill\" 2>/dev/null\n  mc_n=0\n  while :; do\n    mc_any=\n    while read -r mc_p; do mc_any=1; kill -KILL \"$mc_p\" 2>/dev/null; done < \"$MC_CG/cgroup.procs\"\n    [ -n \"$mc_any\" ] || return 0\n    mc_n=$((mc_n + 1))\n    [ \"$mc_n\" -le 200 ] || { mc_say \"processes are still left in $MC_CG after 10 s\"; return 1; }\n    sleep 0.05\n  done\n}\nmc_keeper_live() {\n  read -r MC_KP mc_ks 2>/dev/null < \"$MC_STATE/keeper\" && mc_starttime \"$MC_KP\" && [ \"$MC_START\" = \"$mc_ks\" ]\n}\nmc_live_sessions() {\n  for mc_f in \"$MC_STATE/sessions/\"*; do\n    case $mc_f in *.cmd|*'*') continue ;; esac\n    read -r mc_ss 2>/dev/null < \"$mc_f\" || continue\n    mc_starttime \"${mc_f##*/}\" && [ \"$MC_START\" = \"$mc_ss\" ] && return 0\n  done\n  return 1\n}\nmc_stale_cleanup() {\n  read -r mc_old _ 2>/dev/null < \"$MC_STATE/keeper\" || mc_old=\n  if [ -n \"$mc_old\" ] || [ -d \"$MC_CG\" ]; then\n    mc_say \"cleaning up after an earlier run of $MC_GROUP/$MC_INSTANCE that ended without tearing down${mc_old:+ (its keeper, pid $mc_old, is gone)}\"\n    mc_cg_kill\n    rmdir -- \"$MC_CG\" 2>/dev/null\n  fi\n  rm -f -- \"$MC_STATE/sessions/\"* \"$MC_STATE/down\"\n  : > \"$MC_STATE/keeper\"\n}\nmc_mount_at() {\n  mc_resolve \"$1\" \"$MC_ROOT\" || return 1\n  mc_t=$MC_ROOT$MC_RES; shift\n  [ -d \"$mc_t\" ] || mkdir -p -- \"$mc_t\" || { mc_say \"cannot create $mc_t\"; return 1; }\n  mount \"$@\" \"$mc_t\" || return 1\n  printf '%s\\n' \"$mc_t\" >> \"$MC_STATE/mounts\"\n}\nmc_mounts() {\n  : > \"$MC_STATE/mounts\"\n  if [ \"$MC_PIDNS\" = 1 ]; then\n    mc_mount_at /proc -t proc -o nosuid,nodev,noexec proc || return 1\n  else\n    mc_mount_at /proc --rbind /proc || return 1\n  fi\n  mc_mount_at /sys --rbind /sys && mc_mount_at /dev --rbind /dev &&\n    mc_mount_at /tmp -t tmpfs -o mode=1777,nosuid,nodev tmpfs\n}\nmc_unmounts() {\n  [ -s \"$MC_STATE/mounts\" ] || return 0\n  mc_list=\n  while IFS= read -r mc_t; do mc_q \"$mc_t\"; mc_list=\"$MC_Q $mc_list\"; done < \"$MC_STATE/mounts\"\n  eval \"set -- $mc_list\"\n  for mc_t in \"$@\"; do\n    umount -R -- \"$mc_t\" 2>/dev/null || umount -R -l -- \"$mc_t\" || mc_say \"cannot unmount $mc_t\"\n  done\n  : > \"$MC_STATE/mounts\"\n}\nmc_profile() {\n  [ -e \"$MC_HOOKS/profile\" ] || return 0\n  mc_resolve /tmp \"$MC_ROOT\" || return 1\n  mc_pf=$MC_ROOT$MC_RES/.containerize-profile\n  : > \"$mc_pf\" && mount --bind -- \"$MC_HOOKS/profile\" \"$mc_pf\" || return 1\n  mc_sh=\n  [ -x \"$MC_HOOKS/profile\" ] || mc_sh=/bin/sh\n  (\n    cd -P /proc/self && echo \"${PWD##*/}\" > \"$MC_CG/cgroup.procs\" || exit 125\n    cd / && mc_env && exec chroot \"$MC_ROOT\" $mc_sh /tmp/.containerize-profile\n  ) </dev/null\n  mc_st=$?\n  umount -- \"$mc_pf\"; rm -f -- \"$mc_pf\"\n  [ \"$mc_st\" = 0 ] || { mc_say \"profile script $MC_HOOKS/profile failed with status $mc_st\"; return 1; }\n}\nmc_env() {\n  if [ \"${MC_CLEAN_ENV:-}\" = 1 ]; then\n    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE\n  fi\n  unset OLDPWD\n  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root\n  export CONTAINERIZE_GROUP=\"$MC_GROUP\" CONTAINERIZE_INSTANCE=\"$MC_INSTANCE\"\n}\nmc_teardown() {\n  mc_hook stop \"$MC_ROOT\" \"$MC_KP\" || mc_say \"stop script $MC_HOOKS/stop failed with status $?\"\n  mc_cg_kill\n  mc_unmounts\n  mc_hook unbind \"$MC_ROOT\" || mc_say \"unbind script $MC_HOOKS/unbind failed with status $?\"\n  if [ \"$MC_OVERLAY\" = 1 ]; then umount -- \"$MC_ROOT\" 2>/dev/null || umount -l -- \"$MC_ROOT\"; fi\n  rmdir -- \"$MC_CG\" 2>/dev/null\n  return 0\n}\nmc_stage_keeper() {\n  : > \"$MC_STATE/began\"\n  exec 1<> \"$MC_STATE/setup\" 2>&1 </dev/null\n  trap '' INT QUIT HUP\n  mc_cgroup_dir\n  cd -P /proc/self && MC_KP=${PWD##*/}   # our pid on the host: /proc is still the host's\n  cd / || exit 125\n  mc_starttime \"$MC_KP\"; mc_ks=$MC_START\n  mc_bound=\n  if ! mc_keeper_setup; then\n    mc_unmounts\n    [ -n \"$mc_bound\" ] && { mc_hook unbind \"$MC_ROOT\" || mc_say \"unbind script failed with status $?\"; }\n    rmdir -- \"$MC_CG\" 2>/dev/null\n    printf '\\n@@fail 125\\n'\n    exit 125\n  fi\n  printf '%s %s\\n' \"$MC_KP\" \"$mc_ks\" > \"$MC_STATE/keeper\"\n  printf '@@ready %s\\n' \"$MC_KP\"\n  exec >> \"$MC_STATE/keeper.log\" 2>&1\n  exec 9>> \"$MC_STATE/users\"\n  flock -x 9\n  exec 8>> \"$MC_STATE/lock\"\n  flock -x 8\n  [ -e \"$MC_STATE/down\" ] && exit 0\n  mc_say \"$(date): every session of $MC_GROUP/$MC_INSTANCE ended without tearing down (killed?); tearing down\"\n  mc_teardown\n  : > \"$MC_STATE/keeper\"\n  exit 0\n}\nmc_keeper_setup() {\n  if [ \"$MC_OVERLAY\" = 1 ]; then\n    mount -t overlay -o \"lowerdir=$MC_TREE,upperdir=$MC_UPPER,workdir=$MC_WORK\" overlay \"$MC_ROOT\" ||\n      { mc_say \"cannot mount the overlay over $MC_TREE (upper layer $MC_UPPER)\"; return 1; }\n  fi\n  [ \"$MC_UTSNS\" = 1 ] && printf '%s\\n' \"$MC_INSTANCE\" > /proc/sys/kernel/hostname\n  mc_bound=1\n  mc_hook bind \"$MC_ROOT\" \"$MC_GROUP\" \"$MC_INSTANCE\" || { mc_say \"bind script $MC_HOOKS/bind failed with status $?\"; return 1; }\n  mc_mounts || { mc_say \"cannot mount /proc, /sys, /dev and /tmp in $MC_ROOT\"; return 1; }\n  mkdir -p -- \"$MC_CG\" || { mc_say \"cannot create the cgroup $MC_CG\"; return 1; }\n  mc_profile\n}\nmc_stage_main() {\n  [ -O / ] || mc_die \"containerize must run as root (try: sudo sh $0)\"\n  [ -d \"$MC_HOOKS\" ] || mc_die \"$MC_HOOKS does not exist: every group needs a .container directory (mkdir $MC_HOOKS; the scripts in it are optional)\"\n  [ -d \"$MC_TREE\" ] || mc_die \"instance $MC_INSTANCE does not exist in $MC_GROUPDIR (create $MC_TREE, or clone one: micro-container trees clone $MC_GROUP TEMPLATE $MC_INSTANCE)\"\n  mkdir -p -m 0700 -- \"$MC_STATE/sessions\" || mc_die \"cannot create $MC_STATE\"\n  [ -p \"$MC_STATE/setup\" ] || mkfifo -m 0600 -- \"$MC_STATE/setup\" || mc_die \"cannot create $MC_STATE/setup\"\n  if [ \"$MC_OVERLAY\" = 1 ]; then\n    mkdir -p -- \"$MC_ROOT\" \"$MC_UPPER\" \"$MC_WORK\" || mc_die \"cannot create the overlay's directories $MC_UPPER and $MC_WORK\"\n  fi\n  mc_cgroup_dir\n  mc_command \"$@\"\n  exec 8>> \"$MC_STATE/lock\"\n  flock -w 60 8 || mc_die \"$MC_GROUP/$MC_INSTANCE stayed locked for 60 s; is a containerize stuck? (see $MC_STATE)\"\n  mc_tries=0\n  until mc_enter; do\n    [ \"$mc_tries\" = 0 ] && mc_say \"$MC_GROUP/$MC_INSTANCE is stopping; waiting\"\n    mc_tries=$((mc_tries + 1))\n    [ \"$mc_tries\" -le 600 ] || mc_die \"$MC_GROUP/$MC_INSTANCE stayed busy for 60 s (see $MC_STATE)\"\n    flock -u 8; sleep 0.1; flock -w 60 8 || mc_die \"$MC_GROUP/$MC_INSTANCE stayed locked for 60 s\"\n  done\n  mc_session\n}\nmc_enter() {\n  exec 9>> \"$MC_STATE/users\"\n  if mc_keeper_live; then\n    flock -n -s 9 && return 0\n    exec 9>&-; return 1\n  fi\n  mc_stale_cleanup\n  flock -n -s 9 || { exec 9>&-; return 1; }\n  mc_start_keeper\n}\nmc_start_keeper() {\n  : > \"$MC_STATE/keeper.log\"\n  rm -f -- \"$MC_STATE/began\"\n  exec 6<> \"$MC_STATE/setup\"\n  (\n    exec 8>&- 9>&- 6>&- </dev/null >> \"$MC_STATE/keeper.log\" 2>&1\n    [ -n \"${MC_LIFELINE_FD:-}\" ] && eval \"exec $MC_LIFELINE_FD>&-\"\n    export MC_STAGE=keeper\n    eval \"unshare --mount --propagation \\\"\\$MC_PROPAGATION\\\" $MC_UNSHARE -- /bin/sh \\\"\\$0\\\"\"\n    mc_st=$?\n    [ -e \"$MC_STATE/began\" ] || printf '\\n@@fail %s\\n' \"$mc_st\" 1<> \"$MC_STATE/setup\"\n  ) &\n  while IFS= read -r mc_l <&6; do\n    case $mc_l in\n      *@@ready\\ *) [ -n \"${mc_l%%@@ready *}\" ] && printf '%s\\n' \"${mc_l%%@@ready *}\" >&2; break ;;\n      *@@fail\\ *)\n        [ -n \"${mc_l%%@@fail *}\" ] && printf '%s\\n' \"${mc_l%%@@fail *}\" >&2\n        mc_tail=$(cat \"$MC_STATE/keeper.log\"); [ -n \"$mc_tail\" ] && printf '%s\\n' \"$mc_tail\" >&2\n        mc_die \"could not start $MC_GROUP/$MC_INSTANCE\" ;;\n      *) printf '%s\\n' \"$mc_l\" >&2 ;;\n    esac\n  done\n  exec 6<&-\n  mc_keeper_live || mc_die \"the keeper of $MC_GROUP/$MC_INSTANCE is gone\"\n}\nmc_watch() {\n  [ -n \"${MC_LIFELINE_FD:-}\" ] || return 0\n  mc_sid=$$\n  (\n    exec 8>&- 9>&- </dev/null >/dev/null 2>&1\n    eval \"exec 5<&$MC_LIFELINE_FD $MC_LIFELINE_FD<&-\"\n    while read -r mc_l <&5; do\n      case $mc_l in\n        'signal '*) read -r mc_c < \"$MC_STATE/sessions/$mc_sid.cmd\" && kill -s \"${mc_l#signal }\" \"$mc_c\" ;;\n      esac\n    done\n    read -r mc_c < \"$MC_STATE/sessions/$mc_sid.cmd\" && kill -KILL \"$mc_c\"\n  ) &\n  mc_watcher=$!\n  eval \"exec $MC_LIFELINE_FD<&-\"\n}\nmc_session() {\n  mc_watcher=\n  mc_starttime $$ && echo \"$MC_START\" > \"$MC_STATE/sessions/$$\"\n  exec 8>&-\n  mc_root=/proc/$MC_KP/root$MC_ROOT\n  if [ -z \"$MC_ARGV\" ]; then\n    MC_ARGV=sh\n    mc_resolve /bin/bash \"$mc_root\" && [ -x \"$mc_root$MC_RES\" ] && MC_ARGV=bash\n  fi\n  if ! mc_resolve \"$MC_WORKDIR\" \"$mc_root\" || [ ! -d \"$mc_root$MC_RES\" ]; then\n    mc_say \"workdir $MC_WORKDIR does not exist in $MC_GROUP/$MC_INSTANCE (create it, or fix -w)\"\n    mc_leave\n    exit 125\n  fi\n  mc_watch\n  mc_q \"$mc_root$MC_RES\"; mc_wd=$MC_Q\n  mc_q \"$mc_root\"; mc_rt=$MC_Q\n  trap : INT QUIT\n  (\n    cd -P /proc/self && mc_me=${PWD##*/} && cd / || exit 125\n    echo \"$mc_me\" > \"$MC_STATE/sessions/$$.cmd\"\n    echo \"$mc_me\" > \"$MC_CG/cgroup.procs\" || { mc_say \"cannot move the command into the cgroup $MC_CG\"; exit 125; }\n    exec 9>&-\n    mc_env\n    eval \"exec nsenter -t \\\"\\$MC_KP\\\" -m $MC_NSENTER --root=$mc_rt --wd=$mc_wd -- $MC_ARGV\"\n  )\n  mc_st=$?\n  mc_leave\n  [ -n \"$mc_watcher\" ] && kill \"$mc_watcher\" 2>/dev/null\n  exit \"$mc_st\"\n}\nmc_leave() {\n  trap '' PIPE   # whoever reads our output may be gone: teardown must still finish\n  exec 8>> \"$MC_STATE/lock\"\n  flock -w 120 8 || { mc_say \"cannot take $MC_STATE/lock; the keeper will tear down\"; return 0; }\n  rm -f -- \"$MC_STATE/sessions/$$\" \"$MC_STATE/sessions/$$.cmd\"\n  exec 9>&-\n  mc_live_sessions && return 0\n  mc_keeper_live || return 0\n  MC_STAGE=teardown MC_KP=$MC_KP nsenter -t \"$MC_KP\" -m -- /bin/sh \"$0\"\n  : > \"$MC_STATE/down\"\n  : > \"$MC_STATE/keeper\"\n  flock -u 8\n  mc_n=0\n  while mc_starttime \"$MC_KP\" && [ \"$MC_START\" = \"$mc_ks\" ] && [ \"$mc_n\" -lt 200 ]; do\n    mc_n=$((mc_n + 1)); sleep 0.02\n  done\n}\ncase ${MC_STAGE:-main} in\n  main) mc_stage_main \"$@\" ;;\n  keeper) mc_stage_keeper ;;\n  teardown) mc_cgroup_dir; mc_teardown ;;\n  *) mc_die \"unknown stage $MC_STAGE\" ;;\nesac\n";


/***/ }),

/***/ 7119:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  $b: () => (/* binding */ launcherDigest),
  $z: () => (/* binding */ renderLauncher),
  US: () => (/* binding */ shQuote),
  dT: () => (/* binding */ shVar)
});

// UNUSED EXPORTS: renderCgroupSteps, renderPrelude, renderResources

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: ./src/core/net/iface-names.ts
var iface_names = __nccwpck_require__(6940);
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
function natAddSteps(pool, bridge, backend) {
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
function natRemoveSteps(pool, bridge, backend) {
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

// EXTERNAL MODULE: ./src/core/net/steps.ts
var steps = __nccwpck_require__(3528);
;// CONCATENATED MODULE: ./src/core/net/net-script.ts




function word(w) {
    if (w === steps/* CONTAINER_PID */.yD)
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
            ? // What goes may go by itself meanwhile (a dead container's veth goes with its
                // namespace, asynchronously): the step's message is shown only when it failed
                // and the thing is still there.
                `! ${quiet(step.onlyIf)} || mc_e=$(${run} 2>&1 >/dev/null) || ! ${quiet(step.onlyIf)} || { printf '%s\\n' "$mc_e" >&2; ${fail}; }`
            : `${run} || ${fail}`;
    return `${indent}# ${step.why.replace(/\n/g, ' ')}\n${indent}${body}`;
}
function renderNetScript(plan) {
    const veth = (0,iface_names/* hostVethName */.LF)(plan.bridge, plan.name);
    const bridgeCmd = (words) => command(words, 'bridge', plan);
    const notShared = ['/proc/self/ns/net', ...(plan.netnsPid === undefined ? [] : [`/proc/${plan.netnsPid}/ns/net`])].map((ns) => ` && [ "$mc_ns" != "$(readlink ${ns})" ]`).join('');
    const [create, ...configure] = (0,steps/* attachSteps */.hb)(plan);
    // As attach() does: a pair that could not be configured is deleted (both ends go).
    const undo = `{ ${bridgeCmd(['ip', 'link', 'del', 'dev', veth])} 2>/dev/null; return 1; }`;
    const alias = plan.owner === undefined ? undefined : (0,iface_names/* bridgeAlias */.gD)(plan.owner);
    const ownerCheck = alias === undefined
        ? []
        : [
            "  # the bridge must not be another library directory's network (see bridgeAlias)",
            `  mc_alias=$(${bridgeCmd(['ip', 'link', 'show', 'dev', plan.bridge])} 2>/dev/null | sed -n 's/^ *alias //p')`,
            `  [ -z "$mc_alias" ] || [ "$mc_alias" = ${shQuote(alias)} ] ||`,
            `    { echo "micro-container: the bridge ${plan.bridge} belongs to another network ('$mc_alias'): use that library directory, or give this one its own bridge and pool" >&2; return 1; }`,
        ];
    const forwardAdd = plan.forwardAccept ? bridgeForwardAddSteps(plan.bridge) : [];
    const removeRules = [...(plan.forwardAccept ? bridgeForwardRemoveSteps(plan.bridge) : []), ...(plan.nat ? natRemoveSteps(plan.nat.pool, plan.bridge, plan.nat.backend) : [])].map((s) => line(s, plan, 'return 1', '    '));
    return [
        `# micro-container network for '${plan.name}': ${plan.ip}/${plan.prefix} (${plan.mac}) on the bridge ${plan.bridge}, host end ${veth}`,
        'mc_net_up() {',
        // A pid whose namespace is the bridge's (or ours) would get eth0 and its default
        // route put into that namespace: the host's, in production.
        '  # the container must have a network namespace of its own',
        `  mc_ns=$(readlink /proc/"$1"/ns/net) && [ -n "$mc_ns" ]${notShared} ||`,
        `    { echo "micro-container: process $1 has no network namespace of its own" >&2; return 1; }`,
        ...ownerCheck,
        ...[...(0,steps/* bridgeSteps */.B9)(plan.bridge, plan.gatewayCidr, alias), ...forwardAdd, ...(plan.nat ? natAddSteps(plan.nat.pool, plan.bridge, plan.nat.backend) : []), create].map((s) => line(s, plan)),
        ...configure.map((s) => line(s, plan, undo)),
        '}',
        'mc_net_down() {',
        ...(0,steps/* detachSteps */.DL)(plan.bridge, plan.name).map((s) => line(s, plan)),
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

// EXTERNAL MODULE: ./src/core/jail/launcher-body.gen.ts
var launcher_body_gen = __nccwpck_require__(6047);
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
        '# The fixed part after the variables is micro-container\'s src/core/jail/launcher-body.sh',
        '# with its comments left out (they cost parsing time at every start).',
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
    return renderPrelude(spec) + launcher_body_gen/* SH_COMMON */.Em + launcher_body_gen/* LAUNCHER_BODY */.sm;
}
/** A short digest of the launcher text: its file name, so runs never rewrite a live one. */
function launcherDigest(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex').slice(0, 16);
}


/***/ }),

/***/ 1217:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ runLauncher),
/* harmony export */   QV: () => (/* binding */ writeLauncher),
/* harmony export */   fM: () => (/* binding */ writeLauncherIn),
/* harmony export */   oQ: () => (/* binding */ runLauncherDetailed)
/* harmony export */ });
/* unused harmony exports prepareDirs, spawnLauncher */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(4296);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(2642);
/* harmony import */ var _processes_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(1386);
/* harmony import */ var _launcher_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(7119);







function isDir(p) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync)(p).isDirectory();
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
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(dir, { recursive: true });
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.chownSync)(dir, uid, gid);
        }
    }
    if (!isDir(spec.libraryDir))
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(spec.libraryDir, { recursive: true, mode: 0o700 });
    if (!isDir(spec.stateDir))
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(spec.stateDir, { recursive: true, mode: 0o700 });
}
/**
 * Writes launcher TEXT into DIR under a name made of its digest, so a run never rewrites
 * a launcher that another run is executing. Returns its path.
 */
function writeLauncherIn(dir, text) {
    const file = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(dir, `launcher-${(0,_launcher_js__WEBPACK_IMPORTED_MODULE_5__/* .launcherDigest */ .$b)(text)}.sh`);
    // Named by its content: when it is there, it is this text (written whole, by rename).
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(file))
        return file;
    const tmp = `${file}.${process.pid}.tmp`;
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(tmp, text, { mode: 0o700 });
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync)(tmp, file);
    return file;
}
/** Writes the launcher for SPEC into its state dir (made first). Returns its path. */
function writeLauncher(spec, text = (0,_launcher_js__WEBPACK_IMPORTED_MODULE_5__/* .renderLauncher */ .$z)(spec)) {
    prepareDirs(spec);
    return writeLauncherIn(spec.stateDir, text);
}
function parentIsSudo(ppid) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(`/proc/${ppid}/comm`, 'utf8').trim() === 'sudo';
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
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)('/bin/sh', [file, ...(options.command ?? [])], {
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
    // A run that joined a live container: the launcher became nsenter (setpriv execs it too),
    // which waits for the command it started inside but passes it no signal, and whose end
    // leaves the command running; nobody reads the lifeline either. So the session is
    // signalled here, by host pid: a forwarded signal goes to the command (nsenter's child);
    // at the time limit SIGTERM goes to every process of the session and, at the end, SIGKILL
    // to what is left of them, those that outlived the command included (no longer below
    // nsenter then: remembered by pid and start time).
    const joined = () => child.pid !== undefined && (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .commOf */ .k3)(child.pid) === 'nsenter';
    /** The session's processes seen so far: pid -> start time. */
    const session = new Map();
    const toCommand = (sig) => {
        if (joined())
            for (const p of (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .childrenOf */ .LU)(child.pid))
                (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .signal */ .vP)(p, sig);
    };
    const toSession = (sig) => {
        if (joined())
            for (const p of (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .descendantsOf */ .gO)(child.pid))
                if (!session.has(p))
                    session.set(p, (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .processStartTime */ .X0)(p));
        for (const [p, start] of session)
            if (start !== undefined && (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .processStartTime */ .X0)(p) === start)
                (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .signal */ .vP)(p, sig);
    };
    let stopping = false;
    let hardStop;
    const stop = () => {
        if (stopping || child.exitCode !== null || child.signalCode !== null)
            return;
        stopping = true;
        lifeline.write('signal TERM\n');
        toSession('SIGTERM');
        hardStop = setTimeout(() => {
            lifeline.end();
            toSession('SIGKILL');
            child.kill('SIGKILL');
        }, options.graceMs ?? 3000);
    };
    const exit = new Promise((resolve, reject) => {
        const forward = (sig) => () => {
            if (sig === 'SIGINT' && process.stdin.isTTY)
                return;
            lifeline.write(`signal ${sig.slice(3)}\n`);
            toCommand(sig);
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
        const limit = options.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                stop();
            }, options.timeoutMs);
        child.on('error', (e) => reject(new _errors_js__WEBPACK_IMPORTED_MODULE_6__/* .JailError */ .RE(`cannot start the launcher ${file}: ${e.message}`)));
        child.on('close', (code, signal) => {
            if (watch)
                clearInterval(watch);
            if (limit)
                clearTimeout(limit);
            if (hardStop)
                clearTimeout(hardStop);
            for (const [s, h] of handlers)
                process.off(s, h);
            if (stopping)
                toSession('SIGKILL');
            resolve({ status: code ?? 128 + (0,_exec_js__WEBPACK_IMPORTED_MODULE_3__/* .signalNumber */ .Al)(signal), timedOut, stopped: stopping });
        });
    });
    return { child, exit, stop, cutLifeline: () => lifeline.end() };
}


/***/ }),

/***/ 4721:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   AS: () => (/* binding */ cgroupName),
/* harmony export */   iz: () => (/* binding */ validName),
/* harmony export */   m: () => (/* binding */ buildSpec)
/* harmony export */ });
/* unused harmony exports JAIL_BRIDGE, parseBridgeNetns */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _cgroup_limits_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(8398);
/* harmony import */ var _cgroup_plan_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(5485);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(4296);
/* harmony import */ var _config_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(6412);






/** The bridge micro-container's private networks use. */
const JAIL_BRIDGE = 'mc0';
/**
 * The cgroup name of container NAME of LIBRARYDIR: the name (app for the default one) and
 * a short hash of the library directory, since two library directories may each have a
 * container of one name, and cgroups are machine-wide. Pure.
 */
function cgroupName(libraryDir, name) {
    return `${name || 'app'}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(libraryDir).digest('hex').slice(0, 8)}`;
}
/** `/proc/PID/ns/net` -> PID (MICRO_CONTAINER_BRIDGE_NETNS). Pure; throws ConfigError. */
function parseBridgeNetns(text) {
    const m = /^\/proc\/([1-9][0-9]*)\/ns\/net$/.exec(text);
    if (!m)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`bridge namespace '${text}' is not of the form /proc/PID/ns/net (MICRO_CONTAINER_BRIDGE_NETNS: a process in the namespace that holds the bridge)`);
    return Number(m[1]);
}
function parseLimits(config) {
    const limits = {};
    if (config.memory !== undefined)
        limits.memoryBytes = (0,_cgroup_limits_js__WEBPACK_IMPORTED_MODULE_2__/* .parseMemory */ .Pw)(config.memory);
    if (config.pids !== undefined)
        limits.pids = (0,_cgroup_limits_js__WEBPACK_IMPORTED_MODULE_2__/* .parsePids */ .it)(config.pids);
    if (config.cpus !== undefined)
        limits.cpu = (0,_cgroup_limits_js__WEBPACK_IMPORTED_MODULE_2__/* .parseCpus */ .xX)(config.cpus);
    return limits;
}
/**
 * The container's cgroup: only when it has limits. Moving a process into a new cgroup
 * waits for an RCU grace period (5-15 ms on these machines, more than half of a jail's
 * start), and without limits the PID namespace already does what the cgroup would:
 * ps counts its processes, stop signals them, and PID 1's end kills them all.
 */
function jailCgroup(libraryDir, name, limits, layout) {
    if (!(0,_cgroup_limits_js__WEBPACK_IMPORTED_MODULE_2__/* .hasLimits */ .pr)(limits))
        return undefined;
    if (layout === undefined || layout.mode === 'none') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .JailError */ .RE('--memory, --pids and --cpus need cgroups, and this host has no cgroup filesystem mounted: mount cgroup2 on /sys/fs/cgroup');
    }
    const cg = cgroupName(libraryDir, name);
    const plan = (0,_cgroup_plan_js__WEBPACK_IMPORTED_MODULE_3__/* .planCgroupSetup */ .fG)(layout, cg, limits);
    const d = (0,_cgroup_plan_js__WEBPACK_IMPORTED_MODULE_3__/* .containerCgroupDirs */ .g5)(layout, cg);
    const dirs = [...new Set([...(d.v2 ? [d.v2.leaf] : []), ...Object.values(d.v1)])];
    let oom;
    if (d.v2?.limits)
        oom = { file: node_path__WEBPACK_IMPORTED_MODULE_1___default().join(d.v2.leaf, 'memory.events'), kind: 'memory.events' };
    else if (d.v1.memory)
        oom = { file: node_path__WEBPACK_IMPORTED_MODULE_1___default().join(d.v1.memory, 'memory.oom_control'), kind: 'memory.oom_control' };
    return { name: cg, limits, plan, dirs, oom };
}
function jailNet(config, name, libraryDir, facts) {
    if ((config.network ?? 'host') !== 'private')
        return undefined;
    const lease = facts.lease;
    if (lease === undefined || lease.name !== name)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .JailError */ .RE(`no network allocation was given for container '${name}'`);
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
    return node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(cwd, p);
}
function validName(name) {
    return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name);
}
/** config + facts about the host -> JailSpec. Pure (facts are injected); throws ConfigError. */
function buildSpec(config, facts) {
    const name = config.name ?? '';
    if (name !== '' && !validName(name)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`container name '${name}' is not valid: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
    }
    const libraryDir = absolute(config.libraryDir || _config_js__WEBPACK_IMPORTED_MODULE_5__/* .DEFAULT_LIBRARY_DIR */ .s, facts.cwd);
    const baseDir = absolute(config.baseDir || node_path__WEBPACK_IMPORTED_MODULE_1___default().join(facts.invoker.home, '.app'), facts.cwd);
    const suffix = name ? `app-${name}` : 'app';
    const stateDir = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(libraryDir, suffix);
    const appDir = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(baseDir, suffix);
    const ephemeral = config.ephemeral === true;
    const lowerDirs = (config.lowerDirs && config.lowerDirs.length > 0 ? config.lowerDirs : ['/']).map((d) => absolute(d, facts.cwd));
    for (const d of lowerDirs) {
        if (FORBIDDEN_IN_LAYER.test(d))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`lowerdir ${d} contains ':' or ','; overlayfs cannot take such a path (rename or bind-mount it elsewhere)`);
        if (!facts.isDirectory(d))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`lowerdir ${d} is not a directory on the host (check -l)`);
    }
    for (const d of [appDir, stateDir]) {
        if (FORBIDDEN_IN_LAYER.test(d))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`${d} contains ':' or ','; overlayfs cannot take such a path (choose another -b/-d)`);
    }
    const volumes = (config.volumes ?? []).map((v) => {
        const host = absolute(v.host, facts.cwd);
        if (!v.guest.startsWith('/'))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`volume guest path '${v.guest}' must be absolute (as in -v ${v.host}:/path)`);
        if (!facts.exists(host))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`volume source ${host} does not exist on the host (create it first, or fix -v ${v.host}:${v.guest})`);
        return { host, guest: node_path__WEBPACK_IMPORTED_MODULE_1___default().posix.normalize(v.guest), readOnly: v.readOnly };
    });
    // Parents before children, so that a volume inside another lands on top of it.
    volumes.sort((a, b) => a.guest.split('/').length - b.guest.split('/').length);
    const workdir = config.workdir ?? '';
    if (workdir && !workdir.startsWith('/'))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`workdir '${workdir}' must be an absolute path inside the container (-w /path)`);
    const env = config.env ?? {};
    for (const k of Object.keys(env)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`environment variable name '${k}' is not valid (-e NAME=value)`);
    }
    const user = config.user || `${facts.invoker.uid}:${facts.invoker.gid}`;
    if (/[\s'"\\]/.test(user) || user.split(':').length > 2 || user.startsWith(':')) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`user '${user}' is not of the form user[:group] (names or numbers)`);
    }
    const network = config.network ?? 'host';
    if (!_config_js__WEBPACK_IMPORTED_MODULE_5__/* .NETWORK_MODES */ .K.includes(network))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`network '${network}' is not one of host, none or private (--network)`);
    if (network === 'private' && name === '')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL('--network private needs a container name (-n NAME): the address is kept for that name');
    if (config.nat && network !== 'private')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL('--nat only applies to --network private');
    if (config.bridgeNetns !== undefined && network === 'private')
        parseBridgeNetns(config.bridgeNetns);
    const limits = parseLimits(config);
    for (const s of [config.initScript, config.shutdownScript]) {
        if (s && !facts.exists(absolute(s, facts.cwd)))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigError */ .xL(`script ${absolute(s, facts.cwd)} does not exist on the host (check -i/-s)`);
    }
    return {
        name,
        hostname: config.hostname || name || 'micro-container',
        libraryDir,
        baseDir,
        owner: `${facts.invoker.uid}:${facts.invoker.gid}`,
        stateDir,
        rootDir: node_path__WEBPACK_IMPORTED_MODULE_1___default().join(stateDir, 'root'),
        appDir,
        upperDir: ephemeral ? node_path__WEBPACK_IMPORTED_MODULE_1___default().join(stateDir, 'rm', 'upper') : node_path__WEBPACK_IMPORTED_MODULE_1___default().join(appDir, 'upper'),
        workDir: ephemeral ? node_path__WEBPACK_IMPORTED_MODULE_1___default().join(stateDir, 'rm', 'work') : node_path__WEBPACK_IMPORTED_MODULE_1___default().join(appDir, 'work'),
        lowerDirs,
        ephemeral,
        user,
        workdir: workdir ? node_path__WEBPACK_IMPORTED_MODULE_1___default().posix.normalize(workdir) : '',
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


/***/ }),

/***/ 2233:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $Y: () => (/* binding */ livePid1),
/* harmony export */   DW: () => (/* binding */ runRecord),
/* harmony export */   YY: () => (/* binding */ stateDirs),
/* harmony export */   Y_: () => (/* binding */ waitIdle),
/* harmony export */   kC: () => (/* binding */ uptimeSeconds),
/* harmony export */   lR: () => (/* binding */ readRunRecord),
/* harmony export */   vZ: () => (/* binding */ writeAtomic)
/* harmony export */ });
/* unused harmony export RUN_FILE */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _net_flock_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(7538);
/* harmony import */ var _processes_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(1386);





/**
 * What the CLI keeps about a container in its state dir (LIBRARYDIR/app-NAME), for ps,
 * exec, stop and rm: the launcher itself keeps only `pid1` (host pid and start time of
 * PID 1 while it runs) and `lock` (held while the jail and its clean-up run).
 */
const RUN_FILE = 'run.json';
/** Writes TEXT to FILE by a temp name in the same directory and a rename. */
function writeAtomic(file, text, mode = 0o644) {
    const tmp = `${file}.${process.pid}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}.tmp`;
    try {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(tmp, text, { mode });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync)(tmp, file);
    }
    catch (e) {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(tmp, { force: true });
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
        const r = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(stateDir, RUN_FILE), 'utf8'));
        return r.version === 1 ? r : undefined;
    }
    catch {
        return undefined;
    }
}
/** PID 1 of the container whose state dir is STATEDIR, when it is running (pid and start time match). */
function livePid1(stateDir) {
    let text;
    try {
        text = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(stateDir, 'pid1'), 'utf8').trim();
    }
    catch {
        return undefined;
    }
    const [pid, start] = text.split(' ');
    if (!pid || !start || (0,_processes_js__WEBPACK_IMPORTED_MODULE_4__/* .processStartTime */ .X0)(Number(pid)) !== start)
        return undefined;
    return { pid: Number(pid), startTicks: Number(start) };
}
/** Seconds since a process started START ticks after boot (USER_HZ is 100 on Linux's ABIs). */
function uptimeSeconds(startTicks, procUptime = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)('/proc/uptime', 'utf8')) {
    return Math.max(0, Math.floor(Number(procUptime.split(' ')[0]) - startTicks / 100));
}
/** The state dirs in LIBRARYDIR, by container name ('' for the default one, `app`). */
function stateDirs(libraryDir) {
    let entries;
    try {
        entries = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync)(libraryDir);
    }
    catch {
        return [];
    }
    return entries
        .filter((e) => e === 'app' || e.startsWith('app-'))
        .sort()
        .map((e) => ({ name: e === 'app' ? '' : e.slice(4), stateDir: node_path__WEBPACK_IMPORTED_MODULE_2___default().join(libraryDir, e) }));
}
/**
 * Waits until no launcher holds STATEDIR's lock: the jail and its clean-up (shutdown
 * script, cgroup, network) are over. False when it did not happen within timeoutMs.
 */
async function waitIdle(stateDir, timeoutMs = 30_000) {
    try {
        await (0,_net_flock_js__WEBPACK_IMPORTED_MODULE_3__/* .withFlock */ .i)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(stateDir, 'lock'), async () => undefined, { timeoutMs });
        return true;
    }
    catch {
        return false;
    }
}


/***/ }),

/***/ 7538:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   i: () => (/* binding */ withFlock)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(4296);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(2642);




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
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(file), { recursive: true, mode: 0o700 });
    const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync)(file, 'a', 0o600);
    try {
        const seconds = String(Math.max(1, Math.ceil((options.timeoutMs ?? 60_000) / 1000)));
        let r;
        try {
            r = await (0,_exec_js__WEBPACK_IMPORTED_MODULE_2__/* .execCaptureFds */ .LF)('flock', ['-x', '-w', seconds, '-E', String(TIMED_OUT), '3'], [fd]);
        }
        catch (e) {
            if (e.code === 'ENOENT')
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .JailError */ .RE('flock (util-linux) is not installed: it is needed to share the network resources file safely');
            throw e;
        }
        if (r.code === TIMED_OUT)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .JailError */ .RE(`timed out after ${seconds} s waiting for the lock ${file}: another micro-container process holds it`);
        if (r.code !== 0)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .JailError */ .RE(`could not lock ${file}: flock exited with ${r.code}: ${r.stderr.trim()}`);
        return await work();
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
    }
}


/***/ }),

/***/ 6940:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   LF: () => (/* binding */ hostVethName),
/* harmony export */   gD: () => (/* binding */ bridgeAlias)
/* harmony export */ });
/* unused harmony exports DEFAULT_BRIDGE, validIfName, checkBridgeName */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);


/** The bridge micro-container makes when the caller names none. */
const DEFAULT_BRIDGE = 'mc0';
/** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), and never '.', '..', '/', ':' or spaces. */
function validIfName(name) {
    return /^[A-Za-z0-9_.-]{1,15}$/.test(name) && name !== '.' && name !== '..';
}
function checkBridgeName(bridge) {
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
    return `mc${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(`${bridge}\0${container}`).digest('hex').slice(0, 12)}`;
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
    return `micro-container sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(owner).digest('hex')}`;
}


/***/ }),

/***/ 3528:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   B9: () => (/* binding */ bridgeSteps),
/* harmony export */   DL: () => (/* binding */ detachSteps),
/* harmony export */   hb: () => (/* binding */ attachSteps),
/* harmony export */   yD: () => (/* binding */ CONTAINER_PID)
/* harmony export */ });
/* harmony import */ var _iface_names_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6940);

/**
 * The network plumbing as data: one list of commands that Node runs (run-steps.ts) and
 * that the jail's sh launcher can run as text (net-script.ts), so the two never drift.
 * Pure.
 */
/** Stands for the container's pid in a command; Node puts the number, sh puts "$1". */
const CONTAINER_PID = Symbol('container pid');
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
    const veth = (0,_iface_names_js__WEBPACK_IMPORTED_MODULE_0__/* .hostVethName */ .LF)(plan.bridge, plan.name);
    return [
        { in: 'bridge', run: ['ip', 'link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'address', plan.mac, 'netns', CONTAINER_PID], why: `create the veth pair ${veth} / eth0 for '${plan.name}'` },
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
    const veth = (0,_iface_names_js__WEBPACK_IMPORTED_MODULE_0__/* .hostVethName */ .LF)(bridge, name);
    return [{ in: 'bridge', onlyIf: ['ip', 'link', 'show', 'dev', veth], run: ['ip', 'link', 'del', 'dev', veth], why: `remove the veth ${veth} of '${name}'` }];
}


/***/ }),

/***/ 1386:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   IP: () => (/* binding */ waitNoProcesses),
/* harmony export */   LU: () => (/* binding */ childrenOf),
/* harmony export */   X0: () => (/* binding */ processStartTime),
/* harmony export */   gO: () => (/* binding */ descendantsOf),
/* harmony export */   k3: () => (/* binding */ commOf),
/* harmony export */   vP: () => (/* binding */ signal)
/* harmony export */ });
/* unused harmony export statStartTime */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_1__);


/**
 * Signalling a group of processes (a container's cgroup or PID namespace, the processes
 * of a session that joined one) and waiting for it to empty: what stop, the cgroup
 * clean-up and a joined run's time limit share.
 */
/** Sends SIG to PID; a process that is gone already is what we want. */
function signal(pid, sig) {
    try {
        process.kill(pid, sig);
    }
    catch {
        // Gone already (ESRCH).
    }
}
/** Polls LIST every 20 ms until it is empty, for at most MS; true when it emptied. */
async function waitNoProcesses(list, ms) {
    const deadline = Date.now() + ms;
    for (;;) {
        if (list().length === 0)
            return true;
        if (Date.now() >= deadline)
            return false;
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_1__.setTimeout)(Math.min(20, Math.max(1, deadline - Date.now())));
    }
}
/** The pids a process's threads started (`/proc/PID/task/TID/children`); none for a process that is gone. */
function childrenOf(pid) {
    const out = [];
    let tasks;
    try {
        tasks = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(`/proc/${pid}/task`);
    }
    catch {
        return out;
    }
    for (const tid of tasks) {
        try {
            for (const c of (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' '))
                if (c.trim())
                    out.push(Number(c));
        }
        catch {
            // The thread ended meanwhile.
        }
    }
    return out;
}
/** Every process below PID (its children, theirs, ...), parents before their children. */
function descendantsOf(pid) {
    const out = [];
    const seen = new Set([pid]);
    for (let queue = [pid]; queue.length;) {
        const next = [];
        for (const p of queue) {
            for (const c of childrenOf(p)) {
                if (seen.has(c))
                    continue;
                seen.add(c);
                out.push(c);
                next.push(c);
            }
        }
        queue = next;
    }
    return out;
}
/** A process's command name (`/proc/PID/comm`), undefined when it is gone. */
function commOf(pid) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${pid}/comm`, 'utf8').trim();
    }
    catch {
        return undefined;
    }
}
/** A process's start time (field 22 of /proc/PID/stat, after the parenthesised name, which may hold spaces). Pure. */
function statStartTime(stat) {
    const close = stat.lastIndexOf(') ');
    if (close < 0)
        return undefined;
    return stat.slice(close + 2).split(' ')[19];
}
/**
 * A process's start time in clock ticks since boot: with its pid, what tells it from a
 * later process that got the same pid. Undefined when it is gone, or a zombie (dead, its
 * parent not done with it yet).
 */
function processStartTime(pid) {
    try {
        const stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        const state = stat[stat.lastIndexOf(') ') + 2];
        return state === 'Z' ? undefined : statStartTime(stat);
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 3323:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ VERSION)
/* harmony export */ });
const VERSION = '0.1.0';


/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 8500:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
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
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(1421);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __nccwpck_require__(8500);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __nccwpck_require__(4296);
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

// EXTERNAL MODULE: ./src/core/cgroup/plan.ts
var plan = __nccwpck_require__(5485);
// EXTERNAL MODULE: ./src/core/processes.ts
var processes = __nccwpck_require__(1386);
;// CONCATENATED MODULE: ./src/core/cgroup/container-cgroup.ts








/** The running host's cgroup layout (reads /proc/self/mountinfo). */
function hostCgroupLayout() {
    return detectCgroupLayout((0,external_node_fs_.readFileSync)('/proc/self/mountinfo', 'utf8'));
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
        return (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch {
        return undefined;
    }
}
/** DIR and every cgroup below it, deepest first (the order they can be removed in). */
function subtree(dir) {
    let children = [];
    try {
        children = (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => external_node_path_default().join(dir, d.name));
    }
    catch {
        return [];
    }
    return [...children.flatMap(subtree), dir];
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
        this.dirs = (0,plan/* containerCgroupDirs */.g5)(layout, name, placement);
    }
    /** The set-up for LIMITS, as data (renderCgroupPlan turns it into sh). */
    plan(limits = {}) {
        return (0,plan/* planCgroupSetup */.fG)(this.layout, this.name, limits, this.placement);
    }
    /** Every directory of this container, one per hierarchy (v2 leaf first). */
    leaves() {
        const all = [...(this.dirs.v2 ? [this.dirs.v2.leaf] : []), ...Object.values(this.dirs.v1)];
        return [...new Set(all)];
    }
    /** Creates the cgroups and writes LIMITS. On failure, undoes what it made and throws JailError. */
    create(limits = {}) {
        const plan = this.plan(limits);
        const existed = new Set(this.leaves().filter((d) => (0,external_node_fs_.existsSync)(d)));
        try {
            for (const s of plan.steps) {
                try {
                    if (s.op === 'mkdir')
                        (0,external_node_fs_.mkdirSync)(s.path, { recursive: true });
                    else if (!s.ifExists || (0,external_node_fs_.existsSync)(s.path))
                        (0,external_node_fs_.writeFileSync)(s.path, s.value ?? '');
                }
                catch (e) {
                    if (s.optional)
                        continue;
                    const what = s.op === 'mkdir' ? `cannot create the cgroup ${s.path}` : `cannot write '${s.value}' to ${s.path}`;
                    const hint = s.path.endsWith('cgroup.subtree_control')
                        ? ': the controller is not available there (bound to a cgroup v1 hierarchy?) or that cgroup holds processes (cgroup v2 lets only the root both hold processes and hand out controllers)'
                        : '';
                    throw new errors/* JailError */.RE(`${what}: ${errText(e)}${hint}`);
                }
            }
        }
        catch (e) {
            for (const dir of this.leaves().filter((d) => !existed.has(d))) {
                try {
                    (0,external_node_fs_.rmdirSync)(dir);
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
                (0,external_node_fs_.writeFileSync)(j.path, String(pid));
            }
            catch (e) {
                if (!j.optional)
                    throw new errors/* JailError */.RE(`cannot move process ${pid} into the cgroup ${external_node_path_default().dirname(j.path)}: ${errText(e)}`);
            }
        }
    }
    /** Whether any of the container's cgroup directories is there. */
    exists() {
        return this.leaves().some((d) => (0,external_node_fs_.existsSync)(d));
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
                (0,processes/* signal */.vP)(pid, 'SIGTERM');
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
        if (v2kill && (0,external_node_fs_.existsSync)(v2kill)) {
            try {
                (0,external_node_fs_.writeFileSync)(v2kill, '1');
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
                (0,processes/* signal */.vP)(pid, 'SIGKILL');
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
            (0,external_node_fs_.writeFileSync)(state, 'FROZEN');
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
            (0,external_node_fs_.writeFileSync)(state, 'THAWED');
        }
        catch {
            // Gone: nothing left frozen.
        }
    }
    /** Polls until the container has no process, for at most MS; true when empty. */
    waitEmpty(ms) {
        return (0,processes/* waitNoProcesses */.IP)(() => this.pids(), ms);
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
                        (0,external_node_fs_.rmdirSync)(dir);
                        break;
                    }
                    catch (e) {
                        const code = e.code;
                        if (code === 'ENOENT')
                            break;
                        if (code !== 'EBUSY' || Date.now() >= deadline) {
                            throw new errors/* JailError */.RE(`cannot remove the cgroup ${dir}: ${errText(e)}${code === 'EBUSY' ? ' (processes are still in it: stop the container first)' : ''}`);
                        }
                        await (0,promises_.setTimeout)(20);
                    }
                }
            }
        }
    }
    /** The containers that have cgroups under PLACEMENT's parent, with their processes (for `ps`). */
    static list(layout = hostCgroupLayout(), placement = {}) {
        // The parents are where a container named '_' would be: its directories' parents.
        const probe = (0,plan/* containerCgroupDirs */.g5)(layout, 'x', placement);
        const parents = new Set([...(probe.v2 ? [probe.v2.parent] : []), ...Object.values(probe.v1).map((d) => external_node_path_default().dirname(d))]);
        const names = new Set();
        for (const parent of parents) {
            try {
                for (const d of (0,external_node_fs_.readdirSync)(parent, { withFileTypes: true }))
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

// EXTERNAL MODULE: ./src/core/cgroup/limits.ts
var cgroup_limits = __nccwpck_require__(8398);
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
    const limit = limits.memoryBytes !== undefined ? ` (its memory limit is ${(0,cgroup_limits/* formatBytes */.z3)(limits.memoryBytes)}: raise it with --memory)` : '';
    if (status === 0) {
        return { status, message: `container ${name}: a process was killed for lack of memory${limit}, but the command still succeeded` };
    }
    return { status: OOM_EXIT_STATUS, message: `container ${name} ran out of memory: the kernel's OOM killer killed a process${limit}; exit status ${OOM_EXIT_STATUS}` };
}

// EXTERNAL MODULE: ./src/core/jail/config.ts
var jail_config = __nccwpck_require__(6412);
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
        passwd = parsePasswd((0,external_node_fs_.readFileSync)('/etc/passwd', 'utf8'));
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
        exists: (p) => (0,external_node_fs_.existsSync)(p),
        isDirectory: (p) => {
            try {
                return (0,external_node_fs_.statSync)(p).isDirectory();
            }
            catch {
                return false;
            }
        },
    };
}

// EXTERNAL MODULE: ./src/core/jail/launcher.ts + 2 modules
var launcher = __nccwpck_require__(7119);
// EXTERNAL MODULE: ./src/core/jail/run.ts
var run = __nccwpck_require__(1217);
// EXTERNAL MODULE: ./src/core/jail/spec.ts
var jail_spec = __nccwpck_require__(4721);
// EXTERNAL MODULE: ./src/core/jail/state.ts
var state = __nccwpck_require__(2233);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
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
function generateMac(taken, random = external_node_crypto_.randomBytes) {
    const used = new Set(taken);
    // 46 random bits make a clash vanishingly rare; a loop that never ends would only come
    // from a broken random source, which deserves an error rather than a hang.
    for (let attempt = 0; attempt < 64; attempt++) {
        const b = random(6);
        if (b.length < 6)
            throw new errors/* JailError */.RE(`the random source gave ${b.length} bytes for a MAC address, not 6`);
        const bytes = [(b[0] & 0xfc) | 0x02, b[1], b[2], b[3], b[4], b[5]];
        const mac = bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
        if (!used.has(mac))
            return mac;
    }
    throw new errors/* JailError */.RE('could not generate a MAC address that no other container has in 64 attempts: the random source repeats itself');
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
        throw new errors/* ConfigError */.xL(`network pool '${text}' is not an IPv4 network: ${hint}`);
    const prefix = Number(m[2]);
    if (prefix < 8 || prefix > 30)
        throw new errors/* ConfigError */.xL(`network pool '${text}': the prefix length must be between 8 and 30 (a /31 or /32 has no room for containers)`);
    const size = 2 ** (32 - prefix);
    const address = ipToNumber(m[1]);
    const network = address - (address % size);
    if (network !== address) {
        throw new errors/* ConfigError */.xL(`network pool '${text}' has host bits set: did you mean ${numberToIp(network)}/${prefix}?`);
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
    if (!(0,jail_spec/* validName */.iz)(name)) {
        throw new errors/* ConfigError */.xL(`container name '${name}' is not valid for the network: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
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
        throw new errors/* ConfigError */.xL(`the network already uses the pool ${state.pool} (containers: ${names}); ask for that pool, or release those containers before changing it to ${pool.cidr}`);
    }
    const mine = state.allocations.find((a) => a.name === name);
    const others = state.allocations.filter((a) => a.name !== name);
    const want = options.ip;
    if (want !== undefined) {
        if (!isIpv4(want))
            throw new errors/* ConfigError */.xL(`'${want}' is not an IPv4 address`);
        if (!isContainerAddress(pool, want)) {
            throw new errors/* ConfigError */.xL(`${want} cannot be a container's address in ${pool.cidr}: use ${numberToIp(pool.first)} to ${numberToIp(pool.last)} (${pool.gateway} is the bridge's)`);
        }
        const holder = others.find((a) => a.ip === want);
        if (holder)
            throw new errors/* ConfigError */.xL(`${want} is already the address of container '${holder.name}'`);
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
    throw new errors/* ConfigError */.xL(`the network pool ${pool.cidr} is full (${pool.last - pool.first + 1} containers): release some, or use a larger pool`);
}
/** Forgets NAME's allocation. Pure; releasing an unknown name changes nothing. */
function releaseIn(state, name) {
    const released = state.allocations.find((a) => a.name === name);
    if (!released)
        return { state };
    return { state: { ...state, allocations: state.allocations.filter((a) => a !== released) }, released };
}

// EXTERNAL MODULE: ./src/core/net/flock.ts
var flock = __nccwpck_require__(7538);
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
    const bad = (why) => new errors/* ConfigError */.xL(`${source} is not a valid network resources file: ${why}; fix it, or remove it if no container is using the network`);
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
        if (typeof name !== 'string' || !(0,jail_spec/* validName */.iz)(name))
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
    return (0,flock/* withFlock */.i)(lockFile(libraryDir), work, options);
}
function readState(file) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return { allocations: [] };
        throw e;
    }
    return parseNetworkState(text, file);
}
function writeState(file, state) {
    const temp = `${file}.${process.pid}.${(0,external_node_crypto_.randomBytes)(4).toString('hex')}.tmp`;
    try {
        const fd = (0,external_node_fs_.openSync)(temp, 'wx', 0o644);
        try {
            (0,external_node_fs_.writeSync)(fd, serializeNetworkState(state));
            (0,external_node_fs_.fsyncSync)(fd); // the rename must not reach the disk before the data it names
        }
        finally {
            (0,external_node_fs_.closeSync)(fd);
        }
        (0,external_node_fs_.renameSync)(temp, file);
    }
    catch (e) {
        (0,external_node_fs_.rmSync)(temp, { force: true });
        throw e;
    }
}
async function update(libraryDir, change) {
    (0,external_node_fs_.mkdirSync)(libraryDir, { recursive: true, mode: 0o700 });
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
        throw new errors/* ConfigError */.xL(`hostname '${hostname}' cannot go into /etc/hosts: no spaces or '#'`);
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

// EXTERNAL MODULE: ./src/core/net/iface-names.ts
var iface_names = __nccwpck_require__(6940);
// EXTERNAL MODULE: ./src/core/exec.ts
var exec = __nccwpck_require__(2642);
// EXTERNAL MODULE: ./src/core/net/steps.ts
var steps = __nccwpck_require__(3528);
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
    return dirs.some((d) => d && (0,external_node_fs_.existsSync)(external_node_path_default().join(d, 'iptables')));
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
    // One look along PATH answers both: NAT by iptables when it is there, and the FORWARD rule.
    const iptables = hasIptables();
    return { cgroupLayout: hostCgroupLayout(), natBackend: iptables ? 'iptables' : 'nft', forwardAccept: iptables, ...facts };
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
    const spec = (0,jail_spec/* buildSpec */.m)(c, { ...f, lease });
    return { spec, launcher: (0,launcher/* renderLauncher */.$z)(spec) };
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
    const libraryDir = external_node_path_default().resolve(f.cwd, c.libraryDir || jail_config/* DEFAULT_LIBRARY_DIR */.s);
    if (c.timeoutSeconds !== undefined && !(c.timeoutSeconds > 0))
        throw new errors/* ConfigError */.xL(`timeout '${c.timeoutSeconds}' is not a positive number of seconds (--timeout)`);
    let lease = f.lease;
    if (c.network === 'private' && lease === undefined) {
        // Checked here too, so that no address is allocated for a config buildSpec refuses.
        (0,jail_spec/* buildSpec */.m)({ ...c, network: 'host', nat: false }, f);
        if (!c.name)
            throw new errors/* ConfigError */.xL('--network private needs a container name (-n NAME): the address is kept for that name');
        // In Node, not in the launcher: the allocation is a read-modify-write of network.json
        // under a lock, and the address and MAC go into the launcher's text. The plumbing
        // itself (bridge, veth) runs in the launcher (renderNetScript), which also undoes it
        // when the CLI is SIGKILLed.
        lease = await allocate(libraryDir, c.name);
    }
    const { spec, launcher } = planContainer({ ...c, command: [] }, { ...f, lease });
    const file = (0,run/* writeLauncher */.QV)(spec, launcher);
    // A run of a live container joins it: its record, hosts and clean-up are the owner's.
    const owner = (0,state/* livePid1 */.$Y)(spec.stateDir) === undefined;
    if (owner) {
        (0,state/* writeAtomic */.vZ)(external_node_path_default().join(spec.stateDir, 'run.json'), `${JSON.stringify((0,state/* runRecord */.DW)(spec, c), null, 2)}\n`);
        if (spec.net)
            (0,state/* writeAtomic */.vZ)(external_node_path_default().join(spec.stateDir, 'hosts'), renderHosts((await list(libraryDir)).leases, { name: spec.name, hostname: spec.hostname }));
    }
    // The command goes as arguments, not into the file: one launcher serves every command
    // of a container, as later workflow steps use it.
    const exit = await (0,run/* runLauncherDetailed */.oQ)(file, {
        command: config.command ?? [],
        timeoutMs: c.timeoutSeconds === undefined ? undefined : c.timeoutSeconds * 1000,
    });
    // The launcher's clean-up (shutdown script, cgroup, network) runs after the jail: wait
    // for it, so that what we return describes a container that is completely gone.
    if (owner)
        await (0,state/* waitIdle */.Y_)(spec.stateDir);
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
        return (0,external_node_fs_.readFileSync)(file, 'utf8');
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
        throw new errors/* ConfigError */.xL(`timeout '${text}' is not valid: give a number of seconds greater than 0, e.g. --timeout 600`);
    return n;
}
/** `--network host|none|private`. Pure. */
function parseNetwork(text) {
    if (!jail_config/* NETWORK_MODES */.K.includes(text))
        throw new errors/* ConfigError */.xL(`network '${text}' is not valid: use --network host (the default), none or private`);
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
        throw new errors/* ConfigError */.xL(`volume '${text}' is not of the form host:guest[:ro] with an absolute guest path`);
    return { host: spec.slice(0, at), guest: spec.slice(at + 1), readOnly };
}
function parseEnv(text) {
    const eq = text.indexOf('=');
    if (eq <= 0)
        throw new errors/* ConfigError */.xL(`environment setting '${text}' is not of the form NAME=value (-e)`);
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
                    throw new errors/* ConfigError */.xL(`option --${long} takes no value`);
                flag(long);
                i++;
                continue;
            }
            if (LONG_VALUE.has(long)) {
                const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
                if (value === undefined)
                    throw new errors/* ConfigError */.xL(`option --${long} needs a value`);
                set(long, value);
                i += eq > 0 ? 1 : 2;
                continue;
            }
            throw new errors/* ConfigError */.xL(`unknown option ${a} (see --help)`);
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
                throw new errors/* ConfigError */.xL(`unknown option ${a} (see --help)`);
            const value = a.length > 2 ? a.slice(2) : argv[i + 1];
            if (value === undefined)
                throw new errors/* ConfigError */.xL(`option -${letter} needs a value`);
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
            throw new errors/* ConfigError */.xL(`option ${opt} needs a value (see containerize --help)`);
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
            throw new errors/* ConfigError */.xL(`unknown option ${a} (see containerize --help)`);
        else
            break;
    }
    const [group, instance] = [argv[i], argv[i + 1]];
    if (group === undefined || instance === undefined) {
        throw new errors/* ConfigError */.xL('containerize needs a GROUP and an INSTANCE: containerize [--trees DIR] GROUP INSTANCE [COMMAND...]');
    }
    let command = argv.slice(i + 2);
    if (command[0] === '--')
        command = command.slice(1);
    return { config: { trees, group, instance, overlay, workdir, command }, dryRun, help: false, version: false };
}

// EXTERNAL MODULE: ./src/cli/rootfs-args.ts
var rootfs_args = __nccwpck_require__(5861);
// EXTERNAL MODULE: ./src/cli/trees-args.ts
var trees_args = __nccwpck_require__(1329);
// EXTERNAL MODULE: ./src/core/version.ts
var version = __nccwpck_require__(3323);
;// CONCATENATED MODULE: ./src/core/jail/pid-namespace.ts


/**
 * The processes of a jail that has no cgroup of its own (none is made without limits:
 * moving a process into a new cgroup waits for an RCU grace period, most of a jail's
 * start): every process in its PID namespace, found by /proc/PID/ns/pid. Sessions that
 * joined it are there too (nsenter's child is inside). PID 1 is the namespace's init:
 * when it ends, the kernel kills everything else in it at once, fork bombs included.
 */
class PidNamespace {
    init;
    ns;
    proc;
    constructor(
    /** PID 1 of the jail, as the host sees it. */
    init, 
    /** Its namespace, `pid:[INODE]`, read once: a pid may be reused, the link text is not. */
    ns, proc) {
        this.init = init;
        this.ns = ns;
        this.proc = proc;
    }
    /**
     * The namespace of host pid INIT, or undefined when INIT is gone or is in our own
     * namespace (then it is not a jail's PID 1, and its "namespace" would be the host's).
     */
    static of(init, proc = '/proc') {
        const ns = nsOf(proc, String(init));
        if (ns === undefined || ns === nsOf(proc, 'self'))
            return undefined;
        return new PidNamespace(init, ns, proc);
    }
    /** Host pids of the processes in the namespace, PID 1 included, sorted; [] once it has ended. */
    pids() {
        const out = [];
        let entries;
        try {
            entries = (0,external_node_fs_.readdirSync)(this.proc);
        }
        catch {
            return out;
        }
        for (const e of entries) {
            if (/^[0-9]+$/.test(e) && nsOf(this.proc, e) === this.ns)
                out.push(Number(e));
        }
        return out.sort((a, b) => a - b);
    }
    /**
     * Ends the jail: SIGTERM to every process but PID 1 (an init takes from outside only
     * the signals it handles, and ours ends the jail by itself once the command is gone),
     * a bounded wait, then SIGKILL to PID 1, which takes the rest with it.
     */
    async killAll(options = {}) {
        const termTimeoutMs = options.termTimeoutMs ?? 10_000;
        const killTimeoutMs = options.killTimeoutMs ?? 10_000;
        const first = this.pids();
        if (first.length === 0)
            return { terminated: 0, killed: false, left: [] };
        const others = first.filter((p) => p !== this.init);
        if (termTimeoutMs > 0 && others.length > 0) {
            for (const pid of others)
                (0,processes/* signal */.vP)(pid, 'SIGTERM');
            if (await this.waitEmpty(termTimeoutMs))
                return { terminated: others.length, killed: false, left: [] };
        }
        (0,processes/* signal */.vP)(this.init, 'SIGKILL');
        await this.waitEmpty(killTimeoutMs);
        return { terminated: termTimeoutMs > 0 ? others.length : 0, killed: true, left: this.pids() };
    }
    waitEmpty(ms) {
        return (0,processes/* waitNoProcesses */.IP)(() => this.pids(), ms);
    }
}
function nsOf(proc, pid) {
    try {
        return (0,external_node_fs_.readlinkSync)(`${proc}/${pid}/ns/pid`);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/jail/lifecycle.ts












function libraryOf(where) {
    return external_node_path_default().resolve(where.cwd ?? process.cwd(), where.libraryDir || jail_config/* DEFAULT_LIBRARY_DIR */.s);
}
/**
 * The container's cgroup, when it has one: the run record names it (a run without limits
 * has none); without a record (a run of an older version), the one its name gives, if it
 * is there.
 */
function cgroupOf(record, libraryDir, name, layout) {
    if (record && record.cgroup === undefined)
        return undefined;
    try {
        const cg = new ContainerCgroup(record?.cgroup ?? (0,jail_spec/* cgroupName */.AS)(libraryDir, name), layout);
        return record || cg.exists() ? cg : undefined;
    }
    catch {
        return undefined;
    }
}
/** What holds the container's processes: its cgroup, else the PID namespace of its live PID 1. */
function processesOf(record, libraryDir, name, layout, live) {
    return cgroupOf(record, libraryDir, name, layout) ?? (live ? PidNamespace.of(live.pid) : undefined);
}
/** The running containers of a library directory, by name. */
async function listContainers(where = {}, layout = hostCgroupLayout()) {
    const libraryDir = libraryOf(where);
    const leases = new Map((await list(libraryDir).catch(() => ({ leases: [] }))).leases.map((l) => [l.name, l.ip]));
    const out = [];
    for (const { name, stateDir } of (0,state/* stateDirs */.YY)(libraryDir)) {
        const live = (0,state/* livePid1 */.$Y)(stateDir);
        if (!live)
            continue;
        const record = (0,state/* readRunRecord */.lR)(stateDir);
        const network = record?.network ?? 'host';
        out.push({
            name: name || 'app',
            root: record?.lowerDirs[0] ?? '',
            pid: live.pid,
            user: record?.user ?? '',
            network,
            ...(network === 'private' && leases.has(name) ? { address: leases.get(name) } : {}),
            uptimeSeconds: (0,state/* uptimeSeconds */.kC)(live.startTicks),
            processes: processesOf(record, libraryDir, name, layout, live)?.pids().length ?? 0,
        });
    }
    return out;
}
function lifecycle_checkName(name) {
    if (!(0,jail_spec/* validName */.iz)(name))
        throw new errors/* ConfigError */.xL(`container name '${name}' is not valid: use the name given with -n (see micro-container ps)`);
}
/**
 * Stops container NAME: SIGTERM to every process in its cgroup (or PID namespace), SIGKILL
 * to whatever is left after termTimeoutMs; then waits for the launcher's clean-up (the shutdown script
 * runs, the jail's mounts go with its namespace, the cgroup and veth are removed).
 */
async function stopContainer(name, where = {}, termTimeoutMs = 10_000, layout = hostCgroupLayout()) {
    lifecycle_checkName(name);
    const libraryDir = libraryOf(where);
    const stateDir = external_node_path_default().join(libraryDir, `app-${name}`);
    const record = (0,state/* readRunRecord */.lR)(stateDir);
    const live = (0,state/* livePid1 */.$Y)(stateDir);
    const group = processesOf(record, libraryDir, name, layout, live);
    const pids = group?.pids() ?? [];
    if (!live && pids.length === 0)
        return { wasRunning: false, left: [] };
    if (group && pids.length > 0) {
        await group.killAll({ termTimeoutMs });
    }
    else if (live) {
        // Neither (PID 1 gone from /proc between the reads): SIGKILL is the only signal a
        // namespace's init takes from outside without a handler.
        try {
            process.kill(live.pid, 'SIGKILL');
        }
        catch {
            // gone already
        }
    }
    await (0,state/* waitIdle */.Y_)(stateDir, termTimeoutMs + 30_000);
    // The launcher removes it; a launcher that was itself killed could not.
    if (group instanceof ContainerCgroup && group.exists())
        await group.remove().catch(() => undefined);
    return { wasRunning: true, left: group?.pids() ?? [] };
}
/** rm NAME: stop it if it runs, remove its upper layer, its state dir and its network allocation. */
async function removeContainer(name, where = {}, layout = hostCgroupLayout()) {
    lifecycle_checkName(name);
    const libraryDir = libraryOf(where);
    const stateDir = external_node_path_default().join(libraryDir, `app-${name}`);
    const record = (0,state/* readRunRecord */.lR)(stateDir);
    const facts = hostFacts(where.cwd);
    // The upper layer: where it was made (run.json), else where -b (or the default) puts it.
    const appDir = where.baseDir || !record ? (0,jail_spec/* buildSpec */.m)({ libraryDir, baseDir: where.baseDir, name }, facts).appDir : record.appDir;
    const stop = await stopContainer(name, where, 10_000, layout);
    const released = await release(libraryDir, name);
    const existed = (0,state/* stateDirs */.YY)(libraryDir).some((d) => d.name === name);
    if (!existed && !released && !stop.wasRunning && !record) {
        throw new errors/* ConfigError */.xL(`there is no container '${name}' in ${libraryDir} (see micro-container ps; give -d if it uses another library directory)`);
    }
    (0,external_node_fs_.rmSync)(appDir, { recursive: true, force: true });
    (0,external_node_fs_.rmSync)(stateDir, { recursive: true, force: true });
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
    const record = (0,state/* readRunRecord */.lR)(stateDir);
    if (!(0,state/* livePid1 */.$Y)(stateDir) || !record) {
        throw new errors/* ConfigError */.xL(`container '${name}' is not running in ${libraryDir} (start it with micro-container run -n ${name} ...; see micro-container ps)`);
    }
    const config = { ...record.config, user: options.user ?? record.config.user ?? record.user, workdir: options.workdir ?? record.config.workdir, command: [] };
    const leases = config.network === 'private' ? (await list(libraryDir)).leases : [];
    const lease = leases.find((l) => l.name === name);
    const facts = { ...hostFacts(options.cwd), cgroupLayout: hostCgroupLayout(), lease };
    const spec = (0,jail_spec/* buildSpec */.m)(config, facts);
    const file = (0,run/* writeLauncher */.QV)(spec, (0,launcher/* renderLauncher */.$z)(spec));
    return (0,run/* runLauncher */.Q)(file, { command: options.command, env: { MC_JOIN_ONLY: '1' } });
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
const LONG = { librarydir: 'd', basedir: 'b', user: 'u', workdir: 'w', timeout: 'timeout' };
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
            key = LONG[eq > 0 ? a.slice(2, eq) : a.slice(2)];
            value = eq > 0 ? a.slice(eq + 1) : undefined;
        }
        else {
            key = a[1];
            value = a.length > 2 ? a.slice(2) : undefined;
        }
        if (key === undefined || !VALUES[command].includes(key))
            throw new errors/* ConfigError */.xL(`unknown option ${a} ${see}`);
        const inline = value !== undefined;
        value ??= argv[i + 1];
        if (value === undefined)
            throw new errors/* ConfigError */.xL(`option ${a} needs a value ${see}`);
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
            throw new errors/* ConfigError */.xL(`ps takes no arguments, not '${rest[0]}' ${see}`);
        return out;
    }
    if (rest.length === 0)
        throw new errors/* ConfigError */.xL(`${command} needs the container's name ${see}`);
    out.name = rest[0];
    out.argv = rest.slice(1);
    if (command === 'exec' && out.argv.length === 0)
        throw new errors/* ConfigError */.xL(`exec needs a command to run in ${out.name} ${see}`);
    if (command !== 'exec' && out.argv.length > 0)
        throw new errors/* ConfigError */.xL(`${command} takes one name, not '${out.argv.join(' ')}' ${see}`);
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













// Subcommands other than `run` are loaded when they are used: every start of the CLI pays
// for the code it loads (the bundle's compile time, and Node built-ins such as http, tls and
// zlib that only downloads need), and `run` is the command that has to start fast.
const lazy = {
    containerize: () => __nccwpck_require__.e(/* import() */ 603).then(__nccwpck_require__.bind(__nccwpck_require__, 603)),
    rootfs: () => Promise.all(/* import() */[__nccwpck_require__.e(196), __nccwpck_require__.e(86)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9086)),
    trees: () => __nccwpck_require__.e(/* import() */ 626).then(__nccwpck_require__.bind(__nccwpck_require__, 7626)),
    image: () => Promise.all(/* import() */[__nccwpck_require__.e(196), __nccwpck_require__.e(473), __nccwpck_require__.e(707)]).then(__nccwpck_require__.bind(__nccwpck_require__, 7707)),
    resolveImage: () => Promise.all(/* import() */[__nccwpck_require__.e(196), __nccwpck_require__.e(473)]).then(__nccwpck_require__.bind(__nccwpck_require__, 7473)),
};
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
    const check = (0,external_node_child_process_.spawnSync)('sudo', ['-n', 'true'], { stdio: 'ignore' });
    if (check.error || check.status !== 0) {
        throw new errors/* PrivilegeError */.S7('root is needed for mounts and namespaces: run as root, or give this user passwordless sudo (sudo -n true must work)');
    }
    const args = ['-n', '--', process.execPath, ...process.execArgv, process.argv[1], ...argv];
    const execve = process.execve;
    // Node 23.11+ can become sudo, so no process of ours sits between the caller and the jail.
    if (execve)
        execve('/usr/bin/env', ['env', 'sudo', ...args], process.env);
    const r = (0,external_node_child_process_.spawnSync)('sudo', args, { stdio: 'inherit' });
    return r.status ?? 125;
}
async function container(argv, io) {
    let args = parseContainerArgs(argv);
    if (args.help) {
        io.out(CONTAINER_USAGE + '\n');
        return 0;
    }
    if (args.version) {
        io.out(`micro-container ${version/* VERSION */.x}\n`);
        return 0;
    }
    const facts = hostFacts();
    if (args.image !== undefined) {
        // Applying the image's layers (and fetching its base) needs root, even for --dry-run.
        if ((process.getuid?.() ?? 0) !== 0)
            return elevate(process.argv.slice(2));
        args = { ...args, config: (await (await lazy.resolveImage()).resolveImageConfig(args.config, args.image, { cwd: facts.cwd, log: (l) => io.err(`${l}\n`) })).config };
    }
    else
        args = applyRootShortcut(args, external_node_path_default().resolve(args.config.libraryDir || jail_config/* DEFAULT_LIBRARY_DIR */.s), facts.isDirectory);
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
        io.out(`micro-container ${version/* VERSION */.x}\n`);
        return 0;
    }
    if (args.dryRun) {
        io.out((await lazy.containerize()).planContainerize(args.config).launcher);
        return 0;
    }
    if ((process.getuid?.() ?? 0) !== 0)
        return elevate(process.argv.slice(2));
    return (await lazy.containerize()).runContainerize(args.config);
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
            io.out(`micro-container ${version/* VERSION */.x}\n`);
            return 0;
        }
        if (sub === 'run')
            return await container(rest, io);
        if (sub === 'rootfs') {
            const args = (0,rootfs_args/* parseRootfsArgs */.m)(rest);
            if (args.action !== 'help' && (process.getuid?.() ?? 0) !== 0)
                return elevate(process.argv.slice(2));
            return await (await lazy.rootfs()).rootfsCommand(args, io);
        }
        if (sub === 'container')
            return await container(rest, io);
        if (sub === 'trees') {
            const args = (0,trees_args/* parseTreesArgs */.o)(rest);
            if (args.action !== 'help' && args.action !== 'ls' && (process.getuid?.() ?? 0) !== 0)
                return elevate(process.argv.slice(2));
            return await (await lazy.trees()).treesCommand(args, io);
        }
        if (LIFECYCLE_COMMANDS.has(sub))
            return await lifecycleCommand(sub, rest, io, () => elevate(process.argv.slice(2)));
        if (sub === 'containerize')
            return await containerize(rest, io);
        if (sub === 'image')
            return await (await lazy.image()).imageCommand(rest, io, () => elevate(process.argv.slice(2)));
        throw new errors/* ConfigError */.xL(`unknown command '${sub}' (see micro-container --help)`);
    }
    catch (e) {
        if (e instanceof errors/* MicroContainerError */.WG) {
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

