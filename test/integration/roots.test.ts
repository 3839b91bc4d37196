import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectHostMountsUnchanged } from '../support/fixture.js';
import { container, scratch, sharedRoot } from '../support/host.js';

// The real roots in ../shared/rootfs: skipped, with a message, where a clone lacks them.
expectHostMountsUnchanged();
const S = scratch('mc-roots-');
afterAll(() => S.cleanup());

for (const kind of ['alpine', 'debian'] as const) {
  const root = sharedRoot(kind);
  if (!root) console.warn(`[skip] ../shared/rootfs has no ${kind} archive: the ${kind} root tests do not run`);
  describe.skipIf(!root)(`the ${kind} root from ../shared/rootfs`, () => {
    const opts = (...more: string[]) => ['-d', path.join(S.dir, 'lib'), '-b', path.join(S.dir, 'base'), '-l', root!, '-n', kind, ...more];

    it('runs its own userland with its own users', async () => {
      const r = await container(opts('-u', 'nobody', '--', 'sh', '-c', 'id -u; cat /etc/os-release | head -1; echo $HOME'));
      expect(r.code).toBe(0);
      const [uid, os] = r.stdout.split('\n');
      expect(uid).toBe('65534');
      expect(os).toMatch(kind === 'alpine' ? /Alpine/ : /Debian/);
    });

    it('resolves names through its /etc/resolv.conf and /etc/hosts', async () => {
      const r = await container(opts('-u', '0:0', '--', 'sh', '-c', 'test -s /etc/resolv.conf && grep -c localhost /etc/hosts'));
      expect(r.code).toBe(0);
    });

    it('keeps what a root build installs for the next run, and never touches the root itself', async () => {
      expect((await container(opts('-u', '0:0', '--', 'sh', '-c', 'mkdir -p /opt/built && echo ok > /opt/built/flag'))).code).toBe(0);
      expect((await container(opts('-u', '0:0', '--', 'cat', '/opt/built/flag'))).stdout).toBe('ok\n');
      const { existsSync } = await import('node:fs');
      expect(existsSync(path.join(root!, 'opt/built'))).toBe(false);
    });
  });
}
