// Jail start-up benchmark: median wall time to start a jail and run `true` in it, for
// bwrap, podman, our generated launcher (sh launcher.sh) and our CLI, all over the same
// extracted Alpine root, with `unshare --mount --pid --fork true` as the floor.
//
// Why: the project's performance targets are relative, not absolute -- the launcher must
// stay within 3x of bwrap (the leanest jail there is) and the CLI must be at least 4x
// faster than podman (the daemon-less container tool people would otherwise use). Ratios
// only mean something when measured in one run on one machine, so everything is timed
// together, interleaved round-robin so that machine noise (other jobs, CPU frequency,
// page cache) lands on every candidate alike instead of on whichever ran last.
//
// Usage: npm run bench [-- --runs N] [-- --also LAUNCHER]   (as root; writes bench/results/jail.json)
// --also LAUNCHER times `sh LAUNCHER /bin/true` as one more row (e.g. a launcher made by an
// older build, over the same root), for a before/after comparison under the same load.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, release, version as osVersion } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const archive = resolve(projectDir, '../shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz');
const cli = join(projectDir, 'dist/cli/index.js');
const resultsFile = join(projectDir, 'bench/results/jail.json');

const WARMUP = 5;
// A hard stop for the measuring loop, so that a slow machine (podman can take ~0.5 s a
// start) still finishes well under two minutes; the runs actually done are reported.
const MEASURE_BUDGET_MS = 75_000;
const RUN_TIMEOUT_MS = 30_000;

function parseArgs(argv) {
  let runs = 40;
  let also = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let v;
    if (a === '--also' || a.startsWith('--also=')) {
      also = a === '--also' ? argv[++i] : a.slice('--also='.length);
      if (!also || !existsSync(also)) {
        console.error(`bench: --also wants an existing launcher file, got ${also}`);
        process.exit(2);
      }
      also = resolve(also);
      continue;
    }
    if (a === '--runs') v = argv[++i];
    else if (a.startsWith('--runs=')) v = a.slice('--runs='.length);
    else {
      console.error(`bench: unknown argument ${a} (usage: node bench/run.mjs [--runs N] [--also LAUNCHER])`);
      process.exit(2);
    }
    runs = Number(v);
    if (!Number.isInteger(runs) || runs < 1) {
      console.error(`bench: --runs wants a positive integer, got ${v}`);
      process.exit(2);
    }
  }
  return { runs, also };
}

const { runs, also } = parseArgs(process.argv.slice(2));

if (!existsSync(archive)) {
  console.log(`bench: skipped -- the Alpine root archive is missing: ${archive}`);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  // The launcher and the CLI mount overlayfs and need root; without them there is no ratio.
  console.log('bench: skipped -- must run as root (the launcher and the CLI mount overlayfs).');
  process.exit(0);
}
if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing; run npm run build first.`);
  process.exit(1);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

// Installs Debian packages only when a tool is missing; returns null or why it failed.
function aptInstall(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { env, encoding: 'utf8', timeout: 300_000 });
  console.error(`bench: installing ${pkgs.join(' ')} with apt-get ...`);
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore', timeout: 300_000 });
    r = install();
  }
  return r.status === 0 ? null : `apt-get install ${pkgs.join(' ')} failed: ${lastLines(r.stderr || r.error?.message)}`;
}

function lastLines(text, n = 3) {
  return String(text ?? '').trim().split('\n').filter(Boolean).slice(-n).join(' | ') || 'no output';
}

const missing = {};
if (!has('bwrap')) missing.bwrap = aptInstall(['bubblewrap']);
if (!has('podman') || !has('runc')) missing.podman = aptInstall(['podman', 'runc']);

// Everything lives in one temp dir, removed at the end (also on Ctrl-C).
const work = mkdtempSync(join(tmpdir(), 'mc-bench-'));
const root = join(work, 'root');
const lib = join(work, 'lib');
const base = join(work, 'base');
const launcher = join(work, 'launcher.sh');

function mountsUnder(dir) {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p) => p && (p === dir || p.startsWith(dir + '/')))
    .map((p) => p.replace(/\\(\d{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8))));
}

let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  // A jail left mounted must not be walked by rm (it could reach the host through a
  // bind mount): unmount deepest first, and let rm stay on this file system regardless.
  for (const m of mountsUnder(work).reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  const left = mountsUnder(work);
  if (left.length) {
    console.error(`bench: left ${work} in place, still mounted: ${left.join(', ')}`);
    return;
  }
  spawnSync('rm', ['-rf', '--one-file-system', work], { stdio: 'ignore' });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

const tar = spawnSync('sh', ['-c', `mkdir -p "$1" && tar --numeric-owner -xzf "$2" -C "$1"`, 'sh', root, archive], { encoding: 'utf8' });
if (tar.status !== 0) {
  console.error(`bench: extracting ${archive} failed: ${lastLines(tar.stderr)}`);
  process.exit(1);
}

// The launcher is generated once, outside the timing: what is measured is running it.
const gen = spawnSync(process.execPath, [cli, 'run', '--dry-run', '-d', lib, '-b', base, '-l', root, '-n', 'bench', '--', '/bin/true'], {
  cwd: projectDir, encoding: 'utf8', maxBuffer: 16 << 20,
});
let launcherProblem = null;
if (gen.status !== 0 || !gen.stdout) launcherProblem = `--dry-run failed (exit ${gen.status}): ${lastLines(gen.stderr)}`;
else writeFileSync(launcher, gen.stdout, { mode: 0o755 });

const candidates = [
  {
    id: 'bwrap', what: 'bwrap',
    cmd: ['bwrap', '--bind', root, '/', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
      '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--hostname', 'bench', '/bin/true'],
    problem: missing.bwrap ?? null,
  },
  {
    id: 'podman', what: 'podman run --rootfs',
    // The runtime/cgroup/ulimit flags are what podman needs on these CI machines (crun and
    // the systemd cgroup manager are unusable there, and the default ulimits exceed the hard limits).
    cmd: ['podman', 'run', '--rm', '--runtime', 'runc', '--cgroup-manager', 'cgroupfs',
      '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--rootfs', root, '/bin/true'],
    problem: missing.podman ?? null,
  },
  {
    id: 'launcher', what: 'our launcher (sh launcher.sh)',
    cmd: ['sh', launcher, '/bin/true'],
    problem: launcherProblem,
  },
  {
    id: 'cli', what: 'our CLI (node dist/cli/index.js run)',
    // A container of its own: sharing the launcher's would make each wait for the other's
    // clean-up (cgroup removal, after the run's end) on the container's lock.
    cmd: [process.execPath, cli, 'run', '-d', lib, '-b', base, '-l', root, '-n', 'bench-cli', '--', '/bin/true'],
    problem: null,
  },
  ...(also ? [{ id: 'also', what: `--also ${also}`, cmd: ['sh', also, '/bin/true'], problem: null }] : []),
  {
    id: 'unshare', what: 'unshare --mount --pid --fork (floor)',
    cmd: ['unshare', '--mount', '--pid', '--fork', 'true'],
    problem: null,
  },
];
for (const c of candidates) Object.assign(c, { times: [], failures: [], available: c.problem === null });

function runOnce(c, captureStderr = false) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd[0], c.cmd.slice(1), {
    cwd: work, stdio: ['ignore', 'ignore', captureStderr ? 'pipe' : 'ignore'],
    encoding: 'utf8', timeout: RUN_TIMEOUT_MS,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const ok = r.status === 0;
  const why = ok ? null
    : r.error ? r.error.message
    : r.signal ? `killed by ${r.signal}`
    : `exit ${r.status}${captureStderr ? ': ' + lastLines(r.stderr) : ''}`;
  return { ms, ok, why };
}

// Warm-up: fills the page cache, lets podman set up its storage, and is where a candidate
// that cannot run at all is found (its first run's stderr is the reason recorded).
for (const c of candidates.filter((c) => c.available)) {
  for (let i = 0; i < WARMUP; i++) {
    const r = runOnce(c, i === 0);
    if (!r.ok && i === 0) {
      c.available = false;
      c.problem = r.why;
      break;
    }
  }
}

const active = candidates.filter((c) => c.available);
const started = Date.now();
let rounds = 0;
for (; rounds < runs; rounds++) {
  if (Date.now() - started > MEASURE_BUDGET_MS) break;
  // Rotating the starting candidate each round keeps any "runs right after X" effect spread out.
  for (let k = 0; k < active.length; k++) {
    const c = active[(rounds + k) % active.length];
    const r = runOnce(c);
    if (r.ok) c.times.push(r.ms);
    else c.failures.push({ run: rounds + 1, why: r.why });
  }
}
const truncated = rounds < runs;

function quantile(sorted, q) {
  if (!sorted.length) return null;
  if (q === 0.5) {
    const m = sorted.length >> 1;
    return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]; // nearest rank
}

for (const c of candidates) {
  const s = [...c.times].sort((a, b) => a - b);
  c.median = quantile(s, 0.5);
  c.p90 = quantile(s, 0.9);
  c.min = s[0] ?? null;
  c.max = s.at(-1) ?? null;
}
const byId = Object.fromEntries(candidates.map((c) => [c.id, c]));
const ratio = (a, b) => (a?.median != null && b?.median ? a.median / b.median : null);

const targets = [
  {
    id: 'launcher_vs_bwrap', text: 'launcher / bwrap', goal: 'within 3x', limit: 3,
    value: ratio(byId.launcher, byId.bwrap), pass: (v) => v <= 3,
  },
  {
    id: 'podman_vs_cli', text: 'podman / CLI', goal: 'CLI at least 4x faster than podman', limit: 4,
    value: ratio(byId.podman, byId.cli), pass: (v) => v >= 4,
  },
];
for (const t of targets) t.status = t.value == null ? 'N/A' : t.pass(t.value) ? 'PASS' : 'MISS';

const f = (v, d = 1) => (v == null ? '-' : v.toFixed(d));
const lines = [
  `Jail start-up + \`/bin/true\`, ${rounds} interleaved runs each after ${WARMUP} warm-up (kernel ${release()}, node ${process.version})`,
  '',
  '| what | median ms | p90 ms | ratio vs bwrap |',
  '|---|---:|---:|---:|',
];
for (const c of candidates) {
  if (!c.available) lines.push(`| ${c.what} | unavailable | - | - |`);
  else lines.push(`| ${c.what} | ${f(c.median)} | ${f(c.p90)} | ${ratio(c, byId.bwrap) == null ? '-' : f(ratio(c, byId.bwrap), 2) + 'x'} |`);
}
lines.push('');
for (const t of targets) lines.push(`${t.status}  ${t.text} = ${t.value == null ? 'n/a' : f(t.value, 2) + 'x'} (target: ${t.goal})`);
const notes = [];
for (const c of candidates) {
  if (!c.available) notes.push(`${c.id} unavailable: ${c.problem}`);
  if (c.failures.length) notes.push(`${c.id}: ${c.failures.length} failed run(s), e.g. run ${c.failures[0].run}: ${c.failures[0].why}`);
}
if (truncated) notes.push(`stopped after ${rounds} of ${runs} rounds: the ${MEASURE_BUDGET_MS / 1000} s measuring budget ran out`);
if (notes.length) lines.push('', ...notes.map((n) => `note: ${n}`));
console.log(lines.join('\n'));

const version = (cmd, args = ['--version']) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : null;
};
mkdirSync(dirname(resultsFile), { recursive: true });
writeFileSync(resultsFile, JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  kernel: `${release()} ${osVersion()}`,
  runs: { requested: runs, done: rounds, warmup: WARMUP, truncated },
  rootfs: archive.replace(projectDir + '/', ''),
  tools: { bwrap: version('bwrap'), podman: version('podman'), runc: version('runc') },
  unit: 'ms',
  results: candidates.map((c) => ({
    id: c.id, what: c.what, command: c.cmd.join(' ').replaceAll(work, '$TMP'),
    available: c.available, unavailable_reason: c.available ? null : c.problem,
    ok_runs: c.times.length, failed_runs: c.failures.length, failures: c.failures,
    median: c.median, p90: c.p90, min: c.min, max: c.max,
    ratio_vs_bwrap: ratio(c, byId.bwrap),
    samples: c.times.map((t) => Math.round(t * 1000) / 1000),
  })),
  targets: targets.map(({ id, text, goal, limit, value, status }) => ({ id, text, goal, limit, value, status })),
  table: lines.join('\n'),
}, null, 2) + '\n');
console.log(`\n(wrote ${resultsFile.replace(projectDir + '/', '')})`);
