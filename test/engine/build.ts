/**
 * Test builders: IR objects written by hand, shaped as the front end (src/sigma) produces them,
 * and canonical events. Not a Sigma parser: `sigmaString` only implements pySigma's escape rules
 * for value strings, so tables can state the YAML text next to the IR it stands for.
 */
import type {
  BeaconSpec,
  CorrelationRule,
  CorrelationType,
  DetectionRule,
  Expr,
  LogSource,
  PatternPart,
  StringPattern,
  Threshold,
} from '../../src/ir/types.js';
import type { CanonicalEvent, FieldValue } from '../../src/logs/event.js';

export const lit = (text: string): PatternPart => ({ kind: 'lit', text });
export const ANY: PatternPart = { kind: 'any' };
export const ONE: PatternPart = { kind: 'one' };
export const pat = (...parts: PatternPart[]): StringPattern => ({ parts });

/** pySigma `SigmaString` escapes: `\*` `\?` `\\` escape; any other `\` is literal. */
export function sigmaString(s: string): StringPattern {
  const parts: PatternPart[] = [];
  let buf = '';
  const flush = (): void => {
    if (buf) parts.push(lit(buf));
    buf = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        buf += n;
        i++;
      } else buf += '\\';
    } else if (c === '*') {
      flush();
      if (parts[parts.length - 1]?.kind !== 'any') parts.push(ANY);
    } else if (c === '?') {
      flush();
      parts.push(ONE);
    } else buf += c;
  }
  flush();
  return { parts };
}

export type Mod = 'contains' | 'startswith' | 'endswith';
/** Apply contains/startswith/endswith the way the front end does (adding `any` at the ends). */
export function withMod(p: StringPattern, mod?: Mod): StringPattern {
  const parts = [...p.parts];
  if ((mod === 'contains' || mod === 'endswith') && parts[0]?.kind !== 'any') parts.unshift(ANY);
  if ((mod === 'contains' || mod === 'startswith') && parts[parts.length - 1]?.kind !== 'any') parts.push(ANY);
  return { parts };
}

export const match = (field: string, value: string | StringPattern, opts: { cased?: boolean; mod?: Mod; origin?: 'string' | 'number' | 'boolean' } = {}): Expr => ({
  type: 'match',
  field,
  pattern: withMod(typeof value === 'string' ? sigmaString(value) : value, opts.mod),
  cased: opts.cased ?? false,
  origin: opts.origin ?? 'string',
});
export const anyOf = (field: string, values: string[], mod?: Mod): Expr => ({ type: 'or', children: values.map((v) => match(field, v, { mod })) });
export const and = (...children: Expr[]): Expr => ({ type: 'and', children });
export const or = (...children: Expr[]): Expr => ({ type: 'or', children });
export const not = (child: Expr): Expr => ({ type: 'not', child });
export const cidr = (field: string, c: string): Expr => {
  const [network, prefix] = c.split('/');
  return { type: 'cidr', field, cidr: c, version: c.includes(':') ? 6 : 4, network: network!, prefix: Number(prefix) };
};
export const re = (field: string, regex: string, flags: Partial<{ i: boolean; m: boolean; s: boolean }> = {}): Expr => ({
  type: 'regex', field, regex, flags: { i: false, m: false, s: false, ...flags },
});

const SOURCE = { file: 'test.yml', line: 1, column: 1 };
const META = { tags: [], references: [], falsepositives: [], fields: [], source: SOURCE, raw: {} };

export const NETCONN: LogSource = { product: 'windows', category: 'network_connection' };

export function detection(expr: Expr, o: { id?: string; name?: string; title?: string; logsource?: LogSource } = {}): DetectionRule {
  return {
    ...META,
    kind: 'detection',
    ...(o.id ? { id: o.id } : {}),
    ...(o.name ? { name: o.name } : {}),
    title: o.title ?? o.name ?? o.id ?? 'test rule',
    logsource: o.logsource ?? NETCONN,
    expr,
    selections: { selection: expr },
    conditions: ['selection'],
  };
}

export function correlation(
  type: CorrelationType,
  rules: string[],
  o: {
    id?: string;
    name?: string;
    groupBy?: string[];
    timespanMs: number;
    condition?: Threshold[];
    valueField?: string;
    percentile?: number;
    aliases?: Record<string, Record<string, string>>;
    generate?: boolean;
    beacon?: BeaconSpec;
  },
): CorrelationRule {
  return {
    ...META,
    kind: 'correlation',
    ...(o.id ? { id: o.id } : {}),
    ...(o.name ? { name: o.name } : {}),
    title: o.name ?? o.id ?? `${type} correlation`,
    type,
    rules,
    groupBy: o.groupBy ?? [],
    timespanMs: o.timespanMs,
    condition: o.condition ?? [],
    ...(o.valueField ? { valueField: o.valueField } : {}),
    ...(o.percentile !== undefined ? { percentile: o.percentile } : {}),
    aliases: o.aliases ?? {},
    generate: o.generate ?? false,
    ...(o.beacon ? { beacon: o.beacon } : {}),
  };
}

let record = 0;
/** A Sysmon 3 event with the given fields (EventID/Channel defaulted). */
export function ev(fields: Record<string, FieldValue>, time?: number): CanonicalEvent {
  const f = Object.assign(Object.create(null) as Record<string, FieldValue>, {
    EventID: 3,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    ...fields,
  });
  return { fields: f, ...(time !== undefined ? { time } : {}), source: { file: 'test', record: ++record } };
}

/** An event with exactly these fields (nothing defaulted). */
export function rawEv(fields: Record<string, FieldValue>, time?: number): CanonicalEvent {
  return { fields: Object.assign(Object.create(null) as Record<string, FieldValue>, fields), ...(time !== undefined ? { time } : {}), source: { file: 'test', record: ++record } };
}
