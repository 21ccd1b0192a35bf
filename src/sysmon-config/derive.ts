/**
 * Derives a Sysmon NetworkConnect include filter from loaded rules (their IR), and evaluates that
 * filter on canonical events with Sysmon's own semantics.
 *
 * The filter must never drop an event a rule could match, so every step over-approximates:
 * - a rule's expression becomes a disjunction of conjunctions of Sysmon conditions (DNF);
 * - `not …` and anything Sysmon cannot test (regexes, CIDRs other than whole octets, numeric
 *   comparisons: Sysmon's `less than`/`more than` compare text, fields Sysmon does not filter
 *   on such as Computer) become "true", i.e. the conjunct is dropped;
 * - an `and` keeps the conjuncts it can express (dropping one only widens the filter);
 * - an `or` with one inexpressible branch is inexpressible as a whole.
 * A rule that reduces to "true" (no condition Sysmon can test) forces the configuration to
 * collect every network connection; `deriveFilter` reports which rules did that.
 */
import type { CorrelationRule, DetectionRule, Expr, Rule, StringPattern } from '../ir/types.js';
import type { CanonicalEvent, FieldValue } from '../logs/event.js';

/** Sysmon rule conditions we emit (all case-insensitive in Sysmon). */
export type SysmonCondition = 'is' | 'contains' | 'begin with' | 'end with';

export interface SysmonTerm {
  readonly field: string;
  readonly condition: SysmonCondition;
  readonly value: string;
}

/** One `<Rule groupRelation="and">`: all terms must hold. */
export interface SysmonClause {
  readonly terms: readonly SysmonTerm[];
  /** Titles of the rules that need this clause. */
  readonly rules: readonly string[];
}

export interface SysmonFilter {
  /** Include clauses (OR). Ignored when `collectAll` is set. */
  readonly clauses: readonly SysmonClause[];
  /** True when some rule needs every network connection (its selection can't be reduced). */
  readonly collectAll: boolean;
  /** Rules that forced `collectAll`, with the reason. */
  readonly broadRules: readonly { readonly title: string; readonly reason: string }[];
  /** Rules that were considered (network_connection detection rules). */
  readonly ruleCount: number;
}

/** Fields Sysmon can filter NetworkConnect events on (Sysmon schema 4.90). */
export const SYSMON_NETWORK_FIELDS: ReadonlySet<string> = new Set([
  'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'User', 'Protocol', 'Initiated', 'SourceIsIpv6', 'SourceIp',
  'SourceHostname', 'SourcePort', 'SourcePortName', 'DestinationIsIpv6', 'DestinationIp', 'DestinationHostname',
  'DestinationPort', 'DestinationPortName', 'RuleName',
]);

/** null = "true" (no constraint Sysmon can express); [] = "false" (matches nothing). */
type Dnf = SysmonTerm[][] | null;

const MAX_TERMS = 256;

function patternTerm(field: string, p: StringPattern): SysmonTerm | null {
  const parts = p.parts;
  const lit = (i: number): string | undefined => {
    const x = parts[i];
    return x && x.kind === 'lit' ? x.text : undefined;
  };
  if (parts.length === 0) return { field, condition: 'is', value: '' };
  if (parts.length === 1 && lit(0) !== undefined) return { field, condition: 'is', value: lit(0)! };
  if (parts.length === 2 && parts[0]!.kind === 'any' && lit(1) !== undefined) return { field, condition: 'end with', value: lit(1)! };
  if (parts.length === 2 && lit(0) !== undefined && parts[1]!.kind === 'any') return { field, condition: 'begin with', value: lit(0)! };
  if (parts.length === 3 && parts[0]!.kind === 'any' && lit(1) !== undefined && parts[2]!.kind === 'any') return { field, condition: 'contains', value: lit(1)! };
  // Any other shape (`?`, inner `*`): the longest literal piece must occur somewhere.
  let best = '';
  for (const x of parts) if (x.kind === 'lit' && x.text.length > best.length) best = x.text;
  if (best === '') return null;
  if (lit(0) === best) return { field, condition: 'begin with', value: best };
  if (lit(parts.length - 1) === best) return { field, condition: 'end with', value: best };
  return { field, condition: 'contains', value: best };
}

/** A CIDR on whole octets (/8, /16, /24, /32) is a prefix of dotted-quad text. */
function cidrTerm(field: string, network: string, prefix: number, version: 4 | 6): SysmonTerm | null {
  if (version !== 4 || prefix % 8 !== 0) return null;
  const octets = network.split('.').slice(0, prefix / 8);
  if (prefix === 32) return { field, condition: 'is', value: network };
  if (prefix === 0) return null;
  return { field, condition: 'begin with', value: octets.join('.') + '.' };
}

function toDnf(e: Expr): Dnf {
  switch (e.type) {
    case 'match': {
      if (!SYSMON_NETWORK_FIELDS.has(e.field)) return null;
      const t = patternTerm(e.field, e.pattern);
      return t ? [[t]] : null;
    }
    case 'cidr': {
      if (!SYSMON_NETWORK_FIELDS.has(e.field)) return null;
      const t = cidrTerm(e.field, e.network, e.prefix, e.version);
      return t ? [[t]] : null;
    }
    case 'const':
      return e.value ? null : [];
    case 'not':
      return null;
    case 'or': {
      const out: SysmonTerm[][] = [];
      for (const c of e.children) {
        const d = toDnf(c);
        if (d === null) return null;
        out.push(...d);
      }
      return out;
    }
    case 'and': {
      let acc: SysmonTerm[][] | null = null;
      for (const c of e.children) {
        const d = toDnf(c);
        if (d === null) continue; // dropping a conjunct only widens the filter
        if (acc === null) {
          acc = d;
          continue;
        }
        if (acc.length * d.length > MAX_TERMS) {
          if (d.length < acc.length) acc = d; // keep the narrower side, still a superset
          continue;
        }
        const next: SysmonTerm[][] = [];
        for (const a of acc) for (const b of d) next.push([...a, ...b]);
        acc = next;
      }
      return acc;
    }
    default:
      // regex, compare, exists, null, fieldref, timepart, keywords: Sysmon cannot test them.
      return null;
  }
}

const isNetworkRule = (r: Rule): r is DetectionRule =>
  r.kind === 'detection' && (r.logsource.category ?? '').toLowerCase() === 'network_connection';

const termKey = (t: SysmonTerm): string => `${t.field}\u0000${t.condition}\u0000${t.value.toLowerCase()}`;

export interface DeriveOptions {
  /** Rules whose id, name or title contains one of these (case-insensitive) are left out. */
  readonly exclude?: readonly string[];
}

export function deriveFilter(rules: readonly Rule[], opts: DeriveOptions = {}): SysmonFilter {
  const excluded = (r: Rule): boolean =>
    (opts.exclude ?? []).some((x) => [r.id, r.name, r.title].some((v) => v !== undefined && v.toLowerCase().includes(x.toLowerCase())));
  // A correlation that is excluded takes its base rules with it when nothing else needs them.
  const correlations = rules.filter((r): r is CorrelationRule => r.kind === 'correlation');
  const keyOf = (r: Rule): string | undefined => r.id ?? r.name;
  const droppedBases = new Set<string>();
  for (const c of correlations) {
    if (!excluded(c)) continue;
    for (const ref of c.rules) droppedBases.add(ref);
  }
  for (const c of correlations) if (!excluded(c)) for (const ref of c.rules) droppedBases.delete(ref);

  const clauses = new Map<string, { terms: SysmonTerm[]; rules: string[] }>();
  const broadRules: { title: string; reason: string }[] = [];
  let ruleCount = 0;
  for (const r of rules) {
    if (!isNetworkRule(r) || excluded(r)) continue;
    const k = keyOf(r);
    if ((k !== undefined && droppedBases.has(k)) || (r.id !== undefined && droppedBases.has(r.id)) || (r.name !== undefined && droppedBases.has(r.name))) continue;
    ruleCount++;
    const dnf = toDnf(r.expr);
    if (dnf === null) {
      broadRules.push({ title: r.title, reason: 'no part of its selection can be expressed as Sysmon conditions' });
      continue;
    }
    for (const conj of dnf) {
      const seen = new Map<string, SysmonTerm>();
      for (const t of conj) seen.set(termKey(t), t);
      const terms = [...seen.values()].sort((a, b) => termKey(a).localeCompare(termKey(b)));
      const key = terms.map(termKey).join('\u0001');
      const prev = clauses.get(key);
      if (prev) {
        if (!prev.rules.includes(r.title)) prev.rules.push(r.title);
      } else clauses.set(key, { terms, rules: [r.title] });
    }
  }
  return { clauses: [...clauses.values()], collectAll: broadRules.length > 0, broadRules, ruleCount };
}

const text = (v: FieldValue | undefined): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** Sysmon semantics: every condition compares case-insensitively (ordinal, invariant case). */
export function termHolds(t: SysmonTerm, event: CanonicalEvent): boolean {
  const raw = text(event.fields[t.field]);
  if (raw === undefined) return false;
  const v = raw.toLowerCase();
  const want = t.value.toLowerCase();
  switch (t.condition) {
    case 'is':
      return v === want;
    case 'contains':
      return v.includes(want);
    case 'begin with':
      return v.startsWith(want);
    case 'end with':
      return v.endsWith(want);
  }
}

/** Would Sysmon, configured with this filter, log this Event ID 3? */
export function passesFilter(f: SysmonFilter, event: CanonicalEvent): boolean {
  if (f.collectAll) return true;
  return f.clauses.some((c) => c.terms.every((t) => termHolds(t, event)));
}
