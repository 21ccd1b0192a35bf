/**
 * ATT&CK tag checks. The catalogue is not shipped (no npm package has it; the licence keeps it
 * out of this repository): it is read from a path given by option or DAC_ATTACK_CATALOG.
 */
import { readFileSync } from 'node:fs';

export interface AttackCatalog {
  readonly version: string;
  readonly tactics: ReadonlyMap<string, string>; // shortname → id
  readonly tacticIds: ReadonlySet<string>;
  readonly techniques: ReadonlyMap<string, { name: string; tactics: readonly string[] }>; // T1071.001 → …
}

export type CatalogResult = { ok: true; catalog: AttackCatalog } | { ok: false; error: string };

const cache = new Map<string, CatalogResult>();

export function loadAttackCatalog(path: string): CatalogResult {
  const hit = cache.get(path);
  if (hit) return hit;
  let result: CatalogResult;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as {
      version?: unknown;
      tactics?: Array<{ id?: unknown; shortname?: unknown }>;
      techniques?: Array<{ id?: unknown; name?: unknown; tactics?: unknown }>;
    };
    if (!Array.isArray(data.tactics) || !Array.isArray(data.techniques)) throw new Error("expected 'tactics' and 'techniques' arrays");
    const tactics = new Map<string, string>();
    for (const t of data.tactics) if (typeof t.id === 'string' && typeof t.shortname === 'string') tactics.set(t.shortname, t.id);
    const techniques = new Map<string, { name: string; tactics: readonly string[] }>();
    for (const t of data.techniques) {
      if (typeof t.id === 'string') {
        techniques.set(t.id.toUpperCase(), {
          name: typeof t.name === 'string' ? t.name : t.id,
          tactics: Array.isArray(t.tactics) ? t.tactics.filter((x): x is string => typeof x === 'string') : [],
        });
      }
    }
    result = {
      ok: true,
      catalog: { version: String(data.version ?? '?'), tactics, tacticIds: new Set(tactics.values()), techniques },
    };
  } catch (e) {
    result = { ok: false, error: `cannot read ATT&CK catalogue ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  cache.set(path, result);
  return result;
}

export type TagVerdict = { ok: true } | { ok: false; code: string; message: string };

/**
 * Checks one `attack.*` tag against the catalogue: techniques (t1071, t1071.001), tactics by
 * short name (command-and-control) or id (ta0011), groups/software (g0016, s0002) are accepted.
 */
export function checkAttackTag(tag: string, catalog: AttackCatalog): TagVerdict {
  const rest = tag.slice('attack.'.length);
  if (/^t\d{4}(\.\d{3})?$/.test(rest)) {
    return catalog.techniques.has(rest.toUpperCase())
      ? { ok: true }
      : { ok: false, code: 'TAG_UNKNOWN_TECHNIQUE', message: `${tag}: ATT&CK ${catalog.version} has no technique ${rest.toUpperCase()}` };
  }
  if (/^ta\d{4}$/.test(rest)) {
    return catalog.tacticIds.has(rest.toUpperCase())
      ? { ok: true }
      : { ok: false, code: 'TAG_UNKNOWN_TACTIC', message: `${tag}: ATT&CK ${catalog.version} has no tactic ${rest.toUpperCase()}` };
  }
  if (/^[gs]\d{4}$/.test(rest)) return { ok: true };
  if (catalog.tactics.has(rest.replace(/_/g, '-'))) return { ok: true };
  return { ok: false, code: 'TAG_UNKNOWN_TACTIC', message: `${tag}: not an ATT&CK ${catalog.version} tactic, technique, group or software` };
}
