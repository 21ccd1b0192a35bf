/**
 * Agreement with the engine (the oracle): for every repository detection rule, every target we
 * can interpret here, and every event of the rule's fixtures plus the benign baseline corpus,
 * the generated query selects exactly the events the engine matches.
 *
 * How: no SIEM runs here, so each generated query is evaluated by a small test-only interpreter
 * of the operators we emit (test/targets/agreement/*): KQL over Kusto.Language's own syntax tree
 * of the generated text; ES|QL and EQL through a parser of our filter grammar; SPL search terms
 * and `| where` eval expressions; Query DSL over the JSON. Events: each rule's own fixtures, plus a deterministic sample of the benign baseline
 * (every 8th event and every baseline event any rule matches). Events become target rows through the same pipeline the compiler used (Sentinel's
 * Sysmon parser: text columns; ECS: typed fields, Initiated → network.direction).
 *
 * What this proves: our field mapping, value mapping, escaping, wildcard/regex translation
 * (including Lucene's full match and case folding), CIDR, null handling under NOT, and operator
 * semantics as we understand them, agree with the engine on real and synthetic events.
 * What it does not prove: that the SIEM implements each operator as the interpreter does (the
 * interpreters encode the documented semantics; a SIEM bug or an undocumented difference would
 * not show), correlations/beacons (aggregation queries are not interpreted), the real ASIM
 * parser's Src/Dst placement and the real CIM field extraction (ASIM and CIM rows are built by our
 * pipeline, every mapped column filled, so they test the rendering, not those parsers), and
 * ingestion differences (e.g. how a real Elastic integration populates ECS fields).
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/engine/index.js';
import type { DetectionRule, Rule } from '../../src/ir/types.js';
import type { CanonicalEvent } from '../../src/logs/event.js';
import { readEvents } from '../../src/logs/index.js';
import { loadRulePaths } from '../../src/sigma/index.js';
import { compileRule, defaultPipeline, type TargetId } from '../../src/targets/index.js';
import { toRow, type Row } from './agreement/common.js';
import { predicate } from './agreement/predicate.js';

const root = join(import.meta.dirname, '..', '..');
const TARGETS: readonly TargetId[] = ['sentinel', 'sentinel-asim', 'splunk', 'splunk-cim', 'elastic-eql', 'elastic-esql', 'elastic-dsl'];

async function read(path: string): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const e of readEvents(path, { onError: () => {} })) out.push(e);
  return out;
}


describe('generated queries select what the engine matches', () => {
  let rules: readonly Rule[] = [];
  const baseline: CanonicalEvent[] = [];
  const fixtures = new Map<string, CanonicalEvent[]>();
  /** Per detection rule: its events (fixtures + baseline) and the engine's matches, computed once. */
  const cases: { rule: DetectionRule; events: CanonicalEvent[]; engine: Set<CanonicalEvent> }[] = [];
  beforeAll(async () => {
    const loaded = await loadRulePaths([join(root, 'rules')], { profile: 'repo', listsDir: join(root, 'lists') });
    rules = loaded.rules;
    const bdir = join(root, 'fixtures', 'baseline');
    const all: CanonicalEvent[] = [];
    for (const f of readdirSync(bdir)) all.push(...(await read(join(bdir, f))));
    // Keep the suite quick: every 8th baseline event, plus every baseline event some rule
    // matches (the interesting ones), deterministic.
    const anyMatch = new Set(evaluateAll(loaded.rules.filter((r) => r.kind === 'detection'), all).detections.map((d) => d.event));
    all.forEach((e, i) => {
      if (i % 8 === 0 || anyMatch.has(e)) baseline.push(e);
    });
    for (const r of rules) {
      for (const fx of r.tests?.fixtures ?? []) {
        const p = resolve(dirname(r.source.file), fx.path);
        if (!fixtures.has(p)) fixtures.set(p, await read(p));
      }
    }
    for (const r of rules) {
      if (r.kind !== 'detection') continue;
      const own = (r.tests?.fixtures ?? []).flatMap((fx) => fixtures.get(resolve(dirname(r.source.file), fx.path)) ?? []);
      const events = [...own, ...baseline];
      cases.push({ rule: r, events, engine: new Set(evaluateAll([r], events).detections.map((d) => d.event)) });
    }
  }, 120_000);

  it('has rules, fixtures and baseline events to compare', () => {
    expect(rules.filter((r) => r.kind === 'detection').length).toBeGreaterThan(10);
    expect(baseline.length).toBeGreaterThan(100);
    expect(fixtures.size).toBeGreaterThan(10);
  });

  for (const target of TARGETS) {
    it(`${target}: same events as the engine, every detection rule, fixtures + baseline`, () => {
      const p = defaultPipeline(target);
      const rows = new Map<CanonicalEvent, Row>();
      let compared = 0;
      let matched = 0;
      const disagreements: string[] = [];
      for (const { rule: r, events, engine } of cases) {
        const res = compileRule(r, target, { rulesByKey: new Map() });
        if (!res.ok) continue; // named refusals are covered by the golden tests
        const pred = predicate(target, res.value.query);
        for (const e of events) {
          const want = engine.has(e);
          let row = rows.get(e);
          if (!row) rows.set(e, (row = toRow(e, p)));
          const got = pred(row);
          compared++;
          if (want) matched++;
          if (want !== got && disagreements.length < 10) {
            disagreements.push(`${r.title} [${e.source.file}:${e.source.line ?? e.source.record}] engine=${want} ${target}=${got}`);
          }
        }
      }
      expect(disagreements).toEqual([]);
      // ASIM and CIM refuse many rules (Initiated, host names): fewer comparisons there.
      expect(compared).toBeGreaterThan(target === 'sentinel-asim' || target === 'splunk-cim' ? 100 : 1000);
      expect(matched).toBeGreaterThan(target === 'sentinel-asim' || target === 'splunk-cim' ? 0 : 10);
    }, 120_000);
  }
});
