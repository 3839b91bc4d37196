/**
 * Human-sized byte counts for progress lines. Binary units, as `du -h` and `curl` print
 * them, with one decimal so that a line that is redrawn does not jump in width much.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `512 B`, `1.5 KiB`, `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0} B`;
  let value = bytes;
  let unit = 0;
  // 1023.96 KiB would print as "1024.0 KiB": move up a unit once rounding would get there.
  while (value >= 1023.95 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * `12.3 MiB / 45.0 MiB (27%)`, or `12.3 MiB` when the size is not known (no
 * Content-Length). The percentage rounds down, so 100% means done.
 */
export function formatProgress(received: number, total?: number): string {
  if (total === undefined || !Number.isFinite(total) || total < 0) return formatBytes(received);
  const percent = total === 0 ? 100 : Math.min(100, Math.max(0, Math.floor((received * 100) / total)));
  return `${formatBytes(received)} / ${formatBytes(total)} (${percent}%)`;
}
