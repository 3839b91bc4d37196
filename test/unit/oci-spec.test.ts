import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import {
  blobPath,
  buildImageConfig,
  buildIndex,
  buildManifest,
  canonicalJson,
  checkDigest,
  checkRefName,
  jsonBlob,
  layerCompressionOf,
  layerMediaType,
  MEDIA_TYPE,
  OCI_LAYOUT,
  ociPlatform,
  sha256Digest,
  type ConfigInput,
  type LayerCompression,
} from '../../src/core/image/oci-spec.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const D3 = `sha256:${'f'.repeat(64)}`;

function thrown(f: () => unknown): Error | undefined {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  return undefined;
}

describe('layer media types', () => {
  it.each<[LayerCompression, string]>([
    ['none', 'application/vnd.oci.image.layer.v1.tar'],
    ['gzip', 'application/vnd.oci.image.layer.v1.tar+gzip'],
    ['zstd', 'application/vnd.oci.image.layer.v1.tar+zstd'],
  ])('%s <-> %s', (c, mt) => {
    expect(layerMediaType(c)).toBe(mt);
    expect(layerCompressionOf(mt)).toBe(c);
  });

  it.each([
    'application/vnd.oci.image.layer.v1.tar+xz',
    'application/vnd.docker.image.rootfs.diff.tar.gzip',
    'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
    '',
  ])('refuses %j, naming the types it takes', (mt) => {
    const err = thrown(() => layerCompressionOf(mt));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toContain(MEDIA_TYPE.layerGzip);
  });
});

describe('checkDigest', () => {
  it.each([D1, D2, `sha256:${'0'.repeat(64)}`])('accepts %s', (d) => expect(checkDigest(d, 'x')).toBe(d));
  it.each([
    ['upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['63 digits', `sha256:${'a'.repeat(63)}`],
    ['65 digits', `sha256:${'a'.repeat(65)}`],
    ['no algorithm', 'a'.repeat(64)],
    ['sha512', `sha512:${'a'.repeat(128)}`],
    ['not hex', `sha256:${'g'.repeat(64)}`],
    ['trailing newline', `${D1}\n`],
    ['empty', ''],
  ])('refuses %s, saying how to write one', (_, d) => {
    const err = thrown(() => checkDigest(d, 'layer 2 digest'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(/^layer 2 digest ".*" is not a sha256 digest; write it as "sha256:" followed by 64 lower-case hex digits/s);
  });
});

describe('checkRefName (image-spec ref.name grammar)', () => {
  it.each(['latest', 'v1.0', 'myapp:1.0', 'org/app:v2', 'a', 'A1', 'my--app', 'app@x', 'a+b', 'a_b.c-d', 'registry.example.com/org/app:1.2.3', '1'])('accepts %s', (t) =>
    expect(checkRefName(t)).toBe(t),
  );
  it.each([
    ['empty', ''],
    ['leading separator', '-app'],
    ['trailing separator', 'app-'],
    ['two separators', 'app..x'],
    ['triple dash', 'a---b'],
    ['space', 'my app'],
    ['empty component', 'org//app'],
    ['leading slash', '/app'],
    ['trailing slash', 'app/'],
    ['non-ASCII', 'appé'],
    ['shell character', 'app;rm'],
  ])('refuses %s', (_, t) => {
    const err = thrown(() => checkRefName(t));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toContain('is not a valid OCI reference name; use letters and digits');
  });
});

describe('ociPlatform', () => {
  it.each<[string, 'BE' | 'LE', string | undefined, { architecture: string; variant?: string }]>([
    ['x64', 'LE', undefined, { architecture: 'amd64' }],
    ['arm64', 'LE', undefined, { architecture: 'arm64', variant: 'v8' }],
    ['arm', 'LE', '7', { architecture: 'arm', variant: 'v7' }],
    ['arm', 'LE', undefined, { architecture: 'arm' }],
    ['ia32', 'LE', undefined, { architecture: '386' }],
    ['ppc64', 'LE', undefined, { architecture: 'ppc64le' }],
    ['ppc64', 'BE', undefined, { architecture: 'ppc64' }],
    ['s390x', 'BE', undefined, { architecture: 's390x' }],
    ['riscv64', 'LE', undefined, { architecture: 'riscv64' }],
    ['loong64', 'LE', undefined, { architecture: 'loong64' }],
    ['mipsel', 'LE', undefined, { architecture: 'mipsle' }],
  ])('%s (%s, arm v%s)', (arch, endian, armv, want) => expect(ociPlatform(arch, endian, armv)).toEqual(want));

  it('refuses an architecture it cannot name', () => {
    expect(thrown(() => ociPlatform('pdp11'))).toBeInstanceOf(ConfigError);
  });
});

const amd64 = { architecture: 'amd64' };

describe('buildImageConfig', () => {
  it('a full config: fields, sorted env map, diff IDs, one history entry per layer', () => {
    const doc = buildImageConfig({
      run: { env: { PATH: '/bin', A: '1=2' }, workdir: '/build', user: '1000:1000', cmd: ['make'], entrypoint: ['/bin/sh', '-c'], labels: { 'org.x': 'y' } },
      diffIds: [D1, D2],
      history: ['base root', 'build'],
      created: '2026-01-02T03:04:05Z',
      platform: amd64,
    });
    expect(doc).toEqual({
      created: '2026-01-02T03:04:05Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['A=1=2', 'PATH=/bin'], Entrypoint: ['/bin/sh', '-c'], Cmd: ['make'], WorkingDir: '/build', User: '1000:1000', Labels: { 'org.x': 'y' } },
      rootfs: { type: 'layers', diff_ids: [D1, D2] },
      history: [
        { created: '2026-01-02T03:04:05Z', created_by: 'base root' },
        { created: '2026-01-02T03:04:05Z', created_by: 'build' },
      ],
    });
  });

  it.each<[string, Partial<ConfigInput>, Record<string, unknown>]>([
    ['nothing set: empty config, no created, no history', {}, { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [D1] } }],
    ['env as a list keeps its order', { run: { env: ['Z=1', 'A=2'] } }, { config: { Env: ['Z=1', 'A=2'] } }],
    ['empty user is no user', { run: { user: '' } }, { config: {} }],
    ['variant written', { platform: { architecture: 'arm64', variant: 'v8' } }, { architecture: 'arm64', variant: 'v8' }],
    ['history without created', { history: ['x'] }, { history: [{ created_by: 'x' }] }],
  ])('%s', (_, over, want) => {
    const doc = buildImageConfig({ run: {}, diffIds: [D1], platform: amd64, ...over });
    expect(doc).toMatchObject(want);
    if (!over.created) expect(doc).not.toHaveProperty('created');
    if (!over.history) expect(doc).not.toHaveProperty('history');
  });

  it.each<[string, Partial<ConfigInput>, RegExp]>([
    ['a relative workdir', { run: { workdir: 'build' } }, /working directory "build" is not absolute/],
    ['an env entry without =', { run: { env: ['PATH'] } }, /environment entry "PATH" has no NAME=/],
    ['an env entry with an empty name', { run: { env: ['=x'] } }, /environment entry "=x" has no NAME=/],
    ['a bad diff ID', { diffIds: [D1, 'sha256:xyz'] }, /layer 2's diff ID "sha256:xyz" is not a sha256 digest/],
    ['history of the wrong length', { history: ['a', 'b'] }, /history has 2 entries for 1 layers/],
  ])('refuses %s', (_, over, msg) => {
    const err = thrown(() => buildImageConfig({ run: {}, diffIds: [D1], platform: amd64, ...over }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(msg);
  });
});

describe('buildManifest', () => {
  it('schemaVersion 2, the config descriptor, layers in order', () => {
    expect(
      buildManifest({ mediaType: MEDIA_TYPE.config, digest: D1, size: 123 }, [
        { mediaType: MEDIA_TYPE.layerZstd, digest: D2, size: 10 },
        { mediaType: MEDIA_TYPE.layerTar, digest: D3, size: 0, annotations: { dropped: 'yes' } },
      ]),
    ).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D1, size: 123 },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: D2, size: 10 },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: D3, size: 0 },
      ],
    });
  });

  it.each([
    ['a bad layer digest', { mediaType: MEDIA_TYPE.layerGzip, digest: 'sha256:1', size: 1 }, /layer 1 digest/],
    ['a negative size', { mediaType: MEDIA_TYPE.layerGzip, digest: D2, size: -1 }, /layer 1 size -1 is not a byte count/],
    ['a fractional size', { mediaType: MEDIA_TYPE.layerGzip, digest: D2, size: 1.5 }, /layer 1 size 1.5 is not a byte count/],
    ['an xz layer', { mediaType: 'application/vnd.oci.image.layer.v1.tar+xz', digest: D2, size: 1 }, /is not an OCI layer media type this export writes/],
  ])('refuses %s', (_, layer, msg) => {
    const err = thrown(() => buildManifest({ mediaType: MEDIA_TYPE.config, digest: D1, size: 1 }, [layer]));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(msg);
  });
});

describe('buildIndex', () => {
  const m = { mediaType: MEDIA_TYPE.manifest, digest: D1, size: 42 };
  it('names the manifest by the tag', () => {
    expect(buildIndex(m, 'myapp:1.0')).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: MEDIA_TYPE.manifest, digest: D1, size: 42, annotations: { 'org.opencontainers.image.ref.name': 'myapp:1.0' } }],
    });
  });
  it('no tag, no annotation', () => {
    expect(buildIndex(m)).toEqual({ schemaVersion: 2, mediaType: MEDIA_TYPE.index, manifests: [{ mediaType: MEDIA_TYPE.manifest, digest: D1, size: 42 }] });
  });
  it('refuses a bad tag', () => {
    expect(thrown(() => buildIndex(m, 'bad tag'))).toBeInstanceOf(ConfigError);
  });
});

describe('canonical bytes and digests', () => {
  it.each<[string, unknown, string]>([
    ['keys sorted at every depth, arrays kept in order', { b: 1, a: { d: [3, 1], c: 'x' } }, '{"a":{"c":"x","d":[3,1]},"b":1}'],
    ['undefined members dropped', { a: undefined, b: null }, '{"b":null}'],
    ['no whitespace, unicode kept', { k: 'é ü' }, '{"k":"é ü"}'],
    ['the oci-layout file', OCI_LAYOUT, '{"imageLayoutVersion":"1.0.0"}'],
  ])('%s', (_, doc, want) => expect(canonicalJson(doc).toString('utf8')).toBe(want));

  it('sha256 of known bytes', () => {
    expect(sha256Digest(Buffer.alloc(0))).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Digest(Buffer.from('abc'))).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('jsonBlob: the descriptor names exactly the bytes, whatever the key order given', () => {
    const a = jsonBlob({ y: 1, x: [1, 2] }, MEDIA_TYPE.config);
    const b = jsonBlob({ x: [1, 2], y: 1 }, MEDIA_TYPE.config);
    expect(a.bytes.toString()).toBe('{"x":[1,2],"y":1}');
    expect(a.descriptor).toEqual({ mediaType: MEDIA_TYPE.config, digest: sha256Digest(a.bytes), size: 17 });
    expect(b.descriptor).toEqual(a.descriptor);
  });

  it.each([
    [D2, 'blobs/sha256/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    [D1, `blobs/sha256/${'a'.repeat(64)}`],
  ])('blobPath(%s)', (d, want) => expect(blobPath(d)).toBe(want));

  it('blobPath refuses a digest that could escape blobs/', () => {
    expect(thrown(() => blobPath('sha256:../../etc/passwd'))).toBeInstanceOf(ConfigError);
  });
});
