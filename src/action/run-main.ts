import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { planContainer } from '../core/container.js';
import { ConfigError } from '../core/errors.js';
import { currentInvoker, type Invoker } from '../core/identity.js';
import { hostFacts } from '../core/jail/host-facts.js';
import { runLauncher, writeLauncher } from '../core/jail/run.js';
import { runRecord, writeAtomic } from '../core/jail/state.js';
import type { Lease } from '../core/net/address-table.js';
import { allocate, list } from '../core/net/allocations.js';
import { renderHosts } from '../core/net/hosts-file.js';
import { parseInputs, type ActionConfig, type InputName } from './inputs.js';
import { containerVolumes, jailConfig, planJob, shellCommand, stepEnvironment, type JobPlan } from './plan.js';
import { checkImageInputs, restoreImage } from './image-restore.js';
import { elevate } from './privilege.js';
import { resolveRoot, type ResolvedRoot } from './root.js';
import { formatBytes } from './summary.js';
import { diskUsage } from './teardown.js';
import { startTrees } from './trees.js';
import { encodePlanState, type MainState, type PhaseRecord } from './state.js';
import { renderWrapper } from './wrapper.js';

/** A phase's outcome: a value, words for the summary, and whether it went well (default: it returned). */
type Phased<T> = { value: T; detail: string; ok?: boolean };

class Phases {
  constructor(private readonly state: MainState, private readonly persist: () => void) {}

  /** Runs FN in a log group, timed; records it (also when it throws) for post's summary. */
  async run<T>(phase: string, fn: () => Promise<Phased<T>>): Promise<T> {
    const t0 = performance.now();
    const record = (ok: boolean, detail: string) => {
      const r: PhaseRecord = { phase, ms: Math.round(performance.now() - t0), detail, ok };
      this.state.phases.push(r);
      this.persist();
    };
    core.startGroup(phase);
    try {
      const { value, detail, ok } = await fn();
      record(ok ?? true, detail);
      return value;
    } catch (e) {
      record(false, (e as Error).message);
      throw e;
    } finally {
      core.endGroup();
    }
  }
}

/** Files and directories main makes in RUNNER_TEMP are the runner user's: the runner removes RUNNER_TEMP itself. */
function ownedByRunner(p: string, who: Invoker): void {
  chownSync(p, who.uid, who.gid);
}

/** Writes the shell wrapper atomically (temp name in the same directory, then rename). */
function installWrapper(plan: JobPlan, text: string, who: Invoker): void {
  const parent = path.dirname(plan.wrapperDir);
  mkdirSync(parent, { recursive: true });
  ownedByRunner(parent, who);
  mkdirSync(plan.wrapperDir, { recursive: true });
  ownedByRunner(plan.wrapperDir, who);
  const tmp = `${plan.wrapperPath}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o755 });
  chmodSync(tmp, 0o755);
  ownedByRunner(tmp, who);
  renameSync(tmp, plan.wrapperPath);
}

/** Inputs that do not combine (with the root kind, or with each other): refused by name, or warned about, before anything is made. */
function notYetWired(cfg: ActionConfig): void {
  if (cfg.rootfs.kind === 'trees' && cfg.network !== 'host') {
    throw new ConfigError("input 'network' does not apply to a trees: root (containerize shares the host's network): remove it");
  }
  if (cfg.rootfs.kind === 'trees' && (cfg.init || cfg.shutdown)) {
    throw new ConfigError("inputs 'init' and 'shutdown' do not apply to a trees: root: its group's .container/bind and .container/stop scripts do that work; remove them");
  }
  if (cfg.rootfs.kind === 'trees' && Object.keys(cfg.env).length > 0) {
    throw new ConfigError("input 'env' does not apply to a trees: root (containerize passes the step's own environment): set the variables in each step's env: instead");
  }
  if (cfg.rootfs.kind === 'trees' && core.getInput('user')) {
    core.warning("input 'user' does not apply to a trees: root: steps run as root inside the instance, as containerize runs them");
  }
  checkImageInputs(cfg);
}

/** The sizes a root came with, for the summary: what was downloaded or restored, and the root on disk. */
async function rootSizes(r: ResolvedRoot): Promise<string> {
  const parts: string[] = [];
  if (r.downloadedBytes !== undefined) parts.push(`downloaded ${formatBytes(r.downloadedBytes)}`);
  if (r.restoredBytes !== undefined) parts.push(`restored ${formatBytes(r.restoredBytes)} from the cache`);
  if (r.sha256) {
    const size = await diskUsage(r.path);
    if (size !== undefined) parts.push(`root ${formatBytes(size)}`);
  }
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

async function mainAsRoot(): Promise<void> {
  const env = process.env;
  const who = currentInvoker();
  const state: MainState = { phases: [] };
  const persist = () => core.saveState('main', JSON.stringify(state));
  const phases = new Phases(state, persist);

  const cfg = parseInputs((n: InputName) => core.getInput(n), { env, uid: who.uid, gid: who.gid });
  const plan = planJob(cfg, env);
  // Recorded before anything is made: post removes what this names, whatever main reached.
  core.saveState(
    'plan',
    encodePlanState({ version: 1, plan, config: { name: cfg.name, imageCacheKey: cfg.imageCacheKey, saveImage: cfg.saveImage, saveImageIf: cfg.saveImageIf, shutdown: cfg.shutdown } }),
  );
  notYetWired(cfg);
  core.setOutput('image-cache-hit', 'false');

  const cacheLog = { info: (l: string) => core.info(l), notice: (l: string) => core.notice(l), warning: (l: string) => core.warning(l) };
  core.setOutput('rootfs-cache-hit', 'false');
  let launchers: { first: string };
  if (cfg.rootfs.kind === 'trees') {
    const trees = cfg.rootfs;
    launchers = await phases.run('trees', async () => {
      const t = await startTrees({
        trees: cfg.treesDir,
        group: trees.group,
        instance: trees.instance,
        template: cfg.treesTemplate,
        workdir: cfg.workdir,
        volumes: containerVolumes(cfg, env),
        jobDir: plan.jobDir,
        log: (l) => core.info(l),
        onHolder: (h) => {
          state.treesHolder = h;
          persist();
        },
      });
      if (t.setupLog.trim()) core.info(t.setupLog.trimEnd());
      state.rootPath = t.tree;
      persist();
      core.setOutput('root-path', t.tree);
      installWrapper(plan, renderWrapper({ name: cfg.name, shellName: cfg.shellName, launcher: t.stepLauncher, shell: cfg.shell, viaSudo: who.uid !== 0 }), who);
      core.addPath(plan.wrapperDir);
      core.setOutput('shell-name', cfg.shellName);
      const clone = t.cloned
        ? `cloned from ${cfg.treesTemplate} by ${t.cloned.method} in ${t.cloned.seconds.toFixed(2)} s (${Number.isNaN(t.cloned.bytes) ? '?' : formatBytes(t.cloned.bytes)})`
        : cfg.treesTemplate
          ? 'instance exists (not cloned)'
          : 'instance';
      core.info(`container ${trees.group}/${trees.instance}: ${t.tree}; later steps: shell: ${cfg.shellName} {0}`);
      return { value: { first: t.stepLauncher }, detail: `${trees.group}/${trees.instance}: ${clone}; container started (bind ran), shell ${cfg.shellName}` };
    });
  } else {
    const root = await phases.run('root', async () => {
      const r = await resolveRoot(cfg.rootfs, { libraryDir: cfg.libraryDir, name: cfg.name, sha256: cfg.rootfsSha256, log: (l) => core.info(l), cache: cfg.cache, cacheLog, env });
      core.info(`root: ${r.path} (${r.detail})`);
      return { value: r, detail: `${r.detail}${await rootSizes(r)}` };
    });
    state.rootPath = root.path;
    if (root.toSave) state.rootCacheSave = root.toSave;
    persist();
    core.setOutput('root-path', root.path);
    core.setOutput('rootfs-cache-hit', String(root.cacheHit));

    let lowerDirs: string[] = [root.path];
    if (cfg.imageCacheKey) {
      const img = await phases.run('image', async () => {
        const r = await restoreImage(cfg, root.path, cacheLog, env);
        const size = r.bytes !== undefined ? `; ${formatBytes(r.bytes)} in ${r.lowerDirs!.length - 1} layer(s)` : '';
        return { value: r, detail: `${r.detail}${size}` };
      });
      if (img.lowerDirs) lowerDirs = img.lowerDirs;
      state.imageExactHit = img.exactHit;
      persist();
      core.setOutput('image-cache-hit', String(img.exactHit));
    }

    launchers = await phases.run('setup', async () => {
      mkdirSync(plan.jobDir, { recursive: true, mode: 0o755 });
      let lease: Lease | undefined;
      if (cfg.network === 'private') {
        // In the shared library, not the job's: jobs on one runner share the bridge, so
        // their addresses must come from one table. Post releases it.
        lease = await allocate(cfg.libraryDir, cfg.name);
        state.netLease = { libraryDir: cfg.libraryDir, name: cfg.name };
        persist();
      }
      const facts = { ...hostFacts(cfg.workspacePath), lease };
      if (cfg.imageCacheKey || cfg.saveImage) {
        // The jail's library dir sees the shared store (roots, images, layers) through a
        // link, so that image save finds the base root by digest and keeps layers there.
        mkdirSync(path.join(cfg.libraryDir, 'store'), { recursive: true });
        mkdirSync(plan.jailLibraryDir, { recursive: true });
        const link = path.join(plan.jailLibraryDir, 'store');
        if (!existsSync(link)) symlinkSync(path.join(cfg.libraryDir, 'store'), link);
      }
      const write = (hooks: { init?: string; shutdown?: string }) => {
        const config = jailConfig(cfg, plan, lowerDirs, env, hooks);
        const { spec, launcher } = planContainer(config, facts);
        return { spec, config, file: writeLauncher(spec, launcher) };
      };
      const step = write({});
      // What image save reads (lower dirs, upper layer, volumes to leave out), as the CLI records it.
      writeAtomic(path.join(step.spec.stateDir, 'run.json'), `${JSON.stringify(runRecord(step.spec, step.config), null, 2)}\n`);
      state.stateDir = step.spec.stateDir;
      state.upperDir = step.spec.upperDir;
      if (step.spec.net) {
        // The other containers on the network by name, as the CLI writes it for its owner run.
        writeAtomic(path.join(step.spec.stateDir, 'hosts'), renderHosts((await list(cfg.libraryDir)).leases, { name: step.spec.name, hostname: step.spec.hostname }));
      }
      const first = cfg.init ? write({ init: cfg.init }).file : step.file;
      if (cfg.shutdown) state.shutdownLauncher = write({ shutdown: cfg.shutdown }).file;
      persist();
      installWrapper(plan, renderWrapper({ name: cfg.name, shellName: cfg.shellName, launcher: step.file, shell: cfg.shell, viaSudo: who.uid !== 0 }), who);
      core.addPath(plan.wrapperDir);
      core.setOutput('shell-name', cfg.shellName);
      core.info(`container '${cfg.name}': upper layer ${step.spec.upperDir}; later steps: shell: ${cfg.shellName} {0}`);
      const net = lease ? `, network private ${lease.ip}/${lease.prefix}${cfg.nat ? ' with NAT' : ''}` : cfg.network === 'none' ? ', network none' : '';
      return { value: { first }, detail: `container ${cfg.name}, user ${step.spec.user}${net}, shell ${cfg.shellName}` };
    });
  }

  if (!cfg.run && !cfg.init) return;
  const code = await phases.run('run', async () => {
    let command = ['/bin/sh', '-c', ':'];
    let script: string | undefined;
    if (cfg.run) {
      // Like the runner's own step scripts: a file in RUNNER_TEMP (mounted inside), gone after.
      script = path.join(cfg.runnerTemp, `micro-container-run-${randomBytes(6).toString('hex')}.sh`);
      writeFileSync(script, cfg.run.endsWith('\n') ? cfg.run : `${cfg.run}\n`, { mode: 0o644 });
      ownedByRunner(script, who);
      command = shellCommand(cfg.shell, script);
    }
    try {
      const c = await runLauncher(launchers.first, { command, env: stepEnvironment(env) });
      return { value: c, detail: cfg.run ? `${cfg.shell.join(' ')}: exit code ${c}` : `init script: exit code ${c}`, ok: c === 0 };
    } finally {
      if (script) rmSync(script, { force: true });
    }
  });
  state.runExitCode = code;
  persist();
  core.setOutput('exit-code', String(code));
  if (code !== 0) {
    core.setFailed(cfg.run ? `run failed with exit code ${code}` : `the init script failed (exit code ${code})`);
    process.exitCode = code;
  }
}

/** The main step: as root (through sudo -n when needed), set up the container and run `run`. */
export async function runMain(script = process.argv[1] ?? ''): Promise<void> {
  try {
    if (!(await elevate(script))) return;
    await mainAsRoot();
  } catch (e) {
    core.setFailed((e as Error).message);
  }
}
