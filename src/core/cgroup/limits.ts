import { ConfigError } from '../errors.js';

/**
 * Resource limits as the user writes them (`--memory 512m --cpus 1.5 --pids 100`), parsed
 * into the numbers cgroups take. Pure.
 */
export interface CpuQuota {
  /** Microseconds of CPU time the container may use per period (over all CPUs). */
  quota: number;
  /** Length of the period, in microseconds. */
  period: number;
}

export interface CgroupLimits {
  /** Memory limit in bytes (RAM; the container gets no swap beyond it). */
  memoryBytes?: number;
  /** Most processes (and threads) the container may have at once. */
  pids?: number;
  cpu?: CpuQuota;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Below this a shell cannot start; docker refuses less than 6 MiB too. */
export const MIN_MEMORY_BYTES = 6 * 1024 ** 2;

const MEMORY_FORMS = "a number of bytes with an optional unit b, k, m, g or t (1024-based; 'mb', 'MiB' also work), e.g. 512m, 1.5g, 1048576";

/** '512m', '1g', '1.5G', '256MiB', '1048576' -> bytes. */
export function parseMemory(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m || (m[2] === '' && /[a-z]/i.test(text))) {
    throw new ConfigError(`memory limit '${text}' is not valid: use ${MEMORY_FORMS}`);
  }
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  if (!Number.isSafeInteger(bytes)) throw new ConfigError(`memory limit '${text}' is too large: use ${MEMORY_FORMS}`);
  if (bytes < MIN_MEMORY_BYTES) throw new ConfigError(`memory limit '${text}' is too small: use at least 6m`);
  return bytes;
}

/** The CFS period docker and systemd use: 100 ms. */
export const CPU_PERIOD_US = 100_000;
/** The kernel's smallest quota is 1 ms: 0.01 CPU at our period. */
const MIN_QUOTA_US = 1000;

/** '1.5' -> { quota: 150000, period: 100000 }: one and a half CPUs' time per period. */
export function parseCpus(text: string): CpuQuota {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*$/.exec(text);
  const cpus = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(cpus)) {
    throw new ConfigError(`CPU limit '${text}' is not valid: use a number of CPUs, e.g. 1, 1.5 or 0.25`);
  }
  const quota = Math.round(cpus * CPU_PERIOD_US);
  if (quota < MIN_QUOTA_US) throw new ConfigError(`CPU limit '${text}' is too small: use at least 0.01`);
  if (cpus > 4096) throw new ConfigError(`CPU limit '${text}' is too large: use at most 4096`);
  return { quota, period: CPU_PERIOD_US };
}

/** The kernel's PID_MAX_LIMIT on 64-bit. */
const MAX_PIDS = 4 * 1024 * 1024;

/** '100' -> 100. */
export function parsePids(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PIDS) {
    throw new ConfigError(`process limit '${text}' is not valid: use a whole number from 1 to ${MAX_PIDS}, e.g. 100`);
  }
  return n;
}

/** v2's cpu.max text: "QUOTA PERIOD". */
export function cpuMaxText(cpu: CpuQuota): string {
  return `${cpu.quota} ${cpu.period}`;
}

/** Bytes the way people write them back: 64 MiB, 1.5 GiB, 4096 B. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} B`;
}

/** True when LIMITS asks for anything. */
export function hasLimits(limits: CgroupLimits): boolean {
  return limits.memoryBytes !== undefined || limits.pids !== undefined || limits.cpu !== undefined;
}
