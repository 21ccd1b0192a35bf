import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compileRules, createEvaluator } from '../../src/engine/index.js';
import { deriveFilter, passesFilter, renderSysmonConfig, termHolds } from '../../src/sysmon-config/index.js';
import { parseXmlTree } from '../../src/logs/index.js';
import type { CanonicalEvent } from '../../src/logs/index.js';
import type { Rule } from '../../src/ir/types.js';
import { filesUnder, loadRepoRules, readEvents, ROOT } from './helpers.js';

const ev = (fields: Record<string, string | number | boolean>): CanonicalEvent => ({ fields, source: { file: 't' } });
// Rules whose regex-only selections cannot be expressed in Sysmon, plus the beacon correlations
// (they need every outbound connection): the documented "reduced" configuration leaves them out.
const REDUCED = ['DGA-Like', 'Encoded Label', 'beacon'];

describe('Sysmon condition semantics', () => {
  it('compares case-insensitively like Sysmon', () => {
    const e = ev({ Image: 'C:\\Windows\\System32\\MSHTA.EXE', DestinationPort: 443 });
    expect(termHolds({ field: 'Image', condition: 'end with', value: '\\mshta.exe' }, e)).toBe(true);
    expect(termHolds({ field: 'Image', condition: 'begin with', value: 'c:\\windows\\' }, e)).toBe(true);
    expect(termHolds({ field: 'Image', condition: 'contains', value: 'system32' }, e)).toBe(true);
    expect(termHolds({ field: 'DestinationPort', condition: 'is', value: '443' }, e)).toBe(true);
    expect(termHolds({ field: 'DestinationPort', condition: 'is', value: '4433' }, e)).toBe(false);
    expect(termHolds({ field: 'User', condition: 'is', value: '' }, e)).toBe(false);
  });
});

describe('dac sysmon-config filter derived from the repository rules', async () => {
  const rules = await loadRepoRules();

  it('is honest about rules it cannot reduce: the full set collects everything', () => {
    const full = deriveFilter(rules);
    expect(full.collectAll).toBe(true);
    expect(full.broadRules.map((b) => b.title).sort()).toEqual(['DGA-Like Destination Hostname', 'Destination Hostname With a Long Encoded Label']);
    expect(renderSysmonConfig(full)).toContain('<NetworkConnect onmatch="exclude" />');
  });

  const reduced = deriveFilter(rules, { exclude: REDUCED });
  const kept: readonly Rule[] = rules.filter((r) => !REDUCED.some((x) => r.title.includes(x) || (r.name ?? '').includes(x)));

  it('renders well-formed XML with include clauses', () => {
    const xml = renderSysmonConfig(reduced);
    const tree = parseXmlTree(xml);
    expect(tree).toBeTruthy();
    expect(xml).toContain('<Sysmon schemaversion="4.90">');
    expect(xml).toContain('<NetworkConnect onmatch="include">');
    expect(reduced.collectAll).toBe(false);
    expect(reduced.clauses.length).toBeGreaterThan(20);
  });

  it('keeps every fixture event that a kept rule matches', async () => {
    const files = filesUnder(join(ROOT, 'fixtures', 'rules'));
    const events = await readEvents(files);
    const evaluator = createEvaluator(compileRules(kept));
    let matched = 0;
    for (const e of events) {
      if (evaluator.push(e).length === 0) continue;
      matched++;
      expect(passesFilter(reduced, e), `${e.source.file}:${e.source.line ?? e.source.record}`).toBe(true);
    }
    expect(matched).toBeGreaterThan(60);
  });

  it('drops most of the benign baseline', async () => {
    const events = await readEvents(filesUnder(join(ROOT, 'fixtures', 'baseline')));
    const keptCount = events.filter((e) => passesFilter(reduced, e)).length;
    expect(events.length).toBeGreaterThan(10000);
    expect(keptCount / events.length).toBeLessThan(0.6);
  });
});
