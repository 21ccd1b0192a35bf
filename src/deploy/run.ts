/**
 * `dac deploy` without the CLI: build the client for one SIEM from the environment, plan,
 * optionally apply, print a line per rule and a summary. Every printed line is redacted.
 */
import type { DeployTarget } from '../ir/types.js';
import { DEFAULT_ELASTIC_INDEX, type ElasticOptions, type SplunkOptions } from './artifacts.js';
import { ElasticClient } from './clients/elastic.js';
import { SentinelClient } from './clients/sentinel.js';
import { SplunkClient } from './clients/splunk.js';
import type { SiemClient } from './clients/types.js';
import { ConfigError, elasticConfig, secretValues, sentinelConfig, splunkConfig } from './config.js';
import { HttpClient, Redactor, type RetryPolicy } from './http.js';
import { checkIndexPatterns } from './index-check.js';
import { applyPlan, errorText, makePlan, summarize, type ApplyResult, type PlanItem } from './plan.js';
import type { DeployUnit } from './units.js';

export interface RunDeployOptions {
  readonly target: DeployTarget;
  readonly units: readonly DeployUnit[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly planOnly: boolean;
  readonly prune: boolean;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly splunk?: SplunkOptions;
  readonly elastic?: ElasticOptions;
}

export interface RunDeployResult {
  readonly exitCode: number;
  readonly result?: ApplyResult;
  /** Requests retried, for the summary and tests. */
  readonly retries: number;
}

const SYMBOL: Readonly<Record<PlanItem['action'], string>> = {
  create: '+ create   ', update: '~ update   ', unchanged: '= unchanged', orphan: '? orphan   ', delete: '- delete   ', failed: '! failed   ',
};

export async function runDeploy(o: RunDeployOptions): Promise<RunDeployResult> {
  const redactor = new Redactor();
  for (const s of secretValues(o.env)) redactor.add(s);
  const out = (t: string): void => o.out(redactor.redact(t));
  const err = (t: string): void => o.err(redactor.redact(t));
  let retries = 0;
  const http = new HttpClient({
    redactor,
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
    onRetry: ({ attempt, reason, delayMs }) => {
      retries++;
      err(`  retry ${attempt} after ${reason}, waiting ${delayMs} ms\n`);
    },
  });

  let client: SiemClient;
  try {
    client = o.target === 'sentinel'
      ? new SentinelClient(sentinelConfig(o.env), http)
      : o.target === 'splunk'
        ? new SplunkClient(splunkConfig(o.env, o.splunk), http)
        : new ElasticClient(elasticConfig(o.env, o.elastic), http);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`dac deploy: ${e.message}\n`);
      return { exitCode: 2, retries };
    }
    throw e;
  }

  if (o.target === 'elastic' && o.env['DAC_ES_URL']) {
    const key = o.env['DAC_ES_API_KEY'] || o.env['DAC_KIBANA_API_KEY'] || '';
    for (const c of await checkIndexPatterns(o.env['DAC_ES_URL'], key, o.elastic?.index ?? DEFAULT_ELASTIC_INDEX, o.retry?.timeoutMs)) {
      if (c.matches === 0) err(`warning: index pattern ${c.pattern} matches nothing in Elasticsearch${c.error ? ` (${c.error})` : ''}\n`);
    }
  }

  out(`${o.target}: ${o.planOnly ? 'plan' : 'apply'}${o.prune ? ' with --prune' : ''}\n`);
  let plan;
  try {
    plan = await makePlan(client, o.units, o.prune);
  } catch (e) {
    err(`dac deploy: ${o.target}: cannot read the current rules: ${errorText(e)}\n`);
    // Nothing could be compared: every rule meant for this SIEM counts as failed.
    const items = o.units.filter((u) => u.queries[o.target] || u.failed[o.target]).map((u): PlanItem => ({ key: u.key, title: u.rule.title, action: 'failed', detail: 'not deployed: the SIEM could not be read' }));
    const result = summarize(o.target, items);
    out(summaryLine(result, o.planOnly) + '\n');
    return { exitCode: 1, result, retries };
  }

  const result = o.planOnly ? summarize(o.target, plan.items) : await applyPlan(client, plan);
  for (const i of result.items) {
    out(`  ${SYMBOL[i.action]}  ${i.key}  ${JSON.stringify(i.title)}${i.detail ? `  (${i.detail})` : ''}\n`);
  }
  const orphans = result.counts.orphan;
  if (orphans > 0) out(`  ${orphans} rule(s) in ${o.target} carry our marker but are not in the repository; kept (use --prune to delete them)\n`);
  out(summaryLine(result, o.planOnly) + (retries > 0 ? ` [${retries} request(s) retried]` : '') + '\n');
  return { exitCode: result.failed > 0 ? 1 : 0, result, retries };
}

function summaryLine(r: ApplyResult, planOnly: boolean): string {
  const c = r.counts;
  const verb = planOnly ? 'plan' : 'applied';
  return `${r.target} ${verb}: ${c.create} create, ${c.update} update, ${c.unchanged} unchanged, ${c.delete} delete, ${c.orphan} orphan, ${c.failed} failed${planOnly ? ' (nothing changed)' : ''}`;
}
