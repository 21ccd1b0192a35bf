/**
 * Value lists for `|expand` placeholders: `lists/<name>.yml` holds `{name, description, values}`.
 * Values are Sigma strings (wildcards allowed). A placeholder `%name%` takes all of them.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './api.js';
import { readRuleFile } from './files.js';
import { loadYaml } from './yaml.js';

export interface Lists {
  readonly values: Map<string, string[]>;
  readonly findings: Finding[];
}

const cache = new Map<string, Lists>();

export function loadLists(dir: string): Lists {
  const hit = cache.get(dir);
  if (hit) return hit;
  const values = new Map<string, string[]>();
  const findings: Finding[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch {
    names = [];
  }
  for (const n of names) {
    const file = join(dir, n);
    const r = readRuleFile(file);
    if (!r.ok) {
      findings.push(r.finding);
      continue;
    }
    const y = loadYaml(r.source.text, file);
    const err = (message: string, line = 1, column = 1): void => {
      findings.push({ file, line, column, severity: 'error', code: 'LIST_INVALID', message });
    };
    if (!y.ok) {
      err(y.error.message, y.error.pos.line, y.error.pos.column);
      continue;
    }
    const doc = y.documents[0]?.value as Record<string, unknown> | undefined;
    const listName = n.replace(/\.ya?ml$/i, '');
    if (!doc || typeof doc !== 'object' || !Array.isArray(doc['values'])) {
      err("a list file needs 'values:' (a list of strings)");
      continue;
    }
    if (typeof doc['name'] === 'string' && doc['name'] !== listName) {
      const p = y.map.value(doc, 'name');
      err(`list name '${doc['name']}' differs from its file name '${listName}'`, p?.line, p?.column);
      continue;
    }
    const vals = (doc['values'] as unknown[]).map((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v));
    const badIdx = vals.findIndex((v) => typeof v !== 'string');
    if (badIdx !== -1) {
      const p = y.map.value(doc['values'] as object, badIdx);
      err('list values must be strings', p?.line, p?.column);
      continue;
    }
    values.set(listName, vals as string[]);
  }
  const res = { values, findings };
  cache.set(dir, res);
  return res;
}
