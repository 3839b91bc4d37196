import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCgroupSteps, renderLauncher, renderPrelude, renderResources, shQuote } from '../../src/core/jail/launcher.js';
import type { CgroupPlan } from '../../src/core/cgroup/plan.js';
import { detectCgroupLayout } from '../../src/core/cgroup/layout.js';
import { buildSpec } from '../../src/core/jail/spec.js';

const spec = buildSpec(
  { name: 'b', lowerDirs: ['/r'], volumes: [{ host: "/it's", guest: '/src dir', readOnly: true }], env: { CC: 'gcc -O2' }, command: ['make', "it's"] },
  { invoker: { uid: 1000, gid: 1000, home: '/home/u' }, cwd: '/', exists: () => true, isDirectory: () => true },
);

describe('shQuote', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", `'it'\\''s'`],
    ['', "''"],
    ['$(x) `y` "z"', `'$(x) \`y\` "z"'`],
  ])('%s', (word, want) => {
    expect(shQuote(word)).toBe(want);
    expect(execFileSync('/bin/sh', ['-c', `printf %s ${shQuote(word)}`]).toString()).toBe(word);
  });
});

describe('renderLauncher', () => {
  it('renders the spec as a readable prelude', () => {
    const p = renderPrelude(spec);
    expect(p).toContain("MC_NAME='b'");
    expect(p).toContain("MC_LOWERS='/r'");
    expect(p).toContain(`mc_vol '/it'\\''s' '/src dir' ro`);
    expect(p).toContain(`export CC='gcc -O2'`);
    expect(p).toContain("MC_USER='1000:1000'");
  });

  it('is valid POSIX sh, and its built-in command survives quoting', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-launcher-'));
    const file = path.join(dir, 'l.sh');
    writeFileSync(file, renderLauncher(spec));
    execFileSync('/bin/sh', ['-n', file]);
    // Source the whole launcher with the `none` stage (defines, runs nothing), then expand
    // the built-in command as the launcher does.
    const out = execFileSync('/bin/sh', ['-c', `MC_STAGE=none; . '${file}'; eval "set -- $MC_COMMAND"; printf '<%s>' "$@"`]).toString();
    expect(out).toBe("<make><it's>");
  });
});

describe('renderResources', () => {
  const facts = { invoker: { uid: 1000, gid: 1000, home: '/home/u' }, cwd: '/', exists: () => true, isDirectory: () => true };
  const V2 = detectCgroupLayout('30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw');
  const lease = { name: 'b', ip: '10.213.0.9', prefix: 24, gateway: '10.213.0.1', mac: '02:00:00:00:00:09' };

  it('without network or cgroup: host, and functions that do nothing', () => {
    const text = renderResources(spec).join('\n');
    expect(text).toContain("MC_NET='host'");
    expect(text).toContain("MC_CGROUP=''");
    expect(text).toContain('mc_cg_setup() { :; }');
    expect(text).toContain('mc_cg_move() { :; }');
    expect(text).toContain('mc_net_up() { :; }');
  });

  it('with limits and a private network: the cgroup set-up, join, and the plumbing; valid sh', () => {
    const s = buildSpec({ name: 'b', network: 'private', memory: '64m', bridgeNetns: '/proc/77/ns/net' }, { ...facts, cgroupLayout: V2, lease });
    const text = renderResources(s).join('\n');
    expect(text).toContain("MC_NET='private'");
    expect(text).toMatch(/echo '67108864' > '\/sys\/fs\/cgroup\/micro-container\/b\.[0-9a-f]{8}\/memory\.max'/);
    expect(text).toMatch(/MC_CG_OOM='\/sys\/fs\/cgroup\/micro-container\/b\.[0-9a-f]{8}\/memory\.events'/);
    expect(text).toContain('nsenter --net=/proc/77/ns/net ip link add name mc0 type bridge');
    expect(text).toContain('address 02:00:00:00:00:09');
    // Moving PID 1 in is strict (limits apply to it); a joining session's move is best effort.
    expect(text).toMatch(/mc_cg_move\(\) \{\n  for mc_p; do\n    echo "\$mc_p" > '[^']+\/cgroup\.procs' \|\| \{ mc_say/);
    expect(text).toMatch(/mc_cg_join\(\) \{\n  for mc_p; do\n    \{ echo "\$mc_p" > '[^']+\/cgroup\.procs'; \} 2>\/dev\/null \|\| :/);
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-launcher-'));
    const file = path.join(dir, 'l.sh');
    writeFileSync(file, renderLauncher(s));
    execFileSync('/bin/sh', ['-n', file]);
    // The list of cgroup directories survives quoting: sourced, it expands to the leaf.
    const out = execFileSync('/bin/sh', ['-c', `MC_STAGE=none; . '${file}'; eval "set -- $MC_CG_DIRS"; printf '<%s>' "$@"`]).toString();
    expect(out).toMatch(/^<\/sys\/fs\/cgroup\/micro-container\/b\.[0-9a-f]{8}>$/);
  });
});

describe('renderCgroupSteps', () => {
  const dirs = { name: 'b', v1: {} };
  it.each<[string, CgroupPlan, string[]]>([
    [
      'a run of mkdir steps is one mkdir; only required directories are checked',
      {
        dirs,
        steps: [
          { op: 'mkdir', path: '/c/memory/mc/b' },
          { op: 'mkdir', path: "/c/it's/mc/b" },
          { op: 'mkdir', path: '/c/unified/mc/b', optional: true },
        ],
        join: [{ path: '/c/memory/mc/b/cgroup.procs' }, { path: '/c/unified/mc/b/cgroup.procs', optional: true }],
      },
      [
        `mkdir -p -- '/c/memory/mc/b' '/c/it'\\''s/mc/b' '/c/unified/mc/b' 2>/dev/null`,
        `[ -d '/c/memory/mc/b' ] || mkdir -p -- '/c/memory/mc/b' || { mc_say 'cannot create the cgroup /c/memory/mc/b'; return 1; }`,
        `[ -d '/c/it'\\''s/mc/b' ] || mkdir -p -- '/c/it'\\''s/mc/b' || { mc_say 'cannot create the cgroup /c/it'\\''s/mc/b'; return 1; }`,
        'for mc_p; do',
        `  echo "$mc_p" > '/c/memory/mc/b/cgroup.procs' || { mc_say "cannot move process $mc_p into the cgroup "'/c/memory/mc/b'; return 1; }`,
        `  { echo "$mc_p" > '/c/unified/mc/b/cgroup.procs'; } 2>/dev/null || :`,
        'done',
      ],
    ],
    [
      'mkdir steps split by writes stay in order',
      {
        dirs,
        steps: [
          { op: 'mkdir', path: '/c/mc' },
          { op: 'write', path: '/c/cgroup.subtree_control', value: '+memory' },
          { op: 'mkdir', path: '/c/mc/b' },
          { op: 'write', path: '/c/mc/b/memory.max', value: '1024' },
          { op: 'write', path: '/c/mc/b/memory.swap.max', value: '0', ifExists: true },
        ],
        join: [{ path: '/c/mc/b/cgroup.procs' }],
      },
      [
        `mkdir -p -- '/c/mc' 2>/dev/null`,
        `[ -d '/c/mc' ] || mkdir -p -- '/c/mc' || { mc_say 'cannot create the cgroup /c/mc'; return 1; }`,
        `echo '+memory' > '/c/cgroup.subtree_control' || { mc_say 'cannot write +memory to /c/cgroup.subtree_control'; return 1; }`,
        `mkdir -p -- '/c/mc/b' 2>/dev/null`,
        `[ -d '/c/mc/b' ] || mkdir -p -- '/c/mc/b' || { mc_say 'cannot create the cgroup /c/mc/b'; return 1; }`,
        `echo '1024' > '/c/mc/b/memory.max' || { mc_say 'cannot write 1024 to /c/mc/b/memory.max'; return 1; }`,
        `[ ! -e '/c/mc/b/memory.swap.max' ] || echo '0' > '/c/mc/b/memory.swap.max' || { mc_say 'cannot write 0 to /c/mc/b/memory.swap.max'; return 1; }`,
        'for mc_p; do',
        `  echo "$mc_p" > '/c/mc/b/cgroup.procs' || { mc_say "cannot move process $mc_p into the cgroup "'/c/mc/b'; return 1; }`,
        'done',
      ],
    ],
  ])('%s', (_, plan, lines) => {
    expect(renderCgroupSteps(plan)).toBe(lines.join('\n') + '\n');
  });

  /** Runs `mc_cg_setup ARGS` rendered from PLAN in sh; its status and stderr. */
  function runSetup(plan: CgroupPlan, args: string[]): { status: number; stderr: string } {
    const body = renderCgroupSteps(plan);
    const script = `mc_say() { printf '%s\\n' "$*" >&2; }\nmc_cg_setup() {\n${body}}\nmc_cg_setup "$@"`;
    try {
      execFileSync('/bin/sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      return { status: 0, stderr: '' };
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      return { status: err.status, stderr: err.stderr.toString() };
    }
  }

  it('run by sh: makes the directories, writes the files, moves each pid; skips what is optional', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-launcher-'));
    try {
      const a = path.join(dir, "it's a", 'mc', 'b');
      const b = path.join(dir, 'b', 'mc', 'b');
      const plan: CgroupPlan = {
        dirs,
        steps: [
          { op: 'mkdir', path: a },
          { op: 'mkdir', path: b },
          // Under a regular file: cannot be made, and need not be.
          { op: 'mkdir', path: path.join(dir, 'file', 'x'), optional: true },
          { op: 'write', path: path.join(a, 'limit'), value: '64' },
          { op: 'write', path: path.join(a, 'swap'), value: '0', ifExists: true },
        ],
        join: [{ path: path.join(a, 'procs') }, { path: path.join(b, 'procs') }, { path: path.join(dir, 'file', 'x', 'procs'), optional: true }],
      };
      writeFileSync(path.join(dir, 'file'), '');
      expect(runSetup(plan, ['11', '22'])).toEqual({ status: 0, stderr: '' });
      expect(readFileSync(path.join(a, 'limit'), 'utf8')).toBe('64\n');
      expect(existsSync(path.join(a, 'swap'))).toBe(false);
      // cgroup.procs takes one pid per write; a plain file keeps the last one.
      expect(readFileSync(path.join(a, 'procs'), 'utf8')).toBe('22\n');
      expect(readFileSync(path.join(b, 'procs'), 'utf8')).toBe('22\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run by sh: a required directory that cannot be made is an error that names it, and stops there', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-launcher-'));
    try {
      writeFileSync(path.join(dir, 'file'), '');
      const bad = path.join(dir, 'file', 'mc', 'b');
      const good = path.join(dir, 'ok');
      mkdirSync(good);
      const plan: CgroupPlan = {
        dirs,
        steps: [{ op: 'mkdir', path: good }, { op: 'mkdir', path: bad }, { op: 'write', path: path.join(good, 'limit'), value: '1' }],
        join: [{ path: path.join(good, 'procs') }],
      };
      const r = runSetup(plan, ['7']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`cannot create the cgroup ${bad}`);
      expect(existsSync(path.join(good, 'limit'))).toBe(false);
      expect(existsSync(path.join(good, 'procs'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failed move is an error that names the process and the cgroup', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-launcher-'));
    try {
      const plan: CgroupPlan = { dirs, steps: [], join: [{ path: path.join(dir, 'missing dir', 'cgroup.procs') }] };
      const r = runSetup(plan, ['42']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`cannot move process 42 into the cgroup ${path.join(dir, 'missing dir')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
