import { progressBar } from '../core/rootfs/progress.js';

/**
 * A download's progress on a terminal: one line, redrawn in place (at most ten times a
 * second, and once at the end), that other messages clear before they are printed. The
 * clock and the writer are parameters so that tests can drive it.
 */
export class TerminalProgress {
  private shown = false;
  private lastDraw = -Infinity;
  private start: number | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly label: string,
    private readonly columns: () => number = () => 80,
    private readonly now: () => number = () => Date.now(),
  ) {}

  update(p: { received: number; total?: number }): void {
    const t = this.now();
    this.start ??= t;
    const done = p.total !== undefined && p.received >= p.total;
    if (!done && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const seconds = (t - this.start) / 1000;
    const rate = seconds >= 0.5 ? p.received / seconds : undefined;
    const width = Math.max(20, this.columns() - 1);
    const line = `${this.label} ${progressBar(p.received, p.total, rate, width - this.label.length - 1)}`;
    this.write(`\r\x1b[K${line.slice(0, width)}`);
    this.shown = true;
  }

  /** A message line: the bar is cleared first, and redrawn by the next update. */
  log(line: string): void {
    this.clear();
    this.write(`${line}\n`);
  }

  /** Leaves the terminal's line as it was before the bar (call when the download ends). */
  clear(): void {
    if (!this.shown) return;
    this.write('\r\x1b[K');
    this.shown = false;
    this.lastDraw = -Infinity;
  }
}
