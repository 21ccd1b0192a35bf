/**
 * Query DSL check at run time. The compiler builds `estypes.QueryDslQueryContainer` objects, so
 * tsc type-checks every construction against @elastic/elasticsearch's definitions (and
 * test/targets/dsl-types.test.ts type-checks the generated golden JSON with tsc). At run time
 * this walks the JSON for the query kinds we emit, rejects anything else, and checks literal
 * types against the pipeline (a number on a keyword field, text on a numeric or ip field).
 */
import type { FieldType, Pipeline } from '../pipeline.js';

const LEAF_KEYS: Readonly<Record<string, readonly string[]>> = {
  term: ['value', 'case_insensitive', 'boost'],
  prefix: ['value', 'case_insensitive', 'boost'],
  wildcard: ['value', 'case_insensitive', 'boost'],
  regexp: ['value', 'case_insensitive', 'flags', 'boost'],
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkDsl(json: string, p?: Pipeline): string[] {
  const problems: string[] = [];
  let q: unknown;
  try {
    q = JSON.parse(json);
  } catch (err) {
    return [`not JSON: ${err instanceof Error ? err.message : String(err)}`];
  }
  const typeOf = (f: string): FieldType | undefined => p?.types[f] ?? (p && Object.values(p.fields).some((m) => 'to' in m && m.to.includes(f)) ? 'string' : undefined);
  const walk = (n: unknown, path: string): void => {
    if (!isObj(n)) return void problems.push(`${path}: a query must be an object`);
    const keys = Object.keys(n);
    if (keys.length !== 1) return void problems.push(`${path}: a query container holds exactly one query kind, got ${keys.join(', ')}`);
    const kind = keys[0]!;
    const body = n[kind];
    if (!isObj(body)) return void problems.push(`${path}.${kind}: must be an object`);
    switch (kind) {
      case 'bool': {
        for (const k of Object.keys(body)) {
          if (k === 'minimum_should_match') {
            if (typeof body[k] !== 'number') problems.push(`${path}.bool.minimum_should_match: must be a number`);
          } else if (['filter', 'must', 'should', 'must_not'].includes(k)) {
            const arr = body[k];
            if (!Array.isArray(arr)) problems.push(`${path}.bool.${k}: must be an array`);
            else arr.forEach((c, i) => walk(c, `${path}.bool.${k}[${i}]`));
          } else problems.push(`${path}.bool: unknown key ${k}`);
        }
        return;
      }
      case 'match_all':
      case 'match_none':
        if (Object.keys(body).length) problems.push(`${path}.${kind}: takes no parameters here`);
        return;
      case 'exists':
        if (typeof body['field'] !== 'string' || Object.keys(body).length !== 1) problems.push(`${path}.exists: must be {field}`);
        return;
      case 'range': {
        const fields = Object.keys(body);
        if (fields.length !== 1) return void problems.push(`${path}.range: exactly one field`);
        const f = fields[0]!;
        const r = body[f];
        if (!isObj(r)) return void problems.push(`${path}.range.${f}: must be an object`);
        for (const [k, v] of Object.entries(r)) {
          if (!['gt', 'gte', 'lt', 'lte'].includes(k)) problems.push(`${path}.range.${f}: unknown key ${k}`);
          if (typeof v !== 'number') problems.push(`${path}.range.${f}.${k}: must be a number`);
        }
        const t = typeOf(f);
        if (t && t !== 'int' && t !== 'time') problems.push(`${path}.range.${f}: numeric range on a ${t} field`);
        return;
      }
      default: {
        const allowed = LEAF_KEYS[kind];
        if (!allowed) return void problems.push(`${path}: query kind '${kind}' is not one we emit`);
        const fields = Object.keys(body);
        if (fields.length !== 1) return void problems.push(`${path}.${kind}: exactly one field`);
        const f = fields[0]!;
        const spec = body[f];
        if (!isObj(spec)) return void problems.push(`${path}.${kind}.${f}: must be an object`);
        for (const k of Object.keys(spec)) if (!allowed.includes(k)) problems.push(`${path}.${kind}.${f}: unknown key ${k}`);
        const v = spec['value'];
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') problems.push(`${path}.${kind}.${f}.value: must be a scalar`);
        if ('case_insensitive' in spec && typeof spec['case_insensitive'] !== 'boolean') problems.push(`${path}.${kind}.${f}.case_insensitive: must be boolean`);
        const t = typeOf(f);
        if (t === 'int' && (kind !== 'term' || typeof v !== 'number')) problems.push(`${path}.${kind}.${f}: numeric field needs a numeric term, got ${JSON.stringify(v)}`);
        if ((t === 'string' || t === 'ip') && typeof v === 'number') problems.push(`${path}.${kind}.${f}: ${t} field compared with a number`);
        if (t === 'ip' && (kind !== 'term' || typeof v !== 'string' || !/^[0-9A-Fa-f:.]+(\/\d+)?$/.test(v))) problems.push(`${path}.${kind}.${f}: ip field takes an address or CIDR term`);
        if (t === 'ip' && 'case_insensitive' in spec) problems.push(`${path}.${kind}.${f}: case_insensitive on an ip field`);
      }
    }
  };
  walk(q, '$');
  return problems;
}
