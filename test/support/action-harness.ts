import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, type Result } from './host.js';
import { readActionYml } from './action-yml.js';

/**
 * Runs action.yml as GitHub's runner does, for end-to-end tests: the main and post bundles
 * under Node 24 (the npm `node@24` package, as `runs.using: node24`), with INPUT_*
 * variables (defaults from action.yml for inputs left out), fresh GITHUB_OUTPUT, GITHUB_ENV,
 * GITHUB_PATH, GITHUB_STEP_SUMMARY and GITHUB_STATE files per step, STATE_* for post from
 * what main saved, later `shell:` steps through the command on the accumulated PATH, and
 * GITHUB_ENV carried to later steps. As root, or as a non-root user with passwordless sudo,
 * like the hosted runners' `runner`.
 */
export const NODE24 = path.join(REPO, 'node_modules/node/bin/node');

/**
 * The main or post bundle the runner runs: action.yml's, or, when MC_TEST_ACTION_DIST names
 * a directory holding main/ and post/ bundles built from the same sources, those (so a
 * test run is not disturbed by someone rebuilding dist/ in a shared tree at the same time).
 */
export function actionBundle(kind: 'main' | 'post'): string {
  const dir = process.env.MC_TEST_ACTION_DIST;
  return dir ? path.join(dir, kind, 'index.js') : path.join(REPO, readActionYml().runs[kind]);
}
export const ACTION_USER = 'mc-action';

export interface RunnerUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The test's `runner`: a user of its own (sudo.test.ts takes its user's sudo away for a while). */
export function ensureRunnerUser(name = ACTION_USER): RunnerUser {
  if (spawnSync('id', ['-u', name]).status !== 0) execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', name]);
  setSudo(name, true);
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }));
  return { name, uid, gid, home: `/home/${name}` };
}

/** Gives NAME passwordless sudo, or takes it away. */
export function setSudo(name: string, on: boolean): void {
  const file = `/etc/sudoers.d/${name}`;
  if (on) writeFileSync(file, `${name} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  else rmSync(file, { force: true });
}

/** INPUT_ variable of an input name, as the runner forms it: upper case, spaces to '_', hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * A file-command file: `name<<DELIM ... DELIM` blocks (what @actions/core writes) and
 * `name=value` lines (what scripts write). Later values win, as the runner applies them.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end < 0) throw new Error(`file command: no end delimiter for ${heredoc[1]}`);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`file command: cannot parse line '${line}'`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface StepResult extends Result {
  outputs: Record<string, string>;
  summary: string;
  /** Commands of the ::error:: kind the step printed. */
  errors: string[];
}

export interface RunnerOptions {
  /** Scratch directory (made traversable by the user); the job's dirs go inside. */
  dir: string;
  /** undefined: run as root. */
  user?: RunnerUser;
  /** Job identity: a new run id gives a new job directory. */
  runId?: string;
  job?: string;
}

/** One job on a simulated runner. */
export class RunnerJob {
  readonly workspace: string;
  readonly runnerTemp: string;
  readonly home: string;
  /** What main saved with core.saveState, for post. */
  readonly state: Record<string, string> = {};
  /** GITHUB_ENV, accumulated. */
  readonly jobEnv: Record<string, string> = {};
  /** GITHUB_PATH, accumulated (newest first, as the runner prepends). */
  readonly paths: string[] = [];
  private readonly commandsDir: string;

  constructor(private readonly o: RunnerOptions) {
    chmodSync(o.dir, 0o755);
    this.workspace = path.join(o.dir, 'work', 'repo', 'repo');
    this.runnerTemp = path.join(o.dir, 'work', '_temp');
    this.commandsDir = path.join(this.runnerTemp, '_runner_file_commands');
    this.home = o.user?.home ?? '/root';
    for (const d of [path.join(o.dir, 'work'), path.join(o.dir, 'work', 'repo'), this.workspace, this.runnerTemp, this.commandsDir]) {
      mkdirSync(d, { recursive: true });
      if (o.user) chownSync(d, o.user.uid, o.user.gid);
    }
  }

  private baseEnv(): Record<string, string> {
    return {
      PATH: [...this.paths, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(':'),
      HOME: this.home,
      USER: this.o.user?.name ?? 'root',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_JOB: this.o.job ?? 'build',
      GITHUB_RUN_ID: this.o.runId ?? '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKSPACE: this.workspace,
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_OS: 'Linux',
      ...this.jobEnv,
    };
  }

  /** Fresh file-command files for one step, owned by the runner user. */
  private commandFiles(kinds: string[]): Record<string, string> {
    const files: Record<string, string> = {};
    for (const kind of kinds) {
      const file = path.join(this.commandsDir, `${kind.toLowerCase()}_${randomUUID()}`);
      writeFileSync(file, '');
      if (this.o.user) chownSync(file, this.o.user.uid, this.o.user.gid);
      files[kind] = file;
    }
    return files;
  }

  private async spawnAs(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<Result> {
    const u = this.o.user;
    // setpriv changes ids and nothing else: the environment is exactly the step's.
    const argv = u ? ['setpriv', `--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', '--', file, ...args] : [file, ...args];
    return runNoStdin(argv[0], argv.slice(1), { cwd: this.workspace, env, timeoutMs });
  }

  /** After a step: what it wrote to the file commands, applied as the runner applies them. */
  private collect(r: Result, files: Record<string, string>): StepResult {
    const read = (k: string) => (files[k] ? readFileSync(files[k], 'utf8') : '');
    Object.assign(this.jobEnv, parseFileCommands(read('GITHUB_ENV')));
    for (const p of read('GITHUB_PATH').split('\n').filter(Boolean)) this.paths.unshift(p);
    if (files.GITHUB_STATE) Object.assign(this.state, parseFileCommands(read('GITHUB_STATE')));
    const errors = [...`${r.stdout}`.matchAll(/^::error::(.*)$/gm)].map((m) => m[1]);
    return { ...r, outputs: parseFileCommands(read('GITHUB_OUTPUT')), summary: read('GITHUB_STEP_SUMMARY'), errors };
  }

  private actionEnv(inputs: Record<string, string>, files: Record<string, string>, extra: Record<string, string>): Record<string, string> {
    const yml = readActionYml();
    const env: Record<string, string> = { ...this.baseEnv(), ...files, ...extra };
    for (const [name, spec] of Object.entries(yml.inputs)) {
      if (spec.default !== undefined) env[inputVariable(name)] = spec.default;
    }
    for (const [name, value] of Object.entries(inputs)) {
      if (!(name in yml.inputs)) throw new Error(`action.yml has no input '${name}'`);
      env[inputVariable(name)] = value;
    }
    return env;
  }

  /** The action's main step (runs.main) with INPUTS. */
  async main(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<StepResult> {
    const files = this.commandFiles(['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE']);
    const env = this.actionEnv(inputs, files, { ACTIONS_RUNTIME_TOKEN: 'test-runtime-token', ...extraEnv });
    const r = await this.spawnAs(NODE24, [actionBundle('main')], env, 120_000);
    return this.collect(r, files);
  }

  /** The action's post step (runs.post), with STATE_* from main; INPUTS as main had them. */
  async post(inputs: Record<string, string> = {}, extraEnv: Record<string, string> = {}): Promise<StepResult> {
    const files = this.commandFiles(['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE']);
    const state = Object.fromEntries(Object.entries(this.state).map(([k, v]) => [`STATE_${k}`, v]));
    const env = this.actionEnv(inputs, files, { ACTIONS_RUNTIME_TOKEN: 'test-runtime-token', ...extraEnv, ...state });
    const r = await this.spawnAs(NODE24, [actionBundle('post')], env, 120_000);
    return this.collect(r, files);
  }

  /**
   * A `run:` step with `shell: SHELL` (e.g. `mc-shell {0}`): the script goes to a file in
   * RUNNER_TEMP, `{0}` becomes its path, and the command is looked up on the step's PATH.
   */
  async shellStep(shell: string, script: string, stepEnv: Record<string, string> = {}): Promise<StepResult> {
    const files = this.commandFiles(['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']);
    const scriptFile = path.join(this.runnerTemp, `${randomUUID()}.sh`);
    writeFileSync(scriptFile, script);
    if (this.o.user) chownSync(scriptFile, this.o.user.uid, this.o.user.gid);
    const env = { ...this.baseEnv(), ...files, ...stepEnv };
    const [cmd, ...args] = shell.split(/\s+/).map((w) => w.replace('{0}', scriptFile));
    const found = env.PATH.split(':').map((d) => path.join(d, cmd)).find((p) => {
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    if (!found) throw new Error(`shell '${cmd}' is not on the step's PATH (${env.PATH})`);
    try {
      const r = await this.spawnAs(found, args, env, 60_000);
      return this.collect(r, files);
    } finally {
      rmSync(scriptFile, { force: true });
    }
  }
}

/**
 * Runs a step's process to completion, killed at TIMEOUTMS. Its stdin is /dev/null, as
 * the runner gives steps none (and a step that ends at once cannot race a write to it).
 */
function runNoStdin(file: string, args: string[], o: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), stdout, stderr });
    });
  });
}

/** The action's bundles must be built (node scripts/build.mjs): say so instead of failing obscurely. */
export function actionBundlesBuilt(): boolean {
  return existsSync(actionBundle('main')) && existsSync(actionBundle('post'));
}

/**
 * The jobs of one end-to-end test file, in DIR (its scratch dir): `setUp()` (in beforeAll)
 * checks that the bundles are built, makes the runner user and lets it into DIR; `job()`
 * is a new job (its own workspace and run id, RUNIDPREFIX + a number) run as that user,
 * or as root (`job('root')`, a self-hosted runner's case); `freshLib()` a library dir no
 * job used: a fresh runner.
 */
export class RunnerJobs {
  user: RunnerUser | undefined;
  private n = 0;

  constructor(
    private readonly dir: string,
    private readonly runIdPrefix: string,
  ) {}

  setUp(): RunnerUser {
    if (!actionBundlesBuilt()) throw new Error('dist/main and dist/post are missing: run node scripts/build.mjs');
    this.user = ensureRunnerUser();
    chmodSync(this.dir, 0o755);
    return this.user;
  }

  job(as: 'runner' | 'root' = 'runner'): RunnerJob {
    const dir = path.join(this.dir, `job-${++this.n}`);
    mkdirSync(dir, { recursive: true });
    return new RunnerJob({ dir, user: as === 'runner' ? this.user : undefined, runId: `${this.runIdPrefix}${this.n}` });
  }

  freshLib(): string {
    return path.join(this.dir, `lib-${this.n}-${randomUUID().slice(0, 8)}`);
  }
}
