import { createHash } from 'node:crypto';
import type { CgroupPlan } from '../cgroup/plan.js';
import { renderNetScript } from '../net/net-script.js';
import { LAUNCHER_BODY, SH_COMMON } from './launcher-body.gen.js';
import type { JailSpec } from './spec.js';

/** WORD quoted for POSIX sh. Pure. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `NAME='value'` for a launcher's prelude; booleans as 1 and 0. Pure. */
export function shVar(name: string, value: string | boolean): string {
  return `${name}=${shQuote(typeof value === 'boolean' ? (value ? '1' : '0') : value)}`;
}

/** The generated prelude: the spec as sh variables and two functions. Pure. */
export function renderPrelude(spec: JailSpec): string {
  const v = shVar;
  const volumes = spec.volumes.map((x) => `  mc_vol ${shQuote(x.host)} ${shQuote(x.guest)} ${x.readOnly ? 'ro' : 'rw'}`);
  const env = Object.entries(spec.env).map(([k, val]) => `  export ${k}=${shQuote(val)}`);
  return [
    '#!/bin/sh',
    `# micro-container launcher for container '${spec.name || 'app'}'.`,
    '# Run as root: sh THIS-FILE [command args...] enters this jail (or joins it when it is',
    '# already running) and runs the command given, else the built-in one below.',
    '# The fixed part after the variables is micro-container\'s src/core/jail/launcher-body.sh',
    '# with its comments left out (they cost parsing time at every start).',
    v('MC_NAME', spec.name),
    v('MC_HOSTNAME', spec.hostname),
    v('MC_LIB', spec.libraryDir),
    v('MC_BASE', spec.baseDir),
    v('MC_OWNER', spec.owner),
    v('MC_STATE', spec.stateDir),
    v('MC_ROOT', spec.rootDir),
    v('MC_APPDIR', spec.appDir),
    v('MC_UPPER', spec.upperDir),
    `MC_UPPER_Q=${shQuote(shQuote(spec.upperDir))}`,
    v('MC_WORK', spec.workDir),
    v('MC_LOWERS', spec.lowerDirs.join(':')),
    v('MC_RM', spec.ephemeral),
    v('MC_USER', spec.user),
    v('MC_WORKDIR', spec.workdir),
    v('MC_LOGIN', spec.login),
    v('MC_INIT', spec.initScript),
    v('MC_SHUTDOWN', spec.shutdownScript),
    `MC_COMMAND=${shQuote(spec.command.map(shQuote).join(' '))}`,
    'mc_volumes() {',
    ...volumes,
    '  :',
    '}',
    'mc_extra_env() {',
    ...env,
    '  :',
    '}',
    ...renderResources(spec),
    '',
  ].join('\n');
}

function indent(text: string): string[] {
  return text.trimEnd().split('\n').map((l) => (l === '' ? l : `  ${l}`));
}

/**
 * The container's cgroup and network as sh: MC_NET, MC_CGROUP, MC_CG_DIRS (the leaves to
 * remove at the end), MC_CG_OOM (the OOM counter to keep), mc_cg_setup PID... (creates the
 * cgroup, writes the limits, moves the PIDs in; says why and returns 1 on failure),
 * mc_cg_move PID... (only moves them, as strictly), mc_cg_join PID (moves PID in, best
 * effort: for a joining session), and
 * mc_net_up/mc_net_down (renderNetScript; no-ops without a private network). Pure.
 */
export function renderResources(spec: JailSpec): string[] {
  const v = shVar;
  const cg = spec.cgroup;
  const lines = [v('MC_NET', spec.network), v('MC_CGROUP', cg?.name ?? '')];
  lines.push(`MC_CG_DIRS=${shQuote((cg?.dirs ?? []).map(shQuote).join(' '))}`);
  lines.push(v('MC_CG_OOM', cg?.oom?.file ?? ''));
  if (cg) {
    lines.push('mc_cg_setup() {', ...indent(renderCgroupSteps(cg.plan)), '}');
    lines.push('mc_cg_move() {', ...indent(renderCgroupJoin(cg.plan.join)), '}');
    lines.push('mc_cg_join() {', ...indent(renderCgroupJoin(cg.plan.join.map((j) => ({ ...j, optional: true })))), '}');
  } else {
    lines.push('mc_cg_setup() { :; }', 'mc_cg_move() { :; }', 'mc_cg_join() { :; }');
  }
  if (spec.net) lines.push(...renderNetScript(spec.net).trimEnd().split('\n'));
  else lines.push('mc_net_up() { :; }', 'mc_net_down() { :; }');
  return lines;
}

/**
 * A cgroup plan as the body of `mc_cg_setup PID...`. Unlike renderCgroupPlan (which moves
 * `$$` and exits), it moves the PIDs it is given and returns 1: the launcher's loop runs
 * it for PID 1 while PID 1 mounts, because a move between cgroups waits for an RCU grace
 * period (several ms) that is better spent beside the mounts than before them. Runs of
 * mkdir steps are one mkdir(1) (one exec, not one per hierarchy); a directory that is
 * required and missing afterwards is made again alone, so mkdir says why. Pure.
 */
export function renderCgroupSteps(plan: CgroupPlan): string {
  const lines: string[] = [];
  const fail = (what: string) => `{ mc_say ${shQuote(what)}; return 1; }`;
  const steps = plan.steps;
  for (let i = 0; i < steps.length; ) {
    const s = steps[i];
    if (s.op === 'mkdir') {
      let j = i;
      while (j < steps.length && steps[j].op === 'mkdir') j++;
      const run = steps.slice(i, j);
      lines.push(`mkdir -p -- ${run.map((d) => shQuote(d.path)).join(' ')} 2>/dev/null`);
      for (const d of run.filter((d) => !d.optional)) {
        lines.push(`[ -d ${shQuote(d.path)} ] || mkdir -p -- ${shQuote(d.path)} || ${fail(`cannot create the cgroup ${d.path}`)}`);
      }
      i = j;
      continue;
    }
    const file = shQuote(s.path);
    const cmd = `echo ${shQuote(s.value ?? '')} > ${file}`;
    if (s.optional) lines.push(`{ ${cmd}; } 2>/dev/null || :`);
    else if (s.ifExists) lines.push(`[ ! -e ${file} ] || ${cmd} || ${fail(`cannot write ${s.value} to ${s.path}`)}`);
    else lines.push(`${cmd} || ${fail(`cannot write ${s.value} to ${s.path}`)}`);
    i++;
  }
  lines.push(renderCgroupJoin(plan.join));
  return `${lines.join('\n')}\n`;
}

/** The body of `mc_cg_join PID...`: each PID into every cgroup.procs of JOIN. Pure. */
function renderCgroupJoin(join: CgroupPlan['join']): string {
  const lines = ['for mc_p; do'];
  for (const j of join) {
    const file = shQuote(j.path);
    if (j.optional) lines.push(`  { echo "$mc_p" > ${file}; } 2>/dev/null || :`);
    else {
      // One word: the pid expanded in double quotes, the directory quoted as it must be.
      const dir = shQuote(j.path.replace(/\/cgroup\.procs$/, ''));
      lines.push(`  echo "$mc_p" > ${file} || { mc_say "cannot move process $mc_p into the cgroup "${dir}; return 1; }`);
    }
  }
  lines.push('done');
  return lines.join('\n');
}

/** JailSpec -> a standalone POSIX sh launcher (prelude + the fixed body). Pure. */
export function renderLauncher(spec: JailSpec): string {
  return renderPrelude(spec) + SH_COMMON + LAUNCHER_BODY;
}

/** A short digest of the launcher text: its file name, so runs never rewrite a live one. */
export function launcherDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
