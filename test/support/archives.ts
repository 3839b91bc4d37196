import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Tar archives for the extraction tests: a small tar writer for the hostile entries that
 * no well-behaved tool writes (absolute names, `..`, links out of the root, data on a hard
 * link), and real trees packed by GNU tar for what extraction must keep.
 */

export interface WEntry {
  name: string;
  /** Type flag: '0' file (default), '1' hard link, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo. */
  type?: string;
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  devmajor?: number;
  devminor?: number;
  /** Pax extended header records for this entry (path, linkpath, SCHILY.xattr.*, ...). */
  pax?: Record<string, string>;
  /** Put the name (and link name) in GNU ././@LongLink members instead of the header. */
  gnuLong?: boolean;
  /** The header's size field, when it should lie about the data that follows. */
  sizeField?: number;
  /** Header format: POSIX ustar (default) or GNU. */
  format?: 'ustar' | 'gnu';
}

const BLOCK = 512;

function octal(buf: Buffer, off: number, len: number, value: number): void {
  buf.write(value.toString(8).padStart(len - 1, '0') + '\0', off, len, 'latin1');
}

/** One header block. */
export function headerBlock(e: WEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = Buffer.from(e.name);
  if (name.length > 100 && (e.format ?? 'ustar') === 'ustar') {
    // Split at a slash into prefix (<= 155) and name (<= 100), as ustar does.
    const s = e.name;
    let cut = s.lastIndexOf('/', s.length - 1);
    while (cut > 0 && Buffer.byteLength(s.slice(cut + 1)) > 100) cut = s.lastIndexOf('/', cut - 1);
    if (cut <= 0 || Buffer.byteLength(s.slice(0, cut)) > 155) throw new Error(`name too long for ustar: ${s}`);
    h.write(s.slice(0, cut), 345, 155, 'utf8');
    name = Buffer.from(s.slice(cut + 1));
  }
  name.copy(h, 0, 0, Math.min(100, name.length));
  octal(h, 100, 8, e.mode ?? (e.type === '5' ? 0o755 : 0o644));
  octal(h, 108, 8, e.uid ?? 0);
  octal(h, 116, 8, e.gid ?? 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 1_700_000_000);
  h.write(e.type ?? '0', 156, 1, 'latin1');
  h.write(e.linkname ?? '', 157, 100, 'utf8');
  if ((e.format ?? 'ustar') === 'ustar') h.write('ustar\u000000', 257, 8, 'latin1');
  else h.write('ustar  \u0000', 257, 8, 'latin1');
  h.write('root', 265, 32);
  h.write('root', 297, 32);
  octal(h, 329, 8, e.devmajor ?? 0);
  octal(h, 337, 8, e.devminor ?? 0);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return h;
}

function pad(data: Buffer): Buffer[] {
  const rest = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return rest ? [data, Buffer.alloc(rest)] : [data];
}

/** Pax records: "LEN key=value\n", LEN counting itself. */
export function paxRecords(records: Record<string, string>): Buffer {
  const parts = Object.entries(records).map(([k, v]) => {
    const body = ` ${k}=${v}\n`;
    const bodyLen = Buffer.byteLength(body);
    let len = bodyLen + 1;
    while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
    return Buffer.from(`${len}${body}`);
  });
  return Buffer.concat(parts);
}

/** The blocks of one entry, with its pax or GNU long-name members before it. */
export function entryBlocks(e: WEntry): Buffer[] {
  const out: Buffer[] = [];
  const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
  let header = e;
  if (e.pax) {
    const records = paxRecords(e.pax);
    out.push(headerBlock({ name: 'PaxHeaders/x', type: 'x', format: e.format }, records.length), ...pad(records));
  }
  if (e.gnuLong) {
    const long = (type: string, value: string): void => {
      const d = Buffer.from(`${value}\0`);
      out.push(headerBlock({ name: '././@LongLink', type, format: 'gnu' }, d.length), ...pad(d));
    };
    long('L', e.name);
    if (e.linkname) long('K', e.linkname);
    header = { ...e, name: e.name.slice(0, 99), linkname: e.linkname?.slice(0, 99), format: 'gnu' };
  }
  out.push(headerBlock(header, e.sizeField ?? data.length));
  if (data.length) out.push(...pad(data));
  return out;
}

/** A whole archive: the entries, then the two zero blocks that end it (unless `end: false`). */
export function buildTar(entries: WEntry[], opts: { end?: boolean } = {}): Buffer {
  const blocks = entries.flatMap(entryBlocks);
  if (opts.end !== false) blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

export type Compressor = 'none' | 'gzip' | 'xz' | 'zstd' | 'bzip2';

/** Writes `tar` to DIR/NAME, compressed as asked (the file name says nothing about it). */
export function writeArchive(dir: string, name: string, tar: Buffer, compression: Compressor = 'none'): string {
  const file = path.join(dir, name);
  const cmd: Record<Compressor, string[] | undefined> = {
    none: undefined,
    gzip: ['gzip', '-c'],
    xz: ['xz', '-c', '-T1'],
    zstd: ['zstd', '-q', '-c'],
    bzip2: ['bzip2', '-c'],
  };
  const c = cmd[compression];
  writeFileSync(file, c ? execFileSync(c[0]!, c.slice(1), { input: tar, maxBuffer: 1 << 30 }) : tar);
  return file;
}

/** A plain directory, a file in it, for archives that need a body. */
const dir = (name: string, mode = 0o755): WEntry => ({ name, type: '5', mode });
const file = (name: string, data = 'x\n', more: Partial<WEntry> = {}): WEntry => ({ name, data, ...more });

/**
 * The hostile archives, each with the entry the check must name. `outside` is a directory
 * outside the destination that an escape would write into.
 */
export function hostileCases(outside: string): Array<{ label: string; entries: WEntry[]; names: string }> {
  return [
    { label: 'absolute path', entries: [dir('./'), file(`${outside}/abs-owned`)], names: `${outside}/abs-owned` },
    { label: '../ entry', entries: [dir('./'), file('../dotdot-owned')], names: '../dotdot-owned' },
    { label: '.. in the middle', entries: [dir('./'), dir('./a'), file('./a/../../mid-owned')], names: './a/../../mid-owned' },
    {
      label: 'symlink, then a write through it',
      entries: [dir('./'), { name: './evil', type: '2', linkname: outside }, file('./evil/owned')],
      names: './evil/owned',
    },
    {
      label: 'relative symlink up, then a write through it',
      entries: [dir('./'), { name: './up', type: '2', linkname: '../../../../../../../..' + outside }, file('./up/rel-owned')],
      names: './up/rel-owned',
    },
    {
      label: 'symlink, a directory entry over it, then a write through it',
      entries: [dir('./'), { name: './evil2', type: '2', linkname: outside }, dir('./evil2'), file('./evil2/owned2')],
      names: './evil2/owned2',
    },
    { label: 'hard link to /etc/passwd', entries: [dir('./'), { name: './passwd', type: '1', linkname: '/etc/passwd' }], names: './passwd' },
    { label: 'hard link with ..', entries: [dir('./'), { name: './pw', type: '1', linkname: '../../../../../etc/passwd' }], names: './pw' },
    {
      label: 'hard link through a symlink',
      entries: [dir('./'), { name: './etc', type: '2', linkname: '/etc' }, { name: './pw2', type: '1', linkname: './etc/passwd' }],
      names: './pw2',
    },
    { label: 'pax path that is absolute', entries: [dir('./'), file('./innocent', 'x', { pax: { path: `${outside}/pax-owned` } })], names: `${outside}/pax-owned` },
    {
      label: 'GNU long name with ..',
      entries: [dir('./'), file(`./${'d/'.repeat(60)}../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../gnu-owned`, 'x', { gnuLong: true })],
      names: 'gnu-owned',
    },
    {
      label: 'hard link that carries data',
      entries: [dir('./'), file('./target'), { name: './smuggler', type: '1', linkname: './target', data: Buffer.alloc(1024) }],
      names: './smuggler',
    },
  ];
}

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A real tree with what extraction must keep, packed by GNU tar (pax format, xattrs):
 * a setuid file, an xattr (user.test=1) and one that must go (trusted.overlay.opaque), a
 * hard link pair, a POSIX ACL, names with a space and a
 * newline, a fifo, a symlink, owners by number, /dev/null and a disk (/dev/sda). Needs
 * root (mknod, chown), setfattr and setfacl.
 */
export function buildRealTree(root: string): void {
  mkdirSync(path.join(root, 'dev'), { recursive: true });
  mkdirSync(path.join(root, 'bin'));
  mkdirSync(path.join(root, 'home/user'), { recursive: true });
  writeFileSync(path.join(root, 'bin/suid'), '#!/bin/sh\n');
  chmodSync(path.join(root, 'bin/suid'), 0o4755);
  writeFileSync(path.join(root, 'bin/xattr'), 'x\n');
  execFileSync('setfattr', ['-n', 'user.test', '-v', '1', path.join(root, 'bin/xattr')]);
  // An overlay xattr: not the archive's to set (dropped, with a note).
  execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', path.join(root, 'bin/xattr')]);
  writeFileSync(path.join(root, 'bin/acl'), 'acl\n');
  execFileSync('setfacl', ['-m', 'u:4321:rw', path.join(root, 'bin/acl')]);
  writeFileSync(path.join(root, 'bin/a'), 'linked\n');
  linkSync(path.join(root, 'bin/a'), path.join(root, 'bin/b'));
  writeFileSync(path.join(root, 'home/user/with space'), 'space\n');
  writeFileSync(path.join(root, 'home/user/new\nline'), 'newline\n');
  writeFileSync(path.join(root, 'home/user/star*[x]'), 'star\n');
  execFileSync('chown', ['-R', '1234:2345', path.join(root, 'home/user')]);
  execFileSync('mkfifo', [path.join(root, 'home/fifo')]);
  symlinkSync('/proc/self/fd', path.join(root, 'dev/fd'));
  execFileSync('mknod', ['-m', '0666', path.join(root, 'dev/null'), 'c', '1', '3']);
  execFileSync('mknod', ['-m', '0660', path.join(root, 'dev/sda'), 'b', '8', '0']);
  // A disk named like a pattern, beside a file its pattern would also match: skipping must
  // be exact.
  execFileSync('mknod', ['-m', '0660', path.join(root, 'dev/sd*'), 'b', '8', '16']);
  writeFileSync(path.join(root, 'dev/sdX'), 'not a disk\n');
  // And one whose name no exclusion pattern could hold.
  execFileSync('mknod', ['-m', '0660', path.join(root, 'dev/new\nline'), 'b', '8', '32']);
  // A "zero" that is really the disk (block 8:0): the name alone does not make it standard.
  execFileSync('mknod', ['-m', '0666', path.join(root, 'dev/zero'), 'b', '8', '0']);
  chmodSync(root, 0o700);
}

/** Packs ROOT with GNU tar the way rootfs archives are made (./ first, numeric owners, xattrs, ACLs). */
export function packTree(root: string, archive: string, compress: '-z' | '--zstd' | '-J'): void {
  execFileSync('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '--format=posix', '-C', root, compress, '-cf', archive, '.']);
}
