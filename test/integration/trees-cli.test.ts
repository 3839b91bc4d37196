import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CLI, run, scratch } from '../support/host.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { buildMiniRoot } from '../support/miniroot.js';

// `micro-container trees clone|ls|rm` from the command line, with containerize using what
// it made. (The clone itself, on btrfs/XFS/ext4, is tested in trees-clone.test.ts.)
expectHostMountsUnchanged();
const S = scratch('mc-trees-cli-');
const TREES = path.join(S.dir, 'trees');
const trees = (...args: string[]) => run(process.execPath, [CLI, 'trees', ...args, '--trees', TREES]);

beforeAll(() => {
  mkdirSync(path.join(TREES, 'g/.container'), { recursive: true });
  buildMiniRoot(path.join(TREES, 'g/template'));
  writeFileSync(path.join(TREES, 'g/template/etc/owner'), 'template\n');
});
afterAll(() => S.cleanup());

describe('micro-container trees', () => {
  it('clone copies a template into a new instance that containerize then runs in', async () => {
    const r = await trees('clone', 'g', 'template', 'one');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // This scratch dir is not on btrfs or XFS-with-reflink here, or it is: the line says which.
    expect(r.stdout).toMatch(new RegExp(`^${path.join(TREES, 'g/one')} \\(.*(btrfs snapshot|reflinked: the data is shared|full copy: this filesystem cannot share extents), \\d+\\.\\d\\d s\\)\\n$`));
    expect(readFileSync(path.join(TREES, 'g/one/etc/owner'), 'utf8')).toBe('template\n');
    expect(statSync(path.join(TREES, 'g/one/home/builder')).uid).toBe(1234);
    const c = await run(process.execPath, [CLI, 'containerize', '--trees', TREES, 'g', 'one', 'sh', '-c', 'echo one > /etc/owner; cat /etc/owner']);
    expect(c.stdout).toBe('one\n');
    expect(readFileSync(path.join(TREES, 'g/template/etc/owner'), 'utf8')).toBe('template\n');
  });

  it('clone --json says how; an existing instance is refused', async () => {
    const r = await trees('clone', 'g', 'template', 'two', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ path: path.join(TREES, 'g/two'), method: expect.stringMatching(/^(snapshot|reflink|copy)$/) });
    expect(j.bytes).toBeGreaterThan(0);
    const again = await trees('clone', 'g', 'template', 'two');
    expect(again.code).toBe(125);
    expect(again.stderr).toMatch(/two/);
    expect(again.stderr).toMatch(/exists/);
  });

  it('ls lists groups and instances, without the group\'s own dot-dirs', async () => {
    expect((await trees('ls')).stdout).toBe('g\n');
    expect((await trees('ls', 'g')).stdout).toBe('one\ntemplate\ntwo\n');
    expect(JSON.parse((await trees('ls', 'g', '--json')).stdout)).toEqual(['one', 'template', 'two']);
    const missing = await trees('ls', 'nope');
    expect(missing.code).toBe(125);
    expect(missing.stderr).toMatch(/no group 'nope'.*g/);
  });

  it('rm is refused while containerize runs in the instance, and works after', async () => {
    const tree = path.join(TREES, 'g/two');
    const live = spawn(process.execPath, [CLI, 'containerize', '--trees', TREES, 'g', 'two', 'sh', '-c', 'touch /up; i=0; while [ ! -e /go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done'], { stdio: 'ignore' });
    onTestFinished(() => void live.kill('SIGKILL'));
    for (let i = 0; i < 400 && !existsSync(path.join(tree, 'up')); i++) await new Promise((r) => setTimeout(r, 50));
    const refused = await trees('rm', 'g', 'two');
    expect(refused.code).toBe(125);
    expect(refused.stderr).toMatch(/g\/two is in use: a containerize session of it is live/);
    expect(existsSync(tree)).toBe(true);
    writeFileSync(path.join(tree, 'go'), '');
    await new Promise((r) => live.on('close', r));
    const removed = await trees('rm', 'g', 'two');
    expect(removed.code).toBe(0);
    expect(removed.stderr).toBe('removed g/two\n');
    expect(existsSync(tree)).toBe(false);
    expect((await trees('ls', 'g')).stdout).toBe('one\ntemplate\n');
  });

  it('bad names and missing templates are clear errors with status 125', async () => {
    const bad = await trees('clone', 'g', 'template', '../escape');
    expect(bad.code).toBe(125);
    expect(bad.stderr).toMatch(/not a valid name/);
    const missing = await trees('clone', 'g', 'nosuch', 'three');
    expect(missing.code).toBe(125);
    expect(missing.stderr).toMatch(/nosuch.*one, template/s);
    expect(existsSync(path.join(TREES, 'g/three'))).toBe(false);
  });
});
