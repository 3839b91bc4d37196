// Command-line arguments shared by the benchmarks: `--runs N` and `--dir DIR` (where the
// work happens; its filesystem is part of what is measured).
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

export function parseBenchArgs(argv, script, defaults = { runs: 3 }) {
  const usage = `usage: node bench/${script} [--runs N] [--dir DIR]`;
  let runs = defaults.runs;
  let dir = tmpdir();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const v = inline ?? argv[++i];
    if (flag === '--runs') {
      runs = Number(v);
      if (!Number.isInteger(runs) || runs < 1) {
        console.error(`bench: --runs wants a positive integer, got ${v}`);
        process.exit(2);
      }
    } else if (flag === '--dir' && v) {
      dir = resolve(v);
    } else {
      console.error(`bench: unknown argument ${a} (${usage})`);
      process.exit(2);
    }
  }
  return { runs, dir };
}
