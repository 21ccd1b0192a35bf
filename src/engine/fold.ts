/**
 * Case folding used by every case-insensitive comparison of the engine.
 *
 * Decision (documented in index.ts): simple, per-code-point, locale-independent lowercase.
 * Each code point maps to exactly one code point, so `?` (one character) keeps its meaning on
 * folded text and no string changes length in code points:
 * - ASCII: `A`..`Z` → `a`..`z` (fast path: the whole string through `toLowerCase`).
 * - Other letters: the code point's own lowercase when that is a single code point
 *   (`Ä`→`ä`, `Σ`→`σ`, `ẞ`→`ß`, Kelvin sign `K`→`k`).
 * - `İ` (U+0130) → `i` (its UnicodeData simple lowercase), not the two-code-point `i̇`.
 * - Final sigma `ς` → `σ`, so `ΟΔΟΣ` and `οδος` fold to the same text (JS `toLowerCase` would
 *   pick `ς` or `σ` from context, which a per-character comparison cannot reproduce).
 * - No expansions: `ß` stays `ß` and does not equal `ss`.
 */

const NON_ASCII = /[^\x00-\x7f]/;

/** Cache of non-ASCII code point → folded code point (small: only characters actually seen). */
const cache = new Map<number, string>();

function foldCodePoint(cp: number, ch: string): string {
  const hit = cache.get(cp);
  if (hit !== undefined) return hit;
  let out: string;
  if (cp === 0x130) out = 'i';
  else if (cp === 0x3c2) out = '\u03c3';
  else {
    const lower = ch.toLowerCase();
    // Keep the character when its lowercase is not one code point (only U+0130 in Unicode 15).
    out = [...lower].length === 1 ? lower : ch;
  }
  if (cache.size < 65536) cache.set(cp, out);
  return out;
}

/** Fold a string for case-insensitive comparison (see module comment). */
export function fold(s: string): string {
  // Short ASCII text (field values are mostly short): one scan, no allocation when already lower.
  if (s.length <= 64) {
    let upper = false;
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      if (c >= 0x41 && c <= 0x5a) upper = true;
    }
    if (ascii) return upper ? s.toLowerCase() : s;
  } else if (!NON_ASCII.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    out += cp < 0x80 ? (cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : ch) : foldCodePoint(cp, ch);
  }
  return out;
}
