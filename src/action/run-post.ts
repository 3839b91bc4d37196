import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { currentInvoker } from '../core/identity.js';
import * as core from '@actions/core';
import { runLauncher } from '../core/jail/run.js';
import { release } from '../core/net/allocations.js';
import { saveDecision, saveImage } from './image.js';
import { elevate, ENV_FROM_STDIN_FLAG } from './privilege.js';
import { decodeMainState, decodePlanState, type PhaseRecord, type PlanState, type MainState } from './state.js';
import { saveRootArchive } from './root-cache.js';
import { formatBytes, summaryRows } from './summary.js';
import { stopTrees } from './trees.js';
import { diskUsage, killJail, mountsUnder, removeTree, unmountUnder } from './teardown.js';

async function timed(phases: PhaseRecord[], phase: string, fn: () => Promise<string>): Promise<void> {
  const t0 = performance.now();
  core.startGroup(phase);
  try {
    const detail = await fn();
    core.info(detail);
    phases.push({ phase, ms: Math.round(performance.now() - t0), detail, ok: true });
  } catch (e) {
    core.warning(`${phase}: ${(e as Error).message}`);
    phases.push({ phase, ms: Math.round(performance.now() - t0), detail: (e as Error).message, ok: false });
  } finally {
    core.endGroup();
  }
}

/**
 * Post's work, in reverse order of set-up. Every phase runs even when one before it
 * failed, and each is idempotent, so post can run twice or after a main that stopped
 * half-way: it acts only on what the recorded state names and what is still there.
 */
export async function teardown(planState: PlanState, mainState: MainState): Promise<PhaseRecord[]> {
  const { plan, config } = planState;
  const phases: PhaseRecord[] = [];
  const stateDir = mainState.stateDir;

  // A jail still running (a cancelled step) is killed first, so that the shutdown script
  // then runs in a jail of its own (one that joins a live jail runs no hooks).
  await timed(phases, 'stop', async () => {
    if (mainState.treesHolder) return stopTrees(mainState.treesHolder);
    return stateDir ? killJail(stateDir) : 'no container was set up';
  });

  if (mainState.shutdownLauncher) {
    await timed(phases, 'shutdown', async () => {
      if (!existsSync(mainState.shutdownLauncher!)) return 'already done (the container is gone)';
      const code = await runLauncher(mainState.shutdownLauncher!, { command: ['/bin/sh', '-c', ':'] });
      if (code !== 0) throw new Error(`the shutdown script ${config.shutdown} or its container failed (exit code ${code})`);
      return `ran ${config.shutdown}`;
    });
  }

  await timed(phases, 'save', async () => {
    const upper = mainState.upperDir ? await diskUsage(mainState.upperDir) : undefined;
    const size = upper === undefined ? '' : `; upper layer ${formatBytes(upper)}`;
    const d = saveDecision({
      cacheKey: config.imageCacheKey,
      path: config.saveImage,
      policy: config.saveImageIf,
      failed: (mainState.runExitCode ?? 0) !== 0,
      exactHit: mainState.imageExactHit === true,
    });
    if (!d.save) return `not saved: ${d.reason}${size}`;
    if (!mainState.upperDir || !mainState.stateDir || !existsSync(path.join(mainState.stateDir, 'run.json'))) return `not saved: the container was never set up${size}`;
    const who = currentInvoker();
    const log = { info: (l: string) => core.info(l), notice: (l: string) => core.notice(l), warning: (l: string) => core.warning(l) };
    const t0 = performance.now();
    const img = await saveImage(
      { cacheKey: config.imageCacheKey, path: config.saveImage, policy: config.saveImageIf, failed: false, exactHit: mainState.imageExactHit === true },
      { container: config.name, jailLibraryDir: plan.jailLibraryDir, scratchDir: path.join(plan.jobDir, 'image'), owner: { uid: who.uid, gid: who.gid }, log, env: process.env },
    );
    if (img.path) core.setOutput('image-path', img.path);
    core.setOutput('image-digest', img.digest);
    const where = img.path ? `, written to ${img.path}` : '';
    return `image ${img.digest.slice(0, 19)}: ${formatBytes(img.bytes)} in ${((performance.now() - t0) / 1000).toFixed(1)} s${where}; ${img.cache}${size}`;
  });

  if (mainState.rootCacheSave) {
    const { archive, sha256 } = mainState.rootCacheSave;
    await timed(phases, 'cache', async () => {
      const log = { info: (l: string) => core.info(l), notice: (l: string) => core.notice(l), warning: (l: string) => core.warning(l) };
      const r = await saveRootArchive(archive, sha256, log);
      return r.saved ? `root archive ${formatBytes(r.bytes ?? 0)} saved ${r.detail}` : `root archive ${r.detail}`;
    });
  }

  await timed(phases, 'unmount', async () => {
    const r = await unmountUnder(plan.jobDir);
    if (r.failed.length > 0) throw new Error(`cannot unmount ${r.failed.join(', ')}`);
    return r.unmounted.length > 0 ? `unmounted ${r.unmounted.join(', ')}` : 'nothing was mounted on the host';
  });

  if (mainState.netLease) {
    const { libraryDir, name } = mainState.netLease;
    await timed(phases, 'network', async () => {
      const a = await release(libraryDir, name);
      return a ? `released ${a.ip} of ${name}` : `no address of ${name} was left to release`;
    });
  }

  await timed(phases, 'remove', async () => {
    // Never remove through a mount: a volume still mounted there would lose its files.
    const left = mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), plan.jobDir);
    if (left.length > 0) throw new Error(`not removing ${plan.jobDir}: ${left.join(', ')} still mounted`);
    const removed = [plan.jobDir, plan.wrapperDir].filter((d) => removeTree(d));
    return removed.length > 0 ? `removed ${removed.join(', ')}` : 'nothing left to remove';
  });
  return phases;
}

async function writeSummary(name: string, phases: PhaseRecord[]): Promise<void> {
  const [head, ...rows] = summaryRows(phases);
  try {
    await core.summary
      .addHeading(`micro-container: ${name}`, 3)
      .addTable([head.map((h) => ({ data: h, header: true })), ...rows])
      .write();
  } catch (e) {
    core.warning(`cannot write the job summary: ${(e as Error).message}`);
  }
}

async function postAsRoot(): Promise<void> {
  const planState = decodePlanState(core.getState('plan'));
  if (!planState) {
    core.info('main recorded no container: nothing to clean up');
    return;
  }
  const mainState = decodeMainState(core.getState('main'));
  const post = await teardown(planState, mainState);
  await writeSummary(planState.config.name, [...mainState.phases, ...post]);
  const failed = post.filter((p) => !p.ok && p.phase !== 'save' && p.phase !== 'shutdown');
  if (failed.length > 0) core.setFailed(`clean-up incomplete: ${failed.map((p) => `${p.phase}: ${p.detail}`).join('; ')}`);
}

/** The post step (always runs): tear down from the state main recorded. */
export async function runPost(script = process.argv[1] ?? ''): Promise<void> {
  try {
    // Without a recorded plan there is nothing to clean, and no reason to ask for sudo.
    // (The root side sees the state only once elevate has taken the environment back.)
    if (!process.argv.includes(ENV_FROM_STDIN_FLAG) && !decodePlanState(core.getState('plan'))) {
      core.info('main recorded no container: nothing to clean up');
      return;
    }
    if (!(await elevate(script))) return;
    await postAsRoot();
  } catch (e) {
    core.setFailed((e as Error).message);
  }
}
