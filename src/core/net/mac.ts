import { randomBytes } from 'node:crypto';
import { JailError } from '../errors.js';

/** Where random bytes come from: crypto.randomBytes in production, a fixed sequence in tests. */
export type RandomBytes = (size: number) => Uint8Array;

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A lower-case colon-separated MAC that is unicast (multicast bit, 0x01 of the first octet, clear). */
export function isUnicastMac(mac: string): boolean {
  return MAC.test(mac) && (parseInt(mac.slice(0, 2), 16) & 0x01) === 0;
}

/**
 * A random MAC that no allocation in TAKEN has. The first octet gets the locally
 * administered bit (0x02) set, so it can never equal a vendor's burnt-in address, and the
 * multicast bit (0x01) cleared, since a multicast source address is invalid on Ethernet.
 */
export function generateMac(taken: Iterable<string>, random: RandomBytes = randomBytes): string {
  const used = new Set(taken);
  // 46 random bits make a clash vanishingly rare; a loop that never ends would only come
  // from a broken random source, which deserves an error rather than a hang.
  for (let attempt = 0; attempt < 64; attempt++) {
    const b = random(6);
    if (b.length < 6) throw new JailError(`the random source gave ${b.length} bytes for a MAC address, not 6`);
    const bytes = [(b[0] & 0xfc) | 0x02, b[1], b[2], b[3], b[4], b[5]];
    const mac = bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
    if (!used.has(mac)) return mac;
  }
  throw new JailError('could not generate a MAC address that no other container has in 64 attempts: the random source repeats itself');
}
