import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeAtomic } from '../jail/state.js';

/**
 * A container's startup commands, kept in its state dir (LIBRARYDIR/app-NAME), so that a
 * later provision() of the same name has them, and `image save` puts them in the image's
 * manifest. Removed with the container (rm removes the state dir).
 */
export const STARTUP_FILE = 'startup.json';

export function readStartupCommands(stateDir: string): string[] {
  try {
    const v = JSON.parse(readFileSync(path.join(stateDir, STARTUP_FILE), 'utf8')) as { startup?: unknown };
    return Array.isArray(v.startup) ? v.startup.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/** Written atomically (temp name in the same directory, then rename). */
export function writeStartupCommands(stateDir: string, commands: readonly string[]): void {
  writeAtomic(path.join(stateDir, STARTUP_FILE), `${JSON.stringify({ startup: commands }, null, 2)}\n`, 0o600);
}
