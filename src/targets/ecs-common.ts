/** Helpers shared by the Elastic languages (ECS typed fields). */
import type { PatternPart } from '../ir/types.js';
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
