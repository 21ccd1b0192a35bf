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
  let s = input;
  if (s.length > 64 || s.indexOf(':') < 0) return undefined;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const words = new Uint16Array(8);
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const tail = dbl >= 0 ? s.slice(dbl + 2) : '';
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const h = parseGroups(head);
  const t = parseGroups(tail);
  if (!h || !t) return undefined;
  if (dbl >= 0) {
    if (h.length + t.length > 7) return undefined;
  } else if (h.length !== 8) return undefined;
  h.forEach((w, i) => (words[i] = w));
  t.forEach((w, i) => (words[8 - t.length + i] = w));
  return words;
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
