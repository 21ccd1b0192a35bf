/**
 * Elasticsearch Query DSL (ECS fields), single-event rules only. Builds typed objects
 * (`estypes.QueryDslQueryContainer`), so the compiler itself is type-checked against the client's
 * definitions. `term`/`prefix`/`wildcard`/`regexp` with `case_insensitive: true` unless `cased`;
 * wildcard values escape `\`, `*`, `?`; regexp values are Lucene (translated, see regex.ts);
 * CIDR as a `term` on an ip field. `must_not` is two-valued (an absent field does not match the
 * inner query, so the NOT matches), which is the engine's semantics: no guards needed.
 */
import type { estypes } from '@elastic/elasticsearch';
import type { DetectionRule, Expr } from '../ir/types.js';
import type { TargetId } from './api.js';
import { ExprCompiler, keywordExpansion, type TField, type Tokens } from './backend.js';
import { ipPatternError, ipTextCidrs, patternToWildcard } from './ecs-common.js';
import { TargetError, unsupported } from './errors.js';
import type { Pipeline } from './pipeline.js';
import { toLucene } from './regex.js';

type Q = estypes.QueryDslQueryContainer;

/** Reuses the base class only for field/value mapping (its text walk is not used). */
class DslFields extends ExprCompiler {
  protected readonly tokens: Tokens = { and: '', or: '', not: (s) => s, group: (s) => s, true: '', false: '' };
  protected match(): string { throw new Error('unused'); }
  protected regex(): string { throw new Error('unused'); }
  protected cidr(): string { throw new Error('unused'); }
  protected compare(): string { throw new Error('unused'); }
  protected exists(): string { throw new Error('unused'); }
  protected isNull(): string { throw new Error('unused'); }
  protected fieldref(): string { throw new Error('unused'); }
  leafValue(e: Extract<Expr, { type: 'match' }>) {
    return this.mapValue(e);
  }
  int(e: Extract<Expr, { type: 'match' }>) {
    return this.intOf(this.mapValue(e));
  }
}

export class DslCompiler {
  private readonly f: DslFields;
  constructor(
    private readonly pipeline: Pipeline,
    private readonly target: TargetId,
  ) {
    this.f = new DslFields(pipeline, target);
  }

  query(e: Expr): Q {
    switch (e.type) {
      case 'and':
        if (e.children.length === 0) return { match_all: {} };
        return e.children.length === 1 ? this.query(e.children[0]!) : { bool: { filter: e.children.map((c) => this.query(c)) } };
      case 'or':
        if (e.children.length === 0) return { match_none: {} };
        return e.children.length === 1 ? this.query(e.children[0]!) : { bool: { should: e.children.map((c) => this.query(c)), minimum_should_match: 1 } };
      case 'not':
        return { bool: { must_not: [this.query(e.child)] } };
      case 'const':
        return e.value ? { match_all: {} } : { match_none: {} };
      case 'keyword':
        return this.query(keywordExpansion(this.pipeline, e));
      case 'keyword_regex':
        throw unsupported('keyword |re', `${this.target} cannot regex-search every field of an event; use a field condition`);
      default: {
        const fields = this.f.field(e.field);
        const qs = fields.map((t) => this.leaf(t, e));
        return qs.length === 1 ? qs[0]! : { bool: { should: qs, minimum_should_match: 1 } };
      }
    }
  }

  private leaf(t: TField, e: Exclude<Expr, { type: 'and' | 'or' | 'not' | 'const' | 'keyword' | 'keyword_regex' }>): Q {
    const n = t.name;
    switch (e.type) {
      case 'match': {
        const leaf = this.f.leafValue(e);
        const s = leaf.shape;
        const ci = leaf.cased ? {} : { case_insensitive: true };
        const int = this.f.int(e);
        if (t.type === 'int') {
          if (int !== undefined) return { term: { [n]: { value: int } } };
          if (s.kind === 'anything') return { exists: { field: n } };
          throw new TargetError('TypeMismatch', `${this.target}: '${n}' is a numeric field; the value is not an integer and DSL has no string view of it`, `pattern on numeric field ${n}`);
        }
        if (t.type === 'ip') {
          if (s.kind === 'anything') return { exists: { field: n } };
          // Sysmon's text of an address as the exact set of CIDR blocks (ecs-common.ts).
          const cidrs = ipTextCidrs(s, leaf.cased);
          if (cidrs === undefined) throw ipPatternError(n, s.kind, this.target);
          if (cidrs.length === 0) return { match_none: {} };
          if (s.kind === 'exact') return { term: { [n]: { value: s.text } } };
          const terms: Q[] = cidrs.map((c) => ({ term: { [n]: { value: c } } }));
          return terms.length === 1 ? terms[0]! : { bool: { should: terms, minimum_should_match: 1 } };
        }
        switch (s.kind) {
          case 'empty':
            return { term: { [n]: { value: '' } } };
          case 'anything':
            return { exists: { field: n } };
          case 'exact':
            return { term: { [n]: { value: s.text, ...ci } } };
          case 'startswith':
            return { prefix: { [n]: { value: s.text, ...ci } } };
          case 'endswith':
            return { wildcard: { [n]: { value: patternToWildcard([{ kind: 'any' }, { kind: 'lit', text: s.text }], false), ...ci } } };
          case 'contains':
            return { wildcard: { [n]: { value: patternToWildcard([{ kind: 'any' }, { kind: 'lit', text: s.text }, { kind: 'any' }], false), ...ci } } };
          case 'complex':
            return { wildcard: { [n]: { value: patternToWildcard(s.parts, false), ...ci } } };
        }
        break;
      }
      case 'regex':
        if (t.type !== 'string') throw unsupported(`|re on ${t.type} field ${n}`, 'regexp applies to keyword fields only');
        return { regexp: { [n]: { value: toLucene(e.regex, e.flags) } } };
      case 'cidr':
        if (t.type !== 'ip') throw unsupported(`|cidr on ${t.type} field ${n}`, 'a CIDR term needs an ip field');
        return { term: { [n]: { value: e.cidr } } };
      case 'compare':
        if (t.type !== 'int') throw unsupported(`|${e.op} on ${t.type} field ${n}`, 'range on a keyword field compares text, not numbers');
        return { range: { [n]: { [e.op]: e.value } } };
      case 'exists':
        return e.exists ? { exists: { field: n } } : { bool: { must_not: [{ exists: { field: n } }] } };
      case 'null':
        return { bool: { must_not: [{ exists: { field: n } }] } };
      case 'fieldref':
        throw unsupported('fieldref', 'Query DSL cannot compare two fields without a script');
      case 'timepart':
        throw unsupported(`|${e.part}`, 'Query DSL cannot compare a part of a timestamp without a script');
    }
  }

  detection(rule: DetectionRule): Q {
    const src: Q[] = this.pipeline.source.where.map((c) => ({ term: { [c.field]: { value: c.equals } } }));
    return { bool: { filter: [...src, this.query(rule.expr)] } };
  }
}
