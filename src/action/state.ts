import type { ActionConfig } from './inputs.js';
import type { JobPlan } from './plan.js';
import type { TreesHolder } from './trees.js';

/**
 * What main records for post, in two entries written at different times, so post works
 * from whatever main got to (as actions/cache keeps post's inputs behind a state
 * interface): `plan` before anything is created, `main` as each phase ends.
 */
export interface PhaseRecord {
  phase: string;
  ms: number;
  /** What happened, for the summary (sizes, sources, outcomes). */
  detail: string;
  ok: boolean;
}

export interface PlanState {
  version: 1;
  plan: JobPlan;
  config: Pick<ActionConfig, 'name' | 'imageCacheKey' | 'saveImage' | 'saveImageIf' | 'shutdown'>;
}

export interface MainState {
  phases: PhaseRecord[];
  /** The jail's state dir (pid1 file, launchers), once known. */
  stateDir?: string;
  upperDir?: string;
  rootPath?: string;
  /** The launcher post runs for the shutdown script. */
  shutdownLauncher?: string;
  /** Exit status of `run`, when it ran. */
  runExitCode?: number;
  /** Image key restored exactly (post then does not save it again). */
  imageExactHit?: boolean;
  /** A downloaded root archive for post to save in the Actions cache. */
  rootCacheSave?: { archive: string; sha256: string };
  /** network private: the address allocation post releases. */
  netLease?: { libraryDir: string; name: string };
  /** rootfs trees:GROUP/INSTANCE: the containerize session that holds the container up. */
  treesHolder?: TreesHolder;
}

export interface StateStore {
  save(name: 'plan' | 'main', value: string): void;
  get(name: 'plan' | 'main'): string;
}

export function encodePlanState(s: PlanState): string {
  return JSON.stringify(s);
}

/** The recorded plan, or undefined when main never got as far as recording it. */
export function decodePlanState(text: string): PlanState | undefined {
  if (!text) return undefined;
  const s = JSON.parse(text) as PlanState;
  if (s.version !== 1 || typeof s.plan?.jobDir !== 'string') return undefined;
  return s;
}

export function decodeMainState(text: string): MainState {
  if (!text) return { phases: [] };
  const s = JSON.parse(text) as MainState;
  return { ...s, phases: Array.isArray(s.phases) ? s.phases : [] };
}
