import { ConfigError } from '../core/errors.js';
import { parseLayerCompression, type LayerCompression } from '../core/image/layer-compression.js';

/** `micro-container image save|load|ls|inspect|rm|export ...`, parsed. Pure. */
export type ImageArgs =
  | { action: 'save'; container: string; output?: string; as?: string; compression?: LayerCompression; squash: boolean; libraryDir?: string; baseDir?: string }
  | { action: 'load'; file: string; as?: string; libraryDir?: string }
  | { action: 'ls'; json: boolean; libraryDir?: string }
  | { action: 'inspect'; image: string; libraryDir?: string }
  | { action: 'rm'; image: string; libraryDir?: string }
  | { action: 'export'; image: string; oci: string; tag?: string; libraryDir?: string }
  | { action: 'help' };

export const IMAGE_USAGE = `usage: micro-container image save NAME [--as IMAGE] [-o FILE] [--compression zstd|gzip|none] [--squash] [-d librarydir] [-b basedir]
       micro-container image load FILE [--as IMAGE] [-d librarydir]
       micro-container image ls [--json] [-d librarydir]
       micro-container image inspect IMAGE [-d librarydir]
       micro-container image rm IMAGE [-d librarydir]
       micro-container image export IMAGE --oci DIR|FILE.tar [--tag TAG] [-d librarydir]

IMAGE is NAME[:TAG] (TAG defaults to latest) or a digest (sha256:HEX, or 12+ hex digits).

  save     container NAME's upper layer (what it built) as an image in librarydir, named
           IMAGE (default: NAME). It sits on the container's root, or on the image the
           container was started from (--image): then only the new layer is saved, unless
           --squash merges them into one. -o FILE also writes the image (and the layers it
           sits on) as one file, to hand to upload-artifact or a cache.
  load     an image file into librarydir, every digest checked first (a damaged or
           truncated file loads nothing)
  ls       the named images
  inspect  an image's manifest, digest and chain, as JSON
  rm       an image's name, and its layers when no other image needs them
  export   an OCI image layout (base root, then the layers, config, manifest, index) that
           skopeo, podman and registries take: a directory, or a .tar for podman load

Run an image with: micro-container run --image IMAGE [--rm] [container options] command...`;

const ACTIONS = ['save', 'load', 'ls', 'inspect', 'rm', 'export'] as const;

export function parseImageArgs(argv: readonly string[]): ImageArgs {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') return { action: 'help' };
  if (!(ACTIONS as readonly string[]).includes(action)) throw new ConfigError(`unknown image command '${action}' (${ACTIONS.join(', ')}; see micro-container image --help)`);
  const words: string[] = [];
  const o: { output?: string; as?: string; compression?: LayerCompression; squash: boolean; json: boolean; libraryDir?: string; baseDir?: string; oci?: string; tag?: string } = {
    squash: false,
    json: false,
  };
  // Which options each command takes; anything else is refused, not ignored.
  const allowed: Record<string, string[]> = {
    save: ['o', 'as', 'compression', 'squash', 'd', 'b'],
    load: ['as', 'd'],
    ls: ['json', 'd'],
    inspect: ['d'],
    rm: ['d'],
    export: ['oci', 'tag', 'd'],
  };
  const longs: Record<string, string> = { output: 'o', librarydir: 'd', basedir: 'b', as: 'as', compression: 'compression', oci: 'oci', tag: 'tag', squash: 'squash', json: 'json' };
  const flags = new Set(['squash', 'json']);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--help' || a === '-h') return { action: 'help' };
    if (a === '--') {
      words.push(...rest.slice(i + 1));
      break;
    }
    let key: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const long = eq > 0 ? a.slice(2, eq) : a.slice(2);
      key = longs[long];
      if (key === undefined) throw new ConfigError(`unknown option ${a} for image ${action} (see micro-container image --help)`);
      if (eq > 0) inline = a.slice(eq + 1);
    } else if (/^-[odb]/.test(a)) {
      key = a[1]!;
      if (a.length > 2) inline = a.slice(2);
    } else if (a.startsWith('-') && a !== '-') {
      throw new ConfigError(`unknown option ${a} for image ${action} (see micro-container image --help)`);
    } else {
      words.push(a);
      continue;
    }
    const shown = key.length === 1 ? `-${key}` : `--${key}`;
    if (!allowed[action]!.includes(key)) throw new ConfigError(`image ${action} does not take ${shown} (see micro-container image --help)`);
    if (flags.has(key)) {
      if (inline !== undefined) throw new ConfigError(`option ${shown} takes no value`);
      if (key === 'squash') o.squash = true;
      else o.json = true;
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined || value === '') throw new ConfigError(`option ${shown} needs a value`);
    switch (key) {
      case 'o': o.output = value; break;
      case 'd': o.libraryDir = value; break;
      case 'b': o.baseDir = value; break;
      case 'as': o.as = value; break;
      case 'compression': o.compression = parseLayerCompression(value); break;
      case 'oci': o.oci = value; break;
      case 'tag': o.tag = value; break;
    }
  }
  const want = (n: number, shape: string): void => {
    if (words.length !== n) throw new ConfigError(`image ${action} takes ${shape} (see micro-container image --help)`);
  };
  const d = o.libraryDir !== undefined ? { libraryDir: o.libraryDir } : {};
  switch (action) {
    case 'save':
      want(1, 'the NAME of a container');
      return { action, container: words[0]!, squash: o.squash, ...d, ...pick(o, ['output', 'as', 'compression', 'baseDir']) };
    case 'load':
      want(1, 'a FILE written by image save -o');
      return { action, file: words[0]!, ...d, ...pick(o, ['as']) };
    case 'ls':
      want(0, 'no arguments but --json and -d');
      return { action, json: o.json, ...d };
    case 'inspect':
    case 'rm':
      want(1, 'one IMAGE (NAME[:TAG] or digest)');
      return { action, image: words[0]!, ...d };
    default: {
      want(1, 'one IMAGE and --oci DIR|FILE.tar');
      if (o.oci === undefined) throw new ConfigError('image export needs --oci DIR or --oci FILE.tar: where to write the OCI image layout');
      return { action: 'export', image: words[0]!, oci: o.oci, ...d, ...pick(o, ['tag']) };
    }
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
