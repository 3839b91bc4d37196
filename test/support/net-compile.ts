import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './host.js';
import { runQuiet } from './net-namespaces.js';

/**
 * src/core/net/MODULE.ts and what it imports, compiled to plain ESM in OUTDIR, so that
 * separate Node processes (not vitest's workers) can run it for real: several at once on
 * one library directory, or inside a network namespace of the test's. Types are not
 * checked here (tsc --noEmit does that): other areas' files it imports may be
 * half-edited. Returns the file: URL of MODULE.js.
 */
export async function compileNet(outDir: string, module = 'allocations'): Promise<string> {
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
  const args = ['--noCheck', '--outDir', outDir, '--rootDir', path.join(REPO, 'src'), '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node'];
  const r = await runQuiet(process.execPath, [tsc, ...args, path.join(REPO, `src/core/net/${module}.ts`)], 60_000);
  if (r.code !== 0) throw new Error(`tsc failed: ${r.stdout}${r.stderr}`);
  // Outside the repository, .js is CommonJS unless a package.json says otherwise.
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  return pathToFileURL(path.join(outDir, `core/net/${module}.js`)).href;
}
