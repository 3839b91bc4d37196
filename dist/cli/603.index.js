export const id = 603;
export const ids = [603];
export const modules = {

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


/***/ }),

/***/ 603:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  containerizeHostFacts: () => (/* binding */ containerizeHostFacts),
  planContainerize: () => (/* binding */ planContainerize),
  runContainerize: () => (/* binding */ runContainerize)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/core/jail/run.ts
var run = __webpack_require__(1217);
// EXTERNAL MODULE: ./src/core/jail/launcher-body.gen.ts
var launcher_body_gen = __webpack_require__(6047);
// EXTERNAL MODULE: ./src/core/jail/launcher.ts + 2 modules
var launcher = __webpack_require__(7119);
;// CONCATENATED MODULE: ./src/core/trees/containerize-launcher.ts


/** The generated prelude: the spec as sh variables. Pure. */
function renderContainerizePrelude(spec) {
    const v = launcher/* shVar */.dT;
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
        `MC_UNSHARE=${(0,launcher/* shQuote */.US)(spec.unshare.join(' '))}`,
        `MC_NSENTER=${(0,launcher/* shQuote */.US)(spec.nsenter.join(' '))}`,
        v('MC_PIDNS', spec.pidNs),
        v('MC_UTSNS', spec.utsNs),
        v('MC_PROPAGATION', spec.propagation),
        v('MC_WORKDIR', spec.workdir),
        `MC_COMMAND=${(0,launcher/* shQuote */.US)(spec.command.map(launcher/* shQuote */.US).join(' '))}`,
        '',
    ].join('\n');
}
/** ContainerizeSpec -> a standalone POSIX sh launcher. Pure. */
function renderContainerizeLauncher(spec) {
    return renderContainerizePrelude(spec) + launcher_body_gen/* SH_COMMON */.Em + launcher_body_gen/* CONTAINERIZE_BODY */.t7;
}

// EXTERNAL MODULE: ./src/core/trees/containerize-spec.ts + 1 modules
var containerize_spec = __webpack_require__(7106);
;// CONCATENATED MODULE: ./src/core/trees/containerize.ts




/** The real host's answers to what buildContainerizeSpec asks. */
function containerizeHostFacts(cwd = process.cwd(), env = process.env) {
    return {
        cwd,
        envTrees: env.MICRO_CONTAINER_TREES,
        readFile: (p) => {
            try {
                return (0,external_node_fs_.readFileSync)(p, 'utf8');
            }
            catch {
                return undefined;
            }
        },
    };
}
/** Plans a containerize run: config -> spec -> launcher text. No side effects. */
function planContainerize(config, facts = containerizeHostFacts()) {
    const spec = (0,containerize_spec/* buildContainerizeSpec */.rS)(config, facts);
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
    (0,external_node_fs_.mkdirSync)(spec.stateDir, { recursive: true, mode: 0o700 });
    const file = (0,run/* writeLauncherIn */.fM)(spec.stateDir, launcher);
    return (0,run/* runLauncher */.Q)(file, { command: config.command ?? [], env: passedEnv(process.env) });
}


/***/ })

};
