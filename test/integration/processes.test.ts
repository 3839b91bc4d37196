import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { childrenOf, commOf, descendantsOf, processStartTime, signal } from '../../src/core/processes.js';
import { pollUntil } from '../support/net-namespaces.js';

// The /proc readers that let the CLI stop what a joined run started, on real processes.
const started: number[] = [];
afterEach(() => {
  for (const p of started.splice(0)) signal(p, 'SIGKILL');
});

describe('process trees from /proc', () => {
  it('children and descendants of a shell, parents first; its name; a start time that tells a pid apart', async () => {
    // sh -> (sleep, sh -> sleep): a child in the background and a grandchild.
    const sh = spawn('sh', ['-c', 'sleep 40.1 & sh -c "sleep 40.2; :"; wait'], { stdio: 'ignore' });
    started.push(sh.pid!);
    expect(await pollUntil(() => descendantsOf(sh.pid!).length === 3, 100, 50)).toBe(true);
    const kids = childrenOf(sh.pid!);
    const all = descendantsOf(sh.pid!);
    started.push(...all);
    const cmd = (p: number) => readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    expect(kids.map(cmd).sort()).toEqual(['sh -c sleep 40.2; :', 'sleep 40.1']);
    expect(all.slice(0, 2).sort()).toEqual([...kids].sort());
    expect(cmd(all[2]!)).toBe('sleep 40.2');
    expect(commOf(sh.pid!)).toBe('sh');
    expect(processStartTime(sh.pid!)).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).not.toBe(processStartTime(sh.pid!));
  });

  it('a process that is gone, or a zombie, has no start time, children or name', async () => {
    // A child whose parent execs sleep, which never reaps it: a zombie that stays.
    const parent = spawn('sh', ['-c', 'sh -c "exit 0" & exec sleep 40.3'], { stdio: 'ignore' });
    started.push(parent.pid!);
    const state = (p: number) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]![0];
    expect(await pollUntil(() => childrenOf(parent.pid!).some((p) => state(p) === 'Z'), 100, 20)).toBe(true);
    const zombie = childrenOf(parent.pid!).find((p) => state(p) === 'Z')!;
    expect(processStartTime(zombie)).toBeUndefined();
    expect(processStartTime(parent.pid!)).toMatch(/^\d+$/);
    signal(parent.pid!, 'SIGKILL');
    await new Promise((r) => parent.on('close', r));
    for (const gone of [parent.pid!, zombie]) {
      expect(await pollUntil(() => processStartTime(gone) === undefined && commOf(gone) === undefined, 100, 20)).toBe(true);
      expect(childrenOf(gone)).toEqual([]);
      expect(descendantsOf(gone)).toEqual([]);
    }
  });
});
