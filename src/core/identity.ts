import { readFileSync } from 'node:fs';

/** Who asked for the container: the sudo caller under sudo, else the process's user. */
export interface Invoker {
  uid: number;
  gid: number;
  /** Login name, when the host knows one. */
  name?: string;
  home: string;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Parses passwd(5) text. Pure. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0], uid, gid, home: f[5], shell: f[6] });
  }
  return out;
}

/**
 * The invoking user from the environment and the host's passwd. Pure given its inputs:
 * under sudo (SUDO_UID set while we are root) it is the caller, as the original tool did,
 * so that `-u`, basedir and file ownership stay the caller's.
 */
export function resolveInvoker(
  env: NodeJS.ProcessEnv,
  self: { uid: number; gid: number; home: string },
  passwd: PasswdEntry[],
): Invoker {
  const sudoUid = env.SUDO_UID !== undefined ? Number(env.SUDO_UID) : NaN;
  if (self.uid === 0 && Number.isInteger(sudoUid)) {
    const gid = Number.isInteger(Number(env.SUDO_GID)) ? Number(env.SUDO_GID) : sudoUid;
    const entry = passwd.find((p) => p.uid === sudoUid);
    return { uid: sudoUid, gid, name: entry?.name ?? env.SUDO_USER, home: entry?.home ?? `/home/${env.SUDO_USER ?? sudoUid}` };
  }
  const entry = passwd.find((p) => p.uid === self.uid);
  return { uid: self.uid, gid: self.gid, name: entry?.name, home: env.HOME || entry?.home || self.home };
}

/** The invoking user of this process. */
export function currentInvoker(): Invoker {
  let passwd: PasswdEntry[] = [];
  try {
    passwd = parsePasswd(readFileSync('/etc/passwd', 'utf8'));
  } catch {
    // No readable passwd: numbers and $HOME are all we have.
  }
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return resolveInvoker(process.env, { uid, gid, home: process.env.HOME ?? '/' }, passwd);
}
