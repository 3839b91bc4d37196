import { createHash } from 'node:crypto';
import { LAUNCHER_BODY, SH_COMMON } from './launcher-body.gen.js';
import type { JailSpec } from './spec.js';

/** WORD quoted for POSIX sh. Pure. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `NAME='value'` for a launcher's prelude; booleans as 1 and 0. Pure. */
export function shVar(name: string, value: string | boolean): string {
  return `${name}=${shQuote(typeof value === 'boolean' ? (value ? '1' : '0') : value)}`;
}

/** The generated prelude: the spec as sh variables and two functions. Pure. */
export function renderPrelude(spec: JailSpec): string {
  const v = shVar;
  const volumes = spec.volumes.map((x) => `  mc_vol ${shQuote(x.host)} ${shQuote(x.guest)} ${x.readOnly ? 'ro' : 'rw'}`);
  const env = Object.entries(spec.env).map(([k, val]) => `  export ${k}=${shQuote(val)}`);
  return [
    '#!/bin/sh',
    `# micro-container launcher for container '${spec.name || 'app'}'.`,
    '# Run as root: sh THIS-FILE [command args...] enters this jail (or joins it when it is',
    '# already running) and runs the command given, else the built-in one below.',
    v('MC_NAME', spec.name),
    v('MC_HOSTNAME', spec.hostname),
    v('MC_LIB', spec.libraryDir),
    v('MC_BASE', spec.baseDir),
    v('MC_OWNER', spec.owner),
    v('MC_STATE', spec.stateDir),
    v('MC_ROOT', spec.rootDir),
    v('MC_APPDIR', spec.appDir),
    v('MC_UPPER', spec.upperDir),
    `MC_UPPER_Q=${shQuote(shQuote(spec.upperDir))}`,
    v('MC_WORK', spec.workDir),
    v('MC_LOWERS', spec.lowerDirs.join(':')),
    v('MC_RM', spec.ephemeral),
    v('MC_USER', spec.user),
    v('MC_WORKDIR', spec.workdir),
    v('MC_LOGIN', spec.login),
    v('MC_INIT', spec.initScript),
    v('MC_SHUTDOWN', spec.shutdownScript),
    `MC_COMMAND=${shQuote(spec.command.map(shQuote).join(' '))}`,
    'mc_volumes() {',
    ...volumes,
    '  :',
    '}',
    'mc_extra_env() {',
    ...env,
    '  :',
    '}',
    '',
  ].join('\n');
}

/** JailSpec -> a standalone POSIX sh launcher (prelude + the fixed body). Pure. */
export function renderLauncher(spec: JailSpec): string {
  return renderPrelude(spec) + SH_COMMON + LAUNCHER_BODY;
}

/** A short digest of the launcher text: its file name, so runs never rewrite a live one. */
export function launcherDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
