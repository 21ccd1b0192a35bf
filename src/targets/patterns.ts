/** Helpers over resolved Sigma string patterns (IR `StringPattern`). */
import type { PatternPart, StringPattern } from '../ir/types.js';

export type PatternShape =
  | { readonly kind: 'empty' }
  | { readonly kind: 'exact'; readonly text: string }
  | { readonly kind: 'startswith'; readonly text: string }
  | { readonly kind: 'endswith'; readonly text: string }
  | { readonly kind: 'contains'; readonly text: string }
  | { readonly kind: 'anything' }
  /** Anything else: inner `*`, any `?`: needs a wildcard or regex matcher. */
  | { readonly kind: 'complex'; readonly parts: readonly PatternPart[] };

/** Normalises (merge lits, collapse `any` runs) and recognises the cheap shapes. */
export function shapeOf(p: StringPattern): PatternShape {
  const parts = normalise(p.parts);
  if (parts.length === 0) return { kind: 'empty' };
  const lits = parts.filter((x) => x.kind === 'lit');
  const ones = parts.some((x) => x.kind === 'one');
  if (!ones) {
    if (parts.length === 1 && parts[0]!.kind === 'any') return { kind: 'anything' };
    if (lits.length === 1) {
      const text = (lits[0] as { text: string }).text;
      const first = parts[0]!.kind;
      const last = parts[parts.length - 1]!.kind;
      if (parts.length === 1) return { kind: 'exact', text };
      if (parts.length === 2 && first === 'lit') return { kind: 'startswith', text };
      if (parts.length === 2 && last === 'lit') return { kind: 'endswith', text };
      if (parts.length === 3 && first === 'any' && last === 'any') return { kind: 'contains', text };
    }
  }
  return { kind: 'complex', parts };
}

export function normalise(parts: readonly PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (p.kind === 'lit') {
      if (p.text === '') continue;
      if (prev?.kind === 'lit') out[out.length - 1] = { kind: 'lit', text: prev.text + p.text };
      else out.push(p);
    } else if (p.kind === 'any') {
      if (prev?.kind !== 'any') out.push(p);
    } else out.push(p);
  }
  return out;
}

/** Characters RE2 and PCRE treat specially (escaped with a backslash). */
const RE_META = /[\\^$.|?*+()[\]{}\-/]/g;
export function escapeRegexLiteral(s: string): string {
  return s.replace(RE_META, (c) => '\\' + c);
}

/**
 * The pattern as an anchored regular expression in the common RE2/PCRE syntax. `*` → `.*`,
 * `?` → `.`; with `dotAll` so a Sigma wildcard also spans newlines (the engine's wildcard does).
 */
export function patternToRegex(parts: readonly PatternPart[], caseInsensitive: boolean): string {
  const body = normalise(parts)
    .map((p) => (p.kind === 'lit' ? escapeRegexLiteral(p.text) : p.kind === 'any' ? '.*' : '.'))
    .join('');
  return `(?${caseInsensitive ? 'i' : ''}s)^${body}$`;
}

/** Literal text of a pattern if it has no wildcard parts. */
export function literalOf(p: StringPattern): string | undefined {
  const s = shapeOf(p);
  if (s.kind === 'exact') return s.text;
  if (s.kind === 'empty') return '';
  return undefined;
}

export function patternText(p: StringPattern): string {
  return normalise(p.parts)
    .map((x) => (x.kind === 'lit' ? x.text.replace(/[*?\\]/g, (c) => '\\' + c) : x.kind === 'any' ? '*' : '?'))
    .join('');
}
