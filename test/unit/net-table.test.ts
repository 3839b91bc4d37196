import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { allocateIn, releaseIn, type NetworkState } from '../../src/core/net/address-table.js';
import { parsePool } from '../../src/core/net/pool.js';
import { NETWORK_FILE_VERSION, parseNetworkState, serializeNetworkState } from '../../src/core/net/resources-file.js';

const POOL = parsePool('10.213.0.0/24');
const TINY = parsePool('10.9.9.0/29'); // containers .2 .. .6

/** A random source counting up from N, so each draw differs and the MACs are predictable. */
function counter(n = 1): (size: number) => Uint8Array {
  return (size) => Uint8Array.from({ length: size }, (_, i) => (i === size - 1 ? n++ : 0));
}

const EMPTY: NetworkState = { allocations: [] };

describe('allocateIn', () => {
  it('gives the first free address after the gateway and a new MAC, and records the pool', () => {
    const r = allocateIn(EMPTY, 'web', POOL, { random: counter(7) });
    expect(r.lease).toEqual({ name: 'web', ip: '10.213.0.2', mac: '02:00:00:00:00:07', prefix: 24, gateway: '10.213.0.1' });
    expect(r.state).toEqual({ pool: '10.213.0.0/24', allocations: [{ name: 'web', ip: '10.213.0.2', mac: '02:00:00:00:00:07' }] });
    expect(r.changed).toBe(true);
    expect(EMPTY).toEqual({ allocations: [] }); // pure: the input is untouched
  });

  it('keeps a known name on its address and MAC, with no change to write', () => {
    const random = counter();
    const one = allocateIn(EMPTY, 'web', POOL, { random }).state;
    const two = allocateIn(one, 'db', POOL, { random }).state;
    const again = allocateIn(two, 'web', POOL, { random });
    expect(again.changed).toBe(false);
    expect(again.lease).toMatchObject({ ip: '10.213.0.2', mac: '02:00:00:00:00:01' });
    expect(again.state.allocations).toEqual(two.allocations);
  });

  it('sorts the allocations by name and fills the lowest gap', () => {
    const random = counter();
    let s = EMPTY;
    for (const name of ['c', 'a', 'b']) s = allocateIn(s, name, POOL, { random }).state;
    expect(s.allocations.map((a) => `${a.name}=${a.ip}`)).toEqual(['a=10.213.0.3', 'b=10.213.0.4', 'c=10.213.0.2']);
    s = releaseIn(s, 'a').state;
    expect(allocateIn(s, 'd', POOL, { random }).lease.ip).toBe('10.213.0.3');
  });

  it('gives every container of a full pool a distinct address and MAC, then says the pool is full', () => {
    let s = EMPTY;
    for (const name of ['a', 'b', 'c', 'd', 'e']) s = allocateIn(s, name, TINY).state;
    expect(new Set(s.allocations.map((a) => a.ip)).size).toBe(5);
    expect(new Set(s.allocations.map((a) => a.mac)).size).toBe(5);
    expect(() => allocateIn(s, 'f', TINY)).toThrow(ConfigError);
    expect(() => allocateIn(s, 'f', TINY)).toThrow('the network pool 10.9.9.0/29 is full (5 containers): release some, or use a larger pool');
    // A name that has its address still gets it in a full pool.
    expect(allocateIn(s, 'c', TINY).lease.ip).toBe('10.9.9.4');
  });

  it('draws a MAC that no other container has', () => {
    const s = allocateIn(EMPTY, 'a', POOL, { random: counter(1) }).state;
    // The first draw repeats a's MAC; the second is free.
    expect(allocateIn(s, 'b', POOL, { random: counter(1) }).lease.mac).toBe('02:00:00:00:00:02');
  });

  it('takes a requested address, and moves a known name to it keeping its MAC', () => {
    const a = allocateIn(EMPTY, 'a', POOL, { ip: '10.213.0.200', random: counter(5) });
    expect(a.lease.ip).toBe('10.213.0.200');
    const moved = allocateIn(a.state, 'a', POOL, { ip: '10.213.0.9', random: counter(9) });
    expect(moved.lease).toMatchObject({ ip: '10.213.0.9', mac: '02:00:00:00:00:05' });
    expect(moved.changed).toBe(true);
    expect(allocateIn(moved.state, 'a', POOL, { ip: '10.213.0.9' }).changed).toBe(false);
  });

  it.each([
    [{ ip: '10.213.0.1' }, /10\.213\.0\.1 cannot be a container's address in 10\.213\.0\.0\/24: use 10\.213\.0\.2 to 10\.213\.0\.254 \(10\.213\.0\.1 is the bridge's\)/],
    [{ ip: '10.213.0.255' }, /cannot be a container's address/],
    [{ ip: '10.214.0.2' }, /cannot be a container's address/],
    [{ ip: 'ten' }, /'ten' is not an IPv4 address/],
    [{ ip: '10.213.0.2' }, /10\.213\.0\.2 is already the address of container 'taken'/],
  ])('refuses %j with a ConfigError', (options, message) => {
    const s = allocateIn(EMPTY, 'taken', POOL).state;
    expect(() => allocateIn(s, 'new', POOL, options)).toThrow(ConfigError);
    expect(() => allocateIn(s, 'new', POOL, options)).toThrow(message);
  });

  it.each(['', '-x', '.x', 'a b', 'a/b', 'x'.repeat(64), 'é'])('refuses the container name %j', (name) => {
    expect(() => allocateIn(EMPTY, name, POOL)).toThrow(/is not valid for the network: use letters, digits/);
  });

  it('refuses another pool while containers use the current one, and allows it once they are gone', () => {
    const s = allocateIn(allocateIn(EMPTY, 'a', POOL).state, 'b', POOL).state;
    expect(() => allocateIn(s, 'c', TINY)).toThrow('the network already uses the pool 10.213.0.0/24 (containers: a, b); ask for that pool, or release those containers before changing it to 10.9.9.0/29');
    const empty = releaseIn(releaseIn(s, 'a').state, 'b').state;
    expect(empty).toEqual({ pool: '10.213.0.0/24', allocations: [] });
    expect(allocateIn(empty, 'c', TINY).state).toMatchObject({ pool: '10.9.9.0/29', allocations: [{ name: 'c', ip: '10.9.9.2' }] });
  });
});

describe('releaseIn', () => {
  it('forgets a name and returns what it had; an unknown name changes nothing', () => {
    const s = allocateIn(EMPTY, 'a', POOL, { random: counter(3) }).state;
    const r = releaseIn(s, 'a');
    expect(r.released).toEqual({ name: 'a', ip: '10.213.0.2', mac: '02:00:00:00:00:03' });
    expect(r.state.allocations).toEqual([]);
    expect(s.allocations).toHaveLength(1); // pure
    const none = releaseIn(s, 'zzz');
    expect(none.released).toBeUndefined();
    expect(none.state).toBe(s);
  });
});

describe('the resources file', () => {
  const state: NetworkState = {
    pool: '10.213.0.0/24',
    allocations: [
      { name: 'a', ip: '10.213.0.3', mac: '02:00:00:00:00:01' },
      { name: 'b', ip: '10.213.0.2', mac: '06:aa:bb:cc:dd:ee' },
    ],
  };

  it('serializes with its version, readably, and parses back to the same state', () => {
    const text = serializeNetworkState(state);
    expect(NETWORK_FILE_VERSION).toBe(1);
    expect(text).toBe(
      [
        '{',
        '  "version": 1,',
        '  "pool": "10.213.0.0/24",',
        '  "allocations": [',
        '    {',
        '      "name": "a",',
        '      "ip": "10.213.0.3",',
        '      "mac": "02:00:00:00:00:01"',
        '    },',
        '    {',
        '      "name": "b",',
        '      "ip": "10.213.0.2",',
        '      "mac": "06:aa:bb:cc:dd:ee"',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    expect(parseNetworkState(text, 'f')).toEqual(state);
    expect(serializeNetworkState({ allocations: [] })).toBe('{\n  "version": 1,\n  "allocations": []\n}\n');
    expect(parseNetworkState(serializeNetworkState({ allocations: [] }), 'f')).toEqual({ allocations: [] });
  });

  it('drops unknown fields of an allocation and sorts by name when parsing', () => {
    const text = JSON.stringify({ version: 1, pool: '10.213.0.0/24', allocations: [{ ...state.allocations[1], extra: 1 }, state.allocations[0]] });
    expect(parseNetworkState(text, 'f')).toEqual(state);
  });

  const entry = (over: Record<string, unknown>) => JSON.stringify({ version: 1, pool: '10.213.0.0/24', allocations: [{ name: 'a', ip: '10.213.0.2', mac: '02:00:00:00:00:01', ...over }] });
  const two = (b: Record<string, unknown>) => JSON.stringify({ version: 1, pool: '10.213.0.0/24', allocations: [{ name: 'a', ip: '10.213.0.2', mac: '02:00:00:00:00:01' }, { name: 'b', ip: '10.213.0.3', mac: '02:00:00:00:00:02', ...b }] });

  it.each([
    ['', /not JSON/],
    ['{"version": 1, "allocations": [', /not JSON/],
    ['[]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"allocations": []}', /version undefined is not 1 \(written by another micro-container release\?\)/],
    ['{"version": 2, "allocations": []}', /version 2 is not 1/],
    ['{"version": "1", "allocations": []}', /version "1" is not 1/],
    ['{"version": 1}', /"allocations" is not a list/],
    ['{"version": 1, "pool": 24, "allocations": []}', /"pool" is not a string/],
    ['{"version": 1, "pool": "10.213.0.5/24", "allocations": []}', /has host bits set/],
    ['{"version": 1, "pool": "10.0.0.0/08", "allocations": []}', /"pool" 10\.0\.0\.0\/08 is not in canonical form 10\.0\.0\.0\/8/],
    [JSON.stringify({ version: 1, allocations: [{ name: 'a', ip: '10.213.0.2', mac: '02:00:00:00:00:01' }] }), /there are allocations but no "pool"/],
    [JSON.stringify({ version: 1, pool: '10.213.0.0/24', allocations: ['a'] }), /allocation 0 is not an object/],
    [entry({ name: '../x' }), /allocation 0 has no valid container name/],
    [entry({ name: undefined }), /allocation 0 has no valid container name/],
    [entry({ ip: '10.213.0.1' }), /container 'a' has the address "10\.213\.0\.1", which is not a container address in 10\.213\.0\.0\/24/],
    [entry({ ip: 7 }), /container 'a' has the address 7/],
    [entry({ mac: '03:00:00:00:00:01' }), /container 'a' has the MAC "03:00:00:00:00:01", which is not a lower-case unicast MAC/],
    [entry({ mac: '02:AA:00:00:00:01' }), /not a lower-case unicast MAC/],
    [two({ name: 'a' }), /container 'a' is listed twice/],
    [two({ ip: '10.213.0.2' }), /containers 'a' and 'b' have the same address 10\.213\.0\.2/],
    [two({ mac: '02:00:00:00:00:01' }), /containers 'a' and 'b' have the same MAC 02:00:00:00:00:01/],
  ])('refuses %j with a ConfigError naming the file and what to do', (text, why) => {
    const parse = () => parseNetworkState(text, '/lib/network.json');
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(why);
    expect(parse).toThrow(/^\/lib\/network\.json is not a valid network resources file: .*; fix it, or remove it if no container is using the network$/s);
  });
});
