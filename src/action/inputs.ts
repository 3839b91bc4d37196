import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Volume } from '../core/jail/config.js';
import { DEFAULT_LIBRARY_DIR } from '../core/jail/config.js';
import { validName } from '../core/jail/spec.js';

/**
 * Every input of action.yml, read in one place (as docker/setup-buildx-action's context.ts
 * does) into a typed ActionConfig. Pure: the getter and the runner's environment are
 * passed in, so tests check it as a table.
 */

/** Where the root filesystem comes from. A path is a tarball or a directory: main stats it. */
export type RootfsSource =
  | { kind: 'host' }
  | { kind: 'url'; url: string }
  | { kind: 'path'; path: string }
  | { kind: 'trees'; group: string; instance: string };

export type SaveImageIf = 'success' | 'always' | 'never';
export type Network = 'host' | 'none' | 'private';

export interface ActionConfig {
  rootfs: RootfsSource;
  /** Lower-case hex pin for a URL or tarball root. */
  rootfsSha256?: string;
  /** For trees: roots, the instance a missing one is cloned from. */
  treesTemplate?: string;
  /** For trees: roots, the trees directory (absolute). */
  treesDir: string;
  name: string;
  /** Persistent roots store and per-job container state (as the CLI's -d). */
  libraryDir: string;
  imageCacheKey?: string;
  imageRestoreKeys: string[];
  saveImage?: string;
  saveImageIf: SaveImageIf;
  /** Cache a downloaded root in the Actions cache. */
  cache: boolean;
  /** User volumes, host paths absolute (relative ones are taken from the workspace). */
  volumes: Volume[];
  /** Mount the workspace at the same path inside. */
  workspace: boolean;
  user: string;
  workdir: string;
  env: Record<string, string>;
  network: Network;
  /** With network private: masquerade the container's traffic out of the bridge's namespace. */
  nat: boolean;
  init?: string;
  shutdown?: string;
  /** Script for main to run now; empty: none. */
  run: string;
  /** The shell's words; `{0}` marks where the script goes (else it goes last). */
  shell: string[];
  shellName: string;
  /** The runner's GITHUB_WORKSPACE and RUNNER_TEMP. */
  workspacePath: string;
  runnerTemp: string;
}

/** Every input action.yml declares, in its order: the contract with workflows. */
export const INPUT_NAMES = [
  'rootfs',
  'rootfs-sha256',
  'trees-template',
  'trees-dir',
  'name',
  'library-dir',
  'image-cache-key',
  'image-restore-keys',
  'save-image',
  'save-image-if',
  'cache',
  'volumes',
  'workspace',
  'user',
  'workdir',
  'env',
  'network',
  'nat',
  'init',
  'shutdown',
  'run',
  'shell',
  'shell-name',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export const OUTPUT_NAMES = ['root-path', 'rootfs-cache-hit', 'image-cache-hit', 'image-path', 'image-digest', 'exit-code', 'shell-name'] as const;

/**
 * The command later steps use as `shell: mc-shell {0}`. Short, says what it is (the
 * micro-container shell), and is no existing command: `mc` is Midnight Commander and
 * `container` is this project's own CLI, which a later step may want to call.
 */
export const DEFAULT_SHELL_NAME = 'mc-shell';
export const DEFAULT_SHELL = 'sh -e';
/** containerize's own default trees directory. */
export const DEFAULT_TREES_DIR = '/trees';

/** Raw input text (as core.getInput: trimmed, '' when not given). */
export type InputGetter = (name: InputName) => string;

export interface RunnerFacts {
  env: Record<string, string | undefined>;
  /** The runner user (the sudo caller when elevated). */
  uid: number;
  gid: number;
}

/** An absolute path inside the container, normalized, without a trailing '/'. */
function guestPath(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

function fail(input: InputName, message: string): never {
  throw new ConfigError(`input '${input}': ${message}`);
}

/** As @actions/core's getBooleanInput (YAML 1.2 core schema), with '' as the default. */
export function parseBoolean(input: InputName, text: string, dflt: boolean): boolean {
  if (text === '') return dflt;
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  fail(input, `'${text}' is not a boolean (use true or false)`);
}

/** Non-blank lines, trimmed, without `#` comment lines. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function parseRootfs(text: string): RootfsSource {
  const t = text.trim();
  if (t === '' || t === 'host') return { kind: 'host' };
  if (/^https?:\/\//i.test(t)) return { kind: 'url', url: t };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) fail('rootfs', `'${t}': only http:// and https:// URLs can be downloaded`);
  if (t.startsWith('trees:')) {
    const m = /^trees:([^/]+)\/([^/]+)$/.exec(t);
    if (!m || !validName(m[1]) || !validName(m[2])) fail('rootfs', `'${t}' is not trees:GROUP/INSTANCE (letters, digits, '.', '_' and '-')`);
    return { kind: 'trees', group: m[1], instance: m[2] };
  }
  return { kind: 'path', path: t };
}

/** `host:guest[:ro|:rw]` per line; relative host paths are from BASE (the workspace). */
export function parseVolumes(text: string, base: string): Volume[] {
  return lines(text).map((line) => {
    const parts = line.split(':');
    let mode = 'rw';
    if (parts.length === 3) mode = parts.pop()!;
    if (parts.length !== 2 || !parts[0] || !parts[1] || (mode !== 'ro' && mode !== 'rw')) {
      fail('volumes', `'${line}' is not host:guest[:ro] (one volume per line; paths cannot contain ':')`);
    }
    if (!parts[1].startsWith('/')) fail('volumes', `guest path '${parts[1]}' in '${line}' must be absolute`);
    return { host: path.resolve(base, parts[0]), guest: guestPath(parts[1]), readOnly: mode === 'ro' };
  });
}

/** `KEY=VALUE` per line; the value is everything after the first '='. */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lines(text)) {
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fail('env', `'${line}' is not KEY=VALUE with KEY made of letters, digits and '_'`);
    env[key] = line.slice(eq + 1);
  }
  return env;
}

/** Shell words; GitHub's custom shells are split on spaces the same way. */
export function parseShell(text: string): string[] {
  const words = (text || DEFAULT_SHELL).split(/\s+/).filter(Boolean);
  if (words.some((w) => /['"\\]/.test(w))) fail('shell', `'${text}': quotes and backslashes are not supported; give plain words such as 'bash -e {0}'`);
  if (words.filter((w) => w.includes('{0}')).length > 1) fail('shell', `'${text}' has more than one {0}`);
  return words;
}

/** The job id as a container name: GitHub allows `_` first, validName does not. */
export function defaultName(job: string | undefined): string {
  const cleaned = (job ?? '').replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  return cleaned || 'job';
}

function absoluteFrom(base: string, p: string): string {
  return path.resolve(base, p);
}

export function parseInputs(get: InputGetter, facts: RunnerFacts): ActionConfig {
  const workspacePath = facts.env.GITHUB_WORKSPACE ?? '';
  const runnerTemp = facts.env.RUNNER_TEMP ?? '';
  if (!workspacePath.startsWith('/')) throw new ConfigError('GITHUB_WORKSPACE is not set to an absolute path: run this action as a GitHub Actions step');
  if (!runnerTemp.startsWith('/')) throw new ConfigError('RUNNER_TEMP is not set to an absolute path: run this action as a GitHub Actions step');

  const rootfs = parseRootfs(get('rootfs'));
  if (rootfs.kind === 'path') rootfs.path = absoluteFrom(workspacePath, rootfs.path);

  let rootfsSha256: string | undefined;
  const sha = get('rootfs-sha256');
  if (sha) {
    if (!/^[0-9a-fA-F]{64}$/.test(sha)) fail('rootfs-sha256', `'${sha}' is not 64 hex digits (a sha256 as sha256sum prints it)`);
    if (rootfs.kind !== 'url' && rootfs.kind !== 'path') fail('rootfs-sha256', 'pins a URL or a tarball; remove it or set rootfs to one');
    rootfsSha256 = sha.toLowerCase();
  }

  const treesTemplate = get('trees-template') || undefined;
  if (treesTemplate !== undefined) {
    if (rootfs.kind !== 'trees') fail('trees-template', 'applies to rootfs: trees:GROUP/INSTANCE only');
    if (!validName(treesTemplate)) fail('trees-template', `'${treesTemplate}' is not an instance name (letters, digits, '.', '_' and '-')`);
  }

  const treesDir = absoluteFrom(workspacePath, get('trees-dir') || DEFAULT_TREES_DIR);

  const nameText = get('name');
  if (nameText && !validName(nameText)) fail('name', `'${nameText}' is not valid: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
  const name = nameText || defaultName(facts.env.GITHUB_JOB);

  const libraryDir = absoluteFrom(workspacePath, get('library-dir') || DEFAULT_LIBRARY_DIR);

  const imageCacheKey = get('image-cache-key') || undefined;
  const imageRestoreKeys = lines(get('image-restore-keys'));
  for (const [input, key] of [['image-cache-key', imageCacheKey], ...imageRestoreKeys.map((k) => ['image-restore-keys', k])] as [InputName, string | undefined][]) {
    if (key === undefined) continue;
    if (key.length > 512) fail(input, `'${key.slice(0, 40)}...' is longer than the Actions cache's 512 characters`);
    if (key.includes(',')) fail(input, `'${key}' contains ',', which the Actions cache does not allow in keys`);
  }
  if (imageRestoreKeys.length > 0 && !imageCacheKey) fail('image-restore-keys', 'needs image-cache-key as well');

  const saveImageText = get('save-image');
  const saveImage = saveImageText ? absoluteFrom(workspacePath, saveImageText) : undefined;
  const saveImageIf = (get('save-image-if') || 'success') as SaveImageIf;
  if (!['success', 'always', 'never'].includes(saveImageIf)) fail('save-image-if', `'${saveImageIf}' is not one of success, always, never`);

  const network = (get('network') || 'host') as Network;
  if (!['host', 'none', 'private'].includes(network)) fail('network', `'${network}' is not one of host, none, private`);
  const nat = parseBoolean('nat', get('nat'), false);
  if (nat && network !== 'private') fail('nat', "applies to network: private only; remove it or set network to private");

  const user = get('user') || `${facts.uid}:${facts.gid}`;
  if (/[\s'"\\]/.test(user) || user.split(':').length > 2 || user.startsWith(':') || user.endsWith(':')) {
    fail('user', `'${user}' is not of the form user[:group] (names from the root's /etc/passwd, or numbers)`);
  }
  const workdir = get('workdir') || workspacePath;
  if (!workdir.startsWith('/')) fail('workdir', `'${workdir}' must be an absolute path inside the container`);

  const shellName = get('shell-name') || DEFAULT_SHELL_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(shellName)) fail('shell-name', `'${shellName}' is not a command name (letters, digits, '.', '_' and '-')`);

  const init = get('init');
  const shutdown = get('shutdown');
  return {
    rootfs,
    rootfsSha256,
    treesTemplate,
    treesDir,
    name,
    libraryDir,
    imageCacheKey,
    imageRestoreKeys,
    saveImage,
    saveImageIf,
    cache: parseBoolean('cache', get('cache'), true),
    volumes: parseVolumes(get('volumes'), workspacePath),
    workspace: parseBoolean('workspace', get('workspace'), true),
    user,
    workdir: guestPath(workdir),
    env: parseEnv(get('env')),
    network,
    nat,
    init: init ? absoluteFrom(workspacePath, init) : undefined,
    shutdown: shutdown ? absoluteFrom(workspacePath, shutdown) : undefined,
    run: get('run'),
    shell: parseShell(get('shell')),
    shellName,
    workspacePath,
    runnerTemp,
  };
}
