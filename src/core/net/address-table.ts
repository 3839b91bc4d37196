import { ConfigError } from '../errors.js';
import { validName } from '../jail/spec.js';
import { ipToNumber, isIpv4, numberToIp } from './ipv4.js';
import { generateMac, type RandomBytes } from './mac.js';
import { isContainerAddress, type Pool } from './pool.js';

/** One container's place on the network, as the resources file keeps it. */
export interface Allocation {
  name: string;
  ip: string;
  mac: string;
}

/** The resources file's content: the pool in use and who has which address. */
export interface NetworkState {
  /** The pool the allocations come from; absent before the first allocation. */
  pool?: string;
  /** Sorted by name, so the file diffs and reads well. */
  allocations: Allocation[];
}

/** An allocation with what a container needs to configure its interface. */
export interface Lease extends Allocation {
  prefix: number;
  gateway: string;
}

export interface AllocateOptions {
  /** A fixed address for this container (a "static IP"); by default the first free one. */
  ip?: string;
  /** Random bytes for the MAC; crypto.randomBytes by default. */
  random?: RandomBytes;
}

export function leaseOf(allocation: Allocation, pool: Pool): Lease {
  return { ...allocation, prefix: pool.prefix, gateway: pool.gateway };
}

function checkName(name: string): void {
  if (!validName(name)) {
    throw new ConfigError(`container name '${name}' is not valid for the network: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
  }
}

/**
 * Gives NAME an address in POOL: the one it already has, else the requested one, else the
 * lowest free one. Pure: returns the new state (the input is not changed) and the lease.
 * A known name keeps its MAC too, so its neighbours' ARP caches stay right across restarts.
 */
export function allocateIn(state: NetworkState, name: string, pool: Pool, options: AllocateOptions = {}): { state: NetworkState; lease: Lease; changed: boolean } {
  checkName(name);
  if (state.pool !== undefined && state.pool !== pool.cidr && state.allocations.length > 0) {
    const names = state.allocations.map((a) => a.name).join(', ');
    throw new ConfigError(`the network already uses the pool ${state.pool} (containers: ${names}); ask for that pool, or release those containers before changing it to ${pool.cidr}`);
  }
  const mine = state.allocations.find((a) => a.name === name);
  const others = state.allocations.filter((a) => a.name !== name);
  const want = options.ip;
  if (want !== undefined) {
    if (!isIpv4(want)) throw new ConfigError(`'${want}' is not an IPv4 address`);
    if (!isContainerAddress(pool, want)) {
      throw new ConfigError(`${want} cannot be a container's address in ${pool.cidr}: use ${numberToIp(pool.first)} to ${numberToIp(pool.last)} (${pool.gateway} is the bridge's)`);
    }
    const holder = others.find((a) => a.ip === want);
    if (holder) throw new ConfigError(`${want} is already the address of container '${holder.name}'`);
  }
  if (mine && (want === undefined || want === mine.ip)) {
    return { state: { pool: pool.cidr, allocations: state.allocations }, lease: leaseOf(mine, pool), changed: state.pool !== pool.cidr };
  }
  const ip = want ?? firstFree(others, pool);
  const mac = mine?.mac ?? generateMac(others.map((a) => a.mac), options.random);
  const allocation = { name, ip, mac };
  const allocations = [...others, allocation].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { state: { pool: pool.cidr, allocations }, lease: leaseOf(allocation, pool), changed: true };
}

function firstFree(others: Allocation[], pool: Pool): string {
  const used = new Set(others.map((a) => ipToNumber(a.ip)));
  for (let n = pool.first; n <= pool.last; n++) if (!used.has(n)) return numberToIp(n);
  throw new ConfigError(`the network pool ${pool.cidr} is full (${pool.last - pool.first + 1} containers): release some, or use a larger pool`);
}

/** Forgets NAME's allocation. Pure; releasing an unknown name changes nothing. */
export function releaseIn(state: NetworkState, name: string): { state: NetworkState; released?: Allocation } {
  const released = state.allocations.find((a) => a.name === name);
  if (!released) return { state };
  return { state: { ...state, allocations: state.allocations.filter((a) => a !== released) }, released };
}
