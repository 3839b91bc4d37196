import { describe, expect, it } from 'vitest';
import { ImageError } from '../../src/core/image/errors.js';
import {
  buildImageManifest,
  canonicalManifestJson,
  decodeImageManifest,
  encodeImageManifest,
  IMAGE_MEDIA_TYPE,
  validateImageManifest,
  type ManifestInput,
} from '../../src/core/image/manifest.js';

const D = (c: string): string => `sha256:${c.repeat(64)}`;
const LAYER = { digest: D('a'), diffId: D('b'), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', size: 1234 };
const INPUT: ManifestInput = {
  layer: LAYER,
  base: { id: 'c'.repeat(64), source: 'https://example.test/root.tar.gz', name: 'alpine' },
  created: '2026-01-02T03:04:05.000Z',
  from: 'b1',
  settings: { env: { A: '1' }, workdir: '/work', user: 'builder', startup: ['redis-server'] },
};

describe('buildImageManifest', () => {
  it('builds the manifest: layer, base, settings; no parent for a first layer', () => {
    expect(buildImageManifest(INPUT)).toEqual({
      schemaVersion: 1,
      mediaType: IMAGE_MEDIA_TYPE,
      layer: LAYER,
      base: { id: 'c'.repeat(64), source: 'https://example.test/root.tar.gz', name: 'alpine' },
      created: '2026-01-02T03:04:05.000Z',
      from: 'b1',
      settings: { env: { A: '1' }, workdir: '/work', user: 'builder', startup: ['redis-server'] },
    });
  });

  it.each([
    ['a chain: parent', { parent: D('e') }, { parent: D('e') }],
    ['squashed', { squashed: true }, { squashed: true }],
    ['empty settings dropped', { settings: { env: {}, workdir: '', startup: [] } }, { settings: {} }],
    ['a directory base', { base: { path: '/srv/root' } }, { base: { path: '/srv/root' } }],
    ['a dir- root id', { base: { id: 'dir-0123456789abcdef', source: '/src' } }, { base: { id: 'dir-0123456789abcdef', source: '/src' } }],
  ])('%s', (_what, extra, want) => {
    expect(buildImageManifest({ ...INPUT, ...extra } as ManifestInput)).toMatchObject(want);
  });

  it('one manifest, one digest: canonical JSON whatever the key order', () => {
    const m = buildImageManifest(INPUT);
    const { settings, created, layer, ...rest } = m;
    const shuffled = { settings, created, layer, ...rest };
    expect(Object.keys(shuffled)[0]).toBe('settings');
    expect(encodeImageManifest(shuffled).digest).toBe(encodeImageManifest(m).digest);
    expect(canonicalManifestJson(m)).toMatch(/^\{"base":\{"id":"c{64}","name":"alpine","source":"https:\/\/example.test\/root.tar.gz"\},"created":/);
    expect(encodeImageManifest(m).digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(decodeImageManifest(encodeImageManifest(m).bytes, 'x')).toEqual(m);
  });
});

describe('validateImageManifest', () => {
  const good = buildImageManifest(INPUT) as unknown as Record<string, unknown>;
  it.each([
    ['not an object', [], /not a JSON object/],
    ['a newer schema', { ...good, schemaVersion: 2 }, /schemaVersion is 2, not 1/],
    ['another media type', { ...good, mediaType: 'x' }, /mediaType is "x"/],
    ['no layer', { ...good, layer: undefined }, /layer is missing/],
    ['a bad layer digest', { ...good, layer: { ...LAYER, digest: 'sha256:zz' } }, /layer.digest is not/],
    ['a bad diff id', { ...good, layer: { ...LAYER, diffId: 'md5:00' } }, /layer.diffId is not/],
    ['a non-OCI media type', { ...good, layer: { ...LAYER, mediaType: 'application/x-tar' } }, /not an OCI layer media type/],
    ['a negative size', { ...good, layer: { ...LAYER, size: -1 } }, /layer.size/],
    ['a base with neither id nor path', { ...good, base: {} }, /neither an id nor a path/],
    ['a bad base id', { ...good, base: { id: 'root' } }, /base.id is not a root id/],
    ['a relative base path', { ...good, base: { path: 'root' } }, /base.path is not an absolute path/],
    ['a bad parent', { ...good, parent: 'img1' }, /parent is not/],
    ['a bad date', { ...good, created: 'yesterday' }, /created is not a date/],
    ['bad env', { ...good, settings: { env: { 'A-B': '1' } } }, /settings.env/],
    ['a relative workdir', { ...good, settings: { workdir: 'work' } }, /settings.workdir/],
    ['startup not strings', { ...good, settings: { startup: [1] } }, /settings.startup/],
    ['no settings', { ...good, settings: undefined }, /settings is missing/],
  ])('refuses %s', (_what, doc, msg) => {
    expect(() => validateImageManifest(doc, 'm.json')).toThrow(ImageError);
    expect(() => validateImageManifest(doc, 'm.json')).toThrow(msg);
  });

  it('says which file and that it is damaged when it is not JSON', () => {
    expect(() => decodeImageManifest('{', 'manifest.json in f.mcimg')).toThrow(/manifest.json in f.mcimg is not JSON .*damaged/);
  });
});
