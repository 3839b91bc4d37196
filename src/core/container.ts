import type { JailConfig } from './jail/config.js';
import { hostFacts } from './jail/host-facts.js';
import { renderLauncher } from './jail/launcher.js';
import { runLauncher, writeLauncher } from './jail/run.js';
import { buildSpec, type JailSpec, type SpecFacts } from './jail/spec.js';

/** Plans a container: config -> spec -> launcher text. No side effects. */
export function planContainer(config: JailConfig, facts: SpecFacts = hostFacts()): { spec: JailSpec; launcher: string } {
  const spec = buildSpec(config, facts);
  return { spec, launcher: renderLauncher(spec) };
}

/**
 * Runs CONFIG's command in its jail (as root) and returns the command's exit status:
 * 125 when the jail could not be set up, 126/127 as shells use them.
 */
export async function runContainer(config: JailConfig, facts: SpecFacts = hostFacts()): Promise<number> {
  const { spec, launcher } = planContainer({ ...config, command: [] }, facts);
  const file = writeLauncher(spec, launcher);
  // The command goes as arguments, not into the file: one launcher serves every command
  // of a container, as later workflow steps use it.
  return runLauncher(file, { command: config.command ?? [] });
}
