/**
 * Field pipelines: data files (pipelines/*.yml) that say how Sysmon field names and values map
 * onto one schema (Sentinel's `Sysmon` parser, ASIM, Splunk raw / CIM, ECS), where the events live
 * (table, macro, data model, index) and how lists render. A user copies one and edits names
 * without touching code; `loadPipeline` checks the file and explains every problem it finds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { QueryLanguage, TargetId } from './api.js';
import { TARGET_IDS } from './api.js';
import { TARGETS } from './meta.js';

/** How a target column is typed (drives literal types and casts). */
export type FieldType = 'string' | 'int' | 'ip' | 'bool' | 'dynamic' | 'time';
export const FIELD_TYPES: readonly FieldType[] = ['string', 'int', 'ip', 'bool', 'dynamic', 'time'];

/** A Sysmon field's mapping: one or more target fields (OR), or a refusal with its reason. */
export type FieldMapping = { readonly to: readonly string[] } | { readonly refuse: string };

/** A named list rendered by reference instead of inline values. */
export interface ListMapping {
  /** KQL: `_GetWatchlist(name)` column; SPL: `inputlookup` file and column. */
  readonly kind: 'watchlist' | 'lookup';
  readonly name: string;
  readonly column: string;
}

/** A fixed condition that selects Sysmon Event 3 in this schema (target-native field names). */
export interface SourceCondition {
  readonly field: string;
  readonly equals: string | number;
}

export interface PipelineSource {
  /** KQL: table or function. */
  readonly table?: string;
  /** SPL: macro name (rendered `` `name` ``). */
  readonly macro?: string;
  /** SPL CIM: data model and dataset. */
  readonly datamodel?: string;
  readonly dataset?: string;
  /** Elastic: index patterns. */
  readonly index?: readonly string[];
  /** EQL event category (`any` when unsure). */
  readonly category?: string;
  readonly where: readonly SourceCondition[];
}

export interface Pipeline {
  readonly name: string;
  /** File it came from (for messages), or `<builtin>`. */
  readonly path: string;
  /** Languages of its targets (one schema can serve several languages, e.g. ECS). */
  readonly languages: readonly QueryLanguage[];
  readonly targets: readonly TargetId[];
  readonly source: PipelineSource;
  readonly timeField: string;
  readonly fields: Readonly<Record<string, FieldMapping>>;
  readonly types: Readonly<Record<string, FieldType>>;
  /** Sysmon field → (lower-cased Sigma value → target value). */
  readonly values: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly lists: Readonly<Record<string, ListMapping>>;
}

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
}

const TOP_KEYS = ['name', 'targets', 'source', 'time_field', 'fields', 'types', 'values', 'lists', 'description'];
const SOURCE_KEYS = ['table', 'macro', 'datamodel', 'dataset', 'index', 'category', 'where'];
/** Target field names: letters, digits, `_ . @ -` (ECS dots, `@timestamp`). */
const FIELD_NAME = /^[A-Za-z_@][A-Za-z0-9_.@-]*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks parsed pipeline data; every problem is reported with its key path. */
export function parsePipeline(data: unknown, path: string): Pipeline {
  const problems: string[] = [];
  const bad = (where: string, msg: string) => problems.push(`${where}: ${msg}`);
  if (!isRecord(data)) throw new PipelineError(`${path}: a pipeline file must be a YAML mapping`);
  for (const k of Object.keys(data)) if (!TOP_KEYS.includes(k)) bad(k, `unknown key (expected one of ${TOP_KEYS.join(', ')})`);
  const str = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || v === '') {
      bad(where, 'must be a non-empty string');
      return '';
    }
    return v;
  };
  const fieldName = (v: unknown, where: string): string => {
    const s = str(v, where);
    if (s && !FIELD_NAME.test(s)) bad(where, `'${s}' is not a valid field name`);
    return s;
  };
  const name = str(data['name'], 'name');
  const targets: TargetId[] = [];
  if (!Array.isArray(data['targets']) || data['targets'].length === 0) bad('targets', 'must be a non-empty list of target ids');
  else
    for (const [i, t] of data['targets'].entries()) {
      if (!(TARGET_IDS as readonly unknown[]).includes(t)) bad(`targets[${i}]`, `unknown target '${String(t)}' (known: ${TARGET_IDS.join(', ')})`);
      else targets.push(t as TargetId);
    }
  const languages = [...new Set(targets.map((t) => TARGETS[t].language))];
  const has = (l: QueryLanguage) => languages.includes(l);
  const timeField = fieldName(data['time_field'], 'time_field');

  // source
  const src = data['source'];
  let source: PipelineSource = { where: [] };
  if (!isRecord(src)) bad('source', 'must be a mapping');
  else {
    for (const k of Object.keys(src)) if (!SOURCE_KEYS.includes(k)) bad(`source.${k}`, `unknown key (expected one of ${SOURCE_KEYS.join(', ')})`);
    const where: SourceCondition[] = [];
    const w = src['where'] ?? [];
    if (!Array.isArray(w)) bad('source.where', 'must be a list of {field, equals}');
    else
      w.forEach((c, i) => {
        if (!isRecord(c) || (typeof c['equals'] !== 'string' && typeof c['equals'] !== 'number')) bad(`source.where[${i}]`, 'must be {field: NAME, equals: STRING|NUMBER}');
        else where.push({ field: fieldName(c['field'], `source.where[${i}].field`), equals: c['equals'] });
      });
    const opt = (k: string): string | undefined => (src[k] === undefined ? undefined : str(src[k], `source.${k}`));
    const index = src['index'];
    if (index !== undefined && (!Array.isArray(index) || !index.every((x) => typeof x === 'string' && x !== '')))
      bad('source.index', 'must be a list of index patterns');
    source = {
      where,
      ...(opt('table') !== undefined ? { table: opt('table')! } : {}),
      ...(opt('macro') !== undefined ? { macro: opt('macro')! } : {}),
      ...(opt('datamodel') !== undefined ? { datamodel: opt('datamodel')! } : {}),
      ...(opt('dataset') !== undefined ? { dataset: opt('dataset')! } : {}),
      ...(opt('category') !== undefined ? { category: opt('category')! } : {}),
      ...(Array.isArray(index) ? { index: index.map(String) } : {}),
    };
    for (const k of ['table', 'macro', 'datamodel', 'dataset', 'category'] as const) {
      const v = source[k];
      if (v !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(v)) bad(`source.${k}`, `'${v}' is not a plain name`);
    }
    if (has('kql') && !source.table) bad('source.table', 'is required for kql pipelines');
    if (has('spl') && !source.macro && !source.datamodel) bad('source', 'spl pipelines need a macro or a datamodel');
    if (source.datamodel && !source.dataset) bad('source.dataset', 'is required with datamodel');
    if ((has('eql') || has('esql') || has('dsl')) && !source.index?.length) bad('source.index', 'is required for Elastic pipelines');
  }

  // fields
  const fields: Record<string, FieldMapping> = Object.create(null);
  if (!isRecord(data['fields'])) bad('fields', 'must be a mapping of Sysmon field → target field(s)');
  else
    for (const [k, v] of Object.entries(data['fields'])) {
      if (typeof v === 'string') fields[k] = { to: [fieldName(v, `fields.${k}`)] };
      else if (Array.isArray(v) && v.length > 0) fields[k] = { to: v.map((x, i) => fieldName(x, `fields.${k}[${i}]`)) };
      else if (isRecord(v) && typeof v['refuse'] === 'string') fields[k] = { refuse: v['refuse'] };
      else bad(`fields.${k}`, 'must be a field name, a non-empty list of field names, or {refuse: REASON}');
    }

  const types: Record<string, FieldType> = Object.create(null);
  if (data['types'] !== undefined) {
    if (!isRecord(data['types'])) bad('types', 'must be a mapping of target field → type');
    else
      for (const [k, v] of Object.entries(data['types'])) {
        if (!FIELD_TYPES.includes(v as FieldType)) bad(`types.${k}`, `must be one of ${FIELD_TYPES.join(', ')}`);
        else types[k] = v as FieldType;
      }
  }

  const values: Record<string, Record<string, string>> = Object.create(null);
  if (data['values'] !== undefined) {
    if (!isRecord(data['values'])) bad('values', 'must be a mapping of Sysmon field → {value: target value}');
    else
      for (const [k, v] of Object.entries(data['values'])) {
        if (!isRecord(v)) {
          bad(`values.${k}`, 'must be a mapping of Sigma value → target value');
          continue;
        }
        const m: Record<string, string> = Object.create(null);
        for (const [from, to] of Object.entries(v)) {
          if (typeof to !== 'string' && typeof to !== 'number' && typeof to !== 'boolean') bad(`values.${k}.${from}`, 'must be a scalar');
          else m[from.toLowerCase()] = String(to);
        }
        values[k] = m;
        if (!(k in fields)) bad(`values.${k}`, 'maps values of a field that `fields` does not map');
      }
  }

  const lists: Record<string, ListMapping> = Object.create(null);
  if (data['lists'] !== undefined) {
    if (!isRecord(data['lists'])) bad('lists', 'must be a mapping of list name → {kind, name, column}');
    else
      for (const [k, v] of Object.entries(data['lists'])) {
        if (!isRecord(v) || (v['kind'] !== 'watchlist' && v['kind'] !== 'lookup')) {
          bad(`lists.${k}`, 'must be {kind: watchlist|lookup, name: NAME, column: COLUMN}');
          continue;
        }
        if (v['kind'] === 'watchlist' && (languages.length !== 1 || !has('kql'))) bad(`lists.${k}.kind`, 'watchlists exist only in kql pipelines');
        if (v['kind'] === 'lookup' && (languages.length !== 1 || !has('spl'))) bad(`lists.${k}.kind`, 'lookups exist only in spl pipelines');
        const lname = str(v['name'], `lists.${k}.name`);
        if (lname && !/^[A-Za-z0-9_.-]+$/.test(lname)) bad(`lists.${k}.name`, `'${lname}' is not a plain name`);
        lists[k] = { kind: v['kind'], name: lname, column: fieldName(v['column'], `lists.${k}.column`) };
      }
  }

  if (problems.length) throw new PipelineError(`invalid pipeline ${path}:\n  ${problems.join('\n  ')}`);
  return { name, path, languages, targets, source, timeField, fields, types, values, lists };
}

/** Reads and checks a pipeline file; throws PipelineError with every problem listed. */
export function loadPipeline(path: string): Pipeline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PipelineError(`cannot read pipeline ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let data: unknown;
  try {
    data = yaml.load(text, { filename: path, schema: yaml.CORE_SCHEMA });
  } catch (err) {
    throw new PipelineError(`pipeline ${path} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parsePipeline(data, path);
}

/** The shipped pipeline of each target (pipelines/ at the repository root). */

export const PIPELINES_DIR = fileURLToPath(new URL('../../pipelines/', import.meta.url));

const cache = new Map<string, Pipeline>();
export function defaultPipeline(target: TargetId): Pipeline {
  const file = PIPELINES_DIR + TARGETS[target].pipeline;
  let p = cache.get(file);
  if (!p) {
    p = loadPipeline(file);
    cache.set(file, p);
  }
  return p;
}
