/** CIDR parsing for `|cidr` (IPv4 and IPv6), strict about syntax, normalising host bits. */

export interface Cidr {
  readonly cidr: string;
  readonly version: 4 | 6;
  readonly network: string;
  readonly prefix: number;
}

export type CidrResult = { ok: true; value: Cidr; hostBits: boolean } | { ok: false; error: string };

export function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** IPv6 text → 8 groups of 16 bits (accepts `::` compression and a trailing dotted IPv4). */
export function parseIPv6(s: string): number[] | undefined {
  if (s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let text = s;
  if (s.includes('.')) {
    // A trailing dotted IPv4 (::ffff:1.2.3.4) becomes two hex groups.
    const lastColon = s.lastIndexOf(':');
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    text = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const gs = h.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  if (!head) return undefined;
  if (halves.length === 1) {
    const all = head;
    return all.length === 8 ? all : undefined;
  }
  const rest = parseGroups(halves[1]!);
  if (!rest) return undefined;
  const fill = 8 - head.length - rest.length;
  if (fill < 1) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...rest];
}

export function formatIPv6(groups: readonly number[]): string {
  // RFC 5952: compress the longest run (≥2) of zero groups.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

export function parseCidr(text: string): CidrResult {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addr = slash === -1 ? t : t.slice(0, slash);
  const prefixText = slash === -1 ? undefined : t.slice(slash + 1);
  if (t.includes('*')) return { ok: false, error: 'a CIDR cannot hold wildcards' };
  const v4 = parseIPv4(addr);
  const v6 = v4 ? undefined : parseIPv6(addr);
  if (!v4 && !v6) return { ok: false, error: 'not an IPv4 or IPv6 network' };
  const max = v4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return { ok: false, error: `prefix length must be 0..${max}` };
    prefix = Number(prefixText);
  }
  const bits = v4 ? 8 : 16;
  const groups = (v4 ?? v6)!.slice();
  let hostBits = false;
  for (let i = 0; i < groups.length; i++) {
    const keep = Math.max(0, Math.min(bits, prefix - i * bits));
    const mask = keep === 0 ? 0 : ((0xffff << (bits - keep)) & ((1 << bits) - 1));
    if ((groups[i]! & ~mask & ((1 << bits) - 1)) !== 0) hostBits = true;
    groups[i] = groups[i]! & mask;
  }
  const network = v4 ? groups.join('.') : formatIPv6(groups);
  return { ok: true, hostBits, value: { cidr: `${network}/${prefix}`, version: v4 ? 4 : 6, network, prefix } };
}
