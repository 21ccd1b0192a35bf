/**
 * A test-only evaluator of the Query DSL we emit over an ECS row (flat dotted keys): bool
 * (filter/must/should+minimum_should_match/must_not), term (keyword: exact or case_insensitive;
 * long: numeric; ip: address or CIDR), prefix, wildcard (`\` escapes), regexp (Lucene, whole
 * value), range, exists, match_all, match_none. Unknown query kinds throw.
 */
import { inCidr, luceneToJs, wildcardToJs, type Row } from './common.js';

type Q = Record<string, unknown>;
const obj = (v: unknown): Q => v as Q;

/** Compiles a query once into a predicate (faster than re-reading the JSON per row). */
export function dslPredicate(q: Q, types: Readonly<Record<string, string>>): (row: Row) => boolean {
  const [kind, bodyRaw] = Object.entries(q)[0]!;
  const body = obj(bodyRaw);
  if (kind === 'bool') {
    const all = (k: string) => ((body[k] as Q[] | undefined) ?? []).map((c) => dslPredicate(c, types));
    const must = [...all('filter'), ...all('must')];
    const not = all('must_not');
    const should = all('should');
    const min = (body['minimum_should_match'] as number | undefined) ?? 1;
    return (row) => {
      for (const m of must) if (!m(row)) return false;
      for (const m of not) if (m(row)) return false;
      if (should.length) {
        let n = 0;
        for (const m of should) if (m(row) && ++n >= min) return true;
        return false;
      }
      return true;
    };
  }
  return (row) => dslSelects(q, row, types);
}

export function dslSelects(q: Q, row: Row, types: Readonly<Record<string, string>>): boolean {
  const [kind, bodyRaw] = Object.entries(q)[0]!;
  const body = obj(bodyRaw);
  const fieldSpec = () => {
    const [f, spec] = Object.entries(body)[0]!;
    return { f, spec: obj(spec), v: row[f] };
  };
  switch (kind) {
    case 'bool': {
      const all = (k: string) => ((body[k] as Q[] | undefined) ?? []);
      if (![...all('filter'), ...all('must')].every((c) => dslSelects(c, row, types))) return false;
      if (all('must_not').some((c) => dslSelects(c, row, types))) return false;
      const should = all('should');
      if (should.length) {
        const min = (body['minimum_should_match'] as number | undefined) ?? 1;
        if (should.filter((c) => dslSelects(c, row, types)).length < min) return false;
      }
      return true;
    }
    case 'match_all':
      return true;
    case 'match_none':
      return false;
    case 'exists':
      return row[String(body['field'])] !== undefined && row[String(body['field'])] !== null;
    case 'term': {
      const { f, spec, v } = fieldSpec();
      if (v === undefined || v === null) return false;
      const want = spec['value'];
      if (types[f] === 'int') return Number(v) === Number(want);
      if (types[f] === 'ip') return String(want).includes('/') ? inCidr(String(v), String(want)) : String(v).toLowerCase() === String(want).toLowerCase();
      return spec['case_insensitive'] ? String(v).toLowerCase() === String(want).toLowerCase() : String(v) === String(want);
    }
    case 'prefix': {
      const { spec, v } = fieldSpec();
      if (v === undefined || v === null) return false;
      return spec['case_insensitive'] ? String(v).toLowerCase().startsWith(String(spec['value']).toLowerCase()) : String(v).startsWith(String(spec['value']));
    }
    case 'wildcard': {
      const { spec, v } = fieldSpec();
      if (v === undefined || v === null) return false;
      return wildcardToJs(String(spec['value']), spec['case_insensitive'] === true).test(String(v));
    }
    case 'regexp': {
      const { spec, v } = fieldSpec();
      if (v === undefined || v === null) return false;
      return luceneToJs(String(spec['value']), spec['case_insensitive'] === true).test(String(v));
    }
    case 'range': {
      const { spec, v } = fieldSpec();
      if (v === undefined || v === null) return false;
      const x = Number(v);
      return Object.entries(spec).every(([op, y]) => (op === 'gt' ? x > Number(y) : op === 'gte' ? x >= Number(y) : op === 'lt' ? x < Number(y) : x <= Number(y)));
    }
    default:
      throw new Error(`dsl-eval: unsupported query kind ${kind}`);
  }
}
