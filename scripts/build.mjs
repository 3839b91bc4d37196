// Bundles the CLI, the library and the action's main and post steps with ncc into dist/ (ESM, with a package.json of
// "type": "module" beside each bundle), as users run them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';

const bundles = [
  ['src/cli/index.ts', 'dist/cli'],
  ['src/core/index.ts', 'dist/lib'],
  // The GitHub Action (action.yml): main and post.
  ['src/action/main.ts', 'dist/main'],
  ['src/action/post.ts', 'dist/post'],
];
for (const [entry, out] of bundles) {
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', out, '-q', '--target', 'es2022'], { stdio: 'inherit' });
  for (const f of readdirSync(out)) if (f.endsWith('.d.ts') || f === 'src' ) rmSync(`${out}/${f}`, { recursive: true, force: true });
  writeFileSync(`${out}/package.json`, '{ "type": "module" }\n');
}
chmodSync('dist/cli/index.js', 0o755);
mkdirSync('dist', { recursive: true });
