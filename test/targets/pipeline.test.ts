/** Field pipelines are data: defaults load, a copied and edited file changes the output, and a
 *  broken file is rejected with every problem named. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRule, defaultPipeline, loadPipeline, PIPELINES_DIR, PipelineError, TARGET_IDS } from '../../src/targets/index.js';
import { m, or, rule } from './ir.js';

describe('pipelines', () => {
  it('every target has a default pipeline that loads', () => {
    for (const t of TARGET_IDS) expect(defaultPipeline(t).targets).toContain(t);
  });

  it('a copied pipeline with another table, index and watchlist changes only those names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-'));
    const text = readFileSync(join(PIPELINES_DIR, 'sysmon-sentinel.yml'), 'utf8').replace('table: Sysmon', 'table: MySysmon') + '\nlists:\n  bad_domains: { kind: watchlist, name: BadDomains, column: SearchKey }\n';
    writeFileSync(join(dir, 'p.yml'), text);
    const p = loadPipeline(join(dir, 'p.yml'));
    const list = { type: 'or' as const, children: [m('DestinationHostname', 'a.com'), m('DestinationHostname', 'b.com')], list: { name: 'bad_domains', field: 'DestinationHostname' } };
    const r = compileRule(rule(list), 'sentinel', { rulesByKey: new Map(), pipeline: p, validate: true });
    expect(r.ok && r.value.query).toBe('MySysmon\n| where EventID == 3\n| where tostring(DestinationHostname) in~ ((_GetWatchlist(@"BadDomains") | project SearchKey))');
    // Without the list mapping the values are inline.
    const inline = compileRule(rule(list), 'sentinel', { rulesByKey: new Map() });
    expect(inline.ok && inline.value.query).toContain('in~ (@"a.com", @"b.com")');
  });

  it('SPL lookups render as a subsearch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-'));
    writeFileSync(join(dir, 'p.yml'), readFileSync(join(PIPELINES_DIR, 'splunk-sysmon.yml'), 'utf8') + '\nlists:\n  bad_domains: { kind: lookup, name: bad_domains.csv, column: value }\n');
    const p = loadPipeline(join(dir, 'p.yml'));
    const list = { type: 'or' as const, children: [m('DestinationHostname', 'a.com'), m('DestinationHostname', 'b.com')], list: { name: 'bad_domains', field: 'DestinationHostname' } };
    const r = compileRule(rule(list), 'splunk', { rulesByKey: new Map(), pipeline: p, validate: true });
    expect(r.ok && r.value.query).toBe('`sysmon` EventCode=3 [| inputlookup bad_domains.csv | rename value AS DestinationHostname | fields DestinationHostname]');
  });

  it('a broken pipeline lists every problem with its key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-'));
    writeFileSync(join(dir, 'bad.yml'), 'name: x\ntargets: [sentinel, nope]\nsource: {}\ntime_field: "bad name"\nfields: { Image: 3 }\ntypes: { Image: float }\nextra: 1\n');
    let msg = '';
    try {
      loadPipeline(join(dir, 'bad.yml'));
    } catch (err) {
      expect(err).toBeInstanceOf(PipelineError);
      msg = (err as Error).message;
    }
    expect(msg).toContain("targets[1]: unknown target 'nope'");
    expect(msg).toContain('source.table: is required for kql pipelines');
    expect(msg).toContain("time_field: 'bad name' is not a valid field name");
    expect(msg).toContain('fields.Image: must be a field name');
    expect(msg).toContain('types.Image: must be one of');
    expect(msg).toContain('extra: unknown key');
  });

  it('a pipeline for another target is a named PipelineMismatch', () => {
    const r = compileRule(rule(or(m('Image', 'x'))), 'splunk', { rulesByKey: new Map(), pipeline: defaultPipeline('sentinel') });
    expect(!r.ok && r.error.code).toBe('PipelineMismatch');
  });
});
