import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/core/rootfs/progress.js';
import { TerminalProgress } from '../../src/cli/terminal-progress.js';

const MiB = 1024 * 1024;

describe('progressBar', () => {
  it.each([
    [0, 100 * MiB, undefined, 80, '[------------------------------]   0%  0 B / 100.0 MiB'],
    [25 * MiB, 100 * MiB, 5 * MiB, 80, '[#######-----------------------]  25%  25.0 MiB / 100.0 MiB  5.0 MiB/s'],
    [100 * MiB, 100 * MiB, 5 * MiB, 80, '[##############################] 100%  100.0 MiB / 100.0 MiB  5.0 MiB/s'],
    // A narrow terminal: the bar shrinks, then goes.
    [50 * MiB, 100 * MiB, undefined, 40, '[#####-----]  50%  50.0 MiB / 100.0 MiB'],
    [50 * MiB, 100 * MiB, 2 * MiB, 30, ' 50%  50.0 MiB / 100.0 MiB'],
    [50 * MiB, 100 * MiB, undefined, 20, ' 50%  50.0 MiB / 100.0 MiB'],
    // No Content-Length: bytes and speed only.
    [3 * MiB, undefined, 1024, 80, '3.0 MiB  1.0 KiB/s'],
    [3 * MiB, undefined, undefined, 80, '3.0 MiB'],
    // More than announced (a lying server) stays at 100%.
    [120, 100, undefined, 80, '[##############################] 100%  120 B / 100 B'],
  ] as [number, number | undefined, number | undefined, number, string][])('%d of %s at %s B/s in %d columns', (received, total, rate, width, want) => {
    const got = progressBar(received, total, rate, width);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(Math.max(width, 30));
  });

  it('fits the width it is given, down to the counts alone', () => {
    for (const width of [26, 30, 40, 50, 60, 120]) {
      expect(progressBar(10 * MiB, 300 * MiB, 2 * MiB, width).length).toBeLessThanOrEqual(width);
    }
  });
});

describe('TerminalProgress', () => {
  function fixture() {
    const out: string[] = [];
    let t = 1_000;
    const p = new TerminalProgress((s) => out.push(s), 'downloading', () => 60, () => t);
    return { out, p, tick: (ms: number) => (t += ms) };
  }

  it('redraws in place at most ten times a second, and always at the end', () => {
    const { out, p, tick } = fixture();
    p.update({ received: 0, total: 1000 });
    tick(50);
    p.update({ received: 100, total: 1000 });
    tick(60);
    p.update({ received: 200, total: 1000 });
    tick(1);
    p.update({ received: 1000, total: 1000 });
    expect(out.length).toBe(3);
    expect(out.every((s) => s.startsWith('\r\x1b[K') && !s.includes('\n'))).toBe(true);
    expect(out[2]).toContain('100%');
    expect(out.every((s) => s.length - 4 <= 59)).toBe(true);
  });

  it('clears the bar before a message line, and at the end', () => {
    const { out, p } = fixture();
    p.log('before');
    p.update({ received: 10, total: 100 });
    p.log('sha256 of x: abc');
    p.clear();
    p.clear();
    expect(out).toEqual(['before\n', expect.stringMatching(/^\r\x1b\[Kdownloading \[/), '\r\x1b[K', 'sha256 of x: abc\n']);
  });

  it('shows the speed once half a second has passed', () => {
    const { out, p, tick } = fixture();
    p.update({ received: 0 });
    tick(1000);
    p.update({ received: 2 * MiB });
    expect(out[0]).toBe('\r\x1b[Kdownloading 0 B');
    expect(out[1]).toBe('\r\x1b[Kdownloading 2.0 MiB  2.0 MiB/s');
  });
});
