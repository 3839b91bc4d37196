# ---------------------------------------------------------------------------
# The fixed part of every launcher. Above it, the generated prelude sets the MC_*
# variables and the mc_volumes/mc_extra_env functions; nothing below depends on Node.
#
# Stages (one file, re-run by itself):
#   main   on the host: lock, then create the jail (owner) or enter the live one (join)
#   pid1   PID 1 of the jail: mounts, user lookup, starter, pivot_root, reaper
#   keeper only with init/shutdown scripts: a copy of the pre-pivot mount namespace
#          (host tree + mounted root) that runs them "on the host"
# Every tool is the host's util-linux, run before the jail's root replaces the host's;
# after pivot_root only sh builtins run, so the jail needs nothing of its own.
# ---------------------------------------------------------------------------

# mc_scrub: unset every exported variable, so that what runs gets exactly the environment
# we build. Our own MC_* variables and PATH keep their values (a caller may have exported
# one of the same name): they only stop being exported.
mc_scrub() {
  mc_list=$(export -p)
  mc_ifs=$IFS IFS='
'
  set -f
  for mc_l in $mc_list; do
    case $mc_l in
      'export '*|'declare -x '*)
        mc_l=${mc_l#export }; mc_l=${mc_l#declare -x }; mc_n=${mc_l%%=*}
        case $mc_n in
          ''|*[!A-Za-z0-9_]*) ;;
          MC_*|PATH) eval "mc_v=\${$mc_n-}"; unset "$mc_n"; eval "$mc_n=\$mc_v" ;;
          *) unset "$mc_n" ;;
        esac ;;
    esac
  done 2>/dev/null
  set +f
  IFS=$mc_ifs
}

# On the host (stage main), before anything else:
# - the caller's locale goes: every util-linux tool we run loads it at start (half a
#   millisecond each here), and the command's environment is built afresh anyway (mc_env);
# - the lock is taken in the background, so that flock's exec overlaps the parsing of
#   the rest of this file (mc_stage_main waits for it; a first run, without its state
#   dir yet, locks there).
# mc_lock_async: try the container's lock (fd 9) in the background; mc_locked waits for it.
mc_lock_async() {
  exec 9>> "$MC_STATE/lock"
  flock -n 9 & MC_FLOCK=$!
}
MC_FLOCK=
if [ "${MC_STAGE:-main}" = main ]; then
  unset LANG LANGUAGE LC_ALL LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES \
    LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION
  if [ -O / ] && [ -d "$MC_STATE" ]; then mc_lock_async; fi
fi

# mc_fsesc WORD: WORD escaped for an fstab field (space, tab, newline, backslash), in MC_E.
mc_fsesc() {
  case $1 in
    *[\ \	\\\
]*) ;;
    *) MC_E=$1; return ;;
  esac
  mc_s=$1 MC_E=
  while [ -n "$mc_s" ]; do
    mc_c=${mc_s%"${mc_s#?}"}; mc_s=${mc_s#?}
    case $mc_c in
      ' ') MC_E="$MC_E\\040" ;;
      '	') MC_E="$MC_E\\011" ;;
      '\') MC_E="$MC_E\\134" ;;
      '
') MC_E="$MC_E\\012" ;;
      *) MC_E="$MC_E$mc_c" ;;
    esac
  done
}

# mc_exists PATH LAYER...: is there something at PATH (already resolved) in the layers?
mc_exists() {
  mc_p=$1; shift
  for mc_l in "$@"; do
    if [ -e "$mc_l$mc_p" ] || [ -L "$mc_l$mc_p" ]; then
      [ "$MC_WHITEOUTS" = 1 ] && [ -c "$mc_l$mc_p" ] && [ "$mc_l" != "$MC_BOTTOM" ] && return 1
      return 0
    fi
  done
  return 1
}

# mc_layers: the layer list for mc_resolve before the overlay is mounted (upper first).
mc_layers() {
  mc_ifs=$IFS; IFS=:
  # shellcheck disable=SC2086
  set -- $MC_LOWERS
  IFS=$mc_ifs
  eval "MC_BOTTOM=\${$#}"
  MC_LAYER_ARGS="$MC_UPPER_Q"
  for mc_l in "$@"; do mc_q "$mc_l"; MC_LAYER_ARGS="$MC_LAYER_ARGS $MC_Q"; done
}

# mc_fstab SOURCE GUEST TYPE OPTIONS: one line of the jail's fstab (fd 5); GUEST is
# resolved inside the root first. For a bind of a file onto a path that is missing, PID 1
# is told (fd 3) to create the empty file in the upper layer (where overlayfs would have
# put it): with --rm the upper layer is only in PID 1's mount namespace.
mc_fstab() {
  eval "mc_resolve \"\$2\" $MC_LAYER_ARGS" || mc_die "cannot resolve $2 inside the root"
  mc_t=$MC_RES
  case $4 in
    *X-mc.file*)
      if ! eval "mc_exists \"\$mc_t\" $MC_LAYER_ARGS"; then
        mc_q "${mc_t%/*}"; mc_d=$MC_Q; mc_q "$mc_t"
        printf 'mc_mkfile %s %s\n' "$mc_d" "$MC_Q" >&3
      fi
      set -- "$1" "$2" "$3" "${4%,X-mc.file}" ;;
    *) set -- "$1" "$2" "$3" "$4,X-mount.mkdir" ;;
  esac
  mc_fsesc "$1"; mc_src=$MC_E
  mc_fsesc "$MC_ROOT$mc_t"
  printf '%s %s %s %s 0 0\n' "$mc_src" "$MC_E" "$3" "$4" >&5
}

# mc_vol HOST GUEST ro|rw: a volume from the generated mc_volumes.
mc_vol() {
  [ -e "$1" ] || mc_die "volume source $1 does not exist on the host (create it, or fix the -v option)"
  mc_o=rbind,nodev
  [ "$3" = ro ] && mc_o=rbind,ro,nodev
  if [ -d "$1" ]; then mc_fstab "$1" "$2" none "$mc_o"; else mc_fstab "$1" "$2" none "$mc_o,X-mc.file"; fi
  if [ "$3" = ro ]; then mc_fsesc "$MC_ROOT$mc_t"; MC_RO_TARGETS="$MC_RO_TARGETS $MC_E"; fi
}

# mount(8) 2.38 makes only the top of an rbind read-only: remount every mount that the
# host had inside a :ro volume read-only as well.
mc_ro_nested() {
  while read -r _ _ _ _ mc_mp _; do
    for mc_t in $MC_RO_TARGETS; do
      case $mc_mp in "$mc_t"/*)
        mc_p=$mc_mp; mc_unesc "$mc_p"
        mount -o remount,bind,ro "$MC_U" || { mc_say "cannot make $MC_U read-only"; return 1; } ;;
      esac
    done
  done < /proc/self/mountinfo
}

# mc_unesc WORD: undo mountinfo's octal escapes (\040 and friends), in MC_U.
mc_unesc() {
  MC_U=$(printf '%b' "$1")
}

# mc_user ROOT: look up MC_USER (user[:group], names or numbers) in ROOT's own
# /etc/passwd and /etc/group. Sets MC_UID MC_GID MC_GROUPS (comma list) MC_HOME MC_SHELL MC_UNAME.
mc_user() {
  mc_u=${MC_USER%%:*} mc_g=
  case $MC_USER in *:*) mc_g=${MC_USER#*:} ;; esac
  MC_UID= MC_GID= MC_HOME= MC_SHELL= MC_UNAME=
  if [ -r "$1/etc/passwd" ]; then
    while IFS=: read -r mc_n _ mc_i mc_pg _ mc_h mc_sh || [ -n "$mc_n" ]; do
      if [ "$mc_n" = "$mc_u" ] || [ "$mc_i" = "$mc_u" ]; then
        MC_UNAME=$mc_n MC_UID=$mc_i MC_GID=$mc_pg MC_HOME=$mc_h MC_SHELL=$mc_sh; break
      fi
    done < "$1/etc/passwd"
  fi
  if [ -z "$MC_UID" ]; then
    case $mc_u in
      ''|*[!0-9]*) mc_die "user '$mc_u' is not in the container's /etc/passwd (use a number, or add the user to the root)" ;;
    esac
    MC_UID=$mc_u MC_UNAME=$mc_u
  fi
  if [ -n "$mc_g" ]; then
    mc_gid=
    if [ -r "$1/etc/group" ]; then
      while IFS=: read -r mc_n _ mc_i _ || [ -n "$mc_n" ]; do
        if [ "$mc_n" = "$mc_g" ] || [ "$mc_i" = "$mc_g" ]; then mc_gid=$mc_i; break; fi
      done < "$1/etc/group"
    fi
    if [ -z "$mc_gid" ]; then
      case $mc_g in
        *[!0-9]*) mc_die "group '$mc_g' is not in the container's /etc/group (use a number, or add the group to the root)" ;;
      esac
      mc_gid=$mc_g
    fi
    MC_GID=$mc_gid
  fi
  [ -n "$MC_GID" ] || MC_GID=$MC_UID
  # Supplementary groups: the primary one, then every group that lists the user by name.
  # Only setpriv uses them, which root does not go through: for uid 0 the scan (a read(2)
  # per byte of /etc/group) is skipped.
  MC_GROUPS=$MC_GID
  if [ "$MC_UID" != 0 ] && [ "$MC_UNAME" != "$MC_UID" ] && [ -r "$1/etc/group" ]; then
    while IFS=: read -r _ _ mc_i mc_m || [ -n "$mc_i" ]; do
      case ",$mc_m," in *",$MC_UNAME,"*) case ",$MC_GROUPS," in *",$mc_i,"*) ;; *) MC_GROUPS=$MC_GROUPS,$mc_i ;; esac ;; esac
    done < "$1/etc/group"
  fi
  [ -n "$MC_HOME" ] || MC_HOME=/
  [ -n "$MC_SHELL" ] || MC_SHELL=/bin/sh
}

# mc_env: the command's environment (call after mc_user, in the process that execs).
mc_env() {
  mc_term=${TERM:-}
  # The CLI starts us with a known environment (MC_CLEAN_ENV): unsetting those few is
  # enough. By hand, anything may be exported: scrub it all.
  if [ "${MC_CLEAN_ENV:-}" = 1 ]; then
    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE MC_ARGV TERM PATH MC_KUID MC_KGID MC_JOIN_ONLY
  else
    mc_scrub
  fi
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  export HOME="$MC_HOME" USER="$MC_UNAME" LOGNAME="$MC_UNAME" HOSTNAME="$MC_HOSTNAME"
  [ -n "$mc_term" ] && export TERM="$mc_term"
  [ "$MC_LOGIN" = 1 ] && export SHELL="$MC_SHELL"
  mc_extra_env
}

# After mc_user: no command means the user's shell from the container's /etc/passwd,
# a login shell (-l) with `-`; interactive by itself when stdin is a terminal.
mc_command_default() {
  [ -n "$MC_ARGV" ] && return 0
  mc_q "$MC_SHELL"; MC_ARGV=$MC_Q
  [ "$MC_LOGIN" = 1 ] && MC_ARGV="$MC_ARGV -l"
  return 0
}

# mc_cwd: where the command starts: -w, else HOME for a login shell or when it exists, else /.
mc_cwd() {
  if [ -n "$MC_WORKDIR" ]; then MC_CWD=$MC_WORKDIR
  elif [ -d "$1$MC_HOME" ]; then MC_CWD=$MC_HOME
  else MC_CWD=/
  fi
}

# ------------------------------------------------------------------ stage: pid1
# PID 1 of the jail, in fresh mount/pid/uts/ipc namespaces. fd 4: messages to the
# launcher (`up`); stdin: the lifeline (EOF = the launcher is gone); fd 7: the user's stdin.
mc_stage_pid1() {
  cd -P /proc/self && MC_HP=${PWD##*/}   # our pid on the host: /proc is still the host's
  cd / || exit 125
  exec 8>&- 9>&- 6<> "$MC_STATE/go" 3<> "$MC_STATE/started"
  # The launcher's loop moves us (and our unshare) into the container's cgroup while we
  # mount: a move between cgroups waits for an RCU grace period, several ms of idle
  # waiting that costs nothing beside the mounts. We fork nothing that stays until it is
  # done (below), so every process of the jail starts inside.
  echo "cgroup $MC_HP" >&4
  if [ "$MC_RM" = 1 ]; then mc_rm_layer || { mc_say "cannot make the throwaway upper layer"; echo "exit 125" >&4; exit 125; }; fi
  # The loop planned the mounts meanwhile (mc_plan_mounts); "abort": it said why.
  read -r mc_x <&6
  [ "$mc_x" = plan ] || { echo "exit 125" >&4; exit 125; }
  mc_mount || { echo "exit 125" >&4; exit 125; }
  # Our own network namespace (none, private): its loopback starts down.
  if [ "$MC_NET" != host ]; then ip link set dev lo up || { mc_say "cannot bring up lo in the container"; echo "exit 125" >&4; exit 125; }; fi
  printf '%s\n' "$MC_HOSTNAME" > /proc/sys/kernel/hostname 2>/dev/null
  mc_user "$MC_ROOT"
  mc_cwd "$MC_ROOT"
  mc_command_default
  eval "set -- $MC_ARGV"
  # The command's environment, made here for the starter (a fork inherits it), while
  # the launcher's loop may still be moving us into the cgroup; PID 1 needs nothing
  # exported from now on. A scrub (run by hand) forks: a root starter does it while it
  # waits for the pivot instead (setpriv, for other users, must be exec'd before that).
  mc_env_later=
  if [ "${MC_CLEAN_ENV:-}" = 1 ] || [ "$MC_UID" != 0 ]; then mc_env; else mc_env_later=1; fi
  read -r mc_x <&6
  [ "$mc_x" = cgroup ] || { echo "exit 125" >&4; exit 125; }
  # The lifeline watcher: "signal NAME" lines are passed to the launcher's loop, which
  # signals the command; EOF means whoever started us is gone: everything inside dies.
  # (Started only now, inside the cgroup; an EOF that came meanwhile is read at once.)
  exec 5<&0 0</dev/null
  {
    while read -r mc_l <&5; do
      case $mc_l in 'signal '*) echo "$mc_l" >&4 ;; esac
    done
    kill -KILL -1; echo abort >&6
  } &
  mc_watcher=$!
  exec 5<&-
  if [ -n "$MC_INIT$MC_SHUTDOWN" ]; then
    echo "mounted $MC_HP $MC_UID $MC_GID" >&4
    read -r mc_x <&6 && [ "$mc_x" = pivot ] || exit 125
  fi
  # Two processes run side by side, as a pipeline (not `&`: an async list would start
  # the command with SIGINT ignored). The starter is forked, or exec'd through setpriv,
  # while the host's tools are still reachable, says its host pid, and waits for `go`.
  # The pivoter then calls pivot_root, which moves us and the starter into the jail's
  # root, and reports; the launcher detaches the old root and says `go`.
  mc_pivoter | mc_starter "$@"
  mc_st=$?
  # Our exit status is the launcher's, and our exit makes the kernel kill whatever is
  # left inside. With nobody joined and no shutdown script, we end at once (the loop is
  # told not to signal us). Else we stay, reaping orphans, until the launcher's loop ends
  # the jail with SIGUSR1, once joined sessions have left and the shutdown script has run.
  if [ -z "$MC_INIT$MC_SHUTDOWN" ] && ! mc_joined ""; then
    echo "done $mc_st exit" >&4
    exit "$mc_st"
  fi
  trap 'exit "$mc_st"' USR1
  echo "done $mc_st" >&4
  exec 4>&- 6>&- 3>&-
  wait "$mc_watcher"
  exit 137
}

mc_pivoter() {
  exec >/dev/null
  read -r mc_cp <&3 || { echo abort >&6; exit 125; }
  # On failure the starter is told to give up (it is blocked reading fd 6), so the
  # pipeline, and PID 1 with it, ends with 125.
  cd "$MC_ROOT" && pivot_root . . || { mc_say "pivot_root into $MC_ROOT failed"; echo abort >&6; exit 125; }
  cd /
  echo "ready $MC_HP $mc_cp" >&4
}

mc_starter() {
  exec 4>&- 0<&7 7<&-
  if [ "$MC_UID" = 0 ]; then
    cd -P /proc/self && echo "${PWD##*/}" >&3; exec 3>&-
    [ -z "$mc_env_later" ] || mc_env
    read -r mc_x <&6; exec 6<&-
    [ "$mc_x" = go ] || exit 125
    cd -- "$MC_CWD" 2>/dev/null || { mc_say "workdir $MC_CWD does not exist in the container (create it, or fix -w)"; exit 125; }
    unset OLDPWD
    exec "$@"
  fi
  export MC_CWD
  exec setpriv --reuid="$MC_UID" --regid="$MC_GID" --groups="$MC_GROUPS" --no-new-privs --inh-caps=-all \
    -- /bin/sh -c 'cd -P /proc/self && echo "${PWD##*/}" >&3; exec 3>&-
      read -r x <&6; exec 6<&-
      [ "$x" = go ] || exit 125
      cd -- "$MC_CWD" 2>/dev/null || { printf "micro-container: workdir %s is not there for this user (create it, or fix -w)\n" "$MC_CWD" >&2; exit 125; }
      unset MC_CWD OLDPWD; exec "$@"' mc-starter "$@"
}

# mc_plan_mounts: everything the jail mounts, as one fstab for one mount(8) call (each
# exec costs a millisecond), in $MC_STATE/fstab, and what PID 1 does before it mounts, in
# $MC_STATE/mounts.sh (the empty files that binds need, the :ro targets). The launcher's
# loop runs it on the host, in a subshell (a missing volume dies with its message),
# while unshare and PID 1 start: it is off the critical path.
mc_plan_mounts() {
  mc_layers
  MC_WHITEOUTS=1
  exec 5> "$MC_STATE/fstab" 3> "$MC_STATE/mounts.sh"
  mc_fsesc "$MC_LOWERS"; mc_lo=$MC_E
  mc_fsesc "$MC_UPPER"; mc_up=$MC_E
  mc_fsesc "$MC_WORK"; mc_wk=$MC_E
  mc_fsesc "$MC_ROOT"
  # metacopy=off whatever the host's default: a metacopy file's data stays in a lower
  # layer, which a saved image (a tar of the upper layer) would lose.
  printf 'overlay %s overlay lowerdir=%s,upperdir=%s,workdir=%s,metacopy=off 0 0\n' "$MC_E" "$mc_lo" "$mc_up" "$mc_wk" >&5
  mc_fstab proc /proc proc nosuid,nodev,noexec
  mc_fstab sysfs /sys sysfs ro,nosuid,nodev,noexec
  mc_fstab "$MC_STATE/dev" /dev none bind
  mc_dev=$MC_ROOT$MC_RES
  read -r mc_kind < "$MC_STATE/dev/.mc-skeleton"
  if [ "$mc_kind" = binds ]; then
    for mc_n in null zero full random urandom tty; do
      mc_fsesc "$mc_dev/$mc_n"; printf '/dev/%s %s none bind 0 0\n' "$mc_n" "$MC_E" >&5
    done
  fi
  mc_fsesc "$mc_dev"
  printf 'devpts %s/pts devpts newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec 0 0\n' "$MC_E" >&5
  printf 'tmpfs %s/shm tmpfs mode=1777,nosuid,nodev 0 0\n' "$MC_E" >&5
  printf 'mqueue %s/mqueue mqueue nosuid,nodev,noexec 0 0\n' "$MC_E" >&5
  mc_fstab tmpfs /tmp tmpfs mode=1777,nosuid,nodev
  mc_fstab "$MC_STATE/hosts" /etc/hosts none bind,X-mc.file
  mc_fstab "$MC_STATE/resolv.conf" /etc/resolv.conf none bind,X-mc.file
  MC_RO_TARGETS=
  mc_volumes
  mc_q "$MC_RO_TARGETS"; printf 'MC_RO_TARGETS=%s\n' "$MC_Q" >&3
  exec 5>&- 3>&-
}

# mc_mkfile DIR FILE: an empty FILE (a bind target) in the upper layer, for mounts.sh.
mc_mkfile() {
  [ -d "$MC_UPPER$1" ] || mkdir -p -- "$MC_UPPER$1" || mc_die "cannot create $1 in the upper layer"
  : > "$MC_UPPER$2" || mc_die "cannot create $2 in the upper layer"
}

# PID 1 mounts what mc_plan_mounts planned.
mc_mount() {
  . "$MC_STATE/mounts.sh" || return 1
  mount -c -a -T "$MC_STATE/fstab" || { mc_mount_diagnose; return 1; }
  [ -z "$MC_RO_TARGETS" ] || mc_ro_nested
}

# Only after a failure: say which rule was broken, in words a user can act on.
mc_mount_diagnose() {
  mc_ifs=$IFS; IFS=:
  for mc_l in $MC_LOWERS; do
    [ -d "$mc_l" ] || mc_say "lowerdir $mc_l is not a directory"
  done
  IFS=$mc_ifs
  if [ "$(stat -c %d -- "$MC_UPPER")" != "$(stat -c %d -- "$MC_WORK")" ]; then
    mc_say "upperdir $MC_UPPER and workdir $MC_WORK are on different filesystems; overlayfs needs them on the same one (move -b basedir)"
  fi
  case $(stat -f -c %T -- "$MC_UPPER") in
    overlayfs) mc_say "upperdir $MC_UPPER is on an overlay filesystem, which overlayfs cannot use as an upper layer (use a -b basedir on a real filesystem)" ;;
  esac
  mc_say "could not mount the jail's filesystems (see mount's message above)"
}

# A throwaway upper layer (--rm) lives on a tmpfs in the jail's own mount namespace, so
# it is gone with the jail, also after SIGKILL.
mc_rm_layer() {
  mount -t tmpfs -o mode=0700 tmpfs "$MC_STATE/rm" && mkdir -m 0755 -- "$MC_UPPER" && mkdir -m 0700 -- "$MC_WORK"
}

# mc_joined ROOT: whether a session joined the jail whose root is ROOT (the host's view
# of it, or "" inside) is still there: its parent is outside the jail, so its ppid reads 0.
mc_joined() {
  for mc_p in "$1/proc/"[0-9]*; do
    [ "${mc_p##*/}" = 1 ] && continue
    read -r mc_stat 2>/dev/null < "$mc_p/stat" || continue
    mc_stat=${mc_stat##*) }
    case $mc_stat in ?' 0 '*) return 0 ;; esac
  done
  return 1
}

# PID 1 stops reading here: the rest of the file is for the launcher on the host.
case ${MC_STAGE:-main} in pid1) mc_stage_pid1; exit ;; esac

# mc_copy SRC DST: copy a small text file with builtins (no cp: every exec costs a ms).
mc_copy() {
  : > "$2"
  [ -r "$1" ] || return 0
  while IFS= read -r mc_line || [ -n "$mc_line" ]; do printf '%s\n' "$mc_line"; done < "$1" >> "$2"
}

# The per-container /dev skeleton, made once: the usual symlinks, pts/shm/mqueue, and
# real device nodes for null zero full random urandom tty, so a run binds one directory
# instead of six devices. Where librarydir's filesystem is mounted nodev, the nodes would
# not work: then they are empty files that the host's devices are bound onto at each run.
mc_dev_skeleton() {
  mc_kind=
  read -r mc_kind 2>/dev/null < "$MC_STATE/dev/.mc-skeleton"
  case $mc_kind in nodes|binds) return 0 ;; esac
  mc_new=$MC_STATE/dev.new
  rm -rf -- "$mc_new" && mkdir -p -m 0755 -- "$mc_new/pts" "$mc_new/shm" "$mc_new/mqueue" || return 1
  ln -s /proc/self/fd "$mc_new/fd" && ln -s /proc/self/fd/0 "$mc_new/stdin" &&
    ln -s /proc/self/fd/1 "$mc_new/stdout" && ln -s /proc/self/fd/2 "$mc_new/stderr" &&
    ln -s pts/ptmx "$mc_new/ptmx" && ln -s /proc/kcore "$mc_new/core" || return 1
  mc_kind=nodes
  mknod -m 0666 "$mc_new/null" c 1 3 && mknod -m 0666 "$mc_new/zero" c 1 5 && mknod -m 0666 "$mc_new/full" c 1 7 &&
    mknod -m 0666 "$mc_new/random" c 1 8 && mknod -m 0666 "$mc_new/urandom" c 1 9 && mknod -m 0666 "$mc_new/tty" c 5 0 &&
    { : > "$mc_new/null"; } 2>/dev/null || mc_kind=binds
  if [ "$mc_kind" = binds ]; then
    for mc_n in null zero full random urandom tty; do rm -f -- "$mc_new/$mc_n" && : > "$mc_new/$mc_n" || return 1; done
  fi
  echo "$mc_kind" > "$mc_new/.mc-skeleton"
  rm -rf -- "$MC_STATE/dev" && mv -- "$mc_new" "$MC_STATE/dev"
}

# ------------------------------------------------------------------ stage: keeper
# A copy of PID 1's mount namespace taken before pivot_root: the host's tree with the
# container's root mounted at MC_ROOT, where init and shutdown scripts run. Its stdin is
# the `keep` fifo; EOF or "shutdown" runs the shutdown script, so it runs whatever happened.
mc_stage_keeper() {
  exec 4> "$MC_STATE/up"
  mc_st=0
  if [ -n "$MC_INIT" ]; then
    "$MC_INIT" init "$MC_ROOT" "$MC_KUID" "$MC_KGID" </dev/null 4>&-; mc_st=$?
  fi
  echo "init $mc_st" >&4
  read -r _ || :
  mc_st=0
  if [ -n "$MC_SHUTDOWN" ]; then
    "$MC_SHUTDOWN" shutdown "$MC_ROOT" "$MC_KUID" "$MC_KGID" </dev/null 4>&-; mc_st=$?
  fi
  echo "shutdown $mc_st" >&4
}

# ------------------------------------------------------------------ stage: main
# basedir first: when librarydir is the same directory, basedir's creation wins.
mc_prepare_dirs() {
  if [ ! -d "$MC_BASE" ]; then
    mkdir -p -- "$MC_BASE" && chown -- "$MC_OWNER" "$MC_BASE" || mc_die "cannot create basedir $MC_BASE"
  fi
  if [ "$MC_RM" != 1 ] && [ ! -d "$MC_APPDIR" ]; then
    mkdir -p -- "$MC_APPDIR" && chown -- "$MC_OWNER" "$MC_APPDIR" || mc_die "cannot create appdir $MC_APPDIR"
  fi
  if [ ! -d "$MC_LIB" ]; then
    mkdir -p -m 0700 -- "$MC_LIB" || mc_die "cannot create librarydir $MC_LIB"
  fi
  if [ ! -d "$MC_STATE/root" ]; then
    mkdir -p -m 0700 -- "$MC_STATE/root" || mc_die "cannot create $MC_STATE"
  fi
  for mc_f in up go started life keep; do
    [ -p "$MC_STATE/$mc_f" ] || mkfifo -m 0600 -- "$MC_STATE/$mc_f" || mc_die "cannot create $MC_STATE/$mc_f"
  done
  mc_dev_skeleton || mc_die "cannot create the /dev skeleton in $MC_STATE"
  if [ "$MC_RM" = 1 ] && [ ! -d "$MC_STATE/rm" ]; then mkdir -m 0700 -- "$MC_STATE/rm" || mc_die "cannot create $MC_STATE/rm"; fi
  if [ "$MC_RM" != 1 ] && [ ! -d "$MC_WORK" ]; then
    # The upper layer's top directory is what the container's / looks like: root's, 0755.
    mkdir -p -m 0755 -- "$MC_UPPER" && mkdir -p -m 0700 -- "$MC_WORK" || mc_die "cannot create $MC_UPPER and $MC_WORK"
  fi
}

mc_join() {
  mc_hp=$1
  mc_user "/proc/$mc_hp/root"
  MC_WHITEOUTS=0
  mc_cwd "/proc/$mc_hp/root"
  mc_resolve "$MC_CWD" "/proc/$mc_hp/root" || exit 125
  MC_CWD=$MC_RES
  mc_command_default
  eval "set -- $MC_ARGV"
  exec 9>&-
  # Nothing reads the lifeline of a joined run (the CLI signals its processes itself), and
  # a process the command leaves running must not hold it: the CLI would wait for it.
  [ -z "${MC_LIFELINE_FD:-}" ] || eval "exec $MC_LIFELINE_FD>&-"
  # Into the container's cgroup (so stop ends this session too) and, when it has one,
  # its network namespace.
  mc_cg_join "$$"
  mc_nsn=
  [ "$MC_NET" = host ] || mc_nsn=-n
  mc_env
  if [ "$MC_UID" = 0 ]; then
    exec nsenter -t "$mc_hp" $mc_nsn -m -p -u -i -r -w"/proc/$mc_hp/root$MC_CWD" -S 0 -G 0 -- "$@"
  fi
  exec setpriv --regid="$MC_GID" --groups="$MC_GROUPS" --no-new-privs \
    nsenter -t "$mc_hp" $mc_nsn -m -p -u -i -r -w"/proc/$mc_hp/root$MC_CWD" -S "$MC_UID" -- "$@"
}

# mc_locked: whether we hold the container's lock (fd 9) now. The first try is the flock
# started in the background; later ones run flock here.
mc_locked() {
  if [ -n "$MC_FLOCK" ]; then
    wait "$MC_FLOCK"; mc_r=$? MC_FLOCK=
  else
    flock -n 9; mc_r=$?
  fi
  [ "$mc_r" -le 1 ] || mc_die "flock failed (status $mc_r): is util-linux installed?"
  return "$mc_r"
}

mc_stage_main() {
  # `-O /`: we own the host's root directory, i.e. we are root (a builtin, no fork).
  [ -O / ] || mc_die "the launcher must run as root (try: sudo sh $0)"
  mc_prepare_dirs
  [ -n "$MC_FLOCK" ] || mc_lock_async
  mc_command "$@"
  mc_tries=0
  until mc_locked; do
    # The container is up: join it. Starting or stopping: wait for it.
    if read -r mc_hp mc_st0 2>/dev/null < "$MC_STATE/pid1" && mc_starttime "$mc_hp" && [ "$MC_START" = "$mc_st0" ]; then
      mc_join "$mc_hp"
    fi
    # A run that just ended is still cleaning up (cgroup, network) for a few ms: poll
    # quickly, and only speak up when it takes longer. The wait is flock's own, not a
    # sleep: it ends as soon as the lock is free (then we hold it).
    [ "$mc_tries" = 25 ] && mc_say "container ${MC_NAME:-app} is starting or stopping; waiting"
    mc_tries=$((mc_tries + 1))
    [ "$mc_tries" -le 600 ] || mc_die "container ${MC_NAME:-app} stayed busy for 60 s; is a launcher stuck? (see $MC_STATE)"
    if [ "$mc_tries" -le 25 ]; then mc_w=0.02; else mc_w=0.1; fi
    flock -w "$mc_w" 9 && break
  done
  # `micro-container exec`: only ever join; never start a container that is not running.
  [ "${MC_JOIN_ONLY:-}" != 1 ] || mc_die "container ${MC_NAME:-app} is not running (start it with micro-container run -n ${MC_NAME:-NAME} ...)"
  mc_own
}

# We hold the lock (fd 9) until we exit. The launcher's own process becomes the jail's
# `unshare` (so its exit status is the command's, and killing it kills the jail:
# --kill-child); a loop beside it answers PID 1's messages on the `up` fifo.
mc_own() {
  # The container's own copies of the host's /etc/hosts and /etc/resolv.conf: made anew
  # when the host's change, kept (with what the container wrote) otherwise.
  # With a private network the CLI wrote it: the other containers by name (run by hand
  # without the CLI, the host's copy stands in).
  if { [ "$MC_NET" != private ] || ! [ -e "$MC_STATE/hosts" ]; } && ! [ "$MC_STATE/hosts" -nt /etc/hosts ]; then
    mc_copy /etc/hosts "$MC_STATE/hosts"
    printf '127.0.1.1\t%s\n' "$MC_HOSTNAME" >> "$MC_STATE/hosts"
  fi
  [ "$MC_STATE/resolv.conf" -nt /etc/resolv.conf ] || mc_copy /etc/resolv.conf "$MC_STATE/resolv.conf"
  # `go` stays open (6) from here on, so that what the loop writes to it before PID 1
  # opens it is kept.
  exec 4<> "$MC_STATE/up" 6<> "$MC_STATE/go" 7<&0
  # The loop is an async list (SIGINT ignored there, which suits teardown); the jail is
  # not, so the command starts with the signal dispositions we were given.
  # It holds the lock too, so the next run of this container waits until it is gone.
  # (exec, not redirections on the call: dash would keep saved copies of the fds open.)
  # After the jail, the loop also removes what it leaves on the host: the cgroup and the
  # veth (and the bridge when unused), whatever ended it, SIGKILL of the CLI included.
  : > "$MC_STATE/oom"
  # The loop also makes the container's cgroup and puts our unshare and PID 1 in it
  # (the loop itself stays out, so killing everything in the cgroup never kills the
  # cleanup).
  ( exec 4>&- 7<&- < "$MC_STATE/up"; mc_loop; mc_cleanup ) &
  export MC_ARGV MC_STAGE=pid1
  set -- --pid --fork --mount --uts --ipc --kill-child --propagation private
  [ "$MC_NET" = host ] || set -- "$@" --net
  if [ -n "${MC_LIFELINE_FD:-}" ]; then
    eval "exec unshare \"\$@\" -- /bin/sh \"\$0\" <&$MC_LIFELINE_FD"
  fi
  # By hand: the lifeline is a fifo that only we (then our unshare) hold open.
  exec 8<> "$MC_STATE/life"
  exec unshare "$@" -- /bin/sh "$0" < "$MC_STATE/life"
}

# mc_cg_remove TRIES: removes the container's cgroup directories, trying TRIES times
# 10 ms apart while the last processes leave them. One rmdir(1) for all of them (an exec
# per hierarchy costs a ms each, and the next run of this container waits for us).
mc_cg_remove() {
  mc_n=$1 mc_t=1
  while :; do
    eval "set -- $MC_CG_DIRS"
    mc_left=
    for mc_d; do
      if [ -d "$mc_d" ]; then mc_q "$mc_d"; mc_left="$mc_left $MC_Q"; fi
    done
    [ -n "$mc_left" ] || return 0
    eval "rmdir -- $mc_left" 2>/dev/null && return 0
    if [ "$mc_t" -ge "$mc_n" ]; then
      [ "$mc_n" = 1 ] && return 0
      for mc_d; do
        [ -d "$mc_d" ] && mc_say "cannot remove the cgroup $mc_d: processes are still in it"
      done
      return 0
    fi
    mc_t=$((mc_t + 1)); sleep 0.01
  done
}

# mc_net_locked up PID | down: the network plumbing under the network's lock (the same
# flock the CLI takes to allocate addresses), so a bridge is never removed under a
# container that is being attached to it.
mc_net_locked() {
  exec 6>> "$MC_LIB/network.lock" || return 1
  flock -w 60 6 || { mc_say "timed out waiting for $MC_LIB/network.lock"; exec 6>&-; return 1; }
  "mc_net_$1" "${2:-}"; mc_r=$?
  exec 6>&-
  return "$mc_r"
}

# In the loop's process, once the jail has ended (mc_loop read `up` to its end): keep the
# OOM count, remove the cgroup, disconnect from the bridge.
mc_cleanup() {
  [ -z "$MC_CG_OOM" ] || mc_copy "$MC_CG_OOM" "$MC_STATE/oom"
  mc_cg_remove 500
  if [ "$MC_NET" = private ]; then mc_net_locked down || mc_say "could not disconnect ${MC_NAME:-app} from its network"; fi
  return 0
}

# PID 1's messages, in order: cgroup HP, [mounted HP UID GID, init N,] ready HP CP, done N [exit]; and
# "signal NAME" from the lifeline; "exit N" when it failed. EOF: PID 1 is gone.
mc_loop() {
  mc_hp= mc_cp= mc_keeper=
  # First the mounts, which PID 1 waits for once it has started.
  if ( mc_plan_mounts ); then echo plan >&6; else echo abort >&6; fi
  # Then the cgroup (only with limits), at once, for our unshare ($$ of this subshell is
  # the launcher's, which is exec'ing unshare meanwhile): moving a process between cgroups waits for an RCU grace
  # period, several ms of idle waiting that overlap unshare's and PID 1's start this way.
  # When the move is done before unshare forks, PID 1 is born inside; else its own move
  # (on its first message) is quick, the grace period having just passed. An empty
  # cgroup left by a crash goes first, so its OOM count starts at zero.
  mc_cg_remove 1
  mc_cg=cgroup
  mc_cg_setup "$$" || mc_cg=abort
  while read -r mc_msg mc_a mc_b mc_c; do
    case $mc_msg in
      cgroup)
        # PID 1 (host pid mc_a) has forked nothing yet and waits for this answer.
        # 1<>: a fifo opened read-write never blocks, even when PID 1 is already gone.
        [ "$mc_cg" = abort ] || mc_cg_move "$mc_a" || mc_cg=abort
        echo "$mc_cg" 1<> "$MC_STATE/go" ;;
      mounted)
        mc_hp=$mc_a
        MC_STAGE=keeper MC_KUID=$mc_b MC_KGID=$mc_c \
          nsenter -t "$mc_hp" -m -- unshare --mount --propagation private -- /bin/sh "$0" < "$MC_STATE/keep" &
        mc_keeper=$!
        exec 5<> "$MC_STATE/keep" ;;
      init)
        if [ "$mc_a" != 0 ]; then
          mc_say "init script $MC_INIT failed with status $mc_a"
          mc_end_keeper
          echo abort > "$MC_STATE/go"
        else
          echo pivot > "$MC_STATE/go"
        fi ;;
      ready)
        mc_hp=$mc_a mc_cp=$mc_b
        # pivot_root left the host's root stacked on the jail's /: detach it.
        if ! umount -N "/proc/$mc_hp/ns/mnt" -l /; then
          mc_say "cannot detach the host's root from the jail"
          echo abort > "$MC_STATE/go"; continue
        fi
        # The network before the command starts (and before anyone can join).
        if [ "$MC_NET" = private ] && ! mc_net_locked up "$mc_hp"; then
          mc_say "cannot connect container ${MC_NAME:-app} to its network (see the message above)"
          echo abort > "$MC_STATE/go"; continue
        fi
        echo go > "$MC_STATE/go"
        # After `go` (reading a /proc stat file is a read(2) per byte): until it is
        # written, a second run of this container waits rather than joins.
        mc_starttime "$mc_hp" && printf '%s %s\n' "$mc_hp" "$MC_START" > "$MC_STATE/pid1" ;;
      signal)
        [ -n "$mc_cp" ] && kill -s "$mc_a" "$mc_cp" 2>/dev/null ;;
      done)
        : > "$MC_STATE/pid1"
        # "done N exit": PID 1 ended by itself (nobody joined, no shutdown script).
        if [ "$mc_b" != exit ]; then
          mc_wait_joined
          mc_end_keeper
          kill -USR1 "$mc_hp" 2>/dev/null
        fi
        mc_drain
        return ;;
      exit)
        mc_end_keeper
        mc_drain
        return ;;
    esac
  done
  mc_end_keeper
}

# Reads the `up` fifo to its end: EOF comes when the last writer is gone, and our unshare
# holds it open until it exits, after every process of the jail (so the clean-up that
# follows finds the jail gone, without polling).
mc_drain() {
  while read -r _; do :; done
}

# Runs the shutdown script (in the keeper) and waits for it; once.
mc_end_keeper() {
  [ -n "$mc_keeper" ] || return 0
  echo shutdown >&5
  mc_a=0
  while read -r mc_msg mc_a _; do [ "$mc_msg" = shutdown ] && break; done
  [ "$mc_a" = 0 ] || mc_say "shutdown script $MC_SHUTDOWN failed with status $mc_a"
  wait "$mc_keeper" 2>/dev/null
  mc_keeper=
}

# Sessions that joined keep the container up: the last one out ends it.
mc_wait_joined() {
  while mc_joined "/proc/$mc_hp/root"; do sleep 0.2; done
}

case ${MC_STAGE:-main} in
  main) mc_stage_main "$@" ;;
  keeper) mc_stage_keeper ;;
  none) ;;
  *) mc_die "unknown stage $MC_STAGE" ;;
esac
