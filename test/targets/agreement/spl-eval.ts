/**
 * A test-only interpreter of the SPL we emit for single events: the search part (implicit AND,
 * OR, NOT, parentheses, `field=value` with `*` wildcards, case-insensitive; `field>n`; a term on
 * a missing field is false, so NOT of it is true, as in Splunk) and one `| where` eval
 * expression (via the shared filter parser, with SPL's functions: match (regex search; re2js
 * stands in for PCRE on the portable subset), cidrmatch, lower, isnull, isnotnull, tonumber,
 * len, substr, mvcount(split())). Macros are skipped; anything else throws.
 */
import { RE2JS } from 're2js';
import { tokenize, type Tok } from '../../../src/targets/validate/tokens.js';
import { inCidr, wildcardToJs, type Row } from './common.js';
import { evalFilter, parseFilter } from './expr-eval.js';

type S = (row: Row) => boolean;

function splitPipes(q: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inStr = false;
  let depth = 0;
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (inStr) {
      cur += c;
      if (c === '\\') cur += q[++i] ?? '';
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === '|' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

class SearchParser {
  private i = 0;
  constructor(private readonly t: Tok[]) {}
  parse(): S {
    const e = this.or();
    if (this.i < this.t.length) throw new Error(`spl-eval: trailing '${this.t[this.i]!.text}'`);
    return e;
  }
  private or(): S {
    const parts = [this.and()];
    while (this.t[this.i]?.text === 'OR') {
      this.i++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : (row) => parts.some((p) => p(row));
  }
  private and(): S {
    const parts: S[] = [];
    while (this.i < this.t.length && this.t[this.i]!.text !== 'OR' && this.t[this.i]!.text !== ')') parts.push(this.unary());
    return (row) => parts.every((p) => p(row));
  }
  private unary(): S {
    const tok = this.t[this.i++]!;
    if (tok.text === 'NOT') {
      const e = this.unary();
      return (row) => !e(row);
    }
    if (tok.text === '(') {
      const e = this.or();
      if (this.t[this.i++]?.text !== ')') throw new Error('spl-eval: missing )');
      return e;
    }
    if (tok.kind === 'ident' && tok.text.startsWith('`')) return () => true; // the source macro
    if (tok.kind !== 'ident') throw new Error(`spl-eval: unexpected '${tok.text}'`);
    const op = this.t[this.i++]!;
    const val = this.t[this.i++]!;
    const field = tok.text;
    const raw = val.kind === 'str' ? val.value! : val.text;
    if (op.text === '=' || op.text === '!=') {
      const re = wildcardToJs(raw.replace(/\\/g, '\\\\'), true);
      const eq = (row: Row) => {
        const v = row[field];
        return v !== undefined && v !== null && re.test(String(v));
      };
      // `F!=x` needs the field present (Splunk), unlike NOT F=x.
      return op.text === '=' ? eq : (row) => row[field] !== undefined && !eq(row);
    }
    const n = Number(raw);
    return (row) => {
      const v = row[field];
      if (v === undefined || v === null || Number.isNaN(Number(v))) return false;
      const x = Number(v);
      return op.text === '>' ? x > n : op.text === '>=' ? x >= n : op.text === '<' ? x < n : x <= n;
    };
  }
}

const reCache = new Map<string, RE2JS>();

/** SPL eval functions on top of the shared evaluator. */
function splFunctions(name: string, args: readonly (string | number | boolean | null)[]): string | number | boolean | null | undefined {
  const a0 = args[0] ?? null;
  switch (name.toLowerCase()) {
    case 'match': {
      if (a0 === null) return null;
      const p = String(args[1]);
      let r = reCache.get(p);
      if (!r) reCache.set(p, (r = RE2JS.compile(p)));
      return r.matcher(String(a0)).find();
    }
    case 'cidrmatch':
      return args[1] === null ? null : inCidr(String(args[1]), String(a0));
    case 'lower':
      return a0 === null ? null : String(a0).toLowerCase();
    case 'isnull':
      return a0 === null;
    case 'isnotnull':
      return a0 !== null;
    case 'tonumber': {
      if (a0 === null) return null;
      const x = Number(a0);
      return Number.isNaN(x) ? null : x;
    }
    case 'len':
      return a0 === null ? null : String(a0).length;
    case 'substr':
      return a0 === null ? null : String(a0).substr(Number(args[1]) - 1, args[2] === undefined ? undefined : Number(args[2]));
    case 'split':
      return a0 === null ? null : String(String(a0).split(String(args[1])).length);
    case 'mvcount':
      return a0 === null ? null : Number(a0);
    case 'true':
      return true;
    case 'false':
      return false;
  }
  return undefined;
}

export function splPredicate(query: string, types: Readonly<Record<string, string>>): (row: Row) => boolean {
  let segs = splitPipes(query);
  // CIM: `| datamodel M D search | search <terms>`: the data model rows are our rows.
  if (segs[0] === '' && segs[1]?.startsWith('datamodel ')) {
    segs = segs.slice(2);
    if (segs[0]?.startsWith('search ')) segs[0] = segs[0].slice(7);
    else segs.unshift('');
  }
  const problems: string[] = [];
  const search = new SearchParser(tokenize(segs[0]!, problems, { macroQuotes: true })).parse();
  if (problems.length) throw new Error(problems.join('; '));
  const wheres = segs.slice(1).map((s) => {
    if (!s.startsWith('where ')) throw new Error(`spl-eval: unsupported command '${s.split(' ')[0]}'`);
    return parseFilter(s.slice(6), false);
  });
  return (row) => search(row) && wheres.every((w) => evalFilter(w, row, types, splFunctions) === true);
}
