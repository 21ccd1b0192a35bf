/**
 * The evaluator split in two, as parallel hunting uses it (Evaluator.lastHits / replay / count,
 * `correlate: false`, `silentMatches: false`): detections found by one evaluator and replayed,
 * in order, into another give exactly the matches and correlations of a single evaluator. Also
 * the compact beacon store (shared one-occurrence groups, times kept as small integers) on
 * times that are not integers, and group values that hold the key's own tag characters.
 */
import { describe, expect, it } from 'vitest';
import { compileRules, correlationFields, createEvaluator, type CorrelationMatch } from '../../src/engine/index.js';
import type { BeaconSpec } from '../../src/ir/types.js';
import type { CanonicalEvent, FieldValue } from '../../src/logs/event.js';
import { beaconScenario } from '../../src/synth/index.js';
import { correlation, detection, ev, match } from './build.js';
import { run } from './helpers.js';

const HOUR = 3_600_000;
const spec: BeaconSpec = { bucketMs: 60_000, minEvents: 10, minBuckets: 30, minCoverage: 0.8, maxCv: 0.5, method: 'buckets' };
const outbound = detection(match('Initiated', 'true'), { id: 'outbound' });
const ps = detection(match('Image', '*\\powershell.exe'), { id: 'ps' });
const rules = [
  outbound,
  ps,
  correlation('beacon', ['outbound'], { id: 'b1', timespanMs: 6 * HOUR, beacon: spec }),
  correlation('beacon', ['outbound'], { id: 'b2', timespanMs: 12 * HOUR, beacon: { ...spec, minBuckets: 20 } }),
  correlation('event_count', ['ps'], { id: 'burst', groupBy: ['Computer'], timespanMs: HOUR, condition: [{ op: 'gte', value: 3 }], generate: true }),
  correlation('value_count', ['outbound'], { id: 'fanout', groupBy: ['Computer'], valueField: 'DestinationIp', timespanMs: HOUR, condition: [{ op: 'gte', value: 5 }] }),
];

const summary = (ms: readonly CorrelationMatch[]) => ms.map((m) => ({ rule: m.ruleKey, group: m.groupKey, window: m.window, value: m.value, stats: m.stats, events: m.events.map((e) => e.source), emit: m.emit }));

function split(events: readonly CanonicalEvent[], partial: boolean) {
  const rs = compileRules(rules);
  const worker = createEvaluator(rs, { correlate: false, silentMatches: false });
  const main = createEvaluator(rs);
  const need = rs.detections.map((_, di) => correlationFields(rs, di));
  const detections: string[] = [];
  let events0 = 0;
  let skipped0 = 0;
  for (const e of events) {
    const before = worker.stats.skipped;
    worker.push(e);
    events0++;
    if (worker.stats.skipped !== before) skipped0++;
    const hits = worker.lastHits().slice();
    if (hits.length === 0) continue;
    // A worker may send only the fields the correlations use.
    let fed = e;
    if (partial) {
      const fields = Object.create(null) as Record<string, FieldValue>;
      for (const di of hits) for (const f of need[di]!) if (e.fields[f] !== undefined) fields[f] = e.fields[f]!;
      fed = { ...e, fields };
    }
    for (const m of main.replay(fed, hits)) detections.push(`${m.ruleKey}@${String(m.event.source.record)}`);
  }
  main.count(events0, skipped0);
  return { detections, correlations: main.finish(), stats: main.stats };
}

describe('split evaluation (worker + main) equals one evaluator', () => {
  const sc = beaconScenario({ seed: 'split', hours: 6, browsers: 3, durationHours: [2, 3] });
  const events = sc.events.map((e, i) => (i % 7 === 0 ? ev({ ...e.fields, Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' }, e.time) : e));
  // Events no rule selects count as skipped on both sides.
  events.push(ev({ EventID: 1, Image: 'x.exe' }, events[0]!.time));
  const whole = run(rules, events);

  it.each([false, true])('partial fields: %s', (partial) => {
    const s = split(events, partial);
    expect(whole.correlations.length).toBeGreaterThan(3);
    expect(new Set(whole.correlations.map((c) => c.ruleKey))).toEqual(new Set(['b1', 'b2', 'burst', 'fanout']));
    expect(s.detections).toEqual(whole.detections.map((m) => `${m.ruleKey}@${String(m.event.source.record)}`));
    expect(summary(s.correlations)).toEqual(summary(whole.correlations));
    expect(s.stats.events).toBe(whole.stats.events);
    expect(s.stats.skipped).toBe(whole.stats.skipped);
    expect([...s.stats.matchesByRule]).toEqual([...whole.stats.matchesByRule]);
  });

  it('silentMatches: false returns only alerts; lastHits still names every rule', () => {
    const rs = compileRules(rules);
    const quiet = createEvaluator(rs, { silentMatches: false });
    const e = events.find((x) => (x.fields['Initiated'] === true || x.fields['Initiated'] === 'true') && !String(x.fields['Image']).endsWith('powershell.exe'))!;
    expect(quiet.push(e)).toEqual([]); // `outbound` only feeds correlations (generate: false)
    expect(quiet.lastHits().map((di) => rs.detections[di]!.key)).toContain('outbound');
  });
});

describe('compact beacon store', () => {
  it('times that are not integers give what integer-free arithmetic gives', () => {
    // Same traffic at integer times and shifted by a fraction of a millisecond: same windows, counts and buckets.
    const conn = (t: number, ip: string) => ev({ Initiated: true, Computer: 'WS1', Image: 'C:\\a.exe', DestinationIp: ip, DestinationPort: 443 }, t);
    const T0 = Date.UTC(2024, 0, 1, 1);
    const mk = (shift: number) => {
      const out: CanonicalEvent[] = [];
      for (let i = 0; i < 90; i++) out.push(conn(T0 + i * 60_000 + shift, '203.0.113.7'));
      for (let i = 0; i < 50; i++) out.push(conn(T0 + i * 977 + shift, `198.51.100.${i}`)); // one-off groups
      return out;
    };
    const a = run(rules, mk(0)).correlations.filter((c) => c.type === 'beacon');
    const b = run(rules, mk(0.25)).correlations.filter((c) => c.type === 'beacon');
    expect(a.length).toBe(2);
    expect(b.map((m) => [m.ruleKey, m.groupKey, m.window, m.eventCount, m.stats!.active, m.stats!.span])).toEqual(a.map((m) => [m.ruleKey, m.groupKey, m.window, m.eventCount, m.stats!.active, m.stats!.span]));
    expect(b[0]!.stats!.first).toBe(a[0]!.stats!.first);
  });

  it('group values holding the key tag characters do not merge groups', () => {
    const T0 = Date.UTC(2024, 0, 1, 1);
    const events: CanonicalEvent[] = [];
    for (let i = 0; i < 60; i++) {
      events.push(ev({ Initiated: true, Computer: 'x', Image: '\u0002yz', DestinationIp: '1', DestinationPort: 443 }, T0 + i * 60_000));
      events.push(ev({ Initiated: true, Computer: 'x\u0002y', Image: 'z', DestinationIp: '1', DestinationPort: 443 }, T0 + i * 60_000));
      events.push(ev({ Initiated: true, Computer: 'x', Image: '\u0012\u0080', DestinationIp: '\u0013', DestinationPort: 443 }, T0 + i * 60_000));
      events.push(ev({ Initiated: true, Computer: 'x\u0012\u0080\u0013', Image: '', DestinationIp: '', DestinationPort: 443 }, T0 + i * 60_000));
    }
    const r = run(rules, events).correlations.filter((c) => c.ruleKey === 'b1');
    expect(r.map((c) => c.eventCount)).toEqual([60, 60, 60, 60]);
    expect(new Set(r.map((c) => JSON.stringify(c.group))).size).toBe(4);
  });
});
