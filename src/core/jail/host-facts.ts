import { existsSync, statSync } from 'node:fs';
import { currentInvoker } from '../identity.js';
import type { SpecFacts } from './spec.js';

/** The real host's answers to what buildSpec asks. */
export function hostFacts(cwd = process.cwd()): SpecFacts {
  return {
    invoker: currentInvoker(),
    cwd,
    exists: (p) => existsSync(p),
    isDirectory: (p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
  };
}
