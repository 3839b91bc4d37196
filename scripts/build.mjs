// Bundles the CLI, the library and the action's main and post steps with ncc into dist/
// (ESM, with a package.json of "type": "module" beside each bundle), as users run them.
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const bundles = [
  ['src/cli/index.ts', 'dist/cli'],
  ['src/core/index.ts', 'dist/lib'],
  // The GitHub Action (action.yml): main and post.
  ['src/action/main.ts', 'dist/main'],
  ['src/action/post.ts', 'dist/post'],
];

// ncc under Node 24 has been seen to die of a V8 fatal error ("unreachable code", SIGTRAP)
// on a loaded machine, and to pass when run again: a death by signal is retried, a type
// or build error (an exit status) is not.
function ncc(entry, out) {
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', out, '-q', '--target', 'es2022'], { stdio: 'inherit' });
    if (r.status === 0) return;
    if (r.signal && attempt < 3) {
      console.error(`build: ncc died of ${r.signal} bundling ${entry}; trying again (${attempt + 1} of 3)`);
      continue;
    }
    console.error(`build: ncc failed bundling ${entry} (${r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`})`);
    process.exit(1);
  }
}

for (const [entry, out] of bundles) {
  // Built beside its place and swapped in, so that dist/ never lacks a bundle while a
  // build runs (tests that are running use it).
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  ncc(entry, tmp);
  for (const f of readdirSync(tmp)) if (f.endsWith('.d.ts') || f === 'src') rmSync(`${tmp}/${f}`, { recursive: true, force: true });
  writeFileSync(`${tmp}/package.json`, '{ "type": "module" }\n');
  const old = `${out}.old-${process.pid}`;
  try {
    renameSync(out, old);
  } catch {
    // no earlier build
  }
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
}
chmodSync('dist/cli/index.js', 0o755);
