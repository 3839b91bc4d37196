import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { planContainer } from '../container.js';
import { ConfigError, JailError } from '../errors.js';
import { execFilter } from '../exec.js';
import { writeImageFile } from '../image/image-file.js';
import type { LayerCompression } from '../image/layer-compression.js';
import type { ImageManifest } from '../image/manifest.js';
import { saveContainerImage } from '../image/save.js';
import { ImageStore } from '../image/store.js';
import type { JailConfig } from '../jail/config.js';
import { hostFacts } from '../jail/host-facts.js';
import { removeContainer, stopContainer, type RemoveReport } from '../jail/lifecycle.js';
import { spawnLauncher, writeLauncher, type SpawnedLauncher } from '../jail/run.js';
import { livePid1, runRecord, waitIdle, writeAtomic } from '../jail/state.js';
import { allocate, list } from '../net/allocations.js';
import { renderHosts } from '../net/hosts-file.js';
import { decompressorCommand, detectCompression, MAGIC_BYTES } from '../rootfs/compression.js';
import {
  checkStartupCommand, IDENTITY_ARGV, keepAliveArgv, parseIdentity, parseStartupLine, runConfig, templateContext, untarArgv, writeFileArgv,
  type Identity, type WriteFileOptions,
} from './options.js';
import { writeStartupCommands } from './startup.js';
import { renderTemplate, type TemplateContext } from './template.js';

export interface RunOptions {
  /** Where the command's output goes; default: captured into the result. */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Given to the command's stdin; default: /dev/null. */
  stdin?: string | Buffer | Readable;
  /** Environment on top of the container's. */
  env?: Record<string, string>;
  /** Where it starts, inside (absolute). */
  cwd?: string;
  /** user[:group] for this run; default: the container's. */
  user?: string;
  /**
   * Stop the command after this long: SIGTERM, SIGKILL 3 s later (every process the run
   * started, in a container that is up); the result then says `timedOut`, exit code 124.
   */
  timeoutMs?: number;
  /** Aborting stops the command the same way; run() then rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface RunResult {
  /** The command's status; 124 when timeoutMs stopped it; 125 when the jail could not be set up (stderr says why). */
  exitCode: number;
  /** timeoutMs was reached and the command was stopped. */
  timedOut: boolean;
  /** What it wrote, when no stream was given for it. */
  stdout: string;
  stderr: string;
}

export interface SavedContainerImage {
  name: string;
  digest: string;
  manifest: ImageManifest;
  /** The image file, when one was asked for. */
  file?: string;
}

/** Where a container was provisioned from, for its facts and messages. */
export interface ContainerOrigin {
  libraryDir: string;
  baseDir?: string;
  /** 'host', a directory, a store root or an image ref, as given. */
  rootfs: string;
  image?: string;
  /** Startup commands the image (chain) brings: run before the container's own. */
  imageStartup: string[];
}

const ERROR_TAIL = 2000;

/**
 * One container of a Service: a name, a config every run starts from, startup commands.
 * Each run() is a launcher run: it starts the container (a fresh jail over the same upper
 * layer) or, while start() keeps it up, joins it.
 */
export class Container {
  private identityCache?: Identity;
  private live?: SpawnedLauncher;

  constructor(
    readonly name: string,
    readonly config: JailConfig,
    private readonly origin: ContainerOrigin,
    private readonly startup: string[],
  ) {}

  get libraryDir(): string {
    return this.origin.libraryDir;
  }

  /** The container's state dir (LIBRARYDIR/app-NAME). */
  get stateDir(): string {
    return path.join(this.origin.libraryDir, `app-${this.name}`);
  }

  /** The upper layer: what runs wrote (a tmpfs inside the jail for an ephemeral one). */
  get upperDir(): string {
    return planContainer({ ...this.config, command: [] }).spec.upperDir;
  }

  /** Its startup commands: the image's, then its own. */
  get startupCommands(): string[] {
    return [...this.origin.imageStartup, ...this.startup];
  }

  /** Whether it is up (started, or a run of it is in progress). */
  get running(): boolean {
    return livePid1(this.stateDir) !== undefined;
  }

  /**
   * Runs ARGV inside and waits for it. Output is captured unless streams are given; the
   * exit status is returned, never thrown.
   */
  async run(argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
    const cfg = runConfig(this.config, argv, o);
    const { file, stateDir, owner } = await this.prepare(cfg);
    o.signal?.throwIfAborted();
    const launcher = spawnLauncher(file, {
      command: cfg.command,
      stdio: [o.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      forwardSignals: false,
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    });
    const abort = (): void => launcher.stop();
    o.signal?.addEventListener('abort', abort, { once: true });
    const out = collect(launcher.child.stdout!, o.stdout);
    const err = collect(launcher.child.stderr!, o.stderr);
    if (o.stdin !== undefined) feed(launcher.child.stdin!, o.stdin);
    const exit = await launcher.exit.finally(() => o.signal?.removeEventListener('abort', abort));
    // The launcher's clean-up (cgroup, network) runs after the jail: wait for it, so that
    // what we return describes a container that is completely gone.
    if (owner) await waitIdle(stateDir);
    const result = { exitCode: exit.timedOut ? 124 : exit.status, timedOut: exit.timedOut, stdout: await out, stderr: await err };
    if (exit.stopped && !exit.timedOut) o.signal?.throwIfAborted();
    return result;
  }

  /** Who the container's user is, asked inside once (uid, gid, name, home, hostname). */
  async identity(): Promise<Identity> {
    if (!this.identityCache) {
      const r = await this.run(IDENTITY_ARGV);
      if (r.exitCode !== 0) throw new JailError(`container ${this.name}: cannot ask who its user is (exit status ${r.exitCode}): ${tail(r.stderr)}`);
      this.identityCache = parseIdentity(r.stdout);
    }
    return this.identityCache;
  }

  /** What templates see: name, hostname, user, uid, gid, home, network, ip, mac, gateway, image, rootfs. */
  async facts(): Promise<TemplateContext> {
    const identity = await this.identity();
    const lease = this.config.network === 'private' ? (await list(this.libraryDir)).leases.find((l) => l.name === this.name) : undefined;
    return templateContext({
      name: this.name,
      identity,
      network: this.config.network ?? 'host',
      ip: lease?.ip,
      mac: lease?.mac,
      gateway: lease?.gateway,
      image: this.origin.image,
      rootfs: this.origin.rootfs,
    });
  }

  /**
   * Unpacks ARCHIVE (a tar, plain or gzip/xz/zstd/bzip2 compressed: told by its bytes)
   * into DEST inside (default: the user's home), as the container's user (or o.user), so
   * that what it unpacks is owned by that user. The decompression runs on the host; the
   * root needs `tar` (the host's, Debian's and Alpine's have one).
   */
  async loadArchive(archive: string, o: { dest?: string; user?: string } = {}): Promise<void> {
    const file = path.resolve(archive);
    const compression = detectCompression(readHead(file));
    const dest = o.dest ?? (await this.identity()).home;
    // As root, tar would give files the archive's owners: they get root's, as a user's get theirs.
    const asRoot = o.user !== undefined ? /^(0|root)(:|$)/.test(o.user) : (await this.identity()).uid === 0;
    const input = createReadStream(file);
    const dec = decompressorCommand(compression);
    const filter = dec ? execFilter(dec.file, dec.args, input) : undefined;
    const r = await this.run(untarArgv(dest, asRoot), { stdin: (filter?.stdout ?? input) as Readable, user: o.user });
    const d = filter ? await filter.done : undefined;
    if (d && d.code !== 0) throw new ConfigError(`cannot decompress ${file} (${compression}): ${tail(d.stderr)}; give a tar archive, plain or compressed`);
    if (r.exitCode !== 0) throw new JailError(`loading ${file} into ${this.name}:${dest} failed (exit status ${r.exitCode}): ${tail(r.stderr)}${/tar: (not found|No such file)/.test(r.stderr) ? ' (the root needs tar)' : ''}`);
  }

  /**
   * Writes TEMPLATE, rendered with the container's facts under CONTEXT, to FILE inside:
   * through the jail (so the overlay's rules hold), as root unless o.user says otherwise;
   * o.mode and o.owner set its mode and owner.
   */
  async writeFile(file: string, template: string, context: TemplateContext = {}, o: WriteFileOptions = {}): Promise<string> {
    const argv = writeFileArgv(file, o);
    const text = renderTemplate(template, { ...(await this.facts()), ...context }, file);
    const r = await this.run(argv, { stdin: text, user: o.user ?? '0:0' });
    if (r.exitCode !== 0) throw new JailError(`writing ${file} in ${this.name} failed (exit status ${r.exitCode}): ${tail(r.stderr)}`);
    return text;
  }

  /** Adds a command (a line of sh) run at every start(), after the ones before it. Kept with the container. */
  addStartupCommand(command: string): void {
    checkStartupCommand(command);
    this.startup.push(command);
    writeStartupCommands(this.stateDir, this.startup);
  }

  /**
   * Starts the container and keeps it up: the startup commands run in order (as its user;
   * one that fails stops it, and the error has its output), then runs join it until
   * stop(). If this process dies, the lifeline ends it.
   */
  async start(): Promise<void> {
    if (this.live || this.running) throw new ConfigError(`container ${this.name} is running already: stop() it first (or run() commands in it)`);
    const cfg: JailConfig = { ...this.config, command: keepAliveArgv(this.startupCommands) };
    const { file, stateDir } = await this.prepare(cfg);
    const launcher = spawnLauncher(file, { command: cfg.command, stdio: ['ignore', 'pipe', 'pipe'], forwardSignals: false });
    let stderr = '';
    launcher.child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-64 * 1024)));
    const outcome = await new Promise<{ ready: true } | { failed: { index: number; status: number } } | { exit: number }>((resolve) => {
      let buf = '';
      launcher.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const said = parseStartupLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
          if (said) resolve(said);
        }
      });
      void launcher.exit.then((e) => resolve({ exit: e.status }), () => resolve({ exit: 125 }));
    });
    if ('ready' in outcome) {
      this.live = launcher;
      // Ended some other way (micro-container stop, its keep-alive killed): no longer ours to stop.
      void launcher.exit.finally(() => {
        if (this.live === launcher) this.live = undefined;
      }).catch(() => undefined);
      // Not a reason for this process to stay alive: when it ends, the lifeline goes, and
      // the container with it.
      launcher.child.unref();
      for (const s of [launcher.child.stdout, launcher.child.stderr, launcher.child.stdio[3]]) (s as unknown as { unref?: () => void } | null)?.unref?.();
      return;
    }
    await stopContainer(this.name, { libraryDir: this.libraryDir }).catch(() => undefined);
    launcher.cutLifeline();
    await launcher.exit.catch(() => undefined);
    await waitIdle(stateDir);
    if ('failed' in outcome) {
      const cmd = this.startupCommands[outcome.failed.index - 1];
      throw new JailError(`container ${this.name}: startup command ${outcome.failed.index} (${cmd}) failed with status ${outcome.failed.status}: ${tail(stderr)}`);
    }
    throw new JailError(`container ${this.name} did not start (exit status ${outcome.exit}): ${tail(stderr)}`);
  }

  /** Stops it: every process in it ends, its mounts go, and the launcher's clean-up is done. */
  async stop(): Promise<void> {
    await stopContainer(this.name, { libraryDir: this.libraryDir });
    const live = this.live;
    this.live = undefined;
    if (live) {
      // stopContainer waited for the launcher's clean-up; the launcher itself is gone or
      // about to be. Without a cgroup it could still be up: the lifeline ends it.
      live.cutLifeline();
      await live.exit.catch(() => undefined);
    }
    await waitIdle(this.stateDir);
  }

  /**
   * Saves its upper layer as an image in the library (named o.as or after the container),
   * with its settings and startup commands; and to FILE when given (an image file that
   * Service.loadImage takes, here or on another machine).
   */
  async saveImage(file?: string, o: { as?: string; compression?: LayerCompression; squash?: boolean } = {}): Promise<SavedContainerImage> {
    const saved = await saveContainerImage({ container: this.name, libraryDir: this.libraryDir, as: o.as, compression: o.compression, squash: o.squash });
    const out = file ? (await writeImageFile(new ImageStore(this.libraryDir), saved.digest, file)).file : undefined;
    return { name: saved.name, digest: saved.digest, manifest: saved.manifest, ...(out ? { file: out } : {}) };
  }

  /** Stops it if it runs and removes its upper layer, state (startup commands too) and address. */
  async remove(): Promise<RemoveReport> {
    if (this.live) await this.stop();
    return removeContainer(this.name, { libraryDir: this.libraryDir, baseDir: this.origin.baseDir });
  }

  /** The launcher for CFG, written; and, when this run starts the container, its run record. */
  private async prepare(cfg: JailConfig): Promise<{ file: string; stateDir: string; owner: boolean }> {
    const facts = hostFacts();
    const lease = cfg.network === 'private' ? await allocate(this.libraryDir, this.name) : undefined;
    const { spec, launcher } = planContainer({ ...cfg, command: [] }, { ...facts, lease });
    const file = writeLauncher(spec, launcher);
    const owner = livePid1(spec.stateDir) === undefined;
    if (owner) {
      // The record is the container's own config, not this run's overrides: image save
      // takes env, workdir and user from it.
      const base = planContainer({ ...this.config, command: [] }, { ...facts, lease }).spec;
      writeAtomic(path.join(spec.stateDir, 'run.json'), `${JSON.stringify(runRecord(base, this.config), null, 2)}\n`);
      if (spec.net) writeAtomic(path.join(spec.stateDir, 'hosts'), renderHosts((await list(this.libraryDir)).leases, { name: spec.name, hostname: spec.hostname }));
    }
    return { file, stateDir: spec.stateDir, owner };
  }
}

function readHead(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new ConfigError(`archive ${file} cannot be read: give the path of a tar archive on the host`);
  }
  try {
    const b = Buffer.alloc(MAGIC_BYTES);
    return b.subarray(0, readSync(fd, b, 0, MAGIC_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

function collect(stream: NodeJS.ReadableStream, to?: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.on('data', (d: Buffer) => (to ? to.write(d) : (text += d.toString('utf8'))));
    stream.on('end', () => resolve(text));
    stream.on('error', () => resolve(text));
  });
}

function feed(stdin: NodeJS.WritableStream, input: string | Buffer | Readable): void {
  (stdin as unknown as { on(e: 'error', f: () => void): void }).on('error', () => undefined); // the command may not read it all
  if (typeof input === 'string' || Buffer.isBuffer(input)) stdin.end(input);
  else input.pipe(stdin);
}

function tail(text: string): string {
  const t = text.trim();
  return t.length > ERROR_TAIL ? `...${t.slice(-ERROR_TAIL)}` : t || '(no output)';
}
