import { TarFormatError } from '../rootfs/tar-header.js';
import { ImageError } from './errors.js';
import { FindRecords, findArgs } from './layer-save-find.js';
import { SavePrefix } from './layer-save-rewrite.js';
import { checkTools, running, startTool } from './layer-save-tools.js';
import { tarMetaArgs } from './layer-tar-args.js';
import { TarRewriter } from './layer-tar-rewriter.js';

/** What a save must know of an upper layer before tar starts on it. */
export interface UpperScan {
  /** The `.wh.` members and opaque markers, in name order: the layer's first members. */
  prefix: Buffer;
  /** Member names tar must leave out: the whiteouts (in `prefix` as `.wh.` members) and the volumes. */
  excluded: string[];
  /** Members in the layer, the prefix's included. */
  entries: number;
  whiteouts: number;
  opaqueDirs: number;
}

/**
 * Looks over an upper layer the way the save needs, all in C tools that start at once:
 *
 *   find .  (sockets and volumes left out)  ->  node: `.wh.` names refused, members counted
 *     | (its stderr: the directories and character devices)
 *   tar --no-recursion (their headers and the overlay xattrs that matter only)
 *           ->  node: SavePrefix makes the `.wh.` members and opaque markers, names
 *               the whiteouts (character devices 0/0), refuses redirect_dir renames
 *
 * Node does not stand between find and tar: on a cold start it was slower than both.
 * `excludedMembers` are the volumes' member names.
 */
export async function scanUpper(upper: string, excludedMembers: readonly string[], signal: AbortSignal | undefined): Promise<UpperScan> {
  const find = startTool('find', findArgs(excludedMembers), ['ignore', 'pipe', 'pipe'], { cwd: upper, passStderr: true });
  const meta = startTool('tar', tarMetaArgs(upper), [find.child.stderr!, 'pipe', 'pipe']);
  // tar has it now: Node must not read any of it, nor keep it open.
  find.child.stderr!.destroy();
  const tools = [find, meta];
  const killAll = (): void => {
    for (const t of tools) if (running(t)) t.child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', killAll, { once: true });
  let failure: Error | undefined;
  /** Runs a step of reading the tools' output; the first one that throws stops the scan. */
  const guarded =
    <A extends unknown[]>(step: (...a: A) => void) =>
    (...a: A): void => {
      if (failure) return;
      try {
        step(...a);
      } catch (err) {
        failure = err instanceof TarFormatError ? new ImageError(`tar wrote an archive this save cannot read: ${err.message}`) : (err as Error);
        killAll();
      }
    };

  const records = new FindRecords(upper);
  find.child.stdout!.on('data', guarded((chunk: Buffer) => records.write(chunk)));
  find.child.stdout!.on('end', guarded(() => records.end()));
  const prefix = new SavePrefix(upper);
  const rewriter = new TarRewriter(prefix);
  meta.child.stdout!.on('data', guarded((chunk: Buffer) => void rewriter.write(chunk)));
  try {
    await checkTools(tools, upper).catch((err: Error) => {
      failure ??= err;
    });
    if (signal?.aborted) throw new ImageError(`saving ${upper} was aborted`);
    if (failure) throw failure;
    return {
      prefix: Buffer.concat(prefix.blocks),
      excluded: [...excludedMembers, ...prefix.whiteoutNames],
      // A whiteout is one `.wh.` member, as it was one entry; an opaque marker is one more.
      entries: records.entries + prefix.stats.opaqueDirs,
      whiteouts: prefix.stats.whiteouts,
      opaqueDirs: prefix.stats.opaqueDirs,
    };
  } finally {
    signal?.removeEventListener('abort', killAll);
    killAll();
  }
}
