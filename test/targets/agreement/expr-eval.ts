/**
 * A test-only parser and three-valued evaluator for the filter expressions we emit in ES|QL
 * (the `| WHERE` of a single-event query) and EQL (`category where …`). Covered: AND/OR/NOT
 * (and/or/not), ==, !=, <, <=, >, >=, EQL `:` and `in~`, ES|QL IN, LIKE, RLIKE, EQL regex and
 * regex~, IS [NOT] NULL, `== null`/`!= null`, and the functions we emit (TO_LOWER, TO_STRING,
 * TO_DOUBLE, TO_IP, STARTS_WITH, ENDS_WITH, LOCATE, CIDR_MATCH, COALESCE; startsWith[~],
 * endsWith[~], stringContains[~], cidrMatch, string, number). Unknown syntax throws.
 */
import { tokenize, type Tok } from '../../../src/targets/validate/tokens.js';
import { inCidr, luceneToJs, wildcardToJs, type Row } from './common.js';

type V = string | number | boolean | null;
type Node =
  | { t: 'lit'; v: V }
  | { t: 'field'; name: string }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'not'; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'list'; items: Node[] }
  | { t: 'isnull'; e: Node; not: boolean };

class P {
  private i = 0;
  constructor(private readonly toks: Tok[], private readonly eql: boolean) {}
  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new Error('expr-eval: unexpected end');
    return t;
  }
  private is(text: string): boolean {
    const t = this.peek();
    return t !== undefined && (t.text === text || (t.kind === 'ident' && t.text.toLowerCase() === text.toLowerCase()));
  }
  private eat(text: string): void {
    if (!this.is(text)) throw new Error(`expr-eval: expected ${text} at ${this.peek()?.pos}`);
    this.i++;
  }
  parse(): Node {
    const e = this.or();
    if (this.i !== this.toks.length) throw new Error(`expr-eval: trailing input at ${this.peek()?.pos}`);
    return e;
  }
  private or(): Node {
    let l = this.and();
    while (this.is('or')) {
      this.i++;
      l = { t: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.is('and')) {
      this.i++;
      l = { t: 'bin', op: 'and', l, r: this.not() };
    }
    return l;
  }
  private not(): Node {
    if (this.is('not')) {
      this.i++;
      return { t: 'not', e: this.not() };
    }
    return this.cmp();
  }
  private cmp(): Node {
    const l = this.add();
    const t = this.peek();
    if (!t) return l;
    if (['==', '!=', '<', '<=', '>', '>=', ':'].includes(t.text)) {
      this.i++;
      return { t: 'bin', op: t.text, l, r: this.add() };
    }
    if (t.kind === 'ident') {
      const w = t.text.toLowerCase();
      if (w === 'like' || w === 'rlike' || w === 'regex' || w === 'regex~') {
        this.i++;
        return { t: 'bin', op: w, l, r: this.primary() };
      }
      if (w === 'in' || w === 'in~') {
        this.i++;
        return { t: 'bin', op: w, l, r: this.primary() };
      }
      if (w === 'is') {
        this.i++;
        let neg = false;
        if (this.is('not')) {
          this.i++;
          neg = true;
        }
        this.eat('null');
        return { t: 'isnull', e: l, not: neg };
      }
    }
    return l;
  }
  private add(): Node {
    let l = this.mul();
    while (this.peek()?.kind === 'punct' && (this.peek()!.text === '+' || (this.peek()!.text === '-' && this.toks[this.i + 1]?.kind !== 'num'))) {
      const op = this.next().text;
      l = { t: 'bin', op, l, r: this.mul() };
    }
    return l;
  }
  private mul(): Node {
    let l = this.primary();
    while (this.peek()?.kind === 'punct' && (this.peek()!.text === '*' || this.peek()!.text === '/')) {
      const op = this.next().text;
      l = { t: 'bin', op, l, r: this.primary() };
    }
    return l;
  }
  private primary(): Node {
    const t = this.next();
    if (t.kind === 'str') return { t: 'lit', v: t.value! };
    if (t.kind === 'num') return { t: 'lit', v: Number(t.text) };
    if (t.text === '(') {
      const first = this.or();
      if (this.is(',')) {
        const items = [first];
        while (this.is(',')) {
          this.i++;
          items.push(this.or());
        }
        this.eat(')');
        return { t: 'list', items };
      }
      this.eat(')');
      return first;
    }
    if (t.kind === 'ident' || t.kind === 'backq') {
      const w = t.text.toLowerCase();
      if (w === 'null') return { t: 'lit', v: null };
      if (w === 'true' || w === 'false') return { t: 'lit', v: w === 'true' };
      if (this.is('(')) {
        this.i++;
        const args: Node[] = [];
        if (!this.is(')')) {
          args.push(this.or());
          while (this.is(',')) {
            this.i++;
            args.push(this.or());
          }
        }
        this.eat(')');
        return { t: 'call', name: t.text, args };
      }
      return { t: 'field', name: t.kind === 'backq' ? t.text.slice(1, -1) : t.text };
    }
    if (t.text === '-' && this.peek()?.kind === 'num') return { t: 'lit', v: -Number(this.next().text) };
    throw new Error(`expr-eval: unexpected '${t.text}' at ${t.pos} (${this.eql ? 'eql' : 'esql'})`);
  }
}

export type { Node as FilterNode };

export function parseFilter(text: string, eql: boolean): Node {
  const problems: string[] = [];
  const toks = tokenize(text, problems);
  if (problems.length) throw new Error(problems.join('; '));
  return new P(toks, eql).parse();
}

const s = (v: V): string | null => (v === null ? null : typeof v === 'string' ? v : String(v));
const and3 = (a: V, b: () => V): V => {
  if (a === false) return false;
  const y = b();
  if (y === false) return false;
  return a === null || y === null ? null : true;
};
const or3 = (a: V, b: () => V): V => {
  if (a === true) return true;
  const y = b();
  if (y === true) return true;
  return a === null || y === null ? null : false;
};

/** Extra functions of a dialect (SPL eval); undefined = not one of them. */
export type ExtraFunctions = (name: string, args: readonly V[]) => V | undefined;

export function evalFilter(n: Node, row: Row, types: Readonly<Record<string, string>>, extra?: ExtraFunctions): V {
  const ev = (x: Node) => evalFilter(x, row, types, extra);
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'field': {
      const v = row[n.name];
      return v === undefined ? null : v;
    }
    case 'list':
      throw new Error('expr-eval: list outside IN');
    case 'not': {
      const v = ev(n.e);
      return v === null ? null : !v;
    }
    case 'isnull': {
      const v = ev(n.e);
      return n.not ? v !== null : v === null;
    }
    case 'bin': {
      if (n.op === 'and') return and3(ev(n.l), () => ev(n.r));
      if (n.op === 'or') return or3(ev(n.l), () => ev(n.r));
      const l = ev(n.l);
      if (n.op === 'in' || n.op === 'in~') {
        if (l === null) return null;
        const items = n.r.t === 'list' ? n.r.items.map(ev) : [ev(n.r)];
        return items.some((x) => (n.op === 'in~' ? s(x)?.toLowerCase() === s(l)!.toLowerCase() : x === l));
      }
      const r = ev(n.r);
      // EQL `== null` / `!= null` test presence.
      if (r === null && n.r.t === 'lit' && (n.op === '==' || n.op === '!=')) return n.op === '==' ? l === null : l !== null;
      if (l === null || r === null) return null;
      switch (n.op) {
        case '==':
        case '!=': {
          const eq = n.l.t === 'field' && types[n.l.name] === 'ip' ? inCidr(String(l), `${r}/${String(r).includes(':') ? 128 : 32}`) : typeof l === 'number' || typeof r === 'number' ? Number(l) === Number(r) : l === r;
          return n.op === '==' ? eq : !eq;
        }
        case ':':
          return s(l)!.toLowerCase() === s(r)!.toLowerCase();
        case '<':
          return Number(l) < Number(r);
        case '<=':
          return Number(l) <= Number(r);
        case '>':
          return Number(l) > Number(r);
        case '>=':
          return Number(l) >= Number(r);
        // Arithmetic: `/` is float division (our queries divide exactly where ES|QL would
        // divide integers: bucket-start differences by the bucket size).
        case '+':
          return Number(l) + Number(r);
        case '-':
          return Number(l) - Number(r);
        case '*':
          return Number(l) * Number(r);
        case '/':
          return Number(r) === 0 ? null : Number(l) / Number(r);
        case 'like':
          return wildcardToJs(s(r)!, false).test(s(l)!);
        case 'rlike':
        case 'regex':
          return luceneToJs(s(r)!).test(s(l)!);
        case 'regex~':
          return luceneToJs(s(r)!, true).test(s(l)!);
      }
      throw new Error(`expr-eval: operator ${n.op}`);
    }
    case 'call': {
      const name = n.name.toLowerCase();
      const args = n.args.map(ev);
      if (extra) {
        const v = extra(name, args);
        if (v !== undefined) return v;
      }
      const a0 = args[0] ?? null;
      const ci = name.endsWith('~');
      const base = name.replace(/~$/, '');
      const low = (v: V) => (v === null ? null : ci ? s(v)!.toLowerCase() : s(v)!);
      switch (base) {
        case 'to_lower':
          return a0 === null ? null : s(a0)!.toLowerCase();
        case 'to_string':
        case 'string':
          return s(a0);
        case 'to_double':
        case 'number': {
          if (a0 === null) return null;
          const x = Number(a0);
          return Number.isNaN(x) ? null : x;
        }
        case 'to_ip':
          return a0;
        case 'starts_with':
        case 'startswith':
          return a0 === null || args[1] === null ? null : low(a0)!.startsWith(low(args[1]!)!);
        case 'ends_with':
        case 'endswith':
          return a0 === null || args[1] === null ? null : low(a0)!.endsWith(low(args[1]!)!);
        case 'stringcontains':
          return a0 === null || args[1] === null ? null : low(a0)!.includes(low(args[1]!)!);
        case 'locate':
          return a0 === null || args[1] === null ? null : s(a0)!.indexOf(s(args[1]!)!) + 1;
        case 'cidr_match':
        case 'cidrmatch':
          return a0 === null ? null : args.slice(1).some((c) => inCidr(s(a0)!, s(c)!));
        case 'coalesce':
          return args.find((x) => x !== null) ?? null;
      }
      throw new Error(`expr-eval: function ${n.name}`);
    }
  }
}

/** ES|QL single-event query → predicate over rows (the query's one WHERE). */
export function esqlPredicate(query: string, types: Readonly<Record<string, string>>): (row: Row) => boolean {
  const lines = query.split('\n');
  const where = lines.filter((l) => l.startsWith('| WHERE ')).map((l) => l.slice('| WHERE '.length));
  if (where.length !== 1 || lines.length !== 2) throw new Error('esql-eval: expected FROM + one WHERE');
  const n = parseFilter(where[0]!, false);
  return (row) => evalFilter(n, row, types) === true;
}

/** EQL `category where …` → predicate over rows. */
export function eqlPredicate(query: string, types: Readonly<Record<string, string>>): (row: Row) => boolean {
  const m = /^\w+ where ([\s\S]*)$/.exec(query);
  if (!m) throw new Error('eql-eval: expected `category where …`');
  const n = parseFilter(m[1]!, true);
  return (row) => evalFilter(n, row, types) === true;
}
