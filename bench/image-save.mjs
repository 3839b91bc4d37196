// Image layer save benchmark: saveLayer (find | a metadata-only tar of the directories and
// character devices -> the `.wh.` members, written by node; then tar -> zstd -T0 -3 -> temp
// file, which node hashes and fdatasyncs as it grows; rename) against what a user would
// otherwise run, in the same run, on the same upper layer:
//
//   saveLayer(upper, FILE)                                 (ours; the blob's digest included)
//   tar -C upper -cf - . | zstd -T0 -3 > FILE              (the baseline)
//   tar ... | tee >(sha256sum) | zstd -T0 -3 | tee >(sha256sum) > FILE
//                                                          (the digests the shell way, for the choice in layer-save.ts)
//
// The upper layer is a copy of the Debian root's /usr (extracted from
// ../shared/rootfs/debian-bookworm.tar.zst into a temp dir on the same disk as the
// output), with 300 whiteouts and 10 opaque directories as a build leaves them. The target is at most 1.25x the baseline's time, with flat memory. Runs
// alternate between candidates (the order rotating each round) so that machine noise
// lands on all alike; the output is removed and `sync`ed before each run, outside the
// timing. The figure is the best of N runs of each; node's peak RSS (VmHWM) is printed,
// and the CPU seconds of each candidate's whole process tree (bash's `times`), a steadier
// figure than wall time on a machine that other jobs share.
//
// The library is not exported from dist/ for this, so, as bench/extract.mjs does, the
// bench compiles src/core/image/layer-save.ts with the project's tsc into a temp dir.
//
// Usage: node bench/image-save.mjs [--runs N] [--dir DIR]   (default 3 runs, under the
// system temp dir; as root, so that the copy keeps its owners as an upper layer would)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileForBench, parseBenchArgs } from './args.mjs';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const zst = resolve(projectDir, '../shared/rootfs/debian-bookworm.tar.zst');

const { runs, dir: workParent } = parseBenchArgs(process.argv.slice(2), 'image-save.mjs');

if (!existsSync(zst)) {
  console.log(`bench: skipped -- the Debian root archive is missing: ${zst}`);
  process.exit(0);
}
for (const tool of ['tar', 'zstd', 'sha256sum', 'bash']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.log(`bench: skipped -- ${tool} is not installed`);
    process.exit(0);
  }
}
if (process.getuid?.() !== 0) console.log('bench: not root -- the copy of /usr does not keep its owners; figures are not those of real use\n');

mkdirSync(workParent, { recursive: true });
const work = mkdtempSync(join(workParent, 'mc-bench-image-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// 1. Build the library from source.
const build = join(work, 'build');
compileForBench(projectDir, 'src/core/image/layer-save.ts', build);
const runner = join(build, 'runner.mjs');
writeFileSync(
  runner,
  `import { readFileSync } from 'node:fs';
import { saveLayer } from './src/core/image/layer-save.js';
const [upper, out] = process.argv.slice(2);
const t0 = performance.now();
const r = await saveLayer(upper, out);
const ms = performance.now() - t0;
const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
console.log(JSON.stringify({ ms, entries: r.entries, size: r.size, hwmKiB: hwm }));
`,
);

// 2. The upper layer: a copy of Debian's /usr.
const upper = join(work, 'upper');
mkdirSync(upper);
process.stdout.write('bench: copying the Debian root\'s /usr into an upper layer ... ');
const x = spawnSync('sh', ['-c', `zstd -dc < "$1" | tar -x --numeric-owner --xattrs --xattrs-include='*' -C "$2" ./usr`, 'sh', zst, upper], { stdio: ['ignore', 'ignore', 'inherit'] });
if (x.status !== 0) {
  console.error('bench: cannot extract /usr from the Debian root');
  process.exit(1);
}
// What a build leaves in an upper layer besides new files: deleted files (whiteouts, one
// in each of 300 directories) and replaced directories (opaque, 10 of them). As root only:
// mknod and trusted.* xattrs need it, as they need it in a real overlay.
let marks = '';
if (process.getuid?.() === 0) {
  const m = spawnSync('sh', ['-c', `cd "$1" && find ./usr -mindepth 2 -type d | LC_ALL=C sort | head -300 > "$2" &&
    while IFS= read -r d; do mknod -m 0 "$d/deleted-by-the-build" c 0 0 || exit; done < "$2" &&
    head -10 "$2" | while IFS= read -r d; do setfattr -n trusted.overlay.opaque -v y "$d" || exit; done`, 'sh', upper, join(work, 'dirs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (m.status !== 0) {
    console.error('bench: cannot make the whiteouts and opaque directories (mknod, setfattr from the attr package)');
    process.exit(1);
  }
  marks = ', 300 whiteouts and 10 opaque directories';
}
const du = spawnSync('du', ['-sm', upper], { encoding: 'utf8' }).stdout.split('\t')[0];
console.log(`${du} MB${marks}`);

const out = join(work, 'out');
mkdirSync(out);
const file = join(out, 'layer.tar.zst');
const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const candidates = [
  { id: 'ours', label: 'saveLayer (zstd, whiteouts as .wh. members, blob sha256, fdatasync + rename)', sh: `${q(process.execPath)} ${q(runner)} ${q(upper)} ${q(file)}`, inProcess: true },
  { id: 'tar-zstd', label: 'tar -cf - . \\| zstd -T0 -3 > file', sh: `tar -C ${q(upper)} -cf - . | zstd -T0 -3 -q > ${q(file)}` },
  {
    id: 'tee-sha',
    label: 'tar \\| tee >(sha256sum) \\| zstd -T0 -3 \\| tee >(sha256sum) > file',
    sh: `tar -C ${q(upper)} -cf - . | tee >(sha256sum > ${q(join(work, 'u.sha'))}) | zstd -T0 -3 -q | tee >(sha256sum > ${q(join(work, 'c.sha'))}) > ${q(file)}; wait`,
  },
];
// Each runs under bash, whose `times` then says the CPU time of everything it started:
// on a shared machine, CPU seconds are a steadier figure than wall time.
for (const c of candidates) c.cmd = ['bash', '-c', `set -o pipefail; ${c.sh} || exit; times >&2`];
const cpuOf = (stderr) => {
  const lines = stderr.trim().split('\n');
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1]);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : NaN;
};

function clean() {
  rmSync(file, { force: true });
  spawnSync('sync');
}

function runOnce(c) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(c.cmd[0], c.cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let so = '';
    let se = '';
    child.stdout.on('data', (d) => (so += d));
    child.stderr.on('data', (d) => (se += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${c.id} failed (exit ${code}): ${se.trim()}`));
      if (!existsSync(file)) return reject(new Error(`${c.id} wrote no file`));
      const size = statSync(file).size;
      const cpu = cpuOf(se);
      if (!c.inProcess) return resolvePromise({ seconds: wall, size, cpu });
      const r = JSON.parse(so.trim().split('\n').pop());
      resolvePromise({ seconds: r.ms / 1000, wall, size, cpu, hwmKiB: r.hwmKiB, entries: r.entries });
    });
  });
}

// 3. Warm-up (page cache for the tree, node and the built modules), then timed rounds,
// the order rotating each round.
console.log(`bench: load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`bench: best of ${runs} alternating run(s) of each of ${candidates.length} candidates on ${cpus().length} CPUs, writing under ${workParent}`);
for (const c of candidates) {
  clean();
  await runOnce(c);
}
const results = new Map(candidates.map((c) => [c.id, []]));
for (let i = 0; i < runs; i++) {
  const order = candidates.map((_, k) => candidates[(k + i) % candidates.length]);
  for (const c of order) {
    clean();
    results.get(c.id).push(await runOnce(c));
  }
  process.stdout.write(`  round ${i + 1}/${runs} done\n`);
}
clean();

// 4. The table.
const best = (id) => Math.min(...results.get(id).map((r) => r.seconds));
const median = (id) => {
  const xs = results.get(id).map((r) => r.seconds).sort((a, b) => a - b);
  return xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
};
const base = best('tar-zstd');
const fmt = (s) => s.toFixed(2);
const ours = results.get('ours');
const rows = [];
rows.push('| candidate | best time (s) | runs (s) | ratio to tar \\| zstd | median ratio | least CPU (s, all processes) | CPU ratio | output (MB) |');
rows.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
const leastCpu = (id) => Math.min(...results.get(id).map((r) => r.cpu));
for (const c of candidates) {
  const rs = results.get(c.id);
  const ratio = best(c.id) / base;
  const medianRatio = median(c.id) / median('tar-zstd');
  const cpuRatio = leastCpu(c.id) / leastCpu('tar-zstd');
  rows.push(
    `| ${c.label} | ${fmt(best(c.id))} | ${rs.map((r) => fmt(r.seconds)).join(', ')} | ${c.id === 'ours' ? `**${ratio.toFixed(2)}x**` : `${ratio.toFixed(2)}x`} | ${medianRatio.toFixed(2)}x | ${fmt(leastCpu(c.id))} | ${cpuRatio.toFixed(2)}x | ${(rs[0].size / 1e6).toFixed(1)} |`,
  );
}
console.log('');
console.log(rows.join('\n'));
console.log('');
console.log(`saveLayer: ${ours[0].entries} members, ${du} MB of files${marks}; node peak RSS (VmHWM) ${Math.max(...ours.map((r) => r.hwmKiB / 1024)).toFixed(0)} MB; with node start-up ${fmt(Math.min(...ours.map((r) => r.wall)))} s`);
console.log('saveLayer times are of the call itself; the shell pipelines include their shell start-up (about 1 ms). CPU of saveLayer includes node\'s start-up.');
console.log(`load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
