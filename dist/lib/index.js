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

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  xL: () => (/* reexport */ ConfigError),
  sY: () => (/* reexport */ DEFAULT_LIBRARY_DIR),
  RE: () => (/* reexport */ JailError),
  WG: () => (/* reexport */ MicroContainerError),
  S7: () => (/* reexport */ PrivilegeError),
  xv: () => (/* reexport */ VERSION),
  m: () => (/* reexport */ buildSpec),
  MR: () => (/* reexport */ currentInvoker),
  sm: () => (/* reexport */ hostFacts),
  i$: () => (/* reexport */ parsePasswd),
  ff: () => (/* reexport */ planContainer),
  YT: () => (/* reexport */ prepareDirs),
  $z: () => (/* reexport */ renderLauncher),
  s4: () => (/* reexport */ renderPrelude),
  X8: () => (/* reexport */ resolveInvoker),
  zR: () => (/* reexport */ runContainer),
  Q: () => (/* reexport */ runLauncher),
  US: () => (/* reexport */ shQuote),
  QV: () => (/* reexport */ writeLauncher)
});

;// CONCATENATED MODULE: ./src/core/jail/config.ts
const DEFAULT_LIBRARY_DIR = '/var/lib/micro-container';

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
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

;// CONCATENATED MODULE: ./src/core/jail/spec.ts



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
        throw new ConfigError(`container name '${name}' is not valid: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
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
            throw new ConfigError(`lowerdir ${d} contains ':' or ','; overlayfs cannot take such a path (rename or bind-mount it elsewhere)`);
        if (!facts.isDirectory(d))
            throw new ConfigError(`lowerdir ${d} is not a directory on the host (check -l)`);
    }
    for (const d of [appDir, stateDir]) {
        if (FORBIDDEN_IN_LAYER.test(d))
            throw new ConfigError(`${d} contains ':' or ','; overlayfs cannot take such a path (choose another -b/-d)`);
    }
    const volumes = (config.volumes ?? []).map((v) => {
        const host = absolute(v.host, facts.cwd);
        if (!v.guest.startsWith('/'))
            throw new ConfigError(`volume guest path '${v.guest}' must be absolute (as in -v ${v.host}:/path)`);
        if (!facts.exists(host))
            throw new ConfigError(`volume source ${host} does not exist on the host (create it first, or fix -v ${v.host}:${v.guest})`);
        return { host, guest: external_node_path_default().posix.normalize(v.guest), readOnly: v.readOnly };
    });
    // Parents before children, so that a volume inside another lands on top of it.
    volumes.sort((a, b) => a.guest.split('/').length - b.guest.split('/').length);
    const workdir = config.workdir ?? '';
    if (workdir && !workdir.startsWith('/'))
        throw new ConfigError(`workdir '${workdir}' must be an absolute path inside the container (-w /path)`);
    const env = config.env ?? {};
    for (const k of Object.keys(env)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
            throw new ConfigError(`environment variable name '${k}' is not valid (-e NAME=value)`);
    }
    const user = config.user || `${facts.invoker.uid}:${facts.invoker.gid}`;
    if (/[\s'"\\]/.test(user) || user.split(':').length > 2 || user.startsWith(':')) {
        throw new ConfigError(`user '${user}' is not of the form user[:group] (names or numbers)`);
    }
    for (const s of [config.initScript, config.shutdownScript]) {
        if (s && !facts.exists(absolute(s, facts.cwd)))
            throw new ConfigError(`script ${absolute(s, facts.cwd)} does not exist on the host (check -i/-s)`);
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
    };
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/core/jail/launcher-body.gen.ts
// Generated by scripts/embed-sh.mjs from the .sh files it names; edit those, not this one.
const SH_COMMON = "# ---------------------------------------------------------------------------\n# Shared by every launcher (the jail's and containerize's): sh only, no Node.\n# ---------------------------------------------------------------------------\n\n# The host's own tools first (pivot_root is in sbin, where sudo's or a caller's PATH may\n# not look; every failed lookup is a wasted execve).\nPATH=/usr/bin:/usr/sbin:/bin:/sbin:/usr/local/bin:/usr/local/sbin\nexport PATH\n\nmc_say() { printf '%s: %s\\n' \"${MC_PROG:-micro-container}\" \"$*\" >&2; }\nmc_die() { mc_say \"$*\"; exit 125; }\n\n# mc_q WORD: WORD quoted for sh, in MC_Q.\nmc_q() {\n  mc_s=$1 MC_Q=\n  while :; do\n    case $mc_s in\n      *\\'*) MC_Q=\"$MC_Q${mc_s%%\\'*}'\\\\''\"; mc_s=${mc_s#*\\'} ;;\n      *) MC_Q=\"'$MC_Q$mc_s'\"; return ;;\n    esac\n  done\n}\n\n# mc_starttime PID: the process's start time (clock ticks since boot), in MC_START; with\n# the pid it names one process for good, where a pid alone may be reused.\nmc_starttime() {\n  read -r mc_stat 2>/dev/null < \"/proc/$1/stat\" || return 1\n  mc_stat=${mc_stat##*) }\n  # shellcheck disable=SC2086\n  set -- $mc_stat\n  MC_START=${20}\n}\n\n# mc_resolve PATH LAYER...: PATH as the container sees it, with every symlink followed\n# inside the container (absolute targets start again at its root, `..` stops at it), in\n# MC_RES. LAYER... are searched top-down as overlayfs does; with MC_WHITEOUTS=1 a character\n# device in a layer is a whiteout that hides the layers below. Mount targets are resolved\n# this way, never by the host, so a root whose /etc or /proc is a symlink cannot make us\n# mount or create anything outside it.\nmc_resolve() {\n  mc_rest=$1 mc_path=$1 mc_cur= mc_links=0; shift\n  while :; do\n    while :; do case $mc_rest in /*) mc_rest=${mc_rest#/} ;; *) break ;; esac; done\n    [ -n \"$mc_rest\" ] || break\n    case $mc_rest in\n      */*) mc_c=${mc_rest%%/*} mc_rest=${mc_rest#*/} ;;\n      *) mc_c=$mc_rest mc_rest= ;;\n    esac\n    case $mc_c in\n      .) continue ;;\n      ..) mc_cur=${mc_cur%/*}; continue ;;\n    esac\n    mc_link=\n    for mc_l in \"$@\"; do\n      if [ -L \"$mc_l$mc_cur/$mc_c\" ]; then\n        mc_link=$(readlink -- \"$mc_l$mc_cur/$mc_c\") || return 1\n        break\n      elif [ -e \"$mc_l$mc_cur/$mc_c\" ]; then\n        break\n      fi\n    done\n    if [ -n \"$mc_link\" ]; then\n      mc_links=$((mc_links + 1))\n      [ \"$mc_links\" -le 40 ] || { mc_say \"too many levels of symbolic links in $mc_path\"; return 1; }\n      case $mc_link in /*) mc_cur= ;; esac\n      mc_rest=$mc_link/$mc_rest\n    else\n      mc_cur=$mc_cur/$mc_c\n    fi\n  done\n  MC_RES=${mc_cur:-/}\n}\n\n# mc_command ARGS...: the command, quoted, in MC_ARGV: the launcher's arguments, else\n# the built-in command (empty: the user's shell, decided by mc_command_default).\nmc_command() {\n  if [ \"$#\" -gt 0 ]; then\n    MC_ARGV=\n    for mc_a in \"$@\"; do mc_q \"$mc_a\"; MC_ARGV=\"$MC_ARGV $MC_Q\"; done\n  else\n    MC_ARGV=$MC_COMMAND\n  fi\n}\n";
const LAUNCHER_BODY = "# ---------------------------------------------------------------------------\n# The fixed part of every launcher. Above it, the generated prelude sets the MC_*\n# variables and the mc_volumes/mc_extra_env functions; nothing below depends on Node.\n#\n# Stages (one file, re-run by itself):\n#   main   on the host: lock, then create the jail (owner) or enter the live one (join)\n#   pid1   PID 1 of the jail: mounts, user lookup, starter, pivot_root, reaper\n#   keeper only with init/shutdown scripts: a copy of the pre-pivot mount namespace\n#          (host tree + mounted root) that runs them \"on the host\"\n# Every tool is the host's util-linux, run before the jail's root replaces the host's;\n# after pivot_root only sh builtins run, so the jail needs nothing of its own.\n# ---------------------------------------------------------------------------\n\n# mc_fsesc WORD: WORD escaped for an fstab field (space, tab, newline, backslash), in MC_E.\nmc_fsesc() {\n  case $1 in\n    *[\\ \\\t\\\\\\\n]*) ;;\n    *) MC_E=$1; return ;;\n  esac\n  mc_s=$1 MC_E=\n  while [ -n \"$mc_s\" ]; do\n    mc_c=${mc_s%\"${mc_s#?}\"}; mc_s=${mc_s#?}\n    case $mc_c in\n      ' ') MC_E=\"$MC_E\\\\040\" ;;\n      '\t') MC_E=\"$MC_E\\\\011\" ;;\n      '\\') MC_E=\"$MC_E\\\\134\" ;;\n      '\n') MC_E=\"$MC_E\\\\012\" ;;\n      *) MC_E=\"$MC_E$mc_c\" ;;\n    esac\n  done\n}\n\n# mc_exists PATH LAYER...: is there something at PATH (already resolved) in the layers?\nmc_exists() {\n  mc_p=$1; shift\n  for mc_l in \"$@\"; do\n    if [ -e \"$mc_l$mc_p\" ] || [ -L \"$mc_l$mc_p\" ]; then\n      [ \"$MC_WHITEOUTS\" = 1 ] && [ -c \"$mc_l$mc_p\" ] && [ \"$mc_l\" != \"$MC_BOTTOM\" ] && return 1\n      return 0\n    fi\n  done\n  return 1\n}\n\n# mc_layers: the layer list for mc_resolve before the overlay is mounted (upper first).\nmc_layers() {\n  mc_ifs=$IFS; IFS=:\n  # shellcheck disable=SC2086\n  set -- $MC_LOWERS\n  IFS=$mc_ifs\n  eval \"MC_BOTTOM=\\${$#}\"\n  MC_LAYER_ARGS=\"$MC_UPPER_Q\"\n  for mc_l in \"$@\"; do mc_q \"$mc_l\"; MC_LAYER_ARGS=\"$MC_LAYER_ARGS $MC_Q\"; done\n}\n\n# mc_fstab SOURCE GUEST TYPE OPTIONS: one line of the jail's fstab; GUEST is resolved\n# inside the root first. For a bind of a file onto a path that is missing, the empty\n# file is created in the upper layer (where overlayfs would have put it).\nmc_fstab() {\n  eval \"mc_resolve \\\"\\$2\\\" $MC_LAYER_ARGS\" || mc_die \"cannot resolve $2 inside the root\"\n  mc_t=$MC_RES\n  case $4 in\n    *X-mc.file*)\n      if ! eval \"mc_exists \\\"\\$mc_t\\\" $MC_LAYER_ARGS\"; then\n        mc_d=${mc_t%/*}\n        [ -d \"$MC_UPPER$mc_d\" ] || mkdir -p -- \"$MC_UPPER$mc_d\" || mc_die \"cannot create $mc_d in the upper layer\"\n        : > \"$MC_UPPER$mc_t\" || mc_die \"cannot create $mc_t in the upper layer\"\n      fi\n      set -- \"$1\" \"$2\" \"$3\" \"${4%,X-mc.file}\" ;;\n    *) set -- \"$1\" \"$2\" \"$3\" \"$4,X-mount.mkdir\" ;;\n  esac\n  mc_fsesc \"$1\"; mc_src=$MC_E\n  mc_fsesc \"$MC_ROOT$mc_t\"\n  printf '%s %s %s %s 0 0\\n' \"$mc_src\" \"$MC_E\" \"$3\" \"$4\" >&5\n}\n\n# mc_vol HOST GUEST ro|rw: a volume from the generated mc_volumes.\nmc_vol() {\n  [ -e \"$1\" ] || mc_die \"volume source $1 does not exist on the host (create it, or fix the -v option)\"\n  mc_o=rbind,nodev\n  [ \"$3\" = ro ] && mc_o=rbind,ro,nodev\n  if [ -d \"$1\" ]; then mc_fstab \"$1\" \"$2\" none \"$mc_o\"; else mc_fstab \"$1\" \"$2\" none \"$mc_o,X-mc.file\"; fi\n  if [ \"$3\" = ro ]; then mc_fsesc \"$MC_ROOT$mc_t\"; MC_RO_TARGETS=\"$MC_RO_TARGETS $MC_E\"; fi\n}\n\n# mount(8) 2.38 makes only the top of an rbind read-only: remount every mount that the\n# host had inside a :ro volume read-only as well.\nmc_ro_nested() {\n  while read -r _ _ _ _ mc_mp _; do\n    for mc_t in $MC_RO_TARGETS; do\n      case $mc_mp in \"$mc_t\"/*)\n        mc_p=$mc_mp; mc_unesc \"$mc_p\"\n        mount -o remount,bind,ro \"$MC_U\" || { mc_say \"cannot make $MC_U read-only\"; return 1; } ;;\n      esac\n    done\n  done < /proc/self/mountinfo\n}\n\n# mc_unesc WORD: undo mountinfo's octal escapes (\\040 and friends), in MC_U.\nmc_unesc() {\n  MC_U=$(printf '%b' \"$1\")\n}\n\n# mc_user ROOT: look up MC_USER (user[:group], names or numbers) in ROOT's own\n# /etc/passwd and /etc/group. Sets MC_UID MC_GID MC_GROUPS (comma list) MC_HOME MC_SHELL MC_UNAME.\nmc_user() {\n  mc_u=${MC_USER%%:*} mc_g=\n  case $MC_USER in *:*) mc_g=${MC_USER#*:} ;; esac\n  MC_UID= MC_GID= MC_HOME= MC_SHELL= MC_UNAME=\n  if [ -r \"$1/etc/passwd\" ]; then\n    while IFS=: read -r mc_n _ mc_i mc_pg _ mc_h mc_sh || [ -n \"$mc_n\" ]; do\n      if [ \"$mc_n\" = \"$mc_u\" ] || [ \"$mc_i\" = \"$mc_u\" ]; then\n        MC_UNAME=$mc_n MC_UID=$mc_i MC_GID=$mc_pg MC_HOME=$mc_h MC_SHELL=$mc_sh; break\n      fi\n    done < \"$1/etc/passwd\"\n  fi\n  if [ -z \"$MC_UID\" ]; then\n    case $mc_u in\n      ''|*[!0-9]*) mc_die \"user '$mc_u' is not in the container's /etc/passwd (use a number, or add the user to the root)\" ;;\n    esac\n    MC_UID=$mc_u MC_UNAME=$mc_u\n  fi\n  if [ -n \"$mc_g\" ]; then\n    mc_gid=\n    if [ -r \"$1/etc/group\" ]; then\n      while IFS=: read -r mc_n _ mc_i _ || [ -n \"$mc_n\" ]; do\n        if [ \"$mc_n\" = \"$mc_g\" ] || [ \"$mc_i\" = \"$mc_g\" ]; then mc_gid=$mc_i; break; fi\n      done < \"$1/etc/group\"\n    fi\n    if [ -z \"$mc_gid\" ]; then\n      case $mc_g in\n        *[!0-9]*) mc_die \"group '$mc_g' is not in the container's /etc/group (use a number, or add the group to the root)\" ;;\n      esac\n      mc_gid=$mc_g\n    fi\n    MC_GID=$mc_gid\n  fi\n  [ -n \"$MC_GID\" ] || MC_GID=$MC_UID\n  # Supplementary groups: the primary one, then every group that lists the user by name.\n  MC_GROUPS=$MC_GID\n  if [ \"$MC_UNAME\" != \"$MC_UID\" ] && [ -r \"$1/etc/group\" ]; then\n    while IFS=: read -r _ _ mc_i mc_m || [ -n \"$mc_i\" ]; do\n      case \",$mc_m,\" in *\",$MC_UNAME,\"*) case \",$MC_GROUPS,\" in *\",$mc_i,\"*) ;; *) MC_GROUPS=$MC_GROUPS,$mc_i ;; esac ;; esac\n    done < \"$1/etc/group\"\n  fi\n  [ -n \"$MC_HOME\" ] || MC_HOME=/\n  [ -n \"$MC_SHELL\" ] || MC_SHELL=/bin/sh\n}\n\n# mc_scrub: unset every exported variable; the command gets exactly the env we build.\nmc_scrub() {\n  mc_list=$(export -p)\n  mc_ifs=$IFS IFS='\n'\n  set -f\n  for mc_l in $mc_list; do\n    case $mc_l in\n      'export '*|'declare -x '*)\n        mc_l=${mc_l#export }; mc_l=${mc_l#declare -x }; mc_n=${mc_l%%=*}\n        case $mc_n in ''|*[!A-Za-z0-9_]*) ;; *) unset \"$mc_n\" ;; esac ;;\n    esac\n  done 2>/dev/null\n  set +f\n  IFS=$mc_ifs\n}\n\n# mc_env: the command's environment (call after mc_user, in the process that execs).\nmc_env() {\n  mc_term=${TERM:-}\n  # The CLI starts us with a known environment (MC_CLEAN_ENV): unsetting those few is\n  # enough. By hand, anything may be exported: scrub it all.\n  if [ \"${MC_CLEAN_ENV:-}\" = 1 ]; then\n    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE MC_ARGV TERM PATH MC_KUID MC_KGID\n  else\n    mc_scrub\n  fi\n  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n  export HOME=\"$MC_HOME\" USER=\"$MC_UNAME\" LOGNAME=\"$MC_UNAME\" HOSTNAME=\"$MC_HOSTNAME\"\n  [ -n \"$mc_term\" ] && export TERM=\"$mc_term\"\n  [ \"$MC_LOGIN\" = 1 ] && export SHELL=\"$MC_SHELL\"\n  mc_extra_env\n}\n\n# After mc_user: no command means the user's shell from the container's /etc/passwd,\n# a login shell (-l) with `-`; interactive by itself when stdin is a terminal.\nmc_command_default() {\n  [ -n \"$MC_ARGV\" ] && return 0\n  mc_q \"$MC_SHELL\"; MC_ARGV=$MC_Q\n  [ \"$MC_LOGIN\" = 1 ] && MC_ARGV=\"$MC_ARGV -l\"\n  return 0\n}\n\n# mc_cwd: where the command starts: -w, else HOME for a login shell or when it exists, else /.\nmc_cwd() {\n  if [ -n \"$MC_WORKDIR\" ]; then MC_CWD=$MC_WORKDIR\n  elif [ -d \"$1$MC_HOME\" ]; then MC_CWD=$MC_HOME\n  else MC_CWD=/\n  fi\n}\n\n# ------------------------------------------------------------------ stage: pid1\n# PID 1 of the jail, in fresh mount/pid/uts/ipc namespaces. fd 4: messages to the\n# launcher (`up`); stdin: the lifeline (EOF = the launcher is gone); fd 7: the user's stdin.\nmc_stage_pid1() {\n  cd -P /proc/self && MC_HP=${PWD##*/}   # our pid on the host: /proc is still the host's\n  cd / || exit 125\n  exec 8>&- 9>&- 6<> \"$MC_STATE/go\" 3<> \"$MC_STATE/started\"\n  # The lifeline watcher: \"signal NAME\" lines are passed to the launcher's loop, which\n  # signals the command; EOF means whoever started us is gone: everything inside dies.\n  exec 5<&0 0</dev/null\n  {\n    while read -r mc_l <&5; do\n      case $mc_l in 'signal '*) echo \"$mc_l\" >&4 ;; esac\n    done\n    kill -KILL -1; echo abort >&6\n  } &\n  mc_watcher=$!\n  exec 5<&-\n  if [ \"$MC_RM\" = 1 ]; then mc_rm_layer || { mc_say \"cannot make the throwaway upper layer\"; echo \"exit 125\" >&4; exit 125; }; fi\n  mc_mount || { echo \"exit 125\" >&4; exit 125; }\n  printf '%s\\n' \"$MC_HOSTNAME\" > /proc/sys/kernel/hostname 2>/dev/null\n  mc_user \"$MC_ROOT\"\n  mc_cwd \"$MC_ROOT\"\n  mc_command_default\n  if [ -n \"$MC_INIT$MC_SHUTDOWN\" ]; then\n    echo \"mounted $MC_HP $MC_UID $MC_GID\" >&4\n    read -r mc_x <&6 && [ \"$mc_x\" = pivot ] || exit 125\n  fi\n  eval \"set -- $MC_ARGV\"\n  # Two processes run side by side, as a pipeline (not `&`: an async list would start\n  # the command with SIGINT ignored). The starter is forked, or exec'd through setpriv,\n  # while the host's tools are still reachable, says its host pid, and waits for `go`.\n  # The pivoter then calls pivot_root, which moves us and the starter into the jail's\n  # root, and reports; the launcher detaches the old root and says `go`.\n  mc_pivoter | mc_starter \"$@\"\n  mc_st=$?\n  # Stay, reaping orphans, until the launcher's loop ends the jail with SIGUSR1 (once\n  # joined sessions have left and the shutdown script has run); our exit status is the\n  # launcher's, and our exit makes the kernel kill whatever is left inside.\n  trap 'exit \"$mc_st\"' USR1\n  echo \"done $mc_st\" >&4\n  exec 4>&- 6>&- 3>&-\n  wait \"$mc_watcher\"\n  exit 137\n}\n\nmc_pivoter() {\n  exec >/dev/null\n  read -r mc_cp <&3 || { echo abort >&6; exit 125; }\n  # On failure the starter is told to give up (it is blocked reading fd 6), so the\n  # pipeline, and PID 1 with it, ends with 125.\n  cd \"$MC_ROOT\" && pivot_root . . || { mc_say \"pivot_root into $MC_ROOT failed\"; echo abort >&6; exit 125; }\n  cd /\n  echo \"ready $MC_HP $mc_cp\" >&4\n}\n\nmc_starter() {\n  exec 4>&- 0<&7 7<&-\n  mc_env\n  if [ \"$MC_UID\" = 0 ]; then\n    cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n    read -r mc_x <&6; exec 6<&-\n    [ \"$mc_x\" = go ] || exit 125\n    cd -- \"$MC_CWD\" 2>/dev/null || { mc_say \"workdir $MC_CWD does not exist in the container (create it, or fix -w)\"; exit 125; }\n    exec \"$@\"\n  fi\n  export MC_CWD\n  exec setpriv --reuid=\"$MC_UID\" --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs --inh-caps=-all \\\n    -- /bin/sh -c 'cd -P /proc/self && echo \"${PWD##*/}\" >&3; exec 3>&-\n      read -r x <&6; exec 6<&-\n      [ \"$x\" = go ] || exit 125\n      cd -- \"$MC_CWD\" 2>/dev/null || { printf \"micro-container: workdir %s is not there for this user (create it, or fix -w)\\n\" \"$MC_CWD\" >&2; exit 125; }\n      unset MC_CWD; exec \"$@\"' mc-starter \"$@\"\n}\n\n# Mount everything the jail needs in one mount(8) call (each exec costs ~1 ms).\nmc_mount() {\n  mc_layers\n  MC_WHITEOUTS=1\n  exec 5> \"$MC_STATE/fstab\"\n  mc_fsesc \"$MC_LOWERS\"; mc_lo=$MC_E\n  mc_fsesc \"$MC_UPPER\"; mc_up=$MC_E\n  mc_fsesc \"$MC_WORK\"; mc_wk=$MC_E\n  mc_fsesc \"$MC_ROOT\"\n  printf 'overlay %s overlay lowerdir=%s,upperdir=%s,workdir=%s 0 0\\n' \"$MC_E\" \"$mc_lo\" \"$mc_up\" \"$mc_wk\" >&5\n  mc_fstab proc /proc proc nosuid,nodev,noexec\n  mc_fstab sysfs /sys sysfs ro,nosuid,nodev,noexec\n  mc_fstab \"$MC_STATE/dev\" /dev none bind\n  mc_dev=$MC_ROOT$MC_RES\n  read -r mc_kind < \"$MC_STATE/dev/.mc-skeleton\"\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do\n      mc_fsesc \"$mc_dev/$mc_n\"; printf '/dev/%s %s none bind 0 0\\n' \"$mc_n\" \"$MC_E\" >&5\n    done\n  fi\n  mc_fsesc \"$mc_dev\"\n  printf 'devpts %s/pts devpts newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec 0 0\\n' \"$MC_E\" >&5\n  printf 'tmpfs %s/shm tmpfs mode=1777,nosuid,nodev 0 0\\n' \"$MC_E\" >&5\n  printf 'mqueue %s/mqueue mqueue nosuid,nodev,noexec 0 0\\n' \"$MC_E\" >&5\n  mc_fstab tmpfs /tmp tmpfs mode=1777,nosuid,nodev\n  mc_fstab \"$MC_STATE/hosts\" /etc/hosts none bind,X-mc.file\n  mc_fstab \"$MC_STATE/resolv.conf\" /etc/resolv.conf none bind,X-mc.file\n  MC_RO_TARGETS=\n  mc_volumes\n  exec 5>&-\n  mount -c -a -T \"$MC_STATE/fstab\" || { mc_mount_diagnose; return 1; }\n  [ -z \"$MC_RO_TARGETS\" ] || mc_ro_nested\n}\n\n# Only after a failure: say which rule was broken, in words a user can act on.\nmc_mount_diagnose() {\n  mc_ifs=$IFS; IFS=:\n  for mc_l in $MC_LOWERS; do\n    [ -d \"$mc_l\" ] || mc_say \"lowerdir $mc_l is not a directory\"\n  done\n  IFS=$mc_ifs\n  if [ \"$(stat -c %d -- \"$MC_UPPER\")\" != \"$(stat -c %d -- \"$MC_WORK\")\" ]; then\n    mc_say \"upperdir $MC_UPPER and workdir $MC_WORK are on different filesystems; overlayfs needs them on the same one (move -b basedir)\"\n  fi\n  case $(stat -f -c %T -- \"$MC_UPPER\") in\n    overlayfs) mc_say \"upperdir $MC_UPPER is on an overlay filesystem, which overlayfs cannot use as an upper layer (use a -b basedir on a real filesystem)\" ;;\n  esac\n  mc_say \"could not mount the jail's filesystems (see mount's message above)\"\n}\n\n# A throwaway upper layer (--rm) lives on a tmpfs in the jail's own mount namespace, so\n# it is gone with the jail, also after SIGKILL.\nmc_rm_layer() {\n  mount -t tmpfs -o mode=0700 tmpfs \"$MC_STATE/rm\" && mkdir -m 0755 -- \"$MC_UPPER\" && mkdir -m 0700 -- \"$MC_WORK\"\n}\n\n# PID 1 stops reading here: the rest of the file is for the launcher on the host.\ncase ${MC_STAGE:-main} in pid1) mc_stage_pid1; exit ;; esac\n\n# mc_copy SRC DST: copy a small text file with builtins (no cp: every exec costs a ms).\nmc_copy() {\n  : > \"$2\"\n  [ -r \"$1\" ] || return 0\n  while IFS= read -r mc_line || [ -n \"$mc_line\" ]; do printf '%s\\n' \"$mc_line\"; done < \"$1\" >> \"$2\"\n}\n\n# The per-container /dev skeleton, made once: the usual symlinks, pts/shm/mqueue, and\n# real device nodes for null zero full random urandom tty, so a run binds one directory\n# instead of six devices. Where librarydir's filesystem is mounted nodev, the nodes would\n# not work: then they are empty files that the host's devices are bound onto at each run.\nmc_dev_skeleton() {\n  mc_kind=\n  read -r mc_kind 2>/dev/null < \"$MC_STATE/dev/.mc-skeleton\"\n  case $mc_kind in nodes|binds) return 0 ;; esac\n  mc_new=$MC_STATE/dev.new\n  rm -rf -- \"$mc_new\" && mkdir -p -m 0755 -- \"$mc_new/pts\" \"$mc_new/shm\" \"$mc_new/mqueue\" || return 1\n  ln -s /proc/self/fd \"$mc_new/fd\" && ln -s /proc/self/fd/0 \"$mc_new/stdin\" &&\n    ln -s /proc/self/fd/1 \"$mc_new/stdout\" && ln -s /proc/self/fd/2 \"$mc_new/stderr\" &&\n    ln -s pts/ptmx \"$mc_new/ptmx\" && ln -s /proc/kcore \"$mc_new/core\" || return 1\n  mc_kind=nodes\n  mknod -m 0666 \"$mc_new/null\" c 1 3 && mknod -m 0666 \"$mc_new/zero\" c 1 5 && mknod -m 0666 \"$mc_new/full\" c 1 7 &&\n    mknod -m 0666 \"$mc_new/random\" c 1 8 && mknod -m 0666 \"$mc_new/urandom\" c 1 9 && mknod -m 0666 \"$mc_new/tty\" c 5 0 &&\n    { : > \"$mc_new/null\"; } 2>/dev/null || mc_kind=binds\n  if [ \"$mc_kind\" = binds ]; then\n    for mc_n in null zero full random urandom tty; do rm -f -- \"$mc_new/$mc_n\" && : > \"$mc_new/$mc_n\" || return 1; done\n  fi\n  echo \"$mc_kind\" > \"$mc_new/.mc-skeleton\"\n  rm -rf -- \"$MC_STATE/dev\" && mv -- \"$mc_new\" \"$MC_STATE/dev\"\n}\n\n# ------------------------------------------------------------------ stage: keeper\n# A copy of PID 1's mount namespace taken before pivot_root: the host's tree with the\n# container's root mounted at MC_ROOT, where init and shutdown scripts run. Its stdin is\n# the `keep` fifo; EOF or \"shutdown\" runs the shutdown script, so it runs whatever happened.\nmc_stage_keeper() {\n  exec 4> \"$MC_STATE/up\"\n  mc_st=0\n  if [ -n \"$MC_INIT\" ]; then\n    \"$MC_INIT\" init \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"init $mc_st\" >&4\n  read -r _ || :\n  mc_st=0\n  if [ -n \"$MC_SHUTDOWN\" ]; then\n    \"$MC_SHUTDOWN\" shutdown \"$MC_ROOT\" \"$MC_KUID\" \"$MC_KGID\" </dev/null 4>&-; mc_st=$?\n  fi\n  echo \"shutdown $mc_st\" >&4\n}\n\n# ------------------------------------------------------------------ stage: main\n# basedir first: when librarydir is the same directory, basedir's creation wins.\nmc_prepare_dirs() {\n  if [ ! -d \"$MC_BASE\" ]; then\n    mkdir -p -- \"$MC_BASE\" && chown -- \"$MC_OWNER\" \"$MC_BASE\" || mc_die \"cannot create basedir $MC_BASE\"\n  fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_APPDIR\" ]; then\n    mkdir -p -- \"$MC_APPDIR\" && chown -- \"$MC_OWNER\" \"$MC_APPDIR\" || mc_die \"cannot create appdir $MC_APPDIR\"\n  fi\n  if [ ! -d \"$MC_LIB\" ]; then\n    mkdir -p -m 0700 -- \"$MC_LIB\" || mc_die \"cannot create librarydir $MC_LIB\"\n  fi\n  if [ ! -d \"$MC_STATE/root\" ]; then\n    mkdir -p -m 0700 -- \"$MC_STATE/root\" || mc_die \"cannot create $MC_STATE\"\n  fi\n  for mc_f in up go started life keep; do\n    [ -p \"$MC_STATE/$mc_f\" ] || mkfifo -m 0600 -- \"$MC_STATE/$mc_f\" || mc_die \"cannot create $MC_STATE/$mc_f\"\n  done\n  mc_dev_skeleton || mc_die \"cannot create the /dev skeleton in $MC_STATE\"\n  if [ \"$MC_RM\" = 1 ] && [ ! -d \"$MC_STATE/rm\" ]; then mkdir -m 0700 -- \"$MC_STATE/rm\" || mc_die \"cannot create $MC_STATE/rm\"; fi\n  if [ \"$MC_RM\" != 1 ] && [ ! -d \"$MC_WORK\" ]; then\n    # The upper layer's top directory is what the container's / looks like: root's, 0755.\n    mkdir -p -m 0755 -- \"$MC_UPPER\" && mkdir -p -m 0700 -- \"$MC_WORK\" || mc_die \"cannot create $MC_UPPER and $MC_WORK\"\n  fi\n}\n\nmc_join() {\n  mc_hp=$1\n  mc_user \"/proc/$mc_hp/root\"\n  MC_WHITEOUTS=0\n  mc_cwd \"/proc/$mc_hp/root\"\n  mc_resolve \"$MC_CWD\" \"/proc/$mc_hp/root\" || exit 125\n  MC_CWD=$MC_RES\n  mc_command_default\n  eval \"set -- $MC_ARGV\"\n  exec 9>&-\n  mc_env\n  if [ \"$MC_UID\" = 0 ]; then\n    exec nsenter -t \"$mc_hp\" -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S 0 -G 0 -- \"$@\"\n  fi\n  exec setpriv --regid=\"$MC_GID\" --groups=\"$MC_GROUPS\" --no-new-privs \\\n    nsenter -t \"$mc_hp\" -m -p -u -i -r -w\"/proc/$mc_hp/root$MC_CWD\" -S \"$MC_UID\" -- \"$@\"\n}\n\nmc_stage_main() {\n  # `-O /`: we own the host's root directory, i.e. we are root (a builtin, no fork).\n  [ -O / ] || mc_die \"the launcher must run as root (try: sudo sh $0)\"\n  mc_prepare_dirs\n  exec 9>> \"$MC_STATE/lock\"\n  mc_command \"$@\"\n  mc_tries=0\n  until flock -n 9; do\n    # The container is up: join it. Starting or stopping: wait for it.\n    if read -r mc_hp mc_st0 2>/dev/null < \"$MC_STATE/pid1\" && mc_starttime \"$mc_hp\" && [ \"$MC_START\" = \"$mc_st0\" ]; then\n      mc_join \"$mc_hp\"\n    fi\n    [ \"$mc_tries\" = 0 ] && mc_say \"container ${MC_NAME:-app} is starting or stopping; waiting\"\n    mc_tries=$((mc_tries + 1))\n    [ \"$mc_tries\" -le 600 ] || mc_die \"container ${MC_NAME:-app} stayed busy for 60 s; is a launcher stuck? (see $MC_STATE)\"\n    sleep 0.1\n  done\n  mc_own\n}\n\n# We hold the lock (fd 9) until we exit. The launcher's own process becomes the jail's\n# `unshare` (so its exit status is the command's, and killing it kills the jail:\n# --kill-child); a loop beside it answers PID 1's messages on the `up` fifo.\nmc_own() {\n  # The container's own copies of the host's /etc/hosts and /etc/resolv.conf: made anew\n  # when the host's change, kept (with what the container wrote) otherwise.\n  if ! [ \"$MC_STATE/hosts\" -nt /etc/hosts ]; then\n    mc_copy /etc/hosts \"$MC_STATE/hosts\"\n    printf '127.0.1.1\\t%s\\n' \"$MC_HOSTNAME\" >> \"$MC_STATE/hosts\"\n  fi\n  [ \"$MC_STATE/resolv.conf\" -nt /etc/resolv.conf ] || mc_copy /etc/resolv.conf \"$MC_STATE/resolv.conf\"\n  exec 4<> \"$MC_STATE/up\" 7<&0\n  # The loop is an async list (SIGINT ignored there, which suits teardown); the jail is\n  # not, so the command starts with the signal dispositions we were given.\n  # It holds the lock too, so the next run of this container waits until it is gone.\n  # (exec, not redirections on the call: dash would keep saved copies of the fds open.)\n  ( exec 4>&- 7<&- < \"$MC_STATE/up\"; mc_loop ) &\n  export MC_ARGV MC_STAGE=pid1\n  if [ -n \"${MC_LIFELINE_FD:-}\" ]; then\n    eval \"exec unshare --pid --fork --mount --uts --ipc --kill-child --propagation private -- /bin/sh \\\"\\$0\\\" <&$MC_LIFELINE_FD\"\n  fi\n  # By hand: the lifeline is a fifo that only we (then our unshare) hold open.\n  exec 8<> \"$MC_STATE/life\"\n  exec unshare --pid --fork --mount --uts --ipc --kill-child --propagation private -- /bin/sh \"$0\" < \"$MC_STATE/life\"\n}\n\n# PID 1's messages, in order: [mounted HP UID GID, init N,] ready HP CP, done N; and\n# \"signal NAME\" from the lifeline; \"exit N\" when it failed. EOF: PID 1 is gone.\nmc_loop() {\n  mc_hp= mc_cp= mc_keeper=\n  while read -r mc_msg mc_a mc_b mc_c; do\n    case $mc_msg in\n      mounted)\n        mc_hp=$mc_a\n        MC_STAGE=keeper MC_KUID=$mc_b MC_KGID=$mc_c \\\n          nsenter -t \"$mc_hp\" -m -- unshare --mount --propagation private -- /bin/sh \"$0\" < \"$MC_STATE/keep\" &\n        mc_keeper=$!\n        exec 5<> \"$MC_STATE/keep\" ;;\n      init)\n        if [ \"$mc_a\" != 0 ]; then\n          mc_say \"init script $MC_INIT failed with status $mc_a\"\n          mc_end_keeper\n          echo abort > \"$MC_STATE/go\"\n        else\n          echo pivot > \"$MC_STATE/go\"\n        fi ;;\n      ready)\n        mc_hp=$mc_a mc_cp=$mc_b\n        # pivot_root left the host's root stacked on the jail's /: detach it.\n        if ! umount -N \"/proc/$mc_hp/ns/mnt\" -l /; then\n          mc_say \"cannot detach the host's root from the jail\"\n          echo abort > \"$MC_STATE/go\"; continue\n        fi\n        mc_starttime \"$mc_hp\" && printf '%s %s\\n' \"$mc_hp\" \"$MC_START\" > \"$MC_STATE/pid1\"\n        echo go > \"$MC_STATE/go\" ;;\n      signal)\n        [ -n \"$mc_cp\" ] && kill -s \"$mc_a\" \"$mc_cp\" 2>/dev/null ;;\n      done)\n        : > \"$MC_STATE/pid1\"\n        mc_wait_joined\n        mc_end_keeper\n        kill -USR1 \"$mc_hp\" 2>/dev/null\n        return ;;\n      exit)\n        mc_end_keeper\n        return ;;\n    esac\n  done\n  mc_end_keeper\n}\n\n# Runs the shutdown script (in the keeper) and waits for it; once.\nmc_end_keeper() {\n  [ -n \"$mc_keeper\" ] || return 0\n  echo shutdown >&5\n  mc_a=0\n  while read -r mc_msg mc_a _; do [ \"$mc_msg\" = shutdown ] && break; done\n  [ \"$mc_a\" = 0 ] || mc_say \"shutdown script $MC_SHUTDOWN failed with status $mc_a\"\n  wait \"$mc_keeper\" 2>/dev/null\n  mc_keeper=\n}\n\n# Sessions that joined (their parent is outside the jail, so their ppid reads 0) keep\n# the container up: the last one out ends it.\nmc_wait_joined() {\n  while :; do\n    mc_busy=\n    for mc_p in \"/proc/$mc_hp/root/proc/\"[0-9]*; do\n      [ \"${mc_p##*/}\" = 1 ] && continue\n      read -r mc_stat 2>/dev/null < \"$mc_p/stat\" || continue\n      mc_stat=${mc_stat##*) }\n      case $mc_stat in ?' 0 '*) mc_busy=1; break ;; esac\n    done\n    [ -n \"$mc_busy\" ] || return 0\n    sleep 0.2\n  done\n}\n\ncase ${MC_STAGE:-main} in\n  main) mc_stage_main \"$@\" ;;\n  keeper) mc_stage_keeper ;;\n  none) ;;\n  *) mc_die \"unknown stage $MC_STAGE\" ;;\nesac\n";
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
        '',
    ].join('\n');
}
/** JailSpec -> a standalone POSIX sh launcher (prelude + the fixed body). Pure. */
function renderLauncher(spec) {
    return renderPrelude(spec) + SH_COMMON + LAUNCHER_BODY;
}
/** A short digest of the launcher text: its file name, so runs never rewrite a live one. */
function launcherDigest(text) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(text).digest('hex').slice(0, 16);
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/core/exec.ts

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
        const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe', ...fds] });
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
function runLauncher(file, options = {}) {
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
        child.on('error', (e) => reject(new JailError(`cannot start the launcher ${file}: ${e.message}`)));
        child.on('close', (code, signal) => {
            if (watch)
                clearInterval(watch);
            for (const [s, h] of handlers)
                process.off(s, h);
            resolve(code ?? 128 + signalNumber(signal));
        });
    });
}

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

;// CONCATENATED MODULE: ./src/core/container.ts




/** Plans a container: config -> spec -> launcher text. No side effects. */
function planContainer(config, facts = hostFacts()) {
    const spec = buildSpec(config, facts);
    return { spec, launcher: renderLauncher(spec) };
}
/**
 * Runs CONFIG's command in its jail (as root) and returns the command's exit status:
 * 125 when the jail could not be set up, 126/127 as shells use them.
 */
async function runContainer(config, facts = hostFacts()) {
    const { spec, launcher } = planContainer({ ...config, command: [] }, facts);
    const file = writeLauncher(spec, launcher);
    // The command goes as arguments, not into the file: one launcher serves every command
    // of a container, as later workflow steps use it.
    return runLauncher(file, { command: config.command ?? [] });
}

;// CONCATENATED MODULE: ./src/core/version.ts
const VERSION = '0.1.0';

;// CONCATENATED MODULE: ./src/core/index.ts










var __webpack_exports__ConfigError = __webpack_exports__.xL;
var __webpack_exports__DEFAULT_LIBRARY_DIR = __webpack_exports__.sY;
var __webpack_exports__JailError = __webpack_exports__.RE;
var __webpack_exports__MicroContainerError = __webpack_exports__.WG;
var __webpack_exports__PrivilegeError = __webpack_exports__.S7;
var __webpack_exports__VERSION = __webpack_exports__.xv;
var __webpack_exports__buildSpec = __webpack_exports__.m;
var __webpack_exports__currentInvoker = __webpack_exports__.MR;
var __webpack_exports__hostFacts = __webpack_exports__.sm;
var __webpack_exports__parsePasswd = __webpack_exports__.i$;
var __webpack_exports__planContainer = __webpack_exports__.ff;
var __webpack_exports__prepareDirs = __webpack_exports__.YT;
var __webpack_exports__renderLauncher = __webpack_exports__.$z;
var __webpack_exports__renderPrelude = __webpack_exports__.s4;
var __webpack_exports__resolveInvoker = __webpack_exports__.X8;
var __webpack_exports__runContainer = __webpack_exports__.zR;
var __webpack_exports__runLauncher = __webpack_exports__.Q;
var __webpack_exports__shQuote = __webpack_exports__.US;
var __webpack_exports__writeLauncher = __webpack_exports__.QV;
export { __webpack_exports__ConfigError as ConfigError, __webpack_exports__DEFAULT_LIBRARY_DIR as DEFAULT_LIBRARY_DIR, __webpack_exports__JailError as JailError, __webpack_exports__MicroContainerError as MicroContainerError, __webpack_exports__PrivilegeError as PrivilegeError, __webpack_exports__VERSION as VERSION, __webpack_exports__buildSpec as buildSpec, __webpack_exports__currentInvoker as currentInvoker, __webpack_exports__hostFacts as hostFacts, __webpack_exports__parsePasswd as parsePasswd, __webpack_exports__planContainer as planContainer, __webpack_exports__prepareDirs as prepareDirs, __webpack_exports__renderLauncher as renderLauncher, __webpack_exports__renderPrelude as renderPrelude, __webpack_exports__resolveInvoker as resolveInvoker, __webpack_exports__runContainer as runContainer, __webpack_exports__runLauncher as runLauncher, __webpack_exports__shQuote as shQuote, __webpack_exports__writeLauncher as writeLauncher };
