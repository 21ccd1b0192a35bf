/**
 * Value encodings of the Sigma modifiers: windash, utf16 variants, base64 and base64offset,
 * computed exactly as pySigma does so that every backend searches for the same strings.
 */
import type { StringPattern } from '../ir/types.js';
import { normalizeParts } from './strings.js';

/** The dash variants `windash` expands `-`/`/` into: hyphen, slash, en dash, em dash, horizontal bar. */
export const WINDASH_VARIANTS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
export const MAX_EXPANSION = 4096;

const WORD = /[\p{L}\p{N}_]/u;

/**
 * pySigma replaces every match of `\B[-/]\b` (a dash or slash that starts a word, as in
 * ` -enc`, `/c`) with each variant; other dashes (`a-b`) stay. Wildcard neighbours count as
 * non-word characters. Returns every combination, or undefined if there would be too many.
 */
export function windash(p: StringPattern): StringPattern[] | undefined {
  // Flatten into characters with wildcard markers to see neighbours across parts.
  type Item = { c: string; wild: boolean; kind?: 'any' | 'one' };
  const items: Item[] = [];
  for (const part of p.parts) {
    if (part.kind === 'lit') for (const c of part.text) items.push({ c, wild: false });
    else items.push({ c: '', wild: true, kind: part.kind });
  }
  const slots: number[] = [];
  items.forEach((it, i) => {
    if (it.wild || (it.c !== '-' && it.c !== '/')) return;
    const prev = items[i - 1];
    const next = items[i + 1];
    const prevWord = !!prev && !prev.wild && WORD.test(prev.c);
    const nextWord = !!next && !next.wild && WORD.test(next.c);
    if (!prevWord && nextWord) slots.push(i);
  });
  if (slots.length === 0) return [p];
  if (Math.pow(WINDASH_VARIANTS.length, slots.length) > MAX_EXPANSION) return undefined;
  const out: StringPattern[] = [];
  const choose = (k: number, acc: Item[]): void => {
    if (k === slots.length) {
      out.push(
        normalizeParts(acc.map((it) => (it.wild ? { kind: it.kind! } : { kind: 'lit' as const, text: it.c }))),
      );
      return;
    }
    for (const v of WINDASH_VARIANTS) {
      const copy = acc.slice();
      copy[slots[k]!] = { c: v, wild: false };
      choose(k + 1, copy);
    }
  };
  choose(0, items);
  return out;
}

export type Utf16Kind = 'utf16le' | 'utf16be' | 'utf16' | 'wide';

export function utf16(text: string, kind: Utf16Kind): Uint8Array {
  const le = kind !== 'utf16be';
  const bom = kind === 'utf16' ? 2 : 0;
  const out = new Uint8Array(bom + text.length * 2);
  if (bom) {
    out[0] = 0xff;
    out[1] = 0xfe;
  }
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[bom + 2 * i] = le ? u & 0xff : u >> 8;
    out[bom + 2 * i + 1] = le ? u >> 8 : u & 0xff;
  }
  return out;
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * The three base64 renderings of `bytes` at offsets 0, 1 and 2 inside a longer encoded stream,
 * trimmed of the characters that depend on unknown neighbours (pySigma's start/end offsets).
 */
export function base64offset(bytes: Uint8Array): string[] {
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = new Uint8Array(i + bytes.length);
    padded.fill(0x20, 0, i);
    padded.set(bytes, i);
    const enc = base64(padded);
    const end = ends[(bytes.length + i) % 3];
    out.push(enc.slice(starts[i], end));
  }
  return out;
}
