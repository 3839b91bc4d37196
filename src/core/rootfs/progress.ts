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

/**
 * The line a terminal redraws while downloading: `[#########-----------]  27%  12.3 MiB /
 * 45.0 MiB  3.1 MiB/s` in at most WIDTH columns (the bar shrinks, then the speed and the
 * bar go), or without a bar
 * when the size is not known. RATE is bytes per second, left out when not known yet.
 */
export function progressBar(received: number, total: number | undefined, rate: number | undefined, width = 80): string {
  const speed = rate !== undefined && Number.isFinite(rate) && rate > 0 ? `  ${formatBytes(rate)}/s` : '';
  if (total === undefined || !Number.isFinite(total) || total <= 0) return `${formatBytes(received)}${speed}`;
  const fraction = Math.min(1, Math.max(0, received / total));
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const counts = `${percent}  ${formatBytes(received)} / ${formatBytes(total)}`;
  // The speed goes first when the line would not fit.
  const text = counts.length + speed.length <= width ? counts + speed : counts;
  const barWidth = Math.min(30, width - text.length - 4);
  if (barWidth < 5) return text;
  const filled = Math.floor(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
}
