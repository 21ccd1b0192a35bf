/** Hand-built IR rules and a stand-in compiler (plain query strings) for deploy tests. */
import type { CorrelationRule, DeploySettings, DetectionRule, Expr, Level } from '../../src/ir/types.js';
import type { CompileResult, TargetId } from '../../src/targets/api.js';
import type { CompileFn, DeployableRule } from '../../src/deploy/units.js';

const TRUE: Expr = { type: 'const', value: true };

export function detection(over: Partial<DetectionRule> & { id: string; title: string }): DetectionRule {
  return {
    kind: 'detection',
    level: 'high' as Level,
    status: 'test',
    description: `Detects ${over.title}.`,
    author: 'tests',
    tags: ['attack.command-and-control', 'attack.t1071.001'],
    references: ['https://example.org/ref'],
    falsepositives: ['Admin scripts'],
    fields: [],
    source: { file: `rules/network_connection/${over.id}.yml`, line: 1, column: 1 },
    raw: {},
    logsource: { product: 'windows', category: 'network_connection' },
    expr: TRUE,
    selections: { selection: TRUE },
    conditions: ['selection'],
    ...over,
  };
}

export function correlation(over: Partial<CorrelationRule> & { id: string; title: string; rules: string[] }): CorrelationRule {
  return {
    kind: 'correlation',
    type: 'event_count',
    level: 'medium',
    description: `Correlates ${over.title}.`,
    tags: ['attack.command-and-control', 'attack.t1071.004'],
    references: [],
    falsepositives: [],
    fields: [],
    source: { file: `rules/network_connection/${over.id}.yml`, line: 1, column: 1 },
    raw: {},
    groupBy: ['Computer', 'Image'],
    timespanMs: 300_000,
    condition: [{ op: 'gte', value: 50 }],
    aliases: {},
    generate: true,
    ...over,
  };
}

export function deploy(over: Partial<DeploySettings>): DeploySettings {
  return { enabled: true, frequency: '5m', lookback: '10m', entities: ['host', 'account', 'ip'], targets: ['sentinel', 'splunk', 'elastic'], ...over };
}

const LANG: Record<TargetId, { language: 'kql' | 'spl' | 'eql' | 'esql' | 'dsl'; ext: string }> = {
  sentinel: { language: 'kql', ext: 'kql' },
  'sentinel-asim': { language: 'kql', ext: 'kql' },
  splunk: { language: 'spl', ext: 'spl' },
  'splunk-cim': { language: 'spl', ext: 'spl' },
  'elastic-eql': { language: 'eql', ext: 'eql' },
  'elastic-esql': { language: 'esql', ext: 'esql' },
  'elastic-dsl': { language: 'dsl', ext: 'json' },
};

/** Queries as plain strings, per target; `failFor` makes one rule fail to compile. */
export function fakeCompiler(failFor: ReadonlySet<string> = new Set()): CompileFn {
  return (rule: DeployableRule, target: TargetId): CompileResult => {
    const key = rule.id ?? rule.title;
    if (failFor.has(key)) {
      return { ok: false, error: { code: 'UnsupportedFeature', message: `cannot express it in ${target}`, target, ruleKey: key } };
    }
    const t = rule.title.replace(/["\\]/g, '');
    const query: Record<TargetId, string> = {
      sentinel: `Sysmon\n| where EventID == 3\n| where tostring(Image) endswith @"\\${t}.exe"`,
      'sentinel-asim': `_Im_NetworkSession | where EventProduct == "Sysmon"`,
      splunk: `\`sysmon\` EventCode=3 Image="*\\\\${t}.exe"\n| table _time Computer User Image DestinationIp`,
      'splunk-cim': `| tstats count from datamodel=Network_Traffic`,
      'elastic-eql': `network where event.code == "3" and process.name : "${t}.exe"`,
      'elastic-esql': `FROM logs-windows.sysmon_operational-*\n| WHERE event.code == "3"\n| STATS n = COUNT(*) BY host.name`,
      'elastic-dsl': `{"query":{"match_all":{}}}`,
    };
    return { ok: true, value: { target, language: LANG[target].language, ruleKey: key, query: query[target], extension: LANG[target].ext } };
  };
}

export const NASTY_TITLE = `[Evil] "quoted" 'single' \\ back]slash — Ünïcödé 日本 [x]`;
