import { describe, expect, it } from 'vitest';
import { and, correlation, detection, ev, match } from './build.js';
import { run } from './helpers.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 4, 10, 0, 0); // aligned to 10 minutes
const dns = detection(match('DestinationPort', '53'), { id: 'dns' });
const at = (ms: number, fields: Record<string, string | number | boolean>) => ev({ DestinationPort: 53, Computer: 'A', Image: 'x.exe', ...fields }, ms);

describe('event_count with epoch-aligned tumbling windows', () => {
  const rule = correlation('event_count', ['dns'], { id: 'many-dns', groupBy: ['Computer'], timespanMs: 10 * MIN, condition: [{ op: 'gte', value: 3 }] });
  it('counts per window: events straddling a boundary are in different windows', () => {
    const events = [at(T0 + 9 * MIN, {}), at(T0 + 10 * MIN - 1, {}), at(T0 + 10 * MIN, {}), at(T0 + 11 * MIN, {})];
    const r = run([dns, rule], events);
    expect(r.correlations).toHaveLength(0); // 2 + 2, never 3 in one window
    const r2 = run([dns, rule], [...events, at(T0 + 19 * MIN + 59_999, {})]);
    expect(r2.correlations).toHaveLength(1);
    expect(r2.correlations[0]!.window).toEqual({ start: T0 + 10 * MIN, end: T0 + 20 * MIN });
    expect(r2.correlations[0]!.value).toBe(3);
    expect(r2.correlations[0]!.events.map((e) => e.time)).toEqual([T0 + 10 * MIN, T0 + 11 * MIN, T0 + 20 * MIN - 1]);
  });
  it('separates groups and accepts events out of order', () => {
    const events = [at(T0 + 3, { Computer: 'B' }), at(T0 + 1, { Computer: 'A' }), at(T0 + 2, { Computer: 'B' }), at(T0, { Computer: 'A' }), at(T0 + 4, { Computer: 'B' }), at(T0 + 5, { Computer: 'A' })];
    const r = run([dns, rule], events.reverse());
    expect(r.correlations.map((c) => [c.groupKey, c.value])).toEqual([['A', 3], ['B', 3]]);
    expect(r.correlations[0]!.group).toEqual({ Computer: 'A' });
  });
  it('group values are exact text; events missing a group field are not correlated', () => {
    const events = [at(T0, { Computer: 'A' }), at(T0, { Computer: 'a' }), at(T0, { Computer: 'A' }), ev({ DestinationPort: 53 }, T0), ev({ DestinationPort: 53, Computer: null }, T0)];
    const r = run([dns, rule], events);
    expect(r.correlations).toHaveLength(0);
    expect(r.stats.ungrouped).toBe(2);
    expect(r.detections).toHaveLength(5);
  });
  it('events without time are counted, not windowed', () => {
    const r = run([dns, rule], [ev({ DestinationPort: 53, Computer: 'A' })]);
    expect(r.stats.untimed).toBe(1);
  });
  it('generate flag decides whether base matches are emitted', () => {
    expect(run([dns, rule], [at(T0, {})]).detections[0]!.emit).toBe(false);
    const gen = correlation('event_count', ['dns'], { id: 'g', groupBy: ['Computer'], timespanMs: MIN, condition: [{ op: 'gte', value: 1 }], generate: true });
    expect(run([dns, gen], [at(T0, {})]).detections[0]!.emit).toBe(true);
    expect(run([dns], [at(T0, {})]).detections[0]!.emit).toBe(true);
  });
});

describe('value_count, value_sum, value_avg, value_percentile, value_median', () => {
  const base = detection(match('Image', '*'), { id: 'any' });
  const evs = [1000, 2000, 3000, 4000, 10_000].map((bytes, i) => ev({ Computer: 'A', Image: 'x', DestinationIp: `10.0.0.${i % 3}`, Bytes: bytes }, T0 + i));
  const c = (type: 'value_count' | 'value_sum' | 'value_avg' | 'value_percentile' | 'value_median', field: string, value: number, percentile?: number) =>
    correlation(type, ['any'], { id: type, groupBy: ['Computer'], timespanMs: 10 * MIN, valueField: field, condition: [{ op: 'gte', value }], ...(percentile !== undefined ? { percentile } : {}) });
  it.each([
    [c('value_count', 'DestinationIp', 3), 3],
    [c('value_sum', 'Bytes', 20_000), 20_000],
    [c('value_avg', 'Bytes', 4000), 4000],
    [c('value_percentile', 'Bytes', 0, 90), 7600], // linear interpolation: 4000 + 0.6·6000
    [c('value_median', 'Bytes', 0), 3000],
  ])('%#', (rule, value) => {
    const r = run([base, rule], evs);
    expect(r.correlations).toHaveLength(1);
    expect(r.correlations[0]!.value).toBeCloseTo(value);
  });
  it('threshold not met → nothing', () => {
    expect(run([base, c('value_count', 'DestinationIp', 4)], evs).correlations).toHaveLength(0);
  });
  it('non-numeric values are ignored by value_sum; none at all → no match', () => {
    const r = run([base, c('value_sum', 'Bytes', 0)], [ev({ Computer: 'A', Image: 'x', Bytes: 'n/a' }, T0)]);
    expect(r.correlations).toHaveLength(0);
  });
  it('median of an even count is the mean of the middle two', () => {
    const r = run([base, c('value_median', 'Bytes', 0)], evs.slice(0, 4));
    expect(r.correlations[0]!.value).toBe(2500);
  });
});

describe('temporal and temporal_ordered, with aliases', () => {
  // Two rules whose "same host" is in differently named fields.
  const smb = detection(match('DestinationPort', '445'), { id: 'smb' });
  const rdp = detection(match('DestinationPort', '3389'), { id: 'rdp' });
  const aliases = { host: { smb: 'DestinationIp', rdp: 'SourceIp' } };
  const temporal = correlation('temporal', ['smb', 'rdp'], { id: 't', groupBy: ['host'], timespanMs: 5 * MIN, aliases });
  const ordered = correlation('temporal_ordered', ['smb', 'rdp'], { id: 'o', groupBy: ['host'], timespanMs: 5 * MIN, aliases });
  const s = (t: number, ip: string) => ev({ DestinationPort: 445, DestinationIp: ip, SourceIp: '10.9.9.9' }, t);
  const r_ = (t: number, ip: string) => ev({ DestinationPort: 3389, SourceIp: ip, DestinationIp: '10.9.9.9' }, t);
  it('aliases map one group name onto each rule’s field', () => {
    const r = run([smb, rdp, temporal], [s(T0 + 1000, '10.0.0.5'), r_(T0 + 2000, '10.0.0.5'), s(T0 + 3000, '10.0.0.6')]);
    expect(r.correlations.map((c) => c.group)).toEqual([{ host: '10.0.0.5' }]);
    expect(r.correlations[0]!.events).toHaveLength(2);
  });
  it('ordered requires rule order; unordered does not', () => {
    const events = [r_(T0 + 1000, '10.0.0.5'), s(T0 + 2000, '10.0.0.5')];
    expect(run([smb, rdp, temporal], events).correlations).toHaveLength(1);
    expect(run([smb, rdp, ordered], events).correlations).toHaveLength(0);
    expect(run([smb, rdp, ordered], [...events, r_(T0 + 3000, '10.0.0.5')]).correlations).toHaveLength(1);
  });
  it('both rules must fall into the same tumbling window', () => {
    const events = [s(T0 + 5 * MIN - 1, '10.0.0.5'), r_(T0 + 5 * MIN, '10.0.0.5')];
    expect(run([smb, rdp, temporal], events).correlations).toHaveLength(0);
  });
});

describe('correlation of correlations and problems', () => {
  const dns = detection(match('DestinationPort', '53'), { id: 'dns' });
  const web = detection(match('DestinationPort', '443'), { id: 'web' });
  const manyDns = correlation('event_count', ['dns'], { id: 'many-dns', groupBy: ['Computer'], timespanMs: 10 * MIN, condition: [{ op: 'gte', value: 2 }] });
  const then = correlation('temporal', ['many-dns', 'web'], { id: 'dns-then-web', groupBy: ['Computer'], timespanMs: 10 * MIN, generate: true });
  it('a temporal correlation over an event_count correlation', () => {
    const events = [ev({ DestinationPort: 53, Computer: 'A' }, T0), ev({ DestinationPort: 53, Computer: 'A' }, T0 + 1), ev({ DestinationPort: 443, Computer: 'A' }, T0 + 2), ev({ DestinationPort: 443, Computer: 'B' }, T0 + 2)];
    const r = run([dns, web, manyDns, then], events);
    const outer = r.correlations.filter((c) => c.ruleKey === 'dns-then-web');
    expect(outer.map((c) => c.group)).toEqual([{ Computer: 'A' }]);
    expect(r.correlations.find((c) => c.ruleKey === 'many-dns')!.emit).toBe(true); // referenced with generate: true
  });
  it('unresolved references, cycles and bad regexes are problems, not exceptions', () => {
    const a = correlation('event_count', ['b'], { id: 'a', timespanMs: MIN });
    const b = correlation('event_count', ['a'], { id: 'b', timespanMs: MIN });
    const lost = correlation('event_count', ['nope'], { id: 'lost', timespanMs: MIN });
    const bad = detection({ type: 'regex', field: 'F', regex: '(', flags: { i: false, m: false, s: false } }, { id: 'bad' });
    const r = run([a, b, lost, bad, dns], [ev({ DestinationPort: 53, F: '(' }, T0)]);
    const codes = r.rs.problems.map((p) => p.code).sort();
    expect(codes).toContain('ENGINE_CORRELATION_CYCLE');
    expect(codes).toContain('ENGINE_UNRESOLVED_REFERENCE');
    expect(codes).toContain('ENGINE_BAD_LEAF');
    expect(r.rs.correlations).toHaveLength(0);
    expect(r.detections.map((d) => d.ruleKey)).toEqual(['dns']);
  });
  it('a base rule referenced by name', () => {
    const named = detection(and(match('DestinationPort', '53')), { name: 'dns_rule' });
    const c = correlation('event_count', ['dns_rule'], { id: 'c', timespanMs: MIN, condition: [{ op: 'gte', value: 1 }] });
    expect(run([named, c], [ev({ DestinationPort: 53 }, T0)]).correlations).toHaveLength(1);
  });
});
