/**
 * ATT&CK tags (`attack.t1071.001`, `attack.command-and-control`) → tactic and technique records
 * for Elastic's `threat[]` and Sentinel's tactics/techniques. Names come from the catalogue JSON
 * (`../shared/data/attack-enterprise.json` or the user's copy, by option or DAC_ATTACK_CATALOG);
 * no npm package ships it. Without it, techniques carry their ids as names, and the caller says so once.
 */
import { readFileSync } from 'node:fs';

export interface AttackCatalog {
  readonly version: string;
  /** shortname → tactic id */
  readonly tactics: ReadonlyMap<string, string>;
  /** technique id (upper case) → name and tactic shortnames */
  readonly techniques: ReadonlyMap<string, { readonly name: string; readonly tactics: readonly string[] }>;
}

/**
 * The 14 Enterprise tactics: their ids are stable and every threat entry needs one, so this small
 * table lets tactic tags resolve even when no catalogue is given (technique names still need it).
 */
const BUILTIN_TACTICS: ReadonlyMap<string, string> = new Map([
  ['reconnaissance', 'TA0043'], ['resource-development', 'TA0042'], ['initial-access', 'TA0001'],
  ['execution', 'TA0002'], ['persistence', 'TA0003'], ['privilege-escalation', 'TA0004'],
  ['defense-evasion', 'TA0005'], ['credential-access', 'TA0006'], ['discovery', 'TA0007'],
  ['lateral-movement', 'TA0008'], ['collection', 'TA0009'], ['command-and-control', 'TA0011'],
  ['exfiltration', 'TA0010'], ['impact', 'TA0040'],
]);

export function loadAttackCatalog(path: string): AttackCatalog {
  const data = JSON.parse(readFileSync(path, 'utf8')) as {
    version?: unknown;
    tactics?: Array<{ id?: unknown; shortname?: unknown }>;
    techniques?: Array<{ id?: unknown; name?: unknown; tactics?: unknown }>;
  };
  const tactics = new Map<string, string>();
  for (const t of data.tactics ?? []) {
    if (typeof t.id === 'string' && typeof t.shortname === 'string') tactics.set(t.shortname, t.id);
  }
  const techniques = new Map<string, { name: string; tactics: string[] }>();
  for (const t of data.techniques ?? []) {
    if (typeof t.id !== 'string' || typeof t.name !== 'string') continue;
    const tac = Array.isArray(t.tactics) ? t.tactics.filter((x): x is string => typeof x === 'string') : [];
    techniques.set(t.id.toUpperCase(), { name: t.name, tactics: tac });
  }
  if (tactics.size === 0 || techniques.size === 0) throw new Error(`${path}: no tactics or techniques found (not an ATT&CK catalogue?)`);
  return { version: typeof data.version === 'string' ? data.version : 'unknown', tactics, techniques };
}

/** `command-and-control` → `Command and Control` (ATT&CK's display form). */
export function tacticDisplayName(shortname: string): string {
  return shortname
    .split('-')
    .map((w, i) => (i > 0 && (w === 'and' || w === 'or' || w === 'of') ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

/** `command-and-control` → `CommandAndControl` (Sentinel's tactic enum). */
export function sentinelTacticName(shortname: string): string {
  return shortname.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

export interface TacticRef {
  readonly id: string;
  readonly shortname: string;
  readonly name: string;
}
export interface TechniqueRef {
  readonly id: string;
  readonly name: string;
  /** Set for sub-techniques: `T1071` for `T1071.001`. */
  readonly parent?: string;
  readonly tactics: readonly string[];
}
export interface AttackMapping {
  readonly tactics: readonly TacticRef[];
  readonly techniques: readonly TechniqueRef[];
}

/** Reads the ATT&CK tags of a rule. Unknown tactic shortnames are dropped (the validator reports them). */
export function mapAttackTags(tags: readonly string[], catalog: AttackCatalog | undefined): AttackMapping {
  const tacticTable = catalog?.tactics ?? BUILTIN_TACTICS;
  const tactics = new Map<string, TacticRef>();
  const techniques = new Map<string, TechniqueRef>();
  for (const raw of tags) {
    const tag = raw.toLowerCase();
    if (!tag.startsWith('attack.')) continue;
    const body = tag.slice('attack.'.length);
    const tech = /^t(\d{4})(?:\.(\d{3}))?$/.exec(body);
    if (tech) {
      const id = `T${tech[1]}${tech[2] ? `.${tech[2]}` : ''}`;
      const entry = catalog?.techniques.get(id);
      const parent = tech[2] ? `T${tech[1]}` : undefined;
      techniques.set(id, { id, name: entry?.name ?? id, ...(parent ? { parent } : {}), tactics: entry?.tactics ?? [] });
      if (parent && !techniques.has(parent)) {
        const p = catalog?.techniques.get(parent);
        techniques.set(parent, { id: parent, name: p?.name ?? parent, tactics: p?.tactics ?? entry?.tactics ?? [] });
      }
      continue;
    }
    const short = body.replace(/_/g, '-');
    const id = tacticTable.get(short);
    if (id) tactics.set(short, { id, shortname: short, name: tacticDisplayName(short) });
  }
  // A rule tagged only with techniques still belongs to their tactics (known from the catalogue).
  if (tactics.size === 0) {
    for (const t of techniques.values()) {
      for (const short of t.tactics) {
        const id = tacticTable.get(short);
        if (id && !tactics.has(short)) tactics.set(short, { id, shortname: short, name: tacticDisplayName(short) });
      }
    }
  }
  const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { tactics: [...tactics.values()].sort(byId), techniques: [...techniques.values()].sort(byId) };
}

export interface ElasticThreat {
  readonly framework: 'MITRE ATT&CK';
  readonly tactic: { readonly id: string; readonly name: string; readonly reference: string };
  readonly technique: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly reference: string;
    readonly subtechnique: ReadonlyArray<{ readonly id: string; readonly name: string; readonly reference: string }>;
  }>;
}

const techniqueUrl = (id: string): string => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;

/**
 * One threat entry per tactic. A technique sits under a tactic when the catalogue says it belongs
 * there; without the catalogue (no tactic list known) under every tagged tactic.
 */
export function elasticThreat(m: AttackMapping): ElasticThreat[] {
  return m.tactics.map((tactic) => {
    const fits = (t: TechniqueRef): boolean => t.tactics.length === 0 || t.tactics.includes(tactic.shortname);
    const parents = m.techniques.filter((t) => !t.parent && fits(t));
    return {
      framework: 'MITRE ATT&CK',
      tactic: { id: tactic.id, name: tactic.name, reference: `https://attack.mitre.org/tactics/${tactic.id}/` },
      technique: parents.map((p) => ({
        id: p.id,
        name: p.name,
        reference: techniqueUrl(p.id),
        subtechnique: m.techniques
          .filter((s) => s.parent === p.id)
          .map((s) => ({ id: s.id, name: s.name, reference: techniqueUrl(s.id) })),
      })),
    };
  });
}
