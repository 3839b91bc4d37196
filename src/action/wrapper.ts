import { shQuote } from '../core/jail/launcher.js';

/**
 * The command later steps name as their shell (`shell: mc-shell {0}`): a few lines of sh
 * that exec the launcher main wrote, so a step costs what the launcher costs, not a Node
 * start-up. Rendered by a pure function; main writes it atomically.
 *
 * The step's environment must reach the script whole, secrets included, and never be
 * written anywhere. `sudo` resets the environment, and even with --preserve-env it drops
 * its unsafe list (LD_*, PYTHONPATH, PERL5LIB, BASH_ENV, ...) and replaces PATH. So the
 * wrapper execs sudo (keeping its pid), and the root side reads the environment sudo was
 * started with from /proc/PID/environ (readable by root only, in memory), NUL-separated,
 * with bash's `mapfile -d ''` (sh cannot hold NULs; xargs would turn exit codes into 123),
 * and execs `env -i` with exactly those variables. MC_CLEAN_ENV=1 tells the launcher the
 * environment is meant for the command: it passes it on, resetting only PATH, HOME, USER,
 * LOGNAME and its own variables.
 */
export interface WrapperOptions {
  /** The container's name, for messages. */
  name: string;
  shellName: string;
  /** The launcher to run (as root). */
  launcher: string;
  /** Shell words; a `{0}` marks where the script goes, else it goes last. */
  shell: string[];
  /** Not root: go through `sudo -n`. */
  viaSudo: boolean;
}

/** The shell words as sh text, with the wrapper's arguments at `{0}` (or last). */
export function renderShellWords(shell: string[]): string {
  const hasSlot = shell.some((w) => w.includes('{0}'));
  const words = shell.map((w) => {
    if (w === '{0}') return '"$@"';
    if (!w.includes('{0}')) return shQuote(w);
    return w.split('{0}').map((part) => (part ? shQuote(part) : '')).join('"$1"');
  });
  return hasSlot ? words.join(' ') : [...words, '"$@"'].join(' ');
}

export function renderWrapper(o: WrapperOptions): string {
  const usage = `${o.shellName}: usage: ${o.shellName} SCRIPT (as a step's shell: 'shell: ${o.shellName} {0}')`;
  const command = `${shQuote(o.launcher)} ${renderShellWords(o.shell)}`;
  const head = [
    '#!/bin/sh',
    `# Written by the micro-container action: runs a step's script inside container '${o.name}'`,
    `# (shell: ${o.shellName} {0}) with the step's environment, through the launcher below.`,
    `[ "$#" -ge 1 ] || { echo ${shQuote(usage)} >&2; exit 2; }`,
  ];
  if (!o.viaSudo) {
    return [...head, 'MC_CLEAN_ENV=1', 'export MC_CLEAN_ENV', `exec /bin/sh ${command}`, ''].join('\n');
  }
  // $1 of the root side: this process's pid, which exec makes sudo's.
  const enter = `mapfile -d '' -t mc_env < "/proc/$1/environ" || exit 125; shift; exec /usr/bin/env -i -- "\${mc_env[@]}" MC_CLEAN_ENV=1 /bin/sh "$@"`;
  return [
    ...head,
    `exec sudo -n -- /bin/bash -c ${shQuote(enter)} mc-enter "$$" ${command}`,
    '',
  ].join('\n');
}
