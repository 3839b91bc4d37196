export const id = 626;
export const ids = [626];
export const modules = {

/***/ 7626:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  treesCommand: () => (/* binding */ treesCommand)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/exec.ts
var exec = __webpack_require__(2642);
// EXTERNAL MODULE: ./src/core/processes.ts
var processes = __webpack_require__(1386);
// EXTERNAL MODULE: ./src/core/rootfs/lock.ts
var lock = __webpack_require__(6544);
// EXTERNAL MODULE: ./src/core/trees/containerize-spec.ts + 1 modules
var containerize_spec = __webpack_require__(7106);
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
    return external_node_path_default().resolve(trees || containerize_spec/* DEFAULT_TREES */.yo);
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
 * is live), as buildContainerizeSpec names it. (Not through buildContainerizeSpec, which
 * also reads and validates the group's scripts: a bad unshare-options must not stop
 * `trees rm`.)
 */
function containerizeStatePath(trees, group, instance) {
    return external_node_path_default().join(containerize_spec/* STATE_ROOT */.PI, (0,containerize_spec/* containerizeId */.BF)(trees, group, instance));
}
/** Checks the names of a clone: three valid names, FROM and TO different. */
function checkCloneNames(group, from, to) {
    (0,containerize_spec/* checkTreeName */.a)('group', group);
    (0,containerize_spec/* checkTreeName */.a)('instance', from);
    (0,containerize_spec/* checkTreeName */.a)('instance', to);
    if (from === to)
        throw new errors/* ConfigError */.xL(`cannot clone ${group}/${from} onto itself: name a new instance to clone it into`);
}
/**
 * The group or instance names among a directory's entries: directories whose names are
 * valid tree names (so `.container`, `.overlay`, locks and work in progress are left
 * out), sorted. Pure.
 */
function treeNames(entries) {
    return entries
        .filter((e) => e.dir && validName(e.name))
        .map((e) => e.name)
        .sort();
}
function validName(name) {
    try {
        (0,containerize_spec/* checkTreeName */.a)('instance', name);
        return true;
    }
    catch {
        return false;
    }
}
function dirEntries(dir) {
    return (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && isDir(external_node_path_default().join(dir, e.name))) }));
}
function isDir(p) {
    try {
        return (0,external_node_fs_.statSync)(p).isDirectory();
    }
    catch {
        return false;
    }
}
/** The groups under TREES; none when TREES does not exist. */
function listGroups(trees) {
    if (!isDir(trees))
        return [];
    return treeNames(dirEntries(trees));
}
/** The instances of GROUP; a ConfigError naming the groups there are when GROUP is not one. */
function listInstances(trees, group) {
    (0,containerize_spec/* checkTreeName */.a)('group', group);
    const dir = groupPath(trees, group);
    if (!isDir(dir))
        throw new errors/* ConfigError */.xL(`there is no group '${group}' in ${trees}: ${available('groups', listGroups(trees))}`);
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

;// CONCATENATED MODULE: ./src/core/trees/clone.ts









/** A build root could not be cloned or removed: it is in use, something is mounted in it, cp failed. */
class TreesError extends errors/* MicroContainerError */.WG {
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
        throw new errors/* ConfigError */.xL(`there is no group '${o.group}' in ${trees}: ${available('groups', listGroups(trees))}`);
    const dest = instancePath(trees, o.group, o.to);
    if (ifMissing && exists(dest))
        return undefined; // even should the template be gone since
    refuseExisting(dest, o);
    const src = sourceDir(trees, o.group, o.from);
    const mounted = mountsUnder((0,external_node_fs_.readFileSync)('/proc/self/mountinfo', 'utf8'), src, false);
    if (mounted.length) {
        throw new TreesError(`cannot clone ${o.group}/${o.from}: ${describeMounts(mounted)} mounted inside it, and cp would copy the mounted filesystems; unmount them (or end the containerize session that holds them) first`);
    }
    o.signal?.throwIfAborted();
    let stop;
    try {
        return await (0,lock/* withFileLock */.U)(lockPath(trees, o.group, o.to), async () => {
            if (exists(dest)) {
                if (ifMissing)
                    return undefined;
                refuseExisting(dest, o);
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
    const started = external_node_perf_hooks_.performance.now();
    let tmp = (0,external_node_fs_.mkdtempSync)(prefix);
    try {
        let method;
        let argv;
        if (await snapshottable(src)) {
            method = 'snapshot';
            (0,external_node_fs_.rmdirSync)(tmp); // btrfs makes the snapshot under this name
            argv = ['btrfs', 'subvolume', 'snapshot', '--', src, tmp];
        }
        else {
            method = probeReflink(tmp) ? 'reflink' : 'copy';
            // -a is --preserve=all, which ignores xattrs that cannot be copied; naming xattr
            // makes such a loss an error, where a build root would silently lose its file
            // capabilities. -T: the template's contents (and its own owner and mode) go into tmp.
            argv = ['cp', '-a', '--preserve=xattr', '--reflink=auto', '--no-target-directory', '--', src, tmp];
        }
        const cp = (0,exec/* execCapture */.Wp)('setpriv', [...DIE_WITH_US, ...argv], { signal: stop.controller.signal, killSignal: 'SIGKILL' });
        // du only reads metadata; it runs beside cp, which is mostly waiting for the disk.
        const du = (0,exec/* execCapture */.Wp)('setpriv', [...DIE_WITH_US, 'du', '-s', '-b', '--', src], { signal: stop.controller.signal, killSignal: 'SIGKILL' });
        const [c, d] = await Promise.all([cp, du]).catch((e) => {
            throw e.code === 'ENOENT' ? new TreesError('setpriv (util-linux) is not installed: it is needed to clone a build root') : e;
        });
        stop.check(`clone of ${o.group}/${o.from} into ${o.to}`);
        if (c.code !== 0) {
            const what = method === 'snapshot' ? 'btrfs subvolume snapshot' : 'cp -a';
            throw new TreesError(`cloning ${o.group}/${o.from} into ${o.to} failed: ${what} exited with ${c.code}: ${lastLines(c.stderr)}; nothing was made at ${dest}`);
        }
        try {
            (0,external_node_fs_.renameSync)(tmp, dest);
        }
        catch (e) {
            const code = e.code;
            if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
                throw new errors/* ConfigError */.xL(`${dest} appeared while ${o.group}/${o.from} was being cloned (made by something other than micro-container): remove it or pick another name`);
            }
            throw e;
        }
        tmp = undefined;
        return { path: dest, method, reflinked: method !== 'copy', seconds: (external_node_perf_hooks_.performance.now() - started) / 1000, bytes: Number(/^\d+/.exec(d.stdout)?.[0] ?? NaN) };
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
        return (0,external_node_fs_.statfsSync)(dir).type === BTRFS_SUPER_MAGIC && (0,external_node_fs_.lstatSync)(dir, { bigint: true }).ino === BTRFS_FIRST_FREE_OBJECTID;
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
    const r = await (0,exec/* execCapture */.Wp)('btrfs', ['subvolume', 'list', '-o', dir]).catch(() => undefined);
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
    (0,external_node_fs_.writeFileSync)(a, Buffer.alloc(65536, 0x5a));
    try {
        (0,external_node_fs_.copyFileSync)(a, b, external_node_fs_.constants.COPYFILE_FICLONE_FORCE);
        return true;
    }
    catch {
        return false;
    }
    finally {
        (0,external_node_fs_.rmSync)(a, { force: true });
        (0,external_node_fs_.rmSync)(b, { force: true });
    }
}
function refuseExisting(dest, o) {
    if (exists(dest)) {
        throw new errors/* ConfigError */.xL(`${o.group}/${o.to} already exists (${dest}): remove it first (trees rm ${o.group} ${o.to}) or clone into another name`);
    }
}
/** FROM's real directory, or a ConfigError naming the instances there are. */
function sourceDir(trees, group, from) {
    const p = instancePath(trees, group, from);
    let real;
    try {
        real = (0,external_node_fs_.realpathSync)(p);
    }
    catch {
        throw new errors/* ConfigError */.xL(`there is no instance '${from}' in group '${group}' (${p}) to clone: ${available('instances', listInstances(trees, group))}`);
    }
    if (!clone_isDir(real))
        throw new errors/* ConfigError */.xL(`${p} is not a directory, so it is not an instance to clone: ${available('instances', listInstances(trees, group))}`);
    return real;
}
/**
 * Removes GROUP/INSTANCE (`trees rm GROUP INSTANCE`) and its `--overlay` writes. Refused
 * while a containerize session of it is live, or while anything is mounted in it (rm
 * would go into the mounted filesystem). The instance is first renamed aside, so it
 * disappears at once and whole; the removal of what was renamed follows.
 */
async function removeInstance(o) {
    (0,containerize_spec/* checkTreeName */.a)('group', o.group);
    (0,containerize_spec/* checkTreeName */.a)('instance', o.instance);
    const trees = resolveTrees(o.trees);
    const dir = instancePath(trees, o.group, o.instance);
    if (!exists(dir)) {
        throw new errors/* ConfigError */.xL(`there is no instance '${o.instance}' in group '${o.group}' (${dir}) to remove: ${available('instances', listInstances(trees, o.group))}`);
    }
    await (0,lock/* withFileLock */.U)(lockPath(trees, o.group, o.instance), async () => {
        if (!exists(dir))
            return; // removed while we waited: what we were asked is done
        const keeper = liveKeeper(trees, o.group, o.instance);
        if (keeper !== undefined) {
            throw new TreesError(`${o.group}/${o.instance} is in use: a containerize session of it is live (keeper pid ${keeper}); end its sessions, then remove it`);
        }
        const overlay = overlayPath(trees, o.group, o.instance);
        const link = (0,external_node_fs_.lstatSync)(dir).isSymbolicLink();
        const checked = [...(link ? [] : [(0,external_node_fs_.realpathSync)(dir)]), ...(exists(overlay) ? [(0,external_node_fs_.realpathSync)(overlay)] : [])];
        const info = (0,external_node_fs_.readFileSync)('/proc/self/mountinfo', 'utf8');
        const mounted = checked.flatMap((d) => mountsUnder(info, d, true));
        if (mounted.length) {
            throw new TreesError(`cannot remove ${o.group}/${o.instance}: ${describeMounts(mounted)} mounted in it; unmount them first`);
        }
        const groupDir = groupPath(trees, o.group);
        await sweepWork(groupDir, o.instance);
        if (link) {
            (0,external_node_fs_.unlinkSync)(dir); // the link, not what it points to
        }
        else {
            // rename(2) onto the empty directory mkdtemp made replaces it.
            const subvolume = isSubvolume(dir);
            const aside = (0,external_node_fs_.mkdtempSync)(workPrefix(trees, o.group, o.instance, 'rm'));
            (0,external_node_fs_.renameSync)(dir, aside);
            // A subvolume goes at once (btrfs frees its extents in the background); should
            // that fail (a subvolume nested in it), file by file.
            const deleted = subvolume && (await (0,exec/* execCapture */.Wp)('btrfs', ['subvolume', 'delete', '--', aside]).catch(() => undefined))?.code === 0;
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
        k = parseKeeper((0,external_node_fs_.readFileSync)(external_node_path_default().join(containerizeStatePath(resolveTrees(trees), group, instance), 'keeper'), 'utf8'));
    }
    catch {
        return undefined;
    }
    if (!k)
        return undefined;
    return (0,processes/* processStartTime */.X0)(k.pid) === k.start ? k.pid : undefined;
}
/** Clones and removals of INSTANCE that died (we hold its lock, so none is running). */
async function sweepWork(groupDir, instance) {
    for (const name of (0,external_node_fs_.readdirSync)(groupDir)) {
        if (isWorkOf(name, instance))
            await removeTree(external_node_path_default().join(groupDir, name));
    }
}
/**
 * rm -rf that stays on DIR's filesystem: should something have been mounted inside after
 * our mountinfo check, rm fails rather than empty the mounted filesystem.
 */
async function removeTree(dir) {
    const r = await (0,exec/* execCapture */.Wp)('rm', ['-rf', '--one-file-system', '--', dir]);
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
        (0,external_node_fs_.lstatSync)(p);
        return true;
    }
    catch {
        return false;
    }
}
function clone_isDir(p) {
    try {
        return (0,external_node_fs_.statSync)(p).isDirectory();
    }
    catch {
        return false;
    }
}

// EXTERNAL MODULE: ./src/core/rootfs/progress.ts
var progress = __webpack_require__(8104);
// EXTERNAL MODULE: ./src/cli/trees-args.ts
var trees_args = __webpack_require__(1329);
;// CONCATENATED MODULE: ./src/cli/trees.ts





/** Runs a parsed `trees` command (as root). Returns the exit status. */
async function treesCommand(args, io) {
    if (args.action === 'help') {
        io.out(trees_args/* TREES_USAGE */.E + '\n');
        return 0;
    }
    const trees = (0,containerize_spec/* treesDir */.p6)(args.trees, process.env.MICRO_CONTAINER_TREES, process.cwd());
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
                const size = Number.isFinite(r.bytes) ? `${(0,progress/* formatBytes */.z3)(r.bytes)}, ` : '';
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


/***/ }),

/***/ 6544:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U: () => (/* binding */ withFileLock)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);


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
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(file), { recursive: true });
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    let told = false;
    for (;;) {
        try {
            const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync)(file, 'wx', 0o600);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeSync)(fd, `${process.pid}\n`);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
            break;
        }
        catch (e) {
            if (e.code !== 'EEXIST')
                throw e;
            let holder = NaN;
            try {
                holder = Number((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8').trim());
            }
            catch {
                continue; // released between our open and read
            }
            if (Number.isInteger(holder) && !alive(holder)) {
                // Stale: remove it only if it still names the dead holder.
                try {
                    if (Number((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8').trim()) === holder)
                        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync)(file);
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
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync)(file);
        }
        catch {
            /* already gone */
        }
    }
}


/***/ }),

/***/ 8104:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vu: () => (/* binding */ formatProgress),
/* harmony export */   hr: () => (/* binding */ progressBar),
/* harmony export */   z3: () => (/* binding */ formatBytes)
/* harmony export */ });
/**
 * Human-sized byte counts for progress lines. Binary units, as `du -h` and `curl` print
 * them, with one decimal so that a line that is redrawn does not jump in width much.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** `512 B`, `1.5 KiB`, `12.3 MiB`. */
function formatBytes(bytes) {
    if (!Number.isFinite(bytes) || bytes < 1024)
        return `${Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0} B`;
    let value = bytes;
    let unit = 0;
    // 1023.96 KiB would print as "1024.0 KiB": move up a unit once rounding would get there.
    while (value >= 1023.95 && unit < UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${UNITS[unit]}`;
}
/**
 * `12.3 MiB / 45.0 MiB (27%)`, or `12.3 MiB` when the size is not known (no
 * Content-Length). The percentage rounds down, so 100% means done.
 */
function formatProgress(received, total) {
    if (total === undefined || !Number.isFinite(total) || total < 0)
        return formatBytes(received);
    const percent = total === 0 ? 100 : Math.min(100, Math.max(0, Math.floor((received * 100) / total)));
    return `${formatBytes(received)} / ${formatBytes(total)} (${percent}%)`;
}
/**
 * The line a terminal redraws while downloading: `[#########-----------]  27%  12.3 MiB /
 * 45.0 MiB  3.1 MiB/s` in at most WIDTH columns (the bar shrinks, then the speed and the
 * bar go), or without a bar
 * when the size is not known. RATE is bytes per second, left out when not known yet.
 */
function progressBar(received, total, rate, width = 80) {
    const speed = rate !== undefined && Number.isFinite(rate) && rate > 0 ? `  ${formatBytes(rate)}/s` : '';
    if (total === undefined || !Number.isFinite(total) || total <= 0)
        return `${formatBytes(received)}${speed}`;
    const fraction = Math.min(1, Math.max(0, received / total));
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const counts = `${percent}  ${formatBytes(received)} / ${formatBytes(total)}`;
    // The speed goes first when the line would not fit.
    const text = counts.length + speed.length <= width ? counts + speed : counts;
    const barWidth = Math.min(30, width - text.length - 4);
    if (barWidth < 5)
        return text;
    const filled = Math.floor(fraction * barWidth);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
}


/***/ }),

/***/ 7106:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  yo: () => (/* binding */ DEFAULT_TREES),
  PI: () => (/* binding */ STATE_ROOT),
  rS: () => (/* binding */ buildContainerizeSpec),
  a: () => (/* binding */ checkTreeName),
  BF: () => (/* binding */ containerizeId),
  p6: () => (/* binding */ treesDir)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
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
                throw new errors/* ConfigError */.xL(`${file}: --propagation takes one of ${PROPAGATIONS.join(', ')} (got '${value ?? ''}')`);
            }
            propagation = value;
            continue;
        }
        if (flag === '-f' || flag === '--fork' || flag === '--kill-child')
            continue; // implied where needed
        if (flag === '-U' || flag === '--user' || flag === '-r' || flag === '--map-root-user') {
            throw new errors/* ConfigError */.xL(`${file}: ${flag} is not supported: containerize runs as root, without a user namespace (remove it)`);
        }
        if (flag === '--mount-proc') {
            throw new errors/* ConfigError */.xL(`${file}: --mount-proc is not needed: containerize mounts /proc in the root itself (fresh with --pid, else bound from the host); remove it`);
        }
        const ns = NAMESPACES[flag] ?? LONG.get(flag);
        if (!ns) {
            throw new errors/* ConfigError */.xL(`${file}: '${w}' is not an option containerize can pass on; use namespace options (--uts --ipc --net --pid --cgroup --time) and --propagation slave|private|shared|unchanged`);
        }
        if (inline !== undefined) {
            throw new errors/* ConfigError */.xL(`${file}: ${w}: a namespace bound to a file is not supported (use ${flag} alone)`);
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
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/;
/** A group or instance name: one path component, not hidden (`.container` is the group's). */
function checkTreeName(kind, name) {
    if (!NAME.test(name)) {
        throw new errors/* ConfigError */.xL(`${kind} '${name}' is not a valid name: use letters, digits, '_', '.', '+' and '-', not starting with '.' or '-' (at most 128)`);
    }
}
/** The trees directory: --trees, else MICRO_CONTAINER_TREES, else /trees. Pure. */
function treesDir(flag, env, cwd) {
    return external_node_path_default().resolve(cwd, flag || env || DEFAULT_TREES);
}
// overlayfs splits lowerdir on ':' and options on ','.
const FORBIDDEN_IN_LAYER = /[:,\n]/;
/**
 * The name of an instance's container: its state dir under STATE_ROOT and its cgroup leaf.
 * The same group and instance under two trees dirs are two containers. Pure.
 */
function containerizeId(trees, group, instance) {
    return `${group}.${instance}.${(0,external_node_crypto_.createHash)('sha256').update(trees).digest('hex').slice(0, 8)}`;
}
/** config + facts -> spec. Pure (files are read through facts); throws ConfigError. */
function buildContainerizeSpec(config, facts) {
    checkTreeName('group', config.group);
    checkTreeName('instance', config.instance);
    const trees = treesDir(config.trees, facts.envTrees, facts.cwd);
    const groupDir = external_node_path_default().join(trees, config.group);
    const hooksDir = external_node_path_default().join(groupDir, '.container');
    const tree = external_node_path_default().join(groupDir, config.instance);
    const overlay = config.overlay === true;
    if (overlay && FORBIDDEN_IN_LAYER.test(tree)) {
        throw new errors/* ConfigError */.xL(`${tree} contains ':' or ','; overlayfs cannot take such a path (use --trees elsewhere, or run without --overlay)`);
    }
    const id = containerizeId(trees, config.group, config.instance);
    const stateDir = external_node_path_default().join(STATE_ROOT, id);
    const cgroupFile = external_node_path_default().join(hooksDir, 'cgroup-name');
    const cgroupName = (facts.readFile(cgroupFile) ?? 'containerize').trim() || 'containerize';
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(cgroupName) || cgroupName.split('/').some((c) => c === '.' || c === '..')) {
        throw new errors/* ConfigError */.xL(`${cgroupFile}: '${cgroupName}' is not a cgroup name (one line: letters, digits, '_', '.', '-', and '/' between parts)`);
    }
    const optionsFile = external_node_path_default().join(hooksDir, 'unshare-options');
    const options = parseUnshareOptions(facts.readFile(optionsFile) ?? '', optionsFile);
    const workdir = config.workdir ?? '/';
    if (!workdir.startsWith('/'))
        throw new errors/* ConfigError */.xL(`workdir '${workdir}' must be an absolute path inside the root (-w /path)`);
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


/***/ })

};
