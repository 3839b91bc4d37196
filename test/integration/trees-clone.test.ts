import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { cloneInstance, ensureInstance, liveKeeper, removeInstance, TreesError } from '../../src/core/trees/clone.js';
import { containerizeStatePath, listGroups, listInstances } from '../../src/core/trees/layout.js';
import { REPO, scratch } from '../support/host.js';
import { buildTemplate, extents, hasTools, loopsIn, mountsIn, ScratchFilesystems, snapshot, usedBytes } from '../support/trees-fs.js';

const missing = process.geteuid?.() === 0 ? hasTools('mkfs.btrfs', 'mkfs.xfs', 'mkfs.ext4', 'filefrag', 'setfattr', 'getfattr', 'setfacl', 'losetup', 'setpriv') : ['root'];
if (missing.length) console.warn(`trees-clone tests skipped: missing ${missing.join(', ')} (as root: apt-get install btrfs-progs xfsprogs e2fsprogs attr acl util-linux)`);

const S = scratch('mc-trees-');
const fss = new ScratchFilesystems(S.dir);
afterAll(() => {
  fss.teardown();
  S.cleanup();
});

/** The instances' names in GROUPDIR and anything else there (temps, locks). */
const entries = (groupDir: string) => readdirSync(groupDir).sort();

/** The pid of a running `cp` whose parent is PARENT, polled every 2 ms for at most 10 s. */
async function runningCp(parent: number): Promise<number> {
  for (let i = 0; i < 5000; i++) {
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(') ');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (comm === 'cp' && ppid === parent) return Number(pid);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`no cp child of ${parent} appeared within 10 s`);
}

function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe.skipIf(missing.length > 0)('trees clone', () => {
  const fs: Record<string, string> = {};
  beforeAll(() => {
    fs.btrfs = fss.loop('btrfs');
    fs.xfs = fss.loop('xfs');
    fs.ext4 = fss.loop('ext4');
    fs.tmpfs = fss.tmpfs('200m');
  });

  describe.each([
    ['btrfs', true],
    ['xfs', true],
    ['ext4', false],
    ['tmpfs', false],
  ] as const)('on %s', (kind, reflinks) => {
    const trees = () => path.join(fs[kind]!, 'trees');

    it(`copies every path with its type, mode, owner, size, target, content, xattrs, hard links and times (reflinked: ${reflinks})`, async () => {
      buildTemplate(path.join(trees(), 'ci', 'template'));
      mkdirSync(path.join(trees(), 'ci', '.container'));
      const want = snapshot(path.join(trees(), 'ci', 'template'));
      // The template has what the test claims to check.
      expect(want['usr/bin/ping']!.xattrs).toContain('security.capability=0x0100000200200000000000000000000000000000');
      expect(want['home/u/file']!.xattrs.some((x) => x.startsWith('system.posix_acl_access='))).toBe(true);
      expect(want['sgid']!.xattrs.some((x) => x.startsWith('system.posix_acl_default='))).toBe(true);
      expect(want['d/hard1']!.links).toEqual(['d/e/hard2', 'etc/hard3']);
      expect(Object.values(want).map((e) => e.type).sort()).toEqual(expect.arrayContaining(['block', 'char', 'fifo', 'socket', 'symlink']));

      const r = await cloneInstance({ trees: trees(), group: 'ci', from: 'template', to: 'job1' });
      expect(r.path).toBe(path.join(trees(), 'ci', 'job1'));
      expect(r.reflinked).toBe(reflinks);
      expect(r.method).toBe(reflinks ? 'reflink' : 'copy');
      const du = spawnSync('du', ['-s', '-b', path.join(trees(), 'ci', 'template')], { encoding: 'utf8' }).stdout;
      expect(r.bytes).toBe(Number(du.split('\t')[0]));
      expect(r.bytes).toBeGreaterThan(3_000_000);
      expect(r.seconds).toBeGreaterThan(0);

      expect(snapshot(r.path)).toEqual(want);
      // The sparse file stayed sparse.
      const sparse = spawnSync('stat', ['-c', '%b %B %s', path.join(r.path, 'sparse')], { encoding: 'utf8' }).stdout.split(' ').map(Number);
      expect(sparse[0]! * sparse[1]!).toBeLessThan(sparse[2]! / 4);
      // Nothing else appeared in the group: no temp, no lock, no probe.
      expect(entries(path.join(trees(), 'ci'))).toEqual(['.container', 'job1', 'template']);
      expect(listInstances(trees(), 'ci')).toEqual(['job1', 'template']);
    });

    if (kind === 'btrfs' || kind === 'xfs') {
      it('shares the data: a 100 MB file costs next to no space, its extents are the template\'s, marked shared', async () => {
        const big = path.join(trees(), 'ci', 'large');
        mkdirSync(big);
        spawnSync('sh', ['-c', `head -c 100M /dev/urandom > "${big}/blob"`]);
        const before = usedBytes(fs[kind]!);
        const r = await cloneInstance({ trees: trees(), group: 'ci', from: 'large', to: 'large2' });
        const grew = usedBytes(fs[kind]!) - before;
        expect(r.reflinked).toBe(true);
        expect(r.bytes).toBeGreaterThanOrEqual(100 * 1024 * 1024);
        expect(grew).toBeLessThan(4 * 1024 * 1024);
        const a = extents(path.join(big, 'blob'));
        const b = extents(path.join(r.path, 'blob'));
        expect(b.physical).toEqual(a.physical);
        expect(b.shared).toBe(true);
        expect(readFileSync(path.join(r.path, 'blob')).equals(readFileSync(path.join(big, 'blob')))).toBe(true);
      });
    } else if (kind === 'ext4') {
      it('falls back to a full copy: the clone\'s extents are its own, the used space grows by the data', async () => {
        const big = path.join(trees(), 'ci', 'large');
        mkdirSync(big);
        spawnSync('sh', ['-c', `head -c 20M /dev/urandom > "${big}/blob"`]);
        const before = usedBytes(fs[kind]!);
        const r = await cloneInstance({ trees: trees(), group: 'ci', from: 'large', to: 'large2' });
        expect(usedBytes(fs[kind]!) - before).toBeGreaterThanOrEqual(20 * 1024 * 1024);
        expect(r.reflinked).toBe(false);
        const a = extents(path.join(big, 'blob'));
        const b = extents(path.join(r.path, 'blob'));
        expect(b.shared).toBe(false);
        expect(b.physical.some((p) => a.physical.includes(p))).toBe(false);
      });
    } else {
      it('falls back to a full copy: the used space grows by the data', async () => {
        const big = path.join(trees(), 'ci', 'large');
        mkdirSync(big);
        spawnSync('sh', ['-c', `head -c 20M /dev/urandom > "${big}/blob"`]);
        const before = usedBytes(fs[kind]!);
        const r = await cloneInstance({ trees: trees(), group: 'ci', from: 'large', to: 'large2' });
        expect(r.reflinked).toBe(false);
        expect(usedBytes(fs[kind]!) - before).toBeGreaterThanOrEqual(20 * 1024 * 1024);
      });
    }
  });

  describe('btrfs subvolumes', () => {
    const trees = () => path.join(fs.btrfs!, 'trees-sv');
    const group = () => path.join(trees(), 'sv');
    const ino = (p: string) => lstatSync(p, { bigint: true }).ino;
    const subvolumes = () => spawnSync('btrfs', ['subvolume', 'list', '-o', fs.btrfs!], { encoding: 'utf8' }).stdout;

    it('a template that is a subvolume is snapshotted: the same tree, a subvolume itself, deleted as one', async () => {
      mkdirSync(group(), { recursive: true });
      const template = path.join(group(), 'template');
      expect(spawnSync('btrfs', ['-q', 'subvolume', 'create', template]).status).toBe(0);
      buildTemplate(template);
      const r = await cloneInstance({ trees: trees(), group: 'sv', from: 'template', to: 'snap' });
      expect(r).toMatchObject({ method: 'snapshot', reflinked: true });
      expect(r.bytes).toBeGreaterThan(3_000_000);
      expect(ino(r.path)).toBe(256n); // the top of a subvolume
      expect(snapshot(r.path)).toEqual(snapshot(template));
      expect(subvolumes()).toMatch(/ path trees-sv\/sv\/snap\n/);
      expect(entries(group())).toEqual(['snap', 'template']);

      await removeInstance({ trees: trees(), group: 'sv', instance: 'snap' });
      expect(subvolumes()).not.toMatch(/snap/);
      expect(entries(group())).toEqual(['template']);
    });

    it('a subvolume with another nested in it is copied with reflinks, the nested one\'s files included', async () => {
      const nested = path.join(group(), 'template', 'var', 'lib', 'machines');
      mkdirSync(path.dirname(nested), { recursive: true });
      expect(spawnSync('btrfs', ['-q', 'subvolume', 'create', nested]).status).toBe(0);
      writeFileSync(path.join(nested, 'inside'), 'kept');
      const r = await cloneInstance({ trees: trees(), group: 'sv', from: 'template', to: 'copy' });
      expect(r).toMatchObject({ method: 'reflink', reflinked: true });
      expect(readFileSync(path.join(r.path, 'var/lib/machines/inside'), 'utf8')).toBe('kept');
      expect(snapshot(r.path)).toEqual(snapshot(path.join(group(), 'template')));
      await removeInstance({ trees: trees(), group: 'sv', instance: 'copy' });
      expect(entries(group())).toEqual(['template']);
    });
  });

  describe('refusals, concurrency, interruptions (on btrfs)', () => {
    const trees = () => path.join(fs.btrfs!, 'trees');
    const group = () => path.join(trees(), 'ci');
    const nothingOf = (name: string) => entries(group()).filter((e) => e === name || e.startsWith(`.${name}.`));

    it('refuses, saying what to do, and makes nothing', async () => {
      const cases: [Parameters<typeof cloneInstance>[0], RegExp][] = [
        [{ trees: trees(), group: 'ci', from: 'template', to: 'job1' }, /ci\/job1 already exists \(.*\/ci\/job1\): remove it first \(trees rm ci job1\) or clone into another name/],
        [{ trees: trees(), group: 'ci', from: 'nope', to: 'new1' }, /there is no instance 'nope' in group 'ci' \(.*\) to clone: instances there: job1, large, large2, template/],
        [{ trees: trees(), group: 'cd', from: 'template', to: 'new1' }, /there is no group 'cd' in .*\/trees: groups there: ci/],
        [{ trees: trees(), group: 'ci', from: 'template', to: '.hidden' }, /instance '\.hidden' is not a valid name/],
        [{ trees: trees(), group: 'ci', from: 'template', to: 'template' }, /onto itself/],
      ];
      for (const [options, message] of cases) {
        const err = await cloneInstance(options).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).toMatch(message);
      }
      writeFileSync(path.join(group(), 'afile'), '');
      await expect(cloneInstance({ trees: trees(), group: 'ci', from: 'afile', to: 'new1' })).rejects.toThrow(/afile is not a directory, so it is not an instance to clone/);
      rmSync(path.join(group(), 'afile'));
      expect(nothingOf('new1')).toEqual([]);
    });

    it('refuses a template with something mounted inside (cp would copy the mount)', async () => {
      const proc = path.join(group(), 'template', 'd', 'e', 'f');
      mkdirSync(path.join(S.dir, 'elsewhere'));
      fss.bind(path.join(S.dir, 'elsewhere'), proc);
      try {
        const err = await cloneInstance({ trees: trees(), group: 'ci', from: 'template', to: 'new2' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TreesError);
        expect((err as Error).message).toMatch(new RegExp(`cannot clone ci/template: ${proc} is mounted inside it.*unmount`));
      } finally {
        fss.unmount(proc);
      }
      expect(nothingOf('new2')).toEqual([]);
    });

    it('two clones into one name at once: one makes it, the other is told it exists', async () => {
      const results = await Promise.allSettled([
        cloneInstance({ trees: trees(), group: 'ci', from: 'template', to: 'twin' }),
        cloneInstance({ trees: trees(), group: 'ci', from: 'template', to: 'twin' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failed.reason).toBeInstanceOf(ConfigError);
      expect(String(failed.reason.message)).toMatch(/ci\/twin already exists/);
      expect(snapshot(path.join(group(), 'twin'))).toEqual(snapshot(path.join(group(), 'template')));
      expect(nothingOf('twin')).toEqual(['twin']);
    });

    it('ensureInstance from two jobs at once clones once; the second waits and finds it there', async () => {
      let waited = 0;
      const ask = () => ensureInstance({ trees: trees(), group: 'ci', from: 'template', to: 'warm', onWait: () => waited++ });
      const [a, b] = await Promise.all([ask(), ask()]);
      expect([a, b].filter((r) => r === undefined)).toHaveLength(1);
      expect(waited).toBe(1);
      expect(await ask()).toBeUndefined();
      // There already, it needs no template.
      expect(await ensureInstance({ trees: trees(), group: 'ci', from: 'gone', to: 'warm' })).toBeUndefined();
      expect(nothingOf('warm')).toEqual(['warm']);
    });

    describe('an interrupted clone leaves no instance and no temp', () => {
      // Enough files that cp runs for a second or so (btrfs on a loop device: 5000 small
      // files take 1-2 s), against the 2 ms the test needs to catch it running.
      beforeAll(() => {
        const many = path.join(group(), 'many');
        for (let d = 0; d < 25; d++) {
          mkdirSync(path.join(many, String(d)), { recursive: true });
          for (let i = 0; i < 200; i++) writeFileSync(path.join(many, String(d), String(i)), 'x'.repeat(100));
        }
      });

      it('cp killed', async () => {
        const clone = cloneInstance({ trees: trees(), group: 'ci', from: 'many', to: 'cut' }).catch((e: unknown) => e);
        const cp = await runningCp(process.pid);
        expect(nothingOf('cut').some((e) => /^\.cut\.clone-/.test(e))).toBe(true); // the temp, being written
        process.kill(cp, 'SIGKILL');
        const err = await clone;
        expect(err).toBeInstanceOf(TreesError);
        expect((err as Error).message).toMatch(/cloning ci\/many into cut failed: cp -a exited with 137: .*nothing was made at .*\/ci\/cut/);
        expect(nothingOf('cut')).toEqual([]);
      });

      it('aborted through its AbortSignal', async () => {
        const ac = new AbortController();
        const clone = cloneInstance({ trees: trees(), group: 'ci', from: 'many', to: 'cut', signal: ac.signal }).catch((e: unknown) => e);
        await runningCp(process.pid);
        ac.abort();
        const err = await clone;
        expect(err).toBeInstanceOf(TreesError);
        expect((err as Error).message).toBe('clone of ci/many into cut was cancelled; nothing was left behind');
        expect(nothingOf('cut')).toEqual([]);
      });

      it('SIGINT while someone else also listens for it: the clone fails, the process lives on', async () => {
        const listeners = process.listenerCount('SIGINT');
        const other = () => {};
        process.on('SIGINT', other);
        try {
          const clone = cloneInstance({ trees: trees(), group: 'ci', from: 'many', to: 'cut' }).catch((e: unknown) => e);
          await runningCp(process.pid);
          process.kill(process.pid, 'SIGINT');
          const err = await clone;
          expect(err).toBeInstanceOf(TreesError);
          expect((err as Error).message).toBe('clone of ci/many into cut was interrupted by SIGINT; nothing was left behind');
        } finally {
          process.off('SIGINT', other);
        }
        expect(process.listenerCount('SIGINT')).toBe(listeners); // ours are gone
        expect(nothingOf('cut')).toEqual([]);
      });

      describe('in a process of its own', () => {
        let runner = '';
        beforeAll(() => {
          // The library compiled as the bench does, run by a plain node.
          const build = path.join(S.dir, 'build');
          const tsc = spawnSync(
            process.execPath,
            [path.join(REPO, 'node_modules/typescript/bin/tsc'), '--outDir', build, '--rootDir', REPO, '--target', 'ES2022', '--module', 'NodeNext',
              '--moduleResolution', 'NodeNext', '--strict', '--skipLibCheck', '--types', 'node', path.join(REPO, 'src/core/trees/clone.ts')],
            { cwd: REPO, encoding: 'utf8' },
          );
          if (tsc.status !== 0) throw new Error(`tsc: ${tsc.stdout}${tsc.stderr}`);
          writeFileSync(path.join(build, 'package.json'), '{"type":"module"}\n');
          runner = path.join(build, 'clone-runner.mjs');
          writeFileSync(
            runner,
            `import { cloneInstance } from './src/core/trees/clone.js';
const [trees, group, from, to] = process.argv.slice(2);
console.log(JSON.stringify(await cloneInstance({ trees, group, from, to })));
`,
          );
        }, 120_000);

        it('SIGINT with nobody else listening: cleaned up, then the process dies of SIGINT', async () => {
          const child = spawn(process.execPath, [runner, trees(), 'ci', 'many', 'cut'], { stdio: ['ignore', 'pipe', 'pipe'] });
          const exit = waitExit(child);
          await runningCp(child.pid!);
          process.kill(child.pid!, 'SIGINT');
          const { code, signal, stderr } = await exit;
          expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGINT', stderr: '' });
          expect(nothingOf('cut')).toEqual([]);
        });

        it('SIGKILL: cp dies with it; the temp and the lock left behind are removed by the next clone', async () => {
          const child = spawn(process.execPath, [runner, trees(), 'ci', 'many', 'cut'], { stdio: ['ignore', 'pipe', 'pipe'] });
          const exit = waitExit(child);
          const cp = await runningCp(child.pid!);
          // Stopped, cp cannot finish on its own: only its parent's death can end it.
          process.kill(cp, 'SIGSTOP');
          try {
            process.kill(child.pid!, 'SIGKILL');
            expect((await exit).signal).toBe('SIGKILL');
            for (let i = 0; i < 500 && existsSync(`/proc/${cp}`); i++) await new Promise((r) => setTimeout(r, 10));
            expect(existsSync(`/proc/${cp}`)).toBe(false); // not orphaned, still writing
          } finally {
            if (existsSync(`/proc/${cp}`)) process.kill(cp, 'SIGKILL');
          }
          const left = nothingOf('cut');
          expect(left).toHaveLength(2);
          expect(left).toEqual(expect.arrayContaining(['.cut.lock', expect.stringMatching(/^\.cut\.clone-[A-Za-z0-9]{6}$/)]));

          const r = await cloneInstance({ trees: trees(), group: 'ci', from: 'many', to: 'cut' });
          expect(nothingOf('cut')).toEqual(['cut']);
          expect(readdirSync(r.path)).toHaveLength(25);
        });
      });
    });

    it('lists groups and instances, leaving out scripts, overlays, locks, temps and files', () => {
      mkdirSync(path.join(group(), '.overlay', 'job1'), { recursive: true });
      mkdirSync(path.join(group(), '.job9.clone-AbCdEf'));
      writeFileSync(path.join(group(), '.job9.lock'), '1\n');
      writeFileSync(path.join(group(), 'README'), '');
      symlinkSync('template', path.join(group(), 'alias'));
      mkdirSync(path.join(trees(), 'other'));
      mkdirSync(path.join(trees(), '.hidden'));
      try {
        expect(listGroups(trees())).toEqual(['ci', 'other']);
        expect(listInstances(trees(), 'ci')).toEqual(['alias', 'cut', 'job1', 'large', 'large2', 'many', 'template', 'twin', 'warm']);
        expect(listInstances(trees(), 'other')).toEqual([]);
        expect(() => listInstances(trees(), 'nope')).toThrow(/there is no group 'nope' in .*: groups there: ci, other/);
        expect(listGroups(path.join(S.dir, 'no-trees'))).toEqual([]);
      } finally {
        rmSync(path.join(group(), '.job9.clone-AbCdEf'), { recursive: true });
        rmSync(path.join(group(), '.job9.lock'));
        rmSync(path.join(group(), 'README'));
      }
    });

    describe('removeInstance', () => {
      it('removes the instance and its overlay writes, leaving the others', async () => {
        mkdirSync(path.join(group(), '.overlay', 'twin', 'work', 'work'), { recursive: true });
        spawnSync('chmod', ['000', path.join(group(), '.overlay', 'twin', 'work', 'work')]);
        await removeInstance({ trees: trees(), group: 'ci', instance: 'twin' });
        expect(nothingOf('twin')).toEqual([]);
        expect(existsSync(path.join(group(), '.overlay', 'twin'))).toBe(false);
        expect(existsSync(path.join(group(), 'template', 'usr/bin/su'))).toBe(true);
      });

      it('removes a symlinked instance as the link, not what it points to', async () => {
        await removeInstance({ trees: trees(), group: 'ci', instance: 'alias' });
        expect(existsSync(path.join(group(), 'alias'))).toBe(false);
        expect(existsSync(path.join(group(), 'template', 'etc/passwd'))).toBe(true);
      });

      it('refuses a missing instance, naming those there are', async () => {
        const err = await removeInstance({ trees: trees(), group: 'ci', instance: 'twin' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).toMatch(/there is no instance 'twin' in group 'ci' \(.*\) to remove: instances there: cut, job1, large, large2, many, template, warm/);
      });

      it('refuses while something is mounted in it (or in its overlay), and touches nothing', async () => {
        const outside = path.join(S.dir, 'outside');
        mkdirSync(outside);
        writeFileSync(path.join(outside, 'precious'), 'keep');
        for (const where of [path.join(group(), 'warm', 'd'), path.join(group(), '.overlay', 'warm')]) {
          mkdirSync(where, { recursive: true });
          fss.bind(outside, where);
          try {
            const err = await removeInstance({ trees: trees(), group: 'ci', instance: 'warm' }).catch((e: unknown) => e);
            expect(err).toBeInstanceOf(TreesError);
            expect((err as Error).message).toBe(`cannot remove ci/warm: ${where} is mounted in it; unmount them first`);
          } finally {
            fss.unmount(where);
          }
          expect(readFileSync(path.join(outside, 'precious'), 'utf8')).toBe('keep');
          expect(existsSync(path.join(group(), 'warm', 'usr/bin/su'))).toBe(true);
        }
      });

      it('refuses while a containerize session is live; a keeper record of a dead process does not count', async () => {
        const state = containerizeStatePath(trees(), 'ci', 'warm');
        const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
        try {
          await new Promise((r) => sleeper.on('spawn', r));
          const start = readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
          mkdirSync(state, { recursive: true });
          writeFileSync(path.join(state, 'keeper'), `${sleeper.pid} ${start}\n`);
          expect(liveKeeper(trees(), 'ci', 'warm')).toBe(sleeper.pid);
          const err = await removeInstance({ trees: trees(), group: 'ci', instance: 'warm' }).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(TreesError);
          expect((err as Error).message).toBe(`ci/warm is in use: a containerize session of it is live (keeper pid ${sleeper.pid}); end its sessions, then remove it`);
          expect(existsSync(path.join(group(), 'warm'))).toBe(true);

          // The same pid with another start time is another process: the keeper is gone.
          writeFileSync(path.join(state, 'keeper'), `${sleeper.pid} ${Number(start) + 1}\n`);
          expect(liveKeeper(trees(), 'ci', 'warm')).toBeUndefined();
          await removeInstance({ trees: trees(), group: 'ci', instance: 'warm' });
          expect(nothingOf('warm')).toEqual([]);
        } finally {
          sleeper.kill('SIGKILL');
          rmSync(state, { recursive: true, force: true });
        }
      });
    });
  });

  it('leaves nothing mounted and no loop device attached', () => {
    fss.teardown();
    expect(mountsIn(S.dir)).toEqual([]);
    expect(loopsIn(S.dir)).toEqual([]);
  });
});
