import path from 'node:path';
import type { CgroupLayout } from './layout.js';
import type { CgroupLimits } from './limits.js';
import { planCgroupSetup, type CgroupPlacement, type CgroupPlan } from './plan.js';

/** WORD quoted for sh. */
function q(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A plan as sh: creates the cgroups, writes the limits, and moves the shell running it
 * (`$$`) into the container's cgroups, so everything it starts afterwards is inside.
 * Run it before the launcher starts anything else. A failed step ends the shell with 125
 * (set-up failure) and says what failed; optional steps fail silently.
 */
export function renderCgroupPlan(plan: CgroupPlan): string {
  const lines = [
    `# The cgroup of container ${plan.dirs.name}.`,
    `mc_cg_fail() { printf '%s: %s\\n' "\${MC_PROG:-micro-container}" "$*" >&2; exit 125; }`,
  ];
  for (const s of plan.steps) {
    const file = q(s.path);
    let cmd: string;
    let what: string;
    if (s.op === 'mkdir') {
      cmd = `mkdir -p -- ${file}`;
      what = `cannot create the cgroup ${s.path}`;
    } else {
      cmd = `echo ${q(s.value ?? '')} > ${file}`;
      what = `cannot write ${s.value} to ${s.path}`;
    }
    if (s.optional) lines.push(`{ ${cmd}; } 2>/dev/null || :`);
    else if (s.ifExists) lines.push(`[ ! -e ${file} ] || ${cmd} || mc_cg_fail ${q(what)}`);
    else lines.push(`${cmd} || mc_cg_fail ${q(what)}`);
  }
  for (const j of plan.join) {
    if (j.optional) lines.push(`{ echo $$ > ${q(j.path)}; } 2>/dev/null || :`);
    else lines.push(`echo $$ > ${q(j.path)} || mc_cg_fail ${q(`cannot move the launcher into the cgroup ${path.dirname(j.path)}`)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** renderCgroupPlan(planCgroupSetup(...)): the sh that sets up container NAME's cgroup. */
export function renderCgroupSetup(layout: CgroupLayout, name: string, limits: CgroupLimits = {}, placement: CgroupPlacement = {}): string {
  return renderCgroupPlan(planCgroupSetup(layout, name, limits, placement));
}
