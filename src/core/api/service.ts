import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { planContainer } from '../container.js';
import { ConfigError, PrivilegeError } from '../errors.js';
import { loadImageFile } from '../image/image-file.js';
import { resolveImageConfig, settingsOf } from '../image/resolve.js';
import { ImageStore } from '../image/store.js';
import { DEFAULT_LIBRARY_DIR } from '../jail/config.js';
import { listContainers, type ContainerStatus } from '../jail/lifecycle.js';
import { prepareDirs } from '../jail/run.js';
import { addRoot } from '../rootfs/add.js';
import { RootStore } from '../rootfs/store.js';
import { Container } from './container.js';
import { classifyRootfs, generatedName, provisionConfig, type ProvisionOptions } from './options.js';
import { readStartupCommands } from './startup.js';

export interface ServiceOptions {
  /** Where roots, images and container state live (default /var/lib/micro-container). */
  libraryDir?: string;
  /** Where upper layers live (default $HOME/.app of the invoking user). */
  baseDir?: string;
  /** Progress for people (a root being downloaded, a layer applied). */
  log?: (line: string) => void;
}

export interface LoadImageOptions extends Omit<ProvisionOptions, 'image' | 'rootfs'> {
  /** The name the image gets in this library (default: the one it was saved under, if any). */
  as?: string;
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * The library API's entry point, as appcontainers' service was: one library directory
 * (roots, images, containers' state) and one base directory (upper layers).
 */
export class Service {
  constructor(
    readonly libraryDir: string,
    readonly baseDir: string | undefined,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /**
   * A container over a root (rootfs) or an image. Nothing runs yet: the first run(),
   * loadArchive(), writeFile() or start() starts it. The same name again gives the same
   * container (its upper layer and startup commands).
   */
  async provision(o: ProvisionOptions = {}): Promise<Container> {
    const name = o.name ?? generatedName(randomBytes(8).toString('hex'));
    let opts: ProvisionOptions = o;
    let lowerDirs: string[];
    let imageStartup: string[] = [];
    let rootfs = o.rootfs ?? 'host';
    if (o.image !== undefined) {
      if (o.rootfs !== undefined) throw new ConfigError('give either rootfs or image, not both: an image carries its own root');
      const r = await resolveImageConfig({ libraryDir: this.libraryDir, env: o.env, workdir: o.workdir, user: o.user }, o.image, { log: this.log });
      lowerDirs = r.config.lowerDirs!;
      checkNotNested(lowerDirs, o.image);
      opts = { ...o, env: r.config.env, workdir: r.config.workdir, user: r.config.user };
      imageStartup = settingsOf(r.chain).startup ?? [];
      rootfs = r.baseDir;
    } else {
      lowerDirs = [await this.rootDir(o, name)];
    }
    const config = provisionConfig(opts, { libraryDir: this.libraryDir, baseDir: this.baseDir, name, lowerDirs });
    // Checked now (buildSpec's ConfigErrors: user, volumes, env names, limits), and the
    // state dir made, where the startup commands are kept.
    const { spec } = planContainer({ ...config, network: config.network === 'private' ? 'none' : config.network });
    prepareDirs(spec);
    return new Container(name, config, { libraryDir: this.libraryDir, baseDir: this.baseDir, rootfs, image: o.image, imageStartup }, readStartupCommands(spec.stateDir));
  }

  /**
   * Loads an image file (written by Container.saveImage or `image save -o`) into this
   * library, and provisions a container that starts from it; ephemeral: true gives it a
   * throwaway upper layer.
   */
  async loadImage(file: string, o: LoadImageOptions = {}): Promise<Container> {
    const loaded = await loadImageFile(new ImageStore(this.libraryDir), file, o.as);
    const { as: _as, ...rest } = o;
    return this.provision({ ...rest, image: loaded.digest });
  }

  /** The running containers of this library. */
  containers(): Promise<ContainerStatus[]> {
    return listContainers({ libraryDir: this.libraryDir });
  }

  private async rootDir(o: ProvisionOptions, name: string): Promise<string> {
    const src = classifyRootfs(o.rootfs, process.cwd(), isDir, isFile);
    const roots = new RootStore(this.libraryDir);
    switch (src.kind) {
      case 'host':
        return '/';
      case 'directory':
        return src.path;
      case 'store': {
        const link = roots.namePath(src.name);
        if (!existsSync(link)) {
          const known = roots.list().map((r) => r.name);
          throw new ConfigError(`there is no root '${src.name}' in ${this.libraryDir} (${known.length ? `it has: ${known.join(', ')}` : 'it has none'}): add it with rootfs add, or give rootfs a URL or tarball`);
        }
        return realpathSync(link);
      }
      case 'archive': {
        const added = await addRoot(roots, o.rootfsName ?? name, src.source, { sha256: o.sha256, log: this.log });
        return realpathSync(added.entry.path);
      }
    }
  }
}

/**
 * overlayfs refuses lower layers inside one another on the same filesystem (ELOOP): an
 * image over the host's `/` whose layers are stored under that `/` cannot be stacked.
 * Said here, with what to do, rather than as a mount error at the first run.
 */
function checkNotNested(lowerDirs: readonly string[], image: string): void {
  const base = lowerDirs[lowerDirs.length - 1]!;
  const inside = (d: string) => base === '/' || d.startsWith(`${base.replace(/\/+$/, '')}/`);
  const nested = lowerDirs.slice(0, -1).find((d) => inside(d) && statSync(d).dev === statSync(base).dev);
  if (nested !== undefined) {
    throw new ConfigError(`image ${image} sits on ${base}, and its layer ${nested} is stored inside that root on the same filesystem, which overlayfs cannot stack: save images over a store root (rootfs: a URL, tarball or store name), or keep the library dir on another filesystem`);
  }
}

/** A Service over LIBRARYDIR and BASEDIR (made when missing). Needs root, as the jails do. */
export async function setupService(o: ServiceOptions = {}): Promise<Service> {
  if (process.getuid?.() !== 0) {
    throw new PrivilegeError('the library API runs containers, which needs root: run this program as root (e.g. with sudo)');
  }
  const libraryDir = path.resolve(o.libraryDir || DEFAULT_LIBRARY_DIR);
  const baseDir = o.baseDir ? path.resolve(o.baseDir) : undefined;
  mkdirSync(libraryDir, { recursive: true, mode: 0o700 });
  return new Service(libraryDir, baseDir, o.log);
}
