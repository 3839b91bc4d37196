# ---------------------------------------------------------------------------
# Shared by every launcher (the jail's and containerize's): sh only, no Node.
# ---------------------------------------------------------------------------

# The host's own tools first (pivot_root is in sbin, where sudo's or a caller's PATH may
# not look; every failed lookup is a wasted execve).
PATH=/usr/bin:/usr/sbin:/bin:/sbin:/usr/local/bin:/usr/local/sbin
export PATH

mc_say() { printf '%s: %s\n' "${MC_PROG:-micro-container}" "$*" >&2; }
mc_die() { mc_say "$*"; exit 125; }

# mc_q WORD: WORD quoted for sh, in MC_Q.
mc_q() {
  mc_s=$1 MC_Q=
  while :; do
    case $mc_s in
      *\'*) MC_Q="$MC_Q${mc_s%%\'*}'\\''"; mc_s=${mc_s#*\'} ;;
      *) MC_Q="'$MC_Q$mc_s'"; return ;;
    esac
  done
}

# mc_starttime PID: the process's start time (clock ticks since boot), in MC_START; with
# the pid it names one process for good, where a pid alone may be reused.
mc_starttime() {
  read -r mc_stat 2>/dev/null < "/proc/$1/stat" || return 1
  mc_stat=${mc_stat##*) }
  # shellcheck disable=SC2086
  set -- $mc_stat
  MC_START=${20}
}

# mc_resolve PATH LAYER...: PATH as the container sees it, with every symlink followed
# inside the container (absolute targets start again at its root, `..` stops at it), in
# MC_RES. LAYER... are searched top-down as overlayfs does; with MC_WHITEOUTS=1 a character
# device in a layer is a whiteout that hides the layers below. Mount targets are resolved
# this way, never by the host, so a root whose /etc or /proc is a symlink cannot make us
# mount or create anything outside it.
mc_resolve() {
  mc_rest=$1 mc_path=$1 mc_cur= mc_links=0; shift
  while :; do
    while :; do case $mc_rest in /*) mc_rest=${mc_rest#/} ;; *) break ;; esac; done
    [ -n "$mc_rest" ] || break
    case $mc_rest in
      */*) mc_c=${mc_rest%%/*} mc_rest=${mc_rest#*/} ;;
      *) mc_c=$mc_rest mc_rest= ;;
    esac
    case $mc_c in
      .) continue ;;
      ..) mc_cur=${mc_cur%/*}; continue ;;
    esac
    mc_link=
    for mc_l in "$@"; do
      if [ -L "$mc_l$mc_cur/$mc_c" ]; then
        mc_link=$(readlink -- "$mc_l$mc_cur/$mc_c") || return 1
        break
      elif [ -e "$mc_l$mc_cur/$mc_c" ]; then
        break
      fi
    done
    if [ -n "$mc_link" ]; then
      mc_links=$((mc_links + 1))
      [ "$mc_links" -le 40 ] || { mc_say "too many levels of symbolic links in $mc_path"; return 1; }
      case $mc_link in /*) mc_cur= ;; esac
      mc_rest=$mc_link/$mc_rest
    else
      mc_cur=$mc_cur/$mc_c
    fi
  done
  MC_RES=${mc_cur:-/}
}

# mc_command ARGS...: the command, quoted, in MC_ARGV: the launcher's arguments, else
# the built-in command (empty: the user's shell, decided by mc_command_default).
mc_command() {
  if [ "$#" -gt 0 ]; then
    MC_ARGV=
    for mc_a in "$@"; do mc_q "$mc_a"; MC_ARGV="$MC_ARGV $MC_Q"; done
  else
    MC_ARGV=$MC_COMMAND
  fi
}
