/** IPv4 addresses as 32-bit unsigned numbers, so that pools are arithmetic. Pure. */

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const DOTTED = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** True for a dotted quad without leading zeros (`010.1.1.1` reads as octal to some tools). */
export function isIpv4(text: string): boolean {
  return DOTTED.test(text);
}

/** `10.213.0.2` -> 0x0ad50002. The caller has checked the text with isIpv4. */
export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** 0x0ad50002 -> `10.213.0.2`. */
export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
