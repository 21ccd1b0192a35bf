/**
 * Sigma `re` values: checked against the portable subset (RE2 syntax; RE2 itself rejects
 * lookaround and backreferences) and translated to Lucene regular expressions for the Elastic
 * languages (EQL `regex`, ES|QL `RLIKE`, Query DSL `regexp`).
 *
 * Lucene differs from RE2 in ways that silently change results if a regex is passed through:
 * it always matches the whole value (Sigma `re` is a search), has no anchors, no `\d \w \s`
 * shorthands in older versions, treats `< > # @ & ~ "` as operators, and its `.` also matches a
 * newline. So we parse the regex into a small tree and print it again for Lucene: unanchored ends
 * get `.*`, shorthands become classes, every non-alphanumeric literal is escaped, `.` without the
 * `s` flag becomes "any character but newline", and the `i` flag becomes case-folded classes
 * (ES|QL's RLIKE has no case-insensitive switch). What cannot be translated exactly is refused.
 */
import { RE2JS } from 're2js';
import { TargetError } from './errors.js';

export interface RegexFlags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

type Range = readonly [number, number];
type Node =
  | { t: 'char'; c: number }
  | { t: 'dot' }
  | { t: 'class'; neg: boolean; ranges: Range[] }
  | { t: 'group'; alt: Node[][] }
  | { t: 'bol' }
  | { t: 'eol' }
  | { t: 'repeat'; node: Node; min: number; max: number | null };

const fail = (regex: string, why: string): TargetError =>
  new TargetError('UnsupportedRegex', `regex /${regex}/ ${why}`, 're');

/** Throws UnsupportedRegex unless the regex compiles in RE2 (the engine's matcher). */
export function checkPortable(regex: string, flags: RegexFlags): void {
  if (/\(\?<?[=!]/.test(regex)) throw fail(regex, 'uses lookaround, outside the portable subset');
  if (/\\[1-9]/.test(regex.replace(/\\\\/g, ''))) throw fail(regex, 'uses a backreference, outside the portable subset');
  try {
    let f = 0;
    if (flags.i) f |= RE2JS.CASE_INSENSITIVE;
    if (flags.m) f |= RE2JS.MULTILINE;
    if (flags.s) f |= RE2JS.DOTALL;
    RE2JS.compile(regex, f);
  } catch (err) {
    throw fail(regex, `is not a valid RE2 expression (${err instanceof Error ? err.message : String(err)})`);
  }
}

const WORD: Range[] = [[48, 57], [65, 90], [95, 95], [97, 122]];
const DIGIT: Range[] = [[48, 57]];
// RE2's \s: [\t\n\f\r ]
const SPACE: Range[] = [[9, 10], [12, 13], [32, 32]];

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node[][] {
    const alt = this.alternation();
    if (this.i < this.src.length) throw fail(this.src, `has an unbalanced ')' at ${this.i}`);
    return alt;
  }

  private alternation(): Node[][] {
    const branches: Node[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches;
  }

  private sequence(): Node[] {
    const out: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      let atom = this.atom();
      atom = this.quantified(atom);
      out.push(atom);
    }
    return out;
  }

  private quantified(atom: Node): Node {
    for (;;) {
      const c = this.src[this.i];
      let min: number, max: number | null;
      if (c === '*') [min, max] = [0, null];
      else if (c === '+') [min, max] = [1, null];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        if (!m) return atom; // RE2 reads a lone '{' as a literal
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
        this.i += m[0].length - 1;
      } else return atom;
      this.i++;
      // Lazy and possessive suffixes do not change whether a value matches.
      if (this.src[this.i] === '?') this.i++;
      if (atom.t === 'bol' || atom.t === 'eol') throw fail(this.src, 'repeats an anchor');
      atom = { t: 'repeat', node: atom, min, max };
    }
  }

  private atom(): Node {
    const s = this.src;
    const c = s[this.i]!;
    if (c === '(') {
      this.i++;
      if (s[this.i] === '?') {
        const m = /^\?(:|P?<[A-Za-z_][A-Za-z0-9_]*>)/.exec(s.slice(this.i));
        if (!m) throw fail(s, 'uses an inline flag group or other (? construct; use the |re|i/m/s modifiers');
        this.i += m[0].length;
      }
      const alt = this.alternation();
      if (s[this.i] !== ')') throw fail(s, 'has an unbalanced (');
      this.i++;
      return { t: 'group', alt };
    }
    if (c === '[') return this.charClass();
    if (c === '.') return this.i++, { t: 'dot' };
    if (c === '^') return this.i++, { t: 'bol' };
    if (c === '$') return this.i++, { t: 'eol' };
    if (c === '\\') return this.escape(false) as Node;
    const cp = s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { t: 'char', c: cp };
  }

  /** Parses an escape; inside a class, returns ranges. */
  private escape(inClass: boolean): Node | Range[] {
    const s = this.src;
    this.i++; // backslash
    const e = s[this.i];
    if (e === undefined) throw fail(s, 'ends with a lone backslash');
    this.i++;
    const cls = (ranges: Range[], neg: boolean): Node | Range[] => {
      if (inClass) {
        if (neg) throw fail(s, `uses \\${e} inside a character class`);
        return ranges;
      }
      return { t: 'class', neg, ranges: [...ranges] };
    };
    switch (e) {
      case 'd': return cls(DIGIT, false);
      case 'D': return cls(DIGIT, true);
      case 'w': return cls(WORD, false);
      case 'W': return cls(WORD, true);
      case 's': return cls(SPACE, false);
      case 'S': return cls(SPACE, true);
      case 'n': return this.lit(10, inClass);
      case 't': return this.lit(9, inClass);
      case 'r': return this.lit(13, inClass);
      case 'f': return this.lit(12, inClass);
      case 'v': return this.lit(11, inClass);
      case 'x': {
        const m = /^(\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))/.exec(s.slice(this.i));
        if (!m) throw fail(s, 'has a malformed \\x escape');
        this.i += m[0].length;
        return this.lit(parseInt(m[2] ?? m[3]!, 16), inClass);
      }
      case 'A':
        if (inClass) throw fail(s, 'uses \\A in a class');
        return { t: 'bol' };
      case 'z':
        if (inClass) throw fail(s, 'uses \\z in a class');
        return { t: 'eol' };
      default:
        if (/[A-Za-z0-9]/.test(e)) throw fail(s, `uses the escape \\${e}, which has no exact Lucene equivalent`);
        return this.lit(e.codePointAt(0)!, inClass);
    }
  }

  private lit(c: number, inClass: boolean): Node | Range[] {
    return inClass ? [[c, c]] : { t: 'char', c };
  }

  private charClass(): Node {
    const s = this.src;
    this.i++;
    let neg = false;
    if (s[this.i] === '^') {
      neg = true;
      this.i++;
    }
    const ranges: Range[] = [];
    let first = true;
    while (this.i < s.length && (s[this.i] !== ']' || first)) {
      first = false;
      if (s.startsWith('[:', this.i)) throw fail(s, 'uses a POSIX class');
      const lo = this.classAtom();
      if (Array.isArray(lo) && lo.length === 1 && lo[0]![0] === lo[0]![1] && s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
        this.i++;
        const hi = this.classAtom();
        if (!(hi.length === 1 && hi[0]![0] === hi[0]![1])) throw fail(s, 'has a bad class range');
        if (hi[0]![0] < lo[0]![0]) throw fail(s, 'has a reversed class range');
        ranges.push([lo[0]![0], hi[0]![0]]);
      } else ranges.push(...lo);
    }
    if (s[this.i] !== ']') throw fail(s, 'has an unterminated character class');
    this.i++;
    return { t: 'class', neg, ranges };
  }

  private classAtom(): Range[] {
    const s = this.src;
    if (s[this.i] === '\\') return this.escape(true) as Range[];
    const cp = s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return [[cp, cp]];
  }
}

/** Adds the other-case counterparts of every letter in the ranges (ASCII as ranges). */
function foldRanges(ranges: readonly Range[]): Range[] {
  const out: Range[] = [...ranges];
  const clip = (lo: number, hi: number, a: number, b: number): Range | undefined => {
    const l = Math.max(lo, a);
    const h = Math.min(hi, b);
    return l <= h ? [l, h] : undefined;
  };
  for (const [lo, hi] of ranges) {
    const low = clip(lo, hi, 97, 122);
    if (low) out.push([low[0] - 32, low[1] - 32]);
    const up = clip(lo, hi, 65, 90);
    if (up) out.push([up[0] + 32, up[1] + 32]);
    // Non-ASCII letters one by one (small ranges only: a huge class is left as written).
    if (hi > 127 && hi - lo <= 0x3000) {
      for (let c = Math.max(lo, 128); c <= hi; c++) {
        const ch = String.fromCodePoint(c);
        for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
          if ([...v].length === 1 && v !== ch) out.push([v.codePointAt(0)!, v.codePointAt(0)!]);
        }
      }
    }
  }
  // Drop ranges already covered, keeping the output short.
  return out.filter((r, i) => !out.some((o, j) => j < i && o[0] <= r[0] && o[1] >= r[1]));
}

function luceneChar(c: number): string {
  const ch = String.fromCodePoint(c);
  return /[A-Za-z0-9]/.test(ch) || c > 127 ? ch : '\\' + ch;
}

class LuceneWriter {
  constructor(
    private readonly src: string,
    private readonly flags: RegexFlags,
  ) {}

  seq(nodes: readonly Node[]): string {
    return nodes.map((n) => this.node(n)).join('');
  }

  node(n: Node): string {
    switch (n.t) {
      case 'char': {
        if (this.flags.i) {
          const folded = foldRanges([[n.c, n.c]]);
          if (folded.length > 1) return this.cls(false, folded);
        }
        return luceneChar(n.c);
      }
      case 'dot':
        // Lucene's '.' matches a newline; RE2's does only with the s flag.
        return this.flags.s ? '.' : '[^\n]';
      case 'class':
        return this.cls(n.neg, this.flags.i ? foldRanges(n.ranges) : n.ranges);
      case 'group':
        return '(' + n.alt.map((b) => this.branch(b)).join('|') + ')';
      case 'bol':
      case 'eol':
        throw fail(this.src, 'has an anchor that is not at the start or end of the whole expression (Lucene has no anchors)');
      case 'repeat': {
        const inner = this.node(n.node);
        const q =
          n.min === 0 && n.max === null ? '*' : n.min === 1 && n.max === null ? '+' : n.min === 0 && n.max === 1 ? '?' : n.max === n.min ? `{${n.min}}` : `{${n.min},${n.max ?? ''}}`;
        return inner + q;
      }
    }
  }

  branch(b: readonly Node[]): string {
    if (b.length === 0) throw fail(this.src, 'has an empty alternative, which Lucene cannot express');
    return this.seq(b);
  }

  cls(neg: boolean, ranges: readonly Range[]): string {
    const body = ranges.map(([lo, hi]) => (lo === hi ? luceneChar(lo) : `${luceneChar(lo)}-${luceneChar(hi)}`)).join('');
    return `[${neg ? '^' : ''}${body}]`;
  }
}

/**
 * `(^|\.)x` is common in Sigma rules (start of value or of a label). Lucene has no anchors, so a
 * leading group whose alternatives carry `^` (or a trailing one with `$`) is distributed over the
 * top-level alternation: `^x|\.x`, each then wrapped on its unanchored sides.
 */
function distributeAnchors(branches: Node[][], src: string): Node[][] {
  const out: Node[][] = [];
  const hasBol = (alt: Node[][]): boolean => alt.some((b) => b[0]?.t === 'bol' || (b[0]?.t === 'group' && hasBol(b[0].alt)));
  const hasEol = (alt: Node[][]): boolean => alt.some((b) => b[b.length - 1]?.t === 'eol' || (b[b.length - 1]?.t === 'group' && hasEol((b[b.length - 1] as { alt: Node[][] }).alt)));
  const work = [...branches];
  while (work.length) {
    if (work.length + out.length > 256) throw fail(src, 'expands to too many alternatives to translate for Lucene');
    const b = work.shift()!;
    const first = b[0];
    const last = b[b.length - 1];
    if (first?.t === 'group' && hasBol(first.alt)) {
      for (const a of first.alt) work.push([...a, ...b.slice(1)]);
    } else if (last?.t === 'group' && b.length > 0 && hasEol(last.alt)) {
      for (const a of last.alt) work.push([...b.slice(0, -1), ...a]);
    } else out.push(b);
  }
  return out;
}

/**
 * The Sigma search regex as a Lucene full-match regex: each top-level alternative is wrapped in
 * `.*` on the sides where it is not anchored.
 */
export function toLucene(regex: string, flags: RegexFlags): string {
  checkPortable(regex, flags);
  const branches = distributeAnchors(new Parser(regex).parse(), regex);
  const w = new LuceneWriter(regex, flags);
  const hasAnchor = (b: Node[]) => b.some((n) => n.t === 'bol' || n.t === 'eol');
  if (flags.m && branches.some(hasAnchor)) throw fail(regex, 'uses ^/$ with the m flag (line anchors), which Lucene cannot express');
  const out = branches.map((b) => {
    let nodes = [...b];
    let start = false;
    let end = false;
    while (nodes[0]?.t === 'bol') {
      start = true;
      nodes = nodes.slice(1);
    }
    while (nodes[nodes.length - 1]?.t === 'eol') {
      end = true;
      nodes = nodes.slice(0, -1);
    }
    const body = nodes.length === 0 ? '' : w.seq(nodes);
    // `.*` here must match newlines too (a search finds the regex anywhere): Lucene's '.' does.
    return (start ? '' : '.*') + body + (end ? '' : '.*');
  });
  if (out.length === 1) return out[0]!;
  return out.map((b) => `(${b})`).join('|');
}

/** RE2/PCRE text with the Sigma flags as an inline group (KQL and SPL: search semantics). */
export function withInlineFlags(regex: string, flags: RegexFlags): string {
  checkPortable(regex, flags);
  const f = (flags.i ? 'i' : '') + (flags.m ? 'm' : '') + (flags.s ? 's' : '');
  return f ? `(?${f})${regex}` : regex;
}
