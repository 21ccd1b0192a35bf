/**
 * Per-rule deploy settings: what the rule says under `deploy:`, filled with defaults derived from
 * its level, then checked against each SIEM's limits. Problems are values (DeployIssue) carrying
 * the rule's location, never exceptions.
 */
import type { DeployTarget, Level, Rule } from '../ir/types.js';
import { cronFor, parseTimespan } from './timespan.js';

export const DEPLOY_TARGETS: readonly DeployTarget[] = ['sentinel', 'splunk', 'elastic'];

export interface DeployIssue {
  readonly ruleKey: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning';
  /** `DEPLOY_FREQUENCY_RANGE`, `DEPLOY_ENTITIES_LIMIT`, … */
  readonly code: string;
  readonly message: string;
  readonly target?: DeployTarget;
}

export interface ResolvedSettings {
  readonly enabled: boolean;
  readonly frequencyMs: number;
  readonly lookbackMs: number;
  readonly riskScore: number;
  readonly level: Level;
  readonly suppressionMs?: number;
  readonly entities: readonly string[];
  readonly targets: readonly DeployTarget[];
}

/** Defaults by level: louder rules run more often. Lookback overlaps one run to absorb ingest delay. */
const LEVEL_DEFAULTS: Readonly<Record<Level, { frequency: number; risk: number }>> = {
  informational: { frequency: 3_600_000, risk: 10 },
  low: { frequency: 3_600_000, risk: 21 },
  medium: { frequency: 900_000, risk: 47 },
  high: { frequency: 300_000, risk: 73 },
  critical: { frequency: 300_000, risk: 99 },
};

/** Entity names a rule may list; what each one means per SIEM lives in entities.ts. */
export const ENTITY_NAMES = ['host', 'account', 'ip', 'source_ip', 'process', 'file', 'dns'] as const;

export function ruleKey(rule: Rule): string {
  return rule.id ?? rule.name ?? rule.title;
}

const MIN = 60_000;
const DAY = 86_400_000;

export function resolveSettings(rule: Rule): { settings: ResolvedSettings; issues: DeployIssue[] } {
  const issues: DeployIssue[] = [];
  const issue = (code: string, message: string, target?: DeployTarget, severity: 'error' | 'warning' = 'error'): void => {
    issues.push({
      ruleKey: ruleKey(rule),
      file: rule.source.file,
      line: rule.source.line,
      column: rule.source.column,
      severity,
      code,
      message,
      ...(target ? { target } : {}),
    });
  };
  const level: Level = rule.level ?? 'medium';
  const defaults = LEVEL_DEFAULTS[level];
  const d = rule.deploy;

  let frequencyMs = defaults.frequency;
  if (d?.frequency !== undefined) {
    const f = parseTimespan(d.frequency);
    if (f === undefined) issue('DEPLOY_TIMESPAN', `deploy.frequency '${d.frequency}' is not a timespan like 5m, 1h, 1d`);
    else frequencyMs = f;
  }
  // A correlation needs its whole window inside every run's lookback, plus one run of overlap.
  const windowMs = rule.kind === 'correlation' ? rule.timespanMs : 0;
  let lookbackMs = Math.max(2 * frequencyMs, frequencyMs + windowMs);
  if (d?.lookback !== undefined) {
    const l = parseTimespan(d.lookback);
    if (l === undefined) issue('DEPLOY_TIMESPAN', `deploy.lookback '${d.lookback}' is not a timespan like 10m, 2h`);
    else lookbackMs = l;
  }
  if (lookbackMs < frequencyMs) {
    issue('DEPLOY_LOOKBACK_SHORT', `deploy.lookback (${lookbackMs / MIN} min) is shorter than deploy.frequency (${frequencyMs / MIN} min): events between runs would never be searched`);
  }
  if (windowMs > 0 && lookbackMs < windowMs) {
    issue('DEPLOY_LOOKBACK_SHORT', `deploy.lookback (${lookbackMs / MIN} min) is shorter than the correlation timespan (${windowMs / MIN} min)`);
  }

  let suppressionMs: number | undefined;
  if (d?.suppression !== undefined) {
    suppressionMs = parseTimespan(d.suppression);
    if (suppressionMs === undefined) issue('DEPLOY_TIMESPAN', `deploy.suppression '${d.suppression}' is not a timespan`);
  }

  const riskScore = d?.riskScore ?? defaults.risk;
  if (!Number.isInteger(riskScore) || riskScore < 0 || riskScore > 100) {
    issue('DEPLOY_RISK_SCORE', `deploy.riskScore must be an integer 0..100 (got ${riskScore})`);
  }

  const entities = d?.entities ?? defaultEntities(rule);
  for (const e of entities) {
    if (!(ENTITY_NAMES as readonly string[]).includes(e)) {
      issue('DEPLOY_ENTITY_UNKNOWN', `deploy.entities: unknown entity '${e}' (known: ${ENTITY_NAMES.join(', ')})`);
    }
  }
  const targets = d?.targets && d.targets.length > 0 ? d.targets : DEPLOY_TARGETS;

  const settings: ResolvedSettings = {
    enabled: d?.enabled ?? true,
    frequencyMs,
    lookbackMs,
    riskScore,
    level,
    ...(suppressionMs !== undefined ? { suppressionMs } : {}),
    entities,
    targets,
  };

  // Sentinel's documented limits for scheduled rules.
  if (targets.includes('sentinel')) {
    if (frequencyMs < 5 * MIN || frequencyMs > 14 * DAY) {
      issue('DEPLOY_FREQUENCY_RANGE', `Sentinel runs scheduled rules every 5 minutes to 14 days (deploy.frequency is ${frequencyMs / MIN} min)`, 'sentinel');
    }
    if (lookbackMs < 5 * MIN || lookbackMs > 14 * DAY) {
      issue('DEPLOY_LOOKBACK_RANGE', `Sentinel query periods are 5 minutes to 14 days (deploy.lookback is ${lookbackMs / MIN} min)`, 'sentinel');
    }
    if (entities.length > 5) {
      issue('DEPLOY_ENTITIES_LIMIT', `Sentinel allows at most 5 entity mappings (deploy.entities has ${entities.length})`, 'sentinel');
    }
    if (suppressionMs !== undefined && (suppressionMs < 5 * MIN || suppressionMs > DAY)) {
      issue('DEPLOY_SUPPRESSION_RANGE', `Sentinel suppression is 5 minutes to 24 hours (deploy.suppression is ${suppressionMs / MIN} min)`, 'sentinel');
    }
  }
  if (targets.includes('splunk') && cronFor(frequencyMs) === undefined) {
    issue('DEPLOY_SPLUNK_SCHEDULE', `deploy.frequency (${frequencyMs / MIN} min) cannot be a Splunk cron schedule: use a divisor of 60 minutes or of 24 hours, or 1d/1w`, 'splunk');
  }
  return { settings, issues };
}

/** With no `entities`, map what every Sysmon 3 rule carries (host, account, destination ip). */
function defaultEntities(rule: Rule): readonly string[] {
  if (rule.kind === 'correlation') {
    const g = new Set(rule.groupBy);
    const out: string[] = [];
    if (g.has('Computer')) out.push('host');
    if (g.has('User')) out.push('account');
    if (g.has('DestinationIp')) out.push('ip');
    return out;
  }
  return ['host', 'account', 'ip'];
}
