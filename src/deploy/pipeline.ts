/**
 * Glue from rule files to deploy units: the front end loads and validates, the targets compile,
 * then settings and ATT&CK mappings are resolved. Shared by `dac package` and `dac deploy`.
 */
import type { CorrelationRule, DeployTarget, DetectionRule, Rule } from '../ir/types.js';
import type { Finding } from '../sigma/api.js';
import { loadRulePaths } from '../sigma/index.js';
import { compileRule } from '../targets/index.js';
import { loadAttackCatalog, type AttackCatalog } from './attack.js';
import { prepareUnits, type Prepared } from './units.js';

export interface LoadForDeployOptions {
  readonly paths: readonly string[];
  readonly attackCatalog?: string;
  readonly listsDir?: string;
  readonly only?: readonly DeployTarget[];
}

export interface LoadedForDeploy {
  readonly prepared: Prepared;
  readonly findings: readonly Finding[];
  /** False when no ATT&CK catalogue was given: threat names are ids. */
  readonly catalog: boolean;
}

export function compileContext(rules: readonly Rule[]): Map<string, DetectionRule | CorrelationRule> {
  const byKey = new Map<string, DetectionRule | CorrelationRule>();
  for (const r of rules) {
    if (r.kind === 'filter') continue;
    if (r.id) byKey.set(r.id, r);
    if (r.name) byKey.set(r.name, r);
    if (!r.id && !r.name) byKey.set(r.title, r);
  }
  return byKey;
}

export async function loadForDeploy(o: LoadForDeployOptions): Promise<LoadedForDeploy> {
  const res = await loadRulePaths(o.paths, {
    profile: 'repo',
    ...(o.attackCatalog ? { attackCatalog: o.attackCatalog } : {}),
    ...(o.listsDir ? { listsDir: o.listsDir } : {}),
  });
  let catalog: AttackCatalog | undefined;
  if (o.attackCatalog) catalog = loadAttackCatalog(o.attackCatalog);
  const rulesByKey = compileContext(res.rules);
  const prepared = prepareUnits(res.rules, (rule, target) => compileRule(rule, target, { rulesByKey }), {
    ...(catalog ? { catalog } : {}),
    ...(o.only ? { only: o.only } : {}),
  });
  return { prepared, findings: res.findings, catalog: catalog !== undefined };
}
