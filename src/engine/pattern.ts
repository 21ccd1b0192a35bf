/**
 * Sigma string patterns (IR `StringPattern`) compiled into the cheapest text check.
 *
 * No regular expression is ever built from a Sigma wildcard: shapes are recognised
 * (equality, startsWith, endsWith, includes, empty, any) and everything else goes through a
 * segment matcher: literal segments separated by `*`, the first anchored at the start, the last
 * at the end, middle ones found leftmost-first with `indexOf`. Leftmost-first is exact for `*`
 * because every segment has a fixed length, so an earlier placement never removes a later
 * solution; the matcher is linear-ish (O(n·k)), with no backtracking.
 *
 * `?` is exactly one character = one Unicode code point (a surrogate pair counts as one).
 *
 * Patterns are matched against text that the caller has already folded when the match is
 * case-insensitive; literals are folded here with the same `fold`.
 */
import type { StringPattern } from '../ir/types.js';
import { fold } from './fold.js';

export type TextTest = (text: string) => boolean;

/** A segment between two `*`: literal characters and `?` (null) placeholders. */
type Seg = readonly (string | null)[];

/** Normalise: merge adjacent literals, collapse runs of `any` (the IR promises it; be safe). */
function normalise(p: StringPattern, cased: boolean): Array<{ k: 'lit'; t: string } | { k: 'any' } | { k: 'one' }> {
  const out: Array<{ k: 'lit'; t: string } | { k: 'any' } | { k: 'one' }> = [];
  for (const part of p.parts) {
    const last = out[out.length - 1];
    if (part.kind === 'lit') {
      if (part.text === '') continue;
      const t = cased ? part.text : fold(part.text);
      if (last && last.k === 'lit') last.t += t;
      else out.push({ k: 'lit', t });
    } else if (part.kind === 'any') {
      if (!last || last.k !== 'any') out.push({ k: 'any' });
    } else out.push({ k: 'one' });
  }
  return out;
}

/** Describes the simple shape of a pattern, for grouping many patterns into set lookups. */
export type Shape =
  | { readonly kind: 'eq' | 'prefix' | 'suffix' | 'contains'; readonly text: string }
  | { readonly kind: 'all' }
  | { readonly kind: 'general' };

export function patternShape(p: StringPattern, cased: boolean): Shape {
  const n = normalise(p, cased);
  if (n.length === 0) return { kind: 'eq', text: '' };
  const [a, b, c] = n;
  if (n.length === 1 && a!.k === 'lit') return { kind: 'eq', text: a!.t };
  if (n.length === 1 && a!.k === 'any') return { kind: 'all' };
  if (n.length === 2 && a!.k === 'lit' && b!.k === 'any') return { kind: 'prefix', text: a!.t };
  if (n.length === 2 && a!.k === 'any' && b!.k === 'lit') return { kind: 'suffix', text: b!.t };
  if (n.length === 3 && a!.k === 'any' && b!.k === 'lit' && c!.k === 'any') return { kind: 'contains', text: b!.t };
  return { kind: 'general' };
}

/** Compile one pattern into a test over (already folded, when not cased) text. */
export function compilePattern(p: StringPattern, cased: boolean): TextTest {
  const shape = patternShape(p, cased);
  switch (shape.kind) {
    case 'eq': {
      const t = shape.text;
      return (s) => s === t;
    }
    case 'prefix': {
      const t = shape.text;
      return (s) => s.startsWith(t);
    }
    case 'suffix': {
      const t = shape.text;
      return (s) => s.endsWith(t);
    }
    case 'contains': {
      const t = shape.text;
      return (s) => s.includes(t);
    }
    case 'all':
      return () => true;
    case 'general':
      return compileGeneral(normalise(p, cased));
  }
}

function compileGeneral(n: Array<{ k: 'lit'; t: string } | { k: 'any' } | { k: 'one' }>): TextTest {
  const anchoredStart = n[0]!.k !== 'any';
  const anchoredEnd = n[n.length - 1]!.k !== 'any';
  const hasOne = n.some((x) => x.k === 'one');
  // Split into segments at `any`.
  const segs: Seg[] = [];
  let cur: (string | null)[] = [];
  for (const x of n) {
    if (x.k === 'any') {
      if (cur.length) segs.push(cur);
      cur = [];
    } else if (x.k === 'lit') cur.push(...(hasOne ? [...x.t] : [x.t]));
    else cur.push(null);
  }
  if (cur.length) segs.push(cur);

  if (!hasOne) {
    // Pure literals and `*`: work on the string directly with indexOf.
    const lits = segs.map((s) => (s as string[]).join(''));
    return (s) => matchLiteralSegments(s, lits, anchoredStart, anchoredEnd);
  }
  return (s) => matchCodePointSegments([...s], segs, anchoredStart, anchoredEnd);
}

function matchLiteralSegments(s: string, lits: readonly string[], aStart: boolean, aEnd: boolean): boolean {
  let lo = 0;
  let hi = s.length;
  let first = 0;
  let last = lits.length;
  if (aStart) {
    const f = lits[0]!;
    if (!s.startsWith(f)) return false;
    lo = f.length;
    first = 1;
  }
  if (aEnd && last > first) {
    const l = lits[last - 1]!;
    if (s.length - l.length < lo || !s.endsWith(l)) return false;
    hi = s.length - l.length;
    last -= 1;
  } else if (aEnd && lits.length === 1 && aStart) {
    return s.length === lits[0]!.length;
  }
  for (let i = first; i < last; i++) {
    const t = lits[i]!;
    const at = s.indexOf(t, lo);
    if (at < 0 || at + t.length > hi) return false;
    lo = at + t.length;
  }
  return true;
}

function segAt(v: readonly string[], seg: Seg, at: number): boolean {
  if (at < 0 || at + seg.length > v.length) return false;
  for (let j = 0; j < seg.length; j++) {
    const c = seg[j];
    if (c !== null && v[at + j] !== c) return false;
  }
  return true;
}

function matchCodePointSegments(v: readonly string[], segs: readonly Seg[], aStart: boolean, aEnd: boolean): boolean {
  let lo = 0;
  let hi = v.length;
  let first = 0;
  let last = segs.length;
  if (aStart && aEnd && segs.length === 1) return v.length === segs[0]!.length && segAt(v, segs[0]!, 0);
  if (aStart) {
    if (!segAt(v, segs[0]!, 0)) return false;
    lo = segs[0]!.length;
    first = 1;
  }
  if (aEnd && last > first) {
    const l = segs[last - 1]!;
    const at = v.length - l.length;
    if (at < lo || !segAt(v, l, at)) return false;
    hi = at;
    last -= 1;
  }
  for (let i = first; i < last; i++) {
    const seg = segs[i]!;
    let found = -1;
    for (let at = lo; at + seg.length <= hi; at++) {
      if (segAt(v, seg, at)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    lo = found + seg.length;
  }
  return true;
}
