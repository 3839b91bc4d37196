import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, JailError } from '../../src/core/errors.js';
import { allocate, list, networkFile, parseNetworkState, release, withNetworkLock, type Lease } from '../../src/core/net/index.js';
import { scratch } from '../support/host.js';
import { compileNet } from '../support/net-compile.js';

// The resources file shared by separate processes for real: each child is a fresh Node
// process importing the compiled allocations module, as separate `micro-container` runs
// would. No network interface is touched here.

const S = scratch('mc-net-alloc-');
let moduleUrl: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  moduleUrl = await compileNet(path.join(S.dir, 'build'));
}, 120_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  S.cleanup();
});

// argv: URL LIBRARYDIR OP [NAME]. With BARRIER=1 the child says "ready" once loaded and
// waits for a line on stdin, so that all of them start their operation together.
const CHILD = `
const [url, lib, op, name] = process.argv.slice(1);
const m = await import(url);
if (process.env.BARRIER === '1') {
  process.stdout.write('ready\\n');
  await new Promise((r) => process.stdin.once('data', r));
}
let out;
if (op === 'allocate') out = await m.allocate(lib, name);
else if (op === 'release') out = (await m.release(lib, name)) ?? null;
else if (op === 'list') out = await m.list(lib);
else if (op === 'hold') {
  await m.withNetworkLock(lib, async () => {
    process.stdout.write('locked\\n');
    await new Promise((r) => setTimeout(r, 60000));
  });
}
process.stdout.write(JSON.stringify(out) + '\\n');
`;

interface Child {
  proc: ChildProcess;
  /** Resolves with the first line the child prints. */
  firstLine: Promise<string>;
  /** Resolves with everything it printed and its exit code. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function child(lib: string, op: string, name = '', barrier = false): Child {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', CHILD, moduleUrl, lib, op, name], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, BARRIER: barrier ? '1' : '0' },
  });
  children.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const firstLine = new Promise<string>((resolve) => {
    proc.stdout!.on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    proc.on('close', () => resolve(stdout));
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    proc.on('close', (code) => {
      children.delete(proc);
      resolve({ code, stdout, stderr });
    }),
  );
  // Bounded: no child may outlive its test for long.
  const timer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
  void done.then(() => clearTimeout(timer));
  return { proc, firstLine, done };
}

/** Runs OPS as separate processes that all start their operation at the same moment. */
async function together(lib: string, ops: [string, string][]): Promise<unknown[]> {
  const kids = ops.map(([op, name]) => child(lib, op, name, true));
  const lines = await Promise.all(kids.map((k) => k.firstLine));
  expect(lines).toEqual(ops.map(() => 'ready'));
  for (const k of kids) k.proc.stdin!.end('go\n');
  const results = await Promise.all(kids.map((k) => k.done));
  for (const r of results) expect(r.code, r.stderr).toBe(0);
  return results.map((r) => JSON.parse(r.stdout.split('\n')[1]) as unknown);
}

async function inChild(lib: string, op: string, name = ''): Promise<unknown> {
  const r = await child(lib, op, name).done;
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
}

/** The file as it is on disk: valid (it parses and checks), and with no temp files beside it. */
function onDisk(lib: string): { pool?: string; allocations: { name: string; ip: string; mac: string }[] } {
  const file = networkFile(lib);
  expect(readdirSync(lib).sort()).toEqual(['network.json', 'network.lock']);
  return parseNetworkState(readFileSync(file, 'utf8'), file);
}

describe('allocation under concurrency', () => {
  it('20 processes allocating at once get 20 distinct addresses and MACs, all in the file', async () => {
    const lib = path.join(S.dir, 'lib-20');
    const names = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const leases = (await together(lib, names.map((n) => ['allocate', n]))) as Lease[];
    expect(leases.map((l) => l.name)).toEqual(names);
    expect(new Set(leases.map((l) => l.ip)).size).toBe(20);
    expect(new Set(leases.map((l) => l.mac)).size).toBe(20);
    // Exactly the first 20 container addresses, whoever got which.
    expect(leases.map((l) => Number(l.ip.split('.')[3])).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const file = onDisk(lib);
    expect(file.pool).toBe('10.213.0.0/24');
    expect(file.allocations).toEqual(leases.map(({ name, ip, mac }) => ({ name, ip, mac })));
  });

  it('releases and allocations racing each other leave a consistent file', async () => {
    const lib = path.join(S.dir, 'lib-20');
    const before = onDisk(lib).allocations;
    const ops: [string, string][] = [...before.slice(0, 10).map((a): [string, string] => ['release', a.name]), ...Array.from({ length: 10 }, (_, i): [string, string] => ['allocate', `n${i}`])];
    const results = await together(lib, ops);
    expect((results.slice(0, 10) as { name: string }[]).map((r) => r.name)).toEqual(before.slice(0, 10).map((a) => a.name));
    const after = onDisk(lib).allocations;
    expect(after.map((a) => a.name).sort()).toEqual([...before.slice(10).map((a) => a.name), ...Array.from({ length: 10 }, (_, i) => `n${i}`)].sort());
    // The ones that stayed kept their address and MAC; nobody shares either.
    for (const a of before.slice(10)) expect(after).toContainEqual(a);
    expect(new Set(after.map((a) => a.ip)).size).toBe(20);
    expect(new Set(after.map((a) => a.mac)).size).toBe(20);
  });

  it('also within one process: concurrent allocate calls are serialized by the same lock', async () => {
    const lib = path.join(S.dir, 'lib-inproc');
    const leases = await Promise.all(Array.from({ length: 10 }, (_, i) => allocate(lib, `p${i}`)));
    expect(new Set(leases.map((l) => l.ip)).size).toBe(10);
    expect(onDisk(lib).allocations).toHaveLength(10);
  });
});

describe('persistence across runs', () => {
  it('a name keeps its address and MAC in a fresh process, until it is released', async () => {
    const lib = path.join(S.dir, 'lib-keep');
    const first = (await inChild(lib, 'allocate', 'keep')) as Lease;
    expect(first).toMatchObject({ name: 'keep', ip: '10.213.0.2', prefix: 24, gateway: '10.213.0.1' });
    const other = (await inChild(lib, 'allocate', 'other')) as Lease;
    expect(other.ip).toBe('10.213.0.3');
    expect(await inChild(lib, 'allocate', 'keep')).toEqual(first);
    expect(await allocate(lib, 'keep')).toEqual(first); // and in this process
    expect(((await inChild(lib, 'list')) as { leases: Lease[] }).leases).toEqual([first, other]);

    expect(await inChild(lib, 'release', 'keep')).toEqual({ name: 'keep', ip: first.ip, mac: first.mac });
    expect(await inChild(lib, 'release', 'keep')).toBeNull();
    expect((await list(lib)).leases).toEqual([other]);
    // The freed address goes to the next newcomer; 'keep' coming back is a new allocation.
    const again = (await inChild(lib, 'allocate', 'keep2')) as Lease;
    expect(again.ip).toBe(first.ip);
    expect(again.mac).not.toBe(first.mac);
  });

  it('list on a library without a file is empty; release there creates nothing harmful', async () => {
    const lib = path.join(S.dir, 'lib-empty');
    expect(await list(lib)).toEqual({ leases: [] });
    expect(await release(lib, 'nobody')).toBeUndefined();
    expect(readdirSync(lib)).toEqual(['network.lock']);
  });
});

describe('the lock and the file', () => {
  it('a holder that is SIGKILLed frees the lock (the kernel drops a flock with its process)', async () => {
    const lib = path.join(S.dir, 'lib-lock');
    const holder = child(lib, 'hold');
    expect(await holder.firstLine).toBe('locked');
    const waited = withNetworkLock(lib, async () => 'never', { timeoutMs: 1000 });
    await expect(waited).rejects.toThrow(JailError);
    await expect(waited).rejects.toThrow(`timed out after 1 s waiting for the lock ${path.join(lib, 'network.lock')}: another micro-container process holds it`);
    holder.proc.kill('SIGKILL');
    await holder.done;
    expect(await withNetworkLock(lib, async () => 'ok', { timeoutMs: 10_000 })).toBe('ok');
    expect((await allocate(lib, 'after')).ip).toBe('10.213.0.2');
  });

  it('a corrupt file is an error naming it and what to do, and is left as it was', async () => {
    const lib = path.join(S.dir, 'lib-bad');
    mkdirSync(lib, { recursive: true });
    const file = networkFile(lib);
    writeFileSync(file, '{"version": 1, "pool": "10.213.0.0/24", "allocations": [');
    const attempt = allocate(lib, 'x');
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(`${file} is not a valid network resources file: not JSON`);
    await expect(attempt).rejects.toThrow(/fix it, or remove it if no container is using the network$/);
    await expect(list(lib)).rejects.toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "pool": "10.213.0.0/24", "allocations": [');
  });

  it('a bad name or pool is refused before the file is touched', async () => {
    const lib = path.join(S.dir, 'lib-refuse');
    await expect(allocate(lib, 'bad name')).rejects.toThrow(ConfigError);
    await expect(allocate(lib, 'ok', '10.213.0.0/31')).rejects.toThrow(/between 8 and 30/);
    await allocate(lib, 'ok', '10.77.0.0/29');
    await expect(allocate(lib, 'other', '10.213.0.0/24')).rejects.toThrow('the network already uses the pool 10.77.0.0/29 (containers: ok)');
    expect(onDisk(lib).allocations.map((a) => a.name)).toEqual(['ok']);
  });
});
