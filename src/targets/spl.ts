/**
 * SPL for Splunk (raw Sysmon through a macro, and the CIM Network_Traffic data model).
 *
 * Two dialects in one query. The search language (`Field="v*"`) is case-insensitive, fast and
 * treats `NOT Field="x"` as true for an event without the field (as the engine does), but it
 * cannot express `?`, a literal `*`, `cased`, regexes, CIDR or presence tests. Those go to
 * `| where` (eval expressions: `match()`, `cidrmatch()`, `isnotnull()`). The top-level AND of
 * the condition is split: searchable conjuncts stay in the search, the rest become ONE where
 * clause, so ORed regexes or ORed CIDRs stay ORed (a known bug class: piping two `| regex`
 * commands ANDs them).
 */
import type { CidrNode, CompareNode, CorrelationRule, DetectionRule, ExistsNode, Expr, FieldRefNode, MatchNode, NullNode, OrNode, RegexNode } from '../ir/types.js';
import type { CompileContext } from './api.js';
import { ExprCompiler, exactValuesOf, type MatchLeaf, type TField, type Tokens } from './backend.js';
import { OPS, baseRules, checkTemporalOrdered, groupKeys, refuseApproximate, spanSeconds, thresholds } from './correlation.js';
import { TargetError, unsupported } from './errors.js';
import type { ListMapping, Pipeline } from './pipeline.js';
import type { TargetId } from './api.js';
import { patternToRegex, normalise } from './patterns.js';
import { withInlineFlags } from './regex.js';

export function splString(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** Eval needs single quotes around field names with dots or other non-word characters. */
function evalName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "\\'")}'`;
}

function num(n: number): string {
  return String(n);
}

class NotSearchable extends Error {}

/** The `| where` (eval expression) dialect: handles every leaf. */
export class SplWhereCompiler extends ExprCompiler {
  protected readonly tokens: Tokens = {
    and: ' AND ',
    or: ' OR ',
    not: (s) => `NOT (${s})`,
    group: (s) => `(${s})`,
    true: 'true()',
    false: 'false()',
  };

  private guard(f: TField, text: string, neg: boolean): string {
    return neg ? `(isnotnull(${evalName(f.name)}) AND ${text})` : text;
  }

  protected match(f: TField, leaf: MatchLeaf, _e: MatchNode, neg: boolean): string {
    const n = evalName(f.name);
    const s = leaf.shape;
    const int = this.intOf(leaf);
    if (f.type === 'int' && int !== undefined) return this.guard(f, `${n}==${int}`, neg);
    switch (s.kind) {
      case 'empty':
        return this.guard(f, `${n}==""`, neg);
      case 'anything':
        return `isnotnull(${n})`;
      case 'exact':
        return this.guard(f, leaf.cased ? `${n}==${splString(s.text)}` : `lower(${n})==${splString(s.text.toLowerCase())}`, neg);
      default: {
        const parts = s.kind === 'complex' ? s.parts : normalise(s.kind === 'startswith' ? [{ kind: 'lit', text: s.text }, { kind: 'any' }] : s.kind === 'endswith' ? [{ kind: 'any' }, { kind: 'lit', text: s.text }] : [{ kind: 'any' }, { kind: 'lit', text: s.text }, { kind: 'any' }]);
        return this.guard(f, `match(${n}, ${splString(patternToRegex(parts, !leaf.cased))})`, neg);
      }
    }
  }

  protected regex(f: TField, e: RegexNode, neg: boolean): string {
    return this.guard(f, `match(${evalName(f.name)}, ${splString(withInlineFlags(e.regex, e.flags))})`, neg);
  }

  protected cidr(f: TField, e: CidrNode, neg: boolean): string {
    return this.guard(f, `cidrmatch(${splString(e.cidr)}, ${evalName(f.name)})`, neg);
  }

  protected compare(f: TField, e: CompareNode, neg: boolean): string {
    return this.guard(f, `tonumber(${evalName(f.name)})${OPS[e.op]}${num(e.value)}`, neg);
  }

  protected exists(f: TField, e: ExistsNode): string {
    return e.exists ? `isnotnull(${evalName(f.name)})` : `isnull(${evalName(f.name)})`;
  }

  protected isNull(f: TField, _e: NullNode): string {
    return `isnull(${evalName(f.name)})`;
  }

  /** ORed CIDRs on one field: one presence guard, the cidrmatch() calls ORed inside. */
  protected override mergeOr(children: readonly Expr[], neg: boolean): { merged: string[]; rest: readonly Expr[] } {
    const cidrs = this.groupBy<CidrNode>(children, (c) => (c.type === 'cidr' && this.singleField(c.field) ? `c:${c.field}` : undefined));
    const merged = cidrs.groups.map((g) => {
      const n = evalName(this.singleField(g[0]!.field)!.name);
      const any = g.map((c) => `cidrmatch(${splString(c.cidr)}, ${n})`).join(' OR ');
      return neg ? `(isnotnull(${n}) AND (${any}))` : any;
    });
    return { merged, rest: cidrs.rest };
  }

  protected fieldref(f: TField, o: TField, e: FieldRefNode, _neg: boolean): string {
    const a = e.cased ? evalName(f.name) : `lower(${evalName(f.name)})`;
    const b = e.cased ? evalName(o.name) : `lower(${evalName(o.name)})`;
    const both = `isnotnull(${evalName(f.name)}) AND isnotnull(${evalName(o.name)})`;
    const body = {
      eq: `${a}==${b}`,
      startswith: `substr(${a}, 1, len(${b}))==${b}`,
      endswith: `len(${a})>=len(${b}) AND substr(${a}, len(${a})-len(${b})+1)==${b}`,
      // split() cuts on the literal text of its second argument, so more than one piece means
      // the needle occurs.
      contains: `mvcount(split(${a}, ${b}))>1`,
    }[e.position];
    return `(${both} AND ${body})`;
  }
}

/** The search dialect: throws NotSearchable for a leaf it cannot express exactly. */
class SplSearchCompiler extends ExprCompiler {
  protected readonly tokens: Tokens = {
    and: ' ',
    or: ' OR ',
    // Always parenthesise: `(a) OR (b)` starts with '(' but is not one group.
    not: (s) => `NOT (${s})`,
    group: (s) => `(${s})`,
    true: '*',
    false: 'NOT *',
  };

  private name(f: TField): string {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(f.name)) throw new NotSearchable();
    return f.name;
  }

  protected match(f: TField, leaf: MatchLeaf, _e: MatchNode, _neg: boolean): string {
    if (leaf.cased) throw new NotSearchable();
    const int = this.intOf(leaf);
    if (f.type === 'int' && int !== undefined) return `${this.name(f)}=${int}`;
    const s = leaf.shape;
    const lit = (t: string) => {
      // The search language has no escape for a literal `*`.
      if (t.includes('*')) throw new NotSearchable();
      return t;
    };
    let v: string;
    switch (s.kind) {
      case 'exact': v = lit(s.text); break;
      case 'startswith': v = lit(s.text) + '*'; break;
      case 'endswith': v = '*' + lit(s.text); break;
      case 'contains': v = '*' + lit(s.text) + '*'; break;
      case 'complex':
        if (s.parts.some((p) => p.kind === 'one')) throw new NotSearchable();
        v = s.parts.map((p) => (p.kind === 'lit' ? lit(p.text) : '*')).join('');
        break;
      default:
        throw new NotSearchable();
    }
    return `${this.name(f)}=${splString(v)}`;
  }
  protected regex(): string { throw new NotSearchable(); }
  protected cidr(): string { throw new NotSearchable(); }
  protected compare(f: TField, e: CompareNode): string {
    return `${this.name(f)}${OPS[e.op]}${num(e.value)}`;
  }
  protected exists(): string { throw new NotSearchable(); }
  protected isNull(): string { throw new NotSearchable(); }
  protected fieldref(): string { throw new NotSearchable(); }

  protected override listRef(e: OrNode, lm: ListMapping, neg: boolean): string {
    const ev = exactValuesOf(e);
    if (!ev) return super.listRef(e, lm, neg);
    const fs = this.field(ev.field);
    if (fs.length !== 1) throw new NotSearchable();
    // A subsearch returns `(Field="a") OR (Field="b") …` built from the lookup's column.
    return `[| inputlookup ${lm.name} | rename ${lm.column} AS ${this.name(fs[0]!)} | fields ${this.name(fs[0]!)}]`;
  }

  tryCompile(e: Expr): string | undefined {
    try {
      return this.compile(e);
    } catch (err) {
      if (err instanceof NotSearchable) return undefined;
      throw err;
    }
  }
}

export class SplCompiler {
  readonly where: SplWhereCompiler;
  private readonly search: SplSearchCompiler;
  constructor(
    private readonly pipeline: Pipeline,
    private readonly target: TargetId,
  ) {
    this.where = new SplWhereCompiler(pipeline, target);
    this.search = new SplSearchCompiler(pipeline, target);
  }

  private sourceText(): string {
    const s = this.pipeline.source;
    const conds = s.where.map((c) => `${c.field}=${typeof c.equals === 'number' ? c.equals : splString(c.equals)}`);
    if (s.datamodel) return `| datamodel ${s.datamodel} ${s.dataset} search` + (conds.length ? ` | search ${conds.join(' ')}` : '');
    return [`\`${s.macro}\``, ...conds].join(' ');
  }

  /** Source plus the filter for an expression, as search terms and one where clause. */
  filter(e: Expr): string {
    const conjuncts = e.type === 'and' ? e.children : [e];
    const search: string[] = [];
    const where: Expr[] = [];
    for (const c of conjuncts) {
      const s = this.search.tryCompile(c);
      if (s !== undefined) search.push((c.type === 'or' || c.type === 'and') && !s.startsWith('[') ? `(${s})` : s);
      else where.push(c);
    }
    const base = this.sourceText();
    const dm = this.pipeline.source.datamodel !== undefined;
    let out = base;
    if (search.length) out += dm ? ` | search ${search.join(' ')}` : ` ${search.join(' ')}`;
    if (where.length) out += ` | where ${this.where.compile(where.length === 1 ? where[0]! : { type: 'and', children: where })}`;
    return out;
  }

  detection(rule: DetectionRule): string {
    return this.filter(rule.expr);
  }

  correlation(rule: CorrelationRule, ctx: CompileContext): string {
    refuseApproximate(rule, this.target);
    checkTemporalOrdered(rule, this.target);
    const bases = baseRules(rule, ctx);
    const keys = groupKeys(rule, bases);
    const parts: string[] = [];
    const multi = bases.length > 1;
    if (!multi) parts.push(this.filter(bases[0]!.rule.expr));
    else {
      const preds = bases.map((b) => this.where.compile(b.rule.expr));
      parts.push(`${this.filter({ type: 'const', value: true })} | where ${preds.map((p) => `(${p})`).join(' OR ')}`);
      parts.push(`| eval ${preds.map((p, i) => `_r${i}=if(${p}, 1, 0)`).join(', ')}`);
    }
    const single = (sysmon: string): string => {
      const fs = this.where.field(sysmon);
      if (fs.length !== 1) throw unsupported(`group-by ${sysmon}`, `'${sysmon}' maps to several fields in pipeline '${this.pipeline.name}'`);
      return evalName(fs[0]!.name);
    };
    const evals: string[] = [];
    const span = spanSeconds(rule.timespanMs);
    // Epoch-aligned tumbling windows, independent of the search head's time zone (`bin` aligns
    // day spans to local midnight).
    evals.push(`_window=floor(_time/${span})*${span}`);
    for (const k of keys) {
      const expr = k.common !== undefined ? single(k.common) : `case(${bases.map((b, i) => `_r${i}==1, ${single(k.fieldByRule.get(b.key)!)}`).join(', ')})`;
      evals.push(`${k.column}=${expr}`);
    }
    parts.push(`| eval ${evals.join(', ')}`);
    const cols = keys.map((k) => k.column);
    // No fillnull: `stats … BY` drops events without a group value, as the engine does.
    const by = ['_window', ...cols].join(' ');
    const cond = (col: string) => thresholds(rule).map((t) => `${col}${OPS[t.op]}${num(t.value)}`).join(' AND ');
    const vfield = (): string => {
      if (!rule.valueField) throw unsupported(`${rule.type} without field`, 'the correlation names no field');
      return single(rule.valueField);
    };
    switch (rule.type) {
      case 'event_count':
        parts.push(`| stats count AS _count BY ${by}`, `| where ${cond('_count')}`);
        break;
      case 'value_count':
        // dc() is exact in SPL.
        parts.push(`| stats dc(${vfield()}) AS _count BY ${by}`, `| where ${cond('_count')}`);
        break;
      case 'value_sum':
      case 'value_avg':
        parts.push(`| eval _v=tonumber(${vfield()})`, `| stats ${rule.type === 'value_sum' ? 'sum' : 'avg'}(_v) AS _value BY ${by}`, `| where ${cond('_value')}`);
        break;
      case 'temporal': {
        if (!multi) parts.push('| eval _r0=1');
        const sums = bases.map((_, i) => `max(_r${i}) AS _s${i}`).join(' ');
        parts.push(`| stats ${sums} BY ${by}`, `| eval _count=${bases.map((_, i) => `_s${i}`).join('+')}`, `| where ${cond('_count')}`);
        break;
      }
      case 'temporal_ordered':
        parts.push(`| eval _t0=if(_r0==1, _time, null()), _t1=if(_r1==1, _time, null())`, `| stats min(_t0) AS _first0 max(_t1) AS _last1 BY ${by}`, '| where _first0 <= _last1');
        break;
      case 'beacon':
        parts.push(...this.beacon(rule, by));
        break;
      default:
        throw unsupported(rule.type, `${this.target} has no rendering for this correlation type`);
    }
    return parts.join('\n');
  }

  private beacon(rule: CorrelationRule, by: string): string[] {
    const b = rule.beacon;
    if (!b) throw unsupported('beacon without parameters', 'the rule has no beacon section');
    const bs = spanSeconds(b.bucketMs);
    const out: string[] = [];
    if (b.method === 'intervals') {
      out.push(`| sort 0 ${by.split(' ').map((c) => `+${c}`).join(' ')} +_time`, `| streamstats current=f last(_time) AS _prev BY ${by}`, '| eval _gap=_time-_prev');
    }
    out.push(`| eval _bucket=floor(_time/${bs})*${bs}`);
    const gap = b.method === 'intervals' ? ' sum(_gap) AS _gs sum(eval(_gap*_gap)) AS _gq count(_gap) AS _gn' : '';
    out.push(
      `| stats count AS _c${gap} BY ${by} _bucket`,
      `| stats count AS _active sum(_c) AS _total min(_bucket) AS _first max(_bucket) AS _last avg(_c) AS _mean stdevp(_c) AS _sd${b.method === 'intervals' ? ' sum(_gs) AS _gs sum(_gq) AS _gq sum(_gn) AS _gn' : ''} BY ${by}`,
      `| eval _span=(_last-_first)/${bs}+1, _coverage=_active/_span, _cv=_sd/_mean`,
    );
    const conds = [`_total>=${b.minEvents}`, `_span>=${b.minBuckets}`];
    if (b.method === 'intervals') {
      // `intervals` replaces the coverage and count-cv tests (as the engine does).
      out.push('| eval _gmean=_gs/_gn, _gcv=if(_gmean>0, sqrt(max(_gq/_gn-_gmean*_gmean, 0))/_gmean, 0)');
      conds.push(`_gn>0 AND _gcv<=${b.maxIntervalCv ?? b.maxCv}`);
    } else conds.push(`_coverage>=${b.minCoverage}`, `_cv<=${b.maxCv}`);
    for (const t of rule.condition) conds.push(`_total${OPS[t.op]}${t.value}`);
    out.push(`| where ${conds.join(' AND ')}`);
    return out;
  }
}

export { TargetError };
