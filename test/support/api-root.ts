import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildMiniRoot } from './miniroot.js';

/** What the library API's tests need inside beyond the mini root: tar for loadArchive, chown for writeFile's owner. */
const API_TOOLS = ['tar', 'chown', 'setsid'];

function which(tool: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const p = path.join(dir, tool);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The mini root (test/support/miniroot.ts) with the API's tools copied in, with their libraries. */
export function buildApiRoot(dir: string): string {
  buildMiniRoot(dir);
  for (const tool of API_TOOLS) {
    const bin = which(tool);
    if (!bin) throw new Error(`the API tests need ${tool} on the host`);
    const files = [bin, ...execFileSync('ldd', [bin], { encoding: 'utf8' }).split('\n').flatMap((l) => {
      const m = /=>\s*(\/\S+)/.exec(l) ?? /^\s*(\/\S+)\s/.exec(l);
      return m ? [m[1]!] : [];
    })];
    for (const f of files) {
      const dest = f === bin ? path.join(dir, 'bin', tool) : path.join(dir, f);
      if (existsSync(dest)) continue;
      mkdirSync(path.dirname(dest), { recursive: true });
      copyFileSync(f, dest);
      chmodSync(dest, 0o755);
    }
  }
  return dir;
}
