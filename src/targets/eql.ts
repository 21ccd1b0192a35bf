/**
 * EQL for Elastic (ECS fields). `==` is case-sensitive; `:` is case-insensitive equality but
 * also reads `*` and `?` as wildcards, so it is used only for values without them; string
 * functions with `~` (`startsWith~`, `endsWith~`, `stringContains~`) are case-insensitive and
 * take no wildcards (no escaping trap for `\`); anything else becomes a Lucene `regex~`/`regex`
 * (full match: Sigma patterns are full matches already, Sigma `re` gets `.*` wrapping).
 * Single-event rules, and `temporal_ordered` over two rules as `sequence … with maxspan`.
 */
import type { CidrNode, CompareNode, CorrelationRule, DetectionRule, ExistsNode, Expr, FieldRefNode, MatchNode, NullNode, RegexNode } from '../ir/types.js';
import type { CompileContext } from './api.js';
import { ExprCompiler, type MatchLeaf, type TField, type Tokens } from './backend.js';
import { OPS, baseRules, spanUnits } from './correlation.js';
import { esString, ipPatternError, ipTextCidrs, patternToLucene } from './ecs-common.js';
import { unsupported } from './errors.js';
import { toLucene } from './regex.js';
import { literalOf } from './patterns.js';

export function eqlName(name: string): string {
  return /^[A-Za-z_@][A-Za-z0-9_.@]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

export class EqlCompiler extends ExprCompiler {
  protected readonly tokens: Tokens = {
    and: ' and ',
    or: ' or ',
    not: (s) => `not (${s})`,
    group: (s) => `(${s})`,
    true: 'true',
    false: 'false',
  };

  private guard(f: TField, text: string, neg: boolean): string {
    return neg ? `(${eqlName(f.name)} != null and ${text})` : text;
  }

  private str(f: TField): string {
    return f.type === 'int' ? `string(${eqlName(f.name)})` : eqlName(f.name);
  }

  protected match(f: TField, leaf: MatchLeaf, _e: MatchNode, neg: boolean): string {
    const n = eqlName(f.name);
    const s = leaf.shape;
    const int = this.intOf(leaf);
    if (f.type === 'int' && int !== undefined) return this.guard(f, `${n} == ${int}`, neg);
    if (f.type === 'ip') {
      if (s.kind === 'anything') return `${n} != null`;
      // Sysmon's text of an address as the exact set of CIDR blocks (ecs-common.ts).
      const cidrs = ipTextCidrs(s, leaf.cased);
      if (cidrs === undefined) throw ipPatternError(f.name, s.kind, this.target);
      if (cidrs.length === 0) return this.tokens.false;
      if (s.kind === 'exact') return this.guard(f, `${n} == ${esString(s.text)}`, neg);
      return this.guard(f, `cidrMatch(${n}, ${cidrs.map(esString).join(', ')})`, neg);
    }
    const x = this.str(f);
    const ci = leaf.cased ? '' : '~';
    switch (s.kind) {
      case 'empty':
        return this.guard(f, `${x} == ""`, neg);
      case 'anything':
        return `${n} != null`;
      case 'exact':
        if (leaf.cased) return this.guard(f, `${x} == ${esString(s.text)}`, neg);
        if (!/[*?]/.test(s.text)) return this.guard(f, `${x} : ${esString(s.text)}`, neg);
        return this.guard(f, `${x} regex~ ${esString(patternToLucene([{ kind: 'lit', text: s.text }]))}`, neg);
      case 'startswith':
        return this.guard(f, `startsWith${ci}(${x}, ${esString(s.text)})`, neg);
      case 'endswith':
        return this.guard(f, `endsWith${ci}(${x}, ${esString(s.text)})`, neg);
      case 'contains':
        return this.guard(f, `stringContains${ci}(${x}, ${esString(s.text)})`, neg);
      case 'complex':
        return this.guard(f, `${x} regex${ci} ${esString(patternToLucene(s.parts))}`, neg);
    }
  }

  protected regex(f: TField, e: RegexNode, neg: boolean): string {
    if (f.type !== 'string') throw unsupported(`|re on ${f.type} field ${f.name}`, 'EQL regex applies to keyword fields only');
    // Case folding is written into the regex itself (see regex.ts), so plain `regex` is used.
    return this.guard(f, `${eqlName(f.name)} regex ${esString(toLucene(e.regex, e.flags))}`, neg);
  }

  protected cidr(f: TField, e: CidrNode, neg: boolean): string {
    return this.guard(f, `cidrMatch(${eqlName(f.name)}, ${esString(e.cidr)})`, neg);
  }

  protected compare(f: TField, e: CompareNode, neg: boolean): string {
    const x = f.type === 'int' ? eqlName(f.name) : `number(${eqlName(f.name)})`;
    return this.guard(f, `${x} ${OPS[e.op]} ${e.value}`, neg);
  }

  protected exists(f: TField, e: ExistsNode): string {
    return `${eqlName(f.name)} ${e.exists ? '!=' : '=='} null`;
  }

  protected isNull(f: TField, _e: NullNode): string {
    return `${eqlName(f.name)} == null`;
  }

  protected fieldref(f: TField, o: TField, e: FieldRefNode, neg: boolean): string {
    if (e.position === 'eq' && e.cased) return this.guard(f, `(${eqlName(o.name)} != null and ${eqlName(f.name)} == ${eqlName(o.name)})`, neg);
    throw unsupported(`fieldref${e.cased ? '' : ' (case-insensitive)'}${e.position === 'eq' ? '' : '|' + e.position}`, 'EQL compares two fields only with case-sensitive ==');
  }

  protected override mergeOr(children: readonly Expr[], neg: boolean): { merged: string[]; rest: readonly Expr[] } {
    const merged: string[] = [];
    const cidrs = this.groupBy<CidrNode>(children, (c) => (c.type === 'cidr' && this.singleField(c.field)?.type === 'ip' ? `c:${c.field}` : undefined));
    for (const g of cidrs.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(this.guard(f, `cidrMatch(${eqlName(f.name)}, ${g.map((c) => esString(c.cidr)).join(', ')})`, neg));
    }
    // `in~` is case-insensitive set membership without wildcard reading of the values.
    const exact = this.groupBy<MatchNode>(cidrs.rest, (c) => this.exactCiKey(c));
    for (const g of exact.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(this.guard(f, `${eqlName(f.name)} in~ (${g.map((c) => esString(literalOf(c.pattern)!)).join(', ')})`, neg));
    }
    const ints = this.groupBy<MatchNode>(exact.rest, (c) => this.intKey(c));
    for (const g of ints.groups) {
      const f = this.singleField(g[0]!.field)!;
      merged.push(this.guard(f, `${eqlName(f.name)} in (${g.map((c) => Number(literalOf(c.pattern))).join(', ')})`, neg));
    }
    return { merged, rest: ints.rest };
  }

  private head(): string {
    const p = this.pipeline.source;
    return `${p.category ?? 'any'} where ${p.where.map((c) => `${eqlName(c.field)} == ${typeof c.equals === 'number' ? c.equals : esString(c.equals)}`).join(' and ')}`;
  }

  detection(rule: DetectionRule): string {
    const conds = this.pipeline.source.where.length ? ' and ' : '';
    return `${this.head()}${conds}(${this.compile(rule.expr)})`;
  }

  correlation(rule: CorrelationRule, ctx: CompileContext): string {
    if (rule.type !== 'temporal_ordered') throw unsupported(`${rule.type} correlation`, 'EQL carries single-event rules and temporal_ordered (as a sequence) only; use elastic-esql');
    if (rule.condition.length > 0) throw unsupported('temporal_ordered with a condition', 'a sequence requires every rule in order');
    const bases = baseRules(rule, ctx);
    const { n, unit } = spanUnits(rule.timespanMs);
    const conds = this.pipeline.source.where.length ? ' and ' : '';
    const byFor = (key: string) =>
      rule.groupBy.map((g) => {
        const sysmon = rule.aliases[g]?.[key] ?? g;
        const fs = this.field(sysmon);
        if (fs.length !== 1) throw unsupported(`group-by ${sysmon}`, 'maps to several fields');
        return eqlName(fs[0]!.name);
      });
    const steps = bases.map((b) => {
      const by = byFor(b.key);
      return `  [${this.head()}${conds}(${this.compile(b.rule.expr)})]${by.length ? ` by ${by.join(', ')}` : ''}`;
    });
    // maxspan is a sliding limit between the first and last event, not an epoch-aligned window.
    return [`sequence with maxspan=${n}${unit}`, ...steps].join('\n');
  }
}
