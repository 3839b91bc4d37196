import { execFileSync, spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO, 'dist/cli/index.js');
export const SHARED_ROOTFS = path.resolve(REPO, '../shared/rootfs');

/** The host's mount table, as a sorted list of "mountpoint fstype source" (ids change). */
export function hostMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const f = l.split(' ');
      const dash = f.indexOf('-');
      return `${f[4]} ${f[dash + 1]} ${f[dash + 2]}`;
    })
    .sort();
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (no shell), with a time limit. */
export function run(file: string, args: string[], options: SpawnOptions & { input?: string; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

/** Runs the bundled CLI as `container ARGS`. */
export function container(args: string[], options: SpawnOptions & { input?: string; timeoutMs?: number } = {}): Promise<Result> {
  return run(process.execPath, [CLI, 'run', ...args], options);
}

/** A fresh scratch directory, removed by the returned cleanup. */
export function scratch(prefix = 'mc-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sh(cmd: string): string {
  return execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
}

/**
 * A real root extracted once from ../shared/rootfs (Alpine, Debian), or undefined when
 * that archive is not there (a user's clone): tests then skip with a visible message.
 */
export function sharedRoot(kind: 'alpine' | 'debian'): string | undefined {
  const archive = kind === 'alpine' ? 'alpine-minirootfs-3.20.3-x86_64.tar.gz' : 'debian-bookworm.tar.zst';
  const src = path.join(SHARED_ROOTFS, archive);
  if (!existsSync(src)) return undefined;
  const dest = path.join(tmpdir(), 'mc-test-roots', kind);
  if (!existsSync(path.join(dest, '.complete'))) {
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    const flags = kind === 'alpine' ? ['-xzf'] : ['--zstd', '-xf'];
    const r = spawnSync('tar', ['--numeric-owner', '-C', dest, ...flags, src], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`cannot extract ${src}`);
    execFileSync('touch', [path.join(dest, '.complete')]);
  }
  return dest;
}
