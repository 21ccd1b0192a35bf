/** Helpers shared by the Elastic languages (ECS typed fields). */
import type { PatternPart } from '../ir/types.js';
import type { PatternShape } from './patterns.js';
import { TargetError } from './errors.js';
import { normalise } from './patterns.js';

/**
 * An IPv4 text prefix that ends at an octet boundary (`10.`, `192.168.`) as a CIDR: exactly the
 * addresses whose text starts with it. Elastic `ip` fields take no wildcard or prefix query.
 */
export function ipv4PrefixToCidr(prefix: string): string | undefined {
  const m = /^((?:\d{1,3}\.){1,3})$/.exec(prefix);
  if (!m) return undefined;
  const octets = prefix.slice(0, -1).split('.').map(Number);
  if (octets.some((o) => o > 255 || !Number.isInteger(o))) return undefined;
  // A leading zero ("010.") never appears in an address's text: no CIDR would be exact.
  if (prefix.slice(0, -1).split('.').some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
  const full = [...octets, 0, 0, 0, 0].slice(0, 4);
  return `${full.join('.')}/${octets.length * 8}`;
}

export function ipPatternError(field: string, what: string, target: string): TargetError {
  return new TargetError(
    'TypeMismatch',
    `'${field}' is an ip field, which takes exact addresses and CIDR ranges only; '${what}' is neither (write it as |cidr)`,
    `pattern on ip field ${field}`,
  );
}

/** Lucene full-match regex for a Sigma wildcard pattern (`*` → `.*`, `?` → `.`). */
export function patternToLucene(parts: readonly PatternPart[]): string {
  return normalise(parts)
    .map((p) => (p.kind === 'lit' ? [...p.text].map((c) => (/[A-Za-z0-9]/.test(c) || c.codePointAt(0)! > 127 ? c : '\\' + c)).join('') : p.kind === 'any' ? '.*' : '.'))
    .join('');
}

/** Elasticsearch wildcard-query / ES|QL LIKE pattern: `\`, `*`, `?` in literals escaped. */
export function patternToWildcard(parts: readonly PatternPart[], lower: boolean): string {
  return normalise(parts)
    .map((p) => (p.kind === 'lit' ? (lower ? p.text.toLowerCase() : p.text).replace(/[\\*?]/g, (c) => '\\' + c) : p.kind === 'any' ? '*' : '?'))
    .join('');
}

export function esString(s: string): string {
  return JSON.stringify(s);
}

/*
 * Text patterns on Elastic `ip` fields. The engine tests Sysmon's text of an address; Elastic
 * stores the address and has no view of that text (ES|QL's TO_STRING gives the RFC 5952 form:
 * Sysmon's "0:0:0:0:0:0:0:1" comes back as "::1"). Sysmon's text is a function of the address,
 * though: IPv4 as dotted decimal without leading zeros, IPv6 as eight lowercase hex groups without
 * leading zeros and without `::` compression (e.g. "fe80:0:0:0:2076:3774:3f57:c17f", as real
 * Sysmon logs show). So the set of addresses whose Sysmon text starts with (or equals) a literal is
 * computable, and is a short list of CIDR blocks: that list is an exact translation. An empty list
 * means no Sysmon text can match (e.g. `::1`, which Sysmon never writes, or `fc.` ); undefined
 * means the set is not a short CIDR list (e.g. ends with ".1"): the caller refuses or falls back.
 */

const MAX_IP_CIDRS = 64;

/** Addresses whose Sysmon text matches the shape, as CIDR blocks; [] none; undefined: not expressible. */
export function ipTextCidrs(shape: PatternShape, cased: boolean): string[] | undefined {
  if (shape.kind === 'anything' || shape.kind === 'complex') return undefined;
  const v4 = ipv4TextRanges(shape);
  const v6 = ipv6TextRanges(shape, cased);
  if (v4 === undefined || v6 === undefined) return undefined;
  const out = [...v4.flatMap(([lo, hi]) => rangeToCidrs(lo, hi, 32)), ...v6.flatMap(([lo, hi]) => rangeToCidrs(lo, hi, 128))];
  return out.length > MAX_IP_CIDRS ? undefined : out;
}

/** True when the shape can only match IPv4 text (Sysmon's IPv6 text has no '.'). */
export function ipv4OnlyPattern(parts: readonly PatternPart[]): boolean {
  return parts.some((p) => p.kind === 'lit' && p.text.includes('.'));
}

type Range = [bigint, bigint];

const OCTET = /^(0|[1-9]\d{0,2})$/;
const HEXGROUP = /^(0|[1-9a-f][0-9a-f]{0,3})$/;

/** Values of one field of the text whose own text starts with `partial` (decimal or hex). */
function partialValues(partial: string, radix: 10 | 16, max: number, maxLen: number): Range[] {
  if (partial === '') return [[0n, BigInt(max)]];
  if (partial === '0') return [[0n, 0n]];
  if (partial.startsWith('0') || partial.length > maxLen) return [];
  const p = BigInt(parseInt(partial, radix));
  const out: Range[] = [];
  for (let len = partial.length; len <= maxLen; len++) {
    const scale = BigInt(radix) ** BigInt(len - partial.length);
    const lo = p * scale;
    const hi = (p + 1n) * scale - 1n;
    if (lo > BigInt(max)) break;
    out.push([lo, hi > BigInt(max) ? BigInt(max) : hi]);
  }
  return out;
}

/** How Sysmon writes one address family: groups, their separator, radix and width. */
interface AddressText {
  readonly sep: string;
  readonly groups: number;
  readonly bits: number;
  readonly radix: 10 | 16;
  readonly max: number;
  readonly maxLen: number;
  /** A group's value when `s` is written the way Sysmon writes it (no leading zeros). */
  readonly group: (s: string) => bigint | undefined;
}
const V4_TEXT: AddressText = {
  sep: '.', groups: 4, bits: 8, radix: 10, max: 255, maxLen: 3,
  group: (s) => (OCTET.test(s) && Number(s) <= 255 ? BigInt(s) : undefined),
};
const V6_TEXT: AddressText = {
  sep: ':', groups: 8, bits: 16, radix: 16, max: 0xffff, maxLen: 4,
  group: (s) => (HEXGROUP.test(s) ? BigInt(parseInt(s, 16)) : undefined),
};

/** Addresses whose whole text is `text` (exact) or starts with it (startswith), as ranges. */
function exactOrPrefixRanges(text: string, kind: 'exact' | 'startswith', f: AddressText): Range[] {
  const parts = text.split(f.sep);
  if (parts.length > f.groups) return [];
  const bits = BigInt(f.bits);
  if (kind === 'exact') {
    if (parts.length !== f.groups) return [];
    const g = parts.map(f.group);
    if (g.some((x) => x === undefined)) return [];
    const a = g.reduce<bigint>((acc, x) => (acc << bits) | x!, 0n);
    return [[a, a]];
  }
  const full = parts.slice(0, -1).map(f.group);
  if (full.some((x) => x === undefined)) return [];
  const k = full.length;
  const shift = BigInt(f.bits * (f.groups - 1 - k));
  const base = full.reduce<bigint>((acc, x) => (acc << bits) | x!, 0n) << BigInt(f.bits * (f.groups - k));
  return partialValues(parts[k]!, f.radix, f.max, f.maxLen).map(([lo, hi]) => [base | (lo << shift), base | (((hi + 1n) << shift) - 1n)]);
}

/** IPv4 address ranges (as 32-bit numbers) whose dotted text matches the shape. */
function ipv4TextRanges(shape: Exclude<PatternShape, { kind: 'anything' | 'complex' }>): Range[] | undefined {
  if (shape.kind === 'empty') return [];
  const text = shape.text;
  if (!/^[0-9.]*$/.test(text) || text.split('.').length > 4) return [];
  if (shape.kind === 'exact' || shape.kind === 'startswith') return exactOrPrefixRanges(text, shape.kind, V4_TEXT);
  // endswith / contains: only a text that spans all four octets pins the address down to a short list.
  const parts = text.split('.');
  if (parts.length < 4) return undefined;
  const mid = parts.slice(1, 3).map(V4_TEXT.group);
  if (mid.some((x) => x === undefined)) return [];
  const firsts: bigint[] = [];
  for (let v = 0; v <= 255; v++) if (String(v).endsWith(parts[0]!)) firsts.push(BigInt(v));
  const lasts: bigint[] = [];
  for (let v = 0; v <= 255; v++) if (shape.kind === 'endswith' ? String(v) === parts[3] : String(v).startsWith(parts[3]!)) lasts.push(BigInt(v));
  if (firsts.length * lasts.length > MAX_IP_CIDRS) return undefined;
  const out: Range[] = [];
  for (const f of firsts) for (const l of lasts) {
    const a = (f << 24n) | (mid[0]! << 16n) | (mid[1]! << 8n) | l;
    out.push([a, a]);
  }
  return out;
}

/** IPv6 address ranges (128-bit numbers) whose Sysmon text matches the shape. */
function ipv6TextRanges(shape: Exclude<PatternShape, { kind: 'anything' | 'complex' }>, cased: boolean): Range[] | undefined {
  if (shape.kind === 'empty') return [];
  const raw = shape.text;
  if (!/^[0-9a-fA-F:]*$/.test(raw) || (cased && /[A-F]/.test(raw))) return [];
  const text = raw.toLowerCase();
  // Sysmon never compresses zero groups: a text with '::' (or ':::') matches no Sysmon address.
  if (text.includes('::') || text.startsWith(':')) return [];
  if (shape.kind === 'exact' || shape.kind === 'startswith') return exactOrPrefixRanges(text, shape.kind, V6_TEXT);
  // endswith / contains: a text with a '.' or other non-hex character cannot occur in Sysmon's
  // IPv6 text, and a hex fragment alone pins down no short list.
  return undefined;
}

/** The fewest CIDR blocks covering exactly [lo, hi] in an address space of `width` bits. */
function rangeToCidrs(lo: bigint, hi: bigint, width: 32 | 128): string[] {
  const out: string[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 0;
    while (size < width && (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n && cur + (1n << BigInt(size + 1)) - 1n <= hi) size++;
    out.push(`${formatIp(cur, width)}/${width - size}`);
    cur += 1n << BigInt(size);
  }
  return out;
}

function formatIp(a: bigint, width: 32 | 128): string {
  if (width === 32) return [24n, 16n, 8n, 0n].map((s) => String((a >> s) & 255n)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((a >> s) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
