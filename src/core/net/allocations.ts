import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { allocateIn, leaseOf, releaseIn, type Allocation, type AllocateOptions, type Lease, type NetworkState } from './address-table.js';
import { withFlock } from './flock.js';
import { DEFAULT_POOL, parsePool } from './pool.js';
import { parseNetworkState, serializeNetworkState } from './resources-file.js';

/**
 * The network's resources file in a library directory, shared by every micro-container
 * process that uses that directory. Each change is a read-modify-write under a flock on
 * a separate lock file, and the new content replaces the old by rename, so a reader
 * (even one that takes no lock) sees either the old or the new file, never half of one,
 * and a crash mid-write leaves the old one.
 */
export function networkFile(libraryDir: string): string {
  return path.join(libraryDir, 'network.json');
}

function lockFile(libraryDir: string): string {
  return path.join(libraryDir, 'network.lock');
}

/** Runs WORK under the network's lock. Not re-entrant: WORK must not call allocate/release/list. */
export function withNetworkLock<T>(libraryDir: string, work: () => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  return withFlock(lockFile(libraryDir), work, options);
}

function readState(file: string): NetworkState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { allocations: [] };
    throw e;
  }
  return parseNetworkState(text, file);
}

function writeState(file: string, state: NetworkState): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, serializeNetworkState(state));
      fsyncSync(fd); // the rename must not reach the disk before the data it names
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

async function update<T>(libraryDir: string, change: (state: NetworkState) => { state: NetworkState; result: T; changed: boolean }): Promise<T> {
  mkdirSync(libraryDir, { recursive: true, mode: 0o700 });
  return withNetworkLock(libraryDir, async () => {
    const file = networkFile(libraryDir);
    const { state, result, changed } = change(readState(file));
    if (changed) writeState(file, state);
    return result;
  });
}

/**
 * Gives container NAME an address and MAC on the library directory's network (POOL, by
 * default 10.213.0.0/24): the ones it already has, else OPTIONS.ip or the first free
 * address, and a new random MAC. Throws ConfigError for a bad name, pool or address, a
 * full pool, or a pool that differs from the one the current allocations use.
 */
export async function allocate(libraryDir: string, name: string, pool: string = DEFAULT_POOL, options: AllocateOptions = {}): Promise<Lease> {
  const parsed = parsePool(pool);
  return update(libraryDir, (state) => {
    const r = allocateIn(state, name, parsed, options);
    return { state: r.state, result: r.lease, changed: r.changed };
  });
}

/** Forgets NAME's allocation; returns it, or undefined when NAME had none. */
export async function release(libraryDir: string, name: string): Promise<Allocation | undefined> {
  return update(libraryDir, (state) => {
    const r = releaseIn(state, name);
    return { state: r.state, result: r.released, changed: r.released !== undefined };
  });
}

/** The network as the file says now: its pool (absent before any allocation) and the leases. */
export async function list(libraryDir: string): Promise<{ pool?: string; leases: Lease[] }> {
  // Reading needs no lock: the file is only ever replaced whole.
  const state = readState(networkFile(libraryDir));
  if (state.pool === undefined) return { leases: [] };
  const pool = parsePool(state.pool);
  return { pool: state.pool, leases: state.allocations.map((a) => leaseOf(a, pool)) };
}
