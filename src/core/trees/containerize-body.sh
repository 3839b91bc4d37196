# ---------------------------------------------------------------------------
# containerize: a command in TREES/GROUP/INSTANCE, the build root itself (or an overlay
# over it with --overlay). The generated prelude above sets the MC_* variables.
#
# Processes:
#   keeper    holds the container's mount namespace (and those unshare-options adds):
#             mounts the overlay, runs `bind`, mounts /proc /sys /dev and /tmp, creates
#             the cgroup, runs `profile`, then waits for the sessions to end
#   session   every containerize run of the instance: the first one starts the keeper;
#             each runs its command inside (nsenter, into the cgroup) and leaves; the
#             last one out tears down: `stop`, kill what is left, unmount, `unbind`
# Locks (flock): `lock`, held briefly, orders every decision (start, join, leave, tear
# down). `users` is held shared by each session's launcher: when all of them are gone,
# even killed, the keeper gets it exclusively and tears down by itself.
# State lives in MC_STATE: `keeper` ("PID STARTTIME" while live), sessions/PID
# (STARTTIME) and sessions/PID.cmd (the command's pid); a pid whose start time differs
# is a dead process, so state left by a crash is recognised and cleaned up.
# ---------------------------------------------------------------------------

# mc_hook NAME ARGS...: run .container/NAME, when there, from the group's directory.
mc_hook() {
  mc_h=$MC_HOOKS/$1; shift
  [ -e "$mc_h" ] || return 0
  [ -x "$mc_h" ] || { mc_say "$mc_h is not executable (chmod +x it)"; return 126; }
  ( cd "$MC_GROUPDIR" && exec "$mc_h" "$@" 8>&- 9>&- ) </dev/null
}

# The cgroup that tracks every process of the container: cgroup v2 where there is one
# (all of /sys/fs/cgroup on GitHub's runners, the `unified` tree on hybrid hosts, where
# it needs no controller to track and kill), else the v1 pids hierarchy.
mc_cgroup_dir() {
  for mc_b in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/pids; do
    if [ -e "$mc_b/cgroup.procs" ]; then MC_CG=$mc_b/$MC_CGROUP; return 0; fi
  done
  mc_die "no cgroup hierarchy to track the container's processes in (mount cgroup2 on /sys/fs/cgroup)"
}

# mc_cg_kill: kill every process in the container's cgroup and wait until it is empty.
mc_cg_kill() {
  [ -d "$MC_CG" ] || return 0
  [ -e "$MC_CG/cgroup.kill" ] && echo 1 > "$MC_CG/cgroup.kill" 2>/dev/null
  mc_n=0
  while :; do
    mc_any=
    while read -r mc_p; do mc_any=1; kill -KILL "$mc_p" 2>/dev/null; done < "$MC_CG/cgroup.procs"
    [ -n "$mc_any" ] || return 0
    mc_n=$((mc_n + 1))
    [ "$mc_n" -le 200 ] || { mc_say "processes are still left in $MC_CG after 10 s"; return 1; }
    sleep 0.05
  done
}

mc_keeper_live() {
  read -r MC_KP mc_ks 2>/dev/null < "$MC_STATE/keeper" && mc_starttime "$MC_KP" && [ "$MC_START" = "$mc_ks" ]
}

# mc_live_sessions: is any session other than ours still running?
mc_live_sessions() {
  for mc_f in "$MC_STATE/sessions/"*; do
    case $mc_f in *.cmd|*'*') continue ;; esac
    read -r mc_ss 2>/dev/null < "$mc_f" || continue
    mc_starttime "${mc_f##*/}" && [ "$MC_START" = "$mc_ss" ] && return 0
  done
  return 1
}

# A crash (a killed keeper, a reboot without /run) left state behind: its mounts went with
# its namespace; kill what is left in its cgroup and start afresh.
mc_stale_cleanup() {
  read -r mc_old _ 2>/dev/null < "$MC_STATE/keeper" || mc_old=
  if [ -n "$mc_old" ] || [ -d "$MC_CG" ]; then
    mc_say "cleaning up after an earlier run of $MC_GROUP/$MC_INSTANCE that ended without tearing down${mc_old:+ (its keeper, pid $mc_old, is gone)}"
    mc_cg_kill
    rmdir -- "$MC_CG" 2>/dev/null
  fi
  rm -f -- "$MC_STATE/sessions/"* "$MC_STATE/down"
  : > "$MC_STATE/keeper"
}

# mc_mount_at GUEST ARGS...: mount(8) ARGS onto GUEST inside the root, resolved inside it
# (a root whose /proc is a symlink cannot make us mount elsewhere); created if missing.
mc_mount_at() {
  mc_resolve "$1" "$MC_ROOT" || return 1
  mc_t=$MC_ROOT$MC_RES; shift
  [ -d "$mc_t" ] || mkdir -p -- "$mc_t" || { mc_say "cannot create $mc_t"; return 1; }
  mount "$@" "$mc_t" || return 1
  printf '%s\n' "$mc_t" >> "$MC_STATE/mounts"
}

mc_mounts() {
  : > "$MC_STATE/mounts"
  if [ "$MC_PIDNS" = 1 ]; then
    mc_mount_at /proc -t proc -o nosuid,nodev,noexec proc || return 1
  else
    mc_mount_at /proc --rbind /proc || return 1
  fi
  mc_mount_at /sys --rbind /sys && mc_mount_at /dev --rbind /dev &&
    mc_mount_at /tmp -t tmpfs -o mode=1777,nosuid,nodev tmpfs
}

# Unmounts what mc_mounts mounted, last first.
mc_unmounts() {
  [ -s "$MC_STATE/mounts" ] || return 0
  mc_list=
  while IFS= read -r mc_t; do mc_q "$mc_t"; mc_list="$MC_Q $mc_list"; done < "$MC_STATE/mounts"
  eval "set -- $mc_list"
  for mc_t in "$@"; do
    umount -R -- "$mc_t" 2>/dev/null || umount -R -l -- "$mc_t" || mc_say "cannot unmount $mc_t"
  done
  : > "$MC_STATE/mounts"
}

# The profile runs inside the root as its processes see it, in a chroot of its own, from
# a bind mount under the fresh /tmp (so the tree never holds a copy of it).
mc_profile() {
  [ -e "$MC_HOOKS/profile" ] || return 0
  mc_resolve /tmp "$MC_ROOT" || return 1
  mc_pf=$MC_ROOT$MC_RES/.containerize-profile
  : > "$mc_pf" && mount --bind -- "$MC_HOOKS/profile" "$mc_pf" || return 1
  mc_sh=
  [ -x "$MC_HOOKS/profile" ] || mc_sh=/bin/sh
  (
    cd -P /proc/self && echo "${PWD##*/}" > "$MC_CG/cgroup.procs" || exit 125
    cd / && mc_env && exec chroot "$MC_ROOT" $mc_sh /tmp/.containerize-profile
  ) </dev/null
  mc_st=$?
  umount -- "$mc_pf"; rm -f -- "$mc_pf"
  [ "$mc_st" = 0 ] || { mc_say "profile script $MC_HOOKS/profile failed with status $mc_st"; return 1; }
}

# The environment of the command, the profile and the hooks inside: the caller's
# locale and terminal, a standard PATH, HOME=/root, and where it runs.
mc_env() {
  if [ "${MC_CLEAN_ENV:-}" = 1 ]; then
    unset MC_CLEAN_ENV MC_LIFELINE_FD MC_STAGE
  fi
  unset OLDPWD
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
  export CONTAINERIZE_GROUP="$MC_GROUP" CONTAINERIZE_INSTANCE="$MC_INSTANCE"
}

# ------------------------------------------------------------------ stage: teardown
# In the container's mount namespace, outside its root: stop, kill what is left,
# unmount, unbind. Run by the last session out, or by the keeper when all are gone.
mc_teardown() {
  mc_hook stop "$MC_ROOT" "$MC_KP" || mc_say "stop script $MC_HOOKS/stop failed with status $?"
  mc_cg_kill
  mc_unmounts
  mc_hook unbind "$MC_ROOT" || mc_say "unbind script $MC_HOOKS/unbind failed with status $?"
  if [ "$MC_OVERLAY" = 1 ]; then umount -- "$MC_ROOT" 2>/dev/null || umount -l -- "$MC_ROOT"; fi
  rmdir -- "$MC_CG" 2>/dev/null
  return 0
}

# ------------------------------------------------------------------ stage: keeper
mc_stage_keeper() {
  # Setup output goes to the starting session through the `setup` fifo (opened
  # read-write: never blocks, whoever is gone), ending with a status line.
  : > "$MC_STATE/began"
  exec 1<> "$MC_STATE/setup" 2>&1 </dev/null
  trap '' INT QUIT HUP
  mc_cgroup_dir
  cd -P /proc/self && MC_KP=${PWD##*/}   # our pid on the host: /proc is still the host's
  cd / || exit 125
  mc_starttime "$MC_KP"; mc_ks=$MC_START
  mc_bound=
  if ! mc_keeper_setup; then
    mc_unmounts
    [ -n "$mc_bound" ] && { mc_hook unbind "$MC_ROOT" || mc_say "unbind script failed with status $?"; }
    rmdir -- "$MC_CG" 2>/dev/null
    printf '\n@@fail 125\n'
    exit 125
  fi
  printf '%s %s\n' "$MC_KP" "$mc_ks" > "$MC_STATE/keeper"
  printf '@@ready %s\n' "$MC_KP"
  exec >> "$MC_STATE/keeper.log" 2>&1
  # Wait until no session holds `users`; then, under `lock`, either the last session has
  # torn down already (`down`), or every session went without doing it.
  exec 9>> "$MC_STATE/users"
  flock -x 9
  exec 8>> "$MC_STATE/lock"
  flock -x 8
  [ -e "$MC_STATE/down" ] && exit 0
  mc_say "$(date): every session of $MC_GROUP/$MC_INSTANCE ended without tearing down (killed?); tearing down"
  mc_teardown
  : > "$MC_STATE/keeper"
  exit 0
}

mc_keeper_setup() {
  if [ "$MC_OVERLAY" = 1 ]; then
    mount -t overlay -o "lowerdir=$MC_TREE,upperdir=$MC_UPPER,workdir=$MC_WORK" overlay "$MC_ROOT" ||
      { mc_say "cannot mount the overlay over $MC_TREE (upper layer $MC_UPPER)"; return 1; }
  fi
  [ "$MC_UTSNS" = 1 ] && printf '%s\n' "$MC_INSTANCE" > /proc/sys/kernel/hostname
  mc_bound=1
  mc_hook bind "$MC_ROOT" "$MC_GROUP" "$MC_INSTANCE" || { mc_say "bind script $MC_HOOKS/bind failed with status $?"; return 1; }
  mc_mounts || { mc_say "cannot mount /proc, /sys, /dev and /tmp in $MC_ROOT"; return 1; }
  mkdir -p -- "$MC_CG" || { mc_say "cannot create the cgroup $MC_CG"; return 1; }
  mc_profile
}

# ------------------------------------------------------------------ stage: main
mc_stage_main() {
  [ -O / ] || mc_die "containerize must run as root (try: sudo sh $0)"
  [ -d "$MC_HOOKS" ] || mc_die "$MC_HOOKS does not exist: every group needs a .container directory (mkdir $MC_HOOKS; the scripts in it are optional)"
  [ -d "$MC_TREE" ] || mc_die "instance $MC_INSTANCE does not exist in $MC_GROUPDIR (create $MC_TREE, or clone one: micro-container trees clone $MC_GROUP TEMPLATE $MC_INSTANCE)"
  mkdir -p -m 0700 -- "$MC_STATE/sessions" || mc_die "cannot create $MC_STATE"
  [ -p "$MC_STATE/setup" ] || mkfifo -m 0600 -- "$MC_STATE/setup" || mc_die "cannot create $MC_STATE/setup"
  if [ "$MC_OVERLAY" = 1 ]; then
    mkdir -p -- "$MC_ROOT" "$MC_UPPER" "$MC_WORK" || mc_die "cannot create the overlay's directories $MC_UPPER and $MC_WORK"
  fi
  mc_cgroup_dir
  mc_command "$@"
  exec 8>> "$MC_STATE/lock"
  flock -w 60 8 || mc_die "$MC_GROUP/$MC_INSTANCE stayed locked for 60 s; is a containerize stuck? (see $MC_STATE)"
  mc_tries=0
  until mc_enter; do
    # The keeper is tearing down: wait for it to finish, then start afresh.
    [ "$mc_tries" = 0 ] && mc_say "$MC_GROUP/$MC_INSTANCE is stopping; waiting"
    mc_tries=$((mc_tries + 1))
    [ "$mc_tries" -le 600 ] || mc_die "$MC_GROUP/$MC_INSTANCE stayed busy for 60 s (see $MC_STATE)"
    flock -u 8; sleep 0.1; flock -w 60 8 || mc_die "$MC_GROUP/$MC_INSTANCE stayed locked for 60 s"
  done
  mc_session
}

# Under `lock`: join the live container, or start it; false when it is stopping.
mc_enter() {
  exec 9>> "$MC_STATE/users"
  if mc_keeper_live; then
    flock -n -s 9 && return 0
    exec 9>&-; return 1
  fi
  mc_stale_cleanup
  flock -n -s 9 || { exec 9>&-; return 1; }
  mc_start_keeper
}

mc_start_keeper() {
  : > "$MC_STATE/keeper.log"
  rm -f -- "$MC_STATE/began"
  exec 6<> "$MC_STATE/setup"
  (
    exec 8>&- 9>&- 6>&- </dev/null >> "$MC_STATE/keeper.log" 2>&1
    [ -n "${MC_LIFELINE_FD:-}" ] && eval "exec $MC_LIFELINE_FD>&-"
    export MC_STAGE=keeper
    eval "unshare --mount --propagation \"\$MC_PROPAGATION\" $MC_UNSHARE -- /bin/sh \"\$0\""
    mc_st=$?
    # unshare itself failed (bad options): tell the session waiting for the keeper.
    [ -e "$MC_STATE/began" ] || printf '\n@@fail %s\n' "$mc_st" 1<> "$MC_STATE/setup"
  ) &
  # The setup's output (the scripts' too) goes to our stderr: stdout is the command's alone.
  while IFS= read -r mc_l <&6; do
    case $mc_l in
      *@@ready\ *) [ -n "${mc_l%%@@ready *}" ] && printf '%s\n' "${mc_l%%@@ready *}" >&2; break ;;
      *@@fail\ *)
        [ -n "${mc_l%%@@fail *}" ] && printf '%s\n' "${mc_l%%@@fail *}" >&2
        mc_tail=$(cat "$MC_STATE/keeper.log"); [ -n "$mc_tail" ] && printf '%s\n' "$mc_tail" >&2
        mc_die "could not start $MC_GROUP/$MC_INSTANCE" ;;
      *) printf '%s\n' "$mc_l" >&2 ;;
    esac
  done
  exec 6<&-
  mc_keeper_live || mc_die "the keeper of $MC_GROUP/$MC_INSTANCE is gone"
}

# The lifeline from the CLI: "signal NAME" lines go to this session's command; EOF
# (the CLI is gone, even by SIGKILL) ends it, so the session leaves and tears down.
mc_watch() {
  [ -n "${MC_LIFELINE_FD:-}" ] || return 0
  mc_sid=$$
  (
    exec 8>&- 9>&- </dev/null >/dev/null 2>&1
    eval "exec 5<&$MC_LIFELINE_FD $MC_LIFELINE_FD<&-"
    while read -r mc_l <&5; do
      case $mc_l in
        'signal '*) read -r mc_c < "$MC_STATE/sessions/$mc_sid.cmd" && kill -s "${mc_l#signal }" "$mc_c" ;;
      esac
    done
    read -r mc_c < "$MC_STATE/sessions/$mc_sid.cmd" && kill -KILL "$mc_c"
  ) &
  mc_watcher=$!
  eval "exec $MC_LIFELINE_FD<&-"
}

# Under `lock`, holding `users` shared: register, run the command inside, leave.
mc_session() {
  mc_watcher=
  mc_starttime $$ && echo "$MC_START" > "$MC_STATE/sessions/$$"
  exec 8>&-
  mc_root=/proc/$MC_KP/root$MC_ROOT
  if [ -z "$MC_ARGV" ]; then
    MC_ARGV=sh
    mc_resolve /bin/bash "$mc_root" && [ -x "$mc_root$MC_RES" ] && MC_ARGV=bash
  fi
  if ! mc_resolve "$MC_WORKDIR" "$mc_root" || [ ! -d "$mc_root$MC_RES" ]; then
    mc_say "workdir $MC_WORKDIR does not exist in $MC_GROUP/$MC_INSTANCE (create it, or fix -w)"
    mc_leave
    exit 125
  fi
  mc_watch
  mc_q "$mc_root$MC_RES"; mc_wd=$MC_Q
  mc_q "$mc_root"; mc_rt=$MC_Q
  # A terminal's ^C goes to the command; we stay to leave and tear down.
  trap : INT QUIT
  (
    cd -P /proc/self && mc_me=${PWD##*/} && cd / || exit 125
    echo "$mc_me" > "$MC_STATE/sessions/$$.cmd"
    echo "$mc_me" > "$MC_CG/cgroup.procs" || { mc_say "cannot move the command into the cgroup $MC_CG"; exit 125; }
    exec 9>&-
    mc_env
    eval "exec nsenter -t \"\$MC_KP\" -m $MC_NSENTER --root=$mc_rt --wd=$mc_wd -- $MC_ARGV"
  )
  mc_st=$?
  mc_leave
  # The CLI waits for everyone holding its lifeline: the watcher is done.
  [ -n "$mc_watcher" ] && kill "$mc_watcher" 2>/dev/null
  exit "$mc_st"
}

# The last session out tears down; the others just go.
mc_leave() {
  trap '' PIPE   # whoever reads our output may be gone: teardown must still finish
  exec 8>> "$MC_STATE/lock"
  flock -w 120 8 || { mc_say "cannot take $MC_STATE/lock; the keeper will tear down"; return 0; }
  rm -f -- "$MC_STATE/sessions/$$" "$MC_STATE/sessions/$$.cmd"
  exec 9>&-
  mc_live_sessions && return 0
  mc_keeper_live || return 0
  MC_STAGE=teardown MC_KP=$MC_KP nsenter -t "$MC_KP" -m -- /bin/sh "$0"
  : > "$MC_STATE/down"
  : > "$MC_STATE/keeper"
  flock -u 8
  # The keeper sees `down` and exits; wait for it, so that nothing of ours outlives us.
  mc_n=0
  while mc_starttime "$MC_KP" && [ "$MC_START" = "$mc_ks" ] && [ "$mc_n" -lt 200 ]; do
    mc_n=$((mc_n + 1)); sleep 0.02
  done
}

case ${MC_STAGE:-main} in
  main) mc_stage_main "$@" ;;
  keeper) mc_stage_keeper ;;
  teardown) mc_cgroup_dir; mc_teardown ;;
  *) mc_die "unknown stage $MC_STAGE" ;;
esac
