import { describe, expect, it } from 'vitest';
import { beaconScenario, beaconSleep, Rng, sysmon3Corpus } from '../../src/synth/index.js';

describe('synthetic generators', () => {
  it('are deterministic per seed and differ across seeds', () => {
    const a = [...sysmon3Corpus({ count: 500, seed: 's' })].map((e) => ({ ...e.fields }));
    const b = [...sysmon3Corpus({ count: 500, seed: 's' })].map((e) => ({ ...e.fields }));
    const c = [...sysmon3Corpus({ count: 500, seed: 't' })].map((e) => ({ ...e.fields }));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
  it('produce typed Sysmon 3 fields, IPv4 and IPv6, in time order', () => {
    const evs = [...sysmon3Corpus({ count: 3000, seed: 'types' })];
    const f = evs[0]!.fields;
    expect(typeof f.DestinationPort).toBe('number');
    expect(typeof f.Initiated).toBe('boolean');
    expect(f.EventID).toBe(3);
    expect(f.UtcTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(evs.some((e) => e.fields.DestinationIsIpv6 === true && String(e.fields.DestinationIp).includes(':'))).toBe(true);
    expect(evs.some((e) => e.fields.Initiated === false)).toBe(true);
    for (let i = 1; i < evs.length; i++) expect(evs[i]!.time!).toBeGreaterThanOrEqual(evs[i - 1]!.time!);
  });
  it('jitter: one-sided sleeps stay in [p(1-j), p], two-sided in [p(1-j), p(1+j)]', () => {
    const rng = new Rng('j');
    for (let i = 0; i < 2000; i++) {
      const one = beaconSleep(rng, 60_000, 0.5, 'one-sided');
      expect(one).toBeGreaterThanOrEqual(30_000);
      expect(one).toBeLessThanOrEqual(60_000);
      const two = beaconSleep(rng, 60_000, 0.5, 'two-sided');
      expect(two).toBeGreaterThanOrEqual(30_000);
      expect(two).toBeLessThanOrEqual(90_000);
    }
  });
  it('beacon scenario truths match its events', () => {
    const sc = beaconScenario({ seed: 'truth', browsers: 2 });
    expect(sc.truths.reduce((s, t) => s + t.events, 0)).toBe(sc.events.length);
    for (const t of sc.truths.filter((x) => x.kind === 'beacon')) expect(t.last - t.first).toBeGreaterThanOrEqual(2 * 3_600_000 - 2 * t.periodMs!);
  });
});
