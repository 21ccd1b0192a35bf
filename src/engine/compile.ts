/**
 * Expression compiler: IR `Expr` → predicate over an `EvalContext`.
 *
 * Steps: (1) normalise the tree (flatten AND/OR, fold constants, remove double NOT, merge the
 * OR of several plain matches on one field into one multi-value leaf); (2) give each distinct
 * leaf one slot shared by all rules (leaves used by more than one rule are memoised per event);
 * (3) order AND/OR children cheapest first (predicates are pure, so order cannot change the
 * result); (4) build closures.
 */
import type { Expr, LeafExpr, StringPattern } from '../ir/types.js';
import type { EvalContext } from './context.js';
import { fold } from './fold.js';
import { inV4, inV6, netRanges, parseIPv4, parseIPv6 } from './ip.js';
import { compilePattern, patternShape, type TextTest } from './pattern.js';
import { compileRegex } from './regex.js';
import { parseTimestamp, timePart } from './timeparts.js';
import { fieldGetter } from './text.js';
import type { ValueTest, ValueView } from './value.js';
import type { FieldValue } from '../logs/event.js';

export type Pred = (c: EvalContext) => boolean;

interface MultiMatch {
  readonly type: 'multi';
  readonly field: string;
  readonly cased: boolean;
  readonly patterns: readonly StringPattern[];
}
/** OR of several `|cidr` on one field: the address is parsed once. */
interface MultiCidr {
  readonly type: 'multicidr';
  readonly field: string;
  readonly nets: ReadonlyArray<{ readonly cidr: string; readonly version: 4 | 6; readonly network: string; readonly prefix: number }>;
}
type LeafSpec = LeafExpr | MultiMatch | MultiCidr;

type Node =
  | { readonly t: 'and' | 'or'; readonly c: readonly Node[]; readonly cost: number }
  | { readonly t: 'not'; readonly c: Node; readonly cost: number }
  | { readonly t: 'const'; readonly v: boolean; readonly cost: number }
  | { readonly t: 'leaf'; readonly key: string; readonly spec: LeafSpec; readonly cost: number };

function leafCost(s: LeafSpec): number {
  switch (s.type) {
    case 'match': {
      const k = patternShape(s.pattern, s.cased).kind;
      return k === 'eq' || k === 'all' ? 1 : k === 'general' ? 5 : k === 'contains' ? 3 : 2;
    }
    case 'multi':
      return 2 + s.patterns.length / 16;
    case 'exists':
    case 'null':
      return 1;
    case 'compare':
      return 2;
    case 'cidr':
    case 'fieldref':
      return 4;
    case 'multicidr':
      return 4 + s.nets.length / 8;
    case 'timepart':
      return 6;
    case 'regex':
      return 20;
    case 'keyword':
      return 30;
    case 'keyword_regex':
      return 60;
  }
}

const CONST_TRUE: Node = { t: 'const', v: true, cost: 0 };
const CONST_FALSE: Node = { t: 'const', v: false, cost: 0 };
const leaf = (spec: LeafSpec): Node => ({ t: 'leaf', key: JSON.stringify(spec), spec, cost: leafCost(spec) });
const byCost = (a: Node, b: Node): number => a.cost - b.cost;

/** Normalise an IR expression (see module comment). */
export function normalise(e: Expr): Node {
  switch (e.type) {
    case 'const':
      return e.value ? CONST_TRUE : CONST_FALSE;
    case 'not': {
      const c = normalise(e.child);
      if (c.t === 'const') return c.v ? CONST_FALSE : CONST_TRUE;
      if (c.t === 'not') return c.c;
      // A negation rarely filters much (NOT x holds for most events): test positive leaves first.
      return { t: 'not', c, cost: c.cost + 3 };
    }
    case 'and':
    case 'or': {
      const isAnd = e.type === 'and';
      const flat: Node[] = [];
      for (const child of e.children) {
        const n = normalise(child);
        if (n.t === 'const') {
          if (n.v === isAnd) continue; // neutral element
          return n; // absorbing element
        }
        if (n.t === e.type) flat.push(...n.c);
        else flat.push(n);
      }
      let children = flat;
      if (!isAnd) children = mergeMatches(flat);
      if (children.length === 0) return isAnd ? CONST_TRUE : CONST_FALSE;
      if (children.length === 1) return children[0]!;
      children.sort(byCost);
      return { t: e.type, c: children, cost: Math.min(1e6, children.reduce((s, n) => s + n.cost, 0)) };
    }
    default:
      return leaf(e);
  }
}

/** In an OR, merge plain matches on the same field (and casing) into one multi-value leaf. */
function mergeMatches(children: Node[]): Node[] {
  const groups = new Map<string, { field: string; cased: boolean; patterns: StringPattern[] }>();
  const rest: Node[] = [];
  const cidrs = new Map<string, MultiCidr['nets'][number][]>();
  for (const n of children) {
    if (n.t === 'leaf' && (n.spec.type === 'cidr' || n.spec.type === 'multicidr')) {
      let l = cidrs.get(n.spec.field);
      if (!l) cidrs.set(n.spec.field, (l = []));
      if (n.spec.type === 'cidr') l.push({ cidr: n.spec.cidr, version: n.spec.version, network: n.spec.network, prefix: n.spec.prefix });
      else l.push(...n.spec.nets);
      continue;
    }
    if (n.t === 'leaf' && (n.spec.type === 'match' || n.spec.type === 'multi')) {
      const k = `${n.spec.cased ? 'c' : 'i'}:${n.spec.field}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { field: n.spec.field, cased: n.spec.cased, patterns: [] }));
      if (n.spec.type === 'match') g.patterns.push(n.spec.pattern);
      else g.patterns.push(...n.spec.patterns);
    } else rest.push(n);
  }
  for (const [field, nets] of cidrs) {
    if (nets.length === 1) rest.push(leaf({ type: 'cidr', field, ...nets[0]! }));
    else rest.push(leaf({ type: 'multicidr', field, nets }));
  }
  for (const g of groups.values()) {
    if (g.patterns.length === 1) {
      rest.push(leaf({ type: 'match', field: g.field, pattern: g.patterns[0]!, cased: g.cased, origin: 'string' }));
    } else rest.push(leaf({ type: 'multi', field: g.field, cased: g.cased, patterns: g.patterns }));
  }
  return rest;
}

/** Count how often each leaf occurs (across all rules), to decide what to memoise. */
export function countLeaves(n: Node, counts: Map<string, number>): void {
  if (n.t === 'leaf') counts.set(n.key, (counts.get(n.key) ?? 0) + 1);
  else if (n.t === 'not') countLeaves(n.c, counts);
  else if (n.t === 'and' || n.t === 'or') for (const c of n.c) countLeaves(c, counts);
}

export type { Node as NormalNode };

/** A problem compiling one leaf (bad regex, bad network): the rule cannot be evaluated. */
export interface LeafError {
  readonly construct: string;
  readonly message: string;
}

/** Leaves that depend on one field only: evaluated through that field's plan (context.ts). */
type FieldLeaf = Exclude<LeafSpec, { type: 'fieldref' | 'keyword' | 'keyword_regex' }>;
const isFieldLeaf = (s: LeafSpec): s is FieldLeaf => s.type !== 'fieldref' && s.type !== 'keyword' && s.type !== 'keyword_regex';

/** Rules per generated function of a `program`. */
const PROGRAM_CHUNK = 64;

/** Runs the rules of one logsource list (see `ExprCompiler.program`). */
export type Program = (c: EvalContext, ok: Uint8Array, hit: (index: number) => void) => boolean;

/** At most this many leaves per plan, so one plan's results fit in a 31-bit mask. */
export const PLAN_BITS = 31;

/** Sorted interval starts and, per interval [starts[i], starts[i+1]), the CIDR leaves containing it. */
export interface V4Table {
  readonly starts: Float64Array;
  readonly masks: Int32Array;
}

/** Build the interval table of a plan's IPv4 networks. */
export function v4Table(leaves: ReadonlyArray<{ readonly bit: number; readonly ranges: ReadonlyArray<readonly [number, number]> }>): V4Table {
  const points = new Set<number>([0]);
  for (const l of leaves) for (const [lo, hi] of l.ranges) points.add(lo).add(hi + 1);
  const starts = Float64Array.from([...points].sort((a, b) => a - b));
  const masks = new Int32Array(starts.length);
  for (let i = 0; i < starts.length; i++) {
    const x = starts[i]!;
    let m = 0;
    for (const l of leaves) for (const [lo, hi] of l.ranges) if (x >= lo && x <= hi) m |= l.bit;
    masks[i] = m;
  }
  return { starts, masks };
}

/** The mask of the interval containing `ip` (starts[0] is 0, so there always is one). */
export function v4Lookup(t: V4Table, ip: number): number {
  const s = t.starts;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid]! <= ip) lo = mid;
    else hi = mid - 1;
  }
  return t.masks[lo]!;
}

/** The leaves of one field (or one part of a field's leaves), tested on one `ValueView`. */
export interface FieldPlan {
  readonly field: string;
  /** Index of the field's `ValueView` (shared by the plans of one field). */
  readonly view: number;
  /** Reads the field's raw scalar from an event (text.ts `fieldGetter`). */
  readonly get: (fields: Readonly<Record<string, FieldValue>>) => FieldValue | undefined;
  readonly tests: ValueTest[];
  /**
   * IPv4 networks of the plan's CIDR leaves as one interval table: for an IPv4 value, one
   * binary search gives the result of every CIDR leaf of the plan (the address is judged by
   * IPv4 networks only, so a leaf without IPv4 networks is false). `bits`: the CIDR leaves.
   */
  v4?: { bits: number; readonly leaves: Array<{ readonly bit: number; readonly ranges: ReadonlyArray<readonly [number, number]> }>; table?: V4Table };
}

/** Shared state across all rules of a rule set: field plans, field slots and leaf slots. */
export class ExprCompiler {
  private readonly fieldSlots = new Map<string, number>();
  private readonly leaves = new Map<string, readonly [number, number] | Pred>();
  private readonly leafErrors = new Map<string, LeafError[]>();
  private leafCount = 0;
  readonly plans: FieldPlan[] = [];
  private readonly views = new Map<string, number>();
  private readonly openPlan = new Map<string, number>();
  private readonly getters = new Map<string, FieldPlan['get']>();

  constructor(private readonly uses: ReadonlyMap<string, number>) {}

  get fieldSlotCount(): number {
    return this.fieldSlots.size;
  }
  get leafSlotCount(): number {
    return this.leafCount;
  }
  get viewCount(): number {
    return this.views.size;
  }

  /**
   * One function that reads every planned field of an event into its `ValueView` (eager: a
   * constant-key property read costs little next to calling a getter per field). Generated with
   * field names embedded through JSON.stringify; a loop over getters when generation is refused.
   */
  loader(): (fields: Readonly<Record<string, FieldValue>>, views: readonly ValueView[]) => void {
    const fields = [...this.views.entries()].sort((a, b) => a[1] - b[1]).map(([f]) => f);
    try {
      const body = fields
        .map((f, i) => `x = f[${JSON.stringify(f)}]; t = typeof x; v[${i}].set(t === 'string' || t === 'number' || t === 'boolean' ? x : x === null ? null : undefined);`)
        .join('\n');
      return new Function('f', 'v', `"use strict"; let x, t;\n${body}`) as (fields: Readonly<Record<string, FieldValue>>, views: readonly ValueView[]) => void;
    } catch {
      const getters = fields.map((f) => this.getters.get(f) ?? fieldGetter(f));
      return (f, v) => {
        for (let i = 0; i < getters.length; i++) v[i]!.set(getters[i]!(f));
      };
    }
  }

  private slot(field: string): number {
    let s = this.fieldSlots.get(field);
    if (s === undefined) this.fieldSlots.set(field, (s = this.fieldSlots.size));
    return s;
  }

  /** Add a value test to its field's plan; returns [plan, bit]. */
  private place(field: string, test: ValueTest, v4?: ReadonlyArray<readonly [number, number]>): [number, number] {
    let p = this.openPlan.get(field);
    if (p === undefined || this.plans[p]!.tests.length >= PLAN_BITS) {
      let view = this.views.get(field);
      if (view === undefined) this.views.set(field, (view = this.views.size));
      p = this.plans.length;
      this.plans.push({ field, view, get: this.getters.get(field) ?? this.getters.set(field, fieldGetter(field)).get(field)!, tests: [] });
      this.openPlan.set(field, p);
    }
    const plan = this.plans[p]!;
    const tests = plan.tests;
    tests.push(test);
    const bit = 2 ** (tests.length - 1);
    if (v4) {
      plan.v4 ??= { bits: 0, leaves: [] };
      plan.v4.bits |= bit;
      plan.v4.leaves.push({ bit, ranges: v4 });
      delete plan.v4.table; // rebuilt on first use
    }
    return [p, bit];
  }

  /** Build the predicate; errors are pushed to `errors` (the leaf then never matches). */
  build(n: Node, errors: LeafError[]): Pred {
    switch (n.t) {
      case 'const': {
        const v = n.v;
        return () => v;
      }
      case 'not': {
        const p = this.build(n.c, errors);
        return (c) => !p(c);
      }
      case 'and':
      case 'or': {
        const ps = n.c.map((x) => this.build(x, errors));
        if (n.t === 'and') {
          if (ps.length === 2) {
            const [a, b] = ps as [Pred, Pred];
            return (c) => a(c) && b(c);
          }
          if (ps.length === 3) {
            const [a, b, d] = ps as [Pred, Pred, Pred];
            return (c) => a(c) && b(c) && d(c);
          }
          return (c) => {
            for (let i = 0; i < ps.length; i++) if (!ps[i]!(c)) return false;
            return true;
          };
        }
        if (ps.length === 2) {
          const [a, b] = ps as [Pred, Pred];
          return (c) => a(c) || b(c);
        }
        return (c) => {
          for (let i = 0; i < ps.length; i++) if (ps[i]!(c)) return true;
          return false;
        };
      }
      case 'leaf': {
        const r = this.leafRef(n, errors);
        if (typeof r === 'function') return r;
        const [plan, bit] = r;
        return (c) => c.test(plan, bit);
      }
    }
  }

  /**
   * A leaf: [plan, bit] for a one-field leaf (shared across rules and cached per distinct value
   * by the field's plan), else a predicate (memoised per event when several rules use it).
   */
  private leafRef(n: Node & { t: 'leaf' }, errors: LeafError[]): readonly [number, number] | Pred {
    const cached = this.leaves.get(n.key);
    if (cached) {
      // A bad leaf shared by several rules makes each of them fail, not only the first.
      for (const e of this.leafErrors.get(n.key) ?? []) errors.push(e);
      return cached;
    }
    const mine: LeafError[] = [];
    let r: readonly [number, number] | Pred;
    if (isFieldLeaf(n.spec)) {
      const s = n.spec;
      const test = valueTest(s, mine);
      const v4 = (s.type === 'cidr' || s.type === 'multicidr') && mine.length === 0 ? netRanges(s.type === 'cidr' ? [s] : s.nets).v4 : undefined;
      r = this.place(s.field, test, v4);
    } else {
      const raw = this.leafPred(n.spec, mine);
      r = raw;
      if ((this.uses.get(n.key) ?? 0) > 1) {
        const slot = this.leafCount++;
        r = (c) => {
          if (c.leafGen[slot] === c.gen) return c.leafVal[slot] === 1;
          const v = raw(c);
          c.leafGen[slot] = c.gen;
          c.leafVal[slot] = v ? 1 : 0;
          return v;
        };
      }
    }
    this.leaves.set(n.key, r);
    if (mine.length) this.leafErrors.set(n.key, mine);
    for (const e of mine) errors.push(e);
    return r;
  }

  /**
   * A cheap necessary condition of a rule, tested before the rule is called: one positive
   * one-field leaf of its top-level AND (or the rule itself when it is such a leaf), as
   * [plan, bit]. Preference goes to value lists on text fields (an Image suffix list rules out
   * most events with one cached lookup), never to booleans (`Initiated: true` rules out little).
   */
  gate(n: Node, errors: LeafError[]): readonly [number, number] | undefined {
    const candidates = n.t === 'and' ? n.c : [n];
    let best: (Node & { t: 'leaf' }) | undefined;
    let bestRank = 0;
    for (const c of candidates) {
      if (c.t !== 'leaf' || !isFieldLeaf(c.spec)) continue;
      const rank = gateRank(c.spec);
      if (rank > bestRank) {
        best = c;
        bestRank = rank;
      }
    }
    if (!best) return undefined;
    const r = this.leafRef(best, errors);
    return typeof r === 'function' ? undefined : r;
  }

  /**
   * The same predicate as `build`, as one generated function: a one-field leaf becomes an
   * inline check of the context's plan masks (`K`, `V`) with integer plan and bit numbers (no
   * literal, field name or pattern text appears in generated source: those live in the value
   * tests); other leaves call into an array of closures. Falls back to `build` when code
   * generation is not allowed (e.g. `node --disallow-code-generation-from-strings`).
   */
  generate(n: Node, errors: LeafError[]): Pred {
    const free: Pred[] = [];
    const src = this.source(n, errors, free);
    try {
      const make = new Function('f', `"use strict"; return function rule(c) { const K = c.pKnown, V = c.pVal; return ${src}; };`) as (f: readonly Pred[]) => Pred;
      return make(free);
    } catch {
      return this.build(n, errors);
    }
  }

  /**
   * All rules of one logsource list as generated code: for each rule in order, if its logsource
   * accepts the event (`ok[index]`), its gate and its expression are tested inline and `hit(index)`
   * is called on a match; returns whether any rule was selected. Rules are split into functions
   * of at most `PROGRAM_CHUNK` rules so each stays small enough for the optimising compiler.
   * Each rule runs in its own try block: nothing thrown by one rule stops the others.
   * Returns undefined when code generation is not allowed.
   */
  program(rules: ReadonlyArray<{ readonly index: number; readonly node: Node; readonly gate: readonly [number, number] | undefined }>): Program | undefined {
    const chunks: Program[] = [];
    try {
      for (let at = 0; at < rules.length; at += PROGRAM_CHUNK) {
        const free: Pred[] = [];
        const lines: string[] = [];
        for (const r of rules.slice(at, at + PROGRAM_CHUNK)) {
          const i = r.index | 0;
          const expr = this.source(r.node, [], free);
          const gate = r.gate ? `${this.leafSource(r.gate)} && ` : '';
          lines.push(`if (ok[${i}] === 1) { sel = true; try { if (${gate}${expr}) hit(${i}); } catch (e) { /* never throw on event content */ } }`);
        }
        const make = new Function('f', `"use strict"; return function rules(c, ok, hit) {\nconst K = c.pKnown, V = c.pVal; let sel = false;\n${lines.join('\n')}\nreturn sel; };`) as (f: readonly Pred[]) => Program;
        chunks.push(make(free));
      }
    } catch {
      return undefined;
    }
    if (chunks.length === 1) return chunks[0]!;
    return (c, ok, hit) => {
      let sel = false;
      for (let i = 0; i < chunks.length; i++) if (chunks[i]!(c, ok, hit)) sel = true;
      return sel;
    };
  }

  private leafSource(r: readonly [number, number]): string {
    const p = r[0] | 0;
    const b = r[1] >>> 0;
    return `((K[${p}] & ${b}) !== 0 || c.r(${p}, ${b}), (V[${p}] & ${b}) !== 0)`;
  }

  private source(n: Node, errors: LeafError[], free: Pred[]): string {
    switch (n.t) {
      case 'const':
        return n.v ? 'true' : 'false';
      case 'not':
        return `!${this.source(n.c, errors, free)}`;
      case 'and':
      case 'or':
        return `(${n.c.map((x) => this.source(x, errors, free)).join(n.t === 'and' ? ' && ' : ' || ')})`;
      case 'leaf': {
        const r = this.leafRef(n, errors);
        if (typeof r === 'function') {
          free.push(r);
          return `f[${free.length - 1}](c)`;
        }
        return this.leafSource(r);
      }
    }
  }

  /** Leaves over several fields (fieldref) or all of them (keywords). */
  private leafPred(s: Exclude<LeafSpec, FieldLeaf>, errors: LeafError[]): Pred {
    switch (s.type) {
      case 'fieldref': {
        const a = this.slot(s.field);
        const b = this.slot(s.other);
        const fa = s.field;
        const fb = s.other;
        const get = s.cased ? (c: EvalContext, slot: number, f: string) => c.text(slot, f) : (c: EvalContext, slot: number, f: string) => c.folded(slot, f);
        const pos = s.position;
        return (c) => {
          const x = get(c, a, fa);
          if (x === undefined) return false;
          const y = get(c, b, fb);
          if (y === undefined) return false;
          switch (pos) {
            case 'eq':
              return x === y;
            case 'startswith':
              return x.startsWith(y);
            case 'endswith':
              return x.endsWith(y);
            case 'contains':
              return x.includes(y);
          }
        };
      }
      case 'keyword': {
        // Keywords are full-text: the pattern may occur anywhere inside any value (SigmaHQ
        // practice: backends search `*term*` over all fields), so wrap it in `*…*`.
        const parts = s.pattern.parts;
        const wrapped: StringPattern = {
          parts: [
            ...(parts[0]?.kind === 'any' ? [] : [{ kind: 'any' as const }]),
            ...parts,
            ...(parts[parts.length - 1]?.kind === 'any' ? [] : [{ kind: 'any' as const }]),
          ],
        };
        const test = compilePattern(wrapped, s.cased);
        return s.cased
          ? (c) => c.allText().some(test)
          : (c) => c.allFolded().some(test);
      }
      case 'keyword_regex': {
        const r = compileRegex(s.regex, s.flags);
        if (!r.ok) {
          errors.push({ construct: 'keyword|re', message: `regex /${s.regex}/ does not compile: ${r.message}` });
          return () => false;
        }
        const test = r.test;
        return (c) => c.allText().some(test);
      }
    }
  }
}

/** How much a leaf is expected to narrow events down, for `gate` (0: not worth a gate). */
function gateRank(s: FieldLeaf): number {
  switch (s.type) {
    case 'match': {
      const sh = patternShape(s.pattern, s.cased);
      if (s.origin === 'boolean' || sh.kind === 'all') return 0;
      if (sh.kind === 'eq' && (sh.text === 'true' || sh.text === 'false')) return 0;
      // One exact value (`Protocol: tcp`, a port) is often a common one; a wildcard names
      // something specific (`*\\certutil.exe`).
      return sh.kind === 'eq' ? 2 : 3;
    }
    case 'multi':
      return s.patterns.some((p) => patternShape(p, s.cased).kind === 'all') ? 0 : 3;
    case 'regex':
    case 'cidr':
    case 'multicidr':
    case 'compare':
      return 1;
    default:
      return 0;
  }
}

/** The test of a one-field leaf over that field's `ValueView`. */
function valueTest(s: FieldLeaf, errors: LeafError[]): ValueTest {
  switch (s.type) {
    case 'match':
    case 'multi': {
      const test = s.type === 'match' ? compilePattern(s.pattern, s.cased) : compileMulti(s.patterns, s.cased);
      if (s.cased) {
        return (v) => {
          const t = v.text();
          return t !== undefined && test(t);
        };
      }
      return (v) => {
        const t = v.folded();
        return t !== undefined && test(t);
      };
    }
    case 'regex': {
      const r = compileRegex(s.regex, s.flags);
      if (!r.ok) {
        errors.push({ construct: `${s.field}|re`, message: `regex /${s.regex}/ does not compile: ${r.message}` });
        return () => false;
      }
      const test = r.test;
      return (v) => {
        const t = v.text();
        return t !== undefined && test(t);
      };
    }
    case 'cidr':
    case 'multicidr': {
      const nets = s.type === 'cidr' ? [s] : s.nets;
      let bad = false;
      for (const n of nets) {
        const ok = n.version === 4 ? parseIPv4(n.network) !== undefined && n.prefix >= 0 && n.prefix <= 32 : parseIPv6(n.network) !== undefined && n.prefix >= 0 && n.prefix <= 128;
        if (!ok) {
          bad = true;
          errors.push({ construct: `${s.field}|cidr`, message: `network '${n.cidr}' is not a valid IPv${n.version} CIDR` });
        }
      }
      if (bad && s.type === 'cidr') return () => false;
      // An IPv4 text is judged by the IPv4 networks only; IPv6 text by the IPv6 networks.
      const r = netRanges(nets);
      const has4 = r.v4.length > 0;
      const has6 = r.v6.length > 0;
      return (v: ValueView) => {
        if (has4) {
          const ip = v.ip4();
          if (ip !== undefined) return inV4(r, ip);
        }
        if (has6) {
          const ip = v.ip6();
          return ip !== undefined && inV6(r, ip);
        }
        return false;
      };
    }
    case 'compare': {
      const x = s.value;
      const cmp = numericOp(s.op);
      return (v) => {
        const n = v.num();
        return n !== undefined && cmp(n, x);
      };
    }
    case 'exists': {
      const want = s.exists;
      return (v) => (v.raw !== undefined && v.raw !== null) === want;
    }
    case 'null':
      return (v) => v.raw === undefined || v.raw === null;
    case 'timepart': {
      const part = s.part;
      const x = s.value;
      const cmp = s.op === 'eq' ? (a: number, b: number) => a === b : numericOp(s.op);
      return (v) => {
        const ms = parseTimestamp(v.raw);
        return ms !== undefined && cmp(timePart(ms, part), x);
      };
    }
  }
}

function numericOp(op: 'lt' | 'lte' | 'gt' | 'gte'): (a: number, b: number) => boolean {
  switch (op) {
    case 'lt':
      return (a, b) => a < b;
    case 'lte':
      return (a, b) => a <= b;
    case 'gt':
      return (a, b) => a > b;
    case 'gte':
      return (a, b) => a >= b;
  }
}

/**
 * Many patterns on one field (a Sigma value list): equality through one Set; prefixes and
 * suffixes through `affixIndex`; the rest tested one by one.
 */
export function compileMulti(patterns: readonly StringPattern[], cased: boolean): TextTest {
  const eq = new Set<string>();
  const prefix = new Map<number, Set<string>>();
  const suffix = new Map<number, Set<string>>();
  const contains: string[] = [];
  const general: TextTest[] = [];
  let all = false;
  for (const p of patterns) {
    const sh = patternShape(p, cased);
    switch (sh.kind) {
      case 'eq':
        eq.add(sh.text);
        break;
      case 'prefix':
      case 'suffix': {
        const m = sh.kind === 'prefix' ? prefix : suffix;
        let set = m.get(sh.text.length);
        if (!set) m.set(sh.text.length, (set = new Set()));
        set.add(sh.text);
        break;
      }
      case 'contains':
        contains.push(sh.text);
        break;
      case 'all':
        all = true;
        break;
      case 'general':
        general.push(compilePattern(p, cased));
    }
  }
  if (all) return () => true;
  const pre = affixIndex([...prefix.values()].flatMap((x) => [...x]), false);
  const suf = affixIndex([...suffix.values()].flatMap((x) => [...x]), true);
  const hasEq = eq.size > 0;
  return (s) => {
    if (hasEq && eq.has(s)) return true;
    if (suf !== undefined && suf(s)) return true;
    if (pre !== undefined && pre(s)) return true;
    for (let i = 0; i < contains.length; i++) if (s.includes(contains[i]!)) return true;
    for (let i = 0; i < general.length; i++) if (general[i]!(s)) return true;
    return false;
  };
}

/**
 * Many prefixes (or suffixes) without allocating: pick the character position (counted from
 * the start, or from the end for suffixes, within the shortest pattern) that best separates the
 * patterns, bucket patterns by that character, and per value test only its bucket with
 * startsWith/endsWith.
 */
function affixIndex(pats: readonly string[], fromEnd: boolean): TextTest | undefined {
  if (pats.length === 0) return undefined;
  const minLen = Math.min(...pats.map((p) => p.length));
  if (minLen === 0) return () => true;
  let bestOffset = 1;
  let bestDistinct = 0;
  for (let o = 1; o <= Math.min(minLen, 16); o++) {
    const distinct = new Set(pats.map((p) => p.charCodeAt(fromEnd ? p.length - o : o - 1))).size;
    if (distinct > bestDistinct) {
      bestDistinct = distinct;
      bestOffset = o;
    }
  }
  const o = bestOffset;
  const buckets = new Map<number, string[]>();
  for (const p of pats) {
    const code = p.charCodeAt(fromEnd ? p.length - o : o - 1);
    let b = buckets.get(code);
    if (!b) buckets.set(code, (b = []));
    b.push(p);
  }
  if (fromEnd) {
    return (s) => {
      if (s.length < minLen) return false;
      const b = buckets.get(s.charCodeAt(s.length - o));
      if (b === undefined) return false;
      for (let i = 0; i < b.length; i++) if (s.endsWith(b[i]!)) return true;
      return false;
    };
  }
  return (s) => {
    if (s.length < minLen) return false;
    const b = buckets.get(s.charCodeAt(o - 1));
    if (b === undefined) return false;
    for (let i = 0; i < b.length; i++) if (s.startsWith(b[i]!)) return true;
    return false;
  };
}

/** Fold a literal the way the engine folds values (exported for tests and tools). */
export const foldLiteral = fold;
