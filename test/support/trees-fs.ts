import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs';
import path from 'node:path';

/**
 * Filesystems for the trees tests: loop-mounted btrfs and XFS images (which clone
 * extents), ext4 and tmpfs (which do not), all under one scratch directory, and a teardown that unmounts and
 * detaches what was made even when a test failed half-way.
 */
export class ScratchFilesystems {
  private readonly mounts: string[] = [];
  private readonly loops: string[] = [];

  constructor(readonly dir: string) {}

  /** A fresh btrfs, XFS (reflink=1) or ext4 on a 320 MB sparse image, mounted at DIR/KIND. */
  loop(kind: 'btrfs' | 'xfs' | 'ext4'): string {
    const image = path.join(this.dir, `${kind}.img`);
    execFileSync('truncate', ['-s', '320M', image]);
    if (kind === 'btrfs') execFileSync('mkfs.btrfs', ['-q', '-f', image]);
    else if (kind === 'xfs') execFileSync('mkfs.xfs', ['-q', '-f', '-m', 'reflink=1', image]);
    else execFileSync('mkfs.ext4', ['-q', '-F', image]);
    const dev = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
    this.loops.push(dev);
    return this.mount(kind, ['-t', kind, dev]);
  }

  tmpfs(size: string): string {
    return this.mount('tmpfs', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs']);
  }

  /** Bind-mounts SRC onto DEST (for "something is mounted inside"), unmounted by teardown. */
  bind(src: string, dest: string): void {
    execFileSync('mount', ['--bind', src, dest]);
    this.mounts.push(dest);
  }

  unmount(mp: string): void {
    execFileSync('umount', [mp]);
    this.mounts.splice(this.mounts.indexOf(mp), 1);
  }

  private mount(name: string, args: string[]): string {
    const mp = path.join(this.dir, name);
    mkdirSync(mp, { recursive: true });
    execFileSync('mount', [...args, mp]);
    this.mounts.push(mp);
    return mp;
  }

  /** Unmounts (innermost first) and detaches everything; safe to call twice. */
  teardown(): void {
    for (const mp of this.mounts.splice(0).reverse()) {
      if (spawnSync('umount', [mp]).status !== 0) spawnSync('umount', ['-l', mp]);
    }
    for (const dev of this.loops.splice(0)) spawnSync('losetup', ['-d', dev]);
  }
}

/** Mount points under DIR in our mount table. */
export function mountsIn(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((mp) => mp === dir || mp.startsWith(`${dir}/`));
}

/** Loop devices whose backing file is under DIR. */
export function loopsIn(dir: string): string[] {
  const out = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(dir))
    .map((l) => l.trim());
}

/** Used bytes of the filesystem at MP, after its pending writes are accounted (sync -f). */
export function usedBytes(mp: string): number {
  execFileSync('sync', ['-f', mp]);
  const s = statfsSync(mp);
  return (s.blocks - s.bfree) * s.bsize;
}

/** The physical extents of FILE, and whether they are marked shared (filefrag -v, FIEMAP). */
export function extents(file: string): { physical: string[]; shared: boolean } {
  execFileSync('sync', [file]); // delayed allocation (ext4, XFS) places extents only at writeback
  const out = execFileSync('filefrag', ['-v', file], { encoding: 'utf8' });
  const rows = out.split('\n').filter((l) => /^\s*\d+:\s/.test(l));
  return {
    physical: rows.map((l) => l.split(':')[2]!.trim()),
    shared: rows.length > 0 && rows.every((l) => /\bshared\b/.test(l)),
  };
}

/**
 * A build root with what a clone must keep: owners, modes (setuid, setgid, sticky, 0000),
 * symlinks (relative, absolute, dangling, with their own owner), hard links across
 * directories, xattrs in user/trusted/security (a file capability), ACLs (access and
 * default), a fifo, a socket, character and block devices, a sparse file, odd names, and
 * times with nanoseconds.
 */
export function buildTemplate(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const script = String.raw`
set -e
cd "$1"
chown 0:100 . && chmod 0751 . && setfattr -n user.top -v yes .
mkdir -p etc usr/bin var/tmp home/u d/e/f sgid
chmod 1777 var/tmp
chown 1000:1000 home/u && chmod 0700 home/u
chown 0:50 sgid && chmod 2775 sgid && setfacl -d -m u:1000:rwx sgid
printf 'root:x:0:0::/root:/bin/sh\n' > etc/passwd && setfattr -n user.note -v hello etc/passwd
printf 'secret\n' > etc/shadow && chmod 0000 etc/shadow
printf '#!/bin/sh\n' > usr/bin/su && chmod 4755 usr/bin/su
printf 'w' > usr/bin/wall && chown 0:5 usr/bin/wall && chmod 2755 usr/bin/wall
printf 'ping' > usr/bin/ping && chmod 0755 usr/bin/ping
setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= usr/bin/ping
printf 'u' > home/u/file && chown 1000:1000 home/u/file && chmod 0640 home/u/file && setfacl -m u:65534:r home/u/file
printf 'n' > nobody && chown 65534:65534 nobody
setfattr -n trusted.overlay.opaque -v y d
ln -s ../etc/passwd usr/passwd-rel
ln -s /etc/shadow abs-link
ln -s missing dangling && chown -h 1000:1000 dangling
ln -s /nowhere/x d/e/f/dangling-abs
printf 'linked' > d/hard1 && ln d/hard1 d/e/hard2 && ln d/hard1 etc/hard3
mkfifo var/fifo && chmod 0620 var/fifo
mknod dev-null c 1 3 && chmod 0666 dev-null
mknod dev-loop b 7 200 && chown 0:6 dev-loop && chmod 0660 dev-loop
head -c 3000000 /dev/urandom > random
: > empty
dd if=/dev/urandom of=sparse bs=4096 count=1 seek=2000 conv=notrunc status=none
printf 'x' > 'name with space' && printf 'y' > 'caf\303\251'
touch -h -d '2001-02-03 04:05:06.123456789' dangling usr/bin/su d var/fifo
`;
  execFileSync('sh', ['-c', script, 'sh', dir]);
  // A unix socket: node leaves its file behind when it exits without closing the server.
  execFileSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path.join(dir, 'var/sock'))}, () => process.exit(0))`]);
}

export interface Entry {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  size?: number;
  rdev?: number;
  target?: string;
  sha256?: string;
  mtimeNs: string;
  /** The other names of a hard-linked file. */
  links?: string[];
  xattrs: string[];
}

const TYPES: [number, string][] = [
  [0o140000, 'socket'],
  [0o120000, 'symlink'],
  [0o100000, 'file'],
  [0o060000, 'block'],
  [0o040000, 'dir'],
  [0o020000, 'char'],
  [0o010000, 'fifo'],
];

/** Every path of a tree (relative, '.' for the top) with all that a clone must keep. */
export function snapshot(root: string): Record<string, Entry> {
  const xattrs = readXattrs(root);
  const out: Record<string, Entry> = {};
  const inodes = new Map<bigint, string[]>();
  const walk = (rel: string): void => {
    const p = path.join(root, rel);
    const st = lstatSync(p, { bigint: true });
    const fmt = Number(st.mode) & 0o170000;
    const type = TYPES.find(([m]) => m === fmt)?.[1] ?? `?${fmt}`;
    const e: Entry = { type, mode: (Number(st.mode) & 0o7777).toString(8), uid: Number(st.uid), gid: Number(st.gid), mtimeNs: String(st.mtimeNs), xattrs: xattrs.get(rel) ?? [] };
    if (type === 'file') {
      e.size = Number(st.size);
      e.sha256 = createHash('sha256').update(readFileSync(p)).digest('hex');
      if (st.nlink > 1n) inodes.set(st.ino, [...(inodes.get(st.ino) ?? []), rel]);
    }
    if (type === 'symlink') e.target = readlinkSync(p);
    if (type === 'char' || type === 'block') e.rdev = Number(st.rdev);
    out[rel] = e;
    if (type === 'dir') for (const name of readdirSync(p).sort()) walk(rel === '.' ? name : `${rel}/${name}`);
  };
  walk('.');
  for (const names of inodes.values()) for (const n of names) out[n]!.links = names.filter((m) => m !== n);
  return out;
}

/** path -> ["name=0xvalue", ...] for every xattr of every path (symlinks not followed). */
function readXattrs(root: string): Map<string, string[]> {
  const r = spawnSync('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '.'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`getfattr failed: ${r.stderr}`);
  const map = new Map<string, string[]>();
  let current = '';
  for (const line of r.stdout.split('\n')) {
    const file = /^# file: (.*)$/.exec(line);
    if (file) {
      // getfattr writes UTF-8 names as they are, control characters as \ooo escapes.
      const name = file[1]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      current = name.replace(/^\.\//, '') || '.';
      map.set(current, []);
    } else if (line.includes('=')) map.get(current)!.push(line);
  }
  return map;
}

export function hasTools(...tools: string[]): string[] {
  return tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0 && !existsSync(`/usr/sbin/${t}`));
}
