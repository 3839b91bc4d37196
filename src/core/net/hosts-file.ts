import { ConfigError } from '../errors.js';
import type { Allocation } from './address-table.js';
import { ipToNumber } from './ipv4.js';

/**
 * A container's /etc/hosts: loopback names, its own address under its hostname and name,
 * then every other container on the network by name, in address order. Pure.
 * HOSTNAME defaults to the name (as the jail's hostname does); when SELF has no
 * allocation, the hostname goes on 127.0.1.1, as Debian's installer writes it.
 */
export function renderHosts(allocations: readonly Allocation[], self: { name: string; hostname?: string }): string {
  const hostname = self.hostname || self.name;
  // A space or '#' would add names or cut the line: refuse rather than write a wrong file.
  if (!/^[^\s#]+$/.test(hostname)) throw new ConfigError(`hostname '${hostname}' cannot go into /etc/hosts: no spaces or '#'`);
  const mine = allocations.find((a) => a.name === self.name);
  const lines = [
    `# written by micro-container for '${self.name}'; other containers on its network by name`,
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
  ];
  if (mine) lines.push(`${mine.ip}\t${hostname === mine.name ? hostname : `${hostname} ${mine.name}`}`);
  else lines.push(`127.0.1.1\t${hostname}`);
  const others = allocations.filter((a) => a !== mine).sort((a, b) => ipToNumber(a.ip) - ipToNumber(b.ip));
  for (const a of others) lines.push(`${a.ip}\t${a.name}`);
  return `${lines.join('\n')}\n`;
}
