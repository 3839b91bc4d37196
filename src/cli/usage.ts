export const CONTAINER_USAGE = `usage: container [-] [-d librarydir] [-b basedir] [-l lowerdir] [-n name] [-w workdir]
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

export const MICRO_CONTAINER_USAGE = `usage: micro-container run [container options] [[--] command args...]
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


export const CONTAINERIZE_USAGE = `usage: containerize [--trees DIR] [--overlay] [-w DIR] [--dry-run] GROUP INSTANCE [command args...]

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
