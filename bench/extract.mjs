// Root filesystem extraction benchmark: extractArchive (decompressor -> node's check gate ->
// GNU tar into a temp dir, renamed into place) against what a user would otherwise run,
// GNU tar fed by the decompressor, on the same archive in the same run:
//
//   extractArchive(debian-bookworm.tar.zst)  vs  zstd -dc < A | tar -x --numeric-owner
//   extractArchive(debian-bookworm.tar.gz)   vs  gzip -dc < A | tar -x --numeric-owner
//
// (the .tar.gz is made here from the .tar.zst). The target is at most 1.25x GNU tar's time
// and under 200 MB peak memory. Runs are interleaved round-robin so that machine noise
// (writeback of the previous run, other jobs) lands on every candidate alike; the tree
// each run wrote is removed and `sync`ed before the next, outside the timing. Memory is
// measured in a separate run per candidate (sampling /proc would cost CPU in a timed run):
// the RSS of the whole process tree (node + decompressor + tar) summed, sampled every
// 20 ms, and node's own peak (VmHWM).
//
// The library is not exported from dist/ for this, so the bench compiles
// src/core/rootfs/*.ts with the project's tsc into a temp dir and imports it from there.
//
// Usage: node bench/extract.mjs [--runs N] [--dir DIR]   (default 3 runs, under the
// system temp dir; as root, so that owners and device nodes are kept as in real use)

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileForBench, parseBenchArgs } from './args.mjs';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const zst = resolve(projectDir, '../shared/rootfs/debian-bookworm.tar.zst');

const { runs, dir: workParent } = parseBenchArgs(process.argv.slice(2), 'extract.mjs');

if (!existsSync(zst)) {
  console.log(`bench: skipped -- the Debian root archive is missing: ${zst}`);
  process.exit(0);
}
for (const tool of ['tar', 'zstd', 'gzip']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.log(`bench: skipped -- ${tool} is not installed`);
    process.exit(0);
  }
}
if (process.getuid?.() !== 0) console.log('bench: not root -- device nodes are skipped and owners not kept; figures are not those of real use\n');

// Where the roots are written (and the .tar.gz made): the filesystem matters more than
// anything here, so it is a choice (--dir) and is printed with the results.
mkdirSync(workParent, { recursive: true });
const work = mkdtempSync(join(workParent, 'mc-bench-extract-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// 1. Build the library from source.
const build = join(work, 'build');
compileForBench(projectDir, 'src/core/rootfs/extract.ts', build);
const runner = join(build, 'runner.mjs');
writeFileSync(
  runner,
  `import { extractArchive } from './src/core/rootfs/extract.js';
const [archive, dest] = process.argv.slice(2);
const t0 = performance.now();
const r = await extractArchive(archive, dest);
const ms = performance.now() - t0;
const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(await import('node:fs').then((fs) => fs.readFileSync('/proc/self/status', 'utf8')))[1]);
console.log(JSON.stringify({ ms, entries: r.entries, hwmKiB: hwm }));
`,
);

// 2. The gzip twin of the archive.
const gz = join(work, 'debian-bookworm.tar.gz');
process.stdout.write('bench: making the .tar.gz from the .tar.zst ... ');
execFileSync('sh', ['-c', `zstd -dc < "${zst}" | gzip -6 > "${gz}"`]);
console.log(`${(statSync(gz).size / 1e6).toFixed(1)} MB`);

const dest = join(work, 'out', 'root');
mkdirSync(dirname(dest), { recursive: true });
const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;

/** Each candidate: a command to spawn; `inProcess` says its own time is in its JSON output. */
const candidates = [
  { id: 'ours-zst', label: 'extractArchive', archive: 'zst', cmd: [process.execPath, runner, zst, dest], inProcess: true },
  { id: 'tar-zst', label: 'zstd -dc \\| tar -x', archive: 'zst', cmd: ['sh', '-c', `mkdir -p ${q(dest)} && zstd -dc < ${q(zst)} | tar -x --numeric-owner -C ${q(dest)}`] },
  { id: 'ours-gz', label: 'extractArchive', archive: 'gz', cmd: [process.execPath, runner, gz, dest], inProcess: true },
  { id: 'tar-gz', label: 'gzip -dc \\| tar -x', archive: 'gz', cmd: ['sh', '-c', `mkdir -p ${q(dest)} && gzip -dc < ${q(gz)} | tar -x --numeric-owner -C ${q(dest)}`] },
];

function clean() {
  rmSync(dest, { recursive: true, force: true });
  spawnSync('sync');
}

/** Pages of RSS of pid and all its descendants, from /proc (no children files on every kernel). */
function treeRssKiB(root) {
  const kids = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    try {
      sum += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4;
    } catch {
      // gone meanwhile
    }
    stack.push(...(kids.get(pid) ?? []));
  }
  return sum;
}

/** Runs a candidate once; returns seconds (and memory when sampled). */
function runOnce(c, sample) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(c.cmd[0], c.cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let peak = 0;
    const timer = sample ? setInterval(() => (peak = Math.max(peak, treeRssKiB(child.pid))), 20) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (timer) clearInterval(timer);
      if (code !== 0) return reject(new Error(`${c.id} failed (exit ${code}): ${err.trim()}`));
      if (!c.inProcess) return resolvePromise({ seconds: wall, peakKiB: peak });
      const r = JSON.parse(out.trim().split('\n').pop());
      if (r.entries !== 8743) return reject(new Error(`${c.id}: ${r.entries} entries, expected 8743`));
      resolvePromise({ seconds: r.ms / 1000, wall, peakKiB: peak, hwmKiB: r.hwmKiB });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// 3. Warm-up (page cache for the archives, node and tsc-built modules), then timed rounds.
console.log(`bench: ${runs} interleaved run(s) of each of ${candidates.length} candidates on ${cpus().length} CPUs, writing under ${workParent}`);
for (const c of candidates) {
  clean();
  await runOnce(c, false);
}
const times = new Map(candidates.map((c) => [c.id, []]));
const walls = new Map(candidates.map((c) => [c.id, []]));
for (let i = 0; i < runs; i++) {
  for (const c of candidates) {
    clean();
    const r = await runOnce(c, false);
    times.get(c.id).push(r.seconds);
    walls.get(c.id).push(r.wall ?? r.seconds);
  }
  process.stdout.write(`  round ${i + 1}/${runs} done\n`);
}
// 4. Memory, one sampled run each.
const mem = new Map();
for (const c of candidates) {
  clean();
  mem.set(c.id, await runOnce(c, true));
}
clean();

// 5. The table.
const fmt = (s) => s.toFixed(2);
const mb = (kib) => `${(kib / 1024).toFixed(0)} MB`;
const rows = [];
rows.push('| candidate | archive | median time (s) | runs (s) | ratio to GNU tar | peak RSS, process tree (sampled) | node peak (VmHWM) |');
rows.push('| --- | --- | ---: | --- | ---: | ---: | ---: |');
for (const c of candidates) {
  const base = candidates.find((b) => b.archive === c.archive && !b.inProcess);
  const m = median(times.get(c.id));
  const ratio = m / median(times.get(base.id));
  const name = c.inProcess ? `${c.label} (node: ${fmt(median(walls.get(c.id)))} s with start-up)` : c.label;
  rows.push(
    `| ${name} | debian-bookworm.tar.${c.archive} | ${fmt(m)} | ${times.get(c.id).map(fmt).join(', ')} | ${c.inProcess ? `**${ratio.toFixed(2)}x**` : '1.00x'} | ${mb(mem.get(c.id).peakKiB)} | ${c.inProcess ? mb(mem.get(c.id).hwmKiB) : '-'} |`,
  );
}
console.log('');
console.log(rows.join('\n'));
console.log('');
console.log('extractArchive times are of the call itself (checked extraction + rename); "with start-up" adds starting node and loading the module.');
