/**
 * A test-only interpreter of the KQL we emit, over Kusto.Language's own syntax tree of the
 * generated text: each `where` of the query is evaluated on a row. Operators covered: and, or,
 * not(), ==, !=, =~, !~, <, <=, >, >=, startswith/endswith/contains (+_cs), in~, matches regex
 * (RE2 via re2js, as Kusto), and the functions tostring, todouble, toint, tolower, coalesce,
 * isnull, isnotnull, isempty, isnotempty, strlen, indexof, substring, ipv4/ipv6_is_in_range and
 * *_is_in_any_range, real(). Anything else throws, so an unsupported construct cannot pass
 * silently. Null semantics follow Kusto: tostring(null) is "", comparisons with null are null,
 * a null `where` drops the row.
 */
import { RE2JS } from 're2js';
import { kqlParse } from '../../../src/targets/validate/kql.js';
import { inCidr, type Row } from './common.js';

type V = string | number | boolean | null;
interface N {
  readonly Kind: number;
  readonly ChildCount: number;
  GetChild(i: number): N | null;
  readonly Left?: N;
  readonly Right?: N;
  readonly Operator?: { readonly Text: string };
  readonly Expression?: N;
  readonly Condition?: N;
  readonly SimpleName?: string;
  readonly Name?: { readonly SimpleName: string };
  readonly ArgumentList?: { readonly Expressions: { readonly Count: number; getItem(i: number): { readonly Element: N } } };
  readonly LiteralValue?: unknown;
}

let kinds: Map<number, string> | undefined;
function kindOf(n: N): string {
  if (!kinds) {
    const SK = (globalThis as unknown as { Kusto: { Language: { Syntax: { SyntaxKind: Record<string, number> } } } }).Kusto.Language.Syntax.SyntaxKind;
    kinds = new Map(Object.entries(SK).map(([k, v]) => [v, k]));
  }
  return kinds.get(n.Kind) ?? '?';
}

const reCache = new Map<string, RE2JS>();
function re(p: string): RE2JS {
  let r = reCache.get(p);
  if (!r) reCache.set(p, (r = RE2JS.compile(p)));
  return r;
}

/**
 * A literal's value as a JS value. Bridge.NET boxes booleans and reals (`{ $boxed, v }`) and
 * represents longs as System.Int64 objects: read them as JS booleans and numbers (a boxed
 * `false` is a truthy object, so `where true` and `coalesce(x, false)` went wrong without this).
 */
function literalValue(raw: unknown): V {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object') return raw as V;
  const o = raw as { $boxed?: boolean; v?: unknown; toNumber?: () => number };
  if (o.$boxed) return literalValue(o.v);
  if (typeof o.toNumber === 'function') return o.toNumber();
  const n = Number(String(raw));
  return Number.isNaN(n) ? String(raw) : n;
}

const str = (v: V): string => (v === null ? '' : typeof v === 'string' ? v : String(v));
function cmp(a: V, b: V, op: string): V {
  if (a === null || b === null) return null;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return null;
    return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  }
  return null;
}

type F = (row: Row) => V;
/** The previous row of a serialized row set (for prev()). */
const PREV = Symbol('prev');
const compiled = new WeakMap<object, F>();
/** Compiles a node once into a closure; evaluation then never touches Bridge.NET objects. */
function evalNode(n: N, row: Row): V {
  let f = compiled.get(n);
  if (!f) compiled.set(n, (f = compileNode(n)));
  return f(row);
}
function compileNode(n: N): F {
  const k = kindOf(n);
  // Literals and names are read once.
  if (k === 'TimespanLiteralExpression') {
    const v = timespanMs((n as unknown as { Token: { Text: string } }).Token.Text);
    return () => v;
  }
  if (k === 'DateTimeLiteralExpression') {
    const text = (n as unknown as { Token: { Text: string } }).Token.Text;
    const v = Date.parse(/^datetime\((.*)\)$/.exec(text)![1]! + 'Z');
    return () => v;
  }
  if (k.endsWith('LiteralExpression')) {
    const v = literalValue(n.LiteralValue);
    return () => v;
  }
  if (k === 'NameReference') {
    const name = n.SimpleName!;
    return (row) => {
      const v = row[name];
      return v === undefined ? null : v;
    };
  }
  if (k === 'ParenthesizedExpression') return compileNode(n.Expression!);
  if (n.Left && n.Right) {
    const l = compileNode(n.Left);
    const r: F = k.startsWith('In') ? () => null : compileNode(n.Right);
    const view = { Kind: n.Kind, Operator: n.Operator, Left: n.Left, Right: n.Right } as N;
    const items: string[] = [];
    if (k.startsWith('In')) collectLiterals(n.Right, items);
    return (row) => evalBinary(view, k, l, r, row, items);
  }
  if (k === 'FunctionCallExpression') {
    const name = n.Name!.SimpleName;
    const list = n.ArgumentList!.Expressions;
    const args: F[] = [];
    for (let i = 0; i < list.Count; i++) args.push(compileNode(list.getItem(i).Element));
    return (row) => callFn(name, args, row);
  }
  throw new Error(`kql-eval: unsupported node ${k}`);
}

function evalBinary(n: N, k: string, lf: F, rf: F, row: Row, inItems: readonly string[]): V {
  const L = () => lf(row);
  const R = () => rf(row);
  switch (k) {
    case 'AndExpression': {
      const a = L();
      if (a === false) return false;
      const b = R();
      if (b === false) return false;
      return a === null || b === null ? null : true;
    }
    case 'OrExpression': {
      const a = L();
      if (a === true) return true;
      const b = R();
      if (b === true) return true;
      return a === null || b === null ? null : false;
    }
    case 'EqualExpression':
    case 'NotEqualExpression': {
      const a = L();
      const b = R();
      if (a === null || b === null) return null;
      const eq = typeof a === 'number' || typeof b === 'number' ? Number(a) === Number(b) : a === b;
      return k === 'EqualExpression' ? eq : !eq;
    }
    case 'EqualTildeExpression':
    case 'BangTildeExpression': {
      const eq = str(L()).toLowerCase() === str(R()).toLowerCase();
      return k === 'EqualTildeExpression' ? eq : !eq;
    }
    case 'LessThanExpression':
      return cmp(L(), R(), '<');
    case 'LessThanOrEqualExpression':
      return cmp(L(), R(), '<=');
    case 'GreaterThanExpression':
      return cmp(L(), R(), '>');
    case 'GreaterThanOrEqualExpression':
      return cmp(L(), R(), '>=');
    case 'StartsWithExpression':
      return str(L()).toLowerCase().startsWith(str(R()).toLowerCase());
    case 'StartsWithCsExpression':
      return str(L()).startsWith(str(R()));
    case 'EndsWithExpression':
      return str(L()).toLowerCase().endsWith(str(R()).toLowerCase());
    case 'EndsWithCsExpression':
      return str(L()).endsWith(str(R()));
    case 'ContainsExpression':
      return str(L()).toLowerCase().includes(str(R()).toLowerCase());
    case 'ContainsCsExpression':
      return str(L()).includes(str(R()));
    case 'MatchesRegexExpression':
      return re(str(R())).matcher(str(L())).find();
    case 'InCsExpression':
    case 'InCiExpression':
    case 'InExpression': {
      const a = str(L());
      const ci = n.Operator?.Text === 'in~';
      return inItems.some((x) => (ci ? x.toLowerCase() === a.toLowerCase() : x === a));
    }
    case 'AddExpression':
    case 'SubtractExpression':
    case 'MultiplyExpression':
    case 'DivideExpression': {
      const a = L();
      const b = R();
      if (a === null || b === null) return null;
      const x = Number(a);
      const y = Number(b);
      return k === 'AddExpression' ? x + y : k === 'SubtractExpression' ? x - y : k === 'MultiplyExpression' ? x * y : y === 0 ? null : x / y;
    }
    default:
      throw new Error(`kql-eval: unsupported node ${k}`);
  }
}

/** `5m`, `1h`, `30s`, `1d` → milliseconds (test scope: the spans we emit). */
export function timespanMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(d|h|m|s|ms)$/.exec(text);
  if (!m) throw new Error(`kql-eval: timespan ${text}`);
  return Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'd']!;
}

function collectLiterals(n: N, out: string[]): void {
  const k = kindOf(n);
  // String and number literals of an `in (…)` list (int columns get `in (80, 443)`): compared as
  // text, as `str()` renders a number (443 → "443").
  if (k === 'StringLiteralExpression' || k === 'LongLiteralExpression' || k === 'IntLiteralExpression' || k === 'RealLiteralExpression') {
    out.push(String(n.LiteralValue));
    return;
  }
  for (let i = 0; i < n.ChildCount; i++) {
    const c = n.GetChild(i);
    if (c) collectLiterals(c, out);
  }
}

function callFn(name: string, args: readonly F[], row: Row): V {
  const a = (i: number) => args[i]!(row);
  switch (name) {
    case 'tostring':
      return str(a(0));
    case 'tolower':
      return str(a(0)).toLowerCase();
    case 'todouble':
    case 'toint':
    case 'real': {
      const v = a(0);
      if (v === null || v === '') return null;
      const x = Number(v);
      return Number.isNaN(x) ? null : name === 'toint' ? Math.trunc(x) : x;
    }
    case 'coalesce': {
      for (let i = 0; i < args.length; i++) {
        const v = a(i);
        if (v !== null && v !== '') return v;
      }
      return null;
    }
    case 'isnull':
      return a(0) === null;
    case 'isnotnull':
      return a(0) !== null;
    case 'isempty': {
      const v = a(0);
      return v === null || v === '';
    }
    case 'isnotempty': {
      const v = a(0);
      return !(v === null || v === '');
    }
    case 'strlen':
      return str(a(0)).length;
    case 'indexof':
      return str(a(0)).indexOf(str(a(1)));
    case 'substring':
      return str(a(0)).substring(Number(a(1)));
    case 'not': {
      const v = a(0);
      return v === null ? null : !v;
    }
    case 'prev': {
      const p = (row as Record<symbol, Row | undefined>)[PREV];
      return p === undefined ? null : args[0]!(p);
    }
    case 'bin_at': {
      const t = a(0);
      if (t === null) return null;
      const span = Number(a(1));
      const origin = Number(a(2));
      return origin + Math.floor((Number(t) - origin) / span) * span;
    }
    case 'sqrt': {
      const v = a(0);
      return v === null ? null : Math.sqrt(Number(v));
    }
    case 'max_of':
      return Math.max(...args.map((_, i) => Number(a(i))));
    case 'iff':
      return a(0) === true ? a(1) : a(2);
    case 'ipv4_is_in_range':
    case 'ipv6_is_in_range':
    case 'ipv4_is_in_any_range':
    case 'ipv6_is_in_any_range': {
      const ip = str(a(0));
      const v6 = name.startsWith('ipv6');
      // Kusto returns null when the value is not an address of the function's family.
      if (v6 ? !ip.includes(':') : !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return null;
      for (let i = 1; i < args.length; i++) if (inCidr(ip, str(a(i)))) return true;
      return false;
    }
    default:
      throw new Error(`kql-eval: unsupported function ${name}`);
  }
}

/** Evaluates every `where` of a generated single-event query on a row (all must be true). */
export function kqlSelects(query: string, row: Row): boolean {
  const root = kqlParse(query) as N;
  const wheres: N[] = [];
  const find = (n: N | null) => {
    if (!n) return;
    if (kindOf(n) === 'FilterOperator') wheres.push(n.Condition!);
    for (let i = 0; i < n.ChildCount; i++) find(n.GetChild(i));
  };
  find(root);
  if (wheres.length === 0) throw new Error('kql-eval: no where clause');
  return wheres.every((w) => evalNode(w, row) === true);
}

/** Parses once, evaluates many rows. */
export function kqlPredicate(query: string): (row: Row) => boolean {
  const root = kqlParse(query) as N;
  const wheres: N[] = [];
  const find = (n: N | null) => {
    if (!n) return;
    if (kindOf(n) === 'FilterOperator') wheres.push(n.Condition!);
    for (let i = 0; i < n.ChildCount; i++) find(n.GetChild(i));
  };
  find(root);
  return (row) => wheres.every((w) => evalNode(w, row) === true);
}


// ---------------------------------------------------------------------------------------------
// Pipelines (correlations): table | where | extend | summarize … by …
// ---------------------------------------------------------------------------------------------

interface Seq<T> {
  readonly Count: number;
  getItem(i: number): { readonly Element: T };
}
interface PipeNode extends N {
  readonly Operator?: N & { readonly Text: string };
}
interface Named {
  readonly Name?: { readonly SimpleName: string };
  readonly Expression?: N;
}
const items = <T>(s: Seq<T>): T[] => Array.from({ length: s.Count }, (_, i) => s.getItem(i).Element);

function aggregate(call: N, rows: readonly Row[]): V {
  const name = call.Name!.SimpleName;
  const list = call.ArgumentList!.Expressions;
  const args: F[] = [];
  for (let i = 0; i < list.Count; i++) args.push(compileNode(list.getItem(i).Element));
  const vals = (f: F, where?: F) => rows.filter((r) => !where || where(r) === true).map((r) => f(r)).filter((v): v is string | number | boolean => v !== null);
  const nums = (f: F, where?: F) => vals(f, where).map(Number);
  switch (name) {
    case 'count':
      return rows.length;
    case 'countif':
      return rows.filter((r) => args[0]!(r) === true).length;
    case 'sum': {
      const xs = nums(args[0]!);
      return xs.reduce((a, b) => a + b, 0);
    }
    case 'avg': {
      const xs = nums(args[0]!);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    }
    case 'min':
    case 'max':
    case 'minif':
    case 'maxif': {
      const xs = nums(args[0]!, name.endsWith('if') ? args[1] : undefined);
      if (!xs.length) return null;
      return name.startsWith('min') ? Math.min(...xs) : Math.max(...xs);
    }
    case 'stdevp': {
      const xs = nums(args[0]!);
      if (!xs.length) return null;
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / xs.length);
    }
  }
  throw new Error(`kql-eval: aggregate ${name}`);
}

function nameOf(e: N & Named, i: number): { name: string; expr: N } {
  if (kindOf(e) === 'SimpleNamedExpression') return { name: e.Name!.SimpleName, expr: e.Expression! };
  if (kindOf(e) === 'NameReference') return { name: e.SimpleName!, expr: e };
  throw new Error(`kql-eval: unnamed column ${i}`);
}

function runOp(op: N, rows: Row[]): Row[] {
  const k = kindOf(op);
  if (k === 'FilterOperator') {
    const f = compileNode(op.Condition!);
    return rows.filter((r) => f(r) === true);
  }
  if (k === 'ExtendOperator') {
    const cols = items((op as unknown as { Expressions: Seq<N & Named> }).Expressions).map(nameOf).map((c) => ({ name: c.name, f: compileNode(c.expr) }));
    return rows.map((r) => {
      const o: Row = { ...r };
      for (const c of cols) o[c.name] = c.f(r);
      return o;
    });
  }
  if (k === 'SortOperator') {
    const ords = items((op as unknown as { Expressions: Seq<N> }).Expressions).map((e) => {
      const kind = kindOf(e);
      const inner = kind === 'OrderedExpression' ? (e as unknown as { Expression: N }).Expression : e;
      const text = kind === 'OrderedExpression' ? String((e as unknown as { Ordering: { AscOrDescKeyword: { Text: string } | null } | null }).Ordering?.AscOrDescKeyword?.Text ?? 'desc') : 'desc';
      return { f: compileNode(inner), asc: text === 'asc' };
    });
    const sorted = [...rows].sort((a, b) => {
      for (const o of ords) {
        const x = o.f(a);
        const y = o.f(b);
        if (x === y) continue;
        const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
        return o.asc ? c : -c;
      }
      return 0;
    });
    // Serialized: each row knows the previous one (prev()).
    return sorted.map((r, i) => Object.assign({ ...r }, { [PREV]: i > 0 ? sorted[i - 1] : undefined }));
  }
  if (k === 'SummarizeOperator') {
    const so = op as unknown as { Aggregates: Seq<N & Named>; ByClause: { Expressions: Seq<N & Named> } | null };
    const aggs = items(so.Aggregates).map(nameOf);
    const by = so.ByClause ? items(so.ByClause.Expressions).map(nameOf).map((c) => ({ name: c.name, f: compileNode(c.expr) })) : [];
    const groups = new Map<string, { key: Row; rows: Row[] }>();
    for (const r of rows) {
      const key: Row = {};
      for (const b of by) key[b.name] = b.f(r);
      const id = JSON.stringify(by.map((b) => key[b.name]));
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { key, rows: [] }));
      g.rows.push(r);
    }
    return [...groups.values()].map(({ key, rows: rs }) => {
      const o: Row = { ...key };
      for (const a of aggs) o[a.name] = aggregate(a.expr, rs);
      return o;
    });
  }
  throw new Error(`kql-eval: unsupported operator ${k}`);
}

/** Runs a generated `T | where | extend | summarize …` pipeline over rows of its table. */
export function runKql(query: string, input: readonly Row[]): Row[] {
  const root = kqlParse(query) as N;
  let pipe: PipeNode | undefined;
  const find = (n: N | null) => {
    if (!n || pipe) return;
    if (kindOf(n) === 'PipeExpression') pipe = n as PipeNode;
    else for (let i = 0; i < n.ChildCount; i++) find(n.GetChild(i));
  };
  find(root);
  const run = (n: N): Row[] => {
    if (kindOf(n) === 'PipeExpression') return runOp((n as PipeNode).Operator!, run(n.Expression!));
    if (kindOf(n) === 'NameReference') return [...input];
    throw new Error(`kql-eval: unsupported source ${kindOf(n)}`);
  };
  return run(pipe!);
}
