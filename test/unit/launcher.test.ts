import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLauncher, renderPrelude, shQuote } from '../../src/core/jail/launcher.js';
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
