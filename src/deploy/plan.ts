/**
 * Plan and apply: compare what we want with what the SIEM holds (only objects carrying our
 * marker), then create/update; delete orphans only with `prune`. Each rule fails or succeeds on
 * its own; a rule that fails locally (compile or settings error) is never pruned remotely.
 */
import type { DeployTarget } from '../ir/types.js';
import { changedKeys, RuleFailure, type DesiredRule, type RemoteRule, type SiemClient } from './clients/types.js';
import { HttpError } from './http.js';
import type { DeployUnit } from './units.js';

export type Action = 'create' | 'update' | 'unchanged' | 'orphan' | 'delete' | 'failed';

export interface PlanItem {
  readonly key: string;
  readonly title: string;
  readonly action: Action;
  /** Changed properties for updates; the reason for failures. */
  readonly detail?: string;
  readonly desired?: DesiredRule;
  readonly current?: RemoteRule;
}

export interface Plan {
  readonly target: DeployTarget;
  readonly items: readonly PlanItem[];
}

export async function makePlan(client: SiemClient, units: readonly DeployUnit[], prune: boolean): Promise<Plan> {
  const remote = await client.listOurs();
  const byKey = new Map<string, RemoteRule>();
  const duplicates: RemoteRule[] = [];
  for (const r of remote) {
    if (byKey.has(r.key)) duplicates.push(r);
    else byKey.set(r.key, r);
  }
  const items: PlanItem[] = [];
  const keep = new Set<string>();
  for (const u of units) {
    const failure = u.failed[client.target];
    if (failure !== undefined) {
      keep.add(u.key);
      items.push({ key: u.key, title: u.rule.title, action: 'failed', detail: failure });
      continue;
    }
    if (!u.queries[client.target]) continue; // not deployed to this SIEM
    keep.add(u.key);
    let desired: DesiredRule;
    try {
      desired = client.desired(u);
    } catch (err) {
      items.push({ key: u.key, title: u.rule.title, action: 'failed', detail: errorText(err) });
      continue;
    }
    const current = byKey.get(u.key);
    if (!current) {
      items.push({ key: u.key, title: u.rule.title, action: 'create', desired });
      continue;
    }
    const changed = changedKeys(desired.compare, current.props);
    if (current.id !== desired.id) changed.unshift(`id ${current.id} → ${desired.id}`);
    items.push(changed.length === 0
      ? { key: u.key, title: u.rule.title, action: 'unchanged', desired, current }
      : { key: u.key, title: u.rule.title, action: 'update', detail: changed.join(', '), desired, current });
  }
  for (const r of [...byKey.values(), ...duplicates]) {
    const dup = duplicates.includes(r);
    if (keep.has(r.key) && !dup) continue;
    const why = dup ? 'a second copy of a rule we manage' : 'no rule in the repository has this key';
    items.push({ key: r.key, title: r.title, action: prune ? 'delete' : 'orphan', detail: `${why} (${r.id})`, current: r });
  }
  return { target: client.target, items };
}

export interface ApplyResult {
  readonly target: DeployTarget;
  readonly items: readonly PlanItem[];
  readonly counts: Readonly<Record<Action, number>>;
  readonly failed: number;
}

export async function applyPlan(client: SiemClient, plan: Plan): Promise<ApplyResult> {
  const done: PlanItem[] = [];
  for (const item of plan.items) {
    try {
      if (item.action === 'create' && item.desired) await client.create(item.desired);
      else if (item.action === 'update' && item.desired && item.current) await client.update(item.desired, item.current);
      else if (item.action === 'delete' && item.current) await client.remove(item.current);
      done.push(item);
    } catch (err) {
      done.push({ key: item.key, title: item.title, action: 'failed', detail: `${item.action}: ${errorText(err)}` });
    }
  }
  return summarize(plan.target, done);
}

export function summarize(target: DeployTarget, items: readonly PlanItem[]): ApplyResult {
  const counts: Record<Action, number> = { create: 0, update: 0, unchanged: 0, orphan: 0, delete: 0, failed: 0 };
  for (const i of items) counts[i.action]++;
  return { target, items, counts, failed: counts.failed };
}

/** The message of an error, never its stack (which may hold request details). */
export function errorText(err: unknown): string {
  if (err instanceof RuleFailure || err instanceof HttpError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
