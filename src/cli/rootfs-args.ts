import { ConfigError } from '../core/errors.js';

/** `micro-container rootfs add|ls|rm ...`, parsed. Pure. */
export type RootfsArgs =
  | { action: 'add'; name: string; source: string; sha256?: string; libraryDir?: string }
  | { action: 'ls'; json: boolean; libraryDir?: string }
  | { action: 'rm'; name: string; libraryDir?: string }
  | { action: 'help' };

export const ROOTFS_USAGE = `usage: micro-container rootfs add NAME SOURCE [--sha256 HEX] [-d librarydir]
       micro-container rootfs ls [--json] [-d librarydir]
       micro-container rootfs rm NAME [-d librarydir]

  add   installs a root as librarydir/root-NAME (then: container NAME, or -l librarydir/root-NAME).
        SOURCE is an http(s):// URL, a tarball (gzip, xz, zstd, bzip2 or plain, told by its
        bytes), or a directory (copied, with reflinks where the filesystem has them).
        An archive is stored by its sha256, downloaded and extracted once.
  ls    lists the roots
  rm    removes a root's name, and the root itself when no other name uses it`;

export function parseRootfsArgs(argv: readonly string[]): RootfsArgs {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') return { action: 'help' };
  const words: string[] = [];
  let sha256: string | undefined;
  let libraryDir: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (v === undefined) throw new ConfigError(`option ${a} needs a value`);
      return v;
    };
    if (a === '--sha256' || a.startsWith('--sha256=')) sha256 = value();
    else if (a === '-d' || a === '--librarydir' || a.startsWith('--librarydir=')) libraryDir = value();
    else if (a.startsWith('-d') && a.length > 2) libraryDir = a.slice(2);
    else if (a === '--json') json = true;
    else if (a.startsWith('-') && a !== '-') throw new ConfigError(`unknown option ${a} for rootfs ${action} (see micro-container rootfs --help)`);
    else words.push(a);
  }
  const want = (n: number, shape: string) => {
    if (words.length !== n) throw new ConfigError(`rootfs ${action} takes ${shape} (see micro-container rootfs --help)`);
  };
  switch (action) {
    case 'add':
      want(2, 'NAME SOURCE');
      return { action, name: words[0], source: words[1], sha256, libraryDir };
    case 'ls':
      want(0, 'no arguments but --json and -d');
      return { action, json, libraryDir };
    case 'rm':
      want(1, 'NAME');
      return { action, name: words[0], libraryDir };
    default:
      throw new ConfigError(`unknown rootfs command '${action}' (add, ls, rm)`);
  }
}
