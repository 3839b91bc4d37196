import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildMiniRoot } from './miniroot.js';

/** More host tools than the mini root has: what a build and a tree listing need. */
const EXTRA_TOOLS = ['find', 'md5sum', 'ln', 'cp', 'chown', 'mv', 'rmdir', 'sort'];

function which(tool: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) if (existsSync(path.join(dir, tool))) return path.join(dir, tool);
  return undefined;
}

/** Copies a host binary and the shared libraries it needs (by ldd) into ROOT. */
function addTool(root: string, tool: string): void {
  const bin = which(tool);
  if (!bin) throw new Error(`${tool} is not installed on the host; the image tests need it`);
  const copy = (src: string, dest: string): void => {
    mkdirSync(path.dirname(dest), { recursive: true });
    if (!existsSync(dest)) copyFileSync(src, dest);
    chmodSync(dest, 0o755);
  };
  copy(bin, path.join(root, 'bin', tool));
  for (const line of execFileSync('ldd', [bin], { encoding: 'utf8' }).split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s/.exec(line);
    if (m) copy(m[1]!, path.join(root, m[1]!));
  }
}

/**
 * The mini root, with the tools a build and a listing use, and a directory of the base's
 * (/srv/old with two files) that a build can replace, so that "replaced stays replaced"
 * is tested against files the base really has.
 */
export function buildImageTestRoot(dir: string): string {
  buildMiniRoot(dir);
  for (const t of EXTRA_TOOLS) addTool(dir, t);
  mkdirSync(path.join(dir, 'srv/old'), { recursive: true });
  writeFileSync(path.join(dir, 'srv/old/a'), 'old a\n');
  writeFileSync(path.join(dir, 'srv/old/b'), 'old b\n');
  writeFileSync(path.join(dir, 'etc/motd'), 'welcome\n');
  return dir;
}

const PRUNE = "find / -xdev \\( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run -o -path /etc/hosts -o -path /etc/resolv.conf -o -path /etc/hostname \\) -prune -o";

/**
 * A shell command that lists the container's whole tree: one line per path with type,
 * mode, owner, group, then size and link count (files) or link target (symlinks); then
 * one line per file with its md5. The mounts the jail itself makes (/proc, /sys, /dev,
 * /tmp, /etc/hosts...) are left out: they are the jail's, not the image's.
 */
export const LIST_TREE =
  `{ ${PRUNE} \\( -type d -printf '%p d %m %U %G\\n' \\) -o \\( -type f -printf '%p f %m %U %G %s %n\\n' \\) -o -printf '%p %y %m %U %G %l\\n'; ` +
  `${PRUNE} -type f -exec md5sum {} +; } | sort`;

/** The listing as lines. */
export function parseTree(text: string): string[] {
  return text.trim().split('\n');
}
