import { spawn, spawnSync } from 'node:child_process';
import { PrivilegeError } from '../core/errors.js';

/**
 * Mounts, namespaces and root-owned layers need root. As root (a container job, a
 * self-hosted runner) the step runs directly; as GitHub's `runner` user it runs itself
 * again through `sudo -n` (unprivileged user namespaces are blocked there anyway).
 *
 * sudo resets the environment and would drop variables it deems unsafe and the inputs'
 * hyphenated names (INPUT_ROOTFS-SHA256), so the environment travels as JSON on the root
 * process's stdin, a pipe: nothing is written to disk. The root process takes it back
 * with takeEnvironmentFromStdin before it reads any input.
 */
export const ENV_FROM_STDIN_FLAG = '--mc-env-from-stdin';

export function isRoot(): boolean {
  return (process.getuid?.() ?? 0) === 0;
}

export function checkSudo(): void {
  const check = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  if (check.error || check.status !== 0) {
    throw new PrivilegeError(
      'root is needed for mounts and namespaces: run the job as root, or give the runner user passwordless sudo (`sudo -n true` must work; GitHub-hosted runners have it)',
    );
  }
}

/** Runs SCRIPT (this entry's bundle) again as root with our environment; its exit status. */
export function runAsRoot(script: string): Promise<number> {
  checkSudo();
  return new Promise((resolve, reject) => {
    const child = spawn('sudo', ['-n', '--', process.execPath, script, ENV_FROM_STDIN_FLAG], { stdio: ['pipe', 'inherit', 'inherit'] });
    child.on('error', (e) => reject(new PrivilegeError(`cannot start sudo: ${e.message}`)));
    // The runner cancels a step with SIGINT, then SIGTERM: pass them on to the root side.
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const handlers: [NodeJS.Signals, () => void][] = (['SIGINT', 'SIGTERM'] as NodeJS.Signals[]).map((s) => [s, forward(s)]);
    for (const [s, h] of handlers) process.on(s, h);
    child.on('close', (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(JSON.stringify(process.env));
  });
}

/** In the root process: replaces process.env with the caller's, keeping sudo's SUDO_* (the caller's identity). */
export async function takeEnvironmentFromStdin(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const env = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
  const keep: Record<string, string | undefined> = { SUDO_UID: process.env.SUDO_UID, SUDO_GID: process.env.SUDO_GID, SUDO_USER: process.env.SUDO_USER };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(keep)) if (v !== undefined) process.env[k] = v;
}

/**
 * The entry's start: returns true when this process should do the work (it is root),
 * after setting the exit code of a root child it ran otherwise.
 */
export async function elevate(script: string): Promise<boolean> {
  if (process.argv.includes(ENV_FROM_STDIN_FLAG)) {
    await takeEnvironmentFromStdin();
    return true;
  }
  if (isRoot()) return true;
  process.exitCode = await runAsRoot(script);
  return false;
}
