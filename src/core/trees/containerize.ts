import { mkdirSync, readFileSync } from 'node:fs';
import { runLauncher, writeLauncherIn } from '../jail/run.js';
import { renderContainerizeLauncher } from './containerize-launcher.js';
import { buildContainerizeSpec, type ContainerizeConfig, type ContainerizeFacts, type ContainerizeSpec } from './containerize-spec.js';

/** The real host's answers to what buildContainerizeSpec asks. */
export function containerizeHostFacts(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): ContainerizeFacts {
  return {
    cwd,
    envTrees: env.MICRO_CONTAINER_TREES,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** Plans a containerize run: config -> spec -> launcher text. No side effects. */
export function planContainerize(config: ContainerizeConfig, facts: ContainerizeFacts = containerizeHostFacts()): { spec: ContainerizeSpec; launcher: string } {
  const spec = buildContainerizeSpec(config, facts);
  return { spec, launcher: renderContainerizeLauncher(spec) };
}

/** The caller's locale and time zone travel into the container; nothing else of its environment. */
function passedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k === 'LANG' || k === 'TZ' || k.startsWith('LC_')));
}

/**
 * Runs CONFIG's command in its build root (as root) and returns its exit status; 125
 * when the container could not be started.
 */
export async function runContainerize(config: ContainerizeConfig, facts: ContainerizeFacts = containerizeHostFacts()): Promise<number> {
  const { spec, launcher } = planContainerize({ ...config, command: [] }, facts);
  mkdirSync(spec.stateDir, { recursive: true, mode: 0o700 });
  const file = writeLauncherIn(spec.stateDir, launcher);
  return runLauncher(file, { command: config.command ?? [], env: passedEnv(process.env) });
}
