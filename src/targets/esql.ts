/**
 * ES|QL for Elastic (ECS fields). `==` and `LIKE` are case-sensitive, so case-insensitive tests
 * compare TO_LOWER(field) with a lowered literal; STARTS_WITH/ENDS_WITH/LOCATE avoid wildcard
 * escaping where they can; LIKE patterns escape `\`, `*`, `?`; RLIKE is Lucene (full match):
 * Sigma `re` is translated (regex.ts). Correlations: STATS … BY BUCKET(@timestamp, …),
 * exact two-step distinct counts, STD_DEV (population). Beacon method 'intervals' is refused
 * (ES|QL has no row deltas).
 */
import type { CidrNode, CompareNode, CorrelationRule, DetectionRule, ExistsNode, Expr, FieldRefNode, MatchNode, NullNode, RegexNode } from '../ir/types.js';
import type { CompileContext } from './api.js';
import { ExprCompiler, type MatchLeaf, type TField, type Tokens } from './backend.js';
import { OPS, baseRules, checkTemporalOrdered, groupKeys, refuseApproximate, spanSeconds, thresholds } from './correlation.js';
import { esString, ipPatternError, ipTextCidrs, ipv4OnlyPattern, patternToWildcard } from './ecs-common.js';
import { unsupported } from './errors.js';
import { toLucene } from './regex.js';
import { literalOf } from './patterns.js';

export function esqlName(name: string): string {
  return /^[A-Za-z_@][A-Za-z0-9_.@]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

function durationLiteral(ms: number): string {
  const s = spanSeconds(ms);
  const unit = (n: number, u: string) => `${n} ${u}${n === 1 ? '' : 's'}`;
  if (s % 86400 === 0) return unit(s / 86400, 'day');
  if (s % 3600 === 0) return unit(s / 3600, 'hour');
  if (s % 60 === 0) return unit(s / 60, 'minute');
  return unit(s, 'second');
}

export class EsqlCompiler extends ExprCompiler {
  protected readonly tokens: Tokens = {
    and: ' AND ',
    or: ' OR ',
    // ES|QL is three-valued: NOT of a test on a missing field is null (row dropped), while the
    // engine says true. COALESCE at the NOT boundary makes the negated subtree two-valued
    // (every nested NOT is coalesced too, so inside it null can only mean false).
    not: (s) => `NOT COALESCE(${s}, false)`,
    group: (s) => `(${s})`,
    true: 'true',
    false: 'false',
  };

  /** Null-safety is handled once at each NOT (see tokens.not). */
  private guard(text: string, _neg: boolean): string {
    return text;
  }

  private str(f: TField, lower: boolean): string {
    const base = f.type === 'string' ? esqlName(f.name) : `TO_STRING(${esqlName(f.name)})`;
    return lower ? `TO_LOWER(${base})` : base;
  }

  protected match(f: TField, leaf: MatchLeaf, _e: MatchNode, neg: boolean): string {
    const n = esqlName(f.name);
    const s = leaf.shape;
    const int = this.intOf(leaf);
    if (f.type === 'int' && int !== undefined) return this.guard(`${n} == ${int}`, neg);
    if (f.type === 'ip') {
      if (s.kind === 'anything') return `${n} IS NOT NULL`;
      // Sysmon's text of an address as the exact set of CIDR blocks (ecs-common.ts).
      const cidrs = ipTextCidrs(s, leaf.cased);
      if (cidrs !== undefined) {
        if (cidrs.length === 0) return this.tokens.false;
        if (s.kind === 'exact') return this.guard(`${n} == TO_IP(${esString(s.text)})`, neg);
        return this.guard(`CIDR_MATCH(${n}, ${cidrs.map(esString).join(', ')})`, neg);
      }
      // TO_STRING of an IPv4 address is Sysmon's dotted text, so a pattern that only IPv4 text
      // can match is tested on the text; IPv6 text differs (ES compresses zero groups, Sysmon
      // does not), so any other pattern would test a text the engine never sees.
      const v4only = s.kind === 'complex' ? ipv4OnlyPattern(s.parts) : s.kind !== 'empty' && s.text.includes('.');
      if (!v4only) throw ipPatternError(f.name, s.kind, this.target);
    }
    const ci = !leaf.cased;
    const x = this.str(f, ci);
    const v = (t: string) => esString(ci ? t.toLowerCase() : t);
    switch (s.kind) {
      case 'empty':
        return this.guard(`${this.str(f, false)} == ""`, neg);
      case 'anything':
        return `${n} IS NOT NULL`;
      case 'exact':
        return this.guard(`${x} == ${v(s.text)}`, neg);
      case 'startswith':
        return this.guard(`STARTS_WITH(${x}, ${v(s.text)})`, neg);
      case 'endswith':
        return this.guard(`ENDS_WITH(${x}, ${v(s.text)})`, neg);
      case 'contains':
        return this.guard(`LOCATE(${x}, ${v(s.text)}) > 0`, neg);
      case 'complex':
        return this.guard(`${x} LIKE ${esString(patternToWildcard(s.parts, ci))}`, neg);
    }
  }

  protected regex(f: TField, e: RegexNode, neg: boolean): string {
    return this.guard(`${this.str(f, false)} RLIKE ${esString(toLucene(e.regex, e.flags))}`, neg);
  }

  protected cidr(f: TField, e: CidrNode, neg: boolean): string {
    if (f.type !== 'ip') throw unsupported(`|cidr on ${f.type} field ${f.name}`, 'CIDR_MATCH needs an ip field');
    return this.guard(`CIDR_MATCH(${esqlName(f.name)}, ${esString(e.cidr)})`, neg);
  }

  protected compare(f: TField, e: CompareNode, neg: boolean): string {
    const x = f.type === 'int' ? esqlName(f.name) : `TO_DOUBLE(${esqlName(f.name)})`;
    return this.guard(`${x} ${OPS[e.op]} ${e.value}`, neg);
  }

  protected exists(f: TField, e: ExistsNode): string {
    return `${esqlName(f.name)} IS ${e.exists ? 'NOT ' : ''}NULL`;
  }

  protected isNull(f: TField, _e: NullNode): string {
    return `${esqlName(f.name)} IS NULL`;
  }

  protected fieldref(f: TField, o: TField, e: FieldRefNode, neg: boolean): string {
    const a = this.str(f, !e.cased);
    const b = this.str(o, !e.cased);
    const body = { eq: `${a} == ${b}`, startswith: `STARTS_WITH(${a}, ${b})`, endswith: `ENDS_WITH(${a}, ${b})`, contains: `LOCATE(${a}, ${b}) > 0` }[e.position];
    return this.guard(body, neg);
  }

  protected override mergeOr(children: readonly Expr[], neg: boolean): { merged: string[]; rest: readonly Expr[] } {
    const merged: string[] = [];
    const cidrs = this.groupBy<CidrNode>(children, (c) => (c.type === 'cidr' && this.singleField(c.field)?.type === 'ip' ? `c:${c.field}` : undefined));
    for (const g of cidrs.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(this.guard(`CIDR_MATCH(${esqlName(f.name)}, ${g.map((c) => esString(c.cidr)).join(', ')})`, neg));
    }
    const exact = this.groupBy<MatchNode>(cidrs.rest, (c) => this.exactCiKey(c));
    for (const g of exact.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(this.guard(`${this.str(f, true)} IN (${g.map((c) => esString(literalOf(c.pattern)!.toLowerCase())).join(', ')})`, neg));
    }
    const ints = this.groupBy<MatchNode>(exact.rest, (c) => this.intKey(c));
    for (const g of ints.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(`${esqlName(f.name)} IN (${g.map((c) => Number(literalOf(c.pattern))).join(', ')})`);
    }
    return { merged, rest: ints.rest };
  }

  private from(): string {
    return `FROM ${this.pipeline.source.index!.join(', ')}`;
  }

  private sourceWhere(): string[] {
    return this.pipeline.source.where.map((c) => `${esqlName(c.field)} == ${typeof c.equals === 'number' ? c.equals : esString(c.equals)}`);
  }

  detection(rule: DetectionRule): string {
    const w = [...this.sourceWhere(), `(${this.compile(rule.expr)})`];
    return `${this.from()}\n| WHERE ${w.join(' AND ')}`;
  }

  correlation(rule: CorrelationRule, ctx: CompileContext): string {
    refuseApproximate(rule, this.target);
    checkTemporalOrdered(rule, this.target);
    if (rule.type === 'beacon' && rule.beacon?.method === 'intervals') {
      throw unsupported("beacon method 'intervals'", 'ES|QL has no row-to-row delta (no prev()/streamstats); use method buckets');
    }
    const bases = baseRules(rule, ctx);
    const keys = groupKeys(rule, bases);
    const preds = bases.map((b) => this.compile(b.rule.expr));
    const time = esqlName(this.pipeline.timeField);
    const lines = [this.from(), `| WHERE ${[...this.sourceWhere(), preds.length === 1 ? `(${preds[0]})` : `(${preds.map((p) => `(${p})`).join(' OR ')})`].join(' AND ')}`];
    const single = (sysmon: string): string => {
      const fs = this.field(sysmon);
      if (fs.length !== 1) throw unsupported(`group-by ${sysmon}`, `'${sysmon}' maps to several fields in pipeline '${this.pipeline.name}'`);
      return esqlName(fs[0]!.name);
    };
    const evals: string[] = [];
    if (bases.length > 1) preds.forEach((p, i) => evals.push(`_r${i} = CASE(COALESCE(${p}, false), 1, 0)`));
    for (const k of keys) {
      evals.push(`${k.column} = ${k.common !== undefined ? single(k.common) : `CASE(${bases.map((b, i) => `_r${i} == 1, ${single(k.fieldByRule.get(b.key)!)}`).join(', ')})`}`);
    }
    if (evals.length) lines.push(`| EVAL ${evals.join(', ')}`);
    const cols = keys.map((k) => k.column);
    // The engine leaves events without a group-by value out of every group.
    if (cols.length) lines.push(`| WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')}`);
    const win = `_window = BUCKET(${time}, ${durationLiteral(rule.timespanMs)})`;
    const byWith = (extra: string[]) => [win, ...cols, ...extra].join(', ');
    const by = ['_window', ...cols].join(', ');
    const cond = (col: string) => thresholds(rule).map((t) => `${col} ${OPS[t.op]} ${t.value}`).join(' AND ');
    const vfield = (): string => {
      if (!rule.valueField) throw unsupported(`${rule.type} without field`, 'the correlation names no field');
      return single(rule.valueField);
    };
    switch (rule.type) {
      case 'event_count':
        lines.push(`| STATS _count = COUNT(*) BY ${byWith([])}`, `| WHERE ${cond('_count')}`);
        break;
      case 'value_count':
        // COUNT_DISTINCT is an estimate: group by the value first, then count the groups.
        lines.push(`| WHERE ${vfield()} IS NOT NULL`, `| STATS BY ${byWith([`_value = ${vfield()}`])}`, `| STATS _count = COUNT(*) BY ${by}`, `| WHERE ${cond('_count')}`);
        break;
      case 'value_sum':
      case 'value_avg':
        lines.push(`| STATS _value = ${rule.type === 'value_sum' ? 'SUM' : 'AVG'}(TO_DOUBLE(${vfield()})), _n = COUNT(${vfield()}) BY ${byWith([])}`, `| WHERE _n > 0 AND ${cond('_value')}`);
        break;
      case 'temporal':
        // One rule: every group that has events has seen all (one) of its rules.
        if (bases.length === 1) lines.push(`| STATS _events = COUNT(*) BY ${byWith([])}`, '| EVAL _count = 1');
        else lines.push(`| STATS ${bases.map((_, i) => `_s${i} = MAX(_r${i})`).join(', ')} BY ${byWith([])}`, `| EVAL _count = ${bases.map((_, i) => `_s${i}`).join(' + ')}`);
        lines.push(`| WHERE ${cond('_count')}`);
        break;
      case 'temporal_ordered':
        lines.push(
          `| EVAL _t0 = CASE(_r0 == 1, ${time}), _t1 = CASE(_r1 == 1, ${time})`,
          `| STATS _first0 = MIN(_t0), _last1 = MAX(_t1) BY ${byWith([])}`,
          '| WHERE _first0 <= _last1',
        );
        break;
      case 'beacon': {
        const b = rule.beacon;
        if (!b) throw unsupported('beacon without parameters', 'the rule has no beacon section');
        const bucketS = spanSeconds(b.bucketMs);
        lines.push(
          `| STATS _c = COUNT(*) BY ${byWith([`_bucket = BUCKET(${time}, ${durationLiteral(b.bucketMs)})`])}`,
          `| STATS _active = COUNT(*), _total = SUM(_c), _first = MIN(_bucket), _last = MAX(_bucket), _mean = AVG(_c), _sd = STD_DEV(_c) BY ${by}`,
          `| EVAL _span = DATE_DIFF("seconds", _first, _last) / ${bucketS} + 1`,
          '| EVAL _coverage = TO_DOUBLE(_active) / _span, _cv = _sd / _mean',
          `| WHERE ${[`_total >= ${b.minEvents}`, `_span >= ${b.minBuckets}`, `_coverage >= ${b.minCoverage}`, `_cv <= ${b.maxCv}`, ...rule.condition.map((t) => `_total ${OPS[t.op]} ${t.value}`)].join(' AND ')}`,
        );
        break;
      }
      default:
        throw unsupported(rule.type, `${this.target} has no rendering for this correlation type`);
    }
    return lines.join('\n');
  }
}
