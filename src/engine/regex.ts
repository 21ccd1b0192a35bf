/**
 * Regular expressions for `|re`, compiled once with re2js (a port of RE2: linear time in the
 * input, no backtracking), so an attacker-controlled value cannot make a rule hang.
 * Semantics: search (unanchored), case-sensitive unless `i`; `m` = ^/$ at line breaks;
 * `s` = `.` matches `\n`. Syntax is RE2's (the portable subset the front end checks).
 */
import { RE2JS } from 're2js';
import type { TextTest } from './pattern.js';

export interface RegexFlags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

const CACHE_MAX = 4096;
const CACHE_VALUE_MAX = 256;

export type RegexCompileResult = { ok: true; test: TextTest } | { ok: false; message: string };

export function compileRegex(source: string, flags: RegexFlags): RegexCompileResult {
  let f = 0;
  if (flags.i) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.m) f |= RE2JS.MULTILINE;
  if (flags.s) f |= RE2JS.DOTALL;
  try {
    const re = RE2JS.compile(source, f);
    // Field values repeat a lot (hostnames, images): remember recent results for short values.
    // Bounded: the cache is dropped when it reaches CACHE_MAX entries.
    let cache = new Map<string, boolean>();
    const run = (text: string): boolean => {
      try {
        return re.test(text);
      } catch {
        return false; // never throw on event content
      }
    };
    return {
      ok: true,
      test: (text) => {
        if (text.length > CACHE_VALUE_MAX) return run(text);
        const hit = cache.get(text);
        if (hit !== undefined) return hit;
        const v = run(text);
        if (cache.size >= CACHE_MAX) cache = new Map();
        cache.set(text, v);
        return v;
      },
    };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
