/**
 * Sigma strings → typed patterns, with pySigma's `SigmaString` escape rules:
 * `*` and `?` are wildcards; `\*`, `\?` and `\\` are a literal `*`, `?` and `\`; a backslash
 * before any other character (or at the end) is itself literal, so `C:\Windows\` needs no doubling.
 */
import type { PatternPart, StringPattern } from '../ir/types.js';

export function parseSigmaString(s: string): StringPattern {
  const parts: PatternPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) parts.push({ kind: 'lit', text: lit });
    lit = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*') {
      flush();
      if (parts[parts.length - 1]?.kind !== 'any') parts.push({ kind: 'any' });
    } else if (c === '?') {
      flush();
      parts.push({ kind: 'one' });
    } else {
      lit += c;
    }
  }
  flush();
  return { parts };
}

/** A pattern matching exactly `text` (no wildcards). */
export function literalPattern(text: string): StringPattern {
  return { parts: text ? [{ kind: 'lit', text }] : [] };
}

/** Normalises a part list: merges adjacent literals, collapses runs of `any`. */
export function normalizeParts(parts: readonly PatternPart[]): StringPattern {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (p.kind === 'lit') {
      if (!p.text) continue;
      if (prev?.kind === 'lit') out[out.length - 1] = { kind: 'lit', text: prev.text + p.text };
      else out.push(p);
    } else if (p.kind === 'any') {
      if (prev?.kind !== 'any') out.push(p);
    } else out.push(p);
  }
  return { parts: out };
}

export function withLeadingAny(p: StringPattern): StringPattern {
  return p.parts[0]?.kind === 'any' ? p : normalizeParts([{ kind: 'any' }, ...p.parts]);
}
export function withTrailingAny(p: StringPattern): StringPattern {
  return p.parts[p.parts.length - 1]?.kind === 'any' ? p : normalizeParts([...p.parts, { kind: 'any' }]);
}

export function hasWildcards(p: StringPattern): boolean {
  return p.parts.some((x) => x.kind !== 'lit');
}

/** The literal text of a wildcard-free pattern. */
export function patternText(p: StringPattern): string {
  return p.parts.map((x) => (x.kind === 'lit' ? x.text : x.kind === 'any' ? '*' : '?')).join('');
}

/** Renders a pattern back as a Sigma string (escaping literal `*`, `?` and backslashes that need it). */
export function toSigmaString(p: StringPattern): string {
  // Flatten to single items so each literal backslash can look at what follows it.
  const items: string[] = []; // 'W*' / 'W?' for wildcards, 'L' + char for literals
  for (const part of p.parts) {
    if (part.kind === 'any') items.push('W*');
    else if (part.kind === 'one') items.push('W?');
    else for (const c of part.text) items.push('L' + c);
  }
  let out = '';
  items.forEach((it, i) => {
    if (it[0] === 'W') {
      out += it[1];
      return;
    }
    const c = it.slice(1);
    if (c === '*' || c === '?') out += '\\' + c;
    else if (c === '\\') {
      const next = items[i + 1];
      const needsDouble = next === undefined || next[0] === 'W' || next === 'L*' || next === 'L?' || next === 'L\\';
      out += needsDouble ? '\\\\' : '\\';
    } else out += c;
  });
  return out;
}

/** Applies `fn` to the literal text of a pattern, keeping wildcards (used by windash). */
export function mapLiterals(p: StringPattern, fn: (text: string) => string): StringPattern {
  return normalizeParts(p.parts.map((x) => (x.kind === 'lit' ? { kind: 'lit', text: fn(x.text) } : x)));
}
