/**
 * Agreement with the engine for correlations and beacons on ES|QL, KQL and SPL: every repository
 * correlation rule's generated pipeline is run by a test-only interpreter (ES|QL: WHERE, EVAL,
 * STATS … BY BUCKET, COUNT/SUM/AVG/MIN/MAX/STD_DEV; KQL, over Kusto.Language's syntax tree:
 * where, extend, summarize … by bin_at, count/countif/sum/avg/min/max/stdevp; SPL: search, where,
 * eval, stats … BY with count/dc/sum/avg/min/max/stdevp) over the rule's fixture events as target
 * rows, and the (window, group) pairs it reports must equal the correlation matches of the
 * engine. Beacon method 'intervals' (KQL sort/prev(), SPL sort/streamstats) is checked on
 * synthetic traffic at the end. Not covered: the real engines' arithmetic and functions.
 */
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/engine/index.js';
import type { CorrelationRule, DetectionRule, Rule } from '../../src/ir/types.js';
import type { CanonicalEvent } from '../../src/logs/event.js';
import { readEvents } from '../../src/logs/index.js';
import { loadRulePaths } from '../../src/sigma/index.js';
import { rulesByKey } from '../../src/targets/batch.js';
import { effectiveGroupBy } from '../../src/targets/correlation.js';
import { compileRule, defaultPipeline } from '../../src/targets/index.js';
import { toRow } from './agreement/common.js';
import { runEsql } from './agreement/esql-pipeline.js';
import { runKql } from './agreement/kql-eval.js';
import { runSpl } from './agreement/spl-eval.js';

const root = join(import.meta.dirname, '..', '..');

async function read(path: string): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const e of readEvents(path, { onError: () => {} })) out.push(e);
  return out;
}

describe('ES|QL correlations select the same (window, group) pairs as the engine', async () => {
  const loaded = await loadRulePaths([join(root, 'rules')], { profile: 'repo', listsDir: join(root, 'lists') });
  const rules: readonly Rule[] = loaded.rules;
  const byKey = rulesByKey(rules);
  const cors = rules.filter((r): r is CorrelationRule => r.kind === 'correlation');

  it('the repository has correlation rules with fixtures', () => {
    expect(cors.length).toBeGreaterThan(0);
    expect(cors.every((c) => (c.tests?.fixtures.length ?? 0) > 0)).toBe(true);
  });

  for (const target of ['elastic-esql', 'sentinel', 'splunk'] as const)
  for (const c of cors) {
    it(`${target}: ${c.title}`, async () => {
      const res = compileRule(c, target, { rulesByKey: byKey });
      expect(res.ok, res.ok ? '' : res.error.message).toBe(true);
      if (!res.ok) return;
      const p = defaultPipeline(target);
      const gb = effectiveGroupBy(c);
      let fired = 0;
      for (const fx of c.tests!.fixtures) {
        const events = await read(resolve(dirname(c.source.file), fx.path));
        const engine = evaluateAll(rules.filter((r) => r.kind !== 'filter'), events)
          .correlations.filter((m) => m.rule === c || m.ruleKey === (c.id ?? c.name))
          .map((m) => `${m.window.start}|${gb.map((g) => m.group[g]).join('|')}`)
          .sort();
        const input = events.map((e) => toRow(e, p));
        // Splunk's _time is in seconds.
        if (target === 'splunk') for (const r of input) r['_time'] = Number(r['_time']) / 1000;
        const rows = target === 'sentinel' ? runKql(res.value.query, input) : target === 'splunk' ? runSpl(res.value.query, input, p.types) : runEsql(res.value.query, input, p.types);
        const cols = gb.map((g) => g.replace(/[^A-Za-z0-9_]/g, '_'));
        const scale = target === 'splunk' ? 1000 : 1;
        const esql = rows.map((r) => `${Number(r['_window']) * scale}|${cols.map((k) => String(r[k])).join('|')}`).sort();
        expect(esql, `${fx.path}`).toEqual(engine);
        fired += engine.length;
      }
      // At least one fixture of each correlation fires (positives exist).
      expect(fired).toBeGreaterThan(0);
    });
  }
});

describe("beacon method 'intervals' (KQL prev(), SPL streamstats) agrees with the engine on synthetic traffic", () => {
  const base: Rule = {
    kind: 'detection', id: '44444444-4444-4444-8444-444444444444', title: 'https out', tags: [], references: [], falsepositives: [], fields: [],
    source: { file: 'synthetic.yml', line: 1, column: 1 }, raw: {}, logsource: { product: 'windows', category: 'network_connection' },
    expr: { type: 'match', field: 'DestinationPort', pattern: { parts: [{ kind: 'lit', text: '443' }] }, cased: false, origin: 'number' },
    selections: {}, conditions: ['sel'],
  };
  const beacon: CorrelationRule = {
    kind: 'correlation', id: '55555555-5555-4555-8555-555555555555', title: 'intervals beacon', tags: [], references: [], falsepositives: [], fields: [],
    source: { file: 'synthetic.yml', line: 20, column: 1 }, raw: {}, type: 'beacon', rules: [base.id!], groupBy: ['Computer', 'Image', 'DestinationIp', 'DestinationPort'],
    timespanMs: 3_600_000, condition: [], aliases: {}, generate: false,
    beacon: { bucketMs: 60_000, minEvents: 8, minBuckets: 8, minCoverage: 0.5, maxCv: 0.5, method: 'intervals', maxIntervalCv: 0.2 },
  };
  // Deterministic pseudo-random jitter.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const events: CanonicalEvent[] = [];
  const t0 = Date.UTC(2024, 0, 1, 10, 0, 0);
  const ev = (host: string, image: string, t: number): CanonicalEvent => ({
    fields: Object.assign(Object.create(null), {
      EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', Provider_Name: 'Microsoft-Windows-Sysmon', Computer: host, Image: image,
      DestinationIp: '203.0.113.7', DestinationPort: 443, Initiated: true, Protocol: 'tcp', UtcTime: new Date(t).toISOString().replace('T', ' ').replace('Z', ''),
    }),
    time: t,
    source: { file: 'synthetic', record: events.length + 1 },
  });
  for (let i = 0; i < 40; i++) events.push(ev('WKS-1', 'C:\\beacon.exe', t0 + i * 60_000 + Math.floor(rnd() * 3000))); // periodic, small jitter
  for (let i = 0; i < 40; i++) events.push(ev('WKS-2', 'C:\\human.exe', t0 + Math.floor(rnd() * 3_500_000))); // bursty / random
  for (let i = 0; i < 12; i++) events.push(ev('WKS-3', 'C:\\slow.exe', t0 + i * 290_000 + (i % 2) * 100_000)); // alternating gaps
  const rules = [base, beacon];
  const byKey = new Map<string, DetectionRule | CorrelationRule>([[base.id!, base as DetectionRule], [beacon.id!, beacon]]);
  const engine = evaluateAll(rules, events).correlations.map((m) => `${m.window.start}|${m.group['Computer']}|${m.group['Image']}`).sort();

  it('the engine fires for the periodic host only (the fixture discriminates)', () => {
    expect(engine.length).toBeGreaterThan(0);
    expect(engine.every((k) => k.includes('WKS-1'))).toBe(true);
  });
  for (const target of ['sentinel', 'splunk'] as const) {
    it(target, () => {
      const res = compileRule(beacon, target, { rulesByKey: byKey, validate: true });
      expect(res.ok, res.ok ? '' : res.error.message).toBe(true);
      if (!res.ok) return;
      const p = defaultPipeline(target);
      const input = events.map((e) => toRow(e, p));
      if (target === 'splunk') for (const r of input) r['_time'] = Number(r['_time']) / 1000;
      const rows = target === 'sentinel' ? runKql(res.value.query, input) : runSpl(res.value.query, input, p.types);
      const scale = target === 'splunk' ? 1000 : 1;
      expect(rows.map((r) => `${Number(r['_window']) * scale}|${r['Computer']}|${r['Image']}`).sort()).toEqual(engine);
    });
  }
});
