/**
 * The `detection` section → IR: search identifiers (maps, lists of maps, keyword lists), field
 * modifiers applied to values in order, and the condition resolved over the identifiers.
 * Every problem becomes a finding with the position of the key or value that caused it.
 */
import { RE2JS } from 're2js';
import type { Expr, StringPattern, ValueOrigin } from '../ir/types.js';
import { identifierMatches, parseCondition, type CondNode } from './condition.js';
import { base64, base64offset, utf16, windash, type Utf16Kind } from './encode.js';
import { parseCidr } from './cidr.js';
import type { Reporter } from './report.js';
import { hasWildcards, literalPattern, parseSigmaString, patternText, withLeadingAny, withTrailingAny } from './strings.js';
import type { Pos, SourceMap } from './yaml.js';
import type { Profile } from './api.js';

export const MODIFIERS = new Set([
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'm', 's',
  'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'cidr', 'lt', 'lte', 'gt', 'gte',
  'fieldref', 'expand', 'minute', 'hour', 'day', 'week', 'month', 'year',
]);
/** pySigma's long names for the regular-expression flags. */
const MODIFIER_ALIASES: Readonly<Record<string, string>> = { ignorecase: 'i', multiline: 'm', dotall: 's' };
const POSITION = ['contains', 'startswith', 'endswith'] as const;
const COMPARE = ['lt', 'lte', 'gt', 'gte'] as const;
const TIME_PARTS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
const UTF16 = ['utf16le', 'utf16be', 'utf16', 'wide'] as const;

export interface FieldUse {
  readonly name: string;
  readonly pos: Pos | undefined;
}

export interface DetectionContext {
  readonly map: SourceMap;
  readonly rep: Reporter;
  readonly profile: Profile;
  /** Values of a `%name%` placeholder, or undefined when it cannot be resolved. */
  readonly placeholder: (name: string) => readonly string[] | undefined;
  /** Position of a character `offset` into the scalar written at `pos`. */
  readonly offsetPos: (pos: Pos | undefined, offset: number) => Pos | undefined;
}

/** A Sigma v1 aggregation (`selection | count(f) by g > n`), to be turned into a correlation. */
export interface LegacyAggregation {
  readonly type: 'event_count' | 'value_count' | 'value_sum' | 'value_avg';
  readonly field?: string;
  readonly groupBy: string[];
  readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
  readonly value: number;
  readonly pos: Pos | undefined;
}

export interface ParsedDetection {
  readonly selections: Record<string, Expr>;
  readonly expr: Expr;
  readonly conditions: string[];
  readonly fields: FieldUse[];
  readonly aggregation?: LegacyAggregation;
}

const AGG_RE = /^\s*(count|sum|avg)\(\s*([^\s()]*)\s*\)\s*(?:by\s+([^\s<>=!]+(?:\s*,\s*[^\s<>=!,]+)*))?\s*(>=|<=|==|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$/i;
const AGG_OPS: Record<string, LegacyAggregation['op']> = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte', '=': 'eq', '==': 'eq', '!=': 'neq' };

/**
 * Splits `base | aggregation` (Sigma v1). pySigma no longer parses these, but public rules still
 * carry them (SigmaHQ `unsupported/`, some hunting rules); the `sigma` profile turns them into the
 * equivalent correlation rule, the `repo` profile rejects them (the condition parser reports it).
 */
function splitAggregation(text: string): { base: string; agg: Omit<LegacyAggregation, 'pos'> | undefined; aggOffset: number } | undefined {
  const bar = text.indexOf('|');
  if (bar < 0) return undefined;
  const m = AGG_RE.exec(text.slice(bar + 1));
  if (!m) return { base: text.slice(0, bar), agg: undefined, aggOffset: bar + 1 };
  const fn = m[1]!.toLowerCase();
  const field = m[2] || undefined;
  const type = fn === 'count' ? (field ? 'value_count' : 'event_count') : fn === 'sum' ? 'value_sum' : 'value_avg';
  if (type !== 'event_count' && !field) return { base: text.slice(0, bar), agg: undefined, aggOffset: bar + 1 };
  const groupBy = m[3] ? m[3].split(',').map((g) => g.trim()).filter(Boolean) : [];
  return {
    base: text.slice(0, bar),
    agg: { type, ...(field ? { field } : {}), groupBy, op: AGG_OPS[m[4]!]!, value: Number(m[5]) },
    aggOffset: bar + 1,
  };
}

const and = (children: Expr[]): Expr => (children.length === 1 ? children[0]! : { type: 'and', children });
const or = (children: Expr[]): Expr => (children.length === 1 ? children[0]! : { type: 'or', children });
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses a detection section; returns undefined when errors were reported. */
export function parseDetection(detection: Record<string, unknown>, ctx: DetectionContext, fields: FieldUse[] = []): ParsedDetection | undefined {
  const { map, rep } = ctx;
  const before = rep.errorCount();
  const selections: Record<string, Expr> = Object.create(null);
  const names: string[] = [];
  for (const name of Object.keys(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    names.push(name);
    const value = detection[name];
    const pos = map.key(detection, name);
    const expr = parseSearchIdentifier(name, value, detection, ctx, fields, pos);
    if (expr) selections[name] = expr;
  }
  const legacy = ctx.profile === 'sigma' && typeof detection['condition'] === 'string' ? splitAggregation(detection['condition']) : undefined;
  if ('timeframe' in detection && !legacy?.agg) {
    rep.warning('DET_TIMEFRAME', "'timeframe' in a detection has no effect without aggregation: use a correlation rule", map.key(detection, 'timeframe'));
  }
  const condRaw = detection['condition'];
  const condPos = map.value(detection, 'condition');
  const conditions: string[] = [];
  if (condRaw === undefined || condRaw === null) {
    rep.error('DET_NO_CONDITION', "detection has no 'condition'", map.start(detection), "add e.g. 'condition: selection'");
  } else if (typeof condRaw === 'string') {
    conditions.push(legacy ? legacy.base : condRaw);
  } else if (Array.isArray(condRaw)) {
    condRaw.forEach((c, i) => {
      if (typeof c === 'string') conditions.push(c);
      else rep.error('COND_TYPE', 'each condition in the list must be a string', map.value(condRaw, i));
    });
    if (condRaw.length === 0) rep.error('COND_SYNTAX', 'condition list is empty', condPos);
  } else {
    rep.error('COND_TYPE', 'condition must be a string or a list of strings', condPos);
  }
  if (names.length === 0) rep.error('DET_NO_SEARCH', 'detection defines no search identifier', map.start(detection));

  const used = new Set<string>();
  const condExprs: Expr[] = [];
  let condFailed = false;
  conditions.forEach((text, i) => {
    const cpos = Array.isArray(condRaw) ? map.value(condRaw, i) : condPos;
    const parsed = parseCondition(text);
    if (!parsed.ok) {
      rep.error(parsed.error.code, `condition: ${parsed.error.message}`, ctx.offsetPos(cpos, parsed.error.offset));
      condFailed = true;
      return;
    }
    const e = resolveCondition(
      parsed.node,
      names,
      selections,
      used,
      (code, msg, off) => rep.error(code, msg, ctx.offsetPos(cpos, off)),
      ctx.profile === 'sigma' ? (code, msg, off, hint) => rep.warning(code, msg, ctx.offsetPos(cpos, off), hint) : undefined,
    );
    if (e) condExprs.push(e);
  });
  for (const name of names) {
    if (!used.has(name) && conditions.length > 0 && !condFailed) {
      rep.warning('SEL_UNUSED', `search identifier '${name}' is not used by the condition`, map.key(detection, name));
    }
  }
  let aggregation: LegacyAggregation | undefined;
  if (legacy?.agg) {
    const apos = ctx.offsetPos(condPos, legacy.aggOffset - 1); // at the '|'
    aggregation = { ...legacy.agg, pos: apos };
    rep.warning('COND_LEGACY_AGGREGATION', `Sigma v1 aggregation '${(condRaw as string).slice(legacy.aggOffset).trim()}': loaded as a ${legacy.agg.type} correlation rule`, apos, 'rewrite it as a correlation rule (Sigma v2)');
  } else if (legacy && !legacy.agg) {
    rep.error('COND_AGGREGATION', `condition: aggregation '${(condRaw as string).slice(legacy.aggOffset).trim()}' is not one this loader converts (count, sum, avg with 'by' and a comparison)`, ctx.offsetPos(condPos, legacy.aggOffset - 1), 'use a correlation rule');
  }
  if (rep.errorCount() > before || condExprs.length === 0) return undefined;
  return { selections, expr: or(condExprs), conditions, fields, ...(aggregation ? { aggregation } : {}) };
}

/** pySigma's selector test: the pattern, `*` as `.*`, as a regular expression matched at the start of the name. */
function pySigmaSelectorMatches(pattern: string, name: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
  return re.test(name);
}

function resolveCondition(
  node: CondNode,
  names: readonly string[],
  selections: Record<string, Expr>,
  used: Set<string>,
  error: (code: string, msg: string, offset: number) => void,
  /** Set in the sigma profile: what pySigma accepts but we would refuse is reported here instead. */
  warn?: (code: string, msg: string, offset: number, hint?: string) => void,
): Expr | undefined {
  // Iterative over and/or chains would complicate little: depth is capped by the parser.
  switch (node.t) {
    case 'id': {
      if (!names.includes(node.name)) {
        error('COND_UNKNOWN_ID', `condition names '${node.name}', which the detection does not define`, node.offset);
        return undefined;
      }
      used.add(node.name);
      return selections[node.name];
    }
    case 'of': {
      let matched =
        node.target === 'them' ? names.filter((n) => !n.startsWith('_')) : names.filter((n) => identifierMatches(node.target, n));
      if (matched.length === 0 && warn) {
        // pySigma matches the pattern as a regular expression from the start of the name (so
        // `1 of filter` takes filter_a and filter_b), without names starting with '_'.
        const prefix = names.filter((n) => !n.startsWith('_') && pySigmaSelectorMatches(node.target, n));
        if (prefix.length > 0) {
          warn('COND_PATTERN_PREFIX', `'${node.target}' names no search identifier; as pySigma, it is read as a prefix: ${prefix.join(', ')}`, node.offset, `write '${node.target}*' if that is meant`);
          matched = prefix;
        } else {
          // pySigma loads such a rule (an empty OR/AND); a typo in a filter name must not make
          // the whole rule unloadable. An empty `1 of` is false, an empty `all of` is true.
          warn('COND_EMPTY_PATTERN', `'${node.target}' matches no search identifier: '${node.quant === 'all' ? 'all' : '1'} of' it is ${node.quant === 'all' ? 'true' : 'false'}`, node.offset, 'check the identifier names');
          return { type: 'const', value: node.quant === 'all' };
        }
      }
      if (matched.length === 0) {
        error('COND_EMPTY_PATTERN', `'${node.target}' matches no search identifier`, node.offset);
        return undefined;
      }
      matched.forEach((n) => used.add(n));
      const exprs = matched.map((n) => selections[n]).filter((e): e is Expr => e !== undefined);
      if (exprs.length !== matched.length) return undefined;
      return node.quant === 'all' ? and(exprs) : or(exprs);
    }
    case 'not': {
      const inner = resolveCondition(node.item, names, selections, used, error, warn);
      return inner && { type: 'not', child: inner };
    }
    case 'and':
    case 'or': {
      const items: Expr[] = [];
      let ok = true;
      for (const it of node.items) {
        const e = resolveCondition(it, names, selections, used, error, warn);
        if (e) items.push(e);
        else ok = false;
      }
      if (!ok) return undefined;
      return node.t === 'and' ? and(items) : or(items);
    }
  }
}

function parseSearchIdentifier(
  name: string,
  value: unknown,
  parent: Record<string, unknown>,
  ctx: DetectionContext,
  fields: FieldUse[],
  pos: Pos | undefined,
): Expr | undefined {
  const { map, rep } = ctx;
  if (isPlainObject(value)) return parseMap(value, ctx, fields);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      rep.error('DET_EMPTY_SEARCH', `search identifier '${name}' is an empty list`, pos);
      return undefined;
    }
    if (value.every(isPlainObject)) {
      const parts = value.map((m) => parseMap(m as Record<string, unknown>, ctx, fields));
      return parts.every((p) => p) ? or(parts as Expr[]) : undefined;
    }
    if (value.some((v) => isPlainObject(v) || Array.isArray(v))) {
      if (ctx.profile !== 'sigma') {
        rep.error('DET_MIXED_LIST', `search identifier '${name}' mixes maps and plain values`, pos, 'use either a list of maps or a list of keywords');
        return undefined;
      }
      // pySigma reads each item on its own (a map, a keyword, a nested list) and ORs them.
      rep.warning('DET_MIXED_LIST', `search identifier '${name}' mixes maps and plain values: each item is read on its own, any may match`, pos, 'use either a list of maps or a list of keywords');
      return parseMixedList(name, value, ctx, fields, pos);
    }
    return parseValues('', [], value, value, ctx, pos);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return parseValues('', [], [value], parent, ctx, pos, name);
  }
  rep.error('DET_BAD_SEARCH', `search identifier '${name}' must be a map, a list of maps or a list of keywords`, pos);
  return undefined;
}

/** A list mixing maps, keywords and nested lists (sigma profile): the OR of its items. */
function parseMixedList(name: string, list: readonly unknown[], ctx: DetectionContext, fields: FieldUse[], pos: Pos | undefined): Expr | undefined {
  const parts: Expr[] = [];
  let ok = true;
  list.forEach((item, i) => {
    const ipos = ctx.map.value(list, i) ?? pos;
    let e: Expr | undefined;
    if (isPlainObject(item)) e = parseMap(item, ctx, fields);
    else if (Array.isArray(item)) {
      e = item.length === 0 ? undefined : parseSearchIdentifier(name, item, {}, ctx, fields, ipos);
      if (item.length === 0) ctx.rep.error('DET_EMPTY_SEARCH', `search identifier '${name}' holds an empty list`, ipos);
    } else e = parseValues('', [], [item], list, ctx, ipos);
    if (e) parts.push(e);
    else ok = false;
  });
  return ok ? or(parts) : undefined;
}

function parseMap(m: Record<string, unknown>, ctx: DetectionContext, fields: FieldUse[]): Expr | undefined {
  const { map, rep } = ctx;
  const keys = Object.keys(m);
  if (keys.length === 0) {
    rep.error('DET_EMPTY_SEARCH', 'empty map in a search identifier', map.start(m));
    return undefined;
  }
  const parts: Expr[] = [];
  let ok = true;
  for (const key of keys) {
    const kpos = map.key(m, key);
    const [field, ...rawMods] = key.split('|');
    const mods = rawMods.map((m) => MODIFIER_ALIASES[m] ?? m);
    if (field) fields.push({ name: field, pos: kpos });
    const v = m[key];
    const values = Array.isArray(v) ? v : [v];
    const container = Array.isArray(v) ? v : m;
    const e = parseValues(field ?? '', mods, values, container, ctx, kpos, Array.isArray(v) ? undefined : key);
    if (e) parts.push(e);
    else ok = false;
  }
  return ok ? and(parts) : undefined;
}

interface ModState {
  readonly mods: readonly string[];
  readonly has: (m: string) => boolean;
}

/**
 * Checks one modifier chain; returns false after reporting when it is unknown or badly combined.
 */
function checkModifiers(field: string, mods: readonly string[], ctx: DetectionContext, pos: Pos | undefined): boolean {
  const { rep } = ctx;
  let ok = true;
  const seen = new Set<string>();
  for (const m of mods) {
    if (!MODIFIERS.has(m)) {
      rep.error('MOD_UNKNOWN', `unknown modifier '${m}'`, pos, `known modifiers: ${[...MODIFIERS].join(', ')}`);
      ok = false;
    } else if (seen.has(m)) {
      rep.error('MOD_DUPLICATE', `modifier '${m}' given twice`, pos);
      ok = false;
    }
    seen.add(m);
  }
  if (!ok) return false;
  const bad = (msg: string, hint?: string): false => {
    rep.error('MOD_COMBINATION', msg, pos, hint);
    return false;
  };
  const has = (m: string): boolean => seen.has(m);
  const idx = (m: string): number => mods.indexOf(m);
  const positions = POSITION.filter(has);
  if (positions.length > 1) return bad(`modifiers ${positions.join(' and ')} exclude each other`);
  const compares = COMPARE.filter(has);
  if (compares.length > 1) return bad(`modifiers ${compares.join(' and ')} exclude each other`);
  const times = TIME_PARTS.filter(has);
  if (times.length > 1) return bad(`modifiers ${times.join(' and ')} exclude each other`);
  const utfs = UTF16.filter(has);
  if (utfs.length > 1) return bad(`modifiers ${utfs.join(' and ')} exclude each other`);
  if (has('exists') && mods.length > 1) return bad("'exists' takes no other modifier");
  if (has('exists') && !field) return bad("'exists' needs a field name");
  for (const f of ['i', 'm', 's']) {
    if (has(f) && (!has('re') || idx(f) < idx('re'))) return bad(`'${f}' is a regular-expression flag: it must follow 're'`, `write '|re|${f}'`);
  }
  if (has('re')) {
    // pySigma accepts contains/startswith/endswith after 're' (it pads the regex with '.*'); with
    // search semantics they change nothing. 'expand' fills %placeholders% into the regex text.
    const other = mods.filter((m) => !['re', 'i', 'm', 's', 'all', 'neq', 'cased', 'expand', ...POSITION].includes(m));
    if (other.length) return bad(`'re' cannot be combined with ${other.join(', ')}`);
    const firstPos = Math.min(...positions.map(idx));
    if (positions.length && firstPos < idx('re')) return bad(`'${mods[firstPos]}' must follow 're'`, `write '|re|${mods[firstPos]}'`);
  }
  if (has('cidr')) {
    // `cidr|expand` (a placeholder holding networks) is in SigmaHQ's placeholder rules; pySigma
    // refuses it (it parses the placeholder text as a network), so only the sigma profile takes it.
    const allowed = ctx.profile === 'sigma' ? ['cidr', 'all', 'neq', 'expand'] : ['cidr', 'all', 'neq'];
    const other = mods.filter((m) => !allowed.includes(m));
    if (other.length) return bad(`'cidr' cannot be combined with ${other.join(', ')}`);
    if (!field) return bad("'cidr' needs a field name");
    if (has('expand')) {
      rep.warning('MOD_CIDR_EXPAND', "'cidr' with 'expand': each value of the placeholder is read as a network (pySigma refuses this combination)", pos);
    }
  }
  if (compares.length) {
    const other = mods.filter((m) => !(COMPARE as readonly string[]).includes(m) && !(TIME_PARTS as readonly string[]).includes(m) && m !== 'all' && m !== 'neq');
    if (other.length) return bad(`'${compares[0]}' cannot be combined with ${other.join(', ')}`);
    if (!field) return bad(`'${compares[0]}' needs a field name`);
  }
  if (times.length) {
    const other = mods.filter((m) => !(COMPARE as readonly string[]).includes(m) && !(TIME_PARTS as readonly string[]).includes(m) && m !== 'all' && m !== 'neq');
    if (other.length) return bad(`'${times[0]}' cannot be combined with ${other.join(', ')}`);
  }
  if (has('fieldref')) {
    const other = mods.filter((m) => !['fieldref', 'contains', 'startswith', 'endswith', 'cased', 'all', 'neq'].includes(m));
    if (other.length) return bad(`'fieldref' cannot be combined with ${other.join(', ')}`);
    if (!field) return bad("'fieldref' needs a field name");
  }
  if (has('base64') && has('base64offset')) return bad("'base64' and 'base64offset' exclude each other");
  if (has('base64offset') && !has('contains')) {
    return bad("'base64offset' finds a value inside a longer encoded string: it must be used with 'contains'", "write '|base64offset|contains'");
  }
  for (const u of utfs) {
    const b = Math.max(idx('base64'), idx('base64offset'));
    if (b < idx(u)) return bad(`'${u}' encodes text as bytes: it must be followed by 'base64' or 'base64offset'`);
  }
  for (const p of positions) {
    // contains/startswith/endswith wrap the final string: after encodings, not before them.
    const enc = Math.max(idx('base64'), idx('base64offset'));
    if (enc > idx(p)) return bad(`'${p}' must come after '${mods[enc]}' (it applies to the encoded value)`);
  }
  if (has('windash')) {
    const enc = Math.max(idx('base64'), idx('base64offset'), ...utfs.map(idx));
    if (enc !== -1 && enc < idx('windash')) return bad("'windash' must come before any encoding modifier");
  }
  if (has('expand') && (has('re') || has('cidr') || compares.length || has('exists'))) {
    // allowed by pySigma only for string values; the value check below reports it.
  }
  return true;
}

/** Parses the values of one field (or of keywords when field is ''), combining them per `all`. */
function parseValues(
  field: string,
  mods: readonly string[],
  values: readonly unknown[],
  container: object,
  ctx: DetectionContext,
  keyPos: Pos | undefined,
  singleKey?: string,
): Expr | undefined {
  const { map, rep } = ctx;
  if (!checkModifiers(field, mods, ctx, keyPos)) return undefined;
  const has = (m: string): boolean => mods.includes(m);
  const valuePos = (i: number): Pos | undefined =>
    (singleKey !== undefined ? map.value(container, singleKey) : map.value(container, i)) ?? keyPos;

  if (values.length === 0) {
    if (ctx.profile === 'sigma' && field && mods.every((m) => m === 'neq')) {
      // pySigma turns a field with no values into a null test.
      rep.warning('VAL_EMPTY_LIST', `'${field}' has an empty list of values: read as '${field}: null' (absent or null), as pySigma does`, keyPos, `write '${field}: null' if that is meant`);
      const e: Expr = { type: 'null', field };
      return mods.includes('neq') ? { type: 'not', child: e } : e;
    }
    rep.error('VAL_EMPTY_LIST', `'${field || 'keywords'}' has an empty list of values`, keyPos);
    return undefined;
  }
  const exprs: Expr[] = [];
  let ok = true;
  values.forEach((raw, i) => {
    const vpos = valuePos(i);
    if (raw === null || raw === undefined) {
      if (values.length > 1) {
        rep.error('VAL_NULL_IN_LIST', 'null cannot be one of several values', vpos, 'use a separate selection: Field: null');
        ok = false;
        return;
      }
      if (!field) {
        rep.error('VAL_NULL_KEYWORD', 'a keyword cannot be null', vpos);
        ok = false;
        return;
      }
      const others = mods.filter((m) => m !== 'neq');
      if (others.length) {
        rep.error('MOD_VALUE_TYPE', `modifier '${others[0]}' cannot take null`, vpos);
        ok = false;
        return;
      }
      exprs.push({ type: 'null', field });
      return;
    }
    if (typeof raw === 'object') {
      rep.error('VAL_TYPE', 'a value must be a string, number, boolean or null (not a map or list)', vpos);
      ok = false;
      return;
    }
    const e = parseOneValue(field, mods, raw as string | number | boolean, ctx, vpos);
    if (e) exprs.push(e);
    else ok = false;
  });
  if (!ok) return undefined;
  let combined = has('all') ? and(exprs) : or(exprs);
  if (has('all') && values.length === 1 && !field) {
    // '|all' with a single keyword is just that keyword.
    combined = exprs[0]!;
  }
  return has('neq') ? { type: 'not', child: combined } : combined;
}

type Scalar = string | number | boolean;

function parseOneValue(field: string, mods: readonly string[], raw: Scalar, ctx: DetectionContext, pos: Pos | undefined): Expr | undefined {
  const { rep } = ctx;
  const has = (m: string): boolean => mods.includes(m);
  const origin: ValueOrigin = typeof raw === 'number' ? 'number' : typeof raw === 'boolean' ? 'boolean' : 'string';

  if (has('exists')) {
    if (typeof raw !== 'boolean') {
      rep.error('MOD_VALUE_TYPE', "'exists' takes true or false", pos);
      return undefined;
    }
    return { type: 'exists', field, exists: raw };
  }
  const compare = COMPARE.find(has);
  const timePart = TIME_PARTS.find(has);
  if (compare || timePart) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isFinite(n)) {
      rep.error('MOD_VALUE_TYPE', `'${compare ?? timePart}' needs a number, got ${JSON.stringify(raw)}`, pos);
      return undefined;
    }
    if (timePart) return { type: 'timepart', field, part: timePart, op: compare ?? 'eq', value: n };
    return { type: 'compare', field, op: compare!, value: n };
  }
  if (typeof raw === 'boolean' && (has('re') || has('cidr') || has('fieldref') || has('base64') || has('base64offset') || has('windash'))) {
    rep.error('MOD_VALUE_TYPE', `modifiers ${mods.join('|')} need a string, got ${raw}`, pos);
    return undefined;
  }
  // expand: substitute placeholders first; the other modifiers apply to every resulting value.
  let texts: string[] = [String(raw)];
  if (has('expand')) {
    const expanded = expandPlaceholders(String(raw), ctx, pos);
    if (!expanded) return undefined;
    texts = expanded.values;
    const exprs: Expr[] = [];
    for (const t of texts) {
      const e = parseOneText(field, mods, t, 'string', ctx, pos);
      if (!e) return undefined;
      exprs.push(e);
    }
    if (expanded.listName && field && !has('cidr')) {
      // A list OR may be rendered as a lookup of equal values, which a network list is not.
      // Also when unresolved (no children): targets with a lookup for the list can still use it.
      return { type: 'or', children: exprs, list: { name: expanded.listName, field } };
    }
    return or(exprs.length ? exprs : [{ type: 'const', value: false }]);
  }
  return parseOneText(field, mods, texts[0]!, origin, ctx, pos);
}

function expandPlaceholders(
  text: string,
  ctx: DetectionContext,
  pos: Pos | undefined,
): { values: string[]; listName?: string } | undefined {
  const re = /%([A-Za-z0-9_.-]+)%/g;
  const names = [...text.matchAll(re)].map((m) => m[1]!);
  if (names.length === 0) {
    ctx.rep.warning('EXPAND_NO_PLACEHOLDER', `'expand' is used but ${JSON.stringify(text)} holds no %placeholder%`, pos);
    return { values: [text] };
  }
  let acc = [text];
  for (const name of names) {
    const vals = ctx.placeholder(name);
    if (!vals) {
      const hint = `create lists/${name}.yml with 'values:' or pass it in the configuration`;
      if (ctx.profile === 'repo') {
        ctx.rep.error('EXPAND_UNRESOLVED', `placeholder '%${name}%' has no values`, pos, hint);
        return undefined;
      }
      // pySigma also loads such rules and leaves the placeholder to a processing pipeline. Here the
      // value matches nothing (a filter built on it excludes nothing) until values are given.
      ctx.rep.warning('EXPAND_UNRESOLVED', `placeholder '%${name}%' has no values: the value matches nothing`, pos, hint);
      const whole = /^%([A-Za-z0-9_.-]+)%$/.exec(text);
      return whole ? { values: [], listName: whole[1]! } : { values: [] };
    }
    const next: string[] = [];
    for (const a of acc) for (const v of vals) next.push(a.split(`%${name}%`).join(v));
    acc = next;
  }
  const whole = /^%([A-Za-z0-9_.-]+)%$/.exec(text);
  return whole ? { values: acc, listName: whole[1]! } : { values: acc };
}

function parseOneText(field: string, mods: readonly string[], text: string, origin: ValueOrigin, ctx: DetectionContext, pos: Pos | undefined): Expr | undefined {
  const { rep } = ctx;
  const has = (m: string): boolean => mods.includes(m);
  const cased = has('cased');

  if (has('re')) {
    const flags = { i: has('i'), m: has('m'), s: has('s') };
    if (!checkRegex(text, ctx, pos)) return undefined;
    return field ? { type: 'regex', field, regex: text, flags } : { type: 'keyword_regex', regex: text, flags };
  }
  if (has('cidr')) {
    const c = parseCidr(text);
    if (!c.ok) {
      rep.error(text.includes('*') ? 'CIDR_WILDCARD' : 'CIDR_INVALID', `${c.error}: ${JSON.stringify(text)}`, pos, 'write e.g. 10.0.0.0/8 or fe80::/10');
      return undefined;
    }
    if (c.hostBits) rep.warning('CIDR_HOST_BITS', `${text} has host bits set; it means ${c.value.cidr}`, pos);
    return { type: 'cidr', field, ...c.value };
  }
  if (has('fieldref')) {
    if (!text) {
      rep.error('MOD_VALUE_TYPE', "'fieldref' needs a field name", pos);
      return undefined;
    }
    if (hasWildcards(parseSigmaString(text))) {
      rep.error('MOD_VALUE_TYPE', `'fieldref' names a field: it cannot hold wildcards (${JSON.stringify(text)})`, pos);
      return undefined;
    }
    const position = POSITION.find(has) ?? 'eq';
    return { type: 'fieldref', field, other: text, position, cased };
  }
  let patterns: StringPattern[] = [parseSigmaString(text)];
  // Transformations in modifier order (each maps every current pattern to one or more).
  let bytes: Uint8Array[] | undefined;
  for (const m of mods) {
    if (m === 'windash') {
      const out: StringPattern[] = [];
      for (const p of patterns) {
        const w = windash(p);
        if (!w) {
          rep.error('MOD_EXPANSION_TOO_LARGE', "'windash' would expand this value into too many variants", pos);
          return undefined;
        }
        out.push(...w);
      }
      patterns = out;
    } else if ((UTF16 as readonly string[]).includes(m)) {
      if (patterns.some(hasWildcards)) {
        rep.error('MOD_WILDCARD_ENCODING', `'${m}' cannot encode a value with wildcards`, pos, 'escape them as \\* or \\?');
        return undefined;
      }
      bytes = patterns.map((p) => utf16(patternText(p), m as Utf16Kind));
    } else if (m === 'base64' || m === 'base64offset') {
      if (!bytes) {
        if (patterns.some(hasWildcards)) {
          rep.error('MOD_WILDCARD_ENCODING', `'${m}' cannot encode a value with wildcards`, pos, 'escape them as \\* or \\?');
          return undefined;
        }
        bytes = patterns.map((p) => new TextEncoder().encode(patternText(p)));
      }
      patterns = bytes.flatMap((b) => (m === 'base64' ? [base64(b)] : base64offset(b))).map(literalPattern);
      bytes = undefined;
    } else if (m === 'contains') patterns = patterns.map((p) => withTrailingAny(withLeadingAny(p)));
    else if (m === 'startswith') patterns = patterns.map(withTrailingAny);
    else if (m === 'endswith') patterns = patterns.map(withLeadingAny);
  }
  const leaves: Expr[] = patterns.map((pattern) =>
    field ? { type: 'match', field, pattern, cased, origin } : { type: 'keyword', pattern, cased },
  );
  return or(leaves);
}

/** Regexes must compile and stay in the subset every target can run (RE2: no lookaround, no backreferences). */
/** RE2 compile outcomes by regex text (compiling is the costliest step of loading a rule set). */
const re2Outcome = new Map<string, string | null>();
const RE2_CACHE_MAX = 10_000;

function re2Error(text: string): string | null {
  const known = re2Outcome.get(text);
  if (known !== undefined) return known;
  let outcome: string | null = null;
  try {
    RE2JS.compile(text);
  } catch (e) {
    outcome = e instanceof Error ? e.message : String(e);
  }
  if (re2Outcome.size >= RE2_CACHE_MAX) re2Outcome.clear();
  re2Outcome.set(text, outcome);
  return outcome;
}

/** The largest count in a `{n}`, `{n,}` or `{n,m}` repetition (0 when there is none). */
function maxRepeatCount(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/(?<!\\)\{(\d+)(?:,(\d*))?\}/g)) {
    max = Math.max(max, Number(m[1]), m[2] ? Number(m[2]) : 0);
  }
  return max;
}

function checkRegex(text: string, ctx: DetectionContext, pos: Pos | undefined): boolean {
  const failure = re2Error(text);
  if (failure === null) return true;
  // Python's `re` (pySigma) also takes these, which RE2 refuses and JavaScript may not parse:
  // repeat counts over RE2's 1,000, \Z, comments, named backreferences, verbose mode, conditionals.
  const pythonOnly = /\\Z|\(\?#|\(\?P=|\(\?[a-z]*x[a-z]*\)|\(\?\(/.test(text) || maxRepeatCount(text) > 1000;
  const nonPortable = pythonOnly || /\(\?<?[=!]|\\[1-9]|\\k<|\(\?>|[*+?}]\+/.test(text);
  let jsOk = false;
  try {
    new RegExp(text, 'u');
    jsOk = true;
  } catch {
    try {
      new RegExp(text);
      jsOk = true;
    } catch {
      jsOk = false;
    }
  }
  if (nonPortable && (jsOk || pythonOnly)) {
    const sev = ctx.profile === 'repo' ? 'error' : 'warning';
    ctx.rep.add(sev, 'REGEX_NOT_PORTABLE', `regular expression uses constructs outside the portable subset (lookaround, backreferences, possessive or atomic groups, repeat counts over 1000, Python-only syntax): ${JSON.stringify(text)}`, pos, 'RE2-based targets (KQL, the engine) reject these: rewrite without them');
    return sev === 'warning';
  }
  ctx.rep.error('REGEX_INVALID', `regular expression does not compile: ${failure}`, pos);
  return false;
}
