// Build-root clone benchmark (`trees clone`, the Action's `trees-template`): cloning an
// instance that holds the Debian root (163 MiB, 8,743 entries) on a btrfs filesystem,
// our cloneInstance against what a user would otherwise run, in the same run:
//
//   cloneInstance, template a plain directory   cp -a --reflink=auto into a temp, renamed
//   cloneInstance, template a subvolume         btrfs subvolume snapshot into a temp, renamed
//   cp -a                          coreutils 9's default is --reflink=auto: what a user types
//   cp -a --reflink=never          a full copy: coreutils < 9, or what cp does on a non-CoW fs
//   btrfs subvolume snapshot       what a btrfs user would pick for a subvolume template
//
// Each run is timed twice: the command alone, and the command followed by `sync -f` on
// the filesystem (a full copy is only in the page cache when cp returns; its writeback is
// paid later, by the build). Runs are interleaved round-robin so that machine noise lands
// on every candidate alike; the clone is removed and synced between runs, outside the
// timing. The page cache is warm (a self-hosted runner's template is read every job).
//
// The filesystem is a 2 GB sparse image, loop-mounted inside a private mount namespace
// that this script re-executes itself in: were the script killed, the mount would go with
// the namespace. The library is compiled from src/ with the project's tsc, as
// bench/extract.mjs does.
//
// Usage: node bench/trees-clone.mjs [--runs N]   (default 3; as root)

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const zst = resolve(projectDir, '../shared/rootfs/debian-bookworm.tar.zst');

function parseRuns(argv) {
  let runs = 3;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = a === '--runs' ? argv[++i] : a.startsWith('--runs=') ? a.slice(7) : undefined;
    if (v === undefined) {
      console.error(`bench: unknown argument ${a} (usage: node bench/trees-clone.mjs [--runs N])`);
      process.exit(2);
    }
    runs = Number(v);
    if (!Number.isInteger(runs) || runs < 1) {
      console.error(`bench: --runs wants a positive integer, got ${v}`);
      process.exit(2);
    }
  }
  return runs;
}
const runs = parseRuns(process.argv.slice(2));

if (!existsSync(zst)) {
  console.log(`bench: skipped -- the Debian root archive is missing: ${zst}`);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  console.log('bench: skipped -- must run as root (it loop-mounts a btrfs image and keeps the root\'s owners).');
  process.exit(0);
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const lacking = ['mkfs.btrfs', 'btrfs', 'unshare', 'setpriv', 'zstd', 'tar'].filter((t) => !has(t));
if (lacking.length) {
  console.log(`bench: skipped -- missing ${lacking.join(', ')} (apt-get install btrfs-progs util-linux zstd tar)`);
  process.exit(0);
}

// Into a private mount namespace first, where our mounts cannot outlive us.
if (process.env.MC_BENCH_TREES_NS !== '1') {
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MC_BENCH_TREES_NS: '1' },
  });
  process.exit(r.status ?? 1);
}

const work = mkdtempSync(join(tmpdir(), 'mc-bench-trees-'));
const mnt = join(work, 'btrfs');
let mounted = false;
function cleanup() {
  if (mounted) spawnSync('umount', [mnt]);
  mounted = false;
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// 1. The library, from source.
const build = join(work, 'build');
const tsc = spawnSync(
  process.execPath,
  [join(projectDir, 'node_modules/typescript/bin/tsc'), '--outDir', build, '--rootDir', projectDir, '--target', 'ES2022', '--module', 'NodeNext',
    '--moduleResolution', 'NodeNext', '--strict', '--skipLibCheck', '--types', 'node', join(projectDir, 'src/core/trees/clone.ts')],
  { cwd: projectDir, encoding: 'utf8' },
);
if (tsc.status !== 0) {
  console.error(`bench: cannot compile src/core/trees/clone.ts:\n${tsc.stdout}${tsc.stderr}`);
  process.exit(1);
}
writeFileSync(join(build, 'package.json'), '{"type":"module"}\n');
const { cloneInstance } = await import(pathToFileURL(join(build, 'src/core/trees/clone.js')).href);

// 2. btrfs on a loop device; the Debian root as a plain-directory template and as a subvolume.
const image = join(work, 'btrfs.img');
execFileSync('truncate', ['-s', '2G', image]);
execFileSync('mkfs.btrfs', ['-q', '-f', image]);
mkdirSync(mnt);
execFileSync('mount', ['-o', 'loop', image, mnt]);
mounted = true;
const trees = join(mnt, 'trees');
const group = join(trees, 'bench');
mkdirSync(group, { recursive: true });
const plain = join(group, 'template');
const subvol = join(group, 'template-subvol');
mkdirSync(plain);
execFileSync('tar', ['--numeric-owner', '--zstd', '-xf', zst, '-C', plain]);
execFileSync('btrfs', ['-q', 'subvolume', 'create', subvol]);
execFileSync('cp', ['-a', '--reflink=never', '--no-target-directory', plain, subvol]);
execFileSync('sync', ['-f', mnt]);

const used = () => {
  execFileSync('sync', ['-f', mnt]);
  const s = statfsSync(mnt);
  return (s.blocks - s.bfree) * s.bsize;
};
const target = join(group, 'job');
const sh = (file, args) => {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${r.stderr}`);
};

const rmTarget = () => sh('rm', ['-rf', target]);
const ours = (from, method) => async () => {
  const r = await cloneInstance({ trees, group: 'bench', from, to: 'job' });
  if (r.method !== method) throw new Error(`cloneInstance used ${r.method}, not ${method}`);
};
const candidates = [
  { name: 'cloneInstance, directory template', run: ours('template', 'reflink'), remove: rmTarget },
  { name: 'cloneInstance, subvolume template', run: ours('template-subvol', 'snapshot'), remove: () => sh('btrfs', ['-q', 'subvolume', 'delete', target]) },
  { name: 'cp -a (reflink=auto)', run: async () => sh('cp', ['-a', '--no-target-directory', plain, target]), remove: rmTarget },
  { name: 'cp -a --reflink=never', run: async () => sh('cp', ['-a', '--reflink=never', '--no-target-directory', plain, target]), remove: rmTarget },
  { name: 'btrfs subvolume snapshot', run: async () => sh('btrfs', ['-q', 'subvolume', 'snapshot', subvol, target]), remove: () => sh('btrfs', ['-q', 'subvolume', 'delete', target]) },
];

// 3. A warm-up round (page cache, the compiled module), then timed rounds.
for (const c of candidates) {
  await c.run();
  c.remove();
}
const times = new Map(candidates.map((c) => [c.name, { bare: [], synced: [], grew: 0 }]));
for (let i = 0; i < runs; i++) {
  for (const c of candidates) {
    const before = used();
    const t0 = performance.now();
    await c.run();
    const t1 = performance.now();
    execFileSync('sync', ['-f', mnt]);
    const t2 = performance.now();
    const t = times.get(c.name);
    t.bare.push(t1 - t0);
    t.synced.push(t2 - t0);
    t.grew = Math.max(t.grew, used() - before);
    c.remove();
    execFileSync('sync', ['-f', mnt]);
  }
}

// 4. Figures.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const du = execFileSync('du', ['-s', '-b', plain], { encoding: 'utf8' }).split('\t')[0];
console.log(`\ntrees clone: the Debian root (${(Number(du) / 2 ** 20).toFixed(0)} MiB apparent, 8,743 entries) on btrfs (loop device), ${runs} run(s) each, medians\n`);
const rows = [['candidate', 'clone ms', 'clone+sync ms', 'space used MiB']];
const med = new Map();
for (const c of candidates) {
  const t = times.get(c.name);
  med.set(c.name, { bare: median(t.bare), synced: median(t.synced) });
  rows.push([c.name, median(t.bare).toFixed(0), median(t.synced).toFixed(0), (t.grew / 2 ** 20).toFixed(1)]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  '));
const ratio = (a, b, k) => (med.get(a)[k] / med.get(b)[k]).toFixed(2);
console.log('\nratios (clone, clone+sync): above 1 means the second is faster');
for (const [a, b] of [
  ['cloneInstance, directory template', 'cp -a (reflink=auto)'],
  ['cp -a --reflink=never', 'cloneInstance, directory template'],
  ['cloneInstance, subvolume template', 'btrfs subvolume snapshot'],
  ['cloneInstance, directory template', 'cloneInstance, subvolume template'],
]) console.log(`  ${a} / ${b}: ${ratio(a, b, 'bare')}, ${ratio(a, b, 'synced')}`);
