import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { renderHosts } from '../../src/core/net/hosts-file.js';
import { DEFAULT_BRIDGE, bridgeAlias, checkBridgeName, hostVethName, validIfName } from '../../src/core/net/iface-names.js';
import { bridgeForwardAddSteps, bridgeForwardRemoveSteps, bridgeForwardRule, iptablesRules, natAddSteps, natRemoveSteps, nftNatScript, nftTableName } from '../../src/core/net/nat-rules.js';
import { renderNetScript, type NetScriptPlan } from '../../src/core/net/net-script.js';
import { stepArgv } from '../../src/core/net/run-steps.js';
import { CONTAINER_PID, attachSteps, bridgeSteps, detachSteps, type NetStep, type Word } from '../../src/core/net/steps.js';

const ALLOC = [
  { name: 'web', ip: '10.213.0.10', mac: '02:00:00:00:00:01' },
  { name: 'db', ip: '10.213.0.9', mac: '02:00:00:00:00:02' },
  { name: 'cache', ip: '10.213.0.100', mac: '02:00:00:00:00:03' },
];

describe('renderHosts', () => {
  it.each([
    [
      'lists itself under its name, then the others in address order',
      { name: 'web' },
      ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', '10.213.0.10\tweb', '10.213.0.9\tdb', '10.213.0.100\tcache'],
    ],
    [
      'puts a hostname that differs from the name before the name',
      { name: 'db', hostname: 'db.example' },
      ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', '10.213.0.9\tdb.example db', '10.213.0.10\tweb', '10.213.0.100\tcache'],
    ],
    [
      'puts a container without an allocation on 127.0.1.1, as Debian does',
      { name: 'other' },
      ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', '127.0.1.1\tother', '10.213.0.9\tdb', '10.213.0.10\tweb', '10.213.0.100\tcache'],
    ],
    ['has only loopback and itself on an empty network', { name: 'solo', hostname: '' }, ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', '127.0.1.1\tsolo']],
  ])('%s', (_, self, lines) => {
    const allocations = self.name === 'solo' ? [] : ALLOC;
    expect(renderHosts(allocations, self)).toBe(`# written by micro-container for '${self.name}'; other containers on its network by name\n${lines.join('\n')}\n`);
  });

  it.each(['two words', 'x#y', 'tab\there', 'new\nline'])('refuses the hostname %j', (hostname) => {
    expect(() => renderHosts(ALLOC, { name: 'web', hostname })).toThrow(ConfigError);
    expect(() => renderHosts(ALLOC, { name: 'web', hostname })).toThrow(/cannot go into \/etc\/hosts: no spaces or '#'/);
  });
});

describe('interface names', () => {
  it.each([
    ['mc0', true],
    ['br-build_1.x', true],
    ['a'.repeat(15), true],
    ['a'.repeat(16), false],
    ['', false],
    ['.', false],
    ['..', false],
    ['a/b', false],
    ['a:b', false],
    ['a b', false],
  ])('validIfName(%j) is %s', (name, ok) => expect(validIfName(name)).toBe(ok));

  it('refuses a bad bridge name with a ConfigError', () => {
    expect(() => checkBridgeName('way-too-long-bridge')).toThrow(ConfigError);
    expect(() => checkBridgeName('way-too-long-bridge')).toThrow("bridge name 'way-too-long-bridge' is not a valid interface name: 1 to 15 of letters, digits, '_', '.' and '-'");
  });

  it.each([
    ['mc0', 'web'],
    ['mc0', 'x'.repeat(63)],
    ['br1', 'web'],
  ])('the host end for %s/%s is mc + 12 hex digits, deterministic, fits IFNAMSIZ', (bridge, name) => {
    const v = hostVethName(bridge, name);
    expect(v).toMatch(/^mc[0-9a-f]{12}$/);
    expect(v.length).toBeLessThanOrEqual(15);
    expect(hostVethName(bridge, name)).toBe(v);
  });

  it('differs per bridge and per container, and has a known value', () => {
    expect(DEFAULT_BRIDGE).toBe('mc0');
    expect(hostVethName('mc0', 'web')).toBe('mc696cc6918c77');
    expect(new Set([hostVethName('mc0', 'web'), hostVethName('br1', 'web'), hostVethName('mc0', 'web2'), hostVethName('mc0', 'we')]).size).toBe(4);
  });
});

describe('bridgeAlias', () => {
  it.each([
    ['/var/lib/micro-container', 'micro-container /var/lib/micro-container'],
    ['/tmp/with space', 'micro-container /tmp/with space'],
    ['/x/'.padEnd(239, 'y'), `micro-container ${'/x/'.padEnd(239, 'y')}`],
    ['/x/'.padEnd(240, 'y'), 'micro-container sha256:HASH'],
    ['/tmp/é', 'micro-container sha256:HASH'],
    ['/tmp/new\nline', 'micro-container sha256:HASH'],
  ])('names the owner %j in at most 255 printable bytes', (owner, want) => {
    const alias = bridgeAlias(owner);
    expect(alias.replace(/sha256:[0-9a-f]{64}$/, 'sha256:HASH')).toBe(want);
    expect(alias.length).toBeLessThanOrEqual(255);
    expect(alias).toMatch(/^[\x20-\x7e]+$/);
  });

  it('differs between owners, also hashed ones', () => {
    expect(bridgeAlias('/a'.padEnd(300, 'b'))).not.toBe(bridgeAlias('/a'.padEnd(301, 'b')));
  });
});

const P = '<PID>';
const flat = (steps: NetStep[]) =>
  steps.map((s) => ({ ...s, run: s.run.map((w: Word) => (w === CONTAINER_PID ? P : w)), ...(s.unless ? { unless: s.unless } : {}), ...(s.onlyIf ? { onlyIf: s.onlyIf } : {}) }));

const PLAN = { name: 'web', ip: '10.213.0.2', prefix: 24, mac: '02:00:00:00:00:07', gateway: '10.213.0.1', bridge: 'mc0' };
const VETH = 'mc696cc6918c77';

describe('steps', () => {
  it('bridgeSteps: create unless it exists, address by replace, up', () => {
    expect(flat(bridgeSteps('mc0', '10.213.0.1/24'))).toEqual([
      { in: 'bridge', unless: ['ip', 'link', 'show', 'dev', 'mc0'], run: ['ip', 'link', 'add', 'name', 'mc0', 'type', 'bridge'], why: 'create the bridge mc0' },
      { in: 'bridge', run: ['ip', 'addr', 'replace', '10.213.0.1/24', 'dev', 'mc0'], why: 'give the bridge mc0 the gateway address 10.213.0.1/24' },
      { in: 'bridge', run: ['ip', 'link', 'set', 'dev', 'mc0', 'up'], why: 'bring the bridge mc0 up' },
    ]);
  });

  it('bridgeSteps with an alias: marks the bridge right after creating it', () => {
    expect(bridgeSteps('mc0', '10.213.0.1/24', 'micro-container /lib').map((x) => x.run.join(' '))).toEqual([
      'ip link add name mc0 type bridge',
      'ip link set dev mc0 alias micro-container /lib',
      'ip addr replace 10.213.0.1/24 dev mc0',
      'ip link set dev mc0 up',
    ]);
    expect(bridgeSteps('mc0', '10.213.0.1/24', 'micro-container /lib')[1].run).toEqual(['ip', 'link', 'set', 'dev', 'mc0', 'alias', 'micro-container /lib']);
  });

  it('attachSteps: the pair is made with its peer already in the container, then both sides configured', () => {
    expect(flat(attachSteps(PLAN)).map((s) => [s.in, s.run.join(' ')])).toEqual([
      ['bridge', `ip link add name ${VETH} type veth peer name eth0 address 02:00:00:00:00:07 netns ${P}`],
      ['bridge', `ip link set dev ${VETH} master mc0`],
      ['bridge', `ip link set dev ${VETH} up`],
      ['container', 'ip link set dev lo up'],
      ['container', 'ip addr replace 10.213.0.2/24 dev eth0'],
      ['container', 'ip link set dev eth0 up'],
      ['container', 'ip route replace default via 10.213.0.1 dev eth0'],
    ]);
    expect(attachSteps(PLAN)[0].run.filter((w) => w === CONTAINER_PID)).toHaveLength(1);
  });

  it('detachSteps: delete the host end only if it is there', () => {
    expect(detachSteps('mc0', 'web')).toEqual([
      { in: 'bridge', onlyIf: ['ip', 'link', 'show', 'dev', VETH], run: ['ip', 'link', 'del', 'dev', VETH], why: `remove the veth ${VETH} of 'web'` },
    ]);
  });

  it.each([
    ['bridge', {}, ['ip', 'link', 'show'], ['ip', 'link', 'show']],
    ['bridge', { netnsPid: 77 }, ['ip', 'link', 'show'], ['nsenter', '--net=/proc/77/ns/net', 'ip', 'link', 'show']],
    ['bridge', { netnsPid: 77, containerPid: 88 }, ['ip', 'netns', CONTAINER_PID], ['nsenter', '--net=/proc/77/ns/net', 'ip', 'netns', '88']],
    ['bridge', { containerPid: 88 }, ['ip', 'netns', CONTAINER_PID], ['ip', 'netns', '88']],
    ['container', { netnsPid: 77, containerPid: 88 }, ['ip', 'a'], ['nsenter', '--net=/proc/88/ns/net', 'ip', 'a']],
  ] as const)('stepArgv in the %s namespace with %j', (where, ns, words, argv) => {
    expect(stepArgv([...words], where, ns)).toEqual(argv);
  });

  it('stepArgv refuses a container step without a container pid', () => {
    expect(() => stepArgv(['ip', 'a'], 'container', { netnsPid: 1 })).toThrow(/needs the container pid/);
    expect(() => stepArgv(['ip', CONTAINER_PID], 'bridge', {})).toThrow(/no container pid was given/);
  });
});

describe('NAT rules', () => {
  const TAG = ['-m', 'comment', '--comment', 'micro-container mc0'];
  it('iptables: masquerade what leaves the pool by another interface, accept forwarding from the bridge and replies to it', () => {
    expect(iptablesRules('10.213.0.0/24', 'mc0')).toEqual([
      { table: 'nat', chain: 'POSTROUTING', position: 'A', rule: ['-s', '10.213.0.0/24', '!', '-o', 'mc0', ...TAG, '-j', 'MASQUERADE'] },
      { table: 'filter', chain: 'FORWARD', position: 'I', rule: ['-i', 'mc0', ...TAG, '-j', 'ACCEPT'] },
      { table: 'filter', chain: 'FORWARD', position: 'I', rule: ['-o', 'mc0', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...TAG, '-j', 'ACCEPT'] },
    ]);
  });

  it('iptables add: forwarding on, then each rule unless -C finds it; remove: -D only if -C finds it; forwarding stays', () => {
    const add = natAddSteps('10.213.0.0/24', 'mc0', 'iptables');
    expect(add.map((s) => [s.unless?.join(' '), s.run.join(' ')])).toEqual([
      ['grep -qx 1 /proc/sys/net/ipv4/ip_forward', 'sh -c echo 1 > /proc/sys/net/ipv4/ip_forward'],
      [`iptables -w -t nat -C POSTROUTING -s 10.213.0.0/24 ! -o mc0 ${TAG.join(' ')} -j MASQUERADE`, `iptables -w -t nat -A POSTROUTING -s 10.213.0.0/24 ! -o mc0 ${TAG.join(' ')} -j MASQUERADE`],
      [`iptables -w -t filter -C FORWARD -i mc0 ${TAG.join(' ')} -j ACCEPT`, `iptables -w -t filter -I FORWARD -i mc0 ${TAG.join(' ')} -j ACCEPT`],
      [
        `iptables -w -t filter -C FORWARD -o mc0 -m conntrack --ctstate RELATED,ESTABLISHED ${TAG.join(' ')} -j ACCEPT`,
        `iptables -w -t filter -I FORWARD -o mc0 -m conntrack --ctstate RELATED,ESTABLISHED ${TAG.join(' ')} -j ACCEPT`,
      ],
    ]);
    const remove = natRemoveSteps('10.213.0.0/24', 'mc0', 'iptables');
    expect(remove.map((s) => [s.onlyIf?.join(' '), s.run.join(' ')])).toEqual(
      iptablesRules('10.213.0.0/24', 'mc0').map((r) => [`iptables -w -t ${r.table} -C ${r.chain} ${r.rule.join(' ')}`, `iptables -w -t ${r.table} -D ${r.chain} ${r.rule.join(' ')}`]),
    );
    expect(add.concat(remove).every((s) => s.in === 'bridge')).toBe(true);
  });

  it("the bridge's own FORWARD accept: between its ports only; added unless there, removed only if there", () => {
    const rule = ['-i', 'mc0', '-o', 'mc0', ...TAG, '-j', 'ACCEPT'];
    expect(bridgeForwardRule('mc0')).toEqual({ table: 'filter', chain: 'FORWARD', rule });
    expect(bridgeForwardAddSteps('mc0')).toEqual([
      { in: 'bridge', unless: ['iptables', '-w', '-t', 'filter', '-C', 'FORWARD', ...rule], run: ['iptables', '-w', '-t', 'filter', '-I', 'FORWARD', ...rule], why: 'let the ports of mc0 reach each other through FORWARD' },
    ]);
    expect(bridgeForwardRemoveSteps('mc0')).toEqual([
      { in: 'bridge', onlyIf: ['iptables', '-w', '-t', 'filter', '-C', 'FORWARD', ...rule], run: ['iptables', '-w', '-t', 'filter', '-D', 'FORWARD', ...rule], why: 'remove the FORWARD accept between the ports of mc0' },
    ]);
    // Not one of the NAT rules: disabling NAT leaves it.
    expect(iptablesRules('10.213.0.0/24', 'mc0').map((r) => r.rule)).not.toContainEqual(rule);
  });

  it('nft: one table per bridge, replaced whole in one transaction, deleted idempotently', () => {
    expect(nftTableName('mc0')).toBe('micro_container_mc0');
    expect(nftTableName('br-x.1')).toBe('micro_container_br_x_1');
    expect(nftNatScript('10.213.0.0/24', 'mc0')).toBe(
      [
        'add table ip micro_container_mc0',
        'delete table ip micro_container_mc0',
        'table ip micro_container_mc0 {',
        '  chain postrouting { type nat hook postrouting priority srcnat; policy accept; ip saddr 10.213.0.0/24 oifname != "mc0" masquerade; }',
        '  chain forward { type filter hook forward priority filter; policy accept; iifname "mc0" accept; oifname "mc0" ct state established,related accept; }',
        '}',
      ].join('\n'),
    );
    expect(natAddSteps('10.213.0.0/24', 'mc0', 'nft').map((s) => s.run)).toEqual([
      ['sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward'],
      ['nft', nftNatScript('10.213.0.0/24', 'mc0')],
    ]);
    expect(natRemoveSteps('10.213.0.0/24', 'mc0', 'nft').map((s) => s.run)).toEqual([['nft', 'add table ip micro_container_mc0\ndelete table ip micro_container_mc0']]);
  });
});

describe('renderNetScript', () => {
  const plan: NetScriptPlan = { ...PLAN, gatewayCidr: '10.213.0.1/24' };
  const UNDO = `{ ip link del dev ${VETH} 2>/dev/null; return 1; }`;
  const IN_C = 'nsenter --net=/proc/"$1"/ns/net';

  it('renders up and down for the bridge in its own namespace, step by step with their guards', () => {
    expect(renderNetScript(plan)).toBe(
      [
        `# micro-container network for 'web': 10.213.0.2/24 (02:00:00:00:00:07) on the bridge mc0, host end ${VETH}`,
        'mc_net_up() {',
        '  # the container must have a network namespace of its own',
        '  mc_ns=$(readlink /proc/"$1"/ns/net) && [ -n "$mc_ns" ] && [ "$mc_ns" != "$(readlink /proc/self/ns/net)" ] ||',
        '    { echo "micro-container: process $1 has no network namespace of its own" >&2; return 1; }',
        '  # create the bridge mc0',
        '  ip link show dev mc0 >/dev/null 2>&1 || ip link add name mc0 type bridge || ip link show dev mc0 >/dev/null 2>&1 || return 1',
        '  # give the bridge mc0 the gateway address 10.213.0.1/24',
        '  ip addr replace 10.213.0.1/24 dev mc0 || return 1',
        '  # bring the bridge mc0 up',
        '  ip link set dev mc0 up || return 1',
        `  # create the veth pair ${VETH} / eth0 for 'web'`,
        `  ip link add name ${VETH} type veth peer name eth0 address 02:00:00:00:00:07 netns "$1" || return 1`,
        `  # put ${VETH} on the bridge mc0`,
        `  ip link set dev ${VETH} master mc0 || ${UNDO}`,
        `  # bring ${VETH} up`,
        `  ip link set dev ${VETH} up || ${UNDO}`,
        '  # bring the loopback up in the container',
        `  ${IN_C} ip link set dev lo up || ${UNDO}`,
        '  # give eth0 the address 10.213.0.2/24',
        `  ${IN_C} ip addr replace 10.213.0.2/24 dev eth0 || ${UNDO}`,
        '  # bring eth0 up',
        `  ${IN_C} ip link set dev eth0 up || ${UNDO}`,
        '  # route through the gateway 10.213.0.1',
        `  ${IN_C} ip route replace default via 10.213.0.1 dev eth0 || ${UNDO}`,
        '}',
        'mc_net_down() {',
        `  # remove the veth ${VETH} of 'web'`,
        `  ! ip link show dev ${VETH} >/dev/null 2>&1 || mc_e=$(ip link del dev ${VETH} 2>&1 >/dev/null) || ! ip link show dev ${VETH} >/dev/null 2>&1 || { printf '%s\\n' "$mc_e" >&2; return 1; }`,
        '  # the bridge goes with its last port, and its rules with it',
        '  if ! ip link show dev mc0 >/dev/null 2>&1 || [ -z "$(ip -o link show master mc0)" ]; then',
        '    ip link del dev mc0 2>/dev/null || ! ip link show dev mc0 >/dev/null 2>&1 || return 1',
        '  fi',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('enters the bridge namespace of NETNSPID for every bridge-side command, and compares namespaces with it', () => {
    const text = renderNetScript({ ...plan, netnsPid: 4242 });
    const B = 'nsenter --net=/proc/4242/ns/net';
    expect(text).toContain('[ -n "$mc_ns" ] && [ "$mc_ns" != "$(readlink /proc/self/ns/net)" ] && [ "$mc_ns" != "$(readlink /proc/4242/ns/net)" ] ||');
    expect(text).toContain(`  ${B} ip link show dev mc0 >/dev/null 2>&1 || ${B} ip link add name mc0 type bridge || ${B} ip link show dev mc0 >/dev/null 2>&1 || return 1\n`);
    expect(text).toContain(`  ${B} ip link add name ${VETH} type veth peer name eth0 address 02:00:00:00:00:07 netns "$1" || return 1\n`);
    expect(text).toContain(`  ${IN_C} ip link set dev lo up || { ${B} ip link del dev ${VETH} 2>/dev/null; return 1; }\n`);
    expect(text).toContain(`  if ! ${B} ip link show dev mc0 >/dev/null 2>&1 || [ -z "$(${B} ip -o link show master mc0)" ]; then\n`);
    // Every command that is not the container's runs in the bridge's namespace.
    const commands = text.split('\n').filter((l) => /^ +(!? ?)(ip|nsenter)/.test(l));
    for (const l of commands) expect(l.trim().replace(/^! /, '').startsWith(B) || l.includes(IN_C)).toBe(true);
  });

  it('adds NAT after the bridge and removes it with the bridge (nft), leaving quoted scripts intact', () => {
    const text = renderNetScript({ ...plan, nat: { pool: '10.213.0.0/24', backend: 'nft' } });
    expect(text).toContain(`  # NAT the pool 10.213.0.0/24 (nft table micro_container_mc0)\n  nft '${nftNatScript('10.213.0.0/24', 'mc0')}' || return 1\n`);
    expect(text.indexOf('ip link set dev mc0 up')).toBeLessThan(text.indexOf('nft '));
    expect(text.indexOf('nft ')).toBeLessThan(text.indexOf('type veth'));
    expect(text).toContain(
      "    ip link del dev mc0 2>/dev/null || ! ip link show dev mc0 >/dev/null 2>&1 || return 1\n    # remove the nft table micro_container_mc0\n    nft 'add table ip micro_container_mc0\ndelete table ip micro_container_mc0' || return 1\n  fi\n",
    );
  });

  it('quotes iptables words that sh would read otherwise', () => {
    const text = renderNetScript({ ...plan, nat: { pool: '10.213.0.0/24', backend: 'iptables' } });
    expect(text).toContain("  iptables -w -t nat -C POSTROUTING -s 10.213.0.0/24 '!' -o mc0 -m comment --comment 'micro-container mc0' -j MASQUERADE >/dev/null 2>&1 || iptables -w -t nat -A POSTROUTING");
    expect(text).toContain("    ! iptables -w -t filter -C FORWARD -i mc0 -m comment --comment 'micro-container mc0' -j ACCEPT >/dev/null 2>&1 || mc_e=$(iptables -w -t filter -D FORWARD");
    expect(text).toContain("  grep -qx 1 /proc/sys/net/ipv4/ip_forward >/dev/null 2>&1 || sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' || grep");
  });

  it("with an owner, refuses another network's bridge before the steps, and marks it", () => {
    const text = renderNetScript({ ...plan, owner: "/var/lib/it's" });
    expect(text).toContain(
      [
        "  # the bridge must not be another library directory's network (see bridgeAlias)",
        "  mc_alias=$(ip link show dev mc0 2>/dev/null | sed -n 's/^ *alias //p')",
        `  [ -z "$mc_alias" ] || [ "$mc_alias" = 'micro-container /var/lib/it'\\''s' ] ||`,
        `    { echo "micro-container: the bridge mc0 belongs to another network ('$mc_alias'): use that library directory, or give this one its own bridge and pool" >&2; return 1; }`,
        '  # create the bridge mc0',
      ].join('\n'),
    );
    expect(text).toContain(`  ip link set dev mc0 alias 'micro-container /var/lib/it'\\''s' || return 1\n`);
    expect(renderNetScript(plan)).not.toContain('alias');
  });

  it('with forwardAccept, adds the FORWARD accept after the bridge and removes it with the bridge', () => {
    const text = renderNetScript({ ...plan, forwardAccept: true });
    const rule = "-i mc0 -o mc0 -m comment --comment 'micro-container mc0' -j ACCEPT";
    expect(text).toContain(
      `  ip link set dev mc0 up || return 1\n  # let the ports of mc0 reach each other through FORWARD\n  iptables -w -t filter -C FORWARD ${rule} >/dev/null 2>&1 || iptables -w -t filter -I FORWARD ${rule} || iptables -w -t filter -C FORWARD ${rule} >/dev/null 2>&1 || return 1\n`,
    );
    expect(text).toContain(
      `    ip link del dev mc0 2>/dev/null || ! ip link show dev mc0 >/dev/null 2>&1 || return 1\n    # remove the FORWARD accept between the ports of mc0\n    ! iptables -w -t filter -C FORWARD ${rule} >/dev/null 2>&1 || mc_e=$(iptables -w -t filter -D FORWARD ${rule} 2>&1 >/dev/null) || ! iptables -w -t filter -C FORWARD ${rule} >/dev/null 2>&1 || { printf '%s\\n' "$mc_e" >&2; return 1; }\n  fi\n`,
    );
    expect(renderNetScript(plan)).not.toContain('iptables');
  });

  it.each([{}, { netnsPid: 1 }, { owner: '/lib dir' }, { forwardAccept: true }, { nat: { pool: '10.213.0.0/24', backend: 'nft' as const } }, { nat: { pool: '10.213.0.0/24', backend: 'iptables' as const } }])('is valid sh (%j)', (extra) => {
    const r = spawnSync('sh', ['-n'], { input: renderNetScript({ ...plan, ...extra }), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
