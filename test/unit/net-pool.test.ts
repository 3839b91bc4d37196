import { describe, expect, it } from 'vitest';
import { ConfigError, JailError } from '../../src/core/errors.js';
import { ipToNumber, isIpv4, numberToIp } from '../../src/core/net/ipv4.js';
import { generateMac, isUnicastMac } from '../../src/core/net/mac.js';
import { DEFAULT_POOL, gatewayCidr, isContainerAddress, parsePool } from '../../src/core/net/pool.js';

/** A random source that hands out BLOCKS in turn (then repeats the last one). */
function fixed(...blocks: number[][]): (size: number) => Uint8Array {
  let i = 0;
  return (size) => {
    const b = blocks[Math.min(i++, blocks.length - 1)];
    return Uint8Array.from(b.slice(0, size));
  };
}

describe('ipv4', () => {
  it.each([
    ['10.213.0.2', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['010.1.1.1', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['a.b.c.d', false],
    [' 1.2.3.4', false],
    ['', false],
  ])('isIpv4(%j) is %s', (text, ok) => expect(isIpv4(text)).toBe(ok));

  it.each([
    ['10.213.0.2', 0x0ad50002],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['192.168.1.254', 0xc0a801fe],
  ])('%s <-> %d', (ip, n) => {
    expect(ipToNumber(ip)).toBe(n);
    expect(numberToIp(n)).toBe(ip);
  });
});

describe('parsePool', () => {
  it('defaults to a private /24 whose gateway is the first host', () => {
    expect(DEFAULT_POOL).toBe('10.213.0.0/24');
    const p = parsePool(DEFAULT_POOL);
    expect(p).toEqual({ cidr: '10.213.0.0/24', prefix: 24, network: 0x0ad50000, gateway: '10.213.0.1', first: 0x0ad50002, last: 0x0ad500fe });
    expect(gatewayCidr(p)).toBe('10.213.0.1/24');
  });

  it.each([
    ['10.213.0.0/24', '10.213.0.0/24', '10.213.0.1', '10.213.0.2', '10.213.0.254'],
    [' 192.168.50.0/26 ', '192.168.50.0/26', '192.168.50.1', '192.168.50.2', '192.168.50.62'],
    ['172.16.0.0/12', '172.16.0.0/12', '172.16.0.1', '172.16.0.2', '172.31.255.254'],
    ['10.0.0.0/8', '10.0.0.0/8', '10.0.0.1', '10.0.0.2', '10.255.255.254'],
    // The smallest pool: one gateway and one container.
    ['10.9.9.4/30', '10.9.9.4/30', '10.9.9.5', '10.9.9.6', '10.9.9.6'],
  ])('%j: canonical %s, gateway %s, containers %s..%s', (text, cidr, gateway, first, last) => {
    const p = parsePool(text);
    expect(p.cidr).toBe(cidr);
    expect(p.gateway).toBe(gateway);
    expect(numberToIp(p.first)).toBe(first);
    expect(numberToIp(p.last)).toBe(last);
  });

  it.each([
    ['10.213.0.0', /is not an IPv4 network: give a network as A\.B\.C\.D\/N, e\.g\. 10\.213\.0\.0\/24/],
    ['10.213.0/24', /is not an IPv4 network/],
    ['10.213.0.0/', /is not an IPv4 network/],
    ['10.213.0.0/124', /is not an IPv4 network/],
    ['300.1.1.0/24', /is not an IPv4 network/],
    ['fd00::/64', /is not an IPv4 network/],
    ['', /is not an IPv4 network/],
    ['10.213.0.5/24', /has host bits set: did you mean 10\.213\.0\.0\/24\?/],
    ['192.168.1.128/24', /did you mean 192\.168\.1\.0\/24\?/],
    // Too small: no room for a gateway and a container.
    ['10.0.0.0/31', /prefix length must be between 8 and 30 \(a \/31 or \/32 has no room for containers\)/],
    ['10.0.0.0/32', /between 8 and 30/],
    ['10.0.0.0/7', /between 8 and 30/],
    ['0.0.0.0/0', /between 8 and 30/],
  ])('refuses %j with a ConfigError saying what to do', (text, message) => {
    expect(() => parsePool(text)).toThrow(ConfigError);
    expect(() => parsePool(text)).toThrow(message);
  });

  it.each([
    ['10.213.0.0', false],
    ['10.213.0.1', false],
    ['10.213.0.2', true],
    ['10.213.0.254', true],
    ['10.213.0.255', false],
    ['10.213.1.2', false],
    ['10.213.0.02', false],
    ['nonsense', false],
  ])('isContainerAddress(10.213.0.0/24, %s) is %s', (ip, ok) => expect(isContainerAddress(parsePool(DEFAULT_POOL), ip)).toBe(ok));
});

describe('MAC addresses', () => {
  it.each([
    // The first octet: locally administered bit (0x02) set, multicast bit (0x01) clear, whatever the random byte.
    [[0x00, 1, 2, 3, 4, 5], '02:01:02:03:04:05'],
    [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'fe:ff:ff:ff:ff:ff'],
    [[0x01, 0, 0, 0, 0, 0], '02:00:00:00:00:00'],
    [[0xa9, 0x0a, 0xbc, 0xde, 0xf0, 0x12], 'aa:0a:bc:de:f0:12'],
    [[0x5d, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60], '5e:10:20:30:40:50'],
  ])('random %j gives %s', (bytes, mac) => {
    const got = generateMac([], fixed(bytes));
    expect(got).toBe(mac);
    const first = parseInt(got.slice(0, 2), 16);
    expect(first & 0x02).toBe(0x02);
    expect(first & 0x01).toBe(0);
    expect(isUnicastMac(got)).toBe(true);
  });

  it('draws again when the MAC is taken', () => {
    expect(generateMac(['02:00:00:00:00:01'], fixed([0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 2]))).toBe('02:00:00:00:00:02');
  });

  it('gives up with a JailError when the random source keeps repeating a taken MAC', () => {
    expect(() => generateMac(['02:00:00:00:00:01'], fixed([0, 0, 0, 0, 0, 1]))).toThrow(JailError);
    expect(() => generateMac(['02:00:00:00:00:01'], fixed([0, 0, 0, 0, 0, 1]))).toThrow(/in 64 attempts/);
  });

  it('refuses a random source that gives too few bytes', () => {
    expect(() => generateMac([], fixed([1, 2, 3]))).toThrow(/gave 3 bytes/);
  });

  it('by default uses the real random source: 200 draws, all unicast and locally administered, all different', () => {
    const macs = new Set<string>();
    for (let i = 0; i < 200; i++) macs.add(generateMac(macs));
    expect(macs.size).toBe(200);
    for (const m of macs) expect(isUnicastMac(m) && (parseInt(m.slice(0, 2), 16) & 2) === 2).toBe(true);
  });

  it.each([
    ['02:00:00:00:00:01', true],
    ['fe:ff:ff:ff:ff:ff', true],
    ['00:11:22:33:44:55', true],
    ['03:00:00:00:00:01', false],
    ['ff:ff:ff:ff:ff:ff', false],
    ['02:AA:00:00:00:01', false],
    ['02-00-00-00-00-01', false],
    ['02:00:00:00:00', false],
  ])('isUnicastMac(%s) is %s', (mac, ok) => expect(isUnicastMac(mac)).toBe(ok));
});
