// Command-line arguments shared by the benchmarks: `--runs N` and `--dir DIR` (where the
// work happens; its filesystem is part of what is measured).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

/**
 * Compiles ENTRY (a path under src/, relative to the project) and what it imports with the
 * project's tsc into BUILD, as ES modules, and returns BUILD's copy of it as a .js path.
 * The library's inner functions are not exported from dist/, and timing them in-process
 * leaves Node's start-up out of the figure. Exits the bench when tsc fails.
 */
export function compileForBench(projectDir, entry, build) {
  const r = spawnSync(
    process.execPath,
    [join(projectDir, 'node_modules/typescript/bin/tsc'), '--outDir', build, '--rootDir', projectDir, '--target', 'ES2022', '--module', 'NodeNext',
      '--moduleResolution', 'NodeNext', '--strict', '--skipLibCheck', '--types', 'node', join(projectDir, entry)],
    { cwd: projectDir, encoding: 'utf8' },
  );
  if (r.status !== 0) {
    console.error(`bench: cannot compile ${entry}:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  writeFileSync(join(build, 'package.json'), '{"type":"module"}\n');
  return join(build, entry.replace(/\.ts$/, '.js'));
}
