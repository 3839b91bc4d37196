import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLauncher, renderPrelude, renderResources, shQuote } from '../../src/core/jail/launcher.js';
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
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-launcher-'));
    const file = path.join(dir, 'l.sh');
    writeFileSync(file, renderLauncher(s));
    execFileSync('/bin/sh', ['-n', file]);
    // The list of cgroup directories survives quoting: sourced, it expands to the leaf.
    const out = execFileSync('/bin/sh', ['-c', `MC_STAGE=none; . '${file}'; eval "set -- $MC_CG_DIRS"; printf '<%s>' "$@"`]).toString();
    expect(out).toMatch(/^<\/sys\/fs\/cgroup\/micro-container\/b\.[0-9a-f]{8}>$/);
  });
});
