/**
 * KQL for Microsoft Sentinel (the `Sysmon` parser and ASIM NetworkSession).
 *
 * Case-insensitive operators by default (`=~`, `startswith`, `endswith`, `contains`), `_cs`
 * variants for `cased`; strings as verbatim literals `@"…"` (a backslash is literal, `"` doubles);
 * `dynamic` parser columns cast with tostring()/todouble(); CIDR with ipv4_is_in_range /
 * ipv6_is_in_range (the IPv4 function returns null for an IPv6 range); regex via `matches regex`
 * (RE2, a search, the same semantics as Sigma). Leaves under NOT that could be null are wrapped
 * in coalesce(…, false) so NOT of an absent field is true, as in the engine.
 */
import type { CidrNode, CompareNode, CorrelationRule, DetectionRule, ExistsNode, Expr, FieldRefNode, MatchNode, NullNode, OrNode, RegexNode, TimePartNode } from '../ir/types.js';
import type { CompileContext } from './api.js';
import { ExprCompiler, exactValuesOf, type MatchLeaf, type TField, type Tokens } from './backend.js';
import { OPS, baseRules, checkTemporalOrdered, groupKeys, refuseApproximate, spanUnits, thresholds, type BaseRef } from './correlation.js';
import { unsupported } from './errors.js';
import type { ListMapping } from './pipeline.js';
import { literalOf, patternToRegex } from './patterns.js';
import { withInlineFlags } from './regex.js';

export function kqlString(s: string): string {
  // Verbatim strings cannot hold line breaks; fall back to an escaped literal then.
  if (/[\r\n\t\0-\x1f]/.test(s)) {
    return '"' + s.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/[\0-\x1f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '"';
  }
  return '@"' + s.replace(/"/g, '""') + '"';
}

export function kqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : `real(${n})`;
}

export class KqlCompiler extends ExprCompiler {
  protected readonly tokens: Tokens = {
    and: ' and ',
    or: ' or ',
    not: (s) => `not(${s})`,
    group: (s) => `(${s})`,
    true: 'true',
    false: 'false',
  };

  /** The field as a string expression. */
  str(f: TField): string {
    return f.type === 'string' || f.type === 'ip' ? kqlName(f.name) : `tostring(${kqlName(f.name)})`;
  }

  private guard(text: string, neg: boolean): string {
    return neg ? `coalesce(${text}, false)` : text;
  }

  /** `isnotnull` for typed/dynamic columns; string columns are never null in Kusto (absent = ""). */
  present(f: TField): string {
    return f.type === 'string' || f.type === 'ip' ? `isnotempty(${kqlName(f.name)})` : `isnotnull(${kqlName(f.name)})`;
  }

  protected match(f: TField, leaf: MatchLeaf, _e: MatchNode, neg: boolean): string {
    const s = leaf.shape;
    const int = this.intOf(leaf);
    if (f.type === 'int' && int !== undefined) return this.guard(`${kqlName(f.name)} == ${int}`, neg);
    if (f.type === 'bool' && s.kind === 'exact' && /^(true|false)$/i.test(s.text)) return this.guard(`${kqlName(f.name)} == ${s.text.toLowerCase()}`, neg);
    const x = this.str(f);
    const cs = leaf.cased ? '_cs' : '';
    switch (s.kind) {
      case 'empty':
        return f.type === 'dynamic' ? `(isnotnull(${kqlName(f.name)}) and ${x} == "")` : `${x} == ""`;
      case 'anything':
        return this.present(f);
      case 'exact':
        return `${x} ${leaf.cased ? '==' : '=~'} ${kqlString(s.text)}`;
      case 'startswith':
        return `${x} startswith${cs} ${kqlString(s.text)}`;
      case 'endswith':
        return `${x} endswith${cs} ${kqlString(s.text)}`;
      case 'contains':
        return `${x} contains${cs} ${kqlString(s.text)}`;
      case 'complex':
        return `${x} matches regex ${kqlString(patternToRegex(s.parts, !leaf.cased))}`;
    }
  }

  protected regex(f: TField, e: RegexNode, _neg: boolean): string {
    return `${this.str(f)} matches regex ${kqlString(withInlineFlags(e.regex, e.flags))}`;
  }

  protected cidr(f: TField, e: CidrNode, neg: boolean): string {
    const fn = e.version === 4 ? 'ipv4_is_in_range' : 'ipv6_is_in_range';
    // Both return null for an address of the other family: coalesce keeps NOT exact.
    return this.guard(`${fn}(${this.str(f)}, ${kqlString(e.cidr)})`, neg || e.version === 6);
  }

  protected compare(f: TField, e: CompareNode, neg: boolean): string {
    const x = f.type === 'int' ? kqlName(f.name) : `todouble(${kqlName(f.name)})`;
    return this.guard(`${x} ${OPS[e.op]} ${num(e.value)}`, neg);
  }

  protected exists(f: TField, e: ExistsNode): string {
    return e.exists ? this.present(f) : this.isNull(f, { type: 'null', field: e.field });
  }

  protected isNull(f: TField, _e: NullNode): string {
    return f.type === 'string' || f.type === 'ip' ? `isempty(${kqlName(f.name)})` : `isnull(${kqlName(f.name)})`;
  }

  protected fieldref(f: TField, o: TField, e: FieldRefNode, _neg: boolean): string {
    const a = e.cased ? this.str(f) : `tolower(${this.str(f)})`;
    const b = e.cased ? this.str(o) : `tolower(${this.str(o)})`;
    const both = `${this.present(f)} and ${this.present(o)}`;
    switch (e.position) {
      case 'eq':
        return `(${both} and ${a} == ${b})`;
      case 'startswith':
        return `(${both} and indexof(${a}, ${b}) == 0)`;
      case 'contains':
        return `(${both} and indexof(${a}, ${b}) >= 0)`;
      case 'endswith':
        return `(${both} and strlen(${a}) >= strlen(${b}) and substring(${a}, strlen(${a}) - strlen(${b})) == ${b})`;
    }
  }

  protected override timepart(f: TField, e: TimePartNode, neg: boolean): string {
    const part = { minute: 'Minute', hour: 'Hour', day: 'Day', week: 'week_of_year', month: 'Month', year: 'Year' }[e.part];
    const op = e.op === 'eq' ? '==' : OPS[e.op];
    const t = f.type === 'time' ? kqlName(f.name) : `todatetime(${this.str(f)})`;
    return this.guard(`datetime_part("${part}", ${t}) ${op} ${e.value}`, neg);
  }

  protected override listRef(e: OrNode, lm: ListMapping, neg: boolean): string {
    const ev = exactValuesOf(e);
    if (!ev) return super.listRef(e, lm, neg);
    const parts = this.field(ev.field).map((f) => `${this.str(f)} in~ ((_GetWatchlist(${kqlString(lm.name)}) | project ${kqlName(lm.column)}))`);
    return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
  }

  protected override mergeOr(children: readonly Expr[], neg: boolean): { merged: string[]; rest: readonly Expr[] } {
    const merged: string[] = [];
    const cidrs = this.groupBy<CidrNode>(children, (c) => (c.type === 'cidr' && this.singleField(c.field) ? `c${c.version}:${c.field}` : undefined));
    for (const g of cidrs.groups) {
      const f = this.singleField(g[0]!.field)!;
      const fn = g[0]!.version === 4 ? 'ipv4_is_in_any_range' : 'ipv6_is_in_any_range';
      merged.push(this.guard(`${fn}(${this.str(f)}, ${g.map((c) => kqlString(c.cidr)).join(', ')})`, true));
    }
    const exact = this.groupBy<MatchNode>(cidrs.rest, (c) => this.exactCiKey(c));
    for (const g of exact.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(`${this.str(f)} in~ (${g.map((c) => kqlString(literalOf(c.pattern)!)).join(', ')})`);
    }
    const ints = this.groupBy<MatchNode>(exact.rest, (c) => this.intKey(c));
    for (const g of ints.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(this.guard(`${kqlName(f.name)} in (${g.map((c) => Number(literalOf(c.pattern))).join(', ')})`, neg));
    }
    return { merged, rest: ints.rest };
  }

  // -------------------------------------------------------------------------------------------

  source(): string[] {
    const p = this.pipeline;
    const lines = [kqlName(p.source.table!)];
    for (const c of p.source.where) {
      const t = this.typeOf(c.field);
      const v = typeof c.equals === 'number' && (t === 'int' || t === 'dynamic') ? String(c.equals) : kqlString(String(c.equals));
      lines.push(`| where ${kqlName(c.field)} == ${t === 'dynamic' && typeof c.equals === 'number' ? v : v}`);
    }
    return lines;
  }

  detection(rule: DetectionRule): string {
    return [...this.source(), `| where ${this.compile(rule.expr)}`].join('\n');
  }

  correlation(rule: CorrelationRule, ctx: CompileContext): string {
    refuseApproximate(rule, this.target);
    checkTemporalOrdered(rule, this.target);
    const bases = baseRules(rule, ctx);
    const keys = groupKeys(rule, bases);
    const time = kqlName(this.pipeline.timeField);
    const preds = new Map(bases.map((b) => [b.key, this.compile(b.rule.expr)]));
    const lines = this.source();
    const multi = bases.length > 1;
    if (rule.type === 'temporal' || rule.type === 'temporal_ordered') {
      // One row per (event, rule it matched): an event may match several base rules.
      lines.splice(0, lines.length, `let _base = ${this.source().join(' ')};`, 'union');
      lines.push(bases.map((b, i) => `  (_base | where ${preds.get(b.key)} | extend _rule = ${i})`).join(',\n'));
    } else {
      lines.push(`| where ${bases.map((b) => (multi ? `(${preds.get(b.key)})` : preds.get(b.key))).join(' or ')}`);
    }
    const ext: string[] = [`_window = bin_at(${time}, ${this.span(rule.timespanMs)}, datetime(1970-01-01))`];
    for (const k of keys) ext.push(`${kqlName(k.column)} = ${this.groupExpr(k.common, k.fieldByRule, bases, preds)}`);
    // The engine leaves events without a group-by value out of every group.
    // (tostring() turns a missing dynamic value into "", so test the source column; string
    // columns cannot tell missing from empty in Kusto.)
    const present = keys.flatMap((k) => {
      const fs = k.common !== undefined ? this.field(k.common) : [];
      return fs.length === 1 && fs[0]!.type !== 'string' && fs[0]!.type !== 'ip' ? [`isnotnull(${kqlName(fs[0]!.name)})`] : [];
    });
    if (present.length) lines.push(`| where ${present.join(' and ')}`);
    lines.push(`| extend ${ext.join(', ')}`);
    const by = ['_window', ...keys.map((k) => kqlName(k.column))].join(', ');
    const cond = (col: string) => thresholds(rule).map((t) => `${col} ${OPS[t.op]} ${num(t.value)}`).join(' and ');
    switch (rule.type) {
      case 'event_count':
        lines.push(`| summarize _count = count() by ${by}`, `| where ${cond('_count')}`);
        break;
      case 'value_count': {
        const vf = this.valueField(rule);
        lines.push(`| where isnotnull(${kqlName(vf.name)})`, `| summarize by ${by}, _value = ${this.str(vf)}`, `| summarize _count = count() by ${by}`, `| where ${cond('_count')}`);
        break;
      }
      case 'value_sum':
      case 'value_avg': {
        const vf = this.valueField(rule);
        const fn = rule.type === 'value_sum' ? 'sum' : 'avg';
        const x = vf.type === 'int' ? kqlName(vf.name) : `todouble(${kqlName(vf.name)})`;
        // Fires only when some event had a number (as the engine).
        lines.push(`| summarize _value = ${fn}(${x}), _n = countif(isnotnull(${x})) by ${by}`, `| where _n > 0 and ${cond('_value')}`);
        break;
      }
      case 'temporal':
        lines.push(`| summarize by ${by}, _rule`, `| summarize _count = count() by ${by}`, `| where ${cond('_count')}`);
        break;
      case 'temporal_ordered':
        lines.push(`| summarize _first0 = minif(${time}, _rule == 0), _last1 = maxif(${time}, _rule == 1) by ${by}`, '| where _first0 <= _last1');
        break;
      case 'beacon':
        lines.push(...this.beacon(rule, by));
        break;
      default:
        throw unsupported(rule.type, `${this.target} has no rendering for this correlation type`);
    }
    return lines.join('\n');
  }

  private beacon(rule: CorrelationRule, by: string): string[] {
    const b = rule.beacon;
    if (!b) throw unsupported('beacon without parameters', 'the rule has no beacon section');
    const time = kqlName(this.pipeline.timeField);
    const bucket = this.span(b.bucketMs);
    const out: string[] = [];
    if (b.method === 'intervals') {
      out.push(
        `| sort by ${by.split(', ').map((c) => `${c} asc`).join(', ')}, ${time} asc`,
        `| extend _gap = iff(${by.split(', ').map((c) => `${c} == prev(${c})`).join(' and ')}, (${time} - prev(${time})) / 1s, real(null))`,
      );
    }
    out.push(`| extend _bucket = bin_at(${time}, ${bucket}, datetime(1970-01-01))`);
    out.push(
      `| summarize _c = count()${b.method === 'intervals' ? ', _gapSum = sum(_gap), _gapSq = sum(_gap * _gap), _gapN = countif(isnotnull(_gap))' : ''} by ${by}, _bucket`,
      `| summarize _active = count(), _total = sum(_c), _first = min(_bucket), _last = max(_bucket), _mean = avg(_c), _sd = stdevp(_c)${b.method === 'intervals' ? ', _gs = sum(_gapSum), _gq = sum(_gapSq), _gn = sum(_gapN)' : ''} by ${by}`,
      `| extend _span = (_last - _first) / ${bucket} + 1`,
      '| extend _coverage = todouble(_active) / _span, _cv = _sd / _mean',
    );
    const conds = [`_total >= ${b.minEvents}`, `_span >= ${b.minBuckets}`];
    if (b.method === 'intervals') {
      // Population stdev of the gaps from their sum and sum of squares; `intervals` replaces the
      // coverage and count-cv tests (as the engine does); cv is 0 when every gap is 0.
      out.push('| extend _gapMean = _gs / _gn', '| extend _gapCv = iff(_gapMean > 0, sqrt(max_of(_gq / _gn - _gapMean * _gapMean, 0.0)) / _gapMean, 0.0)');
      conds.push(`_gn > 0 and _gapCv <= ${num(b.maxIntervalCv ?? b.maxCv)}`);
    } else conds.push(`_coverage >= ${num(b.minCoverage)}`, `_cv <= ${num(b.maxCv)}`);
    // The rule's own condition, if any, applies to the event total.
    for (const t of rule.condition) conds.push(`_total ${OPS[t.op]} ${num(t.value)}`);
    out.push(`| where ${conds.join(' and ')}`);
    return out;
  }

  private valueField(rule: CorrelationRule): TField {
    if (!rule.valueField) throw unsupported(`${rule.type} without field`, 'the correlation names no field');
    const fs = this.field(rule.valueField);
    if (fs.length !== 1) throw unsupported(`${rule.type} on ${rule.valueField}`, `'${rule.valueField}' maps to several fields in pipeline '${this.pipeline.name}'`);
    return fs[0]!;
  }

  private groupExpr(common: string | undefined, byRule: ReadonlyMap<string, string>, bases: readonly BaseRef[], preds: ReadonlyMap<string, string>): string {
    const one = (sysmon: string) => {
      const fs = this.field(sysmon);
      // Several target fields (ASIM Src*/Dst* process): exactly one side is filled; coalesce()
      // skips empty strings in Kusto.
      if (fs.length > 1) return `coalesce(${fs.map((f) => this.str(f)).join(', ')})`;
      return this.str(fs[0]!);
    };
    if (common !== undefined) return one(common);
    return `case(${bases.map((b) => `${preds.get(b.key)}, ${one(byRule.get(b.key)!)}`).join(', ')}, "")`;
  }

  span(ms: number): string {
    const { n, unit } = spanUnits(ms);
    return `${n}${unit}`;
  }
}
