import { ConfigError } from '../core/errors.js';
import type { ContainerizeConfig } from '../core/trees/containerize-spec.js';

/** The `containerize` command line, parsed. Pure. */
export interface ContainerizeArgs {
  config: ContainerizeConfig;
  dryRun: boolean;
  help: boolean;
  version: boolean;
}

/**
 * Parses `containerize [--trees DIR] [--overlay] [-w DIR] [--dry-run] GROUP INSTANCE
 * [[--] COMMAND args...]`. Options come before GROUP; everything after INSTANCE is the
 * command, as the original took it.
 */
export function parseContainerizeArgs(argv: readonly string[]): ContainerizeArgs {
  let trees: string | undefined;
  let workdir: string | undefined;
  let overlay = false;
  let dryRun = false;
  let i = 0;
  const value = (opt: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new ConfigError(`option ${opt} needs a value (see containerize --help)`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { config: { group: '', instance: '' }, dryRun, help: true, version: false };
    if (a === '--version') return { config: { group: '', instance: '' }, dryRun, help: false, version: true };
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--trees') trees = value(a);
    else if (a.startsWith('--trees=')) trees = a.slice('--trees='.length);
    else if (a === '-w' || a === '--workdir') workdir = value(a);
    else if (a.startsWith('--workdir=')) workdir = a.slice('--workdir='.length);
    else if (a === '--overlay') overlay = true;
    else if (a === '--dry-run') dryRun = true;
    else if (a.startsWith('-') && a !== '-') throw new ConfigError(`unknown option ${a} (see containerize --help)`);
    else break;
  }
  const [group, instance] = [argv[i], argv[i + 1]];
  if (group === undefined || instance === undefined) {
    throw new ConfigError('containerize needs a GROUP and an INSTANCE: containerize [--trees DIR] GROUP INSTANCE [COMMAND...]');
  }
  let command = argv.slice(i + 2);
  if (command[0] === '--') command = command.slice(1);
  return { config: { trees, group, instance, overlay, workdir, command }, dryRun, help: false, version: false };
}
