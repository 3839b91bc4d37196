import type { StdioOptions } from 'node:child_process';
import { startPiped, type PipedProcess } from '../exec.js';
import { ImageError } from './errors.js';

/**
 * The tools of a save's pipelines (find, tar, the compressor), started through exec.ts's
 * startPiped as extraction's are, and how their exits are judged.
 */
export type Tool = PipedProcess;

/**
 * Starts a tool (see startPiped for `passStderr`); `orElse`: what else the user can do
 * when it is not installed.
 */
export function startTool(file: string, args: string[], stdio: StdioOptions, opts: { cwd?: string; passStderr?: boolean; orElse?: string } = {}): Tool {
  return startPiped(file, args, stdio, {
    ...opts,
    cannotStart: (err) =>
      new ImageError(err.code === 'ENOENT' ? `${file} is not installed; it is needed to save an image layer (install it${opts.orElse ? `, or ${opts.orElse}` : ''})` : `cannot run ${file}: ${err.message}`),
  });
}

const SIGPIPE_STATUS = 128 + 13;
const SIGKILL_STATUS = 128 + 9;

/**
 * Waits for TOOLS (in pipeline order) and throws for one that failed. A tool that could
 * not start is the cause; then one that failed by itself (not by SIGPIPE or our SIGKILL
 * after another part stopped), the last first: tar's "Broken pipe" is what a dead
 * compressor does to it, never the other way round. tar's exit status 1 ("file changed as
 * we read it") is a failure too: a layer of a tree that was being written is not a layer
 * of anything.
 */
export async function checkTools(tools: Tool[], upper: string): Promise<void> {
  const statuses = await Promise.allSettled(tools.map((t) => t.done));
  for (const s of statuses) if (s.status === 'rejected') throw s.reason;
  const exits = statuses.map((s, i) => ({ tool: tools[i]!, ...(s as PromiseFulfilledResult<{ code: number; stderr: string }>).value })).reverse();
  for (const { tool, code, stderr } of exits) {
    if (code !== 0 && code !== SIGPIPE_STATUS && code !== SIGKILL_STATUS) {
      throw new ImageError(`${tool.what} failed while saving ${upper} (exit status ${code})${stderr ? `: ${stderr}` : ''}`);
    }
  }
  for (const { tool, code } of exits) {
    if (code !== 0) throw new ImageError(`${tool.what} was stopped while saving ${upper} (exit status ${code})`);
  }
}

/** Whether the tool is still running. */
export const running = (t: Tool): boolean => t.child.exitCode === null && t.child.signalCode === null;
