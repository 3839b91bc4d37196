import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TOOLS = ['sh', 'cat', 'id', 'ls', 'touch', 'sleep', 'stat', 'mkdir', 'rm', 'echo', 'pwd', 'readlink', 'kill', 'grep', 'env', 'hostname', 'ps', 'true', 'false', 'chmod', 'head', 'wc', 'tr'];

function which(tool: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const p = path.join(dir, tool);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The shared libraries a host binary needs, by ldd. */
function libs(bin: string): string[] {
  const out = execFileSync('ldd', [bin], { encoding: 'utf8' });
  const found: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s/.exec(line);
    if (m) found.push(m[1]);
  }
  return found;
}

/**
 * A small root built from the host's own binaries, with users of its own: root,
 * builder (1234, in group 'wheel' 10 and 'devs' 2000) and nobody. Made by the tests, so the
 * suite does not depend on ../shared.
 */
export function buildMiniRoot(dir: string): string {
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'home/builder', 'work']) mkdirSync(path.join(dir, d), { recursive: true });
  const copied = new Set<string>();
  const copy = (src: string, dest: string) => {
    if (copied.has(dest)) return;
    copied.add(dest);
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(src, dest);
    chmodSync(dest, 0o755);
  };
  for (const tool of TOOLS) {
    const bin = which(tool);
    if (!bin) continue;
    copy(bin, path.join(dir, 'bin', tool));
    for (const lib of libs(bin)) copy(lib, path.join(dir, lib));
  }
  writeFileSync(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nbuilder:x:1234:1234:builder:/home/builder:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\nwheel:x:10:builder\nbuilder:x:1234:\ndevs:x:2000:other,builder\nnogroup:x:65534:\n');
  execFileSync('chown', ['1234:1234', path.join(dir, 'home/builder')]);
  chmodSync(path.join(dir, 'tmp'), 0o1777);
  return dir;
}
