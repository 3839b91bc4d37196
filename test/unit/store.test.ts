import { existsSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/core/rootfs/lock.js';
import { RootStore } from '../../src/core/rootfs/store.js';
import { scratch } from '../support/host.js';

const S = scratch('mc-store-');
afterAll(() => S.cleanup());

describe('RootStore', () => {
  const store = new RootStore(path.join(S.dir, 'lib'));
  const fill = async (tmp: string) => {
    mkdirSync(path.join(tmp, 'etc'), { recursive: true });
    writeFileSync(path.join(tmp, 'etc/os-release'), 'ID=test\n');
  };

  it('makes a root once, names it with a relative link, and lists it', async () => {
    let made = 0;
    const id = 'b'.repeat(64);
    await store.ensureRoot(id, 'https://example/r.tar', async (tmp) => { made++; await fill(tmp); });
    await store.ensureRoot(id, 'https://example/r.tar', async (tmp) => { made++; await fill(tmp); });
    expect(made).toBe(1);
    store.link('one', id);
    store.link('two', id);
    expect(readlinkSync(path.join(S.dir, 'lib/root-one'))).toBe(`store/roots/${id}`);
    expect(store.list().map((r) => [r.name, r.id, r.source])).toEqual([['one', id, 'https://example/r.tar'], ['two', id, 'https://example/r.tar']]);
  });

  it('leaves nothing when making a root fails', async () => {
    const id = 'c'.repeat(64);
    await expect(store.ensureRoot(id, 'x', async (tmp) => { await fill(tmp); throw new Error('broken archive'); })).rejects.toThrow('broken archive');
    expect(existsSync(store.rootDir(id))).toBe(false);
    expect(existsSync(store.lockPath(id))).toBe(false);
  });

  it('two makers at once do the work once', async () => {
    let made = 0;
    const id = 'd'.repeat(64);
    const slow = async (tmp: string) => { made++; await new Promise((r) => setTimeout(r, 200)); await fill(tmp); };
    await Promise.all([store.ensureRoot(id, 'x', slow), store.ensureRoot(id, 'x', slow)]);
    expect(made).toBe(1);
  });

  it('removes a name, and the root when no other name uses it', () => {
    const id = 'b'.repeat(64);
    expect(store.remove('one')).toEqual([path.join(S.dir, 'lib/root-one')]);
    expect(existsSync(store.rootDir(id))).toBe(true);
    expect(store.remove('two')).toContain(store.rootDir(id));
    expect(existsSync(store.rootDir(id))).toBe(false);
    expect(() => store.remove('two')).toThrow(/no root named 'two'/);
  });
});

describe('withFileLock', () => {
  it('takes over a lock whose holder is dead', async () => {
    const file = path.join(S.dir, 'locks/stale.lock');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '999999999\n'); // no such pid
    expect(await withFileLock(file, async () => 'ran')).toBe('ran');
    expect(existsSync(file)).toBe(false);
  });
});
