/** What every SIEM client offers the planner. */
import type { DeployTarget } from '../../ir/types.js';
import type { DeployUnit } from '../units.js';

/** A rule as we want it in the SIEM. */
export interface DesiredRule {
  readonly key: string;
  /** The SIEM's identifier (GUID, saved-search name, rule_id). */
  readonly id: string;
  readonly title: string;
  /** The properties we own, normalized: equal to the remote's = unchanged. */
  readonly compare: Readonly<Record<string, unknown>>;
  readonly payload: unknown;
}

/** One of our rules as the SIEM holds it (found through our marker). */
export interface RemoteRule {
  readonly key: string;
  readonly id: string;
  readonly title: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly etag?: string;
}

export interface SiemClient {
  readonly target: DeployTarget;
  desired(unit: DeployUnit): DesiredRule;
  /** Every rule the SIEM holds that carries our marker. */
  listOurs(): Promise<RemoteRule[]>;
  create(d: DesiredRule): Promise<void>;
  update(d: DesiredRule, current: RemoteRule): Promise<void>;
  remove(current: RemoteRule): Promise<void>;
}

/** A failure that belongs to one rule (the run goes on), with a message fit to print. */
export class RuleFailure extends Error {
  override readonly name = 'RuleFailure';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** Clear words for the statuses that fail a rule without retry. */
export function statusMeaning(status: number): string {
  switch (status) {
    case 400: return 'rejected as invalid (400)';
    case 401: return 'not authenticated (401): check the credentials';
    case 403: return 'not allowed (403): the identity lacks the permission documented in docs/deploy.md';
    case 404: return 'not found (404): check the workspace/app/space settings';
    case 409: return 'conflict (409)';
    case 412: return 'precondition failed (412): the rule changed since it was read (etag)';
    default: return `HTTP ${status}`;
  }
}

/** Deep equality over JSON-like values, for comparing normalized properties. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** The properties of `desired` the remote differs in (for plan output). */
export function changedKeys(desired: Readonly<Record<string, unknown>>, remote: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(desired).filter((k) => !sameValue(desired[k], remote[k])).sort();
}
