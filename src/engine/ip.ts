/**
 * IP addresses as numbers and CIDR networks as numeric ranges (IPv4 and IPv6).
 *
 * Decisions: an IPv4 CIDR matches only dotted-quad IPv4 text; an IPv6 CIDR matches IPv6 text
 * (including `::ffff:a.b.c.d`, compared as the IPv6 address it is). A zone id (`fe80::1%12`) and
 * surrounding brackets (`[::1]`) are ignored. Anything that is not an address simply does not
 * match; nothing here throws.
 */

/** Parse strict dotted-quad IPv4 (four decimal parts 0..255, 1-3 digits) into an unsigned int. */
export function parseIPv4(s: string): number | undefined {
  const len = s.length;
  if (len < 7 || len > 15) return undefined;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return undefined;
  }
  if (digits === 0 || dots !== 3) return undefined;
  return value * 256 + part;
}

/** Parse IPv6 text into eight 16-bit words; undefined when it is not IPv6. */
export function parseIPv6(input: string): Uint16Array | undefined {
  const words = new Uint16Array(8);
  return parseIPv6Into(input, words) ? words : undefined;
}

/**
 * Parse IPv6 text into `words` (no allocation); false when it is not IPv6. Accepts `[…]`
 * brackets and a `%zone` suffix (ignored), `::` once, and a dotted-quad IPv4 tail.
 */
export function parseIPv6Into(input: string, words: Uint16Array): boolean {
  let end = input.length;
  if (end > 64 || input.indexOf(':') < 0) return false;
  let i = 0;
  if (input.charCodeAt(0) === 91 /* [ */ && input.charCodeAt(end - 1) === 93 /* ] */) {
    i = 1;
    end -= 1;
  }
  const pct = input.indexOf('%', i);
  if (pct >= 0 && pct < end) end = pct;
  // Groups before `::` go to the front, groups after it are collected then moved to the back.
  let n = 0; // groups written
  let gap = -1; // index in `words` where `::` was
  if (end - i >= 2 && input.charCodeAt(i) === 58 && input.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
    if (i === end) {
      words.fill(0);
      return true;
    }
  }
  for (;;) {
    // One group: 1-4 hex digits, or a dotted quad at the very end.
    let v = 0;
    let digits = 0;
    const start = i;
    while (i < end) {
      const c = input.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      v = v * 16 + d;
      digits++;
      i++;
    }
    if (i < end && input.charCodeAt(i) === 46 /* . */) {
      // A dotted quad is the last group of its side of `::` (as in `::ffff:1.2.3.4`).
      let stop = input.indexOf(':', i);
      if (stop < 0 || stop > end) stop = end;
      const v4 = parseIPv4(input.slice(start, stop));
      if (v4 === undefined || n > 6) return false;
      words[n++] = Math.floor(v4 / 65536);
      words[n++] = v4 % 65536;
      i = stop;
      if (i === end) break;
      if (gap >= 0 || input.charCodeAt(i + 1) !== 58) return false;
      gap = n;
      i += 2;
      if (i === end) break;
      continue;
    }
    if (digits === 0 || digits > 4 || n >= 8) return false;
    words[n++] = v;
    if (i === end) break;
    if (input.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && input.charCodeAt(i) === 58) {
      if (gap >= 0) return false; // a second `::`
      gap = n;
      i++;
      if (i === end) break;
    } else if (i === end) return false; // trailing single `:`
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false;
  // Move the groups after the gap to the end and zero the gap.
  const tail = n - gap;
  for (let k = 0; k < tail; k++) words[7 - k] = words[n - 1 - k]!;
  for (let k = gap; k < 8 - tail; k++) words[k] = 0;
  return true;
}

/** A compiled network: a test over address text. */
export type CidrTest = (text: string) => boolean;

/** Build the test for `network/prefix`; undefined when the network text is not an address. */
export function compileCidr(version: 4 | 6, network: string, prefix: number): CidrTest | undefined {
  if (version === 4) {
    const net = parseIPv4(network);
    if (net === undefined || !(prefix >= 0 && prefix <= 32)) return undefined;
    const size = 2 ** (32 - prefix);
    const lo = Math.floor(net / size) * size;
    const hi = lo + size - 1;
    return (text) => {
      const ip = parseIPv4(text);
      return ip !== undefined && ip >= lo && ip <= hi;
    };
  }
  const net = parseIPv6(network);
  if (net === undefined || !(prefix >= 0 && prefix <= 128)) return undefined;
  const full = Math.floor(prefix / 16);
  const rest = prefix % 16;
  const mask = rest === 0 ? 0 : (0xffff << (16 - rest)) & 0xffff;
  return (text) => {
    const ip = parseIPv6(text);
    if (ip === undefined) return false;
    for (let i = 0; i < full; i++) if (ip[i] !== net[i]) return false;
    return rest === 0 || (ip[full]! & mask) === (net[full]! & mask);
  };
}

/** Networks as numeric ranges, for tests over an address parsed once per value (`netsTest`). */
export interface NetRanges {
  readonly v4: ReadonlyArray<readonly [number, number]>;
  readonly v6: ReadonlyArray<{ readonly net: Uint16Array; readonly full: number; readonly mask: number }>;
}

/** Compile networks into numeric ranges; invalid networks are left out (the caller reports them). */
export function netRanges(nets: ReadonlyArray<{ readonly version: 4 | 6; readonly network: string; readonly prefix: number }>): NetRanges {
  const v4: Array<[number, number]> = [];
  const v6: Array<{ net: Uint16Array; full: number; mask: number }> = [];
  for (const n of nets) {
    if (n.version === 4) {
      const net = parseIPv4(n.network);
      if (net === undefined || !(n.prefix >= 0 && n.prefix <= 32)) continue;
      const size = 2 ** (32 - n.prefix);
      const lo = Math.floor(net / size) * size;
      v4.push([lo, lo + size - 1]);
    } else {
      const net = parseIPv6(n.network);
      if (net === undefined || !(n.prefix >= 0 && n.prefix <= 128)) continue;
      const rest = n.prefix % 16;
      v6.push({ net, full: Math.floor(n.prefix / 16), mask: rest === 0 ? 0 : (0xffff << (16 - rest)) & 0xffff });
    }
  }
  return { v4, v6 };
}

/** Whether an IPv4 address (as a number) lies in one of the IPv4 ranges. */
export function inV4(r: NetRanges, ip: number): boolean {
  const v4 = r.v4;
  for (let i = 0; i < v4.length; i++) {
    const x = v4[i]!;
    if (ip >= x[0] && ip <= x[1]) return true;
  }
  return false;
}

/** Whether an IPv6 address (eight words) lies in one of the IPv6 networks. */
export function inV6(r: NetRanges, ip: Uint16Array): boolean {
  outer: for (const { net, full, mask } of r.v6) {
    for (let i = 0; i < full; i++) if (ip[i] !== net[i]) continue outer;
    if (mask === 0 || (ip[full]! & mask) === (net[full]! & mask)) return true;
  }
  return false;
}

/** One test for many networks: the address text is parsed once, then compared numerically. */
export function anyCidr(nets: ReadonlyArray<{ readonly version: 4 | 6; readonly network: string; readonly prefix: number }>): CidrTest {
  const r = netRanges(nets);
  return (text) => {
    if (r.v4.length) {
      const ip = parseIPv4(text);
      if (ip !== undefined) return inV4(r, ip);
    }
    if (r.v6.length) {
      const ip = parseIPv6(text);
      return ip !== undefined && inV6(r, ip);
    }
    return false;
  };
}
