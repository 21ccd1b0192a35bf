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
  if (k.endsWith('LiteralExpression')) {
    const v = n.LiteralValue as V;
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
    default:
      throw new Error(`kql-eval: unsupported node ${k}`);
  }
}

function collectLiterals(n: N, out: string[]): void {
  if (kindOf(n) === 'StringLiteralExpression') {
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
