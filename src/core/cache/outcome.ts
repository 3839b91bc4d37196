import type { ActionsLogLine } from './actions-log.js';

/**
 * What a save or restore by @actions/cache came to, read from its return value and the
 * lines it logged: it never throws for the service's sake, and its return value alone does
 * not always tell (see saveFailed).
 */

/** The lines that say why a save failed (the cause of a refused reservation is only a debug line). */
export const SAVE_FAILURE = /^Failed to save: |^Failed to reserve cache: /;
export const RESTORE_FAILURE = /^Failed to restore: /;

/**
 * Whether saveCache failed. It returns -1 for most failures, but v1 returns the id it
 * reserved even when the upload after the reservation failed: then only its "Failed to
 * save" warning (or error, for a 5xx) tells.
 */
export function saveFailed(id: number, lines: readonly ActionsLogLine[]): boolean {
  return id === -1 || lines.some((l) => (l.level === 'warning' || l.level === 'error') && /^Failed to save: /.test(l.message));
}

/**
 * Whether a failed save was the service refusing a key that exists. @actions/cache reports
 * every refused reservation the same way, at info level ("Failed to save: Unable to reserve
 * cache with key K, another job may be creating this cache"): v2 even after 5xx retries. The
 * conflict itself shows in the detail: v2's debug line carries the HTTP status "(409)", v1's
 * message carries the service's "Cache already exists".
 */
export function refusedAsExisting(lines: readonly ActionsLogLine[]): boolean {
  const refused = lines.some((l) => l.level === 'info' && /^Failed to save: Unable to reserve cache with key /.test(l.message));
  return refused && lines.some((l) => /\(409\)|already exists/i.test(l.message));
}

/**
 * What @actions/cache said went wrong: its warnings and errors (a 5xx is logged as an
 * error), and the info and debug lines matching `pattern`, joined in order; undefined when
 * it said nothing of the kind (a plain miss).
 */
export function failureText(lines: readonly ActionsLogLine[], pattern: RegExp): string | undefined {
  const said = lines
    .filter((l) => l.level === 'warning' || l.level === 'error' || ((l.level === 'info' || l.level === 'debug') && pattern.test(l.message)))
    .map((l) => l.message);
  return said.length > 0 ? said.join('\n') : undefined;
}
