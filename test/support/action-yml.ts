import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './host.js';

/**
 * The parts of action.yml the runner reads, from the file itself: its inputs (with their
 * defaults, which the runner passes as INPUT_* when a workflow leaves an input out), its
 * outputs and its `runs`. A small reader for the plain layout action.yml keeps (two-space
 * indents, one-line single-quoted scalars), not a YAML parser: a layout it does not
 * understand makes the tests that use it fail.
 */
export interface ActionYml {
  inputs: Record<string, { default?: string }>;
  outputs: string[];
  runs: Record<string, string>;
}

function scalar(text: string): string {
  const t = text.trim();
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`action.yml: unterminated quoted scalar ${t}`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  return t;
}

export function parseActionYml(text: string): ActionYml {
  const out: ActionYml = { inputs: {}, outputs: [], runs: {} };
  let section = '';
  let current = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const top = /^([a-z-]+):\s*(.*)$/.exec(line);
    if (top) {
      section = top[1];
      current = '';
      continue;
    }
    const key = /^ {2}([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (key) {
      if (section === 'inputs') out.inputs[(current = key[1])] = {};
      else if (section === 'outputs') out.outputs.push((current = key[1]));
      else if (section === 'runs') out.runs[key[1]] = scalar(key[2]);
      continue;
    }
    const field = /^ {4}([a-z-]+):\s*(.*)$/.exec(line);
    if (field && section === 'inputs' && current && field[1] === 'default') out.inputs[current].default = scalar(field[2]);
  }
  return out;
}

export function readActionYml(): ActionYml {
  return parseActionYml(readFileSync(path.join(REPO, 'action.yml'), 'utf8'));
}
