import { createHash } from 'node:crypto';
import path from 'node:path';
import type { JailConfig, Volume } from '../core/jail/config.js';
import type { ActionConfig } from './inputs.js';

/**
 * Where one job's container lives and how it is configured: pure functions over the
 * ActionConfig and the runner's environment, so that post can recompute nothing and
 * read everything from the recorded plan.
 */
export interface JobPlan {
  name: string;
  /** ${libraryDir}/action/JOBID: everything of this job's container (removed by post). */
  jobDir: string;
  /** The jail's librarydir (state dir, launchers, fifos) and basedir (upper layer). */
  jailLibraryDir: string;
  jailBaseDir: string;
  /** Holds the shell wrapper; put on PATH for later steps. */
  wrapperDir: string;
  wrapperPath: string;
}

/**
 * A directory name for this job's container, unique per runner (RUNNER_TEMP differs
 * between runners sharing a machine), run, attempt and container name: a crashed job's
 * leftovers never become the next job's upper layer.
 */
export function jobId(name: string, env: Record<string, string | undefined>): string {
  const seed = [env.RUNNER_TEMP ?? '', env.GITHUB_RUN_ID ?? '', env.GITHUB_RUN_ATTEMPT ?? '', env.GITHUB_JOB ?? '', name].join('\n');
  return `${name}-${createHash('sha256').update(seed).digest('hex').slice(0, 12)}`;
}

export function planJob(cfg: ActionConfig, env: Record<string, string | undefined>): JobPlan {
  const jobDir = path.join(cfg.libraryDir, 'action', jobId(cfg.name, env));
  const wrapperDir = path.join(cfg.runnerTemp, 'micro-container', `${jobId(cfg.name, env)}-bin`);
  return {
    name: cfg.name,
    jobDir,
    jailLibraryDir: path.join(jobDir, 'lib'),
    jailBaseDir: path.join(jobDir, 'base'),
    wrapperDir,
    wrapperPath: path.join(wrapperDir, cfg.shellName),
  };
}

function under(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/**
 * The volumes every step needs, after the user's: the workspace (unless `workspace:
 * false`), RUNNER_TEMP (step scripts live there, and the runner's file-command files
 * GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY), and the directories of
 * those files when the runner put them elsewhere. All at the same path inside, read-write.
 */
export function containerVolumes(cfg: ActionConfig, env: Record<string, string | undefined>): Volume[] {
  const out: Volume[] = [...cfg.volumes];
  const add = (host: string) => {
    if (out.some((v) => v.guest === host)) return;
    out.push({ host, guest: host, readOnly: false });
  };
  if (cfg.workspace) add(cfg.workspacePath);
  add(cfg.runnerTemp);
  for (const k of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    const f = env[k];
    if (f && f.startsWith('/') && !under(f, cfg.runnerTemp) && !(cfg.workspace && under(f, cfg.workspacePath))) add(path.dirname(f));
  }
  return out;
}

/** The jail's configuration for this job over LOWER (the root, or an image's layers over it, topmost first). */
export function jailConfig(cfg: ActionConfig, plan: JobPlan, lower: string | string[], env: Record<string, string | undefined>, hooks: { init?: string; shutdown?: string } = {}): JailConfig {
  return {
    libraryDir: plan.jailLibraryDir,
    baseDir: plan.jailBaseDir,
    lowerDirs: typeof lower === 'string' ? [lower] : lower,
    name: cfg.name,
    workdir: cfg.workdir,
    user: cfg.user,
    volumes: containerVolumes(cfg, env),
    env: cfg.env,
    network: cfg.network,
    nat: cfg.nat,
    initScript: hooks.init,
    shutdownScript: hooks.shutdown,
    command: [],
  };
}

/**
 * Variables a step's own environment has that its script must not get: the action's
 * inputs and state, the runtime's tokens (run: steps never see ACTIONS_RUNTIME_TOKEN),
 * sudo's bookkeeping, and the launcher's own protocol variables.
 */
export function isActionOnlyVariable(name: string): boolean {
  return /^(INPUT_|STATE_|ACTIONS_|SUDO_|MC_)/.test(name);
}

/** The environment `run` gets: the step's, without the action-only variables. */
export function stepEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !isActionOnlyVariable(k)) out[k] = v;
  return out;
}

/** SHELL words with SCRIPT at `{0}`, or appended when there is no `{0}`. */
export function shellCommand(shell: string[], script: string): string[] {
  if (!shell.some((w) => w.includes('{0}'))) return [...shell, script];
  return shell.map((w) => w.replace('{0}', script));
}
