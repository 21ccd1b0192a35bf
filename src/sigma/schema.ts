/**
 * JSON Schema validation (ajv, draft 2020-12) of Sigma documents against the schema files in
 * schemas/. Errors are mapped back to the YAML position of the offending key or value.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Profile } from './api.js';
import type { Reporter } from './report.js';
import type { Pos, SourceMap } from './yaml.js';

export type DocKind = 'rule' | 'correlation' | 'filter';

const SCHEMA_FILES = [
  'common.schema.json',
  'rule.sigma.schema.json',
  'rule.repo.schema.json',
  'correlation.sigma.schema.json',
  'correlation.repo.schema.json',
  'filter.sigma.schema.json',
  'filter.repo.schema.json',
] as const;

/** Folder of the schema files, found from this module (src/sigma or dist/sigma). */
export const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

/** Compiles a validator on first use only: a `sigma` run never pays for the `repo` schemas. */
function getValidator(kind: DocKind, profile: Profile): ValidateFunction {
  const key = `${kind}.${profile}`;
  const have = validators.get(key);
  if (have) return have;
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: false });
    const addFormats = addFormatsModule as unknown as (a: Ajv2020) => void;
    addFormats(ajv);
    for (const f of SCHEMA_FILES) {
      const schema = JSON.parse(readFileSync(new URL(f, SCHEMA_DIR), 'utf8')) as { $id: string };
      ajv.addSchema(schema);
    }
  }
  const v = ajv.getSchema(`https://sysmon3-detections.local/schemas/${key}.schema.json`);
  if (!v) throw new Error(`schema ${key} not found`);
  validators.set(key, v);
  return v;
}

const IGNORED = new Set(['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf']);

/** Validates one document; reports each problem once, at the closest position we know. */
export function validateSchema(kind: DocKind, profile: Profile, doc: unknown, map: SourceMap, rep: Reporter, docPos: Pos): void {
  const validate = getValidator(kind, profile);
  if (validate(doc)) return;
  const errors = (validate.errors ?? []) as ErrorObject[];
  const seen = new Set<string>();
  // anyOf/oneOf failures are only reported when nothing more precise was found.
  // Errors inside `contains` are the per-item attempts, not problems of their own.
  const precise = errors.filter((e) => !IGNORED.has(e.keyword) && !e.schemaPath.includes('/contains/'));
  for (const e of precise.length ? precise : errors) {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { pos, path } = locate(doc, e, map, docPos);
    rep.error(`SCHEMA_${e.keyword.toUpperCase()}`, describe(e, path, profile), pos);
  }
}

function locate(doc: unknown, e: ErrorObject, map: SourceMap, docPos: Pos): { pos: Pos; path: string } {
  const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  let parent: unknown;
  let last: string | number | undefined;
  let pos: Pos = docPos;
  for (const seg of segs) {
    if (node === null || typeof node !== 'object') break;
    const k: string | number = Array.isArray(node) ? Number(seg) : seg;
    pos = map.entry(node, k) ?? pos;
    parent = node;
    last = k;
    node = (node as Record<string | number, unknown>)[k];
  }
  if (e.keyword === 'additionalProperties' && node && typeof node === 'object') {
    // An extra property: point at that key.
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    if (extra) pos = map.key(node, extra) ?? pos;
  } else if ((node === null || typeof node !== 'object') && parent && typeof parent === 'object' && last !== undefined) {
    // A bad scalar: point at the value itself rather than its key.
    pos = map.value(parent, last) ?? pos;
  }
  const path = segs.length ? segs.join('.') : '(document)';
  return { pos, path };
}

function describe(e: ErrorObject, path: string, profile: Profile): string {
  const p = e.params as Record<string, unknown>;
  const where = path === '(document)' ? '' : `${path}: `;
  switch (e.keyword) {
    case 'required':
      return `${where}missing required '${String(p['missingProperty'])}'${profile === 'repo' ? ' (repo profile)' : ''}`;
    case 'additionalProperties':
      return `${where}unknown property '${String(p['additionalProperty'])}'`;
    case 'enum':
      return `${where}must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format':
      return `${where}must be a valid ${String(p['format'])}`;
    case 'contains':
      if (path === 'tags') return 'tags: at least one ATT&CK technique tag (attack.tNNNN or attack.tNNNN.NNN) is required';
      return `${where}${e.message ?? 'is invalid'}`;
    default:
      return `${where}${e.message ?? 'is invalid'}`;
  }
}
