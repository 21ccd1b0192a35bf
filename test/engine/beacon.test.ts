import { describe, expect, it } from 'vitest';
import type { BeaconSpec } from '../../src/ir/types.js';
import { beaconScenario, SERVICE_IMAGES, type GroupTruth } from '../../src/synth/index.js';
import { and, anyOf, correlation, detection, ev, match, not, or } from './build.js';
import { run } from './helpers.js';
import { compileRules, createEvaluator } from '../../src/engine/index.js';

/**
 * Default beacon parameters, tuned on the seeded scenario (see test/engine/tune.ts) and justified:
 * - bucket = the suspected period: a beacon whose sleep is ≤ the bucket keeps every bucket
 *   active (coverage 1.0); two-sided 50 % jitter (sleeps up to 1.5 periods) empties about 1/8
 *   of buckets in expectation (coverage ≈ 0.875), so min_coverage 0.8 keeps it;
 * - max_cv 0.5: per-bucket counts of a one-sided 50 % beacon are 1s and 2s (cv ≈ 0.35), while a
 *   page view alone brings 1-12 connections (cv of the burst size alone ≈ 0.5);
 * - min_buckets 30 (1 m) / 12 (5 m): at least half an hour / an hour of regularity, so short
 *   sessions cannot qualify; min_events 10.
 */
const DAY = 86_400_000;
const spec = (bucketMs: number, minBuckets: number): BeaconSpec => ({ bucketMs, minEvents: 10, minBuckets, minCoverage: 0.8, maxCv: 0.5, method: 'buckets' });
const outbound = detection(match('Initiated', 'true'), { id: 'outbound' });
const beacon1m = correlation('beacon', ['outbound'], { id: 'beacon-1m', timespanMs: DAY, beacon: spec(60_000, 30) });
const beacon5m = correlation('beacon', ['outbound'], { id: 'beacon-5m', timespanMs: DAY, beacon: spec(300_000, 12) });

const keyOf = (t: GroupTruth) => [t.computer, t.image, t.destinationIp, String(t.destinationPort)].join('\u001f');

describe.each(['beacon-scenario', 'second-seed', 'third-seed'])('seeded scenario %s', (seed) => {
  const sc = beaconScenario({ seed });
  const r = run([outbound, beacon1m, beacon5m], sc.events);
  const found = (id: string) => new Set(r.correlations.filter((c) => c.ruleKey === id).map((c) => c.groupKey));
  const f1 = found('beacon-1m');
  const f5 = found('beacon-5m');

  it('has every kind of traffic', () => {
    expect(sc.truths.filter((t) => t.kind === 'beacon')).toHaveLength(14);
    expect(sc.truths.filter((t) => t.kind === 'bursty').length).toBeGreaterThan(20);
    expect(r.detections).toHaveLength(sc.events.length);
  });
  it('finds every beacon with the bucket of its period', () => {
    for (const t of sc.truths.filter((x) => x.kind === 'beacon')) {
      const set = t.periodMs === 60_000 ? f1 : f5;
      expect(set.has(keyOf(t)), t.label).toBe(true);
    }
  });
  it('finds no bursty browsing with either bucket', () => {
    for (const t of sc.truths.filter((x) => x.kind === 'bursty')) {
      expect(f1.has(keyOf(t)) || f5.has(keyOf(t)), `${t.label} ${t.destinationIp}`).toBe(false);
    }
  });
  it('reports the statistics of a match', () => {
    const m = r.correlations.find((c) => c.ruleKey === 'beacon-1m')!;
    const s = m.stats!;
    expect(s.total).toBe(m.eventCount);
    expect(s.span).toBe((s.last - s.first) / 60_000 + 1);
    expect(s.coverage).toBeCloseTo(s.active / s.span);
    expect(s.cv).toBeCloseTo(s.stdevp / s.mean);
    expect(Object.keys(m.group)).toEqual(['Computer', 'Image', 'DestinationIp', 'DestinationPort']);
    expect(m.window.end - m.window.start).toBe(DAY);
  });
});

describe('benign periodic services', () => {
  const sc = beaconScenario({ seed: 'services' });
  it('are periodic (a raw beacon rule finds the frequent ones) …', () => {
    const r = run([outbound, beacon1m, beacon5m], sc.events);
    const keys = new Set(r.correlations.map((c) => c.groupKey));
    const wef = sc.truths.find((t) => t.label.startsWith('WEF'))!;
    const edr = sc.truths.find((t) => t.label.startsWith('EDR'))!;
    expect(keys.has(keyOf(wef))).toBe(true);
    expect(keys.has(keyOf(edr))).toBe(true);
  });
  it('… so rules allow-list them, and then only beacons remain', () => {
    const allow = or(
      and(match('DestinationPort', '5985'), match('DestinationIp', '10.0.5.20')),
      match('DestinationPort', '123'),
      anyOf('Image', [SERVICE_IMAGES.update, SERVICE_IMAGES.edr]),
    );
    const base = detection(and(match('Initiated', 'true'), not(allow)), { id: 'outbound' });
    const r = run([base, beacon1m, beacon5m], sc.events);
    const kinds = new Set<string>();
    const byKey = new Map(sc.truths.map((t) => [keyOf(t), t.kind]));
    for (const c of r.correlations) kinds.add(byKey.get(c.groupKey)!);
    expect([...kinds]).toEqual(['beacon']);
  });
});

describe('beacon details', () => {
  const T0 = Date.UTC(2024, 2, 4);
  const conn = (t: number) => ev({ Initiated: true, Computer: 'A', Image: 'x.exe', DestinationIp: '1.2.3.4', DestinationPort: 443 }, t);
  it('statistics follow SEMANTICS.md (population stdev; coverage over first..last)', () => {
    // Buckets (1 m): 2,1,0,1 events → active 3, span 4, coverage .75, mean 4/3.
    const events = [conn(T0 + 1000), conn(T0 + 2000), conn(T0 + 61_000), conn(T0 + 181_000)];
    const c = correlation('beacon', ['outbound'], { id: 'b', timespanMs: DAY, beacon: { bucketMs: 60_000, minEvents: 1, minBuckets: 1, minCoverage: 0, maxCv: 10, method: 'buckets' } });
    const s = run([outbound, c], events).correlations[0]!.stats!;
    expect(s).toMatchObject({ active: 3, total: 4, span: 4, coverage: 0.75, first: T0, last: T0 + 180_000 });
    expect(s.mean).toBeCloseTo(4 / 3);
    expect(s.stdevp).toBeCloseTo(Math.sqrt(((2 - 4 / 3) ** 2 + 2 * (1 - 4 / 3) ** 2) / 3));
  });
  it('intervals method: regular gaps fire, irregular do not', () => {
    const c = correlation('beacon', ['outbound'], { id: 'b', timespanMs: DAY, beacon: { bucketMs: 60_000, minEvents: 5, minBuckets: 5, minCoverage: 0, maxCv: 0, method: 'intervals', maxIntervalCv: 0.2 } });
    const regular = Array.from({ length: 30 }, (_, i) => conn(T0 + i * 90_000));
    const irregular = Array.from({ length: 30 }, (_, i) => conn(T0 + (i * i) * 10_000));
    const a = run([outbound, c], regular).correlations;
    expect(a).toHaveLength(1);
    expect(a[0]!.stats!.intervals!.cv).toBeCloseTo(0);
    expect(a[0]!.stats!.intervals!.mean).toBe(90_000);
    expect(run([outbound, c], irregular).correlations).toHaveLength(0);
  });
  it('a beacon split by a window boundary is judged per window', () => {
    const c = correlation('beacon', ['outbound'], { id: 'b', timespanMs: 3_600_000, beacon: spec(60_000, 30) });
    // 40 minutes before and 40 after a full hour: both halves qualify on their own.
    const events = Array.from({ length: 80 }, (_, i) => conn(T0 + 3_600_000 - 40 * 60_000 + i * 60_000 + 500));
    const ms = run([outbound, c], events).correlations;
    expect(ms.map((m) => m.window.start)).toEqual([T0, T0 + 3_600_000]);
    expect(ms.map((m) => m.stats!.active)).toEqual([40, 40]);
  });
  it('arrival order does not change the result', () => {
    const sc = beaconScenario({ seed: 'order', browsers: 3 });
    const shuffled = [...sc.events].reverse();
    const a = run([outbound, beacon1m], sc.events).correlations.map((c) => [c.groupKey, c.stats!.total, c.stats!.cv.toFixed(9)]);
    const b = run([outbound, beacon1m], shuffled).correlations.map((c) => [c.groupKey, c.stats!.total, c.stats!.cv.toFixed(9)]);
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(0);
  });
});

describe('beacon window memory', () => {
  const MIN = 60_000;
  const T0 = Date.UTC(2024, 2, 4);
  const b = correlation('beacon', ['outbound'], { id: 'b', timespanMs: DAY, beacon: spec(MIN, 5) });
  const conn = (t: number, ip: string, extra: Record<string, string> = {}) =>
    ev({ Initiated: 'true', Computer: 'pc1', Image: 'C:\\x\\agent.exe', DestinationIp: ip, DestinationPort: 443, ...extra }, t);

  it('keeps a bounded sample of events; counts and statistics stay exact', () => {
    const events = Array.from({ length: 40 }, (_, i) => conn(T0 + i * MIN + 5_000, '203.0.113.9'));
    // one-off destinations in between: they never form a window that could fire
    for (let i = 0; i < 200; i++) events.push(conn(T0 + i * 1000, `198.51.100.${i}`));
    const r = run([outbound, b], events);
    expect(r.correlations).toHaveLength(1);
    const m = r.correlations[0]!;
    expect(m.eventCount).toBe(40);
    expect(m.stats!.total).toBe(40);
    expect(m.stats!.active).toBe(40);
    expect(m.events.length).toBeGreaterThan(0);
    expect(m.events.length).toBeLessThanOrEqual(10);
    expect(m.events.every((e) => e.fields['DestinationIp'] === '203.0.113.9')).toBe(true);
  });

  it('maxEventsPerBeacon bounds the sample', () => {
    const events = Array.from({ length: 40 }, (_, i) => conn(T0 + i * MIN, '203.0.113.9'));
    const ev2 = createEvaluator(compileRules([outbound, b], { maxEventsPerBeacon: 3 }));
    for (const e of events) ev2.push(e);
    const [m] = ev2.finish();
    expect(m!.events).toHaveLength(3);
    expect(m!.eventCount).toBe(40);
  });

  it('keepAllBeaconEvents keeps every event (first occurrence included) up to maxEventsPerMatch', () => {
    const events = Array.from({ length: 40 }, (_, i) => conn(T0 + i * MIN, '203.0.113.9'));
    const ev2 = createEvaluator(compileRules([outbound, b], { keepAllBeaconEvents: true }));
    for (const e of events) ev2.push(e);
    const [m] = ev2.finish();
    expect(m!.events.map((e) => e.time)).toEqual(events.map((e) => e.time));
  });

  it('group values containing the display separator do not merge groups', () => {
    const events: ReturnType<typeof conn>[] = [];
    for (let i = 0; i < 20; i++) {
      events.push(conn(T0 + i * MIN, '1', { Computer: 'a\u001fb', Image: 'c' }));
      events.push(conn(T0 + i * MIN, '1', { Computer: 'a', Image: 'b\u001fc' }));
    }
    const r = run([outbound, b], events);
    expect(r.correlations.map((c) => c.group).sort((x, y) => (x['Computer']! < y['Computer']! ? -1 : 1))).toEqual([
      { Computer: 'a', Image: 'b\u001fc', DestinationIp: '1', DestinationPort: '443' },
      { Computer: 'a\u001fb', Image: 'c', DestinationIp: '1', DestinationPort: '443' },
    ]);
    expect(r.correlations.map((c) => c.eventCount)).toEqual([20, 20]);
  });
});
