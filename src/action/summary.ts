import type { PhaseRecord } from './state.js';

/**
 * The job summary: one table of what main and post did, how long each phase took and
 * what it moved. Pure: the rows are computed here, written with core.summary by post.
 */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Header row first; then one row per phase, in order, and a total. */
export function summaryRows(phases: PhaseRecord[]): string[][] {
  const rows = [['Phase', 'Result', 'Time', 'Details']];
  for (const p of phases) rows.push([p.phase, p.ok ? 'ok' : 'failed', formatDuration(p.ms), p.detail]);
  rows.push(['total', phases.every((p) => p.ok) ? 'ok' : 'failed', formatDuration(phases.reduce((a, p) => a + p.ms, 0)), '']);
  return rows;
}
