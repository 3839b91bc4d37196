import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { formatImageName, parseImageName, parseImageRef } from '../../src/core/image/image-ref.js';

const HEX = '0123456789abcdef'.repeat(4);

describe('parseImageRef', () => {
  it.each([
    ['img', { kind: 'name', name: 'img', tag: 'latest' }],
    ['img:v1', { kind: 'name', name: 'img', tag: 'v1' }],
    ['my-app.build_2:V1.0-rc_1', { kind: 'name', name: 'my-app.build_2', tag: 'V1.0-rc_1' }],
    [' img ', { kind: 'name', name: 'img', tag: 'latest' }],
    [`sha256:${HEX}`, { kind: 'digest', hex: HEX, prefix: false }],
    ['sha256:0123456789ab', { kind: 'digest', hex: '0123456789ab', prefix: true }],
    ['0123456789ab', { kind: 'digest', hex: '0123456789ab', prefix: true }],
    [HEX, { kind: 'digest', hex: HEX, prefix: false }],
    // fewer than 12 hex digits is a name
    ['abc123', { kind: 'name', name: 'abc123', tag: 'latest' }],
  ])('%j', (text, want) => {
    expect(parseImageRef(text)).toEqual(want);
  });

  it.each([
    ['', /no image given/],
    ['Img', /image name 'Img' is not valid/],
    ['-img', /image name '-img' is not valid/],
    ['a/b', /image name 'a\/b' is not valid/],
    ['img:', /image tag '' is not valid/],
    ['img:a:b', /image tag 'a:b' is not valid/],
    ['img:.x', /image tag '.x' is not valid/],
    ['sha256:abc', /too short/],
    ['sha256:XYZ', /image digest 'sha256:XYZ' is not sha256: and lower-case hex digits/],
    ['a'.repeat(129), /is not valid/],
  ])('refuses %j', (text, msg) => {
    expect(() => parseImageRef(text)).toThrow(ConfigError);
    expect(() => parseImageRef(text)).toThrow(msg);
  });

  it('names for --as: NAME:TAG, never a digest', () => {
    expect(formatImageName(parseImageName('img'))).toBe('img:latest');
    expect(formatImageName(parseImageName('img:v2'))).toBe('img:v2');
    expect(() => parseImageName(`sha256:${HEX}`)).toThrow(/is a digest, not an image name/);
  });
});
