/**
 * Files → documents → schema check → IR → set-level checks. Never throws on bad input: every
 * problem is a finding with file, line and column. Rules with errors are left out of `rules`.
 */
import type {
  CompareOp,
  CorrelationRule,
  CorrelationType,
  DeploySettings,
  DeployTarget,
  DetectionRule,
  Expr,
  FilterRule,
  Level,
  LogSource,
  Rule,
  RuleMeta,
  RuleTests,
  Status,
  Threshold,
} from '../ir/types.js';
import type { Finding, LoadOptions, LoadResult, Profile } from './api.js';
import { checkAttackTag, loadAttackCatalog, type AttackCatalog } from './attack.js';
import { parseCondition, type CondNode } from './condition.js';
import { parseDetection, type LegacyAggregation } from './detection.js';
import { fieldCatalogFor } from './fields.js';
import { findRuleFiles, readRuleFile, type SourceText } from './files.js';
import { loadLists } from './lists.js';
import { Reporter } from './report.js';
import { validateSchema } from './schema.js';
import { parseTimespan } from './timespan.js';
import { loadYaml, type Pos, type SourceMap } from './yaml.js';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const strList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

interface Ctx {
  readonly opts: LoadOptions;
  /** Schema profile for this document when it differs from opts.profile (correlation base rules). */
  readonly schemaProfile?: Profile;
  readonly catalog: AttackCatalog | undefined;
  readonly placeholder: (name: string) => readonly string[] | undefined;
}

/** Loads files or folders. */
export async function loadRulePaths(paths: readonly string[], opts: LoadOptions): Promise<LoadResult> {
  const { files, missing } = findRuleFiles(paths);
  const findings: Finding[] = missing.map((m) => ({
    file: m,
    line: 1,
    column: 1,
    severity: 'error' as const,
    code: 'FILE_NOT_FOUND',
    message: 'no such file or folder',
  }));
  const sources: SourceText[] = [];
  for (const f of files) {
    const r = readRuleFile(f);
    if (r.ok) sources.push(r.source);
    else findings.push(r.finding);
  }
  const res = loadRuleTexts(sources, opts);
  return { ...res, findings: [...findings, ...res.findings], files: files.length };
}

/** Loads one text (tests, editors). */
export function loadRuleText(text: string, file: string, opts: LoadOptions): LoadResult {
  return loadRuleTexts([{ file, text }], opts);
}

/** Loads a set of texts and runs the checks that span files. */
export function loadRuleTexts(sources: readonly SourceText[], opts: LoadOptions): LoadResult {
  const findings: Finding[] = [];
  let catalog: AttackCatalog | undefined;
  const catalogPath = opts.attackCatalog;
  if (catalogPath) {
    const c = loadAttackCatalog(catalogPath);
    if (c.ok) catalog = c.catalog;
    else findings.push({ file: catalogPath, line: 1, column: 1, severity: 'error', code: 'ATTACK_CATALOG', message: c.error });
  }
  const lists = opts.listsDir ? loadLists(opts.listsDir) : { values: new Map<string, string[]>(), findings: [] as Finding[] };
  findings.push(...lists.findings);
  const ctx: Ctx = {
    opts,
    catalog,
    placeholder: (name) => opts.placeholders?.[name] ?? lists.values.get(name),
  };
  const rules: Rule[] = [];
  const byRule = new Map<Rule, Reporter>();
  let documents = 0;
  for (const src of sources) {
    const rep = new Reporter(src.file);
    const y = loadYaml(src.text, src.file, { allowDuplicateKeys: opts.profile === 'sigma' });
    if (!y.ok) {
      rep.error(y.error.code, y.error.message, y.error.pos);
      findings.push(...rep.findings);
      continue;
    }
    if (y.duplicateKey) {
      rep.warning('YAML_DUPLICATE_KEY', 'a key is repeated in a mapping: the last value is used, as PyYAML (pySigma) does', y.duplicateKey, 'remove the repeated key');
    }
    const textLines = src.text.split('\n');
    const offsetPos = (pos: Pos | undefined, offset: number): Pos | undefined => {
      if (!pos) return pos;
      const ch = textLines[pos.line - 1]?.[pos.column - 1];
      const shift = ch === '"' || ch === "'" ? 1 : 0;
      return { line: pos.line, column: pos.column + shift + offset };
    };
    let global: Record<string, unknown> | undefined;
    let previous: Record<string, unknown> | undefined;
    // Base rules of a correlation in the same file need no metadata of their own (the
    // correlation carries it): in the repo profile they are checked with the sigma schema.
    const baseRefs = new Set<string>();
    for (const d of y.documents) {
      const c = isObj(d.value) && isObj(d.value['correlation']) ? d.value['correlation'] : undefined;
      if (c) for (const r of strList(c['rules'])) baseRefs.add(r);
    }
    for (const doc of y.documents) {
      if (doc.value === null || doc.value === undefined) continue; // empty document (e.g. trailing ---)
      documents++;
      if (!isObj(doc.value)) {
        rep.error('DOC_NOT_MAP', 'a Sigma document must be a map of attributes', doc.pos);
        continue;
      }
      let value = doc.value;
      // Sigma v1 rule collections: `action: global | reset | repeat`.
      const action = value['action'];
      if (action === 'global') {
        const { action: _a, ...rest } = value;
        global = rest;
        continue;
      }
      if (action === 'reset') {
        global = undefined;
        continue;
      }
      if (action === 'repeat') {
        const { action: _a, ...rest } = value;
        value = deepMerge(previous ?? {}, rest);
      } else if (action !== undefined) {
        rep.error('DOC_ACTION', `unknown collection action ${JSON.stringify(action)}`, y.map.key(value, 'action'));
        continue;
      }
      if (global) value = deepMerge(global, value);
      previous = value;
      const isBase = [value['id'], value['name']].some((k) => typeof k === 'string' && baseRefs.has(k));
      const docCtx = isBase && ctx.opts.profile === 'repo' ? { ...ctx, schemaProfile: 'sigma' as const } : ctx;
      for (const rule of buildDocument(value, y.map, rep, docCtx, offsetPos, doc.pos)) {
        rules.push(rule);
        byRule.set(rule, rep);
      }
    }
    findings.push(...rep.findings);
  }
  const checked = setChecks(rules, byRule, opts);
  findings.push(...checked.findings);
  if (!catalog && !catalogPath && rules.some((r) => r.tags.some((t) => t.startsWith('attack.')))) {
    findings.push({
      file: '-',
      line: 1,
      column: 1,
      severity: 'warning',
      code: 'ATTACK_CATALOG_MISSING',
      message:
        'ATT&CK tag names were not checked (only their format): no catalogue given. Pass --attack-catalog FILE or set DAC_ATTACK_CATALOG',
    });
  }
  return { rules: checked.rules, findings, files: sources.length, documents };
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObj(prev) && isObj(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function buildDocument(
  doc: Record<string, unknown>,
  map: SourceMap,
  rep: Reporter,
  ctx: Ctx,
  offsetPos: (pos: Pos | undefined, offset: number) => Pos | undefined,
  docPos: Pos,
): Rule[] {
  const kind = 'correlation' in doc ? 'correlation' : 'filter' in doc ? 'filter' : 'rule';
  rep.ruleId = typeof doc['id'] === 'string' ? doc['id'] : typeof doc['title'] === 'string' ? doc['title'] : undefined;
  const before = rep.errorCount();
  const profile = ctx.schemaProfile ?? ctx.opts.profile;
  const restoreTags = profile === 'sigma' ? sigmaMetadataLeniency(doc, map, rep) : undefined;
  validateSchema(kind, profile, doc, map, rep, docPos);
  restoreTags?.();
  if (rep.errorCount() > before) return [];
  const meta = buildMeta(doc, map, rep, ctx, docPos, kind);
  if (kind === 'rule') {
    const det = doc['detection'] as Record<string, unknown>;
    const fields: { name: string; pos: Pos | undefined }[] = [];
    const parsed = parseDetection(det, { map, rep, profile: ctx.opts.profile, placeholder: ctx.placeholder, offsetPos }, fields);
    const logsource = buildLogsource(doc['logsource']);
    checkFields(fields, logsource, rep, ctx);
    if (!parsed || rep.errorCount() > before) return [];
    const rule: DetectionRule = {
      ...meta,
      kind: 'detection',
      logsource,
      expr: parsed.expr,
      selections: parsed.selections,
      conditions: parsed.conditions,
    };
    if (!parsed.aggregation) return [rule];
    const corr = legacyCorrelation(rule, parsed.aggregation, det, map, rep);
    return corr ? [corr.base, corr.correlation] : [];
  }
  if (kind === 'filter') {
    const f = doc['filter'] as Record<string, unknown>;
    const parsed = parseDetection(f, { map, rep, profile: ctx.opts.profile, placeholder: ctx.placeholder, offsetPos });
    if (!parsed || rep.errorCount() > before) return [];
    const rule: FilterRule = {
      ...meta,
      kind: 'filter',
      logsource: buildLogsource(doc['logsource']),
      rules: strList(f['rules']),
      expr: parsed.expr,
    };
    return [rule];
  }
  const c = buildCorrelation(doc, map, rep, meta);
  return rep.errorCount() > before || !c ? [] : [c];
}

/** Metadata pySigma accepts when null (it treats them as absent); title and tags are not among them. */
const NULLABLE_METADATA = [
  'id', 'name', 'related', 'taxonomy', 'status', 'description', 'license', 'references', 'author',
  'date', 'modified', 'fields', 'falsepositives', 'level', 'scope',
] as const;
const STRICT_TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
const RELATED_TYPES: readonly string[] = ['derived', 'obsolete', 'merged', 'renamed', 'similar', 'correlation'];
const TAG_NAMESPACE = /^[a-z0-9_-]+\.\S/;

/**
 * The `sigma` profile loads what pySigma loads: null metadata is absent, `level`, `status` and
 * related types are case-insensitive, and a tag only needs a namespace (pySigma splits at the first dot; its tag
 * checks are separate validators). Each leniency is a warning. Edits the document in place (before
 * the schema check); tags that only the strict pattern refuses are replaced by a stand-in for the
 * schema check and put back by the returned function.
 */
function sigmaMetadataLeniency(doc: Record<string, unknown>, map: SourceMap, rep: Reporter): () => void {
  for (const k of NULLABLE_METADATA) {
    if (k in doc && doc[k] === null) {
      rep.warning('META_NULL', `'${k}' is empty (null): ignored`, map.key(doc, k), `remove '${k}' or give it a value`);
      delete doc[k];
    }
  }
  const lowerCase = (holder: Record<string, unknown>, k: string, what: string): void => {
    const v = holder[k];
    if (typeof v === 'string' && v !== v.toLowerCase()) {
      rep.warning('META_CASE', `${what} '${v}' is read as '${v.toLowerCase()}'`, map.value(holder, k), 'write it in lower case');
      holder[k] = v.toLowerCase();
    }
  };
  lowerCase(doc, 'level', 'level');
  lowerCase(doc, 'status', 'status');
  const related = doc['related'];
  if (Array.isArray(related)) {
    for (const r of related) {
      if (!isObj(r)) continue;
      lowerCase(r, 'type', 'related type');
      // SigmaHQ has shipped 'obsoletes' (pySigma refuses it); related links are metadata only.
      const t = r['type'];
      if (typeof t === 'string' && t.endsWith('s') && RELATED_TYPES.includes(t.slice(0, -1))) {
        rep.warning('META_RELATED_TYPE', `related type '${t}' is read as '${t.slice(0, -1)}'`, map.value(r, 'type'), `write '${t.slice(0, -1)}'`);
        r['type'] = t.slice(0, -1);
      }
    }
  }
  const tags = doc['tags'];
  if (!Array.isArray(tags)) return () => {};
  const loose = tags.filter((t) => typeof t === 'string' && !STRICT_TAG.test(t) && TAG_NAMESPACE.test(t));
  if (loose.length === 0) return () => {};
  tags.forEach((t, i) => {
    if (loose.includes(t)) {
      rep.warning('TAG_FORMAT', `tag '${String(t)}' is not lower case letters, digits, '.', '_' and '-'`, map.value(tags, i), 'write tags like attack.t1548.001 or attack.privilege-escalation');
    }
  });
  // Stand-ins keep the list (and so the positions of other tags' schema errors) in place.
  const original = [...tags];
  tags.forEach((t, i) => {
    if (loose.includes(t)) tags[i] = 'sigma.loose-tag';
  });
  return () => {
    original.forEach((t, i) => (tags[i] = t));
  };
}

/**
 * A Sigma v1 aggregation rule → its base detection rule plus the correlation rule that counts it
 * over the detection's `timeframe` (what pySigma's correlation rules express in Sigma v2).
 */
function legacyCorrelation(
  base: DetectionRule,
  agg: LegacyAggregation,
  det: Record<string, unknown>,
  map: SourceMap,
  rep: Reporter,
): { base: DetectionRule; correlation: CorrelationRule } | undefined {
  const tf = det['timeframe'];
  if (tf === undefined) {
    rep.error('CORR_TIMESPAN', "a Sigma v1 aggregation needs 'timeframe' in the detection", agg.pos);
    return undefined;
  }
  const span = parseTimespan(String(tf));
  if (!span.ok) {
    rep.error('CORR_TIMESPAN', `timeframe '${String(tf)}': ${span.error}`, map.value(det, 'timeframe'));
    return undefined;
  }
  // The correlation refers to its base by id or name; a rule with neither gets a derived name.
  const named: DetectionRule =
    base.id || base.name ? base : { ...base, name: `${base.source.file}:${base.source.line}:base` };
  const key = named.id ?? named.name!;
  const { id: _id, name: _name, ...meta } = named;
  const correlation: CorrelationRule = {
    ...meta,
    name: `${key}:aggregation`,
    title: `${named.title} (aggregation)`,
    kind: 'correlation',
    type: agg.type,
    rules: [key],
    groupBy: agg.groupBy,
    timespanMs: span.ms,
    condition: [{ op: agg.op, value: agg.value }],
    aliases: {},
    generate: false,
    ...(agg.field !== undefined ? { valueField: agg.field } : {}),
  };
  return { base: named, correlation };
}

function buildLogsource(v: unknown): LogSource {
  const o = isObj(v) ? v : {};
  const pick = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const ls: { -readonly [K in keyof LogSource]: LogSource[K] } = {};
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const val = pick(k);
    if (val !== undefined) ls[k] = val;
  }
  return ls;
}

function buildMeta(doc: Record<string, unknown>, map: SourceMap, rep: Reporter, ctx: Ctx, docPos: Pos, kind: string): RuleMeta {
  const s = (k: string): string | undefined => (typeof doc[k] === 'string' ? (doc[k] as string) : undefined);
  const tags = strList(doc['tags']);
  const tagList = Array.isArray(doc['tags']) ? (doc['tags'] as unknown[]) : [];
  if (ctx.catalog) {
    tagList.forEach((t, i) => {
      if (typeof t !== 'string' || !t.startsWith('attack.')) return;
      const v = checkAttackTag(t, ctx.catalog!);
      if (!v.ok) rep.add(ctx.opts.profile === 'repo' ? 'error' : 'warning', v.code, v.message, map.value(tagList, i));
    });
  }
  const meta: RuleMeta = {
    title: s('title') ?? '',
    tags,
    references: strList(doc['references']),
    falsepositives: strList(doc['falsepositives']),
    fields: strList(doc['fields']),
    source: map.at(docPos),
    raw: doc,
    ...(s('id') !== undefined ? { id: s('id')! } : {}),
    ...(s('name') !== undefined ? { name: s('name')! } : {}),
    ...(s('description') !== undefined ? { description: s('description')! } : {}),
    ...(s('level') !== undefined ? { level: s('level') as Level } : {}),
    ...(s('status') !== undefined ? { status: s('status') as Status } : {}),
    ...(s('author') !== undefined ? { author: s('author')! } : {}),
    ...(s('date') !== undefined ? { date: s('date')! } : {}),
    ...(s('modified') !== undefined ? { modified: s('modified')! } : {}),
  };
  const tests = buildTests(doc['tests']);
  const deploy = buildDeploy(doc['deploy'], kind, doc, map, rep);
  return { ...meta, ...(tests ? { tests } : {}), ...(deploy ? { deploy } : {}) };
}

function buildTests(v: unknown): RuleTests | undefined {
  if (!isObj(v) || !Array.isArray(v['fixtures'])) return undefined;
  const fixtures = v['fixtures'].filter(isObj).map((f) => ({
    path: String(f['path']),
    expect: Number(f['expect']),
    ...(typeof f['format'] === 'string' ? { format: f['format'] } : {}),
    ...(typeof f['note'] === 'string' ? { note: f['note'] } : {}),
  }));
  return { fixtures, baseline: typeof v['baseline'] === 'number' ? v['baseline'] : 0 };
}

function buildDeploy(v: unknown, kind: string, doc: Record<string, unknown>, map: SourceMap, rep: Reporter): DeploySettings | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) return undefined;
  const corrSpan =
    kind === 'correlation' && isObj(doc['correlation'])
      ? String((doc['correlation'] as Record<string, unknown>)['timespan'] ?? (doc['correlation'] as Record<string, unknown>)['timeframe'] ?? '')
      : '';
  const frequency = typeof v['frequency'] === 'string' ? v['frequency'] : '5m';
  const lookback = typeof v['lookback'] === 'string' ? v['lookback'] : corrSpan || '10m';
  const f = parseTimespan(frequency);
  const l = parseTimespan(lookback);
  if (f.ok && l.ok && l.ms < f.ms) {
    rep.error('DEPLOY_LOOKBACK', `deploy.lookback (${lookback}) must be at least deploy.frequency (${frequency})`, map.key(v, 'lookback') ?? map.start(v));
  }
  if (f.ok && (f.ms < 5 * 60_000 || f.ms > 14 * 86_400_000)) {
    rep.error('DEPLOY_FREQUENCY', `deploy.frequency ${frequency} is outside 5m..14d (Sentinel's limits)`, map.value(v, 'frequency') ?? map.start(v));
  }
  return {
    enabled: v['enabled'] !== false,
    frequency,
    lookback,
    entities: strList(v['entities']),
    targets: (strList(v['targets']) as DeployTarget[]).length ? (strList(v['targets']) as DeployTarget[]) : ['sentinel', 'splunk', 'elastic'],
    ...(typeof v['risk_score'] === 'number' ? { riskScore: v['risk_score'] } : {}),
    ...(typeof v['suppression'] === 'string' ? { suppression: v['suppression'] } : {}),
  };
}

function checkFields(fields: readonly { name: string; pos: Pos | undefined }[], ls: LogSource, rep: Reporter, ctx: Ctx): void {
  const cat = fieldCatalogFor(ls);
  if (!cat) return;
  const where = `${ls.product ?? ''}/${ls.category ?? ls.service ?? ''}`;
  for (const f of fields) {
    if (cat.known.has(f.name)) continue;
    if (cat.elsewhere.has(f.name)) {
      rep.warning('FIELD_NOT_IN_LOGSOURCE', `field '${f.name}' is not carried by ${where} events (Sysmon Event 3); it belongs to other Sysmon events`, f.pos, 'this selection can only match if a pipeline enriches the event');
    } else {
      rep.add(ctx.opts.profile === 'repo' ? 'error' : 'warning', 'FIELD_UNKNOWN', `field '${f.name}' does not exist in ${where} events`, f.pos, 'check the spelling against the Sysmon Event 3 field list');
    }
  }
}

const COMPARE_OPS: readonly CompareOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

function buildCorrelation(doc: Record<string, unknown>, map: SourceMap, rep: Reporter, meta: RuleMeta): CorrelationRule | undefined {
  const c = doc['correlation'] as Record<string, unknown>;
  const type = c['type'] as CorrelationType;
  const spanKey = 'timespan' in c ? 'timespan' : 'timeframe';
  const spanText = String(c[spanKey]);
  const span = parseTimespan(spanText);
  if (!span.ok) {
    rep.error('CORR_TIMESPAN', `${spanKey} '${spanText}': ${span.error}`, map.value(c, spanKey));
    return undefined;
  }
  const extended = typeof c['condition'] === 'string' ? extendedCondition(c, map, rep, type) : undefined;
  if (typeof c['condition'] === 'string' && !extended) return undefined;
  const condObj = isObj(c['condition']) ? c['condition'] : undefined;
  const condition: Threshold[] = extended ? [...extended.condition] : [];
  for (const op of COMPARE_OPS) {
    const v = condObj?.[op];
    if (typeof v === 'number') condition.push({ op, value: v });
  }
  const needsCond = !['temporal', 'temporal_ordered', 'beacon'].includes(type);
  if (needsCond && condition.length === 0) {
    rep.error('CORR_NO_CONDITION', `a ${type} correlation needs a condition (gt, gte, lt, lte, eq or neq)`, condObj ? map.start(condObj) : map.key(c, 'type'));
  }
  const valueField = typeof condObj?.['field'] === 'string' ? (condObj['field'] as string) : undefined;
  if ((type === 'value_count' || type.startsWith('value_')) && !valueField) {
    rep.error('CORR_NO_FIELD', `a ${type} correlation needs 'field' in its condition`, condObj ? map.start(condObj) : map.key(c, 'type'));
  }
  const percentile = typeof condObj?.['percentile'] === 'number' ? (condObj['percentile'] as number) : undefined;
  if (type === 'value_percentile' && percentile === undefined) {
    rep.error('CORR_NO_PERCENTILE', "a value_percentile correlation needs 'percentile' (0..100) in its condition", condObj ? map.start(condObj) : map.key(c, 'type'));
  }
  const groupBy = strList(c['group-by']);
  const aliases: Record<string, Record<string, string>> = Object.create(null);
  if (isObj(c['aliases'])) {
    for (const [alias, m] of Object.entries(c['aliases'])) {
      if (!isObj(m)) continue;
      const per: Record<string, string> = Object.create(null);
      for (const [ruleRef, field] of Object.entries(m)) if (typeof field === 'string') per[ruleRef] = field;
      aliases[alias] = per;
    }
  }
  let beacon: CorrelationRule['beacon'];
  if (type === 'beacon') {
    const b = isObj(c['beacon']) ? c['beacon'] : undefined;
    if (!b) {
      rep.error('CORR_BEACON', "a beacon correlation needs a 'beacon' section (bucket, min_events, min_buckets, min_coverage, max_cv)", map.key(c, 'type'));
      return undefined;
    }
    const bucket = parseTimespan(String(b['bucket']));
    if (!bucket.ok) {
      rep.error('CORR_TIMESPAN', `beacon.bucket '${String(b['bucket'])}': ${bucket.error}`, map.value(b, 'bucket'));
      return undefined;
    }
    if (bucket.ms > span.ms) rep.error('CORR_BEACON', `beacon.bucket (${String(b['bucket'])}) is longer than the timespan (${spanText})`, map.value(b, 'bucket'));
    const num = (k: string, d: number): number => (typeof b[k] === 'number' ? (b[k] as number) : d);
    const method = b['method'] === 'intervals' ? 'intervals' : 'buckets';
    beacon = {
      bucketMs: bucket.ms,
      minEvents: num('min_events', 6),
      minBuckets: num('min_buckets', 6),
      minCoverage: num('min_coverage', 0.8),
      maxCv: num('max_cv', 0.5),
      method,
      ...(typeof b['max_interval_cv'] === 'number' ? { maxIntervalCv: b['max_interval_cv'] } : {}),
    };
    if (groupBy.length === 0) groupBy.push('Computer', 'Image', 'DestinationIp', 'DestinationPort');
  }
  const generate = c['generate'] === true || doc['generate'] === true;
  return {
    ...meta,
    kind: 'correlation',
    type,
    rules: extended ? extended.rules : strList(c['rules']),
    groupBy,
    timespanMs: span.ms,
    condition,
    aliases,
    generate,
    ...(valueField !== undefined ? { valueField } : {}),
    ...(percentile !== undefined ? { percentile } : {}),
    ...(beacon ? { beacon } : {}),
  };
}

/**
 * pySigma's extended temporal condition: a string over rule names with and, or, not and
 * parentheses, instead of a threshold map (then `rules` may be left out). The IR counts distinct
 * rules seen in the window, so `a and b and c` (all of them) and `a or b` (at least one) are exact;
 * other expressions are loaded as "at least one of the rules" with a warning.
 */
function extendedCondition(
  c: Record<string, unknown>,
  map: SourceMap,
  rep: Reporter,
  type: CorrelationType,
): { rules: string[]; condition: Threshold[] } | undefined {
  const text = c['condition'] as string;
  const pos = map.value(c, 'condition');
  if (type !== 'temporal' && type !== 'temporal_ordered') {
    rep.error('CORR_EXTENDED_CONDITION', `a condition given as an expression is only for temporal and temporal_ordered correlations, not ${type}`, pos);
    return undefined;
  }
  const parsed = parseCondition(text);
  if (!parsed.ok) {
    rep.error(parsed.error.code, `correlation condition: ${parsed.error.message}`, pos);
    return undefined;
  }
  const names: string[] = [];
  const ops = new Set<string>();
  let bad = false;
  const walk = (n: CondNode): void => {
    if (n.t === 'id') {
      if (!names.includes(n.name)) names.push(n.name);
    } else if (n.t === 'of') {
      bad = true;
    } else if (n.t === 'not') {
      ops.add('not');
      walk(n.item);
    } else {
      ops.add(n.t);
      n.items.forEach(walk);
    }
  };
  walk(parsed.node);
  if (bad) {
    rep.error('CORR_EXTENDED_CONDITION', "a correlation condition names rules with and, or and not: 'x of' is not allowed", pos);
    return undefined;
  }
  const listed = strList(c['rules']);
  if ('rules' in c) {
    const unreferenced = listed.filter((r) => !names.includes(r));
    const undefinedNames = names.filter((r) => !listed.includes(r));
    if (unreferenced.length || undefinedNames.length) {
      const parts = [
        ...(unreferenced.length ? [`rules not in the condition: ${unreferenced.join(', ')}`] : []),
        ...(undefinedNames.length ? [`condition names rules not in 'rules': ${undefinedNames.join(', ')}`] : []),
      ];
      rep.error('CORR_EXTENDED_CONDITION', parts.join('; '), pos);
      return undefined;
    }
  }
  if (ops.size === 0 || (ops.size === 1 && ops.has('and'))) return { rules: names, condition: [] };
  if (ops.size === 1 && ops.has('or')) return { rules: names, condition: [{ op: 'gte', value: 1 }] };
  rep.warning(
    'CORR_EXTENDED_APPROX',
    `correlation condition '${text}' mixes and/or or uses not: loaded as "at least one of ${names.join(', ')}" in the timespan`,
    pos,
    'split it into correlations whose conditions are only and, or only or',
  );
  return { rules: names, condition: [{ op: 'gte', value: 1 }] };
}

/** Checks across the loaded set: duplicates, correlation references, filters folded into rules. */
function setChecks(rules: Rule[], reps: Map<Rule, Reporter>, opts: LoadOptions): { rules: Rule[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const at = (r: Rule, severity: 'error' | 'warning', code: string, message: string): void => {
    findings.push({ file: r.source.file, line: r.source.line, column: r.source.column, severity, code, message, ...(r.id ? { ruleId: r.id } : {}) });
  };
  const bad = new Set<Rule>();
  const ids = new Map<string, Rule>();
  const titles = new Map<string, Rule>();
  const names = new Map<string, Rule>();
  for (const r of rules) {
    // pySigma keeps both rules of a duplicated id or name (a reference then resolves to one of
    // them): the sigma profile loads both with a warning, references going to the first.
    const dupSeverity = opts.profile === 'repo' ? 'error' : 'warning';
    if (r.id) {
      const prev = ids.get(r.id);
      if (prev) {
        at(r, dupSeverity, 'DUP_ID', `id ${r.id} is also used by '${prev.title}' (${prev.source.file}:${prev.source.line})`);
        if (dupSeverity === 'error') bad.add(r);
      } else ids.set(r.id, r);
    }
    if (r.name) {
      const prev = names.get(r.name);
      if (prev) {
        at(r, dupSeverity, 'DUP_NAME', `name '${r.name}' is also used by '${prev.title}' (${prev.source.file}:${prev.source.line})`);
        if (dupSeverity === 'error') bad.add(r);
      } else names.set(r.name, r);
    }
    if (r.kind !== 'filter') {
      const prev = titles.get(r.title);
      if (prev) {
        at(r, opts.profile === 'repo' ? 'error' : 'warning', 'DUP_TITLE', `title '${r.title}' is also used in ${prev.source.file}:${prev.source.line}`);
        if (opts.profile === 'repo') bad.add(r);
      } else titles.set(r.title, r);
    }
  }
  const keyOf = (r: Rule): string => r.id ?? r.name ?? r.title;
  const resolveRef = (ref: string): Rule | undefined => ids.get(ref) ?? names.get(ref);
  // Filters: fold `and (filter condition)` into each referenced detection rule.
  const filtered = new Map<Rule, Expr[]>();
  for (const r of rules) {
    if (r.kind !== 'filter') continue;
    for (const ref of r.rules) {
      const target = resolveRef(ref);
      if (!target || target.kind !== 'detection') {
        at(r, 'warning', 'FILTER_UNKNOWN_RULE', `filter refers to '${ref}', which is not a loaded detection rule`);
        continue;
      }
      const ls = r.logsource;
      const tl = target.logsource;
      if ((ls.product && ls.product !== tl.product) || (ls.category && ls.category !== tl.category) || (ls.service && ls.service !== tl.service)) {
        at(r, 'warning', 'FILTER_LOGSOURCE', `filter's logsource does not match rule '${target.title}'; not applied`);
        continue;
      }
      filtered.set(target, [...(filtered.get(target) ?? []), r.expr]);
    }
  }
  const out: Rule[] = [];
  const rewritten = new Map<Rule, Rule>();
  for (const r of rules) {
    if (bad.has(r)) continue;
    const extra = filtered.get(r);
    if (r.kind === 'detection' && extra) {
      const nr: DetectionRule = { ...r, expr: { type: 'and', children: [r.expr, ...extra] } };
      rewritten.set(r, nr);
      out.push(nr);
    } else out.push(r);
  }
  // Correlations: references must resolve; store them as rule keys.
  const final: Rule[] = [];
  for (const r of out) {
    if (r.kind !== 'correlation') {
      final.push(r);
      continue;
    }
    const resolved: string[] = [];
    let ok = true;
    for (const ref of r.rules) {
      const target = resolveRef(ref);
      if (!target || target.kind === 'filter') {
        at(r, 'error', 'CORR_UNKNOWN_RULE', `correlation refers to '${ref}', which is no loaded rule id or name`);
        ok = false;
      } else if (target === r) {
        at(r, 'error', 'CORR_SELF', 'correlation refers to itself');
        ok = false;
      } else resolved.push(keyOf(target));
    }
    const aliases: Record<string, Record<string, string>> = Object.create(null);
    for (const [alias, per] of Object.entries(r.aliases)) {
      const m: Record<string, string> = Object.create(null);
      for (const [ref, field] of Object.entries(per)) {
        const target = resolveRef(ref);
        if (!target || !r.rules.includes(ref) && !r.rules.includes(keyOf(target))) {
          at(r, 'error', 'CORR_ALIAS', `alias '${alias}' names '${ref}', which is not one of the correlation's rules`);
          ok = false;
        } else m[keyOf(target)] = field;
      }
      aliases[alias] = m;
    }
    if (ok) final.push({ ...r, rules: resolved, aliases });
  }
  void reps;
  return { rules: final, findings };
}
