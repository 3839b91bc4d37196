import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, run } from '../support/host.js';
import { expectHostMountsUnchanged } from '../support/fixture.js';

// dist/ is what users run: GitHub runs actions on Node 24 (the npm `node@24` package here),
// people run the CLI on whatever Node they have (20 on these machines).
expectHostMountsUnchanged();

const NODES: [string, string | undefined][] = [
  ['Node 24 (npm node@24)', path.join(REPO, 'node_modules/node/bin/node')],
  ['the system Node', ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p))],
];

describe.each(NODES)('the bundled CLI on %s', (_, node) => {
  it.skipIf(!node)('answers --version and runs a jail over the host /', async () => {
    const version = await run(node!, [CLI, '--version']);
    expect(version.stdout).toMatch(/^micro-container \d+\.\d+\.\d+\n$/);
    const r = await run(node!, [CLI, 'run', '--rm', '-u', '0:0', '--', 'sh', '-c', 'echo $(hostname) $$']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^micro-container \d\n$/);
  });

  it.skipIf(!node)('is an ES module bundle with its package.json beside it', () => {
    expect(existsSync(path.join(REPO, 'dist/cli/package.json'))).toBe(true);
  });
});

it('the library bundle loads and exports the core', async () => {
  const lib = await import(path.join(REPO, 'dist/lib/index.js'));
  expect(typeof lib.runContainer).toBe('function');
  expect(typeof lib.renderLauncher).toBe('function');
  expect(lib.VERSION).toMatch(/^\d+\.\d+\.\d+$/);
});
