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
export function splFunctions(name: string, args: readonly (string | number | boolean | null)[]): string | number | boolean | null | undefined {
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

// ---------------------------------------------------------------------------------------------
// Pipelines (correlations): search | where | eval | stats … BY … | where
// ---------------------------------------------------------------------------------------------

/** Splits `a=expr, b=expr` at top-level commas; each at its first `=` that is not `==`. */
function assignments(s: string): { name: string; expr: string }[] {
  const out: { name: string; expr: string }[] = [];
  let depth = 0;
  let inStr = false;
  let cur = '';
  const flush = () => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=(?!=)([\s\S]*)$/.exec(cur);
    if (!m) throw new Error(`spl-eval: eval '${cur}'`);
    out.push({ name: m[1]!, expr: m[2]!.trim() });
    cur = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inStr) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) flush();
    else cur += c;
  }
  if (cur.trim()) flush();
  return out;
}

const pipeFns = (name: string, args: readonly (string | number | boolean | null)[]): string | number | boolean | null | undefined => {
  switch (name) {
    case 'floor':
      return args[0] === null ? null : Math.floor(Number(args[0]));
    case 'sqrt':
      return args[0] === null ? null : Math.sqrt(Number(args[0]));
    case 'max':
      return Math.max(...args.map(Number));
    case 'if':
      return args[0] === true ? args[1]! : args[2]!;
    case 'case': {
      for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1]!;
      return null;
    }
    case 'null':
      return null;
  }
  return splFunctions(name, args);
};

function stats(body: string, rows: readonly Row[], types: Readonly<Record<string, string>>): Row[] {
  const [aggText, byText = ''] = body.split(/\s+BY\s+/);
  const aggs = [...aggText!.matchAll(/(\w+)(?:\(((?:[^()]|\([^()]*\))*)\))?\s+AS\s+(\w+)/g)].map((m) => ({ fn: m[1]!, arg: m[2], name: m[3]! }));
  const by = byText.trim() ? byText.trim().split(/\s+/) : [];
  const groups = new Map<string, { key: Row; rows: Row[] }>();
  for (const r of rows) {
    // `stats … BY` drops rows whose group value is null.
    if (by.some((b) => r[b] === undefined || r[b] === null)) continue;
    const key: Row = {};
    for (const b of by) key[b] = r[b];
    const id = JSON.stringify(by.map((b) => key[b]));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, rows: [] }));
    g.rows.push(r);
  }
  return [...groups.values()].map(({ key, rows: rs }) => {
    const o: Row = { ...key };
    for (const a of aggs) {
      if (a.fn === 'count' && a.arg === undefined) {
        o[a.name] = rs.length;
        continue;
      }
      const inner = /^eval\(([\s\S]*)\)$/.exec(a.arg ?? '');
      const n = parseFilter(inner ? inner[1]! : a.arg!, false);
      const vals = rs.map((r) => evalFilter(n, r, types, pipeFns)).filter((v): v is string | number | boolean => v !== null);
      const xs = vals.map(Number);
      const mean = xs.length ? xs.reduce((p, q) => p + q, 0) / xs.length : NaN;
      switch (a.fn) {
        case 'count':
          o[a.name] = vals.length;
          break;
        case 'dc':
          o[a.name] = new Set(vals.map(String)).size;
          break;
        case 'sum':
          o[a.name] = xs.length ? xs.reduce((p, q) => p + q, 0) : null;
          break;
        case 'avg':
          o[a.name] = xs.length ? mean : null;
          break;
        case 'min':
          o[a.name] = xs.length ? Math.min(...xs) : null;
          break;
        case 'max':
          o[a.name] = xs.length ? Math.max(...xs) : null;
          break;
        case 'stdevp':
          o[a.name] = xs.length ? Math.sqrt(xs.reduce((p, q) => p + (q - mean) * (q - mean), 0) / xs.length) : null;
          break;
        default:
          throw new Error(`spl-eval: stats ${a.fn}`);
      }
    }
    return o;
  });
}

/** Runs a generated SPL correlation over rows (`_time` in seconds, as Splunk). */
export function runSpl(query: string, input: readonly Row[], types: Readonly<Record<string, string>>): Row[] {
  const segs = splitPipes(query.replace(/\n/g, ' '));
  let start = 0;
  let rows: Row[];
  if (segs[0] === '' && segs[1]?.startsWith('datamodel ')) {
    start = 2;
    rows = [...input];
  } else {
    const problems: string[] = [];
    const search = new SearchParser(tokenize(segs[0]!, problems, { macroQuotes: true })).parse();
    rows = input.filter(search);
    start = 1;
  }
  for (const seg of segs.slice(start)) {
    const cmd = seg.split(/\s+/)[0]!;
    const body = seg.slice(cmd.length).trim();
    if (cmd === 'search') {
      const problems: string[] = [];
      const s = new SearchParser(tokenize(body, problems, { macroQuotes: true })).parse();
      rows = rows.filter(s);
    } else if (cmd === 'where') {
      const n = parseFilter(body, false);
      rows = rows.filter((r) => evalFilter(n, r, types, pipeFns) === true);
    } else if (cmd === 'eval') {
      const as = assignments(body).map((a) => ({ name: a.name, n: parseFilter(a.expr, false) }));
      rows = rows.map((r) => {
        const o: Row = { ...r };
        for (const a of as) o[a.name] = evalFilter(a.n, o, types, pipeFns);
        return o;
      });
    } else if (cmd === 'stats') rows = stats(body, rows, types);
    else if (cmd === 'sort') {
      const keys = body.split(/\s+/).filter((k) => k !== '0').map((k) => ({ name: k.replace(/^[+-]/, ''), desc: k.startsWith('-') }));
      rows = [...rows].sort((a, b) => {
        for (const k of keys) {
          const x = a[k.name];
          const y = b[k.name];
          if (x === y) continue;
          const c = x === undefined || x === null ? -1 : y === undefined || y === null ? 1 : x < y ? -1 : 1;
          return k.desc ? -c : c;
        }
        return 0;
      });
    } else if (cmd === 'streamstats') {
      const m = /^current=f last\((\w+)\) AS (\w+) BY (.+)$/.exec(body);
      if (!m) throw new Error(`spl-eval: streamstats ${body}`);
      const by = m[3]!.trim().split(/\s+/);
      const last = new Map<string, Row[string]>();
      rows = rows.map((r) => {
        const id = JSON.stringify(by.map((b) => r[b]));
        const o: Row = { ...r, [m[2]!]: last.has(id) ? last.get(id)! : null };
        last.set(id, r[m[1]!]);
        return o;
      });
    }
    else throw new Error(`spl-eval: unsupported command ${cmd}`);
  }
  return rows;
}
